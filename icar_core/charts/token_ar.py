"""Figure 4's histograms: AR(1) fitting errors of original against shuffled token windows."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

from icar_core.charts.common import CATEGORY_COLORS
from icar_core.charts.memo import content_memo
from icar_core.token_ar import WindowTest

# The authors' plot drops errors <= 1e-12 (the exactly fitted windows), and so does this one:
# on a log axis they would sit at -30, far from everything else. The chart's caller says how many.
SHOWN_ABOVE = 1e-12
BINS = 60


def histogram_frame(test: WindowTest, labels: Mapping[str, str], measure: str = "rollout") -> pd.DataFrame:
    """Long form (series, error, log10_error) of one test's errors above :data:`SHOWN_ABOVE`.

    ``measure``: ``rollout`` (the authors' roll-out MSE) or ``residual`` (relative one-step residual);
    ``labels``: display names of ``original`` and ``shuffled``.
    """
    if measure not in ("rollout", "residual"):
        raise ValueError(f"measure must be rollout or residual; got {measure!r}")
    values = {"original": test.rollout_mse_original, "shuffled": test.rollout_mse_shuffled} if measure == "rollout" \
        else {"original": test.residual_original, "shuffled": test.residual_shuffled}
    parts = []
    for key, errors in values.items():
        shown = errors[errors > SHOWN_ABOVE]
        parts.append(pd.DataFrame({"series": labels[key], "error": shown, "log10_error": np.log10(shown)}))
    return pd.concat(parts, ignore_index=True)


@content_memo
def error_histograms(frame: pd.DataFrame, title: str | list[str], *, x_title: str, y_title: str,
                     order: list[str], width: int = 520, height: int = 260) -> alt.Chart:
    """Two overlaid histograms of ``log10_error`` (one per ``series``, in ``order``), as in the paper's Figure 4."""
    return alt.Chart(frame, title=title, width=width, height=height).mark_bar(opacity=0.55, binSpacing=0).encode(
        x=alt.X("log10_error:Q", bin=alt.Bin(maxbins=BINS), title=x_title),
        y=alt.Y("count():Q", stack=None, title=y_title),
        color=alt.Color("series:N", sort=order, scale=alt.Scale(domain=order, range=CATEGORY_COLORS[: len(order)]),
                        title=None),
        tooltip=[alt.Tooltip("series:N"), alt.Tooltip("count():Q", title=y_title)],
    )
