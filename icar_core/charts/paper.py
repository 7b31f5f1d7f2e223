"""Charts of the paper-reference page, the tour and the HTML report (built on charts.common).

Every categorical colour scale here gets an explicit domain in a fixed order that the caller gives in
*its* language, built from language-independent series keys, so a series keeps its colour (and its dash)
whatever the language and whatever the alphabetical order of its translated name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import numpy as np
import pandas as pd

from icar_core.charts.common import CATEGORY_COLORS, heatmap_row
from icar_core.charts.memo import content_memo
from icar_core.charts.vegalite import VegaLiteSpec

#: Colour of reference lines (one GD step, the authors' final loss): grey, always drawn dashed.
REFERENCE_GREY = "#5c636a"
SOLID, DASHED = [1, 0], [6, 4]
#: The default legend label width: long Japanese labels fit in full.
LABEL_LIMIT = 360


def one_based(n: int) -> list[str]:
    """Tick labels ``1 … n`` of the coordinates of a vector or matrix (the dashboard numbers coordinates from 1)."""
    return [str(i + 1) for i in range(n)]


def heatmap_size(n: int, minimum: int = 220, cell: int = 12) -> int:
    """Side of a square heatmap of ``n`` cells per side: at least ``cell`` px per cell, at least ``minimum``."""
    return max(minimum, cell * int(n))


@content_memo
def used_entries_row(panels: dict[str, np.ndarray], used: np.ndarray, *, title: str = "", x_title: str = "",
                     y_title: str = "", value_title: str = "value", size: int = 300,
                     row_labels: Sequence[str] | None = None,
                     col_labels: Sequence[str] | None = None) -> VegaLiteSpec:
    """Heatmaps side by side (one shared symmetric scale) that draw only the cells where ``used`` is True.

    The unused cells are left blank rather than drawn as zeros, so a blank reads "not part of the model"
    and a white cell "a learned weight of zero". ``panels``: title -> matrix, each of ``used``'s shape;
    the colour scale is set by the used entries only.
    """
    used = np.asarray(used, dtype=bool)
    zeroed = {name: np.where(used, np.asarray(m, dtype=float), 0.0) for name, m in panels.items()}
    chart = heatmap_row(zeroed, title=title, x_title=x_title, y_title=y_title, value_title=value_title,
                        size=size, row_labels=row_labels, col_labels=col_labels)
    kept = {name: frame[used[frame["i"].to_numpy(), frame["j"].to_numpy()]].reset_index(drop=True)
            for name, frame in chart.datasets.items()}
    return VegaLiteSpec(chart.spec, kept)


def series_frame(x: np.ndarray, series: dict[str, np.ndarray], x_name: str = "x",
                 y_name: str = "y") -> pd.DataFrame:
    """Long frame (x_name, y_name, series) of several curves sharing ``x`` (a curve may be shorter)."""
    parts = [pd.DataFrame({x_name: np.asarray(x, dtype=float)[: len(y)], y_name: np.asarray(y, dtype=float),
                           "series": label}) for label, y in series.items()]
    return pd.concat(parts, ignore_index=True)


def log_domain(values: np.ndarray | Sequence[float], factor: float = 1.6) -> list[float]:
    """A log-scale domain from the data: the smallest and largest positive finite value, widened by ``factor``
    on each side — so a curve that only spans 0.25 … 1 fills the chart instead of lying flat in 0.1 … 10."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v) & (v > 0)]
    if not v.size:
        return [1e-3, 1.0]
    return [float(v.min() / factor), float(v.max() * factor)]


