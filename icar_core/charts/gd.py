"""Charts of the Model-vs-GD page and the tour's first steps (pure functions -> Vega-Lite specs written directly, see
:mod:`icar_core.charts.vegalite`; no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from icar_core.charts.common import CATEGORY_COLORS
from icar_core.charts.memo import content_memo
from icar_core.charts.vegalite import VegaLiteSpec, dataset

#: Series colours shared with :func:`icar_core.charts.common.trajectory`: truth green, model orange, GD blue.
SERIES_COLORS = {"model_loss": CATEGORY_COLORS[1], "gd_loss": CATEGORY_COLORS[0], "ls_loss": CATEGORY_COLORS[3],
                 "truth_loss": CATEGORY_COLORS[2]}
#: Colours of the trajectory's series, by language-independent key (the context grey).
TRAJECTORY_COLORS = {"context": "#adb5bd", "truth": CATEGORY_COLORS[2], "model": CATEGORY_COLORS[1],
                     "gd": CATEGORY_COLORS[0], "ls": CATEGORY_COLORS[3]}
TRAJECTORY_SHAPES = {"context": "circle", "truth": "triangle-up", "model": "circle", "gd": "square", "ls": "diamond"}
#: Legend labels are never cut (long Japanese labels included).
LABEL_LIMIT = 320


def error_curve_frame(curve: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Long form ``n, error, low, high, series`` of the columns of ``curve`` named in ``labels`` (column ->
    label); ``low``/``high`` are the 95% interval (``<column>_low``/``_high``), or the value where absent."""
    parts = [pd.DataFrame({"n": curve["n"].to_numpy(), "error": curve[column].to_numpy(),
                           "low": curve.get(f"{column}_low", curve[column]).to_numpy(),
                           "high": curve.get(f"{column}_high", curve[column]).to_numpy(), "series": label})
             for column, label in labels.items() if column in curve]
    return pd.concat(parts, ignore_index=True)


@content_memo
def error_curve_chart(frame: pd.DataFrame, title: str | list[str], *, x_title: str, y_title: str,
                      colors: Mapping[str, str], current_n: int | None = None, current_label: str = "",
                      width: int = 300, height: int = 260, log_y: bool = False) -> VegaLiteSpec:
    """Mean squared error against context length, one line per series with its 95% band (``colors``: label ->
    colour, in legend order: the colour scale's explicit domain); a dashed grey rule marks ``current_n``.

    The x axis ends exactly at the largest n (no rounding up) with its last label kept inside the plot, and the
    legend lists one series per line, so neither is cut in a half-width column. ``log_y``: a logarithmic error axis
    (every value must then be positive)."""
    order = list(colors)
    last = float(frame["n"].max()) if len(frame) else 1.0
    name, datasets = dataset(frame)
    # One colour encoding for both layers: Vega-Lite merges their legends, and a layer with ``legend=None``
    # drawn first would remove the merged one.
    color = {"field": "series", "type": "nominal", "title": None, "sort": order,
             "scale": {"domain": order, "range": [colors[k] for k in order]},
             "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": LABEL_LIMIT, "symbolOpacity": 1}}
    y = {"field": "error", "type": "quantitative", "title": y_title, **({"scale": {"type": "log"}} if log_y else {})}
    layers = [
        {"data": {"name": name}, "mark": {"type": "area", "opacity": 0.2}, "encoding": {
            "x": {"field": "n", "type": "quantitative"}, "y": {"field": "low", "type": "quantitative"},
            "y2": {"field": "high"}, "color": color}},
        {"data": {"name": name}, "mark": {"type": "line", "point": {"size": 20}}, "encoding": {
            "x": {"field": "n", "type": "quantitative", "title": x_title, "scale": {"domain": [0, last], "nice": False},
                  "axis": {"labelFlush": True, "tickMinStep": 1}},
            "y": y, "color": color,
            "tooltip": [{"field": "series", "type": "nominal", "title": ""},
                        {"field": "n", "type": "quantitative", "title": x_title},
                        {"field": "error", "type": "quantitative", "title": y_title, "format": ".4g"}]}},
    ]
    if current_n is not None:
        marker, marker_data = dataset(pd.DataFrame({"n": [current_n], "label": [current_label]}))
        datasets = {**datasets, **marker_data}
        layers.append({"data": {"name": marker}, "mark": {"type": "rule", "color": "#868e96", "strokeDash": [4, 3]},
                       "encoding": {"x": {"field": "n", "type": "quantitative"},
                                    "tooltip": [{"field": "label", "type": "nominal", "title": ""}]}})
    # A top-level concatenation (Streamlit keeps its panels' sizes) with room on the right for the last x label.
    return VegaLiteSpec({"vconcat": [{"layer": layers, "title": title, "width": width, "height": height}],
                         "padding": {"left": 5, "top": 5, "bottom": 5, "right": 16}}, datasets)


