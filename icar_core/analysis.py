"""The model's in-context update against one explicit gradient-descent step on the same context.

All functions take a model and states ``(batch, n, d)`` (``s_0 … s_{n-1}``; the prediction at the
last position is the one compared) and return numpy arrays or pandas DataFrames.

The GD reference is the task's best single step, ``W_GD = η_n Σ_{t=1..n} s_t s_{t-1}ᵀ`` with
``η_n`` fitted to the *truth* (:func:`best_gd_eta`), so it does not depend on the model. The
model's own step size (``η`` that best maps ``Σ s_t s_{t-1}ᵀ`` onto its update) is reported too.

For ``augmented`` models the update is exact (the closed-form block of ``M_n``); for other kinds it
is the Jacobian of the prediction with respect to the current state, a local linearisation.
Head structure and positional encodings live in :mod:`icar_core.structure`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd
import torch

from icar_core.config import ANALYSIS_CHUNK_CONTEXTS
from icar_core.data import ARProcess
from icar_core.errors import NotApplicableError
from icar_core.models import AugmentedLinearAttention, ICARModel, ModelUpdate
from icar_core.stats import column_estimates
from icar_core.theory import fit_gd_eta, gd_directions, gd_sums, gram_sums

GD_FIT_CONTEXTS = 8192
GD_FIT_SEED = 424242
#: Gram matrices better conditioned than this are inverted by Cholesky in :func:`least_squares_maps`.
LS_CHOLESKY_MAX_CONDITION = 1e6


def model_update(model: ICARModel, states: torch.Tensor, last_only: bool = False) -> ModelUpdate:
    """The model's in-context update and prediction at every position, or the last one
    (``ICARModel.in_context_update``), for validated ``states`` (batch, n, d), as float64 numpy arrays."""
    update = model.in_context_update(_as_input(model, states), last_only)
    return ModelUpdate(*(a.double().numpy() for a in (update.current, update.previous, update.prediction)),
                       update.exact)


def _as_input(model: ICARModel, states: torch.Tensor) -> torch.Tensor:
    states = torch.as_tensor(states)
    dtype = next(model.parameters()).dtype
    if states.ndim != 3 or states.shape[-1] != model.d:
        raise ValueError(f"states must have shape (batch, n, {model.d}); got {tuple(states.shape)}")
    if not torch.isfinite(states).all():
        raise ValueError("states contain NaN or infinite values")
    return states.to(dtype)


@lru_cache(maxsize=32)
def best_gd_eta(process: ARProcess, n_contexts: int = GD_FIT_CONTEXTS, seed: int = GD_FIT_SEED) -> np.ndarray:
    """The task's best GD step size per context length, η_n (T,), fitted on a large fresh sample."""
    states, _ = process.sample(n_contexts, seed, torch.float64)
    eta = fit_gd_eta(states, per_position=True).numpy()
    eta.setflags(write=False)  # shared by every caller through the cache
    return eta


# Position-wise helpers: arrays are (batch, positions, ...), reduced over the trailing axes to (batch, positions).
def _sq(a: np.ndarray) -> np.ndarray:
    """Squared norm over the trailing axes."""
    return _dot(a, a)


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = a.reshape(*a.shape[:2], -1), b.reshape(*b.shape[:2], -1)
    return np.einsum("bnk,bnk->bn", a, b)


def _ratio(num: np.ndarray, den: np.ndarray, undefined: float) -> np.ndarray:
    """``num / den``, and ``undefined`` where ``den`` is 0."""
    return np.where(den > 0, num / np.where(den > 0, den, 1), undefined)


def _apply(M: np.ndarray, s: np.ndarray) -> np.ndarray:
    """``M s`` for maps (batch, positions, d, d) and states (batch, positions, d)."""
    return np.einsum("bnij,bnj->bni", M, s)


