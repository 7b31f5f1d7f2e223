"""Head orthogonality (Finding 2): how much the heads overlap, and the shape of all heads together, C = Bᵀ A."""

import math

import streamlit as st

from icar_core import ui
from icar_core.charts.common import heatmap_row
from icar_core.charts.heads import cosine_matrices
from icar_core.charts.paper import heatmap_size
from icar_core.findings import FINDINGS, verdict
from icar_core.structure import random_cosine_level
from icar_core.views.heads import (
    head_labels,
    orthogonality_reason,
    orthogonality_view,
    paper_head_score,
    paper_units,
)

TEMPLATES = {"scaled_identity": "c·I", "rotation_blocks": "c·(I + S)"}

ckpt = ui.require_run(ui.t("orth.title"), ui.t("orth.lead"))
ui.stop_if_not_applicable(ckpt, orthogonality_reason(ckpt), "heads", ui.t("orth.title"), ui.t("orth.lead"),
                          ui.t("orth.how"))

view = ui.cached(orthogonality_view, ckpt)
verdict = ui.cached(verdict, ckpt, "heads")
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
    template = TEMPLATES[shape.best]
    cols = st.columns(4)
    cols[0].metric(ui.t("orth.metric.structure"), template.replace("c", f"{shape.best_c:.3f}", 1),
                   help=ui.t("orth.metric.structure_help"))
    cols[1].metric(ui.t("orth.metric.error"), f"{100 * shape.best_rel_error:.3f}%", help=ui.t("orth.metric.error_help"))
    other = "rotation_blocks" if shape.best == "scaled_identity" else "scaled_identity"
    other_error = shape.blocks_rel_error if other == "rotation_blocks" else shape.identity_rel_error
    cols[2].metric(ui.t("orth.metric.other_error", template=TEMPLATES[other]),
                   f"{100 * other_error:.1f}%")
    ratio = "∞" if math.isinf(shape.ratio) else "> 10,000×" if shape.ratio > 1e4 else f"{shape.ratio:,.0f}×"
    cols[3].metric(ui.t("orth.metric.ratio"), ratio,
                   help=ui.t("orth.metric.ratio_help"))
    coords = list(view.coordinate_labels)
    chart = heatmap_row({ui.t("orth.C.panel_C"): fit.C, ui.t("orth.C.panel_fit", template=template): fit.fit,
                         ui.t("orth.C.panel_residual"): fit.residual},
                        row_labels=coords, col_labels=coords, value_title=ui.t("heads.value"),
                        x_title=ui.t("heads.axis.query_key_coordinate"), y_title=ui.t("heads.axis.value_coordinate"),
                        size=heatmap_size(len(coords), 230), title=ui.t("orth.C.chart"))
    ui.show_chart(chart, f"orthogonality-C-{ckpt.name}")
    units = ui.cached(paper_units, ckpt)
    if units is not None:  # C here is icar's, scale² × the paper's (the number on the Paper-reference page)
        st.caption(ui.t("heads.paper_units", **units))
    if shape.best_rel_error > FINDINGS["heads"].thresholds.circuit_error_max:
        meaning = ui.t("orth.meaning.none", error=f"{100 * shape.best_rel_error:.1f}")
    elif shape.best == "scaled_identity":
        meaning = ui.t("orth.meaning.scaled_identity", c=f"{shape.best_c:.3f}", score=f"{view.score:.3f}")
    else:
        meaning = ui.t("orth.meaning.rotation_blocks", c=f"{shape.best_c:.3f}", score=f"{view.score:.3f}")
        if paper["orthogonal"] is not None:
            meaning += " " + ui.t("orth.meaning.paper_rotation", paper=f"{paper['orthogonal']:.2f}")
    st.markdown(meaning)
else:
    st.caption(ui.t("orth.full_heads_note"))

ui.how_to_read(ui.t("orth.how"))
