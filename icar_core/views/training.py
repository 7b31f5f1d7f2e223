"""How a run trained: loss curves, the structure in its snapshots, its configuration and a verdict.

Plain functions of a :class:`~icar_core.checkpoints.Checkpoint` (cached by the page with ``ui.cached``);
text keys, not text, for everything the page translates. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
import torch

from icar_core.analysis import compare_with_gd
from icar_core.checkpoints import Checkpoint
from icar_core.errors import NotApplicableError
from icar_core.findings import FINDINGS, Verdict
from icar_core.stats import Estimate, column_estimates, column_quantiles
from icar_core.structure import (
    circuit_structure,
    diagonal_circuit,
    fit_cosine,
    head_orthogonality,
    pe_profile,
    pe_profile_is_flat,
)

#: Contexts used to measure GD agreement on every snapshot (small: about 30 snapshots are measured).
SNAPSHOT_CONTEXTS = 128
SNAPSHOT_SEED = 77

#: Structure metrics over training, in the order the chart lists them.
STRUCTURE_METRICS = ("prediction_cosine", "loss_ratio", "orthogonality", "circuit_error", "pe_r2")


def closed_form_objective(ckpt: Checkpoint) -> bool:
    """Whether the run was optimised on the paper's closed-form objective rather than on sampled batches (the
    paper-reference runs, see icar_core.paper_reference): its ``train_loss`` is that objective in icar's loss
    units, not a batch loss."""
    return "paper_objective" in ckpt.train_state


def loss_curves(ckpt: Checkpoint) -> pd.DataFrame:
    """The run's logged losses: columns ``step, train_loss, eval_loss`` and ``gd_loss`` where logged."""
    columns = [c for c in ("step", "train_loss", "eval_loss", "gd_loss") if c in ckpt.history]
    return ckpt.history[columns].copy()


def loss_long(runs: dict[str, Checkpoint], curve_labels: dict[str, str], run_column: str = "run",
              objective_label: str | None = None) -> pd.DataFrame:
    """Every selected run's curves in long form: ``step, loss, run, curve``.

    ``runs``: label -> checkpoint; ``curve_labels``: history column (``train_loss``, ``eval_loss``,
    ``gd_loss``) -> label; only the columns named there are kept (a run without ``gd_loss`` has no GD line).
    ``objective_label``: the label of ``train_loss`` for runs optimised on the paper's closed-form objective
    (:func:`closed_form_objective`), whose "training loss" is that objective (default: the same label).
    """
    frames = []
    for label, ckpt in runs.items():
        history = loss_curves(ckpt)
        for column, curve in curve_labels.items():
            if column == "train_loss" and objective_label is not None and closed_form_objective(ckpt):
                curve = objective_label
            if column in history:
                frames.append(pd.DataFrame({"step": history["step"].to_numpy(), "loss": history[column].to_numpy(),
                                            run_column: label, "curve": curve}))
    if not frames:
        return pd.DataFrame({"step": [], "loss": [], run_column: [], "curve": []})
    return pd.concat(frames, ignore_index=True)


def structure_metrics_of(ckpt: Checkpoint) -> tuple[str, ...]:
    """Which of :data:`STRUCTURE_METRICS` apply to the run: those of the registry's findings that apply to it."""
    model = ckpt.model
    names = []
    if FINDINGS["gd"].applies(model):
        names += ["prediction_cosine", "loss_ratio"]
    if FINDINGS["heads"].applies(model):
        names.append("orthogonality")
        if model.head_type == "diagonal":
            names.append("circuit_error")
    if FINDINGS["positions"].applies(model):
        names.append("pe_r2")
    return tuple(names)


@dataclass(frozen=True)
class _GDSample:
    """Fresh contexts and their rules, the same for every snapshot."""

    states: torch.Tensor  # s_0 … s_n (batch, n+1, d): the model predicts s_n from s_0 … s_{n-1}
    W: torch.Tensor  # (batch, d, d)


