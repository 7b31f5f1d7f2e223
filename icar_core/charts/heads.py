"""Figures of the Heads and Head-orthogonality pages: per-head matrices with their token blocks marked,
small multiples of all heads on one colour scale, and cosine matrices between heads."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from icar_core.charts.common import heatmap, heatmap_row
from icar_core.charts.vegalite import VegaLiteSpec


def matrix_panel(matrix: np.ndarray, title: str, *, row_labels: Sequence[str], col_labels: Sequence[str],
                 row_blocks: Sequence[str] = (), col_blocks: Sequence[str] = (), domain_max: float | None = None,
                 x_title: str = "", y_title: str = "", value_title: str = "value", size: int = 220,
                 text: bool | None = None) -> VegaLiteSpec:
    """A heatmap of one head's matrix with lines between token blocks (``row_blocks`` / ``col_blocks``: the first
    tick label of each new block), square cells, ``size`` the wider side."""
    return heatmap(matrix, title, row_labels=row_labels, col_labels=col_labels, row_blocks=row_blocks,
                   col_blocks=col_blocks, domain_max=domain_max, x_title=x_title, y_title=y_title,
                   value_title=value_title, size=size, text=text, square_cells=True)


def small_multiples(panels: dict[str, np.ndarray], title: str, *, row_labels: Sequence[str],
                    col_labels: Sequence[str], row_blocks: Sequence[str] = (), col_blocks: Sequence[str] = (),
                    columns: int = 4, x_title: str = "", y_title: str = "", value_title: str = "value",
                    size: int = 150) -> VegaLiteSpec:
    """One small :func:`matrix_panel` per head (panel titles are the dict keys), ``columns`` to a row, all on one
    symmetric colour scale, without the values written in."""
    return heatmap_row(panels, title=title, row_labels=row_labels, col_labels=col_labels, row_blocks=row_blocks,
                       col_blocks=col_blocks, columns=columns, x_title=x_title, y_title=y_title,
                       value_title=value_title, size=size, text=False, square_cells=True)


def cosine_matrices(panels: dict[str, np.ndarray], title: str, *, head_labels: Sequence[str],
                    value_title: str, x_title: str = "", y_title: str = "", size: int = 240) -> VegaLiteSpec:
    """H×H cosine matrices side by side on the fixed scale [−1, 1] (1 = same direction, 0 = orthogonal)."""
    return heatmap_row(panels, title=title, row_labels=head_labels, col_labels=head_labels, domain_max=1.0,
                       value_title=value_title, x_title=x_title, y_title=y_title, size=size)
