"""What each dashboard page shows, computed from a loaded run: plain functions of a
:class:`~icar_core.checkpoints.Checkpoint` and the page's inputs, returning frames and numbers.
Pages cache them through ``icar_core.ui.cached`` and draw them with ``icar_core.charts``.

This module holds what several views share: where the authors' reference arrays are, and the cosine,
relative-error and angle helpers every view uses for one pair of arrays.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

#: The authors' reference arrays (see its README): the repository root's parent / shared / reference.
#: Read at run time, never copied into the project.
#: One metric card as ``ui.metric_grid`` draws it: (label, value, grey line under it or None, tooltip).
Card = tuple[str, str, str | None, str]

REFERENCE_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "reference"


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine between two arrays of the same size seen as flat vectors (0 when either is zero)."""
    a, b = np.ravel(np.asarray(a, dtype=np.float64)), np.ravel(np.asarray(b, dtype=np.float64))
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / denominator if denominator > 0 else 0.0


def relative_error(value: np.ndarray, reference: np.ndarray) -> float:
    """``‖value − reference‖ / ‖reference‖`` (Frobenius; infinite for a zero reference)."""
    value, reference = np.asarray(value, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    norm = float(np.linalg.norm(reference))
    return float(np.linalg.norm(value - reference)) / norm if norm > 0 else math.inf


def cosine_degrees(value: float) -> float:
    """The angle (degrees, 0 … 180) whose cosine is ``value`` (clipped to [−1, 1])."""
    return math.degrees(math.acos(min(max(float(value), -1.0), 1.0)))


def angle_degrees(a: np.ndarray, b: np.ndarray) -> float:
    """The angle between two arrays seen as flat vectors, in degrees (90 when either is zero)."""
    return cosine_degrees(cosine(a, b))
