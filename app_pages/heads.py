"""Heads: every head's weight matrices, one head large or all heads side by side on one colour scale."""

import streamlit as st

from icar_core import ui
from icar_core.charts.common import heatmap, heatmap_row, symmetric_max
from icar_core.charts.heads import matrix_panel, small_multiples
from icar_core.charts.paper import heatmap_size
from icar_core.views.heads import (
    block_step,
    head_labels,
    heads_verdict,
    heads_view,
    paper_units,
    preconditioner_caption,
)

ckpt = ui.page_run(ui.t("heads.title"), ui.t("heads.lead"), ui.t("heads.how"))

view = ui.cached(heads_view, ckpt)
verdict = ui.cached(heads_verdict, ckpt)
ui.page_header(ui.t("heads.title"), ui.t("heads.lead"), ui.verdict_text(verdict), verdict.good)

heads = head_labels(view.n_heads, ui.t("heads.head_word"))
strongest = view.strongest
cols = st.columns(4)
cols[0].metric(ui.t("heads.metric.heads"), view.n_heads)
cols[1].metric(ui.t("heads.metric.strongest"), heads[strongest.head],
               ui.t("heads.delta.circuit", circuit=strongest.circuit), delta_color="off", delta_arrow="off",
               help=ui.t("heads.metric.strongest_help"))
cols[2].metric(ui.t("heads.metric.norm"), f"{strongest.norm:.3f}", help=ui.t("heads.metric.norm_help"))
cols[3].metric(ui.t("heads.metric.share"), f"{100 * strongest.share:.0f}%", help=ui.t("heads.metric.share_help"))

value_title = ui.t("heads.value")
if view.head_type == "diagonal":
    coords = list(view.coordinate_labels)
    st.subheader(ui.t("heads.diagonal.title"))
    st.caption(ui.t("heads.diagonal.caption", heads=view.n_heads, m=len(coords)))
    chart = heatmap_row({ui.t("heads.diagonal.A"): view.A, ui.t("heads.diagonal.B"): view.B},
                        row_labels=heads, col_labels=coords, x_title=ui.t("heads.axis.coordinate"),
                        y_title=ui.t("heads.axis.head"), value_title=value_title,
                        size=heatmap_size(max(view.n_heads, len(coords)), 260))
    ui.show_chart(chart, f"heads-AB-{ckpt.name}")
    st.subheader(ui.t("heads.diagonal.C_title"))
    chart = heatmap(view.C, ui.t("heads.diagonal.C"), row_labels=coords, col_labels=coords,
                    x_title=ui.t("heads.axis.query_key_coordinate"), y_title=ui.t("heads.axis.value_coordinate"),
                    value_title=value_title, size=heatmap_size(len(coords), 300))
    ui.show_chart(chart, f"heads-C-{ckpt.name}")
    st.caption(ui.t("heads.diagonal.C_caption"))
    units = ui.cached(paper_units, ckpt)
    if units is not None:  # C here is icar's, scale² × the paper's (the number on the Paper-reference page)
        st.caption(ui.t("heads.paper_units", **units))
else:
    names = list(view.matrices)
    left, middle, right = st.columns([2, 2, 1])
    name = left.selectbox(ui.t("heads.pick_matrix"), names, format_func=lambda n: ui.t(f"heads.matrix.{n}"),
                          key="heads.matrix")
    layout = "one"
    if view.n_heads > 1:
        layout = middle.radio(ui.t("heads.layout"), ["one", "all"], horizontal=True,
                              format_func=lambda v: ui.t(f"heads.layout.{v}"), key="heads.layout")
    matrix = view.matrices[name]
    labels = {"row_labels": matrix.row_labels, "col_labels": matrix.col_labels, "row_blocks": matrix.row_blocks,
              "col_blocks": matrix.col_blocks, "x_title": ui.t(matrix.col_axis), "y_title": ui.t(matrix.row_axis),
              "value_title": value_title}
    big = 24 * max(len(matrix.row_labels), len(matrix.col_labels)) + 80
    if layout == "one":
        head = 0
        if view.n_heads > 1:  # starts on the strongest head, the one the verdict names
            head = right.selectbox(ui.t("heads.pick_head"), range(view.n_heads), index=strongest.head,
                                   format_func=heads.__getitem__, key=f"heads.head-{ui.run_id(ckpt)[:12]}")
        # One scale for every head of this matrix, so switching heads compares like with like.
        chart = matrix_panel(matrix.values[head], ui.t("heads.chart.one", matrix=name, head=heads[head]),
                             domain_max=symmetric_max(matrix.values), size=min(max(big, 260), 460), **labels)
        ui.show_chart(chart, f"heads-{name}-{ckpt.name}-h{head + 1}")
        if view.preconditioner_fit and name == "preconditioner":
            c, error = view.preconditioner_fit[head]
            st.metric(ui.t("heads.metric.preconditioner"), f"{c:.3f}·I",
                      help=ui.t("heads.metric.preconditioner_help"))
            key, values = preconditioner_caption(ui.cached(block_step, ckpt), (c, error))
            st.caption(ui.t(key, **values))
    else:
        panels = {heads[h]: matrix.values[h] for h in range(view.n_heads)}
        chart = small_multiples(panels, ui.t("heads.chart.all", matrix=name), columns=4,
                                size=min(max(big // 2, 120), 220), **labels)
        ui.show_chart(chart, f"heads-{name}-{ckpt.name}-all")
    st.caption(ui.t(f"heads.about.{name}"))
    if matrix.col_blocks:
        st.caption(ui.t("heads.blocks_caption"))

ui.how_to_read(ui.t("heads.how"))
