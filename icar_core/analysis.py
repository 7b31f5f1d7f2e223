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
from functools import lru_cache

import numpy as np
import pandas as pd
import torch

from icar_core.data import ARProcess, augment
from icar_core.errors import NotApplicableError
from icar_core.models import AugmentedLinearAttention, ICARModel
from icar_core.theory import fit_gd_eta, gd_predictions, gd_sums

GD_FIT_CONTEXTS = 8192
JACOBIAN_ELEMENTS = 2e7  # attention-pattern entries per group of copies in _local_jacobians
GD_FIT_SEED = 424242


@dataclass(frozen=True)
class ModelUpdate:
    """The model's sensitivity to the current token at every position.

    current: ``∂ŝ_{n+1}/∂s_n`` (batch, n, d, d) — for augmented models ``Gamma_model``;
    previous: ``∂ŝ_{n+1}/∂s_{n-1}`` (batch, n, d, d); exact: closed form (True) or local
    linearisation by autograd (False).
    """

    current: np.ndarray
    previous: np.ndarray
    exact: bool


def model_update(model: ICARModel, states: torch.Tensor, last_only: bool = False) -> ModelUpdate:
    """The model's in-context update at every position (see :class:`ModelUpdate`).

    ``last_only``: for the Jacobians of non-augmented models, compute only the last position (the
    other entries stay zero): T times cheaper when only the last prediction is compared.
    """
    states = _as_input(model, states)
    with torch.no_grad():
        if isinstance(model, AugmentedLinearAttention):
            M = model.context_matrices(states)
            d = model.d
            return ModelUpdate(M[..., d : 2 * d].numpy(), M[..., 2 * d :].numpy(), exact=True)
    current, previous = _local_jacobians(model, states, last_only)
    return ModelUpdate(current.numpy(), previous.numpy(), exact=False)