@content_memo
def trajectory_chart(states: np.ndarray, points: Mapping[str, np.ndarray], labels: Mapping[str, str], title: str,
                     *, x_title: str, y_title: str, join: bool = True, size: int = 300) -> VegaLiteSpec:
    """The first two coordinates of the context ``states`` (n, d) and labelled next-state markers.

    ``points``: key (``truth``, ``model``, ``gd``) -> vector (d,); ``labels``: key -> legend label, with
    ``context`` for the states. Colours and shapes are fixed per key (:data:`TRAJECTORY_COLORS`), so they do
    not depend on the language. ``join``: draw the states joined in order — a clear path when every W turns
    the same fixed planes; for other rules (a random orthogonal W turns directions that mix all coordinates)
    the first two coordinates jump about, so the states are drawn as points only.
    """
    t = np.arange(len(states))
    keys = ["context", *points]
    if states.shape[1] == 1:  # one coordinate: draw it against time instead
        path = pd.DataFrame({"x": t, "y": states[:, 0], "t": t, "series": labels["context"]})
        marks = pd.DataFrame([{"x": len(states), "y": v[0], "series": labels[k]} for k, v in points.items()])
        x_title, y_title = "t", x_title
    else:
        path = pd.DataFrame({"x": states[:, 0], "y": states[:, 1], "t": t, "series": labels["context"]})
        marks = pd.DataFrame([{"x": v[0], "y": v[1], "series": labels[k]} for k, v in points.items()])
    order = [labels[k] for k in keys]
    path_name, datasets = dataset(path)
    marks_name, marks_data = dataset(marks)
    color = {"field": "series", "type": "nominal", "title": None, "sort": order,
             "scale": {"domain": order, "range": [TRAJECTORY_COLORS[k] for k in keys]},
             "legend": {"orient": "bottom", "direction": "vertical", "labelLimit": LABEL_LIMIT}}
    shape = {"field": "series", "type": "nominal", "sort": order, "legend": None,
             "scale": {"domain": order, "range": [TRAJECTORY_SHAPES[k] for k in keys]}}
    x, y = {"field": "x", "type": "quantitative"}, {"field": "y", "type": "quantitative"}
    axes = {"x": {**x, "title": x_title}, "y": {**y, "title": y_title}, "color": color}
    xy_tooltip = [{**x, "format": ".3f"}, {**y, "format": ".3f"}]
    layers = []
    if join:
        layers.append({"data": {"name": path_name}, "mark": {"type": "line", "opacity": 0.7},
                       "encoding": {**axes, "order": {"field": "t", "type": "quantitative"}}})
    time_tooltip = {"field": "t", "type": "quantitative", "title": "t"}
    layers.append({"data": {"name": path_name}, "mark": {"type": "circle", "size": 30 if join else 45, "opacity": 0.9},
                   "encoding": {**axes, "tooltip": [time_tooltip, *xy_tooltip]}})
    layers.append({"data": {"name": marks_name}, "mark": {"type": "point", "size": 220, "filled": True, "opacity": 0.9},
                   "encoding": {"x": x, "y": y, "color": color, "shape": shape,
                                "tooltip": [{"field": "series", "type": "nominal", "title": ""}, *xy_tooltip]}})
    return VegaLiteSpec({"layer": layers, "title": title, "width": size, "height": size}, {**datasets, **marks_data})
