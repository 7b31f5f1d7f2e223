"""Shared chart builders: every figure in the dashboard is made from these."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from icar_core.charts.memo import content_memo

# ColorBrewer RdBu, safe for the common colour-vision deficiencies; reversed below: blue for negative, red for
# positive, white at zero (cells carry their own background, so it reads on light and dark pages alike).
DIVERGING = "redblue"
CATEGORY_COLORS = ["#3b5bdb", "#e8590c", "#2f9e44", "#862e9c", "#c2255c", "#1098ad", "#f08c00", "#868e96"]


def symmetric_max(*matrices: np.ndarray) -> float:
    """The largest absolute entry over ``matrices``: one colour scale for panels compared side by side."""
    values = [float(np.abs(np.asarray(m)).max()) for m in matrices if np.asarray(m).size]
    return max([*values, 1e-12])


def matrix_frame(matrix: np.ndarray, row_labels: Sequence[str] | None = None,
                 col_labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Long form (row, column, value, i, j) of a 2-D array, keeping the labels' order."""
    matrix = np.asarray(matrix, dtype=float)
    rows = list(row_labels) if row_labels is not None else [str(i) for i in range(matrix.shape[0])]
    cols = list(col_labels) if col_labels is not None else [str(j) for j in range(matrix.shape[1])]
    i, j = np.meshgrid(np.arange(matrix.shape[0]), np.arange(matrix.shape[1]), indexing="ij")
    return pd.DataFrame({
        "row": np.asarray(rows, dtype=object)[i.ravel()],
        "column": np.asarray(cols, dtype=object)[j.ravel()],
        "value": matrix.ravel(),
        "i": i.ravel(),
        "j": j.ravel(),
    })


@content_memo
def heatmap(matrix: np.ndarray, title: str, *, row_labels: Sequence[str] | None = None,
            col_labels: Sequence[str] | None = None, domain_max: float | None = None,
            x_title: str = "", y_title: str = "", value_title: str = "value",
            size: int = 220, text: bool | None = None) -> alt.Chart:
    """A matrix on a diverging colour scale centred on zero, values in tooltips.

    ``domain_max`` fixes the scale to ``[-domain_max, domain_max]`` so several panels compare;
    ``text`` writes the values into the cells (default: for matrices up to 6×6).
    """
    frame = matrix_frame(matrix, row_labels, col_labels)
    m = domain_max if domain_max is not None else symmetric_max(matrix)
    rows, cols = list(dict.fromkeys(frame["row"])), list(dict.fromkeys(frame["column"]))
    base = alt.Chart(frame).encode(
        x=alt.X("column:N", sort=cols, title=x_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("row:N", sort=rows, title=y_title),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("value:Q", title=value_title,
                        scale=alt.Scale(scheme=DIVERGING, domain=[-m, m], reverse=True, clamp=True)),
        tooltip=[alt.Tooltip("row:N", title=y_title or "row"), alt.Tooltip("column:N", title=x_title or "column"),
                 alt.Tooltip("value:Q", title=value_title, format=".4f")],
    )
    layers = [cells]
    if text if text is not None else max(len(rows), len(cols)) <= 6:
        layers.append(base.mark_text(fontSize=11).encode(
            text=alt.Text("value:Q", format=".2f"),
            color=alt.ColorValue("black", condition={"test": f"abs(datum.value) > {0.6 * m}", "value": "white"}),
        ))
    return alt.layer(*layers).properties(title=title, width=size, height=size)


@content_memo
def heatmap_row(panels: dict[str, np.ndarray], *, row_labels: Sequence[str] | None = None,
                col_labels: Sequence[str] | None = None, value_title: str = "value",
                x_title: str = "", y_title: str = "", size: int = 200, title: str = "") -> alt.HConcatChart:
    """Heatmaps side by side on one shared symmetric colour scale (titles are the dict keys)."""
    m = symmetric_max(*panels.values())
    charts = [heatmap(matrix, name, row_labels=row_labels, col_labels=col_labels, domain_max=m,
                      value_title=value_title, x_title=x_title, y_title=y_title, size=size)
              for name, matrix in panels.items()]
    return alt.hconcat(*charts, title=title).resolve_scale(color="shared")
