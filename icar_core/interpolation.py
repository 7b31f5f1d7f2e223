"""From the trained weights to weights that are exactly one GD step (von Oswald et al.'s ``interpolate``).

For kinds where such weights exist in closed form (``ICARModel.gd_constructible``: icar's linear attention on
augmented tokens), :func:`interpolation` walks ``θ_α = (1−α)·θ_trained + α·θ_GD`` and measures, at every α, the
loss and the three agreements with the task's best GD step of :func:`icar_core.analysis.compare_with_gd`
(update, prediction and sensitivity cosines). ``θ_GD`` implements ``η_n = c·c_n`` with the model's own
normaliser ``c_n`` and the single ``c`` fitted to the truth (:func:`fit_step_scale`): the per-length best η_n
of the task cannot be written with one set of weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from icar_core.analysis import CURVE_RESAMPLES, GD_FIT_CONTEXTS, GD_FIT_SEED, compare_with_gd, loss_sample
from icar_core.data import ARProcess
from icar_core.errors import NotApplicableError
from icar_core.findings import Verdict
from icar_core.models import ICARModel, build_model
from icar_core.stats import Estimate, mean_estimate, median_estimate
from icar_core.theory import gd_directions

ALPHAS = tuple(np.round(np.linspace(0.0, 1.0, 11), 2))
INTERPOLATION_CONTEXTS = 256
INTERPOLATION_SEED = 9090
#: The agreements drawn along the path (compare_with_gd's metric names).
AGREEMENTS = ("update_cosine", "prediction_cosine", "sensitivity_cosine")


def require_constructible(model: ICARModel) -> None:
    if not model.gd_constructible:
        raise NotApplicableError("no weights of this kind are one gradient step in closed form (its prediction is "
                                 "not linear attention on augmented tokens), so there is no path to interpolate")


def fit_step_scale(model: ICARModel, process: ARProcess) -> float:
    """The ``c`` of the best one-GD-step model of this parametrisation: ``c·c_n G_n s_n ≈ s_{n+1}`` by least
    squares over positions 1 … T−1 of the GD-fit contexts (those of :func:`icar_core.analysis.best_gd_eta`)."""
    require_constructible(model)
    states, _ = process.sample(GD_FIT_CONTEXTS, GD_FIT_SEED, torch.float64)
    inputs, targets = states[:, :-1], states[:, 1:]
    direction = (model.step_factors(inputs.shape[1])[:, None] * gd_directions(inputs))[:, 1:]
    return float((direction * targets[:, 1:]).sum() / direction.pow(2).sum())


def interpolated(model: ICARModel, gd_weights: dict[str, torch.Tensor], alpha: float) -> ICARModel:
    """A float64 copy of ``model`` with weights ``(1−α)·trained + α·gd_weights``."""
    trained = model.state_dict()
    mixed = {k: (1 - alpha) * v.double() + alpha * gd_weights[k].double() for k, v in trained.items()}
    copy = build_model(model.config, model.d, model.T).double()
    copy.load_state_dict(mixed)
    return copy.eval()


@dataclass(frozen=True)
class Interpolation:
    """``path``: one row per α with ``loss`` (:func:`icar_core.models.prediction_loss`'s units: mean over positions
    1 … T−1, then over contexts) and every :data:`AGREEMENTS` at the last position (median over contexts), each with
    ``_low``/``_high`` (95% interval); ``gd_loss``: the task's best GD step (per-length η_n) on the same contexts;
    ``c``: the constructed step's scale; ``contexts``: the n."""

    path: pd.DataFrame
    gd_loss: Estimate
    c: float
    contexts: int
    verdict: Verdict


def interpolation(model: ICARModel, process: ARProcess, alphas: tuple[float, ...] = ALPHAS,
                  n_contexts: int = INTERPOLATION_CONTEXTS, seed: int = INTERPOLATION_SEED) -> Interpolation:
    """Loss and GD agreement along the straight path from the trained weights to the GD-constructed ones, on
    ``n_contexts`` fresh contexts of the run's own process (the same contexts at every α)."""
    require_constructible(model)
    c = fit_step_scale(model, process)
    target = model.gd_step_weights(c)
    states, W = process.sample(n_contexts, seed, torch.float64)
    positions = process.T - 1
    rows = []
    for alpha in alphas:
        point = interpolated(model, target, float(alpha))
        with torch.no_grad():  # prediction_loss per context: positions 1 … T−1
            errors = (point(states[:, :-1]) - states[:, 1:])[:, 1:].pow(2).sum(-1).mean(1).numpy()
        comparison = compare_with_gd(point, states, W, process=process)
        loss = mean_estimate(errors, resamples=CURVE_RESAMPLES)
        row = {"alpha": float(alpha), "loss": loss.value, "loss_low": loss.low, "loss_high": loss.high}
        for name in AGREEMENTS:
            e = median_estimate(comparison.metrics[name].to_numpy(), resamples=CURVE_RESAMPLES)
            row |= {name: e.value, f"{name}_low": e.low, f"{name}_high": e.high}
        rows.append(row)
    # The task's best GD step on the same contexts (loss_sample draws them with the same seed).
    gd_loss = mean_estimate(loss_sample(model, process, n_contexts, seed).gd_all / positions)
    path = pd.DataFrame(rows)
    return Interpolation(path, gd_loss, c, n_contexts, judge(path, gd_loss))


def _loss_text(row: pd.Series, contexts: int) -> str:
    return Estimate(row["loss"], row["loss_low"], row["loss_high"], contexts).text()


def judge(path: pd.DataFrame, gd_loss: Estimate) -> Verdict:
    """The endpoints' losses against the best GD step, and whether the straight path between them crosses a
    barrier: an interior α whose whole loss interval lies above both endpoints' intervals."""
    ends, inner = path.iloc[[0, -1]], path.iloc[1:-1]
    peak = inner.loc[inner["loss"].idxmax()] if len(inner) else None
    n = gd_loss.n
    values = {"trained": _loss_text(ends.iloc[0], n), "constructed": _loss_text(ends.iloc[1], n), "gd": gd_loss.text()}
    barrier = peak is not None and peak["loss_low"] > ends["loss_high"].max()
    if barrier:
        extra = ("interp.verdict.barrier", {"alpha": f"{peak['alpha']:g}", "peak": _loss_text(peak, n)})
    else:
        extra = ("interp.verdict.no_barrier", {})
    return Verdict("interp.verdict.ends", values, None, (extra,))