def _gd_sample(ckpt: Checkpoint, n_contexts: int, seed: int) -> _GDSample:
    states, W = ckpt.process.sample(n_contexts, seed, torch.float64)
    return _GDSample(states, W)


def _gd_agreement(models: list[torch.nn.Module], ckpt: Checkpoint, sample: _GDSample) -> list[dict[str, Estimate]]:
    """Per model: median prediction cosine and loss ratio against the task's best GD step at the last position, with
    their 95% intervals, from :func:`icar_core.analysis.compare_with_gd` on the sample's contexts (no ratio where one
    GD step is exact). The intervals of all models resample the same contexts, so they are computed together."""
    frames = [compare_with_gd(model, sample.states, sample.W, process=ckpt.process).metrics for model in models]

    def columns(name: str) -> np.ndarray:
        return np.stack([frame[name].to_numpy() for frame in frames], axis=1)  # (contexts, models)

    values = [{"prediction_cosine": e} for e in column_quantiles(columns("prediction_cosine"), 0.5)]
    gd_error = columns("gd_error")  # the GD step's errors do not depend on the model
    if gd_error[:, 0].sum() > 0:
        for value, ratio in zip(values, column_estimates(columns("model_error"), gd_error), strict=True):
            value["loss_ratio"] = ratio
    return values


def _pe_r2(model: torch.nn.Module) -> float | None:
    """R² of the cosine fit of the last used row of P, or None when that row is round-off next to P's largest
    entry (structure.pe_profile_is_flat): a fit of rounding noise is no measurement."""
    if pe_profile_is_flat(model):
        return None
    return float(fit_cosine(pe_profile(model)).r2)


def _snapshot_values(model: torch.nn.Module, names: tuple[str, ...]) -> dict[str, float]:
    """The structure measures of one snapshot that need no sampled contexts."""
    values = {}
    if "orthogonality" in names:
        values["orthogonality"] = float(np.mean([s.score for s in head_orthogonality(model).values()]))
    if "circuit_error" in names:
        values["circuit_error"] = float(circuit_structure(diagonal_circuit(model)).best_rel_error)
    if "pe_r2" in names:
        r2 = _pe_r2(model)
        if r2 is not None:
            values["pe_r2"] = r2
    return values


def structure_over_training(ckpt: Checkpoint, n_contexts: int = SNAPSHOT_CONTEXTS,
                            seed: int = SNAPSHOT_SEED) -> pd.DataFrame:
    """The structure measures of every snapshot, long form: ``step, metric, value, low, high`` (metric: a name of
    :data:`STRUCTURE_METRICS`; low, high: the 95% interval of measures over sampled contexts, else the value).

    Augmented runs: median cosine between the model's and the best GD step's predictions, and the model's
    loss over GD's, on ``n_contexts`` fresh contexts at the last position (icar_core.analysis.compare_with_gd).
    Multi-head runs: mean |cosine| between heads, and for diagonal heads the relative error of the best
    ``c·I`` / ``c·(I + S)`` fit of ``Bᵀ A``. Runs with a positional matrix: R² of the cosine fit of its last row,
    left out for snapshots where that row is flat round-off (nothing to fit).
    """
    names = structure_metrics_of(ckpt)
    if not names:
        raise NotApplicableError("none of the structure measures (GD agreement, head orthogonality, cosine "
                                 "shape of a positional matrix) applies to this kind of run")
    if not ckpt.snapshots:
        raise NotApplicableError("the checkpoint holds no snapshots of the weights during training")
    models = [ckpt.model_at(index) for index in range(len(ckpt.snapshot_steps))]
    agreements = _gd_agreement(models, ckpt, _gd_sample(ckpt, n_contexts, seed)) if "prediction_cosine" in names \
        else [{} for _ in models]
    measured = [{**agreement, **_snapshot_values(model, names)} for agreement, model in zip(agreements, models,
                                                                                            strict=True)]
    rows = []
    for step, values in zip(ckpt.snapshot_steps, measured, strict=True):
        for metric, value in values.items():
            if isinstance(value, Estimate):
                rows.append({"step": int(step), "metric": metric, "value": value.value, "low": value.low,
                             "high": value.high})
            else:
                rows.append({"step": int(step), "metric": metric, "value": value, "low": value, "high": value})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- configuration

