"""The tour: five ideas of the paper, each computed from a shipped run, as plain data for the page.

Step → the finding whose run it uses (views.findings.run_for_finding): the task, the estimate and the
gradient step use an augmented run; the heads a multi-head run; the positions a run with a positional
matrix. Every function takes the run first and plain inputs after it, so the page caches it with
``ui.cached``. No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from icar_core.analysis import best_gd_eta, model_update
from icar_core.checkpoints import Checkpoint
from icar_core.errors import NotApplicableError
from icar_core.structure import fit_cosine, head_orthogonality, pe_profile
from icar_core.theory import gd_sums
from icar_core.views.context import example_context

STEPS = ("task", "estimate", "gd", "heads", "positions")
#: The finding whose run each step is computed from.
STEP_FINDING = {"task": "gd", "estimate": "gd", "gd": "gd", "heads": "heads", "positions": "positions"}
#: The seed of the example context every step draws (the same sequence through steps 1-3).
TOUR_SEED = 0


def _angle_degrees(a: np.ndarray, b: np.ndarray) -> float:
    cos = float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-300))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


@dataclass(frozen=True)
class TaskStep:
    """Step 1. ``states`` (n+1, d) = s_0 … s_n, ``truth`` = W s_n; ``turn_degrees``: the mean angle between
    consecutive states in the plane the chart draws (their first two coordinates; for rotation blocks in
    the identity basis exactly the rotation angle of the first plane)."""

    states: np.ndarray
    truth: np.ndarray
    turn_degrees: float


def task_step(ckpt: Checkpoint, seed: int = TOUR_SEED) -> TaskStep:
    example = example_context(ckpt, seed)
    path = np.vstack([example.states, example.truth])[:, :2]
    turns = [_angle_degrees(path[k], path[k + 1]) for k in range(len(path) - 1)]
    return TaskStep(example.states, example.truth, float(np.mean(turns)))


@dataclass(frozen=True)
class EstimateStep:
    """Step 2. The model's prediction of the next state on the step-1 sequence; ``error_percent``: its
    distance to the true next state in % of the true state's length; ``baseline_percent``: the same for
    the guess that reads nothing from the context, "no change" (the last state again)."""

    states: np.ndarray
    truth: np.ndarray
    prediction: np.ndarray
    error_percent: float
    baseline_percent: float


def estimate_step(ckpt: Checkpoint, seed: int = TOUR_SEED) -> EstimateStep:
    example = example_context(ckpt, seed)
    length = max(np.linalg.norm(example.truth), 1e-300)
    error = 100 * np.linalg.norm(example.prediction - example.truth) / length
    baseline = 100 * np.linalg.norm(example.states[-1] - example.truth) / length
    return EstimateStep(example.states, example.truth, example.prediction, float(error), float(baseline))


@dataclass(frozen=True)
class GDStep:
    """Step 3, on the step-1 sequence at its last position n: ``model`` = the model's estimate of W
    (Gamma_model, exact for augmented runs), ``gd`` = one gradient step η_n Σ s_t s_{t-1}ᵀ with the task's
    best η_n, ``truth`` = W; ``cosine``: cosine between the model's and the GD step's predictions here."""

    model: np.ndarray
    gd: np.ndarray
    truth: np.ndarray
    cosine: float


def gd_step(ckpt: Checkpoint, seed: int = TOUR_SEED) -> GDStep:
    if ckpt.config.model.kind != "augmented":
        raise NotApplicableError("the gradient-step picture is made for runs with augmented tokens")
    states, W = ckpt.process.sample(1, seed, torch.float64)
    inputs = states[:, :-1]
    n = inputs.shape[1] - 1
    gamma = model_update(ckpt.model, inputs).current[0, n].astype(np.float64)
    gd = best_gd_eta(ckpt.process)[n] * gd_sums(inputs)[0, n].numpy()
    s_n = inputs[0, n].numpy()
    model_pred, gd_pred = gamma @ s_n, gd @ s_n
    cosine = float(model_pred @ gd_pred / max(np.linalg.norm(model_pred) * np.linalg.norm(gd_pred), 1e-300))
    return GDStep(gamma, gd, W[0].numpy(), cosine)


@dataclass(frozen=True)
class HeadsStep:
    """Step 4. ``cosines`` (H, H): how much each pair of heads points the same way (the first circuit of
    structure.head_orthogonality: ``A`` for diagonal heads, ``W_QK`` for full ones); ``score``: mean |cosine|
    between different heads."""

    circuit: str
    cosines: np.ndarray
    score: float

    @property
    def n_heads(self) -> int:
        return len(self.cosines)


def heads_step(ckpt: Checkpoint) -> HeadsStep:
    scores = head_orthogonality(ckpt.model)
    circuit = next(iter(scores))
    return HeadsStep(circuit, scores[circuit].cosines, scores[circuit].score)


@dataclass(frozen=True)
class PositionsStep:
    """Step 5. ``profile``: the last used row of the positional weights (structure.pe_profile) against
    position, and ``fitted`` its best single cosine (structure.fit_cosine); r2, period (positions),
    well_described as in structure.CosineFit."""

    profile: np.ndarray
    fitted: np.ndarray
    r2: float
    period: float
    well_described: bool

    def frame(self, learned: str, cosine: str) -> pd.DataFrame:
        t = np.arange(len(self.profile), dtype=float)
        return pd.concat([pd.DataFrame({"x": t, "y": self.profile, "series": learned}),
                          pd.DataFrame({"x": t, "y": self.fitted, "series": cosine})], ignore_index=True)


def positions_step(ckpt: Checkpoint) -> PositionsStep:
    profile = pe_profile(ckpt.model)
    fit = fit_cosine(profile)
    return PositionsStep(profile, fit.predict(np.arange(len(profile))), fit.r2, fit.period, fit.well_described)
