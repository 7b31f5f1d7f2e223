"""Charts of the Stress-test page: the model / GD error ratio, the estimate's spectrum on the unit circle, and the
interpolation from trained to GD-constructed weights (pure functions -> Vega-Lite specs written directly, see
:mod:`icar_core.charts.vegalite`; no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from icar_core.charts.common import CATEGORY_COLORS
from icar_core.charts.gd import LABEL_LIMIT
from icar_core.charts.memo import content_memo
from icar_core.charts.vegalite import VegaLiteSpec, dataset

#: Eigenvalue series by language-independent key: the truth green, the model orange, one GD step blue (as on the
#: Model-vs-GD page).
SPECTRUM_COLORS = {"truth": CATEGORY_COLORS[2], "model": CATEGORY_COLORS[1], "gd": CATEGORY_COLORS[0]}
SPECTRUM_SHAPES = {"truth": "circle", "model": "diamond", "gd": "square"}
#: Drawn hollow and larger, so that the model's marks stay visible where they sit on one GD step's.
HOLLOW = ("gd",)
CIRCLE_POINTS = 121


def _legend() -> dict:
    return {"orient": "bottom", "direction": "vertical", "labelLimit": LABEL_LIMIT, "symbolOpacity": 1}


@content_memo
def ratio_chart(frame: pd.DataFrame, tolerance: float, title: str, *, x_title: str, y_title: str,
                band_label: str, width: int = 300, height: int = 260) -> VegaLiteSpec:
    """Model error / GD error against context length (``frame``: ``n, ratio, ratio_low, ratio_high``) with its 95%
    band, over the grey band ``1 ± tolerance`` where the model "tracks one GD step"."""
    data = frame.dropna(subset=["ratio"])
    last = float(frame["n"].max())
    zone, datasets = dataset(pd.DataFrame({"low": [1 - tolerance], "high": [1 + tolerance], "label": [band_label]}))
    curve, curve_data = dataset(data)
    x = {"field": "n", "type": "quantitative", "title": x_title, "scale": {"domain": [0, last], "nice": False},
         "axis": {"labelFlush": True, "tickMinStep": 1}}
    layers = [
        {"data": {"name": zone}, "mark": {"type": "rect", "color": "#adb5bd", "opacity": 0.25},
         "encoding": {"y": {"field": "low", "type": "quantitative"}, "y2": {"field": "high"},
                      "tooltip": [{"field": "label", "type": "nominal", "title": ""}]}},
        {"data": {"name": curve}, "mark": {"type": "area", "opacity": 0.25, "color": CATEGORY_COLORS[1]},
         "encoding": {"x": x, "y": {"field": "ratio_low", "type": "quantitative"}, "y2": {"field": "ratio_high"}}},
        {"data": {"name": curve}, "mark": {"type": "line", "color": CATEGORY_COLORS[1],
                                           "point": {"size": 20, "color": CATEGORY_COLORS[1]}},
         "encoding": {"x": x,
                      "y": {"field": "ratio", "type": "quantitative", "title": y_title, "scale": {"type": "log"}},
                      "tooltip": [{"field": "n", "type": "quantitative", "title": x_title},
                                  {"field": "ratio", "type": "quantitative", "title": y_title, "format": ".3g"},
                                  {"field": "ratio_low", "type": "quantitative", "format": ".3g"},
                                  {"field": "ratio_high", "type": "quantitative", "format": ".3g"}]}},
    ]
    return VegaLiteSpec({"vconcat": [{"layer": layers, "title": title, "width": width, "height": height}],
                         "padding": {"left": 5, "top": 5, "bottom": 5, "right": 16}}, {**datasets, **curve_data})


def spectrum_frame(panels: Mapping[str, Mapping[str, np.ndarray]], labels: Mapping[str, str]) -> pd.DataFrame:
    """Long form ``panel, series, re, im`` of eigenvalues: ``panels`` panel title -> series key -> eigenvalues."""
    rows = [{"panel": title, "series": labels[key], "re": float(z.real), "im": float(z.imag),
             "modulus": float(abs(z)), "angle": float(np.degrees(np.angle(z)))}
            for title, series in panels.items() for key, values in series.items() for z in np.atleast_1d(values)]
    return pd.DataFrame(rows)


@content_memo
def spectrum_chart(frame: pd.DataFrame, labels: Mapping[str, str], title: str, *, x_title: str, y_title: str,
                   size: int = 200) -> VegaLiteSpec:
    """Small multiples (one per panel, in ``frame`` order): the unit circle and the eigenvalues of every series
    (``labels``: key -> legend label, in legend order) in the complex plane, on one shared square scale."""
    keys = list(labels)
    order = [labels[k] for k in keys]
    reach = max(1.2, float(np.ceil(10 * max(frame["modulus"].max(), 1.0) * 1.1) / 10))
    scale = {"domain": [-reach, reach], "nice": False}
    theta = np.linspace(0, 2 * np.pi, CIRCLE_POINTS)
    ring, datasets = dataset(pd.DataFrame({"re": np.cos(theta), "im": np.sin(theta), "k": np.arange(CIRCLE_POINTS)}))
    color = {"field": "series", "type": "nominal", "title": None, "sort": order, "legend": _legend(),
             "scale": {"domain": order, "range": [SPECTRUM_COLORS[k] for k in keys]}}
    shape = {"field": "series", "type": "nominal", "sort": order, "legend": None,
             "scale": {"domain": order, "range": [SPECTRUM_SHAPES[k] for k in keys]}}
    tooltip = [{"field": "series", "type": "nominal", "title": ""},
               {"field": "modulus", "type": "quantitative", "format": ".3f"},
               {"field": "angle", "type": "quantitative", "format": ".1f"}]
    hollow = [labels[k] for k in keys if k in HOLLOW]
    panels = []
    for panel in dict.fromkeys(frame["panel"]):
        layers = [{"data": {"name": ring}, "mark": {"type": "line", "color": "#adb5bd"}, "encoding": {
            "x": {"field": "re", "type": "quantitative", "title": x_title, "scale": scale},
            "y": {"field": "im", "type": "quantitative", "title": y_title, "scale": scale},
            "order": {"field": "k", "type": "quantitative"}}}]
        data = frame[frame["panel"] == panel]
        for subset, filled in ((data[data["series"].isin(hollow)], False), (data[~data["series"].isin(hollow)], True)):
            name, subset_data = dataset(subset)
            datasets = {**datasets, **subset_data}
            layers.append({"data": {"name": name}, "mark": {"type": "point", "size": 170 if not filled else 90,
                                                            "filled": filled, "opacity": 0.9, "strokeWidth": 2},
                           "encoding": {"x": {"field": "re", "type": "quantitative", "scale": scale},
                                        "y": {"field": "im", "type": "quantitative", "scale": scale},
                                        "color": color, "shape": shape, "tooltip": tooltip}})
        panels.append({"layer": layers, "title": panel, "width": size, "height": size})
    return VegaLiteSpec({"hconcat": panels, "title": title}, datasets)


def path_frame(path: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Long form ``alpha, value, low, high, series`` of the columns of ``path`` named in ``labels``."""
    return pd.concat([pd.DataFrame({"alpha": path["alpha"], "value": path[c], "low": path[f"{c}_low"],
                                    "high": path[f"{c}_high"], "series": label}) for c, label in labels.items()],
                     ignore_index=True)


