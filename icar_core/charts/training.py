"""Charts of the Training page (pure functions -> Vega-Lite specs written directly, see
:mod:`icar_core.charts.vegalite`; no Streamlit): the Lab redraws its loss chart every second while a run trains."""

from __future__ import annotations

import pandas as pd

from icar_core.charts.common import CATEGORY_COLORS
from icar_core.charts.memo import content_memo
from icar_core.charts.paper import log_domain
from icar_core.charts.vegalite import VegaLiteSpec, dataset

#: Dash patterns of the loss curves, in the order given to :func:`loss_chart` (solid, dashed, dotted, ...).
DASHES = [[1, 0], [7, 4], [2, 2], [10, 3, 2, 3]]


@content_memo
def loss_chart(frame: pd.DataFrame, title: str, *, x_title: str, y_title: str, run_title: str,
               curve_title: str, curve_order: list[str] | None = None, width: int = 620,
               height: int = 320) -> VegaLiteSpec:
    """Losses (long form ``step, loss, run, curve``) on a log scale: colour = run, dash = which curve
    (``curve_order``: the curves' labels in a fixed, language-independent order, first drawn solid, second dashed,
    third dotted; only the curves present in ``frame`` are listed). The log axis spans the data (a factor of
    1.6 beyond its smallest and largest positive value, not rounded to powers of ten); the runs' colours follow
    their order of first appearance in ``frame``."""
    present = set(frame["curve"])
    order = [c for c in (curve_order or list(dict.fromkeys(frame["curve"]))) if c in present]
    runs = list(dict.fromkeys(frame["run"]))
    name, datasets = dataset(frame)
    legend = {"orient": "bottom", "direction": "vertical", "labelLimit": 400}
    encoding = {
        "x": {"field": "step", "type": "quantitative", "title": x_title},
        "y": {"field": "loss", "type": "quantitative", "title": y_title,
              "scale": {"type": "log", "domain": log_domain(frame["loss"]), "nice": False}},
        "color": {"field": "run", "type": "nominal", "title": run_title, "sort": runs, "legend": legend,
                  "scale": {"domain": runs,
                            "range": [CATEGORY_COLORS[k % len(CATEGORY_COLORS)] for k in range(len(runs))]}},
        "strokeDash": {"field": "curve", "type": "nominal", "title": curve_title, "sort": order,
                       "scale": {"domain": order, "range": DASHES[: len(order)]},
                       "legend": {**legend, "symbolType": "stroke", "symbolSize": 600,
                                  "symbolStrokeColor": "#868e96"}},
        "detail": {"field": "curve", "type": "nominal"},
        "tooltip": [{"field": "run", "type": "nominal", "title": run_title},
                    {"field": "curve", "type": "nominal", "title": curve_title},
                    {"field": "step", "type": "quantitative", "title": x_title},
                    {"field": "loss", "type": "quantitative", "title": y_title, "format": ".4g"}],
    }
    return VegaLiteSpec({"data": {"name": name}, "mark": {"type": "line"}, "encoding": encoding, "title": title,
                         "width": width, "height": height}, datasets)


@content_memo
def structure_chart(frame: pd.DataFrame, title: str, *, x_title: str, y_title: str, metric_title: str,
                    width: int = 560, height: int = 120) -> VegaLiteSpec:
    """Structure measures (long form ``step, metric, value`` and optional ``low, high``, a 95% band; ``metric``
    already a readable label) against the training step, one panel per measure with its own vertical scale; the
    step axis is symmetric-log, because snapshots are spaced geometrically (step 0 included)."""
    order = list(dict.fromkeys(frame["metric"]))
    last = float(frame["step"].max()) if len(frame) else 1.0
    ticks = [0] + [10**k for k in range(0, 9) if 10**k <= last]
    name, datasets = dataset(frame)
    x = {"field": "step", "type": "quantitative", "title": x_title, "scale": {"type": "symlog"},
         "axis": {"values": ticks}}
    color = {"field": "metric", "type": "nominal", "title": None, "sort": order, "legend": None,
             "scale": {"domain": order, "range": CATEGORY_COLORS[: len(order)]}}
    layers = [{"mark": {"type": "line", "point": True}, "encoding": {
        "x": x, "y": {"field": "value", "type": "quantitative", "title": y_title, "scale": {"zero": False}},
        "color": color,
        "tooltip": [{"field": "metric", "type": "nominal", "title": metric_title},
                    {"field": "step", "type": "quantitative", "title": x_title},
                    {"field": "value", "type": "quantitative", "title": y_title, "format": ".4g"}]}}]
    if {"low", "high"} <= set(frame.columns):
        layers.insert(0, {"mark": {"type": "area", "opacity": 0.25}, "encoding": {
            "x": x, "y": {"field": "low", "type": "quantitative"}, "y2": {"field": "high"}, "color": color}})
    header = {"labelAngle": 0, "labelAlign": "left", "labelOrient": "top", "labelFontWeight": "bold"}
    return VegaLiteSpec({"data": {"name": name},
                         "facet": {"row": {"field": "metric", "type": "nominal", "title": None, "sort": order,
                                           "header": header}},
                         "spec": {"layer": layers, "width": width, "height": height},
                         "resolve": {"scale": {"y": "independent"}}, "title": title}, datasets)
