"""Charts of the Stress-test page: the model / GD error ratio, the estimate's spectrum on the unit circle, and the
interpolation from trained to GD-constructed weights (pure functions -> Altair charts; no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from icar_core.charts.common import CATEGORY_COLORS
from icar_core.charts.gd import LABEL_LIMIT
from icar_core.charts.memo import content_memo

#: Eigenvalue series by language-independent key: the truth green, the model orange, one GD step blue (as on the
#: Model-vs-GD page).
SPECTRUM_COLORS = {"truth": CATEGORY_COLORS[2], "model": CATEGORY_COLORS[1], "gd": CATEGORY_COLORS[0]}
SPECTRUM_SHAPES = {"truth": "circle", "model": "diamond", "gd": "square"}
#: Drawn hollow and larger, so that the model's marks stay visible where they sit on one GD step's.
HOLLOW = ("gd",)
CIRCLE_POINTS = 121


def _legend() -> alt.Legend:
    return alt.Legend(orient="bottom", direction="vertical", labelLimit=LABEL_LIMIT, symbolOpacity=1)


@content_memo
def ratio_chart(frame: pd.DataFrame, tolerance: float, title: str, *, x_title: str, y_title: str,
                band_label: str, width: int = 300, height: int = 260) -> alt.VConcatChart:
    """Model error / GD error against context length (``frame``: ``n, ratio, ratio_low, ratio_high``) with its 95%
    band, over the grey band ``1 ± tolerance`` where the model "tracks one GD step"."""
    data = frame.dropna(subset=["ratio"])
    last = float(frame["n"].max())
    x = alt.X("n:Q", title=x_title, scale=alt.Scale(domain=[0, last], nice=False),
              axis=alt.Axis(labelFlush=True, tickMinStep=1))
    zone = alt.Chart(pd.DataFrame({"low": [1 - tolerance], "high": [1 + tolerance], "label": [band_label]})).mark_rect(
        color="#adb5bd", opacity=0.25).encode(y=alt.Y("low:Q"), y2=alt.Y2("high:Q"),
                                                tooltip=[alt.Tooltip("label:N", title="")])
    band = alt.Chart(data).mark_area(opacity=0.25, color=CATEGORY_COLORS[1]).encode(x=x, y=alt.Y("ratio_low:Q"),
                                                                                    y2=alt.Y2("ratio_high:Q"))
    line = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=20, color=CATEGORY_COLORS[1]),
                                     color=CATEGORY_COLORS[1]).encode(
        x=x, y=alt.Y("ratio:Q", title=y_title, scale=alt.Scale(type="log")),
        tooltip=[alt.Tooltip("n:Q", title=x_title), alt.Tooltip("ratio:Q", title=y_title, format=".3g"),
                 alt.Tooltip("ratio_low:Q", format=".3g"), alt.Tooltip("ratio_high:Q", format=".3g")])
    return alt.vconcat(alt.layer(zone, band, line).properties(title=title, width=width, height=height),
                       padding={"left": 5, "top": 5, "bottom": 5, "right": 16})


def spectrum_frame(panels: Mapping[str, Mapping[str, np.ndarray]], labels: Mapping[str, str]) -> pd.DataFrame:
    """Long form ``panel, series, re, im`` of eigenvalues: ``panels`` panel title -> series key -> eigenvalues."""
    rows = [{"panel": title, "series": labels[key], "re": float(z.real), "im": float(z.imag),
             "modulus": float(abs(z)), "angle": float(np.degrees(np.angle(z)))}
            for title, series in panels.items() for key, values in series.items() for z in np.atleast_1d(values)]
    return pd.DataFrame(rows)


@content_memo
def spectrum_chart(frame: pd.DataFrame, labels: Mapping[str, str], title: str, *, x_title: str, y_title: str,
                   size: int = 200) -> alt.HConcatChart:
    """Small multiples (one per panel, in ``frame`` order): the unit circle and the eigenvalues of every series
    (``labels``: key -> legend label, in legend order) in the complex plane, on one shared square scale."""
    keys = list(labels)
    order = [labels[k] for k in keys]
    reach = max(1.2, float(np.ceil(10 * max(frame["modulus"].max(), 1.0) * 1.1) / 10))
    scale = alt.Scale(domain=[-reach, reach], nice=False)
    theta = np.linspace(0, 2 * np.pi, CIRCLE_POINTS)
    circle = pd.DataFrame({"re": np.cos(theta), "im": np.sin(theta), "k": np.arange(CIRCLE_POINTS)})
    color = alt.Color("series:N", title=None, sort=order, legend=_legend(),
                      scale=alt.Scale(domain=order, range=[SPECTRUM_COLORS[k] for k in keys]))
    shape = alt.Shape("series:N", sort=order, legend=None,
                      scale=alt.Scale(domain=order, range=[SPECTRUM_SHAPES[k] for k in keys]))
    hollow = [labels[k] for k in keys if k in HOLLOW]
    charts = []
    for panel in dict.fromkeys(frame["panel"]):
        ring = alt.Chart(circle).mark_line(color="#adb5bd").encode(
            x=alt.X("re:Q", title=x_title, scale=scale), y=alt.Y("im:Q", title=y_title, scale=scale),
            order=alt.Order("k:Q"))
        layers = [ring]
        data = frame[frame["panel"] == panel]
        for subset, filled in ((data[data["series"].isin(hollow)], False), (data[~data["series"].isin(hollow)], True)):
            layers.append(alt.Chart(subset).mark_point(size=170 if not filled else 90, filled=filled, opacity=0.9,
                                                       strokeWidth=2).encode(
                x=alt.X("re:Q", scale=scale), y=alt.Y("im:Q", scale=scale), color=color, shape=shape,
                tooltip=[alt.Tooltip("series:N", title=""), alt.Tooltip("modulus:Q", format=".3f"),
                         alt.Tooltip("angle:Q", format=".1f")]))
        charts.append(alt.layer(*layers).properties(title=panel, width=size, height=size))
    return alt.hconcat(*charts, title=title)


def path_frame(path: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Long form ``alpha, value, low, high, series`` of the columns of ``path`` named in ``labels``."""
    return pd.concat([pd.DataFrame({"alpha": path["alpha"], "value": path[c], "low": path[f"{c}_low"],
                                    "high": path[f"{c}_high"], "series": label}) for c, label in labels.items()],
                     ignore_index=True)