_MODEL_FIELDS = {
    "augmented": ("kind", "n_heads", "structure", "normalisation", "init_scale"),
    "multihead": ("kind", "n_heads", "heads", "positional", "field", "query", "init_scale", "pos_dim"),
    "pe_only": ("kind", "field", "init_scale"),
    "authors_augmented": ("kind", "n_heads"),
    "authors_multihead": ("kind", "n_heads", "pos_dim"),
}
_TRAIN_FIELDS = ("optimizer", "steps", "batch_size", "lr", "lr_decay", "fixed_batch", "stop_loss", "plateau_patience",
                 "plateau_tol", "eval_size", "seed", "log_every", "n_snapshots", "dtype")


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def config_rows(ckpt: Checkpoint) -> pd.DataFrame:
    """The run's configuration as rows ``group, setting, value`` (group: process | model | optimisation |
    progress; setting: the configuration field; value: a plain string, booleans as ``yes``/``no``).

    Model fields that do not apply to the run's kind are left out (e.g. no positional setting for
    augmented runs; the embedding size only with learned embeddings).
    """
    config = ckpt.config
    rows = [("process", f.name, _plain(getattr(config.process, f.name))) for f in fields(config.process)]
    model_fields = list(_MODEL_FIELDS[config.model.kind])
    if config.model.kind == "multihead" and config.model.positional != "embedding":
        model_fields.remove("pos_dim")
    if config.model.kind == "multihead" and config.model.heads == "full":
        model_fields.remove("field")
    rows += [("model", name, _plain(getattr(config.model, name))) for name in model_fields]
    rows += [("optimisation", name, _plain(getattr(config, name))) for name in _TRAIN_FIELDS]
    state = ckpt.train_state
    rows += [("progress", "trained_steps", _plain(int(state.get("step", ckpt.history["step"].iloc[-1])))),
             ("progress", "complete", _plain(ckpt.complete)),
             ("progress", "seconds", f"{float(state.get('seconds', 0.0)):.0f}")]
    return pd.DataFrame(rows, columns=["group", "setting", "value"])


# ---------------------------------------------------------------- verdict


#: The last logged held-out loss is called a spike (and the lowest one is reported beside it) when it is at
#: least this many times the lowest logged value.
SPIKE_FACTOR = 2.0


@dataclass(frozen=True)
class FinalLoss:
    """The held-out loss at the end of training, honestly: ``final`` (the last log, at ``step``), ``lowest``
    (the smallest logged value, at ``lowest_step``), ``median_last`` (median of the last five logs) and
    ``first`` (the first log). ``spike``: the last log is at least :data:`SPIKE_FACTOR` × the lowest, so the
    final value alone would misreport where training got to."""

    first: float
    final: float
    step: int
    lowest: float
    lowest_step: int
    median_last: float

    @property
    def spike(self) -> bool:
        return self.final >= SPIKE_FACTOR * self.lowest and self.final > 0


def final_loss(ckpt: Checkpoint) -> FinalLoss:
    """:class:`FinalLoss` of the run's logged held-out loss."""
    history = ckpt.history[["step", "eval_loss"]].dropna()
    values = history["eval_loss"].to_numpy(dtype=float)
    at = int(np.argmin(values))
    return FinalLoss(float(values[0]), float(values[-1]), int(history["step"].iloc[-1]), float(values[at]),
                     int(history["step"].iloc[at]), float(np.median(values[-5:])))


