"""Shared chart builders: every figure in the dashboard is made from these."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from icar_core.charts.memo import content_memo
from icar_core.charts.vegalite import VegaLiteSpec, combine, dataset

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


def _nominal(field: str, labels: Sequence[str], title: str | None = None, **extra: object) -> dict:
    channel = {"field": field, "type": "nominal", "sort": list(labels), **extra}
    return channel if title is None else {**channel, "title": title}


@content_memo
def heatmap(matrix: np.ndarray, title: str, *, row_labels: Sequence[str] | None = None,
            col_labels: Sequence[str] | None = None, domain_max: float | None = None,
            x_title: str = "", y_title: str = "", value_title: str = "value",
            size: int = 220, text: bool | None = None, square_cells: bool = False,
            row_blocks: Sequence[str] = (), col_blocks: Sequence[str] = ()) -> VegaLiteSpec:
    """A matrix on a diverging colour scale centred on zero, values in tooltips (a Vega-Lite spec written
    directly: see :mod:`icar_core.charts.vegalite`).

    ``domain_max`` fixes the scale to ``[-domain_max, domain_max]`` so several panels compare;
    ``text`` writes the values into the cells (default: for matrices up to 6×6); ``size``: the side of the
    plot, or with ``square_cells`` the wider side, the cells square and the column labels turned 45° when
    there are more than 8 (the 3d coordinates of augmented tokens); ``row_blocks`` / ``col_blocks``: the first
    tick label of each new block of rows / columns, marked by a line before it.
    """
    frame = matrix_frame(matrix, row_labels, col_labels)
    m = domain_max if domain_max is not None else symmetric_max(matrix)
    rows, cols = list(dict.fromkeys(frame["row"])), list(dict.fromkeys(frame["column"]))
    name, datasets = dataset(frame)
    if square_cells:
        cell = size / max(len(rows), len(cols))
        width, height, angle = round(cell * len(cols)), round(cell * len(rows)), -45 if len(cols) > 8 else 0
    else:
        width, height, angle = size, size, 0
    axes = {"x": _nominal("column", cols, x_title, axis={"labelAngle": angle}), "y": _nominal("row", rows, y_title)}
    layers = [{"data": {"name": name}, "mark": {"type": "rect"}, "encoding": {
        **axes,
        "color": {"field": "value", "type": "quantitative", "title": value_title,
                  "scale": {"scheme": DIVERGING, "domain": [-m, m], "reverse": True, "clamp": True}},
        "tooltip": [{"field": "row", "type": "nominal", "title": y_title or "row"},
                    {"field": "column", "type": "nominal", "title": x_title or "column"},
                    {"field": "value", "type": "quantitative", "title": value_title, "format": ".4f"}]}}]
    if text if text is not None else max(len(rows), len(cols)) <= 6:
        layers.append({"data": {"name": name}, "mark": {"type": "text", "fontSize": 11}, "encoding": {
            **axes, "text": {"field": "value", "type": "quantitative", "format": ".2f"},
            "color": {"condition": {"test": f"abs(datum.value) > {0.6 * m}", "value": "white"}, "value": "black"}}})
    for channel, field, labels, starts in (("x", "column", cols, col_blocks), ("y", "row", rows, row_blocks)):
        if starts:
            rule, rule_data = dataset(pd.DataFrame({field: list(starts)}))
            datasets = {**datasets, **rule_data}
            layers.append({"data": {"name": rule}, "mark": {"type": "rule", "color": "#212529", "strokeWidth": 2},
                           "encoding": {channel: _nominal(field, labels, bandPosition=0)}})
    return VegaLiteSpec({"layer": layers, "title": title, "width": width, "height": height}, datasets)


@content_memo
def heatmap_row(panels: dict[str, np.ndarray], *, row_labels: Sequence[str] | None = None,
                col_labels: Sequence[str] | None = None, value_title: str = "value",
                x_title: str = "", y_title: str = "", size: int = 200, title: str = "",
                domain_max: float | None = None, columns: int | None = None, **cells: object) -> VegaLiteSpec:
    """Heatmaps side by side on one shared symmetric colour scale (titles are the dict keys); ``domain_max``
    fixes the scale (default: the largest |entry| of all panels); ``columns`` wraps them into rows of that many;
    ``cells``: :func:`heatmap`'s ``text``, ``square_cells`` and blocks."""
    m = domain_max if domain_max is not None else symmetric_max(*panels.values())
    charts = [heatmap(matrix, name, row_labels=row_labels, col_labels=col_labels, domain_max=m,
                      value_title=value_title, x_title=x_title, y_title=y_title, size=size, **cells)
              for name, matrix in panels.items()]
    wrap = {} if columns is None else {"columns": columns}
    return combine("hconcat" if columns is None else "concat", charts, **wrap, title=title,
                   resolve={"scale": {"color": "shared"}})