@content_memo
def path_chart(frame: pd.DataFrame, title: str, *, x_title: str, y_title: str, colors: Mapping[str, str],
               reference: tuple[float, str] | None = None, width: int = 300, height: int = 240) -> alt.LayerChart:
    """Values against α with 95% bands, one line per series (``colors``: label -> colour, legend order), and a
    dashed grey rule at ``reference`` (value, label)."""
    order = list(colors)
    color = alt.Color("series:N", title=None, sort=order, legend=_legend(),
                      scale=alt.Scale(domain=order, range=[colors[k] for k in order]))
    x = alt.X("alpha:Q", title=x_title, scale=alt.Scale(domain=[0, 1]))
    layers = [
        alt.Chart(frame).mark_area(opacity=0.2).encode(x=x, y=alt.Y("low:Q"), y2=alt.Y2("high:Q"), color=color),
        alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=25)).encode(
            x=x, y=alt.Y("value:Q", title=y_title), color=color,
            tooltip=[alt.Tooltip("series:N", title=""), alt.Tooltip("alpha:Q", title=x_title),
                     alt.Tooltip("value:Q", title=y_title, format=".4g")]),
    ]
    if reference is not None:
        value, label = reference
        layers.append(alt.Chart(pd.DataFrame({"value": [value], "label": [label]})).mark_rule(
            color="#868e96", strokeDash=[4, 3]).encode(y=alt.Y("value:Q"), tooltip=[alt.Tooltip("label:N", title="")]))
    return alt.layer(*layers).properties(title=title, width=width, height=height)
