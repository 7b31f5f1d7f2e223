"""Figures of the Positional-encodings page: the positional matrix (lower triangle only), the PCA path of the
positions, and row profiles with their fits and references, each converted to Vega-Lite once
(:func:`icar_core.charts.vegalite.one_panel`): every later draw of the same chart is a copy."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from icar_core.charts.common import CATEGORY_COLORS, DIVERGING, symmetric_max
from icar_core.charts.memo import content_memo
from icar_core.charts.vegalite import VegaLiteSpec, one_panel


def positional_frame(encodings: np.ndarray, positions: np.ndarray, mask: np.ndarray) -> pd.DataFrame:
    """Long form ``(n, t, value)`` of the entries of ``encodings`` (N, D) where ``mask`` is True; row k is
    position ``positions[k]``, column j is key position (or embedding coordinate) j."""
    n, t = np.meshgrid(np.asarray(positions), np.arange(encodings.shape[1]), indexing="ij")
    keep = np.asarray(mask, dtype=bool).ravel()
    return pd.DataFrame({"n": n.ravel()[keep], "t": t.ravel()[keep],
                         "value": np.asarray(encodings, dtype=float).ravel()[keep]})


@content_memo
def positional_heatmap(encodings: np.ndarray, positions: np.ndarray, mask: np.ndarray, title: str | list[str], *,
                       x_title: str, y_title: str, value_title: str, cell: int = 14,
                       domain_max: float | None = None, one_based_columns: bool = False,
                       min_width: int = 220) -> VegaLiteSpec:
    """Heatmap of the existing entries (``mask``) on a diverging scale centred on zero, values in tooltips.

    ``domain_max`` fixes the scale to ``[-domain_max, domain_max]``; larger entries show the end colour.
    Cells are at least ``cell`` px (at least 12) and the chart at least ``min_width`` px wide, so a short
    context or a small embedding is not drawn as a sliver. ``one_based_columns``: the columns are coordinates
    (of an embedding), numbered 1 … D like every coordinate in the dashboard; positions stay 0-based (s₀ …).
    ``title`` may be a list of lines."""
    frame = positional_frame(encodings, positions, mask)
    m = domain_max if domain_max is not None else symmetric_max(frame["value"].to_numpy())
    rows, cols = encodings.shape
    cell = max(int(cell), 12)
    width = max(min_width, cell * cols)
    height = max(cell * rows, 120)
    chart = alt.Chart(frame)
    column = "t"
    if one_based_columns:
        chart = chart.transform_calculate(coordinate="datum.t + 1")
        column = "coordinate"
    return one_panel(chart.mark_rect().encode(
        x=alt.X(f"{column}:O", title=x_title, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
        y=alt.Y("n:O", title=y_title, axis=alt.Axis(labelOverlap=True)),
        color=alt.Color("value:Q", title=value_title,
                        scale=alt.Scale(scheme=DIVERGING, domain=[-m, m], reverse=True, clamp=True)),
        tooltip=[alt.Tooltip("n:O", title=y_title), alt.Tooltip(f"{column}:O", title=x_title),
                 alt.Tooltip("value:Q", title=value_title, format=".4f")],
    ).properties(title=alt.TitleParams(title, anchor="start"), width=width, height=height))


@content_memo
def pca_path(coordinates: np.ndarray, positions: np.ndarray, title: str, *, x_title: str, y_title: str,
             position_title: str, size: int = 340) -> VegaLiteSpec:
    """The positions in the plane of the first two principal components, joined in order, coloured by
    position (dark = early, bright = late)."""
    frame = pd.DataFrame({"position": np.asarray(positions), "pc1": coordinates[:, 0],
                          "pc2": coordinates[:, 1] if coordinates.shape[1] > 1 else 0.0})
    base = alt.Chart(frame).encode(x=alt.X("pc1:Q", title=x_title), y=alt.Y("pc2:Q", title=y_title))
    line = base.mark_line(color="#adb5bd", strokeWidth=1.5).encode(order=alt.Order("position:Q"))
    dots = base.mark_circle(size=90, opacity=0.95).encode(
        color=alt.Color("position:Q", title=position_title, scale=alt.Scale(scheme="viridis")),
        tooltip=[alt.Tooltip("position:Q", title=position_title), alt.Tooltip("pc1:Q", title=x_title, format=".4f"),
                 alt.Tooltip("pc2:Q", title=y_title, format=".4f")])
    return one_panel(alt.layer(line, dots).properties(title=alt.TitleParams(title, anchor="start"), width=size,
                                                      height=size))


@content_memo
def profiles(frame: pd.DataFrame, title: str, *, x_title: str, y_title: str, order: list[str] | None = None,
             dashed: list[str] = (), width: int = 560, height: int = 300) -> VegaLiteSpec:
    """Lines ``value`` against ``t``, one per ``series`` (in ``order``); series named in ``dashed`` (fits,
    references) are drawn dashed, the others solid with points."""
    order = order or list(dict.fromkeys(frame["series"]))
    frame = frame.assign(style=np.where(frame["series"].isin(list(dashed)), "dashed", "solid"))
    colors = CATEGORY_COLORS[: len(order)] if len(order) <= len(CATEGORY_COLORS) else None
    color = alt.Color("series:N", title=None, sort=order,
                      scale=alt.Scale(domain=order, range=colors) if colors else alt.Undefined,
                      legend=alt.Legend(orient="bottom", columns=2, labelLimit=400))
    return one_panel(alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=28)).encode(
        x=alt.X("t:Q", title=x_title),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=color,
        strokeDash=alt.StrokeDash("style:N", legend=None, scale=alt.Scale(domain=["solid", "dashed"],
                                                                            range=[[1, 0], [6, 4]])),
        tooltip=[alt.Tooltip("series:N", title=""), alt.Tooltip("t:Q", title=x_title),
                 alt.Tooltip("value:Q", title=y_title, format=".4f")],
    ).properties(title=title, width=width, height=height))


def long_profiles(series: dict[str, np.ndarray], t: np.ndarray | None = None) -> pd.DataFrame:
    """Long form ``(series, t, value)`` of named 1-D profiles (all sampled at ``t``, default 0..len−1)."""
    parts = []
    for name, values in series.items():
        values = np.asarray(values, dtype=float)
        times = np.arange(len(values)) if t is None else np.asarray(t)
        parts.append(pd.DataFrame({"series": name, "t": times, "value": values}))
    return pd.concat(parts, ignore_index=True)


@content_memo
def mu_profiles(frame: pd.DataFrame, title: str, *, x_title: str, y_title: str, width: int = 560,
                height: int = 340) -> VegaLiteSpec:
    """Last rows of several runs: colour = ``series`` (one per μ, in frame order), line style = ``source``
    (ours solid, the authors' dashed, in the order the sources first appear)."""
    order = list(dict.fromkeys(frame["series"]))
    sources = list(dict.fromkeys(frame["source"]))
    colors = CATEGORY_COLORS[: len(order)] if len(order) <= len(CATEGORY_COLORS) else alt.Undefined
    return one_panel(alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=24)).encode(
        x=alt.X("t:Q", title=x_title),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
        color=alt.Color("series:N", title=None, sort=order, scale=alt.Scale(domain=order, range=colors),
                        legend=alt.Legend(orient="bottom", labelLimit=400)),
        strokeDash=alt.StrokeDash("source:N", title=None, sort=sources,
                                  scale=alt.Scale(domain=sources, range=[[1, 0], [6, 4]][: len(sources)]),
                                  legend=alt.Legend(orient="bottom", labelLimit=400) if len(sources) > 1 else None),
        detail=alt.Detail("source:N"),
        tooltip=[alt.Tooltip("series:N", title=""), alt.Tooltip("source:N", title=""),
                 alt.Tooltip("t:Q", title=x_title), alt.Tooltip("value:Q", title=y_title, format=".4f")],
    ).properties(title=title, width=width, height=height))
