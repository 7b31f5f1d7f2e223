"""Positional encodings (Finding 3): the learned positional weights, their PCA, the last row's cosine fit and,
for PE-only runs, the least-squares references, the μ runs side by side and the authors' rows."""

import streamlit as st

from icar_core import ui
from icar_core.charts.positions import mu_profiles
from icar_core.views import positions as pv

ckpt = ui.page_run(ui.t("positions.title"), ui.t("positions.lead"), ui.t("positions.how"))

view = ui.cached(pv.positional_view, ckpt)
ui.page_header(ui.t("positions.title"), ui.t("positions.lead"), ui.verdict_text(view.verdict), view.verdict.good)

# ---------------------------------------------------------------- the encodings themselves
st.subheader(ui.t("positions.P.title" if view.source == "matrix" else "positions.E.title"))
with_diagonal = view.source != "matrix" or not st.toggle(
    ui.t("positions.P.without_diagonal"), value=True, key="positions.diagonal",
    help=ui.t("positions.P.without_diagonal_help"))
chart, caption = pv.encodings_chart(view, ui.t, with_diagonal)
ui.show_chart(chart, f"positions-{'P' if view.source == 'matrix' else 'embeddings'}-{ckpt.name}")
st.caption(caption)

# ---------------------------------------------------------------- PCA
st.subheader(ui.t("positions.pca.title"))
if view.flat:
    # Every weight on an earlier token is round-off: a PCA or a winding of it would describe noise.
    st.info(ui.t("positions.flat", **pv.flat_values(view)))
else:
    if view.source == "matrix":
        st.caption(ui.t("positions.pca.caption_matrix", first=int(view.positions[0]), last=int(view.positions[-1])))
    else:
        st.caption(ui.t("positions.pca.caption_embedding", count=len(view.positions)))
    ui.metric_grid(pv.pca_cards(view, ui.t), columns=len(view.pca.explained_variance_ratio) + 1)
    left, right = st.columns([3, 2])
    with left:
        ui.show_chart(pv.pca_chart(view, ui.t), f"positions-pca-{ckpt.name}")
    with right:
        ui.metric_grid(pv.winding_cards(view, ui.t), columns=1)
        st.markdown(pv.winding_text(view, ui.t))

# ---------------------------------------------------------------- the last row and its cosine fit
if view.profile is not None:
    st.subheader(ui.t("positions.profile.title"))
    if view.profile_flat:
        # Round-off has no shape: drawing or fitting it would invent one.
        st.info(ui.t("positions.profile.flat", n=int(view.positions[-1]), **pv.flat_values(view)))
    else:
        ui.metric_grid(pv.profile_cards(view, ui.t), columns=3)
        ui.show_chart(pv.profile_chart(view, ui.t), f"positions-profile-{ckpt.name}")
        st.markdown(ui.verdict_text(view.shape_verdict))

if pv.trained_alone(ckpt):
    # ------------------------------------------------------------ least-squares references
    st.subheader(ui.t("positions.ls.title"))
    with st.spinner(ui.t("positions.ls.computing")):
        ref = ui.cached(pv.least_squares_reference, ckpt)
    # Two rows of three: the ridge reference, then the exact interpolant (short labels; details in the tooltips).
    ui.metric_grid(pv.least_squares_cards(ref, ui.t), columns=3)
    show_min_norm = st.toggle(ui.t("positions.ls.show_min_norm"), value=False, key="positions.min_norm")
    ui.show_chart(pv.least_squares_chart(ref, show_min_norm, ui.t), f"positions-least-squares-{ckpt.name}")
    st.markdown(" ".join(ui.t(key, **values) for key, values in pv.least_squares_text(ref)))

    # ------------------------------------------------------------ the authors' row for this μ
    mine = ui.cached(pv.profile_summary, ckpt, pv.reference_folder())
    st.subheader(ui.t("positions.paper.title"))
    if mine.paper is None:
        st.info(ui.t("positions.paper.absent", mu=f"{mine.mu:g}"))
    else:
        st.metric(ui.t("positions.metric.paper_cosine"), f"{mine.paper_cosine:.4f}",
                  help=ui.t("positions.metric.cosine_help"))
        ui.show_chart(pv.paper_chart(mine, ui.t), f"positions-paper-{ckpt.name}")

    # ------------------------------------------------------------ every PE-only run side by side
    st.subheader(ui.t("positions.mu.title"))
    summaries = [ui.cached(pv.profile_summary, r, pv.reference_folder()) for r in pv.trained_alone_runs(ui.all_runs())]
    have_paper = any(s.paper is not None for s in summaries)
    # Without the authors' rows here the switch would draw nothing: it is shown greyed out, saying why.
    show_paper = st.toggle(ui.t("positions.mu.show_paper"), value=False, key="positions.mu_paper",
                           disabled=not have_paper,
                           help=None if have_paper else ui.t("positions.mu.show_paper_absent")) and have_paper
    chart = mu_profiles(pv.mu_overlay(summaries, show_paper, ui.t), ui.t("positions.mu.chart"),
                        x_title=ui.t("positions.axis.key"), y_title=ui.t("positions.weight"))
    ui.show_chart(chart, "positions-mu-runs")
    st.dataframe(pv.mu_table(summaries, ui.t), hide_index=True)
    st.caption(ui.t("positions.mu.caption"))

ui.how_to_read(ui.t("positions.how"))
