"""Stress test: any run against least squares, ridge, one GD step and "repeat the last state", under shifts.

A :class:`Shift` moves the run's own process (``ckpt.process``) out of distribution: the transition noise σ
and the angle range μ are :class:`~icar_core.data.ARProcess` fields and go through it unchanged (``noise`` is
the process's own transition noise ``s_{t+1} = W s_t + σ ε``, the same noise training uses); the W family
switches between ``commuting`` rotation blocks and Haar ``orthogonal``; the two that ARProcess has no field for
are applied to its draws in :func:`sample_shifted`: ``s0_scale`` multiplies ``s_0`` *before* the rollout (so
noise keeps its σ), and a seeded random orthogonal ``Q`` changes basis (``W → Q W Qᵀ``, ``s_0 → Q s_0``: the
states become ``Q s_t`` with isotropic noise, whatever the family).

Every baseline predicts ``s_{n+1}`` from ``s_0 … s_n`` at each position n = 1 … T−1 (the positions of
:func:`icar_core.models.prediction_loss`): one GD step ``η_n G_n s_n`` with η_n fitted per length, ridge
``G_n (H_n + λ_n I)⁻¹ s_n`` with λ_n chosen per length, least squares ``G_n H_n⁺ s_n``
(:func:`icar_core.analysis.least_squares_maps`) and ``s_n`` itself. η_n and λ_n are chosen on as many
contexts of the *shifted* process as are scored, drawn with a seed of their own (:data:`FIT_SEED`), never on
the contexts they are scored on.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from icar_core.analysis import CURVE_RESAMPLES, least_squares_maps
from icar_core.config import ANALYSIS_CHUNK_CONTEXTS
from icar_core.data import MAX_SEED, W_DISTRIBUTIONS, ARProcess, haar_orthogonal, rollout
from icar_core.findings import Verdict
from icar_core.models import ICARModel
from icar_core.stats import Estimate, column_estimates, mean_estimate
from icar_core.theory import fit_gd_eta, gd_directions, gd_sums, gram_sums
from icar_core.validation import check_choice, check_int, check_number

#: Contexts the curves are measured on (the n shown on the page) at most and at least, and their seed; larger runs
#: get fewer (a power of two, see :func:`stress_contexts`) so that the page stays interactive.
STRESS_CONTEXTS = 1024
MIN_STRESS_CONTEXTS = 256
STRESS_SEED = 31337
#: Work (attention-pattern entries and d³ per position of each context) the default sample may cost.
STRESS_WORK = 6e7
#: η_n and λ_n are chosen on as many separate contexts, drawn with this seed.
FIT_SEED = 271828
#: Ridge's λ_n is chosen from these multiples of the mean squared state length of the fit contexts (so the grid
#: follows a change of the scale of s_0).
RIDGE_GRID = tuple(10.0**k for k in range(-8, 3))
#: Bounds of the shifts a user may choose (far outside the shipped runs' training, inside what stays finite).
MAX_NOISE = 2.0
MAX_MU = 1000.0
S0_SCALE_RANGE = (0.01, 10.0)
MAX_STRESS_CONTEXTS = 16_384

#: The curves' series, in legend order.
SERIES = ("model", "gd", "ridge", "ls", "repeat")


@dataclass(frozen=True)
class Shift:
    """What changes from the run's own process. ``noise`` σ and ``mu`` (None: the run's), ``w_dist`` (None: the
    run's), ``s0_scale`` (1: unchanged) and ``basis_seed`` (None: no basis change; else the seed of ``Q``)."""

    noise: float | None = None
    mu: float | None = None
    w_dist: str | None = None
    s0_scale: float = 1.0
    basis_seed: int | None = None

    def __post_init__(self) -> None:
        if self.noise is not None:
            check_number("noise σ", self.noise, 0.0, strict=False, high=MAX_NOISE)
        if self.mu is not None:
            check_number("μ", self.mu, 0.0, strict=True, high=MAX_MU)
        if self.w_dist is not None:
            check_choice("W family", self.w_dist, W_DISTRIBUTIONS)
        low, high = S0_SCALE_RANGE
        check_number("scale of s_0", self.s0_scale, low, strict=False, high=high)
        if self.basis_seed is not None:
            check_int("basis seed", self.basis_seed, 0, MAX_SEED)

    def process(self, base: ARProcess) -> ARProcess:
        """The run's process with this shift's ARProcess fields replaced."""
        changes = {k: v for k, v in (("noise", self.noise), ("mu", self.mu), ("w_dist", self.w_dist)) if v is not None}
        return dataclasses.replace(base, **changes)


def has_mu(process: ARProcess) -> bool:
    """Whether μ means anything for ``process``: only commuting rotations draw angles from [0, 2π/μ)."""
    return process.w_dist == "commuting" and process.d >= 2


def sample_shifted(base: ARProcess, shift: Shift, n_contexts: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``n_contexts`` contexts (n_contexts, T+1, d) of the shifted process and their W (float64).

    The draws are :meth:`ARProcess.sample`'s, in the same order (so the null shift gives exactly its contexts),
    with ``s_0`` scaled before the rollout and, with a basis seed, W and s_0 turned by Q.
    """
    check_int("contexts", n_contexts, 1, MAX_STRESS_CONTEXTS)
    process = shift.process(base)
    generator = torch.Generator().manual_seed(int(seed))
    W = process.sample_W(n_contexts, generator, torch.float64)
    s0 = process.sample_s0(n_contexts, generator, torch.float64) * shift.s0_scale
    if shift.basis_seed is not None:
        Q = haar_orthogonal(1, process.d, torch.Generator().manual_seed(shift.basis_seed), torch.float64)[0]
        W, s0 = Q @ W @ Q.T, s0 @ Q.T
    return rollout(W, s0, process.T, process.noise, generator), W


# ---------------------------------------------------------------------------------------------- baselines


def ridge_predictions(G: torch.Tensor, H: torch.Tensor, states: torch.Tensor, lam: torch.Tensor) -> torch.Tensor:
    """Ridge's predictions ``G_n (H_n + λ I)⁻¹ s_n`` (k, batch, n, d) for every λ in ``lam`` (k,), or (batch, n, d)
    for one λ_n per position (``lam`` (n,)). ``G``, ``H`` (batch, n, d, d), ``states`` (batch, n, d); λ > 0.

    One eigendecomposition ``H = U diag(e) Uᵀ`` serves every λ: ``(H + λI)⁻¹ = U diag(1 / (e + λ)) Uᵀ``.
    """
    lam = torch.as_tensor(lam, dtype=H.dtype)
    e, U = torch.linalg.eigh(H)
    GU = G @ U
    coordinates = torch.einsum("bnji,bnj->bni", U, states)  # Uᵀ s_n
    scaled = coordinates / (e.clamp(min=0) + lam[..., None])  # (k, batch, n, d), or (batch, n, d) per position
    return torch.einsum("bnij,...bnj->...bni", GU, scaled)


def choose_ridge(fit_states: torch.Tensor) -> np.ndarray:
    """λ_n (T,) per position: the :data:`RIDGE_GRID` multiple of the mean squared state length that gives the
    smallest mean squared error on ``fit_states`` (batch, T+1, d)."""
    inputs, targets = fit_states[:, :-1], fit_states[:, 1:]
    scale = float(inputs.pow(2).sum(-1).mean())
    grid = torch.tensor(RIDGE_GRID, dtype=inputs.dtype) * scale
    predictions = ridge_predictions(gd_sums(inputs), gram_sums(inputs), inputs, grid[:, None, None])
    errors = (predictions - targets).pow(2).sum(-1).mean(1)  # (grid, T)
    return grid[errors.argmin(0)].numpy()


@dataclass(frozen=True)
class Fitted:
    """The baselines' choices for one shifted process: η_n and λ_n (T,), chosen on ``contexts`` separate contexts."""

    eta: np.ndarray
    ridge: np.ndarray
    contexts: int


def fit_states(base: ARProcess, shift: Shift, n_contexts: int) -> torch.Tensor:
    """The contexts η_n and λ_n are chosen on: ``n_contexts`` of the shifted process, seeded :data:`FIT_SEED`."""
    return sample_shifted(base, shift, n_contexts, FIT_SEED)[0]


def fit_baselines(base: ARProcess, shift: Shift, n_contexts: int) -> Fitted:
    states = fit_states(base, shift, n_contexts)
    return Fitted(fit_gd_eta(states, per_position=True).numpy(), choose_ridge(states), n_contexts)


def stress_contexts(model: ICARModel, process: ARProcess) -> int:
    """The default n: :data:`STRESS_CONTEXTS`, fewer (down to :data:`MIN_STRESS_CONTEXTS`) where a context costs
    more than :data:`STRESS_WORK` allows (attention patterns of every head, and the d×d solves of the baselines)."""
    T, d = process.T, process.d
    per_context = T * (model.n_heads * T * d + d**3)
    affordable = max(MIN_STRESS_CONTEXTS, int(STRESS_WORK // per_context))
    return min(STRESS_CONTEXTS, 2 ** int(np.log2(affordable)))


def squared_errors(model: ICARModel, states: torch.Tensor, fitted: Fitted,
                   chunk: int = ANALYSIS_CHUNK_CONTEXTS) -> dict[str, np.ndarray]:
    """Per-context squared errors (n_contexts, T−1) at positions 1 … T−1 of every series in :data:`SERIES`,
    computed :data:`~icar_core.config.ANALYSIS_CHUNK_CONTEXTS` contexts at a time."""
    dtype = next(model.parameters()).dtype
    eta = torch.as_tensor(fitted.eta)
    lam = torch.as_tensor(fitted.ridge)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in SERIES}
    for part in states.double().split(chunk):
        inputs, targets = part[:, :-1], part[:, 1:]
        n = inputs.shape[1]
        G, H = gd_sums(inputs), gram_sums(inputs)
        with torch.no_grad():
            model_prediction = model(inputs.to(dtype)).double()
        predictions = {
            "model": model_prediction,
            "gd": eta[:n, None] * gd_directions(inputs),
            "ridge": ridge_predictions(G, H, inputs, lam[:n]),
            "ls": torch.einsum("bnij,bnj->bni", torch.as_tensor(least_squares_maps(G.numpy(), H.numpy())), inputs),
            "repeat": inputs,
        }
        for name, prediction in predictions.items():
            parts[name].append((prediction - targets)[:, 1:].pow(2).sum(-1).numpy())
    return {name: np.concatenate(chunks) for name, chunks in parts.items()}


# ---------------------------------------------------------------------------------------------- verdict


@dataclass(frozen=True)
class StressThresholds:
    """The model "tracks one GD step" at a context length when the whole 95% interval of its mean squared error
    over GD's lies within ``1 ± track_tolerance``, and "breaks" there when the whole interval lies above
    ``1 + track_tolerance`` (worse than one GD step)."""

    track_tolerance: float = 0.10


THRESHOLDS = StressThresholds()
#: How a position is judged (see :class:`StressThresholds`).
STATUSES = ("tracks", "worse", "better", "unresolved")


def position_status(ratio: Estimate, tolerance: float = THRESHOLDS.track_tolerance) -> str:
    if ratio.inside(1 - tolerance, 1 + tolerance):
        return "tracks"
    if ratio.low > 1 + tolerance:
        return "worse"
    if ratio.high < 1 - tolerance:
        return "better"
    return "unresolved"


def ranges(positions: list[int]) -> str:
    """``[1, 2, 3, 7, 9, 10]`` -> ``"1–3, 7, 9–10"``; empty -> ``""``."""
    out: list[str] = []
    for n in positions:
        if out and int(out[-1].split("–")[-1]) == n - 1:
            out[-1] = f"{out[-1].split('–')[0]}–{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


@dataclass(frozen=True)
class StressResult:
    """The stress test of one run under one shift.

    curves: one row per position ``n`` with ``<series>``, ``<series>_low``, ``<series>_high`` (mean squared
    error and its 95% interval over contexts) for every :data:`SERIES`, and ``ratio``, ``ratio_low``,
    ``ratio_high`` (model / GD, paired bootstrap) and ``status`` (:data:`STATUSES`);
    last: the estimates at the last position, by series and for the excess of the model and of GD over least
    squares (``model_minus_ls``, ``gd_minus_ls``, paired per context); fitted: η_n, λ_n; contexts: the n.
    """

    curves: pd.DataFrame
    last: dict[str, Estimate]
    fitted: Fitted
    contexts: int
    verdict: Verdict


def stress_test(model: ICARModel, base: ARProcess, shift: Shift, n_contexts: int | None = None,
                seed: int = STRESS_SEED) -> StressResult:
    """Mean squared next-state error against context length of the model and every baseline under ``shift``, on
    ``n_contexts`` contexts (default :func:`stress_contexts`)."""
    n_contexts = stress_contexts(model, base) if n_contexts is None else n_contexts
    fitted = fit_baselines(base, shift, n_contexts)
    states, _ = sample_shifted(base, shift, n_contexts, seed)
    errors = squared_errors(model, states, fitted)
    curves = pd.DataFrame({"n": np.arange(1, errors["model"].shape[1] + 1)})
    for name in SERIES:
        estimates = column_estimates(errors[name], resamples=CURVE_RESAMPLES)
        curves[name], curves[f"{name}_low"], curves[f"{name}_high"] = zip(*((e.value, e.low, e.high)
                                                                             for e in estimates), strict=True)
    # GD is exact at a length where its error is 0 on every context (e.g. d = 1): no ratio means anything there.
    judged = errors["gd"].sum(0) > 0
    ratios = dict(zip(np.flatnonzero(judged), column_estimates(errors["model"][:, judged], errors["gd"][:, judged],
                                                               resamples=CURVE_RESAMPLES), strict=True)) \
        if judged.any() else {}
    nan = Estimate(np.nan, np.nan, np.nan, len(states))
    curves["ratio"], curves["ratio_low"], curves["ratio_high"] = zip(*((r.value, r.low, r.high) for r in (
        ratios.get(k, nan) for k in range(len(curves)))), strict=True)
    curves["status"] = [position_status(ratios[k]) if k in ratios else "unresolved" for k in range(len(curves))]
    last = {name: mean_estimate(errors[name][:, -1]) for name in SERIES}
    last["model_minus_ls"] = mean_estimate(errors["model"][:, -1] - errors["ls"][:, -1])
    last["gd_minus_ls"] = mean_estimate(errors["gd"][:, -1] - errors["ls"][:, -1])
    return StressResult(curves, last, fitted, len(states), judge(curves, last, len(states)))


def judge(curves: pd.DataFrame, last: dict[str, Estimate], contexts: int) -> Verdict:
    """Where the model tracks one GD step, where it breaks, and how far both are from least squares.

    The headline says where it breaks (worse than GD beyond the tolerance), else that it never does; further
    sentences list the lengths where it tracks GD, beats it, or is not resolved at this n, and the distances of
    the model and of GD from least squares at the last length."""
    at = {s: ranges(curves.loc[curves["status"] == s, "n"].tolist()) for s in STATUSES}
    values = {"tolerance": f"{100 * THRESHOLDS.track_tolerance:g}", "contexts": f"{contexts:,}",
              "worse": at["worse"], "last": int(curves["n"].max())}
    if at["worse"]:
        key, good = "stress.verdict.breaks", False
    elif at["tracks"] or at["better"]:
        key, good = "stress.verdict.holds", True
    else:
        key, good = "stress.verdict.unresolved", None
    extra = [(f"stress.verdict.{s}_at", {"positions": at[s], "tolerance": values["tolerance"]})
             for s in ("tracks", "better", "unresolved") if at[s]]
    extra.append(("stress.verdict.ls", {"n": values["last"], "model": last["model"].text(), "gd": last["gd"].text(),
                                        "ls": last["ls"].text(), "model_gap": last["model_minus_ls"].text(),
                                        "gd_gap": last["gd_minus_ls"].text()}))
    return Verdict(key, values, good, tuple(extra))