def _local_jacobians(model: ICARModel, states: torch.Tensor,
                      last_only: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """``∂ŝ_{n+1}/∂s_n`` and ``∂ŝ_{n+1}/∂s_{n-1}`` (each (batch, n, d, d)), other states fixed.

    The contexts are repeated once per position and copy k only reads the prediction at position
    k, so d backward passes give every position's Jacobian (a plain sum over positions would mix
    them, because a state influences every later prediction). ``last_only`` keeps one copy; the
    copies are processed in groups so the attention patterns stay within memory.
    """
    batch, n, d = states.shape
    wanted = [n - 1] if last_only else list(range(n))
    pattern_size = batch * n * n * model.config.n_heads  # elements of one copy's attention pattern
    group = max(1, int(JACOBIAN_ELEMENTS // pattern_size))
    current = states.new_zeros(n, batch, d, d)
    previous = states.new_zeros(n, batch, d, d)
    for start in range(0, len(wanted), group):
        positions = wanted[start : start + group]
        x = states.detach().repeat(len(positions), 1, 1).requires_grad_(True)
        y = model(x)
        rows = torch.arange(len(positions) * batch)
        position = torch.tensor(positions).repeat_interleave(batch)
        has_previous = (position > 0).to(x.dtype)[:, None]
        for i in range(d):
            (grad,) = torch.autograd.grad(y[rows, position, i].sum(), x, retain_graph=i < d - 1)
            current[positions, :, i] = grad[rows, position].reshape(len(positions), batch, d)
            previous[positions, :, i] = (grad[rows, (position - 1).clamp(min=0)] * has_previous).reshape(
                len(positions), batch, d)
    return current.transpose(0, 1), previous.transpose(0, 1)


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


def _cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine over the trailing axes of two equally shaped arrays (batch, ...) -> (batch,)."""
    a, b = a.reshape(a.shape[0], -1), b.reshape(b.shape[0], -1)
    den = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.where(den > 0, (a * b).sum(1) / np.where(den > 0, den, 1), 0.0)


def _norm(a: np.ndarray) -> np.ndarray:
    return np.linalg.norm(a.reshape(a.shape[0], -1), axis=1)


def _rel(a: np.ndarray, ref: np.ndarray) -> np.ndarray:
    den = _norm(ref)
    return np.where(den > 0, _norm(a - ref) / np.where(den > 0, den, 1), np.nan)


def _position_metrics(states: np.ndarray, update: ModelUpdate, G: np.ndarray, eta: np.ndarray,
                      predictions: np.ndarray, targets: np.ndarray | None, W: np.ndarray | None,
                      n: int) -> dict[str, np.ndarray]:
    """Per-context metrics at position ``n`` (every array has the batch as first axis)."""
    gamma, gamma_prev = update.current[:, n], update.previous[:, n]
    W_GD = eta[n] * G[:, n]
    s_n = states[:, n]
    gd_prediction = np.einsum("bij,bj->bi", W_GD, s_n)
    model_prediction = predictions[:, n]
    sens_model = np.concatenate([gamma, gamma_prev], axis=-1)
    sens_gd = np.concatenate([W_GD, np.zeros_like(W_GD)], axis=-1)
    G_n = G[:, n].reshape(len(G), -1)
    model_eta = (G_n * gamma.reshape(len(G), -1)).sum(1) / np.maximum((G_n**2).sum(1), 1e-300)
    metrics = {
        "update_rel_error": _rel(gamma, W_GD),
        "update_cosine": _cos(gamma, W_GD),
        "previous_block_share": _norm(gamma_prev) / np.maximum(_norm(gamma), 1e-300),
        "prediction_diff": _norm(model_prediction - gd_prediction),
        "prediction_cosine": _cos(model_prediction, gd_prediction),
        "sensitivity_cosine": _cos(sens_model, sens_gd),
        "sensitivity_l2": _norm(sens_model - sens_gd),
        "model_eta": model_eta,
        "gd_eta": np.full(len(G), eta[n]),
    }
    if targets is not None:
        metrics["model_error"] = _norm(model_prediction - targets[:, n]) ** 2
        metrics["gd_error"] = _norm(gd_prediction - targets[:, n]) ** 2
    if W is not None:
        metrics["model_W_error"] = _rel(gamma, W)
        metrics["gd_W_error"] = _rel(W_GD, W)
        metrics["truth_error"] = _norm(np.einsum("bij,bj->bi", W, s_n) - targets[:, n]) ** 2 \
            if targets is not None else np.zeros(len(G))
    return metrics


def _prepare(model: ICARModel, states: torch.Tensor, eta: np.ndarray | None, process: ARProcess | None,
             last_only: bool = False):
    """Inputs (s_0 … s_{n-1}), targets (s_1 … s_n) and everything both comparisons need."""
    states = _as_input(model, states)
    inputs, targets = states[:, :-1], states[:, 1:]
    if eta is None:
        eta = best_gd_eta(process) if process is not None else fit_gd_eta(states.double()).numpy()
    eta = np.asarray(eta, dtype=np.float64)
    if eta.ndim == 0:
        eta = np.full(inputs.shape[1], float(eta))
    if len(eta) < inputs.shape[1]:
        raise ValueError(f"eta has {len(eta)} entries but the contexts have {inputs.shape[1]} positions")
    update = model_update(model, inputs, last_only)
    if update.exact:  # ŝ_{n+1} = M_n e_n: no attention pattern over all heads is needed
        d = model.d
        e = augment(inputs).double().numpy()
        predictions = (np.einsum("bnij,bnj->bni", update.current, e[..., d : 2 * d])
                       + np.einsum("bnij,bnj->bni", update.previous, e[..., 2 * d :]))
    else:
        with torch.no_grad():
            predictions = model(inputs).double().numpy()
    G = gd_sums(inputs.double()).numpy()
    return inputs.double().numpy(), targets.double().numpy(), update, G, eta, predictions


def compare_with_gd(model: ICARModel, states: torch.Tensor, W: torch.Tensor | None = None,
                    eta: np.ndarray | float | None = None, process: ARProcess | None = None) -> pd.DataFrame:
    """One row per context: the model's update and prediction against one GD step, at the last position.

    ``states`` (batch, n+1, d) hold ``s_0 … s_n`` — the model predicts ``s_n`` from ``s_0 … s_{n-1}``.
    ``eta``: GD step size per position (default: the task's best, from ``process``, else fitted on
    ``states``). ``W`` (batch, d, d): the true rules, for errors against the truth.
    Columns: update_rel_error, update_cosine (``Gamma_model`` vs ``W_GD``), previous_block_share
    (norm of the ``s_{t-1}`` block relative to the ``s_t`` block), prediction_diff,
    prediction_cosine, sensitivity_cosine and sensitivity_l2 (von Oswald et al.'s three, with
    the sensitivity to the whole query token), model_eta, gd_eta, model_error and gd_error
    (squared error against ``s_{n+1}``), and with ``W``: model_W_error, gd_W_error, truth_error.
    ``frame.attrs``: ``exact`` (closed form or local linearisation) and ``kind``.
    """
    inputs, targets, update, G, eta, predictions = _prepare(model, states, eta, process, last_only=True)
    W_np = None if W is None else torch.as_tensor(W).double().numpy()
    frame = pd.DataFrame(_position_metrics(inputs, update, G, eta, predictions, targets, W_np,
                                           inputs.shape[1] - 1))
    frame.attrs.update(exact=update.exact, kind=model.kind, position=inputs.shape[1] - 1)
    return frame


def gd_curve(model: ICARModel, states: torch.Tensor, W: torch.Tensor | None = None,
             eta: np.ndarray | float | None = None, process: ARProcess | None = None) -> pd.DataFrame:
    """The :func:`compare_with_gd` metrics against context length ``n = 1 … T−1``.

    One row per position: medians over contexts of every metric, and means of the squared errors
    (``model_loss``, ``gd_loss``, ``truth_loss``: how prediction improves with more context).
    """
    inputs, targets, update, G, eta, predictions = _prepare(model, states, eta, process)
    W_np = None if W is None else torch.as_tensor(W).double().numpy()
    rows = []
    for n in range(1, inputs.shape[1]):
        metrics = _position_metrics(inputs, update, G, eta, predictions, targets, W_np, n)
        row = {"n": n} | {name: float(np.median(v)) for name, v in metrics.items()}
        row["model_loss"] = float(metrics["model_error"].mean())
        row["gd_loss"] = float(metrics["gd_error"].mean())
        if W_np is not None:
            row["truth_loss"] = float(metrics["truth_error"].mean())
        rows.append(row)
    frame = pd.DataFrame(rows)
    frame.attrs.update(exact=update.exact, kind=model.kind)
    return frame


@dataclass(frozen=True)
class GDVerdict:
    """The headline numbers of the GD comparison of one run (medians over contexts)."""

    loss_ratio: float  # model loss / best-η GD loss at the last position (over loss_contexts)
    loss_ratio_all: float  # the same over positions 1 … T−1
    prediction_cosine: float
    sensitivity_cosine: float
    prediction_diff: float
    update_cosine: float
    update_rel_error: float
    model_W_error: float
    gd_W_error: float
    exact: bool
    n_contexts: int
    loss_contexts: int


def gd_verdict(model: ICARModel, process: ARProcess, n_contexts: int = 512, seed: int = 2024,
               loss_contexts: int = 8192) -> GDVerdict:
    """Compare the model with the task's best GD step on fresh contexts of the run's process.

    The cosines and distances are medians over ``n_contexts``; the loss ratios are means over
    ``loss_contexts`` (from predictions only), because a mean squared error over a few hundred
    contexts moves by several percent from sample to sample.
    """
    states, W = process.sample(n_contexts, seed, torch.float64)
    last = compare_with_gd(model, states, W, process=process)
    ratio_last, ratio_all = gd_loss_ratios(model, process, loss_contexts, seed + 1)
    return GDVerdict(
        loss_ratio=ratio_last,
        loss_ratio_all=ratio_all,
        prediction_cosine=float(last["prediction_cosine"].median()),
        sensitivity_cosine=float(last["sensitivity_cosine"].median()),
        prediction_diff=float(last["prediction_diff"].median()),
        update_cosine=float(last["update_cosine"].median()),
        update_rel_error=float(last["update_rel_error"].median()),
        model_W_error=float(last["model_W_error"].median()),
        gd_W_error=float(last["gd_W_error"].median()),
        exact=bool(last.attrs["exact"]),
        n_contexts=n_contexts,
        loss_contexts=loss_contexts,
    )


def gd_loss_ratios(model: ICARModel, process: ARProcess, n_contexts: int = 8192, seed: int = 2025,
                   chunk: int = 2048) -> tuple[float, float]:
    """Model loss / best-η GD loss on ``n_contexts`` fresh contexts: at the last position, and over
    positions 1 … T−1 (the units of :func:`icar_core.models.prediction_loss`)."""
    eta = best_gd_eta(process)
    states, _ = process.sample(n_contexts, seed, torch.float64)
    dtype = next(model.parameters()).dtype
    model_err = gd_err = 0.0
    for part in states.split(chunk):
        inputs, targets = part[:, :-1], part[:, 1:]
        with torch.no_grad():
            predictions = model(inputs.to(dtype)).double()
        gd = gd_predictions(inputs, torch.tensor(eta))
        model_err = model_err + (predictions - targets)[:, 1:].pow(2).sum(dim=(0, 2))
        gd_err = gd_err + (gd - targets)[:, 1:].pow(2).sum(dim=(0, 2))
    return float(model_err[-1] / gd_err[-1]), float(model_err.sum() / gd_err.sum())


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
