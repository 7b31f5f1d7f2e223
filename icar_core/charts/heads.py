"""Figures of the Heads and Head-orthogonality pages: per-head matrices with their token blocks marked,
small multiples of all heads on one colour scale, and cosine matrices between heads."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from icar_core.charts.common import DIVERGING, heatmap, matrix_frame, symmetric_max
from icar_core.charts.memo import content_memo


def _block_rules(labels: Sequence[str], starts: Sequence[str], channel: str) -> alt.Chart:
    """Black lines before the ticks ``starts`` on the ``channel`` (``x`` or ``y``) of a heatmap."""
    field = "column" if channel == "x" else "row"
    encoding = alt.X if channel == "x" else alt.Y
    frame = pd.DataFrame({field: list(starts)})
    return alt.Chart(frame).mark_rule(color="#212529", strokeWidth=2).encode(
        **{channel: encoding(f"{field}:N", sort=list(labels), bandPosition=0)})


@content_memo
def matrix_panel(matrix: np.ndarray, title: str, *, row_labels: Sequence[str], col_labels: Sequence[str],
                 row_blocks: Sequence[str] = (), col_blocks: Sequence[str] = (), domain_max: float | None = None,
                 x_title: str = "", y_title: str = "", value_title: str = "value", size: int = 220,
                 text: bool | None = None) -> alt.LayerChart:
    """A heatmap of one head's matrix (diverging scale centred on zero, values in tooltips) with lines
    between token blocks (``row_blocks`` / ``col_blocks``: the first tick label of each new block).

    Like :func:`icar_core.charts.common.heatmap`, but column labels turn 45° when there are many of them
    (the 3d coordinates of augmented tokens), and ``size`` is the width of the wider side."""
    frame = matrix_frame(matrix, row_labels, col_labels)
    rows, cols = list(row_labels), list(col_labels)
    m = domain_max if domain_max is not None else symmetric_max(matrix)
    angle = -45 if len(cols) > 8 else 0
    cell = size / max(len(rows), len(cols))
    base = alt.Chart(frame).encode(
        x=alt.X("column:N", sort=cols, title=x_title, axis=alt.Axis(labelAngle=angle)),
        y=alt.Y("row:N", sort=rows, title=y_title),
    )
    layers = [base.mark_rect().encode(
        color=alt.Color("value:Q", title=value_title,
                        scale=alt.Scale(scheme=DIVERGING, domain=[-m, m], reverse=True, clamp=True)),
        tooltip=[alt.Tooltip("row:N", title=y_title or "row"), alt.Tooltip("column:N", title=x_title or "column"),
                 alt.Tooltip("value:Q", title=value_title, format=".4f")],
    )]
    if text if text is not None else max(len(rows), len(cols)) <= 6:
        layers.append(base.mark_text(fontSize=11).encode(
            text=alt.Text("value:Q", format=".2f"),
            color=alt.ColorValue("black", condition={"test": f"abs(datum.value) > {0.6 * m}", "value": "white"}),
        ))
    if col_blocks:
        layers.append(_block_rules(col_labels, col_blocks, "x"))
    if row_blocks:
        layers.append(_block_rules(row_labels, row_blocks, "y"))
    return alt.layer(*layers).properties(title=title, width=round(cell * len(cols)), height=round(cell * len(rows)))


@content_memo
def small_multiples(panels: dict[str, np.ndarray], title: str, *, row_labels: Sequence[str],
                    col_labels: Sequence[str], row_blocks: Sequence[str] = (), col_blocks: Sequence[str] = (),
                    columns: int = 4, x_title: str = "", y_title: str = "", value_title: str = "value",
                    size: int = 150) -> alt.ConcatChart:
    """One small heatmap per head (panel titles are the dict keys), all on one symmetric colour scale."""
    m = symmetric_max(*panels.values())
    charts = [matrix_panel(matrix, name, row_labels=row_labels, col_labels=col_labels, row_blocks=row_blocks,
                           col_blocks=col_blocks, domain_max=m, x_title=x_title, y_title=y_title,
                           value_title=value_title, size=size, text=False)
              for name, matrix in panels.items()]
    return alt.concat(*charts, columns=columns, title=title).resolve_scale(color="shared")


@content_memo
def cosine_matrices(panels: dict[str, np.ndarray], title: str, *, head_labels: Sequence[str],
                    value_title: str, x_title: str = "", y_title: str = "", size: int = 240) -> alt.HConcatChart:
    """H×H cosine matrices side by side on the fixed scale [−1, 1] (1 = same direction, 0 = orthogonal)."""
    charts = [heatmap(matrix, name, row_labels=head_labels, col_labels=head_labels, domain_max=1.0,
                      value_title=value_title, x_title=x_title, y_title=y_title, size=size)
              for name, matrix in panels.items()]
    return alt.hconcat(*charts, title=title).resolve_scale(color="shared")
