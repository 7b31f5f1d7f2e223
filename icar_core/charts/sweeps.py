"""Charts of a sweep: a heatmap of one number over two grid axes, and seed bands over one axis.

Both carry a point selection on the column ``run`` (named :data:`PICK`), so that a click on a cell or a point
tells the page which run to open. Both come converted to Vega-Lite once (:func:`icar_core.charts.vegalite.one_panel`).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from icar_core.charts.common import CATEGORY_COLORS
from icar_core.charts.memo import content_memo
from icar_core.charts.vegalite import VegaLiteSpec, one_panel

PICK = "pick"
SEQUENTIAL = "viridis"
LOG_SPAN = 8


def _pick() -> alt.Parameter:
    return alt.selection_point(name=PICK, fields=["run"], on="click", clear="dblclick")


@content_memo
def sweep_heatmap(cells: pd.DataFrame, *, title: str, x_title: str, y_title: str, value_title: str,
                  sd_title: str, seeds_title: str, run_title: str, size: int = 320) -> VegaLiteSpec:
    """``cells`` (x, y, mean, sd, min, max, seeds, low, high, run) as coloured cells labelled ``mean ± sd``."""
    frame = cells.assign(label=[f"{m:.3g} ± {s:.1g}" for m, s in zip(cells["mean"], cells["sd"], strict=True)])
    pick = _pick()
    base = alt.Chart(frame).encode(
        x=alt.X("x:O", title=x_title, sort="ascending", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("y:O", title=y_title, sort="descending"),
    )
    rects = base.mark_rect(stroke="white", strokeWidth=2, cursor="pointer").encode(
        color=alt.Color("mean:Q", title=value_title, scale=alt.Scale(scheme=SEQUENTIAL)),
        opacity=alt.OpacityValue(0.5, condition={"param": pick.name, "value": 1.0}),
        tooltip=[alt.Tooltip("x:O", title=x_title), alt.Tooltip("y:O", title=y_title),
                 alt.Tooltip("mean:Q", title=value_title, format=".4g"),
                 alt.Tooltip("sd:Q", title=sd_title, format=".2g"), alt.Tooltip("min:Q", format=".4g"),
                 alt.Tooltip("max:Q", format=".4g"), alt.Tooltip("seeds:Q", title=seeds_title),
                 alt.Tooltip("run:N", title=run_title)],
    ).add_params(pick)
    # The spread layer: every cell says its mean ± the seeds' standard deviation. No tooltip, so that it takes no
    # pointer events and a click on the label still reaches the cell.
    middle = float(cells["mean"].min() + cells["mean"].max()) / 2  # viridis is bright above the middle
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("label:N"),
        color=alt.ColorValue("white", condition={"test": f"datum.mean > {middle}", "value": "black"}))
    return one_panel(alt.layer(rects, text).properties(title=title, width=size, height=size * 0.75))


def _axis(values: pd.Series, title: str) -> alt.X:
    """A numeric axis (base-2 log for values spanning a factor of LOG_SPAN or more, like T = 4 … 64), ticks at the
    grid's values; text values (e.g. w_dist) in their order."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return alt.X("x:O", title=title, sort="ascending", axis=alt.Axis(labelAngle=0))
    low, high = float(values.min()), float(values.max())
    log = low > 0 and high / low >= LOG_SPAN
    scale = alt.Scale(type="log", base=2, nice=False) if log else alt.Scale(zero=False, nice=False)
    return alt.X("x:Q", title=title, scale=scale, axis=alt.Axis(values=sorted(values.unique().tolist())))


@content_memo
def seed_bands(stats: pd.DataFrame, points: pd.DataFrame, *, title: str, x_title: str, y_title: str,
               group_title: str, run_title: str, width: int = 420, height: int = 280) -> VegaLiteSpec:
    """``stats`` (x, group, mean, band_low, band_high, seeds) as a line per group with its mean ± sd band over the
    seeds; ``points`` (x, group, seed, value, low, high, run): every run's value with its own interval."""
    pick = _pick()
    color = alt.Color("group:N", title=group_title, scale=alt.Scale(range=CATEGORY_COLORS),
                      legend=alt.Legend() if group_title else None)
    x = _axis(stats["x"], x_title)
    band = alt.Chart(stats).mark_area(opacity=0.2).encode(x=x, y=alt.Y("band_low:Q", title=y_title,
                                                                       scale=alt.Scale(zero=False)),
                                                          y2=alt.Y2("band_high:Q"), color=color)
    line = alt.Chart(stats).mark_line().encode(x=x, y=alt.Y("mean:Q"), color=color)
    runs = alt.Chart(points).encode(
        x=x, color=color,
        tooltip=[alt.Tooltip("x:Q", title=x_title), alt.Tooltip("group:N", title=group_title), alt.Tooltip("seed:Q"),
                 alt.Tooltip("value:Q", title=y_title, format=".4g"), alt.Tooltip("low:Q", format=".4g"),
                 alt.Tooltip("high:Q", format=".4g"), alt.Tooltip("run:N", title=run_title)])
    errors = runs.mark_rule(opacity=0.6).encode(y=alt.Y("low:Q"), y2=alt.Y2("high:Q"))
    dots = runs.mark_point(filled=True, size=50, cursor="pointer").encode(
        y=alt.Y("value:Q"), opacity=alt.OpacityValue(0.4, condition={"param": pick.name, "value": 1.0}),
    ).add_params(pick)
    return one_panel(alt.layer(band, line, errors, dots).properties(title=title, width=width, height=height))
