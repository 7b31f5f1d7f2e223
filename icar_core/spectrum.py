"""The estimate's spectrum: eigenvalues of the model's in-context update against those of the true W.

The update is ``ICARModel.in_context_update``'s block acting on ``s_n``: exactly ``Γ`` for linear attention on
augmented tokens, else the Jacobian ``∂ŝ_{n+1}/∂s_n`` — a local linearisation, which for models that also read
``s_{n−1}`` is only part of what they compute (:attr:`SpectrumPanel.previous_share` says how large the rest is).
W is orthogonal in both families, so its eigenvalues lie on the unit circle; an estimate that "finds the angle
but underestimates the size" has eigenvalues at W's angles, inside the circle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from icar_core.analysis import model_update
from icar_core.data import ARProcess
from icar_core.findings import Verdict
from icar_core.models import ICARModel
from icar_core.stats import CONFIDENCE, Estimate, median_estimate
from icar_core.stress import Shift, fit_states, sample_shifted, stress_contexts
from icar_core.theory import fit_gd_eta, gd_sums

#: How many context lengths the small multiples show (spread from 1 to T−1), and the contexts (at most, at least:
#: a quarter of the stress test's, whose cost model also bounds the Jacobians here) and seed of the summary over
#: contexts at the last length.
PANELS = 4
SUMMARY_CONTEXTS = 256
MIN_SUMMARY_CONTEXTS = 64
SUMMARY_SEED = 4242


@dataclass(frozen=True)
class SpectrumThresholds:
    """The estimate "finds the angles" when the whole 95% interval of the median (over contexts) mean angle
    error is at most ``angle_max_degrees``; it "underestimates the size" when the whole interval of the median
    mean modulus ratio |λ_model| / |λ_W| is below ``1 − modulus_tolerance`` (overestimates: above
    ``1 + modulus_tolerance``). A Jacobian whose ``s_{n−1}`` block is at least ``previous_share_note`` of its
    ``s_n`` block gets a sentence saying so."""

    angle_max_degrees: float = 10.0
    modulus_tolerance: float = 0.05
    previous_share_note: float = 0.1


THRESHOLDS = SpectrumThresholds()


def match_eigenvalues(estimate: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair each eigenvalue of the truth with one of the estimate's (the assignment that minimises the total
    angle distance) and return, per pair, the angle difference in degrees (0…180) and the modulus ratio
    |λ_estimate| / |λ_truth|."""
    from scipy.optimize import linear_sum_assignment  # imported on first use: scipy is slow to import

    angle = np.abs(np.angle(estimate[:, None] / truth[None, :]))  # (estimate, truth), radians in [0, π]
    rows, cols = linear_sum_assignment(angle)
    return np.degrees(angle[rows, cols]), np.abs(estimate[rows]) / np.abs(truth[cols])


@dataclass(frozen=True)
class SpectrumPanel:
    """One context length n: the eigenvalues (complex) of the model's update, of one GD step (best η_n) and of W,
    and the matched mean angle error (degrees) and mean modulus ratio of the model's."""

    n: int
    model: np.ndarray
    gd: np.ndarray
    truth: np.ndarray
    angle_error: float
    modulus_ratio: float
    previous_share: float


@dataclass(frozen=True)
class SpectrumView:
    """Panels for one context at :data:`PANELS` lengths, the medians over up to :data:`SUMMARY_CONTEXTS` contexts at the
    last length (angle_error, modulus_ratio, previous_share; W_cosine and gd_W_cosine: the cosine with W, as
    matrices, of the update and of one GD step — eigenvalues do not show the eigenvectors), whether the update is
    exact, and the verdict."""

    panels: tuple[SpectrumPanel, ...]
    angle_error: Estimate
    modulus_ratio: Estimate
    previous_share: Estimate
    W_cosine: Estimate
    gd_W_cosine: Estimate
    exact: bool
    verdict: Verdict


def panel_lengths(T: int, count: int = PANELS) -> tuple[int, ...]:
    """``count`` context lengths spread from 1 to T−1 (fewer when T is small)."""
    return tuple(sorted(set(np.linspace(1, T - 1, count).round().astype(int).tolist())))


def _norms(a: np.ndarray) -> np.ndarray:
    return np.linalg.norm(a.reshape(len(a), -1), axis=1)