def training_verdict(ckpt: Checkpoint) -> Verdict:
    """One computed sentence on how training went.

    With a GD reference (augmented runs): the final held-out loss, the best single GD step's loss and
    their ratio — on the run's held-out set (``contexts`` = its ``eval_size`` sequences), averaged over all
    positions, unlike the Home verdict (the last position) and the structure chart (a fresh sample); neither
    good nor bad, since a point ratio on one fixed set cannot hold a tolerance (Finding 1 judges its interval).
    Otherwise: how far the held-out loss fell, from the first logged value to the last, in how many steps; good
    when it fell at least 10× (``training.verdict.fell``;
    ``training.verdict.fell_objective`` for runs optimised on the paper's closed-form objective, whose held-out
    loss is still the prediction loss on sampled sequences). ``values["incomplete"]`` is True while the run is
    still training; ``values["spike"]`` when the last log is a spike (:class:`FinalLoss`), with ``lowest`` and
    ``lowest_step`` for the sentence ``training.verdict.lowest``.
    """
    history = ckpt.history
    loss = final_loss(ckpt)
    first, final = loss.first, loss.final
    steps = int(history["step"].iloc[-1])
    common = {"run": ckpt.name, "final": f"{final:.3g}", "steps": steps, "incomplete": not ckpt.complete,
              "total": ckpt.config.steps, "contexts": ckpt.config.eval_size, "spike": loss.spike,
              "lowest": f"{loss.lowest:.3g}", "lowest_step": loss.lowest_step}
    gd = float(history["gd_loss"].iloc[-1]) if "gd_loss" in history else 0.0
    if gd > 0:  # one GD step can be exact (e.g. d = 1), and then no ratio means anything
        # A point ratio on one fixed set of eval_size sequences: no tolerance verdict (Finding 1 judges its interval).
        return Verdict("training.verdict.gd", common | {"gd": f"{gd:.3g}", "ratio": f"{final / gd:.3f}"}, None)
    factor = first / final if final > 0 else float("inf")
    values = common | {"start": f"{first:.3g}", "factor": f"{factor:.3g}"}
    if closed_form_objective(ckpt):
        objective = float(history["train_loss"].iloc[-1])
        return Verdict("training.verdict.fell_objective", values | {"objective": f"{objective:.3g}"}, factor >= 10)
    return Verdict("training.verdict.fell", values, factor >= 10)


def loss_cards(ckpt: Checkpoint, held_out: FinalLoss, tr: Callable[..., str],
               fmt: Callable[[float], str]) -> list[list[tuple[str, str, str | None, str | None]]]:
    """The metric cards under the loss chart: the final and lowest held-out loss, the GD reference where one
    GD step is not exact, and the steps run against those planned."""
    history = ckpt.history
    cards = [(tr("training.final_loss"), fmt(held_out.final), tr("training.delta.first", value=fmt(held_out.first)),
              tr("training.final_loss_help", contexts=ckpt.config.eval_size, step=held_out.step)),
             (tr("training.lowest_loss"), fmt(held_out.lowest), tr("training.delta.at_step", step=held_out.lowest_step),
              tr("training.lowest_loss_help", median=fmt(held_out.median_last)))]
    if "gd_loss" in history and history["gd_loss"].iloc[-1] > 0:  # one GD step can be exact (e.g. d = 1)
        gd = float(history["gd_loss"].iloc[-1])
        cards.append((tr("training.gd_loss"), fmt(gd), tr("training.delta.ratio", ratio=f"{held_out.final / gd:.3f}"),
                      tr("training.gd_loss_help", contexts=ckpt.config.eval_size)))
    cards.append((tr("training.steps"), str(int(history["step"].iloc[-1])),
                  tr("training.delta.planned", total=ckpt.config.steps), None))
    return [cards]


def loss_caption_key(shown: Mapping[str, Checkpoint]) -> tuple[str, dict[str, int]]:
    """Which caption the loss chart gets: whether none, all or some of the runs drawn have a GD reference."""
    with_gd = sum("gd_loss" in c.history for c in shown.values())
    if with_gd == 0:
        return ("training.loss_caption.none" if len(shown) > 1 else "training.loss_caption.none_one"), {}
    if with_gd == len(shown):
        return "training.loss_caption.all", {}
    return "training.loss_caption.some", {"count": len(shown), "with_gd": with_gd}
