"""Head orthogonality (Finding 2): how much the heads overlap, and the shape of all heads together, C = Bᵀ A."""

import streamlit as st

from icar_core import ui
from icar_core.charts.common import heatmap_row
from icar_core.charts.heads import cosine_matrices
from icar_core.charts.paper import heatmap_size
from icar_core.structure import random_cosine_level
from icar_core.verdict_store import stored_verdict
from icar_core.views.heads import (
    TEMPLATES,
    circuit_cards,
    circuit_meaning,
    head_labels,
    orthogonality_view,
    paper_head_score,
    paper_units,
)

ckpt = ui.page_run(ui.t("orth.title"), ui.t("orth.lead"), ui.t("orth.how"))

view = ui.cached(orthogonality_view, ckpt)
verdict = ui.cached(stored_verdict, ckpt, "heads")
ui.page_header(ui.t("orth.title"), ui.t("orth.lead"), ui.verdict_text(verdict), verdict.good)
heads = head_labels(len(next(iter(view.circuits.values())).cosines), ui.t("heads.head_word"))

st.subheader(ui.t("orth.cosines.title"))
# Two rows of short labels: the scores, then each circuit's most similar pair (its cosine, the heads below it).
cols = st.columns(1 + len(view.circuits))
cols[0].metric(ui.t("orth.metric.score"), f"{view.score:.3f}", help=ui.t("orth.metric.score_help"))
for k, (name, result) in enumerate(view.circuits.items()):
    cols[1 + k].metric(ui.t("orth.metric.circuit_score", circuit=name), f"{result.score:.3f}",
                       help=ui.t("orth.metric.circuit_score_help", circuit=ui.t(f"orth.circuit.{name}")))
cols = st.columns(1 + len(view.circuits))
for k, (name, result) in enumerate(view.circuits.items()):
    i, j, cosine = result.worst_pair
    cols[1 + k].metric(ui.t("orth.metric.worst", circuit=name), f"{cosine:+.3f}",
                       ui.t("orth.worst_value", a=i + 1, b=j + 1), delta_color="off", delta_arrow="off",
                       help=ui.t("orth.metric.worst_help"))
# What the score is compared to: random directions of the same length, and the authors' optimised heads.
random_level = ", ".join(f"{name}: {random_cosine_level(n):.3f}" for name, n in view.vector_sizes.items())
paper = {case: paper_head_score(case) for case in ("unitary", "orthogonal")}
if None in paper.values():
    st.caption(ui.t("orth.compare_random", random=random_level))
else:
    st.caption(ui.t("orth.compare", random=random_level, unitary=f"{paper['unitary']:.3f}",
                    orthogonal=f"{paper['orthogonal']:.3f}"))
for name, result in view.circuits.items():
    if result.zero_heads:
        st.warning(ui.t("orth.zero_heads", circuit=name, heads=", ".join(heads[h] for h in result.zero_heads)))
chart = cosine_matrices({ui.t(f"orth.circuit.{name}"): r.cosines for name, r in view.circuits.items()},
                        ui.t("orth.cosines.chart"), head_labels=heads, value_title=ui.t("orth.cosine"),
                        x_title=ui.t("heads.axis.head"), y_title=ui.t("heads.axis.head"),
                        size=heatmap_size(len(heads), 240))
ui.show_chart(chart, f"orthogonality-cosines-{ckpt.name}")

if view.circuit is not None:
    fit = view.circuit
    shape = fit.structure
    st.subheader(ui.t("orth.C.title"))
    ui.metric_grid(circuit_cards(fit, ui.t))
    coords = list(view.coordinate_labels)
    chart = heatmap_row({ui.t("orth.C.panel_C"): fit.C,
                         ui.t("orth.C.panel_fit", template=TEMPLATES[shape.best]): fit.fit,
                         ui.t("orth.C.panel_residual"): fit.residual},
                        row_labels=coords, col_labels=coords, value_title=ui.t("heads.value"),
                        x_title=ui.t("heads.axis.query_key_coordinate"), y_title=ui.t("heads.axis.value_coordinate"),
                        size=heatmap_size(len(coords), 230), title=ui.t("orth.C.chart"))
    ui.show_chart(chart, f"orthogonality-C-{ckpt.name}")
    units = ui.cached(paper_units, ckpt)
    if units is not None:  # C here is icar's, scale² × the paper's (the number on the Paper-reference page)
        st.caption(ui.t("heads.paper_units", **units))
    st.markdown(circuit_meaning(fit, view.score, paper["orthogonal"], ui.t))
else:
    st.caption(ui.t("orth.full_heads_note"))

ui.how_to_read(ui.t("orth.how"))