def _eigen_summary(update: np.ndarray, W: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean angle error and mean modulus ratio per context for updates and truths (batch, d, d)."""
    angles, moduli = zip(*(match_eigenvalues(np.linalg.eigvals(u), np.linalg.eigvals(w)) for u, w in zip(
        update, W, strict=True)), strict=True)
    return np.array([a.mean() for a in angles]), np.array([m.mean() for m in moduli])


def spectrum(model: ICARModel, base: ARProcess, shift: Shift, seed: int) -> SpectrumView:
    """The spectrum of the model's update on the context that ``seed`` draws from the shifted process, as the
    context grows, and its summary over contexts at the last length."""
    process = shift.process(base)
    # The stress test's one GD step: η_n chosen on the same separate contexts of the shifted process.
    eta = fit_gd_eta(fit_states(base, shift, stress_contexts(model, base)), per_position=True).numpy()
    states, W = sample_shifted(base, shift, 1, seed)
    inputs = states[:, :-1]
    G = gd_sums(inputs.double()).numpy()
    truth = np.linalg.eigvals(W[0].numpy())
    panels = []
    for n in panel_lengths(process.T):
        update = model_update(model, inputs[:, : n + 1], last_only=True)  # s_0 … s_n: the update at length n
        gamma = update.current[0, -1]
        angle, modulus = match_eigenvalues(np.linalg.eigvals(gamma), truth)
        share = float(np.linalg.norm(update.previous[0, -1]) / max(np.linalg.norm(gamma), 1e-300))
        panels.append(SpectrumPanel(n, np.linalg.eigvals(gamma), np.linalg.eigvals(eta[n] * G[0, n]), truth,
                                    float(angle.mean()), float(modulus.mean()), share))
    contexts = min(SUMMARY_CONTEXTS, max(MIN_SUMMARY_CONTEXTS, stress_contexts(model, base) // 4))
    many, W_many = sample_shifted(base, shift, contexts, SUMMARY_SEED)
    inputs_many = many[:, :-1]
    last = model_update(model, inputs_many, last_only=True)
    gamma, W_np = last.current[:, -1], W_many.numpy()
    angles, moduli = _eigen_summary(gamma, W_np)
    shares = _norms(last.previous[:, -1]) / np.maximum(_norms(gamma), 1e-300)
    gd_last = gd_sums(inputs_many.double())[:, -1].numpy()  # η_n > 0 does not change a cosine
    angle_error, modulus_ratio, previous_share, W_cosine, gd_W_cosine = (median_estimate(v) for v in (
        angles, moduli, shares, _cosines(gamma, W_np), _cosines(gd_last, W_np)))
    return SpectrumView(tuple(panels), angle_error, modulus_ratio, previous_share, W_cosine, gd_W_cosine,
                        update.exact, judge(angle_error, modulus_ratio, previous_share, W_cosine, gd_W_cosine,
                                            update.exact, process.T - 1))


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cosine of each pair of matrices (batch, d, d)."""
    return (a * b).sum((1, 2)) / np.maximum(_norms(a) * _norms(b), 1e-300)


def judge(angle_error: Estimate, modulus_ratio: Estimate, previous_share: Estimate, W_cosine: Estimate,
          gd_W_cosine: Estimate, exact: bool, n: int) -> Verdict:
    """Whether the update finds W's angles, and whether it under- or overestimates their size."""
    th = THRESHOLDS
    values = {"n": n, "contexts": f"{angle_error.n:,}", "angle": angle_error.text(), "modulus": modulus_ratio.text(),
              "angle_max": f"{th.angle_max_degrees:g}", "confidence": f"{100 * CONFIDENCE:g}"}
    found = angle_error.inside(0.0, th.angle_max_degrees)
    key = {True: "spectrum.verdict.angle", False: "spectrum.verdict.no_angle", None: "spectrum.verdict.angle_open"}[
        found]
    tol = th.modulus_tolerance
    if modulus_ratio.high < 1 - tol:
        size = "spectrum.verdict.under"
    elif modulus_ratio.low > 1 + tol:
        size = "spectrum.verdict.over"
    elif modulus_ratio.inside(1 - tol, 1 + tol):
        size = "spectrum.verdict.size"
    else:
        size = "spectrum.verdict.size_open"
    extra = [(size, values | {"tolerance": f"{100 * tol:g}"})]
    extra.append(("spectrum.verdict.cosines", {"model": W_cosine.text(), "gd": gd_W_cosine.text()}))
    if not exact:
        extra.append(("spectrum.verdict.jacobian", {}))
        if previous_share.low >= th.previous_share_note:
            extra.append(("spectrum.verdict.previous", {"share": previous_share.text()}))
    return Verdict(key, values, found, tuple(extra))
