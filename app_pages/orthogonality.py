"""Head orthogonality (Finding 2): how much the heads overlap, and the shape of all heads together, C = Bᵀ A."""

import streamlit as st

from icar_core import ui
from icar_core.charts.common import heatmap_row
from icar_core.charts.heads import cosine_matrices
from icar_core.charts.paper import heatmap_size
from icar_core.structure import random_cosine_level
from icar_core.verdict_store import stored_verdict
from icar_core.views import heads as hv

t = ui.t
ckpt = ui.page_run(t("orth.title"), t("orth.lead"), t("orth.how"))

header = st.container()
shown, other = ui.view_controls(ckpt)  # the scrubber's snapshot of the run, and a pinned second run
verdict = ui.cached(stored_verdict, shown, "heads")
with header:
    ui.page_header(t("orth.title"), t("orth.lead"), ui.verdict_text(verdict), verdict.good)
ui.compare_table(hv.orthogonality_numbers, shown, other)
# What the score is compared to: the authors' optimised heads (the same for every run).
paper = {case: hv.paper_head_score(case) for case in ("unitary", "orthogonal")}


def draw(run) -> None:
    view = ui.cached(hv.orthogonality_view, run)
    heads = hv.head_labels(len(next(iter(view.circuits.values())).cosines), t("heads.head_word"))
    st.subheader(t("orth.cosines.title"))
    # Two rows of short labels: the scores, then each circuit's most similar pair (its cosine, the heads below it).
    cols = st.columns(1 + len(view.circuits))
    cols[0].metric(t("orth.metric.score"), f"{view.score:.3f}", help=t("orth.metric.score_help"))
    for k, (name, result) in enumerate(view.circuits.items()):
        cols[1 + k].metric(t("orth.metric.circuit_score", circuit=name), f"{result.score:.3f}",
                           help=t("orth.metric.circuit_score_help", circuit=t(f"orth.circuit.{name}")))
    cols = st.columns(1 + len(view.circuits))
    for k, (name, result) in enumerate(view.circuits.items()):
        i, j, cosine = result.worst_pair
        cols[1 + k].metric(t("orth.metric.worst", circuit=name), f"{cosine:+.3f}",
                           t("orth.worst_value", a=i + 1, b=j + 1), delta_color="off", delta_arrow="off",
                           help=t("orth.metric.worst_help"))
    random_level = ", ".join(f"{name}: {random_cosine_level(n):.3f}" for name, n in view.vector_sizes.items())
    if None in paper.values():
        st.caption(t("orth.compare_random", random=random_level))
    else:
        st.caption(t("orth.compare", random=random_level, unitary=f"{paper['unitary']:.3f}",
                     orthogonal=f"{paper['orthogonal']:.3f}"))
    for name, result in view.circuits.items():
        if result.zero_heads:
            st.warning(t("orth.zero_heads", circuit=name, heads=", ".join(heads[h] for h in result.zero_heads)))
    chart = cosine_matrices({t(f"orth.circuit.{name}"): r.cosines for name, r in view.circuits.items()},
                            t("orth.cosines.chart"), head_labels=heads, value_title=t("orth.cosine"),
                            x_title=t("heads.axis.head"), y_title=t("heads.axis.head"),
                            size=heatmap_size(len(heads), 240))
    ui.show_chart(chart, f"orthogonality-cosines-{run.name}")
    if view.circuit is None:
        st.caption(t("orth.full_heads_note"))
    else:
        fit = view.circuit
        st.subheader(t("orth.C.title"))
        ui.metric_grid(hv.circuit_cards(fit, t), columns=4 if other is None else 2)
        coords = list(view.coordinate_labels)
        chart = heatmap_row({t("orth.C.panel_C"): fit.C,
                             t("orth.C.panel_fit", template=hv.TEMPLATES[fit.structure.best]): fit.fit,
                             t("orth.C.panel_residual"): fit.residual},
                            row_labels=coords, col_labels=coords, value_title=t("heads.value"),
                            x_title=t("heads.axis.query_key_coordinate"), y_title=t("heads.axis.value_coordinate"),
                            size=heatmap_size(len(coords), 230), title=t("orth.C.chart"))
        ui.show_chart(chart, f"orthogonality-C-{run.name}")
        units = ui.cached(hv.paper_units, run)
        if units is not None:  # C here is icar's, scale² × the paper's (the number on the Paper-reference page)
            st.caption(t("heads.paper_units", **units))
        st.markdown(hv.circuit_meaning(fit, view.score, paper["orthogonal"], t))
    ui.reproduce(hv.orthogonality_reproduce(run))


ui.side_by_side(draw, shown, other, hv.orthogonality_reason, lambda run: ui.cached(stored_verdict, run, "heads"))
ui.how_to_read(t("orth.how"))
