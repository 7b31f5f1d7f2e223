"""Positional encodings (Finding 3): the learned positional weights, their PCA, the last row's cosine fit and,
for PE-only runs, the least-squares references, the μ runs side by side and the authors' rows."""

import streamlit as st

from icar_core import ui
from icar_core.charts.positions import mu_profiles
from icar_core.views import positions as pv

t, key = ui.t, ui.widget_key
ckpt = ui.page_run(t("positions.title"), t("positions.lead"), t("positions.how"))

header = st.container()
shown, other = ui.view_controls(ckpt)  # the scrubber's snapshot of the run, and a pinned second run
with header:
    verdict = ui.cached(pv.positional_view, shown).verdict
    ui.page_header(t("positions.title"), t("positions.lead"), ui.verdict_text(verdict), verdict.good)
ui.compare_table(pv.positions_numbers, shown, other)


def draw(run) -> None:
    view = ui.cached(pv.positional_view, run)
    st.subheader(t("positions.P.title" if view.source == "matrix" else "positions.E.title"))
    with_diagonal = view.source != "matrix" or not st.toggle(
        t("positions.P.without_diagonal"), value=True, key=key("positions.diagonal"),
        help=t("positions.P.without_diagonal_help"))
    chart, caption = pv.encodings_chart(view, t, with_diagonal)
    ui.show_chart(chart, f"positions-{'P' if view.source == 'matrix' else 'embeddings'}-{run.name}")
    st.caption(caption)
    st.subheader(t("positions.pca.title"))
    if view.flat:  # every weight on an earlier token is round-off: a PCA or a winding of it would describe noise
        st.info(t("positions.flat", **pv.flat_values(view)))
    else:
        if view.source == "matrix":
            st.caption(t("positions.pca.caption_matrix", first=int(view.positions[0]), last=int(view.positions[-1])))
        else:
            st.caption(t("positions.pca.caption_embedding", count=len(view.positions)))
        ui.metric_grid(pv.pca_cards(view, t), columns=len(view.pca.explained_variance_ratio) + 1)
        left, right = st.columns([3, 2]) if other is None else (st.container(), st.container())
        with left:
            ui.show_chart(pv.pca_chart(view, t), f"positions-pca-{run.name}")
        with right:
            ui.metric_grid(pv.winding_cards(view, t), columns=1)
            st.markdown(pv.winding_text(view, t))
    if view.profile is not None:
        st.subheader(t("positions.profile.title"))
        if view.profile_flat:  # round-off has no shape: drawing or fitting it would invent one
            st.info(t("positions.profile.flat", n=int(view.positions[-1]), **pv.flat_values(view)))
        else:
            ui.metric_grid(pv.profile_cards(view, t), columns=3)
            ui.show_chart(pv.profile_chart(view, t), f"positions-profile-{run.name}")
            st.markdown(ui.verdict_text(view.shape_verdict))
    if pv.trained_alone(run):
        st.subheader(t("positions.ls.title"))
        with st.spinner(t("positions.ls.computing")):
            ref = ui.cached(pv.least_squares_reference, run)
        # Two rows of three: the ridge reference, then the exact interpolant (short labels; details in the tooltips).
        ui.metric_grid(pv.least_squares_cards(ref, t), columns=3)
        show_min_norm = st.toggle(t("positions.ls.show_min_norm"), value=False, key=key("positions.min_norm"))
        ui.show_chart(pv.least_squares_chart(ref, show_min_norm, t), f"positions-least-squares-{run.name}")
        st.markdown(" ".join(t(k, **values) for k, values in pv.least_squares_text(ref)))
        mine = ui.cached(pv.profile_summary, run, pv.reference_folder())  # the authors' row for this μ
        st.subheader(t("positions.paper.title"))
        if mine.paper is None:
            st.info(t("positions.paper.absent", mu=f"{mine.mu:g}"))
        else:
            st.metric(t("positions.metric.paper_cosine"), f"{mine.paper_cosine:.4f}",
                      help=t("positions.metric.cosine_help"))
            ui.show_chart(pv.paper_chart(mine, t), f"positions-paper-{run.name}")
    ui.reproduce(pv.positions_reproduce(run))


ui.side_by_side(draw, shown, other, pv.positions_reason, lambda run: ui.cached(pv.positional_view, run).verdict)
if pv.trained_alone(ckpt):  # every PE-only run side by side (their final weights)
    st.subheader(t("positions.mu.title"))
    summaries = [ui.cached(pv.profile_summary, r, pv.reference_folder()) for r in pv.trained_alone_runs(ui.all_runs())]
    have_paper = any(s.paper is not None for s in summaries)
    # Without the authors' rows here the switch would draw nothing: it is shown greyed out, saying why.
    show_paper = st.toggle(t("positions.mu.show_paper"), value=False, key="positions.mu_paper",
                           disabled=not have_paper, help=None if have_paper else t("positions.mu.show_paper_absent")
                           ) and have_paper
    chart = mu_profiles(pv.mu_overlay(summaries, show_paper, t), t("positions.mu.chart"),
                        x_title=t("positions.axis.key"), y_title=t("positions.weight"))
    ui.show_chart(chart, "positions-mu-runs")
    st.dataframe(pv.mu_table(summaries, t), hide_index=True)
    st.caption(t("positions.mu.caption"))
ui.how_to_read(t("positions.how"))
