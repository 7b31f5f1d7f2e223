"""Heads: every head's weight matrices, one head large or all heads side by side on one colour scale."""

import streamlit as st

from icar_core import ui
from icar_core.charts.common import heatmap, heatmap_row, symmetric_max
from icar_core.charts.heads import matrix_panel, small_multiples
from icar_core.charts.paper import heatmap_size
from icar_core.views import heads as hv

t, key = ui.t, ui.widget_key
ckpt = ui.page_run(t("heads.title"), t("heads.lead"), t("heads.how"))

header = st.container()
shown, other = ui.view_controls(ckpt)  # the scrubber's snapshot of the run, and a pinned second run
verdict = ui.cached(hv.heads_verdict, shown)
with header:
    ui.page_header(t("heads.title"), t("heads.lead"), ui.verdict_text(verdict), verdict.good)
ui.compare_table(hv.heads_numbers, shown, other)


def draw(run) -> None:
    view = ui.cached(hv.heads_view, run)
    heads, strongest, value_title = hv.head_labels(view.n_heads, t("heads.head_word")), view.strongest, t("heads.value")
    ui.metric_grid(hv.heads_cards(view, t), columns=4 if other is None else 2)
    if view.head_type == "diagonal":
        coords = list(view.coordinate_labels)
        st.subheader(t("heads.diagonal.title"))
        st.caption(t("heads.diagonal.caption", heads=view.n_heads, m=len(coords)))
        chart = heatmap_row({t("heads.diagonal.A"): view.A, t("heads.diagonal.B"): view.B},
                            row_labels=heads, col_labels=coords, x_title=t("heads.axis.coordinate"),
                            y_title=t("heads.axis.head"), value_title=value_title,
                            size=heatmap_size(max(view.n_heads, len(coords)), 260))
        ui.show_chart(chart, f"heads-AB-{run.name}")
        st.subheader(t("heads.diagonal.C_title"))
        chart = heatmap(view.C, t("heads.diagonal.C"), row_labels=coords, col_labels=coords,
                        x_title=t("heads.axis.query_key_coordinate"), y_title=t("heads.axis.value_coordinate"),
                        value_title=value_title, size=heatmap_size(len(coords), 300))
        ui.show_chart(chart, f"heads-C-{run.name}")
        st.caption(t("heads.diagonal.C_caption"))
        units = ui.cached(hv.paper_units, run)
        if units is not None:  # C here is icar's, scale² × the paper's (the number on the Paper-reference page)
            st.caption(t("heads.paper_units", **units))
    else:
        names = list(view.matrices)
        left, middle, right = st.columns([2, 2, 1])
        name = left.selectbox(t("heads.pick_matrix"), names, format_func=lambda n: t(f"heads.matrix.{n}"),
                              key=key("heads.matrix"))
        layout = "one"
        if view.n_heads > 1:
            layout = middle.radio(t("heads.layout"), ["one", "all"], horizontal=True,
                                  format_func=lambda v: t(f"heads.layout.{v}"), key=key("heads.layout"))
        matrix = view.matrices[name]
        labels = {"row_labels": matrix.row_labels, "col_labels": matrix.col_labels, "row_blocks": matrix.row_blocks,
                  "col_blocks": matrix.col_blocks, "x_title": t(matrix.col_axis), "y_title": t(matrix.row_axis),
                  "value_title": value_title}
        big = 24 * max(len(matrix.row_labels), len(matrix.col_labels)) + 80
        if layout == "one":
            head = 0
            if view.n_heads > 1:  # starts on the strongest head, the one the verdict names
                head = right.selectbox(t("heads.pick_head"), range(view.n_heads), index=strongest.head,
                                       format_func=heads.__getitem__, key=key(f"heads.head-{ui.run_id(run)[:12]}"))
            # One scale for every head of this matrix, so switching heads compares like with like.
            chart = matrix_panel(matrix.values[head], t("heads.chart.one", matrix=name, head=heads[head]),
                                 domain_max=symmetric_max(matrix.values), size=min(max(big, 260), 460), **labels)
            ui.show_chart(chart, f"heads-{name}-{run.name}-h{head + 1}")
            if view.preconditioner_fit and name == "preconditioner":
                c, error = view.preconditioner_fit[head]
                st.metric(t("heads.metric.preconditioner"), f"{c:.3f}·I", help=t("heads.metric.preconditioner_help"))
                caption_key, values = hv.preconditioner_caption(ui.cached(hv.block_step, run), (c, error))
                st.caption(t(caption_key, **values))
        else:
            panels = {heads[h]: matrix.values[h] for h in range(view.n_heads)}
            chart = small_multiples(panels, t("heads.chart.all", matrix=name), columns=4,
                                    size=min(max(big // 2, 120), 220), **labels)
            ui.show_chart(chart, f"heads-{name}-{run.name}-all")
        st.caption(t(f"heads.about.{name}"))
        if matrix.col_blocks:
            st.caption(t("heads.blocks_caption"))
    ui.reproduce(hv.heads_reproduce(run))


ui.side_by_side(draw, shown, other, hv.heads_reason, lambda run: ui.cached(hv.heads_verdict, run))
ui.how_to_read(t("heads.how"))
