"""Charts of the Model-vs-GD page (pure functions -> Altair charts; no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from icar_core.charts.common import CATEGORY_COLORS

#: Series colours shared with :func:`icar_core.charts.common.trajectory`: truth green, model orange, GD blue.
SERIES_COLORS = {"model_loss": CATEGORY_COLORS[1], "gd_loss": CATEGORY_COLORS[0], "truth_loss": CATEGORY_COLORS[2]}


def error_curve_frame(curve: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Long form ``n, error, series`` of the columns of ``curve`` named in ``labels`` (column -> label)."""
    parts = [pd.DataFrame({"n": curve["n"].to_numpy(), "error": curve[column].to_numpy(), "series": label})
             for column, label in labels.items() if column in curve]
    return pd.concat(parts, ignore_index=True)


def error_curve_chart(frame: pd.DataFrame, title: str, *, x_title: str, y_title: str, colors: Mapping[str, str],
                      current_n: int | None = None, current_label: str = "", width: int = 460,
                      height: int = 300) -> alt.VConcatChart:
    """Mean squared error against context length, one line per series (``colors``: label -> colour, in legend
    order); a dashed grey rule marks ``current_n``."""
    order = list(colors)
    lines = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("n:Q", title=x_title, scale=alt.Scale(domainMin=0)),
        y=alt.Y("error:Q", title=y_title),
        color=alt.Color("series:N", title=None, sort=order,
                        scale=alt.Scale(domain=order, range=[colors[k] for k in order]),
                        legend=alt.Legend(orient="bottom", labelLimit=400)),
        tooltip=[alt.Tooltip("series:N", title=""), alt.Tooltip("n:Q", title=x_title),
                 alt.Tooltip("error:Q", title=y_title, format=".4g")],
    )
    layers = [lines]
    if current_n is not None:
        layers.append(alt.Chart(pd.DataFrame({"n": [current_n], "label": [current_label]})).mark_rule(
            color="#868e96", strokeDash=[4, 3]).encode(x="n:Q", tooltip=[alt.Tooltip("label:N", title="")]))
    return alt.layer(*layers).properties(title=title, width=width, height=height)
