"""Positional encodings (Finding 3): the learned positional weights, their PCA, the last row's cosine fit and,
for PE-only runs, the least-squares references, the μ runs side by side and the authors' rows."""

import numpy as np
import streamlit as st

from icar_core import ui
from icar_core.charts.positions import mu_profiles, pca_path
from icar_core.views.positions import (
    encodings_chart,
    flat_values,
    least_squares_cards,
    least_squares_reference,
    least_squares_text,
    mu_overlay,
    mu_table,
    pca_cards,
    positional_view,
    positions_reason,
    profile_summary,
    reference_folder,
    row_chart,
    trained_alone,
    trained_alone_runs,
    winding_cards,
    winding_text,
)

ckpt = ui.require_run(ui.t("positions.title"), ui.t("positions.lead"))
ui.stop_if_not_applicable(ckpt, positions_reason(ckpt), "positions", ui.t("positions.title"), ui.t("positions.lead"),
                          ui.t("positions.how"))

view = ui.cached(positional_view, ckpt)
verdict = view.verdict
ui.page_header(ui.t("positions.title"), ui.t("positions.lead"), ui.verdict_text(verdict), verdict.good)
pe_only = trained_alone(ckpt)
value_title = ui.t("positions.weight")

# ---------------------------------------------------------------- the encodings themselves
st.subheader(ui.t("positions.P.title" if view.source == "matrix" else "positions.E.title"))
with_diagonal = view.source != "matrix" or not st.toggle(
    ui.t("positions.P.without_diagonal"), value=True, key="positions.diagonal",
    help=ui.t("positions.P.without_diagonal_help"))
chart, caption = encodings_chart(view, ui.t, with_diagonal)
ui.show_chart(chart, f"positions-{'P' if view.source == 'matrix' else 'embeddings'}-{ckpt.name}")
st.caption(caption)

# ---------------------------------------------------------------- PCA
st.subheader(ui.t("positions.pca.title"))
if view.flat:
    # Every weight on an earlier token is round-off: a PCA or a winding of it would describe noise.
    st.info(ui.t("positions.flat", **flat_values(view)))
else:
    if view.source == "matrix":
        st.caption(ui.t("positions.pca.caption_matrix", first=int(view.positions[0]), last=int(view.positions[-1])))
    else:
        st.caption(ui.t("positions.pca.caption_embedding", count=len(view.positions)))
    ui.metric_grid(pca_cards(view, ui.t), columns=len(view.pca.explained_variance_ratio) + 1)
    chart = pca_path(view.pca.coordinates, view.positions, ui.t("positions.pca.chart"),
                     x_title=ui.t("positions.axis.pc", k=1), y_title=ui.t("positions.axis.pc", k=2),
                     position_title=ui.t("positions.axis.position"))
    left, right = st.columns([3, 2])
    with left:
        ui.show_chart(chart, f"positions-pca-{ckpt.name}")
    with right:
        ui.metric_grid(winding_cards(view, ui.t), columns=1)
        st.markdown(winding_text(view, ui.t))

# ---------------------------------------------------------------- the last row and its cosine fit
if view.profile is not None:
    st.subheader(ui.t("positions.profile.title"))
    if view.profile_flat:
        # Round-off has no shape: drawing or fitting it would invent one.
        st.info(ui.t("positions.profile.flat", n=int(view.positions[-1]), **flat_values(view)))
    else:
        fit, shapes, claimed = view.fit, view.shape.shapes, bool(view.shape_verdict.good)
        ui.metric_grid([[
            (ui.t("positions.metric.r2"), f"{fit.r2:.4f}", None, ui.t("positions.metric.r2_help")),
            (ui.t("positions.metric.omega"), f"{fit.omega:.4f}" if claimed else ui.t("positions.not_claimed"), None,
             ui.t("positions.metric.omega_help")),
            (ui.t("positions.metric.cubic_ratio"), f"{shapes.cubic / shapes.cosine:.2g}×", None,
             ui.t("positions.metric.cubic_ratio_help", folds=shapes.folds))]], columns=3)
        series = {ui.t("positions.series.trained"): view.profile,
                  ui.t("positions.series.fit"): fit.predict(np.arange(len(view.profile))),
                  ui.t("positions.series.cubic"): view.cubic}
        chart = row_chart(series, ui.t("positions.profile.chart", n=int(view.positions[-1])), ui.t)
        ui.show_chart(chart, f"positions-profile-{ckpt.name}")
        st.markdown(ui.verdict_text(view.shape_verdict))

if pe_only:
    # ------------------------------------------------------------ least-squares references
    st.subheader(ui.t("positions.ls.title"))
    with st.spinner(ui.t("positions.ls.computing")):
        ref = ui.cached(least_squares_reference, ckpt)
    # Two rows of three: the ridge reference, then the exact interpolant (short labels; details in the tooltips).
    ui.metric_grid(least_squares_cards(ref, ui.t), columns=3)
    show_min_norm = st.toggle(ui.t("positions.ls.show_min_norm"), value=False, key="positions.min_norm")
    series = {ui.t("positions.series.trained"): ref.trained, ui.t("positions.series.ridge"): ref.ridge}
    if show_min_norm:
        series[ui.t("positions.series.min_norm")] = ref.min_norm
    chart = row_chart(series, ui.t("positions.ls.chart"), ui.t)
    ui.show_chart(chart, f"positions-least-squares-{ckpt.name}")
    st.markdown(" ".join(ui.t(key, **values) for key, values in least_squares_text(ref)))

    # ------------------------------------------------------------ the authors' row for this μ
    mine = ui.cached(profile_summary, ckpt, reference_folder())
    st.subheader(ui.t("positions.paper.title"))
    if mine.paper is None:
        st.info(ui.t("positions.paper.absent", mu=f"{mine.mu:g}"))
    else:
        st.metric(ui.t("positions.metric.paper_cosine"), f"{mine.paper_cosine:.4f}",
                  help=ui.t("positions.metric.cosine_help"))
        series = {ui.t("positions.series.ours", mu=f"{mine.mu:g}"): mine.profile,
                  ui.t("positions.series.paper", mu=f"{mine.mu:g}"): mine.paper}
        chart = row_chart(series, ui.t("positions.paper.chart", mu=f"{mine.mu:g}"), ui.t)
        ui.show_chart(chart, f"positions-paper-{ckpt.name}")

    # ------------------------------------------------------------ every PE-only run side by side
    st.subheader(ui.t("positions.mu.title"))
    runs = trained_alone_runs(ui.all_runs())
    summaries = [ui.cached(profile_summary, r, reference_folder()) for r in runs]
    have_paper = any(s.paper is not None for s in summaries)
    # Without the authors' rows here the switch would draw nothing: it is shown greyed out, saying why.
    show_paper = st.toggle(ui.t("positions.mu.show_paper"), value=False, key="positions.mu_paper",
                           disabled=not have_paper,
                           help=None if have_paper else ui.t("positions.mu.show_paper_absent")) and have_paper
    chart = mu_profiles(mu_overlay(summaries, show_paper, ui.t), ui.t("positions.mu.chart"),
                        x_title=ui.t("positions.axis.key"), y_title=value_title)
    ui.show_chart(chart, "positions-mu-runs")
    st.dataframe(mu_table(summaries, ui.t), hide_index=True)
    st.caption(ui.t("positions.mu.caption"))

ui.how_to_read(ui.t("positions.how"))
