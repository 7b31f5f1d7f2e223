"""Measurements of the authors'-architecture runs (Figures 5 and 7), each with a bootstrap interval and n.

Their models are not linear in the query, so "the model's update" is the Jacobian ``∂ŝ_{n+1}/∂s_n``
(a local linearisation), compared at the last position of fresh contexts with
- ``W_GD = η Σ_{t=1..n} s_t s_{t-1}ᵀ``, one GD step from 0 on ``½ Σ ||s_t − W s_{t-1}||²``;
- the *normalised* GD step: the Jacobian of the GD prediction scaled to unit norm,
  ``ŝ = W_GD s_n / ||W_GD s_n||``, i.e. ``(I − û ûᵀ) W_GD / ||W_GD s_n||``. The states have unit norm and
  the authors' LayerNorm makes the model's predictions nearly so; such a predictor cannot respond along
  its own output, so its Jacobian lacks the radial part that ``W_GD`` has;
- the true ``W``.
Cosines are scale-free, so η drops out of them; it matters only for the GD loss.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from icar_core.analysis import compare_with_gd, loss_sample
from icar_core.checkpoints import Checkpoint
from icar_core.data import ARProcess
from icar_core.findings import FINDINGS
from icar_core.models import ICARModel
from icar_core.stats import Estimate, bootstrap, median_estimate, ratio_of_means
from icar_core.structure import head_orthogonality, positional_pca, random_cosine_level
from icar_core.theory import gd_sums

LOSS_CONTEXTS = 8192
SEED = 2024


def _median(values: np.ndarray) -> np.ndarray:
    return np.median(values, axis=-1)


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    return (a * b).sum(1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-300)


def normalised_gd_step(states: torch.Tensor) -> torch.Tensor:
    """Jacobian ``(I − û ûᵀ) W_GD / ||W_GD s_n||`` of the unit-norm GD prediction ``û = W_GD s_n / ||W_GD s_n||``
    (with W_GD held fixed, like the model's update), at the last position: (batch, d, d) for contexts
    ``states`` (batch, n+1, d) = s_0 … s_n. The step size η cancels."""
    G = gd_sums(states)[:, -1]
    prediction = torch.einsum("bij,bj->bi", G, states[:, -1])
    norm = prediction.norm(dim=-1, keepdim=True).clamp_min(1e-300)
    unit = prediction / norm
    radial = unit[:, :, None] * unit[:, None, :]
    return (torch.eye(G.shape[-1], dtype=G.dtype) - radial) @ G / norm[..., None]


@dataclass(frozen=True)
class GDReport:
    """The GD comparison of one run at the last position (medians over contexts, bootstrap intervals).

    prediction_cosine: ŝ against the best-η GD prediction; jacobian_cosine_gd / _normalised / _truth:
    ``∂ŝ/∂s_n`` against W_GD, the normalised GD step (:func:`normalised_gd_step`), the true W;
    loss_ratio: model / GD mean squared error at the last position, loss_ratio_all: over positions
    1 … T−1 (ratios of means over contexts).
    exact: whether the update is a closed form (False: local linearisation).
    """

    prediction_cosine: Estimate
    jacobian_cosine_gd: Estimate
    jacobian_cosine_normalised: Estimate
    jacobian_cosine_truth: Estimate
    loss_ratio: Estimate
    loss_ratio_all: Estimate
    exact: bool


def gd_report(ckpt: Checkpoint) -> GDReport:
    """See :class:`GDReport`: Finding 1's evidence on the run (its cosines, its loss ratios), and the model's
    update against the normalised GD step and the true W on the same contexts as its medians."""
    gd = FINDINGS["gd"]
    evidence = gd.evidence(ckpt)
    states, W = ckpt.process.sample(gd.thresholds.metric_contexts, gd.thresholds.metric_seed, torch.float64)
    jacobian = compare_with_gd(ckpt.model, states, W, process=ckpt.process).gamma
    normalised = normalised_gd_step(states[:, :-1]).numpy()
    return GDReport(
        prediction_cosine=evidence.prediction_cosine, jacobian_cosine_gd=evidence.update_cosine,
        jacobian_cosine_normalised=median_estimate(_cosine(jacobian, normalised)),
        jacobian_cosine_truth=median_estimate(_cosine(jacobian, W.numpy())),
        loss_ratio=evidence.loss_ratio, loss_ratio_all=evidence.loss_ratio_all, exact=evidence.exact)


@dataclass(frozen=True)
class LossReport:
    """Held-out loss on fresh contexts: overall (mean over contexts of the mean over positions 1 … T−1),
    and per position ``n = 1 … T−1`` (mean, with the 95% interval's bounds)."""

    held_out: Estimate
    positions: np.ndarray
    per_position: np.ndarray
    per_position_low: np.ndarray
    per_position_high: np.ndarray
    first_vs_last: Estimate  # loss at position 1 / loss at the last position: > 1 = it uses the context


def loss_report(model: ICARModel, process: ARProcess, n_contexts: int = LOSS_CONTEXTS, seed: int = SEED) -> LossReport:
    errors = loss_sample(model, process, n_contexts, seed).model_by_position
    rng = np.random.default_rng(seed)
    draws = np.stack([errors[rng.integers(0, len(errors), len(errors))].mean(0) for _ in range(200)])
    low, high = np.percentile(draws, [2.5, 97.5], axis=0)
    return LossReport(
        held_out=bootstrap(errors.mean(1)),
        positions=np.arange(1, errors.shape[1] + 1), per_position=errors.mean(0),
        per_position_low=low, per_position_high=high,
        first_vs_last=bootstrap(np.stack([errors[:, 0], errors[:, -1]], 1), ratio_of_means),
    )


@dataclass(frozen=True)
class HeadsReport:
    """Mean |cosine| between heads' flattened circuits (``W_QK``, ``W_OV``) against the level of random
    directions in as many dimensions; and the share of variance of the positional embeddings' first
    three principal components (None without positional embeddings)."""

    overlap: dict[str, float]
    random_level: float
    pca_variance: np.ndarray | None


def heads_report(model: ICARModel) -> HeadsReport:
    scores = head_orthogonality(model)
    k = model.E * model.E
    encodings = model.positional_encodings()
    pca = positional_pca(encodings.double().numpy()).explained_variance_ratio if encodings is not None else None
    return HeadsReport({name: s.score for name, s in scores.items()}, random_cosine_level(k), pca)


BIAS_CONTEXTS = 2048  # antithetic pairs: 4,096 contexts in all


@dataclass(frozen=True)
class BiasReport:
    """Why the authors' non-augmented model (Figure 7) needs its biases: a sign symmetry of the task.

    A Haar ``W`` and ``−W`` are equally likely, and ``−W`` turns the context ``s_t`` into ``(−1)^t s_t``
    (``s_0`` is fixed). Without biases (in Q, K, V, ``attn_out``, LayerNorm's β and the output map) every
    part of the model is odd in the tokens and the token score ``q_n·k_t`` flips by ``(−1)^{n+t}``, so the
    prediction at position n flips by ``(−1)^n`` while its target ``s_{n+1}`` flips by ``(−1)^{n+1}``. On a
    sample holding both signs of every W the prediction is then exactly uncorrelated with the target, and
    ``E||ŝ − s||² = E||ŝ||² + E||s||²``: no bias-free model of this architecture beats predicting 0.
    The constant ``b_q·b_k`` in the token score is what lets a head average past *states* (``V s_t``,
    parity t) with positional weights, e.g. ``s_{n−1}``, which has the target's parity.

    parity_error_unbiased: max |ŝ(flipped) − (−1)^n ŝ| of the run's weights with every bias set to 0
    (round-off: the symmetry holds); parity_error_trained: the same for the trained run (not small: its
    biases break it); losses over positions 1 … T−1 on ``BIAS_CONTEXTS`` antithetic pairs (95% intervals
    over pairs): trained, the same weights without biases, predicting 0.
    """

    parity_error_unbiased: float
    parity_error_trained: float
    loss_trained: Estimate
    loss_without_biases: Estimate
    loss_zero: Estimate


def without_biases(model: ICARModel) -> ICARModel:
    """A copy of ``model`` with every bias (linear maps and LayerNorm's β) set to 0."""
    bare = copy.deepcopy(model)
    with torch.no_grad():
        for name, parameter in bare.named_parameters():
            if name.endswith("bias"):
                parameter.zero_()
    return bare


def sign_flipped(states: torch.Tensor) -> torch.Tensor:
    """The same contexts under ``W → −W``: ``s_t → (−1)^t s_t`` (batch, n, d)."""
    signs = 1.0 - 2.0 * (torch.arange(states.shape[1]) % 2)
    return states * signs.to(states.dtype)[None, :, None]


def parity_error(model: ICARModel, states: torch.Tensor) -> float:
    """max |ŝ(flipped context) − (−1)^n ŝ(context)| over positions n (0 when the model is sign-symmetric)."""
    with torch.no_grad():
        return float((model(sign_flipped(states)) - sign_flipped(model(states))).abs().max())


def bias_report(model: ICARModel, process: ARProcess, n_pairs: int = BIAS_CONTEXTS, seed: int = SEED) -> BiasReport:
    states = process.sample(n_pairs, seed)[0]
    both = torch.cat([states, sign_flipped(states)])
    bare = without_biases(model)

    def per_pair(errors: torch.Tensor) -> np.ndarray:  # mean over positions 1 … T−1, then over the pair
        per_context = errors[:, 1:].mean(1)
        return ((per_context[:n_pairs] + per_context[n_pairs:]) / 2).double().numpy()

    with torch.no_grad():
        targets = both[:, 1:]
        trained, stripped = (((m(both[:, :-1]) - targets) ** 2).sum(-1) for m in (model, bare))
    return BiasReport(
        parity_error_unbiased=parity_error(bare, states[:64, :-1]),
        parity_error_trained=parity_error(model, states[:64, :-1]),
        loss_trained=bootstrap(per_pair(trained)), loss_without_biases=bootstrap(per_pair(stripped)),
        loss_zero=bootstrap(per_pair((targets**2).sum(-1))))
