"""Charts of the Training page (pure functions -> Altair charts; no Streamlit)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from icar_core.charts.common import CATEGORY_COLORS
from icar_core.charts.memo import content_memo
from icar_core.charts.paper import log_domain

#: Dash patterns of the loss curves, in the order given to :func:`loss_chart` (solid, dashed, dotted, ...).
DASHES = [[1, 0], [7, 4], [2, 2], [10, 3, 2, 3]]


@content_memo
def loss_chart(frame: pd.DataFrame, title: str, *, x_title: str, y_title: str, run_title: str,
               curve_title: str, curve_order: list[str] | None = None, width: int = 620,
               height: int = 320) -> alt.VConcatChart:
    """Losses (long form ``step, loss, run, curve``) on a log scale: colour = run, dash = which curve
    (``curve_order``: the curves' labels in a fixed, language-independent order, first drawn solid, second dashed,
    third dotted; only the curves present in ``frame`` are listed). The log axis spans the data (a factor of
    1.6 beyond its smallest and largest positive value, not rounded to powers of ten); the runs' colours follow
    their order of first appearance in ``frame``."""
    present = set(frame["curve"])
    order = [c for c in (curve_order or list(dict.fromkeys(frame["curve"]))) if c in present]
    runs = list(dict.fromkeys(frame["run"]))
    return (alt.Chart(frame).mark_line().encode(
        x=alt.X("step:Q", title=x_title),
        y=alt.Y("loss:Q", title=y_title, scale=alt.Scale(type="log", domain=log_domain(frame["loss"]), nice=False)),
        color=alt.Color("run:N", title=run_title, sort=runs,
                        scale=alt.Scale(domain=runs, range=[CATEGORY_COLORS[k % len(CATEGORY_COLORS)]
                                                            for k in range(len(runs))]),
                        legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=400)),
        strokeDash=alt.StrokeDash("curve:N", title=curve_title,
                                  sort=order, scale=alt.Scale(domain=order, range=DASHES[: len(order)]),
                                  legend=alt.Legend(orient="bottom", direction="vertical", symbolType="stroke",
                                                    symbolSize=600, symbolStrokeColor="#868e96", labelLimit=400)),
        detail=alt.Detail("curve:N"),
        tooltip=[alt.Tooltip("run:N", title=run_title), alt.Tooltip("curve:N", title=curve_title),
                 alt.Tooltip("step:Q", title=x_title), alt.Tooltip("loss:Q", title=y_title, format=".4g")],
    ).properties(title=title, width=width, height=height))


@content_memo
def structure_chart(frame: pd.DataFrame, title: str, *, x_title: str, y_title: str, metric_title: str,
                    width: int = 560, height: int = 120) -> alt.FacetChart:
    """Structure measures (long form ``step, metric, value`` and optional ``low, high``, a 95% band; ``metric``
    already a readable label) against the training step, one panel per measure with its own vertical scale; the
    step axis is symmetric-log, because snapshots are spaced geometrically (step 0 included)."""
    order = list(dict.fromkeys(frame["metric"]))
    last = float(frame["step"].max()) if len(frame) else 1.0
    ticks = [0] + [10**k for k in range(0, 9) if 10**k <= last]
    x = alt.X("step:Q", title=x_title, scale=alt.Scale(type="symlog"), axis=alt.Axis(values=ticks))
    color = alt.Color("metric:N", title=None, sort=order,
                      scale=alt.Scale(domain=order, range=CATEGORY_COLORS[: len(order)]), legend=None)
    line = alt.Chart().mark_line(point=True).encode(
        x=x, y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)), color=color,
        tooltip=[alt.Tooltip("metric:N", title=metric_title), alt.Tooltip("step:Q", title=x_title),
                 alt.Tooltip("value:Q", title=y_title, format=".4g")],
    )
    layers = [line]
    if {"low", "high"} <= set(frame.columns):
        layers.insert(0, alt.Chart().mark_area(opacity=0.25).encode(x=x, y=alt.Y("low:Q"), y2=alt.Y2("high:Q"),
                                                                     color=color))
    base = alt.layer(*layers, data=frame).properties(width=width, height=height)
    return base.facet(row=alt.Row("metric:N", title=None, sort=order, header=alt.Header(labelAngle=0,
                                                                                        labelAlign="left",
                                                                                        labelOrient="top",
                                                                                        labelFontWeight="bold")),
                      title=title).resolve_scale(y="independent")