def least_squares_maps(G: np.ndarray, H: np.ndarray) -> np.ndarray:
    """``W_LS = G_n H_n⁺`` at every position: the least-squares fit of ``s_t ≈ W s_{t-1}`` on the context so
    far (``G``, ``H`` from :func:`icar_core.theory.gd_sums` and :func:`icar_core.theory.gram_sums`, each
    (batch, n, d, d)); the minimum-norm fit while the context is shorter than d.

    ``H⁺`` is ``H⁻¹`` from a Cholesky factor wherever that is safe (a bound on the condition number below
    :data:`LS_CHOLESKY_MAX_CONDITION`: there the pseudo-inverse keeps every eigenvalue, so both agree to
    round-off times the condition), and the eigendecomposition's pseudo-inverse elsewhere (an eigendecomposition
    of each of 25,000 small matrices took half a second).
    """
    H = torch.as_tensor(H)
    flat = H.reshape(-1, *H.shape[-2:])
    factor, info = torch.linalg.cholesky_ex(flat)
    factor[info != 0] = torch.eye(H.shape[-1], dtype=H.dtype)  # not positive definite: left to pinv below
    inverse = torch.cholesky_inverse(factor)
    # ||H||_F ||H⁻¹||_F bounds the 2-norm condition number from above.
    condition = torch.linalg.matrix_norm(flat) * torch.linalg.matrix_norm(inverse)
    unsafe = (info != 0) | ~(condition < LS_CHOLESKY_MAX_CONDITION)
    if unsafe.any():
        inverse[unsafe] = torch.linalg.pinv(flat[unsafe], hermitian=True)
    return G @ inverse.reshape(H.shape).numpy()


@dataclass(frozen=True)
class _Prepared:
    """Everything both comparisons need at the compared positions (each array: batch, positions, ...)."""

    positions: np.ndarray  # (m,): the context lengths n compared
    states: np.ndarray  # s_n
    targets: np.ndarray  # s_{n+1}
    update: ModelUpdate  # the model's blocks and prediction at those positions
    G: np.ndarray  # Σ_{t<=n} s_t s_{t-1}ᵀ
    H: np.ndarray  # Σ_{t<=n} s_{t-1} s_{t-1}ᵀ
    eta: np.ndarray  # (m,)

    @cached_property
    def W_GD(self) -> np.ndarray:
        return self.eta[:, None, None] * self.G

    @cached_property
    def W_LS(self) -> np.ndarray:
        return least_squares_maps(self.G, self.H)


def _step_sizes(states: torch.Tensor, eta: np.ndarray | float | None, process: ARProcess | None) -> np.ndarray:
    """η_n for the contexts ``states`` (batch, n+1, d): as given, else the task's best (from ``process``), else
    fitted on ``states``."""
    n = states.shape[1] - 1
    if eta is None:
        eta = best_gd_eta(process) if process is not None else fit_gd_eta(states.double()).numpy()
    eta = np.asarray(eta, dtype=np.float64)
    if eta.ndim == 0:
        eta = np.full(n, float(eta))
    if len(eta) < n:
        raise ValueError(f"eta has {len(eta)} entries but the contexts have {n} positions")
    return eta


def _prepare(model: ICARModel, states: torch.Tensor, eta: np.ndarray, last_only: bool = False) -> _Prepared:
    """Validated states ``s_0 … s_n`` split into the model's inputs (s_0 … s_{n-1}) and targets (s_1 … s_n),
    and everything both comparisons need at every position 1 … n−1, or at the last alone (``last_only``)."""
    inputs, targets = states[:, :-1], states[:, 1:]
    n = inputs.shape[1]
    update = model_update(model, inputs, last_only)
    positions = np.array([n - 1]) if last_only else np.arange(1, n)
    if not last_only:  # position 0 has seen no transition: nothing to compare
        update = ModelUpdate(update.current[:, 1:], update.previous[:, 1:], update.prediction[:, 1:], update.exact)
    x = inputs.double()
    # The cumulative sums even at the last position alone: a short context's H is singular, and its
    # pseudo-inverse must see the same rounding whichever comparison asks.
    return _Prepared(positions, x[:, positions].numpy(), targets.double()[:, positions].numpy(), update,
                     gd_sums(x)[:, positions].numpy(), gram_sums(x)[:, positions].numpy(), eta[positions])