@content_memo
def path_chart(frame: pd.DataFrame, title: str, *, x_title: str, y_title: str, colors: Mapping[str, str],
               reference: tuple[float, str] | None = None, width: int = 300, height: int = 240) -> VegaLiteSpec:
    """Values against α with 95% bands, one line per series (``colors``: label -> colour, legend order), and a
    dashed grey rule at ``reference`` (value, label)."""
    order = list(colors)
    name, datasets = dataset(frame)
    color = {"field": "series", "type": "nominal", "title": None, "sort": order, "legend": _legend(),
             "scale": {"domain": order, "range": [colors[k] for k in order]}}
    x = {"field": "alpha", "type": "quantitative", "title": x_title, "scale": {"domain": [0, 1]}}
    layers = [
        {"data": {"name": name}, "mark": {"type": "area", "opacity": 0.2},
         "encoding": {"x": x, "y": {"field": "low", "type": "quantitative"}, "y2": {"field": "high"}, "color": color}},
        {"data": {"name": name}, "mark": {"type": "line", "point": {"size": 25}},
         "encoding": {"x": x, "y": {"field": "value", "type": "quantitative", "title": y_title}, "color": color,
                      "tooltip": [{"field": "series", "type": "nominal", "title": ""},
                                  {"field": "alpha", "type": "quantitative", "title": x_title},
                                  {"field": "value", "type": "quantitative", "title": y_title, "format": ".4g"}]}},
    ]
    if reference is not None:
        value, label = reference
        rule, rule_data = dataset(pd.DataFrame({"value": [value], "label": [label]}))
        datasets = {**datasets, **rule_data}
        layers.append({"data": {"name": rule}, "mark": {"type": "rule", "color": "#868e96", "strokeDash": [4, 3]},
                       "encoding": {"y": {"field": "value", "type": "quantitative"},
                                    "tooltip": [{"field": "label", "type": "nominal", "title": ""}]}})
    return VegaLiteSpec({"layer": layers, "title": title, "width": width, "height": height}, datasets)
