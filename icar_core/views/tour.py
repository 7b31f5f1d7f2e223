"""The tour: five ideas of the paper, each computed from a shipped run, as plain data for the page.

Step → the finding whose run it uses (:func:`step_run`): the task, the estimate and the gradient step use
an augmented run; the heads a multi-head run; the positions a run whose positional row has a shape to show
(PE-only: the recurrence of diagonal heads is Finding 3's other half, on its own page). Every function takes
the run first and plain inputs after it, so the page caches it with ``ui.cached``. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from icar_core.charts.common import heatmap_row
from icar_core.charts.gd import trajectory_chart
from icar_core.charts.paper import heatmap_size, one_based, profile_chart
from icar_core.charts.vegalite import Chart
from icar_core.checkpoints import Checkpoint
from icar_core.findings import FINDINGS, run_for
from icar_core.i18n import translate
from icar_core.structure import fit_cosine, head_orthogonality, pe_profile, pe_profile_is_flat
from icar_core.views import angle_degrees, cosine_degrees, relative_error
from icar_core.views.context import example_context
from icar_core.views.gd import gd_context, is_commuting

STEPS = ("task", "estimate", "gd", "heads", "positions")
#: The finding whose run each step is computed from.
STEP_FINDING = {"task": "gd", "estimate": "gd", "gd": "gd", "heads": "heads", "positions": "positions"}
#: The seed of the example context every step draws (the same sequence through steps 1-3).
TOUR_SEED = 0
#: The positions step shows the shape of a row trained alone; this run when the selected one has none.
SHAPE_RUN = "pe-only-mu200"


def _has_shape(ckpt: Checkpoint) -> bool:
    positions = FINDINGS["positions"]
    return positions.applies(ckpt.model) and positions.recurrence(ckpt) is None


def step_run(step: str, selected: Checkpoint, runs: Sequence[Checkpoint]) -> Checkpoint | None:
    """The run step ``step`` is computed from: the registry's run for its finding, except that the positions
    step needs a row with a shape (not a recurrence that keeps only the newest tokens)."""
    if step != "positions":
        return run_for(STEP_FINDING[step], selected, runs)
    if _has_shape(selected):
        return selected
    fitting = [r for r in runs if _has_shape(r)]
    return next((r for r in fitting if r.name == SHAPE_RUN), fitting[0] if fitting else None)


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
    turns = [angle_degrees(path[k], path[k + 1]) for k in range(len(path) - 1)]
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
    error = 100 * relative_error(example.prediction, example.truth)
    baseline = 100 * relative_error(example.states[-1], example.truth)
    return EstimateStep(example.states, example.truth, example.prediction, float(error), float(baseline))


@dataclass(frozen=True)
class GDStep:
    """Step 3, on the step-1 sequence at its last position n — :func:`icar_core.views.gd.gd_context`'s numbers:
    ``model`` = the model's estimate of W (Gamma_model, the block acting on s_n, exact for augmented runs),
    ``gd`` = one gradient step η_n Σ s_t s_{t-1}ᵀ with the task's best η_n, ``truth`` = W; ``cosine``: cosine
    between the model's real prediction (which for unconstrained weights also reads s_{n-1}) and the GD step's
    prediction here (``compare_with_gd``'s prediction_cosine)."""

    model: np.ndarray
    gd: np.ndarray
    truth: np.ndarray
    cosine: float


def gd_step(ckpt: Checkpoint, seed: int = TOUR_SEED) -> GDStep:
    context = gd_context(ckpt, seed, ckpt.process.T - 1)  # NotApplicableError for runs without augmented tokens
    return GDStep(context.gamma, context.W_GD, context.W, context.metrics["prediction_cosine"])


def gd_agreement(values: Mapping[str, object]) -> tuple[str, dict[str, str]]:
    """The step-3 sentence from the values of Finding 1's verdict (so the page needs no second, differently
    cached verdict): ``tour.gd.s2`` when the median prediction cosine's whole interval reaches the finding's
    ``cosine_min``, else ``tour.gd.s2_not``; its values: the median cosine (``median``, to its interval's
    precision), the cosine with its interval (``cosine``), the angle the median stands for (degrees) and the
    number of contexts."""
    low = float(values["cosine_low"])
    key = "tour.gd.s2" if low >= FINDINGS["gd"].thresholds.cosine_min else "tour.gd.s2_not"
    return key, {"cosine": str(values["cosine"]), "median": str(values["cosine_median"]),
                 "angle": f"{cosine_degrees(float(values['cosine_value'])):.0f}", "contexts": str(values["contexts"])}


@dataclass(frozen=True)
class HeadsStep:
    """Step 4. ``cosines``: circuit name -> (H, H) cosines between the heads (structure.head_orthogonality: ``A``
    and ``B`` for diagonal heads, ``W_QK`` and ``W_OV`` for full ones); ``score``: mean |cosine| between
    different heads, averaged over the circuits — the number of the verdict (verdicts.heads_finding)."""

    cosines: dict[str, np.ndarray]
    score: float

    @property
    def n_heads(self) -> int:
        return len(next(iter(self.cosines.values())))


def heads_step(ckpt: Checkpoint) -> HeadsStep:
    scores = head_orthogonality(ckpt.model)
    return HeadsStep({name: s.cosines for name, s in scores.items()},
                     float(np.mean([s.score for s in scores.values()])))


@dataclass(frozen=True)
class PositionsStep:
    """Step 5. ``profile``: the last used row of the positional weights (structure.pe_profile) against
    position, and ``fitted`` its best single cosine (structure.fit_cosine); r2, period (positions),
    well_described as in structure.CosineFit. ``flat``: the row is round-off next to the largest weight
    (structure.pe_profile_is_flat) — there is no shape, so nothing is fitted (``fitted`` None, r2 and
    period NaN, well_described False)."""

    profile: np.ndarray
    fitted: np.ndarray | None
    r2: float
    period: float
    well_described: bool
    flat: bool = False

    def frame(self, learned: str, cosine: str) -> pd.DataFrame:
        t = np.arange(len(self.profile), dtype=float)
        parts = [pd.DataFrame({"x": t, "y": self.profile, "series": learned})]
        if self.fitted is not None:
            parts.append(pd.DataFrame({"x": t, "y": self.fitted, "series": cosine}))
        return pd.concat(parts, ignore_index=True)


def positions_step(ckpt: Checkpoint) -> PositionsStep:
    profile = pe_profile(ckpt.model)
    if pe_profile_is_flat(ckpt.model):
        return PositionsStep(profile, None, float("nan"), float("nan"), False, flat=True)
    fit = fit_cosine(profile)
    return PositionsStep(profile, fit.predict(np.arange(len(profile))), fit.r2, fit.period, fit.well_described)


def positions_sentence(verdict_values: Mapping[str, object]) -> str:
    """The positions step's second sentence (a text key) from Finding 3's verdict values on the step's run: a
    cosine (``tour.positions.s2``), as good as a cubic (``tour.positions.s2_cubic``) or not a cosine."""
    return {"cosine": "tour.positions.s2", "like_cubic": "tour.positions.s2_cubic"}.get(
        str(verdict_values["shape"]), "tour.positions.s2_not")



@dataclass(frozen=True)
class StepContent:
    """What a tour step draws: its chart, its second sentence and its metric ``(label, value, grey line, tip)``."""

    chart: Chart
    second: str
    metric: tuple[str, str, str | None, str]


def step_content(ckpt: Checkpoint, step: str, lang: str, verdict_values: Mapping[str, object] | None) -> StepContent:
    """Step ``step`` of the tour on ``ckpt`` in ``lang``; ``verdict_values``: the values of the step's finding's
    verdict (the header's, so its numbers and the step's agree), for the gd and positions steps."""
    def tr(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    series = {"context": tr("chart.series.context"), "truth": tr("chart.series.truth"),
              "model": tr("chart.series.model")}
    # Rules that mix all coordinates make the first two jump about: their states are drawn as points, not a path.
    axes = {"x_title": tr("chart.coordinate1"), "y_title": tr("chart.coordinate2"), "join": is_commuting(ckpt)}
    if step == "task":
        data = task_step(ckpt)
        chart = trajectory_chart(data.states, {"truth": data.truth}, series, tr("tour.task.chart"), size=400, **axes)
        angle = f"{data.turn_degrees:.0f}"
        return StepContent(chart, tr("tour.task.s2", angle=angle),
                           (tr("tour.task.metric"), f"{angle}°", None, tr("tour.task.metric_help")))
    if step == "estimate":
        data = estimate_step(ckpt)
        chart = trajectory_chart(data.states, {"truth": data.truth, "model": data.prediction}, series,
                                 tr("tour.estimate.chart"), size=400, **axes)
        error, baseline = f"{data.error_percent:.0f}", f"{data.baseline_percent:.0f}"
        return StepContent(chart, tr("tour.estimate.s2", error=error, baseline=baseline),
                           (tr("tour.estimate.metric"), f"{error}%", tr("tour.estimate.delta", baseline=baseline),
                            tr("tour.estimate.metric_help")))
    if step == "gd":
        data = gd_step(ckpt)
        key, values = gd_agreement(verdict_values)
        coords = one_based(len(data.truth))
        chart = heatmap_row({tr("tour.panel.model"): data.model, tr("tour.panel.gd"): data.gd,
                             tr("tour.panel.truth"): data.truth}, title=tr("tour.gd.chart"), row_labels=coords,
                            col_labels=coords, x_title=tr("tour.axis.input"), y_title=tr("tour.axis.output"),
                            value_title=tr("tour.axis.value"), size=heatmap_size(len(coords)))
        metric = (tr("tour.gd.metric"), values["median"], tr("tour.gd.delta", **values),
                  tr("tour.gd.metric_help", **values))
        return StepContent(chart, tr(key, **values), metric)
    if step == "heads":
        data = heads_step(ckpt)
        labels = [str(h + 1) for h in range(data.n_heads)]
        # Every circuit the score averages over (the verdict's number), on one colour scale.
        chart = heatmap_row({tr(f"tour.circuit.{name}"): cosines for name, cosines in data.cosines.items()},
                            title=tr("tour.heads.chart"), row_labels=labels, col_labels=labels,
                            x_title=tr("tour.axis.head"), y_title=tr("tour.axis.head"),
                            value_title=tr("tour.axis.overlap"), size=heatmap_size(len(labels)))
        score = f"{data.score:.3f}"
        circuits = tr("tour.heads.and").join(tr(f"tour.circuit.{name}") for name in data.cosines)
        return StepContent(chart, tr("tour.heads.s2", heads=data.n_heads, score=score, circuits=circuits),
                           (tr("tour.heads.metric"), score, tr("tour.heads.delta"), tr("tour.heads.metric_help")))
    data = positions_step(ckpt)
    learned, cosine = tr("tour.series.learned"), tr("tour.series.cosine")
    # The learned weights are drawn on top of their fit, in the same colours in every language.
    chart = profile_chart(data.frame(learned, cosine), tr("tour.positions.chart"), learned=learned, cosine=cosine,
                          x_title=tr("tour.axis.position"), y_title=tr("tour.axis.weight"), width=440, height=340)
    if data.flat:
        return StepContent(chart, tr("tour.positions.s2_flat"), (tr("tour.positions.metric"),
                                                                 tr("tour.positions.value_flat"), None,
                                                                 tr("tour.positions.metric_help")))
    r2 = f"{100 * data.r2:.0f}"
    second = tr(positions_sentence(verdict_values), r2=r2, window=len(data.profile), covered=verdict_values["covered"])
    return StepContent(chart, second, (tr("tour.positions.metric"), f"{r2}%", tr("tour.positions.delta"),
                                       tr("tour.positions.metric_help")))