def _position_metrics(prep: _Prepared, W: np.ndarray | None) -> dict[str, np.ndarray]:
    """Per-context metrics at each compared position, (batch, positions) each."""
    gamma, gamma_prev, model_prediction = prep.update.current, prep.update.previous, prep.update.prediction
    W_GD, W_LS, s_n, targets = prep.W_GD, prep.W_LS, prep.states, prep.targets
    gd_prediction = _apply(W_GD, s_n)
    # Squared norms and inner products formed once; the sensitivity to the whole query token (gamma,
    # gamma_prev) against (W_GD, 0) is made of the same pieces, so neither pair is concatenated.
    gamma2, prev2, gd2, cross = _sq(gamma), _sq(gamma_prev), _sq(W_GD), _dot(gamma, W_GD)
    update_diff2 = _sq(gamma - W_GD)
    metrics = {
        "update_rel_error": _ratio(np.sqrt(update_diff2), np.sqrt(gd2), np.nan),
        "update_cosine": _ratio(cross, np.sqrt(gamma2 * gd2), 0.0),
        "previous_block_share": np.sqrt(prev2) / np.maximum(np.sqrt(gamma2), 1e-300),
        "prediction_diff": np.sqrt(_sq(model_prediction - gd_prediction)),
        "prediction_cosine": _ratio(_dot(model_prediction, gd_prediction),
                                    np.sqrt(_sq(model_prediction) * _sq(gd_prediction)), 0.0),
        "sensitivity_cosine": _ratio(cross, np.sqrt((gamma2 + prev2) * gd2), 0.0),
        "sensitivity_l2": np.sqrt(update_diff2 + prev2),
        "model_eta": _dot(prep.G, gamma) / np.maximum(_sq(prep.G), 1e-300),
        "gd_eta": np.broadcast_to(prep.eta, gamma2.shape).copy(),
        "model_error": _sq(model_prediction - targets),
        "gd_error": _sq(gd_prediction - targets),
        "ls_error": _sq(_apply(W_LS, s_n) - targets),
        "zero_error": _sq(targets),
    }
    if W is not None:
        W = W[:, None]  # the same truth at every position
        W_norm = np.sqrt(_sq(W))
        for name, estimate in (("model_W_error", gamma), ("gd_W_error", W_GD), ("ls_W_error", W_LS)):
            metrics[name] = _ratio(np.sqrt(_sq(estimate - W)), W_norm, np.nan)
        metrics["truth_error"] = _sq(np.einsum("bij,bnj->bni", W[:, 0], s_n) - targets)
    return metrics


@dataclass(frozen=True)
class GDComparison:
    """The model against one GD step and least squares on each context, at the last position n.

    metrics: one row per context (see :func:`compare_with_gd`); gamma, gamma_previous: the model's update
    (batch, d, d) — the blocks acting on ``s_n`` and ``s_{n-1}``, exact or a labelled local linearisation
    (``exact``); W_GD = ``eta · Σ s_t s_{t-1}ᵀ``; W_LS: the least-squares fit on the context
    (:func:`least_squares_maps`); model_prediction, gd_prediction, ls_prediction (batch, d) of ``s_{n+1}``.
    """

    metrics: pd.DataFrame
    gamma: np.ndarray
    gamma_previous: np.ndarray
    W_GD: np.ndarray
    W_LS: np.ndarray
    eta: float
    model_prediction: np.ndarray
    gd_prediction: np.ndarray
    ls_prediction: np.ndarray
    exact: bool
    position: int


def compare_with_gd(model: ICARModel, states: torch.Tensor, W: torch.Tensor | None = None,
                    eta: np.ndarray | float | None = None, process: ARProcess | None = None) -> GDComparison:
    """The model's update and prediction against one GD step and least squares, at the last position.

    ``states`` (batch, n+1, d) hold ``s_0 … s_n`` — the model predicts ``s_n`` from ``s_0 … s_{n-1}``.
    ``eta``: GD step size per position (default: the task's best, from ``process``, else fitted on
    ``states``). ``W`` (batch, d, d): the true rules, for errors against the truth.
    Metric columns: update_rel_error, update_cosine (``Gamma_model`` vs ``W_GD``), previous_block_share
    (norm of the ``s_{t-1}`` block relative to the ``s_t`` block), prediction_diff,
    prediction_cosine, sensitivity_cosine and sensitivity_l2 (von Oswald et al.'s three, with
    the sensitivity to the whole query token), model_eta, gd_eta; model_error, gd_error, ls_error and
    zero_error (squared error against ``s_{n+1}`` of the model, the GD step, least squares and predicting 0);
    with ``W``: model_W_error, gd_W_error, ls_W_error (relative distance of each map to W) and truth_error.
    """
    states = _as_input(model, states)
    prep = _prepare(model, states, _step_sizes(states, eta, process), last_only=True)
    W_np = None if W is None else torch.as_tensor(W).double().numpy()
    metrics = pd.DataFrame({name: v[:, 0] for name, v in _position_metrics(prep, W_np).items()})
    W_GD, W_LS = prep.W_GD[:, 0], prep.W_LS[:, 0]
    s_n = prep.states[:, 0]
    return GDComparison(metrics, prep.update.current[:, 0], prep.update.previous[:, 0], W_GD, W_LS,
                        float(prep.eta[0]), prep.update.prediction[:, 0], np.einsum("bij,bj->bi", W_GD, s_n),
                        np.einsum("bij,bj->bi", W_LS, s_n), prep.update.exact, int(prep.positions[0]))