@content_memo
def series_chart(frame: pd.DataFrame, title: str | list[str], *, order: Sequence[str],
                 colors: Mapping[str, str] | None = None, dashed: Sequence[str] = (), on_top: Sequence[str] = (),
                 x_title: str, y_title: str, log_y: bool = False, points: bool = False, width: int = 520,
                 height: int = 280, legend_columns: int | None = None) -> alt.LayerChart:
    """Lines of a long frame ``x, y, series`` with a fixed colour per series.

    ``order``: every series label in legend order — the colour scale's explicit domain (colours ``colors``:
    label -> colour, default :data:`CATEGORY_COLORS` in order), so colours never depend on the labels'
    alphabetical order or language. ``dashed``: series drawn dashed (references, fits); ``on_top``: series drawn
    last, above the others (the data, not its fit). ``log_y``: log scale with the domain set from the data
    (:func:`log_domain`, no rounding to powers of ten).
    """
    order = [label for label in order if label in set(frame["series"])]
    palette = dict(colors or {})
    spare = iter(c for c in CATEGORY_COLORS if c not in palette.values())
    range_ = [palette.get(label) or next(spare, REFERENCE_GREY) for label in order]
    dashes = [DASHED if label in dashed else SOLID for label in order]
    legend = alt.Legend(orient="bottom", labelLimit=LABEL_LIMIT, symbolType="stroke", symbolStrokeWidth=2.5,
                        symbolSize=400, **({"columns": legend_columns} if legend_columns else {}))
    y_scale = alt.Scale(type="log", domain=log_domain(frame["y"]), nice=False) if log_y else alt.Scale(zero=False)
    base = alt.Chart(frame).encode(
        x=alt.X("x:Q", title=x_title),
        y=alt.Y("y:Q", title=y_title, scale=y_scale),
        color=alt.Color("series:N", title=None, sort=order, scale=alt.Scale(domain=order, range=range_),
                        legend=legend),
        strokeDash=alt.StrokeDash("series:N", title=None, sort=order, scale=alt.Scale(domain=order, range=dashes),
                                  legend=legend),
        tooltip=[alt.Tooltip("series:N", title=""), alt.Tooltip("x:Q", title=x_title),
                 alt.Tooltip("y:Q", title=y_title, format=".4g")],
    )
    # One layer per series, the ``on_top`` ones last: later layers are drawn above earlier ones.
    draw = [label for label in order if label not in on_top] + [label for label in order if label in on_top]
    # A dashed line underneath is drawn wider, so where the data lies exactly on it, it still shows on both sides.
    layers = [base.transform_filter(alt.FieldEqualPredicate(field="series", equal=label)).mark_line(
        point=alt.OverlayMarkDef(size=30, filled=True) if points and label not in dashed else False,
        strokeWidth=2 if label in on_top else 4 if label in dashed else 2) for label in draw]
    return alt.layer(*layers).properties(title=title, width=width, height=height)


@content_memo
def curves(frame: pd.DataFrame, title: str, *, x_title: str, y_title: str, order: Sequence[str] | None = None,
           colors: Mapping[str, str] | None = None, dashed: Sequence[str] = (), log_y: bool = False,
           points: bool = False, width: int = 560, height: int = 300) -> alt.LayerChart:
    """Lines of a :func:`series_frame` (columns x, y, series), one fixed colour per series (see
    :func:`series_chart`; ``order`` defaults to the frame's order of first appearance)."""
    order = list(order) if order is not None else list(dict.fromkeys(frame["series"]))
    return series_chart(frame, title, order=order, colors=colors, dashed=dashed, x_title=x_title, y_title=y_title,
                        log_y=log_y, points=points, width=width, height=height)


@content_memo
def profile_chart(frame: pd.DataFrame, title: str | list[str], *, learned: str, cosine: str, x_title: str,
                  y_title: str, width: int = 440, height: int = 300) -> alt.LayerChart:
    """A positional row (series ``learned``, blue, with points, drawn on top) and its best cosine (series
    ``cosine``, orange, dashed, underneath) — the same colours in every language."""
    return series_chart(frame, title, order=[learned, cosine],
                        colors={learned: CATEGORY_COLORS[0], cosine: CATEGORY_COLORS[1]}, dashed=[cosine],
                        on_top=[learned], x_title=x_title, y_title=y_title, points=True, width=width, height=height)
