"""Charts of the paper-reference page, the tour and the HTML report (built on charts.common)."""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from icar_core.charts.common import heatmap_row, line_chart


def used_entries_row(panels: dict[str, np.ndarray], used: np.ndarray, *, title: str = "", x_title: str = "",
                     y_title: str = "", value_title: str = "value", size: int = 300,
                     row_labels: Sequence[str] | None = None,
                     col_labels: Sequence[str] | None = None) -> alt.HConcatChart:
    """Heatmaps side by side (one shared symmetric scale) that draw only the cells where ``used`` is True.

    The unused cells are left blank rather than drawn as zeros, so a blank reads "not part of the model"
    and a white cell "a learned weight of zero". ``panels``: title -> matrix, each of ``used``'s shape;
    the colour scale is set by the used entries only.
    """
    used = np.asarray(used, dtype=bool)
    zeroed = {name: np.where(used, np.asarray(m, dtype=float), 0.0) for name, m in panels.items()}
    chart = heatmap_row(zeroed, title=title, x_title=x_title, y_title=y_title, value_title=value_title,
                        size=size, row_labels=row_labels, col_labels=col_labels)
    # Altair lifts data that every panel shares (e.g. a single panel) to the top level; filter it wherever it is.
    for holder in (chart, *chart.hconcat):
        frame = holder.data
        if isinstance(frame, pd.DataFrame):
            holder.data = frame[used[frame["i"].to_numpy(), frame["j"].to_numpy()]].reset_index(drop=True)
    return chart


def series_frame(x: np.ndarray, series: dict[str, np.ndarray], x_name: str = "x",
                 y_name: str = "y") -> pd.DataFrame:
    """Long frame (x_name, y_name, series) of several curves sharing ``x`` (a curve may be shorter)."""
    parts = [pd.DataFrame({x_name: np.asarray(x, dtype=float)[: len(y)], y_name: np.asarray(y, dtype=float),
                           "series": label}) for label, y in series.items()]
    return pd.concat(parts, ignore_index=True)


def curves(frame: pd.DataFrame, title: str, *, x_title: str, y_title: str, log_y: bool = False,
           points: bool = False, width: int = 560, height: int = 300) -> alt.Chart:
    """Lines of a :func:`series_frame` (columns x, y, series), one colour per series."""
    return line_chart(frame, "x", "y", title, color="series", x_title=x_title, y_title=y_title,
                      log_y=log_y, points=points, width=width, height=height)
