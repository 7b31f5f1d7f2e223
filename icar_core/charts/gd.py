"""Charts of the Model-vs-GD page (pure functions -> Altair charts; no Streamlit)."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

from icar_core.charts.common import line_chart


def error_curve_frame(curve: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Long form ``n, error, series`` of the columns of ``curve`` named in ``labels`` (column -> label)."""
    parts = [pd.DataFrame({"n": curve["n"].to_numpy(), "error": curve[column].to_numpy(), "series": label})
             for column, label in labels.items() if column in curve]
    return pd.concat(parts, ignore_index=True)


def error_curve_chart(frame: pd.DataFrame, title: str, *, x_title: str, y_title: str,
                      current_n: int | None = None, current_label: str = "") -> alt.LayerChart | alt.Chart:
    """Mean squared error against context length, one line per series; a grey rule marks ``current_n``."""
    lines = line_chart(frame, "n", "error", title, color="series", x_title=x_title, y_title=y_title, points=True)
    if current_n is None:
        return lines
    rule = alt.Chart(pd.DataFrame({"n": [current_n], "label": [current_label]})).mark_rule(
        color="#868e96", strokeDash=[4, 3]).encode(x="n:Q", tooltip=[alt.Tooltip("label:N", title="")])
    return alt.layer(lines, rule)
