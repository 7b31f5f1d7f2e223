"""Shared chart builders: every figure in the dashboard is made from these."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

DIVERGING = "redblue"  # reversed below: blue for negative, red for positive, white at zero
CATEGORY_COLORS = ["#3b5bdb", "#e8590c", "#2f9e44", "#862e9c", "#c2255c", "#1098ad", "#f08c00", "#495057"]


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
            color=alt.condition(f"abs(datum.value) > {0.6 * m}", alt.value("white"), alt.value("black")),
        ))
    return alt.layer(*layers).properties(title=title, width=size, height=size)


def heatmap_row(panels: dict[str, np.ndarray], *, row_labels: Sequence[str] | None = None,
                col_labels: Sequence[str] | None = None, value_title: str = "value",
                x_title: str = "", y_title: str = "", size: int = 200, title: str = "") -> alt.HConcatChart:
    """Heatmaps side by side on one shared symmetric colour scale (titles are the dict keys)."""
    m = symmetric_max(*panels.values())
    charts = [heatmap(matrix, name, row_labels=row_labels, col_labels=col_labels, domain_max=m,
                      value_title=value_title, x_title=x_title, y_title=y_title, size=size)
              for name, matrix in panels.items()]
    return alt.hconcat(*charts, title=title).resolve_scale(color="shared")


def line_chart(frame: pd.DataFrame, x: str, y: str, title: str, *, color: str | None = None,
               x_title: str = "", y_title: str = "", log_y: bool = False, points: bool = False,
               width: int = 520, height: int = 280, dash: str | None = None) -> alt.Chart:
    """Lines of ``y`` against ``x`` (one per ``color`` value), with tooltips; ``log_y`` for losses."""
    y_scale = alt.Scale(type="log") if log_y else alt.Scale(zero=False)
    encoding = {
        "x": alt.X(f"{x}:Q", title=x_title or x),
        "y": alt.Y(f"{y}:Q", title=y_title or y, scale=y_scale),
        "tooltip": [alt.Tooltip(f"{x}:Q", title=x_title or x), alt.Tooltip(f"{y}:Q", title=y_title or y, format=".4g")],
    }
    if color:
        encoding["color"] = alt.Color(f"{color}:N", title=None, scale=alt.Scale(range=CATEGORY_COLORS),
                                      legend=alt.Legend(orient="bottom"))
        encoding["tooltip"].insert(0, alt.Tooltip(f"{color}:N", title=""))
    if dash:
        encoding["strokeDash"] = alt.StrokeDash(f"{dash}:N", title=None, legend=alt.Legend(orient="bottom"))
    return alt.Chart(frame).mark_line(point=points).encode(**encoding).properties(
        title=title, width=width, height=height)


def trajectory(states: np.ndarray, points: dict[str, np.ndarray], title: str, *, context_label: str,
               x_title: str, y_title: str, size: int = 340) -> alt.LayerChart:
    """The first two coordinates of ``states`` (n, d) joined in order, and labelled next-state points.

    ``points``: label -> vector (d,), e.g. the truth and each prediction, drawn as large markers.
    """
    t = np.arange(len(states))
    if states.shape[1] == 1:  # one coordinate: draw it against time instead
        path = pd.DataFrame({"x": t, "y": states[:, 0], "t": t, "series": context_label})
        marks = pd.DataFrame([{"x": len(states), "y": v[0], "series": label} for label, v in points.items()])
        x_title, y_title = "t", x_title
    else:
        path = pd.DataFrame({"x": states[:, 0], "y": states[:, 1], "t": t, "series": context_label})
        marks = pd.DataFrame([{"x": v[0], "y": v[1], "series": label} for label, v in points.items()])
    order = [context_label, *points]
    colors = ["#adb5bd", *CATEGORY_COLORS[2:3], *CATEGORY_COLORS[1:2], *CATEGORY_COLORS[:1], *CATEGORY_COLORS[3:]]
    color = alt.Color("series:N", title=None, sort=order, scale=alt.Scale(domain=order, range=colors[: len(order)]),
                      legend=alt.Legend(orient="bottom", columns=2, labelLimit=320))
    line = alt.Chart(path).mark_line(point=True, opacity=0.7).encode(
        x=alt.X("x:Q", title=x_title), y=alt.Y("y:Q", title=y_title), order="t:Q", color=color,
        tooltip=[alt.Tooltip("t:Q", title="t"), alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".3f")])
    dots = alt.Chart(marks).mark_point(size=220, filled=True, opacity=0.9).encode(
        x="x:Q", y="y:Q", color=color, shape=alt.Shape("series:N", legend=None),
        tooltip=[alt.Tooltip("series:N", title=""), alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".3f")])
    return alt.layer(line, dots).properties(title=title, width=size, height=size)
