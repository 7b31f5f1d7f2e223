"""The paper's theoretical references: the explicit gradient-descent step and its best step size.

One GD step from ``W_0 = 0`` on ``L(W) = ½ Σ_{t=1..n} ||s_t − W s_{t-1}||²`` gives
``W_GD = η Σ_{t=1..n} s_t s_{t-1}ᵀ``; its prediction of ``s_{n+1}`` is ``W_GD s_n``.
"""

from __future__ import annotations

import torch


def gd_sums(states: torch.Tensor) -> torch.Tensor:
    """``G_n = Σ_{t=1..n} s_t s_{t-1}ᵀ`` at every position: (batch, n, d) -> (batch, n, d, d)."""
    outer = states[:, 1:, :, None] * states[:, :-1, None, :]
    batch, _, d = states.shape
    return torch.cat([outer.new_zeros(batch, 1, d, d), torch.cumsum(outer, dim=1)], dim=1)


def gd_directions(states: torch.Tensor) -> torch.Tensor:
    """``G_n s_n`` (batch, n, d): the GD prediction of ``s_{n+1}`` for a unit step size."""
    return torch.einsum("bnij,bnj->bni", gd_sums(states), states)


def fit_gd_eta(states: torch.Tensor, per_position: bool = True) -> torch.Tensor:
    """Least-squares step size(s) η of the GD predictor on ``states`` (batch, T+1, d).

    Fits ``η_n G_n s_n ≈ s_{n+1}`` over the batch: ``η = Σ <G s, s_next> / Σ ||G s||²``, one per
    position 0…T−1 (``per_position``) or one over positions 1…T−1. Positions with ``G = 0`` get 0.
    """
    direction = gd_directions(states[:, :-1])
    target = states[:, 1:]
    if not per_position:
        direction, target = direction[:, 1:], target[:, 1:]
        num = (direction * target).sum()
        den = direction.pow(2).sum()
        return num / den if den > 0 else den
    num = (direction * target).sum(dim=(0, 2))
    den = direction.pow(2).sum(dim=(0, 2))
    return torch.where(den > 0, num / torch.where(den > 0, den, torch.ones_like(den)), torch.zeros_like(den))


def gd_predictions(states: torch.Tensor, eta: torch.Tensor | float) -> torch.Tensor:
    """Predictions (batch, n, d) of one GD step with step size ``eta`` (scalar or per position)."""
    eta = torch.as_tensor(eta, dtype=states.dtype, device=states.device)
    if eta.ndim == 1:
        eta = eta[: states.shape[1], None]
    return eta * gd_directions(states)


def gd_reference_loss(states: torch.Tensor, fit_states: torch.Tensor | None = None) -> float:
    """Loss of one GD step with the best η for each context length, on ``states`` (batch, T+1, d).

    η is fitted on ``fit_states`` (default: ``states`` itself, which flatters GD slightly). Same
    positions and units as :func:`icar_core.models.prediction_loss`; the reference the paper says a
    trained augmented model reaches.
    """
    eta = fit_gd_eta(states if fit_states is None else fit_states, per_position=True)
    predictions = gd_predictions(states[:, :-1], eta)
    return (predictions[:, 1:] - states[:, 2:]).pow(2).sum(-1).mean().item()