#: Resamples behind each band of :func:`gd_curve` (one band per position and series: over a hundred of them).
CURVE_RESAMPLES = 500
#: Entries of one (contexts, positions, d, d) array in a block of :func:`gd_curve`'s contexts (a megabyte).
CURVE_BLOCK_ELEMENTS = 2**17
#: The mean squared errors :func:`gd_curve` reports, from the per-context errors of :func:`compare_with_gd`.
LOSS_SERIES = {"model_loss": "model_error", "gd_loss": "gd_error", "ls_loss": "ls_error", "truth_loss": "truth_error"}


def gd_curve(model: ICARModel, states: torch.Tensor, W: torch.Tensor | None = None,
             eta: np.ndarray | float | None = None, process: ARProcess | None = None) -> pd.DataFrame:
    """The :func:`compare_with_gd` metrics against context length ``n = 1 … T−1``.

    One row per position: medians over contexts of every metric, and the means of the squared errors with
    their 95% intervals (``model_loss``, ``gd_loss``, ``ls_loss``, ``truth_loss`` and ``*_low``/``*_high``:
    how prediction improves with more context).
    """
    states = _as_input(model, states)
    eta = _step_sizes(states, eta, process)
    W_np = None if W is None else torch.as_tensor(W).double().numpy()
    # A few contexts at a time: every (contexts, positions, d, d) array of a block stays in cache.
    block = max(1, CURVE_BLOCK_ELEMENTS // (states.shape[1] * model.d**2))
    parts = [_position_metrics(_prepare(model, states[start : start + block], eta),
                               None if W_np is None else W_np[start : start + block])
             for start in range(0, len(states), block)]
    metrics = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    frame_positions = np.arange(1, states.shape[1] - 1)
    columns = {"n": frame_positions} | {name: np.median(v, axis=0) for name, v in metrics.items()}
    # One bootstrap for every position and series: the same resampled contexts as one estimate at a time.
    losses = [loss for loss, error in LOSS_SERIES.items() if error in metrics]
    estimates = column_estimates(np.concatenate([metrics[LOSS_SERIES[loss]] for loss in losses], axis=1),
                                 resamples=CURVE_RESAMPLES)
    for k, loss in enumerate(losses):
        series = estimates[k * len(frame_positions) : (k + 1) * len(frame_positions)]
        columns |= {loss: [e.value for e in series], f"{loss}_low": [e.low for e in series],
                    f"{loss}_high": [e.high for e in series]}
    frame = pd.DataFrame(columns)  # built once: each added column cost pandas ~10 ms
    frame.attrs.update(exact=model.exact_update, contexts=len(states))
    return frame


@dataclass(frozen=True)
class LossSample:
    """Per-context squared errors on fresh contexts.

    ``model_by_position``, ``gd_by_position`` (n_contexts, T−1): the model's and the task's best single GD
    step's errors at positions 1 … T−1; ``own_step`` (n_contexts,): at the last position, the model's own step
    ``c·c_n·Σ s_t s_{t-1}ᵀ`` of a one-head block run, else None. (Least squares and predicting 0 need no such
    sample: :func:`compare_with_gd` gives them.)
    """

    model_by_position: np.ndarray
    gd_by_position: np.ndarray
    own_step: np.ndarray | None

    # At the last position, and summed over positions 1 … T−1.
    model = property(lambda self: self.model_by_position[:, -1])
    gd = property(lambda self: self.gd_by_position[:, -1])
    model_all = property(lambda self: self.model_by_position.sum(1))
    gd_all = property(lambda self: self.gd_by_position.sum(1))


def loss_sample(model: ICARModel, process: ARProcess, n_contexts: int, seed: int, own_scale: float | None = None,
                chunk: int = ANALYSIS_CHUNK_CONTEXTS) -> LossSample:
    """:class:`LossSample` on ``n_contexts`` fresh contexts of ``process`` (the units of
    :func:`icar_core.models.prediction_loss`). ``own_scale``: the model's own step factor ``c·c_n`` at the
    last position, for block runs."""
    eta = torch.tensor(best_gd_eta(process))
    states, _ = process.sample(n_contexts, seed, torch.float64)
    dtype = next(model.parameters()).dtype
    model_errors, gd_errors, own_errors = [], [], []
    for part in states.split(chunk):
        inputs, targets = part[:, :-1], part[:, 1:]
        with torch.no_grad():
            predictions = model(inputs.to(dtype)).double()
        directions = gd_directions(inputs)
        model_errors.append((predictions - targets)[:, 1:].pow(2).sum(-1).numpy())
        gd_errors.append((eta[: inputs.shape[1], None] * directions - targets)[:, 1:].pow(2).sum(-1).numpy())
        if own_scale is not None:
            own_errors.append(((own_scale * directions[:, -1] - targets[:, -1]) ** 2).sum(-1).numpy())
    return LossSample(np.concatenate(model_errors), np.concatenate(gd_errors),
                      np.concatenate(own_errors) if own_errors else None)


def fit_preconditioner(G: np.ndarray, gamma: np.ndarray) -> tuple[np.ndarray, float]:
    """Secondary reference: the ``d×d`` matrix ``P`` minimising ``Σ ||Gamma − G P||_F²`` over contexts.

    ``G``, ``gamma`` (batch, d, d). Returns ``P`` and the relative error ``||Gamma − G P|| / ||Gamma||``.
    """
    lhs = np.einsum("bki,bkj->ij", G, G)
    rhs = np.einsum("bki,bkj->ij", G, gamma)
    P = np.linalg.lstsq(lhs, rhs, rcond=None)[0]
    residual = gamma - G @ P
    return P, float(np.linalg.norm(residual) / max(np.linalg.norm(gamma), 1e-300))


@dataclass(frozen=True)
class GaugeView:
    """The gauge-invariant picture of a block-structured augmented model (one head).

    preconditioner: ``V_blk · (K_blkᵀ Q_blk)`` (d, d); c, rel_error: its best ``c·I`` fit;
    V_commutator, KQ_commutator: relative size of the part of ``V_blk`` and ``K_blkᵀ Q_blk`` that
    does not commute with the W family (0 = each 2×2 block in the basis of ``Q`` is a scaled
    rotation); V_angles, KQ_angles: the rotation angle of each 2×2 block (radians).
    """

    preconditioner: np.ndarray
    c: float
    rel_error: float
    V_commutator: float
    KQ_commutator: float
    V_angles: np.ndarray
    KQ_angles: np.ndarray


def gauge_view(model: ICARModel, process: ARProcess) -> GaugeView:
    """See :class:`GaugeView`. Needs a one-head ``structure="block"`` augmented model."""
    if not isinstance(model, AugmentedLinearAttention) or model.config.structure != "block":
        raise NotApplicableError("the gauge-invariant view needs an augmented run with block structure "
                                 "(value, key and query blocks); this run has none")
    if model.config.n_heads != 1:
        raise NotApplicableError(f"the gauge-invariant view needs one head; this run has {model.config.n_heads}")
    Q = process.basis_matrix(torch.float64).numpy()
    V = model.V_blk.detach().double()[0].numpy()
    KQ = (model.K_blk.detach().double()[0].T @ model.Q_blk.detach().double()[0]).numpy()
    preconditioner = V @ KQ
    c = float(np.trace(preconditioner) / len(preconditioner))
    rel = float(np.linalg.norm(preconditioner - c * np.eye(len(preconditioner))) / np.linalg.norm(preconditioner))
    V_res, V_angles = commuting_part(Q.T @ V @ Q)
    KQ_res, KQ_angles = commuting_part(Q.T @ KQ @ Q)
    return GaugeView(preconditioner, c, rel, V_res, KQ_res, V_angles, KQ_angles)


def commuting_part(M: np.ndarray) -> tuple[float, np.ndarray]:
    """Relative distance of ``M`` (in the family's basis) to block-diagonal scaled rotations, and the
    angle of each 2×2 block. Matrices commuting with every rotation-block ``W`` have exactly that form."""
    d = len(M)
    projected = np.zeros_like(M)
    angles = []
    for k in range(d // 2):
        blk = M[2 * k : 2 * k + 2, 2 * k : 2 * k + 2]
        a, b = (blk[0, 0] + blk[1, 1]) / 2, (blk[1, 0] - blk[0, 1]) / 2
        projected[2 * k : 2 * k + 2, 2 * k : 2 * k + 2] = [[a, -b], [b, a]]
        angles.append(np.arctan2(b, a))
    if d % 2:
        projected[-1, -1] = M[-1, -1]
    return float(np.linalg.norm(M - projected) / max(np.linalg.norm(M), 1e-300)), np.array(angles)
