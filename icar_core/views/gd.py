"""Model vs one gradient-descent step on the same context (Finding 1), as plain data for the page.

Every function takes a :class:`~icar_core.checkpoints.Checkpoint` first and plain, hashable inputs after
it, so the page can cache it with ``ui.cached``. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from icar_core.analysis import GaugeView, GDComparison, compare_with_gd, gauge_view, gd_curve
from icar_core.charts.common import heatmap_row
from icar_core.charts.gd import SERIES_COLORS, error_curve_chart, error_curve_frame, trajectory_chart
from icar_core.charts.paper import heatmap_size
from icar_core.charts.vegalite import VegaLiteSpec
from icar_core.checkpoints import Checkpoint
from icar_core.data import commuting_W, rollout
from icar_core.errors import NotApplicableError
from icar_core.findings import FINDINGS
from icar_core.stats import Estimate
from icar_core.views import Card
from icar_core.views.reproduce import snippet

#: Contexts behind the error-against-context-length curve, and their seed (fixed: the curve is the run's).
CURVE_CONTEXTS = 256
CURVE_SEED = 2025

#: The metrics the page shows for one context, in :func:`icar_core.analysis.compare_with_gd`'s names.
METRICS = ("model_error", "gd_error", "ls_error", "prediction_diff", "prediction_cosine", "sensitivity_cosine",
           "sensitivity_l2",
           "update_rel_error", "update_cosine", "model_W_error", "gd_W_error", "ls_W_error", "model_eta", "gd_eta",
           "previous_block_share")

# The gauge view "is one GD step up to a symmetry of the commuting family" only when the product V·KᵀQ is
# c·I, each block is a rotation inside every plane (their non-rotation parts small) and the two rotations
# cancel (opposite angles, plane by plane).
GAUGE_ERROR_MAX = 0.05
GAUGE_ANGLE_TOLERANCE = 0.05  # radians


def require_augmented(ckpt: Checkpoint) -> None:
    """NotApplicableError unless Finding 1 applies (an exact update Γ, not a Jacobian)."""
    FINDINGS["gd"].require(ckpt)


def reason(ckpt: Checkpoint) -> str | None:
    """Why the page does not apply to ``ckpt`` (Finding 1's own sentence, a locale key), or None when it does."""
    gd = FINDINGS["gd"]
    return None if gd.applies(ckpt.model) else gd.not_applicable_key


def is_commuting(ckpt: Checkpoint) -> bool:
    """Whether the run's W are rotation blocks in a fixed basis (so the page can offer angle sliders)."""
    return ckpt.process.w_dist == "commuting" and ckpt.process.d >= 2


def _block_coordinates(ckpt: Checkpoint, W: torch.Tensor) -> torch.Tensor:
    Q = ckpt.process.basis_matrix(torch.float64)
    return Q.T @ W.double() @ Q


def drawn_angles(ckpt: Checkpoint, seed: int) -> np.ndarray:
    """The rotation angle (radians, in [0, 2π)) of each 2×2 plane of the W that ``seed`` draws."""
    if not is_commuting(ckpt):
        raise NotApplicableError("its W are not rotation blocks in a fixed basis, so they have no plane angles")
    _, W = ckpt.process.sample(1, seed, torch.float64)
    blocks = _block_coordinates(ckpt, W[0]).numpy()
    k = np.arange(ckpt.process.d // 2) * 2
    return np.mod(np.arctan2(blocks[k + 1, k], blocks[k, k]), 2 * np.pi)


def slider_degrees(ckpt: Checkpoint, seed: int) -> list[float]:
    """The angle sliders' starting values: :func:`drawn_angles` in degrees, to the sliders' 0.5° step."""
    return [float(np.round(np.degrees(a) * 2) / 2) for a in drawn_angles(ckpt, seed)]


def radians(degrees: list[float] | tuple[float, ...]) -> tuple[float, ...]:
    """Slider degrees -> the hashable tuple of radians :func:`gd_context` takes."""
    return tuple(float(np.radians(v)) for v in degrees)


def draw_context(ckpt: Checkpoint, seed: int,
                 angles: tuple[float, ...] | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """One full context ``s_0 … s_T`` (1, T+1, d) and its W (1, d, d), float64.

    ``seed`` draws W and ``s_0`` from the run's process. For commuting runs, ``angles`` (radians, one per
    plane) replace the drawn angles: W = Q · blockdiag(R(θ_k)) · Qᵀ with the run's basis Q (the ±1 block of
    an odd d is kept from the draw), and the states are rolled out again from the same ``s_0``.
    """
    process = ckpt.process
    states, W = process.sample(1, seed, torch.float64)
    if angles is None:
        return states, W
    if not is_commuting(ckpt):
        raise NotApplicableError("its W are drawn from a non-commuting family, so they have no plane angles to set")
    if len(angles) != process.d // 2:
        raise ValueError(f"need {process.d // 2} angles (one per rotation plane); got {len(angles)}")
    last_sign = None
    if process.d % 2:
        last_sign = torch.sign(_block_coordinates(ckpt, W[0])[-1, -1]).reshape(1)
    W = commuting_W(torch.tensor([angles], dtype=torch.float64), process.basis_matrix(torch.float64), last_sign)
    generator = torch.Generator().manual_seed(int(seed) + 1)
    return rollout(W, states[:, 0], process.T, process.noise, generator), W


@dataclass(frozen=True)
class GDContext:
    """The model, one GD step and least squares on one context, predicting ``s_{n+1}`` from ``s_0 … s_n``.

    states (n+1, d): ``s_0 … s_n``; truth: ``s_{n+1}``; W: the true rule; ``comparison``: everything
    :func:`icar_core.analysis.compare_with_gd` computed on this one context (Γ, W_GD, W_LS, the three
    predictions, the metrics); state_length: the median length ‖s_t‖ of the context's states (the scale of
    the squared errors: 1 for unit starting states, √(d/2) for ``unit_planes``).
    """

    n: int
    states: np.ndarray
    truth: np.ndarray
    W: np.ndarray
    comparison: GDComparison
    state_length: float

    @property
    def metrics(self) -> dict[str, float]:
        """:data:`METRICS` of this context."""
        return {name: float(self.comparison.metrics[name].iloc[0]) for name in METRICS}

    # The comparison's arrays for this one context (its batch has one entry).
    gamma = property(lambda self: self.comparison.gamma[0])
    gamma_previous = property(lambda self: self.comparison.gamma_previous[0])
    W_GD = property(lambda self: self.comparison.W_GD[0])
    W_LS = property(lambda self: self.comparison.W_LS[0])
    eta = property(lambda self: self.comparison.eta)
    model_prediction = property(lambda self: self.comparison.model_prediction[0])
    gd_prediction = property(lambda self: self.comparison.gd_prediction[0])
    ls_prediction = property(lambda self: self.comparison.ls_prediction[0])
    exact = property(lambda self: self.comparison.exact)


def gd_context(ckpt: Checkpoint, seed: int, n: int, angles: tuple[float, ...] | None = None) -> GDContext:
    """Compare the model with one GD step on the context that ``seed`` (and ``angles``) give, at length ``n``."""
    require_augmented(ckpt)
    T = ckpt.process.T
    if not 1 <= n <= T - 1:
        raise ValueError(f"n must be in [1, {T - 1}]; got {n}")
    states, W = draw_context(ckpt, seed, angles)
    context = states[:, : n + 2]  # s_0 … s_{n+1}: the model predicts the last from the others
    comparison = compare_with_gd(ckpt.model, context, W, process=ckpt.process)
    inputs = context[0, :-1].numpy()
    return GDContext(n=n, states=inputs, truth=context[0, -1].numpy(), W=W[0].numpy(), comparison=comparison,
                     state_length=float(np.median(np.linalg.norm(inputs, axis=1))))


def error_curve(ckpt: Checkpoint, n_contexts: int = CURVE_CONTEXTS, seed: int = CURVE_SEED) -> pd.DataFrame:
    """Mean squared error against context length n (1 … T−1) of the model, the best GD step and the true W.

    Columns ``n, model_loss, gd_loss, truth_loss`` (and the medians of every comparison metric), from
    :func:`icar_core.analysis.gd_curve` on ``n_contexts`` fresh contexts of the run's process.
    """
    require_augmented(ckpt)
    states, W = ckpt.process.sample(n_contexts, seed, torch.float64)
    return gd_curve(ckpt.model, states, W, process=ckpt.process)


def gauge(ckpt: Checkpoint) -> GaugeView:
    """The gauge-invariant view ``V_blk · (K_blkᵀ Q_blk)`` of a block-structured run (see ``analysis.gauge_view``)."""
    require_augmented(ckpt)
    return gauge_view(ckpt.model, ckpt.process)


def gauge_is_one_step(view: GaugeView) -> bool:
    """Whether the gauge view supports "one GD step up to a symmetry of the commuting family": the product is
    c·I and both blocks are rotations in every plane (relative errors below :data:`GAUGE_ERROR_MAX`), with
    opposite angles (their sum within :data:`GAUGE_ANGLE_TOLERANCE` rad of 0 in every plane)."""
    small = max(view.rel_error, view.V_commutator, view.KQ_commutator) < GAUGE_ERROR_MAX
    sums = np.angle(np.exp(1j * (np.asarray(view.V_angles) + np.asarray(view.KQ_angles))))
    return bool(small and np.all(np.abs(sums) <= GAUGE_ANGLE_TOLERANCE))


def gauge_text_key(view: GaugeView) -> str:
    """``gd.gauge.text`` when :func:`gauge_is_one_step`, else ``gd.gauge.text_not`` (numbers, no conclusion)."""
    return "gd.gauge.text" if gauge_is_one_step(view) else "gd.gauge.text_not"


def structure_of(ckpt: Checkpoint) -> str:
    """``block`` or ``full`` for augmented runs (how the page explains the update's blocks)."""
    require_augmented(ckpt)
    return ckpt.config.model.structure


#: The metrics grid of the page, row by row: (metric, what its grey line compares it with — a text key and a
#: metric — or None). Short labels (Streamlit cuts long ones); the full description is each card's tooltip.
METRIC_GRID = (
    (("model_error", ("gd.delta.gd", "gd_error")), ("gd_error", ("gd.delta.model", "model_error")),
     ("ls_error", None), ("prediction_cosine", None)),
    (("sensitivity_cosine", None), ("sensitivity_l2", None), ("update_cosine", None), ("update_rel_error", None)),
    (("model_W_error", ("gd.delta.gd", "gd_W_error")), ("gd_W_error", ("gd.delta.model", "model_W_error")),
     ("ls_W_error", None), ("model_eta", ("gd.delta.best_eta", "gd_eta"))),
    (("prediction_diff", None),),
)


def metric_cards(context: GDContext, tr: Callable[..., str], fmt: Callable[[float], str]) -> list[list[Card]]:
    """The page's metric cards for one context, in the rows of :data:`METRIC_GRID`, in the language of ``tr``."""
    m = context.metrics
    return [[(tr(f"gd.m.{name}"), fmt(m[name]), None if compare is None else tr(compare[0], value=fmt(m[compare[1]])),
              tr(f"gd.m.{name}_help", length=f"{context.state_length:.3g}")) for name, compare in row]
            for row in METRIC_GRID]


def gauge_sentence(view: GaugeView, tr: Callable[..., str]) -> str:
    """The gauge view's paragraph (:func:`gauge_text_key`) with its angles and residuals filled in."""
    return tr(gauge_text_key(view), v_angles=", ".join(f"{np.degrees(a):+.1f}°" for a in view.V_angles),
              kq_angles=", ".join(f"{np.degrees(a):+.1f}°" for a in view.KQ_angles),
              v_res=f"{100 * view.V_commutator:.1f}", kq_res=f"{100 * view.KQ_commutator:.1f}", c=f"{view.c:.3f}",
              error=f"{100 * view.rel_error:.1f}")


def curve_caption(ckpt: Checkpoint, curve: pd.DataFrame, tr: Callable[..., str], fmt: Callable[[float], str]) -> str:
    """The error curve's caption: the three errors at full length and what the truth's error means here."""
    last = curve.iloc[-1]
    truth = tr("gd.truth_noise", sigma=f"{ckpt.process.noise:g}") if ckpt.process.noise > 0 else tr("gd.truth_clean")
    return tr("gd.curve_caption", contexts=CURVE_CONTEXTS, model=fmt(last["model_loss"]), gd=fmt(last["gd_loss"]),
              ls=f"{last['ls_loss']:.1e}") + " " + truth


def matrix_panels(context: GDContext, tr: Callable[..., str]) -> dict[str, np.ndarray]:
    """The matrices drawn side by side, by translated title: Γ, the GD step, least squares, the truth — and for
    unconstrained (full) weights the block acting on s_{n−1}, which a block-structured model does not have."""
    panels = {tr("gd.panel.model"): context.gamma, tr("gd.panel.gd", eta=f"{context.eta:.4f}"): context.W_GD,
              tr("gd.panel.ls"): context.W_LS, tr("gd.panel.truth"): context.W}
    if np.any(context.gamma_previous):
        panels[tr("gd.panel.previous")] = context.gamma_previous
    return panels


def matrices_chart(context: GDContext, tr: Callable[..., str]) -> VegaLiteSpec:
    """The matrices of :func:`matrix_panels` side by side, as heatmaps on one colour scale."""
    d = len(context.W)
    labels = [str(i + 1) for i in range(d)]
    return heatmap_row(matrix_panels(context, tr), row_labels=labels, col_labels=labels,
                       value_title=tr("gd.axis.value"), x_title=tr("gd.axis.in"), y_title=tr("gd.axis.out"),
                       size=heatmap_size(d, 170 if d <= 6 else 220), title=tr("gd.matrices_title", n=context.n))


def curve_chart(curve: pd.DataFrame, n: int, tr: Callable[..., str]) -> VegaLiteSpec:
    """The error-against-context-length chart of :func:`error_curve`, with the chosen length ``n`` marked."""
    series = {"model_loss": tr("gd.series.model"), "gd_loss": tr("gd.series.gd"), "ls_loss": tr("gd.series.ls"),
              "truth_loss": tr("gd.series.truth")}
    return error_curve_chart(error_curve_frame(curve, series), tr("gd.curve_title", contexts=CURVE_CONTEXTS),
                             x_title=tr("gd.curve_x"), y_title=tr("gd.curve_y"),
                             colors={series[k]: SERIES_COLORS[k] for k in series}, current_n=n,
                             current_label=tr("gd.curve_now"))


def trajectory(ckpt: Checkpoint, context: GDContext, tr: Callable[..., str]) -> tuple[VegaLiteSpec, str]:
    """The context's first two coordinates with the next-state predictions, and its caption."""
    joined = is_commuting(ckpt)  # other rules mix all coordinates: joining the states draws a tangle
    points = {"truth": context.truth, "model": context.model_prediction, "gd": context.gd_prediction,
              "ls": context.ls_prediction}
    names = {"context": tr("chart.series.context"), "truth": tr("chart.series.truth"),
             "model": tr("chart.series.model"), "gd": tr("gd.series.gd_prediction"),
             "ls": tr("gd.series.ls_prediction")}
    chart = trajectory_chart(context.states, points, names, tr("gd.trajectory_title"), x_title=tr("chart.coordinate1"),
                             y_title=tr("chart.coordinate2"), join=joined, size=280)
    return chart, tr("gd.trajectory_caption" if joined else "gd.trajectory_caption_points", d=ckpt.process.d)


def gauge_chart(view: GaugeView, tr: Callable[..., str]) -> VegaLiteSpec:
    """The effective step V_blk·(K_blkᵀQ_blk) beside its best c·I, in the language of ``tr``."""
    d = len(view.preconditioner)
    labels = [str(i + 1) for i in range(d)]
    return heatmap_row({tr("gd.gauge.product"): view.preconditioner,
                        tr("gd.gauge.fit", c=f"{view.c:.3f}"): view.c * np.eye(d)},
                       row_labels=labels, col_labels=labels, value_title=tr("gd.axis.value"), x_title=tr("gd.axis.in"),
                       y_title=tr("gd.axis.out"), size=heatmap_size(d, 190), title=tr("gd.gauge_title"))


def gauge_cards(view: GaugeView, tr: Callable[..., str], fmt: Callable[[float], str]) -> list[list[Card]]:
    """The gauge view's two cards, one under the other: the step scale c and the product's distance to c·I."""
    return [[(tr("gd.gauge.c"), fmt(view.c), None, tr("gd.gauge.c_help"))],
            [(tr("gd.gauge.error"), fmt(view.rel_error), None, tr("gd.gauge.error_help"))]]


def compare_numbers(ckpt: Checkpoint) -> dict[str, Estimate] | None:
    """What two runs are compared by: Finding 1's loss ratio, prediction cosine and the two losses behind the
    ratio, each with its interval and n (the verdict's own evidence); None when the finding does not apply."""
    try:
        e = FINDINGS["gd"].evidence(ckpt)
    except NotApplicableError:  # not augmented, or one GD step is exact (no ratio means anything)
        return None
    return {"compare.gd.loss_ratio": e.loss_ratio, "compare.gd.prediction_cosine": e.prediction_cosine,
            "compare.gd.model_loss": e.model_loss, "compare.gd.gd_loss": e.gd_loss}


def reproduce_code(ckpt: Checkpoint, seed: int, n: int, angles: tuple[float, ...] | None) -> str:
    """The lines that recompute the page's metric cards for this context and the verdict's loss ratio."""
    return snippet(ckpt, ["from icar_core.findings import FINDINGS", "from icar_core.views import gd"], [
        f"context = gd.gd_context(run, seed={seed}, n={n}, angles={angles!r})",
        "print(context.metrics)  # the metric cards: this context's errors, cosines and step sizes",
        'evidence = FINDINGS["gd"].evidence(run)',
        "print(evidence.loss_ratio.text(), evidence.loss_ratio.n)  # the verdict's loss ratio, 95% interval, n",
    ])
