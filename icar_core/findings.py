"""The registry of the paper's findings: the one place that says which runs each finding is measured on,
what evidence it computes (numbers with intervals), the thresholds it judges them by, and its verdict.

Home cards, pages, the Tour, the HTML report and ``docs/findings.md`` all read from :data:`FINDINGS`;
no page decides applicability itself. A :class:`Verdict` is a text key (see ``icar_core.locales``) with the
numbers that fill it, so the same verdict reads in English or Japanese; ``extra`` adds further sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from icar_core.analysis import GaugeView, compare_with_gd, gauge_view, loss_sample
from icar_core.checkpoints import Checkpoint
from icar_core.errors import NotApplicableError
from icar_core.i18n import translate
from icar_core.models import ICARModel
from icar_core.stats import Estimate, mean_estimate, median_estimate, quantile_estimate, ratio_estimate
from icar_core.structure import (
    CircuitStructure,
    CosineFit,
    OverlapInvariance,
    ShapeComparison,
    circuit_structure,
    compare_shapes,
    diagonal_circuit,
    fit_cosine,
    head_matrices,
    head_orthogonality,
    overlap_invariance,
    pe_profile,
    pe_profile_is_flat,
    random_cosine_level,
)
from icar_core.theory import gd_sums


@dataclass(frozen=True)
class Verdict:
    """A sentence about one run: ``key`` filled with ``values``; ``good``: the run shows the finding (True),
    does not (False) or the question does not arise / is not resolved (None); ``extra``: further sentences."""

    key: str
    values: dict = field(default_factory=dict)
    good: bool | None = None
    extra: tuple[tuple[str, dict], ...] = ()


# ------------------------------------------------------------------------------------------- Finding 1


@dataclass(frozen=True)
class GDThresholds:
    """A run "implements one GD step" when the whole interval of its median prediction cosine with the GD
    step reaches ``cosine_min`` and the whole interval of its loss ratio to the best GD step lies within
    ``1 ± loss_tolerance``. Loss ratios use ``loss_contexts`` fresh contexts on the pages (on 8,192 the ratio
    still moved by ±1%; the interval shown says how far it can) and ``report_contexts`` in ``docs/findings.md``;
    per-context medians ``metric_contexts``."""

    cosine_min: float = 0.99
    loss_tolerance: float = 0.02
    loss_contexts: int = 16_384
    report_contexts: int = 65_536
    #: Work (attention-pattern and context-matrix entries) the loss sample may cost; larger runs get fewer
    #: contexts (a power of two, at least ``metric_contexts``) so that every verdict stays interactive.
    loss_work: float = 1.5e9
    metric_contexts: int = 512
    metric_seed: int = 2024
    loss_seed: int = 2025


@dataclass(frozen=True)
class GDEvidence:
    """Finding 1's numbers for one run; every :class:`~icar_core.stats.Estimate` carries its interval and n.

    loss_ratio, loss_ratio_all: model MSE / best-η GD MSE at the last position and over positions 1 … T−1;
    model_loss, gd_loss: their MSE at the last position (on the same contexts as the ratios); ls_loss, zero_loss:
    MSE of least squares on the context and of predicting 0, the scale (least squares solves a noiseless task
    exactly), on the ``metric_contexts``;
    medians over ``metric_contexts``: prediction_cosine, sensitivity_cosine, prediction_diff, update_cosine,
    update_rel_error, model_W_error, gd_W_error, ls_W_error; for one-head block runs, the model's *own* step
    ``c·c_n·Σ s_t s_{t-1}ᵀ`` (its gauge view's c): own_step_ratio (model MSE / own-step MSE: equal in expected
    loss?) and own_step_gap, own_step_gap_p90 (median and 90th percentile of ‖Γ − own step‖ / ‖own step‖ per
    context: not equal context by context); exact: closed form (else a local linearisation).
    """

    loss_ratio: Estimate
    loss_ratio_all: Estimate
    model_loss: Estimate
    gd_loss: Estimate
    ls_loss: Estimate
    zero_loss: Estimate
    prediction_cosine: Estimate
    sensitivity_cosine: Estimate
    prediction_diff: Estimate
    update_cosine: Estimate
    update_rel_error: Estimate
    model_W_error: Estimate
    gd_W_error: Estimate
    ls_W_error: Estimate
    own_step_ratio: Estimate | None
    own_step_gap: Estimate | None
    own_step_gap_p90: Estimate | None
    gauge: GaugeView | None
    exact: bool


def _own_gauge(model: ICARModel, ckpt: Checkpoint) -> GaugeView | None:
    try:
        return gauge_view(model, ckpt.process)
    except NotApplicableError:
        return None


def _own_step_scale(model: ICARModel, gauge: GaugeView, n: int) -> float:
    """``c·c_n`` at 0-based position ``n``: the gauge view's c times the model's normaliser there."""
    normaliser = 1.0 / (n + 1) if model.config.normalisation == "mean" else 1.0
    return gauge.c * normaliser


class ExactGDError(NotApplicableError):
    """One GD step with the best step size is exact on this task (its error is 0): there is nothing to compare."""


class Finding:
    """One finding of the paper: which runs it is measured on and how it is judged (subclasses say)."""

    id: str
    number: int
    page: str  # the page file that shows it
    default_run: str  # the shipped run that demonstrates it when the selected run cannot
    not_applicable_key: str  # why it does not apply to a run (a locale key)

    @property
    def title_key(self) -> str:
        return f"home.finding{self.number}.title"

    @property
    def text_key(self) -> str:
        return f"home.finding{self.number}.text"

    def applies(self, model: ICARModel) -> bool:
        raise NotImplementedError

    def require(self, ckpt: Checkpoint) -> None:
        """NotApplicableError (with the finding's sentence) unless the finding applies to ``ckpt``."""
        if not self.applies(ckpt.model):
            raise NotApplicableError(translate(self.not_applicable_key, "en"))

    def verdict(self, ckpt: Checkpoint) -> Verdict:
        raise NotImplementedError


class GDFinding(Finding):
    """Finding 1: with augmented tokens the model's prediction is one step of gradient descent."""

    id, number, page = "gd", 1, "app_pages/model_vs_gd.py"
    default_run = "augmented-commuting"
    not_applicable_key = "finding.na.gd"
    thresholds = GDThresholds()

    def applies(self, model: ICARModel) -> bool:
        # The comparison needs tokens that pair s_t with s_{t-1}, so that the update reads as an estimate of W;
        # it is exact (Γ) for linear attention, a labelled local linearisation (a Jacobian) otherwise.
        return model.augmented_tokens

    def evidence(self, ckpt: Checkpoint, loss_contexts: int | None = None) -> GDEvidence:
        """Finding 1's evidence; ``loss_contexts`` (default: the pages' ``GDThresholds.loss_contexts``) caps the
        loss sample, which large runs get fewer of (:meth:`loss_contexts`)."""
        self.require(ckpt)
        th, model, process = self.thresholds, ckpt.model, ckpt.process
        gauge = _own_gauge(model, ckpt)
        n_last = process.T - 1
        own_scale = None if gauge is None else _own_step_scale(model, gauge, n_last)
        losses = loss_sample(model, process, self.loss_contexts(ckpt, loss_contexts), th.loss_seed, own_scale)
        if losses.gd.sum() <= 0:  # e.g. d = 1: one step with the best η is exact, so no ratio means anything
            raise ExactGDError(translate("verdict.gd.exact", "en"))
        states, W = process.sample(th.metric_contexts, th.metric_seed, torch.float64)
        comparison = compare_with_gd(model, states, W, process=process)
        m = comparison.metrics
        own_gap = own_p90 = None
        if own_scale is not None:
            own = own_scale * gd_sums(states[:, :-1])[:, -1].numpy()
            gap = np.linalg.norm(comparison.gamma - own, axis=(1, 2)) / np.linalg.norm(own, axis=(1, 2))
            own_gap, own_p90 = median_estimate(gap), quantile_estimate(gap, 0.9)
        return GDEvidence(
            loss_ratio=ratio_estimate(losses.model, losses.gd),
            loss_ratio_all=ratio_estimate(losses.model_all, losses.gd_all),
            model_loss=mean_estimate(losses.model), gd_loss=mean_estimate(losses.gd),
            ls_loss=mean_estimate(m["ls_error"].to_numpy()), zero_loss=mean_estimate(m["zero_error"].to_numpy()),
            **{name: median_estimate(m[name].to_numpy()) for name in (
                "prediction_cosine", "sensitivity_cosine", "prediction_diff", "update_cosine", "update_rel_error",
                "model_W_error", "gd_W_error", "ls_W_error")},
            own_step_ratio=None if losses.own_step is None else ratio_estimate(losses.model, losses.own_step),
            own_step_gap=own_gap, own_step_gap_p90=own_p90, gauge=gauge, exact=comparison.exact)

    def loss_contexts(self, ckpt: Checkpoint, cap: int | None = None) -> int:
        """Contexts of the loss sample: ``cap`` (default :attr:`GDThresholds.loss_contexts`), fewer for runs
        whose forward pass costs more than ``loss_work`` over that many (the n is shown with every interval)."""
        th, T, width = self.thresholds, ckpt.process.T, 3 * ckpt.process.d
        per_context = T * T * width * ckpt.model.n_heads + T * width * width
        affordable = max(th.metric_contexts, int(th.loss_work // per_context))
        return min(th.loss_contexts if cap is None else cap, 2 ** int(np.log2(affordable)))

    def judge(self, e: GDEvidence) -> Verdict:
        th = self.thresholds
        values = {"cosine": e.prediction_cosine.text(), "cosine_median": e.prediction_cosine.fmt(),
                  "cosine_value": e.prediction_cosine.value,
                  "cosine_low": e.prediction_cosine.low, "ratio": e.loss_ratio.text(),
                  "contexts": f"{e.prediction_cosine.n:,}", "loss_contexts": f"{e.loss_ratio.n:,}",
                  "tolerance": f"{100 * th.loss_tolerance:g}"}
        cosine_ok = e.prediction_cosine.at_least(th.cosine_min)
        within = e.loss_ratio.inside(1 - th.loss_tolerance, 1 + th.loss_tolerance)
        if cosine_ok is False or e.loss_ratio.low > 1 + th.loss_tolerance:
            verdict = Verdict("verdict.gd.bad", values, False)
        elif cosine_ok and within:
            verdict = Verdict("verdict.gd.good", values, True)
        elif cosine_ok and e.loss_ratio.high < 1 - th.loss_tolerance:
            verdict = Verdict("verdict.gd.better", values, True)
        else:
            verdict = Verdict("verdict.gd.unresolved", values, None)
        extra = [("verdict.gd.scale", {"model": e.model_loss.text(), "gd": e.gd_loss.text(), "ls": e.ls_loss.text(),
                                       "zero": e.zero_loss.text(), "W_error": e.gd_W_error.text()})]
        if not e.exact:
            extra.append(("verdict.gd.linearised", {}))
        if e.own_step_ratio is not None:
            extra.append(("verdict.gd.own_step", {"ratio": e.own_step_ratio.text(), "gap": e.own_step_gap.text(),
                                                  "p90": e.own_step_gap_p90.text()}))
        return Verdict(verdict.key, verdict.values, verdict.good, tuple(extra))

    def verdict(self, ckpt: Checkpoint) -> Verdict:
        try:
            return self.judge(self.evidence(ckpt))
        except ExactGDError:
            return Verdict("verdict.gd.exact", {}, None)


# ------------------------------------------------------------------------------------------- Finding 2


@dataclass(frozen=True)
class HeadsThresholds:
    """C "has the paper's structure" when its best fit is off by at most ``circuit_error_max``; heads are
    "orthogonal" when their mean |cosine| is at most ``orthogonal_fraction`` of the random level — for
    diagonal heads, under every rotation of the heads tried (the overlap is then a property of the solution)."""

    circuit_error_max: float = 0.05
    orthogonal_fraction: float = 0.5


@dataclass(frozen=True)
class HeadsEvidence:
    """overlap: mean |cosine| between the heads (averaged over circuits); random_level: what independent random
    directions give; circuit: the structure of ``C = Bᵀ A`` (diagonal heads, else None); invariance: how the
    overlap moves under ``A → QA, B → QB`` (diagonal heads, else None)."""

    overlap: float
    random_level: float
    circuit: CircuitStructure | None
    invariance: OverlapInvariance | None


class HeadsFinding(Finding):
    """Finding 2: with plain tokens the heads' combined circuit takes the paper's structure."""

    id, number, page = "heads", 2, "app_pages/orthogonality.py"
    default_run = "multihead-diagonal-commuting"
    not_applicable_key = "finding.na.heads"
    thresholds = HeadsThresholds()

    def applies(self, model: ICARModel) -> bool:
        return model.head_type in ("diagonal", "full") and model.n_heads >= 2

    def evidence(self, ckpt: Checkpoint) -> HeadsEvidence:
        self.require(ckpt)
        scores = head_orthogonality(ckpt.model)
        first = next(iter(scores))
        k = int(np.prod(head_matrices(ckpt.model)[first].shape[1:]))
        circuit = invariance = None
        if ckpt.model.head_type == "diagonal":
            circuit = circuit_structure(diagonal_circuit(ckpt.model))
            A, B = (v.detach().double().numpy() for v in ckpt.model.diagonal_vectors())
            invariance = overlap_invariance(A, B)
        return HeadsEvidence(float(np.mean([s.score for s in scores.values()])), random_cosine_level(k), circuit,
                             invariance)

    def judge(self, e: HeadsEvidence) -> Verdict:
        th = self.thresholds
        orthogonal_below = th.orthogonal_fraction * e.random_level
        values = {"score": f"{e.overlap:.3f}", "random": f"{e.random_level:.3f}"}
        if e.circuit is None:
            orthogonal = e.overlap <= orthogonal_below
            return Verdict("verdict.heads.full_good" if orthogonal else "verdict.heads.full_bad", values, orthogonal)
        c = e.circuit
        values |= {"c": f"{c.best_c:.3f}", "error": f"{100 * c.best_rel_error:.2g}"}
        inv = e.invariance
        overlap_values = values | {"low": f"{inv.low:.3f}", "high": f"{inv.high:.3f}",
                                   "gram": f"{100 * inv.gram_error:.0f}"}
        if inv.high <= orthogonal_below:
            overlap = ("verdict.heads.overlap_orthogonal", overlap_values)
        elif inv.low <= orthogonal_below:
            overlap = ("verdict.heads.overlap_not_fixed", overlap_values)
        else:
            overlap = ("verdict.heads.overlap_random", overlap_values)
        if c.best_rel_error > th.circuit_error_max:
            return Verdict("verdict.heads.no_structure", values, False, (overlap,))
        key = "verdict.heads.rotation_blocks" if c.best == "rotation_blocks" else "verdict.heads.scaled_identity"
        return Verdict(key, values, True, (overlap,))

    def verdict(self, ckpt: Checkpoint) -> Verdict:
        return self.judge(self.evidence(ckpt))


# ------------------------------------------------------------------------------------------- Finding 3


@dataclass(frozen=True)
class PositionsThresholds:
    """A "recurrence" is read from diagonal heads with a structured C (within ``HeadsThresholds``'s error)
    and a last row of ``c·P`` that keeps only its newest ``recurrence_taps`` entries (the rest below
    ``recurrence_rest_max`` of the largest); a cosine is "well described" at R² ≥ ``cosine_r2_min`` (and
    preferred to polynomials by held-out error, see ``structure.compare_shapes``)."""

    recurrence_taps: int = 2
    recurrence_rest_max: float = 0.01
    cosine_r2_min: float = 0.95


@dataclass(frozen=True)
class RecurrenceEvidence:
    """``c·P[n, n]`` (newest) and ``c·P[n, n−1]`` at the last position: with C = c·I, ``(1, 0)`` means
    ``ŝ_{n+1} = W s_n``; with C = c·(I + S), ``(2, −1)`` means ``ŝ_{n+1} = 2 cos θ · s_n − s_{n−1}`` (the
    Chebyshev recurrence of a rotation, cos θ read from s_{n−1}·s_n). ``rest``: the largest |c·P| on older
    tokens of that row, relative to the largest of the two."""

    newest: float
    previous: float
    rest: float
    structure: str


@dataclass(frozen=True)
class ShapeEvidence:
    """The last used row of P without its newest-token entry: flat (round-off, nothing fitted), else its
    cosine fit and the held-out comparison with polynomials of as many or fewer parameters."""

    profile: np.ndarray
    flat: bool
    fit: CosineFit | None
    shapes: ShapeComparison | None


class PositionsFinding(Finding):
    """Finding 3: positions learn trigonometry — the recurrence of diagonal heads, the shape of PE-only rows."""

    id, number, page = "positions", 3, "app_pages/positional_encodings.py"
    default_run = "multihead-diagonal-rotation"
    not_applicable_key = "finding.na.positions"
    thresholds = PositionsThresholds()

    def applies(self, model: ICARModel) -> bool:
        return model.positional_matrix() is not None

    def recurrence(self, ckpt: Checkpoint) -> RecurrenceEvidence | None:
        """The recurrence the run computes, for diagonal heads whose C has the paper's structure; else None."""
        if ckpt.model.head_type != "diagonal" or ckpt.model.positional_matrix() is None:
            return None
        c = circuit_structure(diagonal_circuit(ckpt.model))
        if c.best_rel_error > HeadsFinding.thresholds.circuit_error_max:
            return None
        row = c.best_c * ckpt.model.positional_matrix().double().numpy()[-1]
        taps = self.thresholds.recurrence_taps
        scale = float(np.abs(row[-taps:]).max())
        rest = float(np.abs(row[:-taps]).max()) / scale if scale > 0 else np.inf
        return RecurrenceEvidence(float(row[-1]), float(row[-2]), rest, c.best)

    def shape(self, ckpt: Checkpoint) -> ShapeEvidence:
        self.require(ckpt)
        profile = pe_profile(ckpt.model)
        if pe_profile_is_flat(ckpt.model):
            return ShapeEvidence(profile, True, None, None)
        return ShapeEvidence(profile, False, fit_cosine(profile, r2_threshold=self.thresholds.cosine_r2_min),
                             compare_shapes(profile))

    def verdict(self, ckpt: Checkpoint, shape: ShapeEvidence | None = None) -> Verdict:
        """The recurrence where the run computes one, else the row's shape (``shape``: already computed)."""
        self.require(ckpt)
        recurrence = self.recurrence(ckpt)
        if recurrence is not None and recurrence.rest <= self.thresholds.recurrence_rest_max:
            values = {"newest": f"{recurrence.newest:.3f}", "previous": f"{recurrence.previous:.3f}",
                      "rest": f"{100 * recurrence.rest:.2g}"}
            key = ("verdict.positions.chebyshev" if recurrence.structure == "rotation_blocks"
                   else "verdict.positions.newest")
            return Verdict(key, values, True)
        return self.judge_shape(shape if shape is not None else self.shape(ckpt))

    def judge_shape(self, e: ShapeEvidence) -> Verdict:
        if e.flat:
            return Verdict("verdict.positions.flat", {"max": f"{np.abs(e.profile).max():.1e}"}, None)
        fit, shapes = e.fit, e.shapes
        covered = fit.omega * (len(e.profile) - 1) / (2 * np.pi)
        values = {"r2": f"{fit.r2:.4f}", "omega": f"{fit.omega:.3f}", "window": len(e.profile),
                  "covered": f"{100 * covered:.0f}%", "cosine_cv": f"{shapes.cosine:.2g}",
                  "cubic_cv": f"{shapes.cubic:.2g}", "quadratic_cv": f"{shapes.quadratic:.2g}",
                  "folds": shapes.folds}
        if fit.omega_at_lower_bound:
            return Verdict("verdict.positions.bound", values | {"shape": "bound"}, False)
        if not fit.well_described:
            return Verdict("verdict.positions.not_cosine", values | {"shape": "not_cosine"}, False)
        if not shapes.cosine_preferred:
            return Verdict("verdict.positions.like_cubic", values | {"shape": "like_cubic"}, None)
        return Verdict("verdict.positions.cosine", values | {"shape": "cosine"}, True)


# ------------------------------------------------------------------------------------------- the registry

FINDINGS: dict[str, Finding] = {f.id: f for f in (GDFinding(), HeadsFinding(), PositionsFinding())}


def finding(finding_id: str) -> Finding:
    """The registered finding ``finding_id`` (ValueError naming the allowed ids otherwise)."""
    if finding_id not in FINDINGS:
        raise ValueError(f"finding must be one of {', '.join(FINDINGS)}; got {finding_id!r}")
    return FINDINGS[finding_id]


def run_for(finding_id: str, selected: Checkpoint, runs: Sequence[Checkpoint]) -> Checkpoint | None:
    """The selected run if the finding applies to it, else the finding's default run, else any run it applies
    to (None when there is none): the one run policy of every page."""
    f = finding(finding_id)
    if f.applies(selected.model):
        return selected
    fitting = [r for r in runs if f.applies(r.model)]
    return next((r for r in fitting if r.name == f.default_run), fitting[0] if fitting else None)


def verdict(ckpt: Checkpoint, finding_id: str) -> Verdict:
    """Finding ``finding_id``'s verdict on ``ckpt`` (NotApplicableError when it does not apply)."""
    return finding(finding_id).verdict(ckpt)
