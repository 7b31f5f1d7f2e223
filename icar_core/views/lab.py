"""The Lab: a preset and the knobs that matter become a validated run configuration, trained by a job in its own
process (:mod:`icar_core.jobs`); its published progress becomes what the page draws. No Streamlit here.

The knobs are fields of :class:`~icar_core.data.ARProcess`, :class:`~icar_core.models.ModelConfig` and
:class:`~icar_core.config.TrainConfig`, validated by those classes and by :func:`icar_core.train.check_config`:
the page shows their sentence (naming the field, the value and the allowed range) and starts nothing.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from icar_core import jobs
from icar_core.checkpoints import Checkpoint
from icar_core.config import PLATEAU_PATIENCE, PLATEAU_TOL, TrainConfig
from icar_core.data import S0_KINDS, W_DISTRIBUTIONS
from icar_core.findings import FINDINGS
from icar_core.train import PE_STOP_LOSS, PRESETS, check_config, resolve_device

DEFAULT_PRESET = "augmented-commuting"
DEVICES = ("cpu", "auto", "cuda", "mps")
#: The headline measure of a run, the first of these its structure measures include: GD agreement for
#: augmented runs, C's distance to the paper's shape for diagonal heads, head overlap, the PE row's cosine fit.
HEADLINE_ORDER = ("prediction_cosine", "circuit_error", "orthogonality", "pe_r2")
LAB_KINDS = ("augmented", "multihead", "pe_only")
ACTIVE = ("starting", "running")
ENDED = ("complete", "stopped", "failed")
REFRESH_S = 1.0  # the page redraws a running job this often (the child publishes every PROGRESS_EVERY_S)


@dataclass(frozen=True)
class Knob:
    """One setting: ``field`` of the ``part`` (``process``, ``model``, ``train`` or ``job``); ``choices`` for a
    choice, else a number (``integer`` or not); ``applies`` says whether it matters for the current values."""

    field: str
    part: str
    choices: tuple[str, ...] = ()
    integer: bool = True
    applies: Callable[[dict], bool] = lambda values: True


def _kind_in(*kinds: str) -> Callable[[dict], bool]:
    return lambda values: values["kind"] in kinds


KNOBS = (
    Knob("d", "process"), Knob("T", "process"),
    Knob("w_dist", "process", W_DISTRIBUTIONS),
    Knob("mu", "process", integer=False, applies=lambda v: v["w_dist"] == "commuting"),  # angles in [0, 2π/μ)
    Knob("noise", "process", integer=False),
    Knob("s0", "process", S0_KINDS),
    Knob("kind", "model", LAB_KINDS),
    Knob("structure", "model", ("full", "block"), applies=_kind_in("augmented")),
    Knob("heads", "model", ("full", "diagonal"), applies=_kind_in("multihead")),
    Knob("field", "model", ("real", "complex"),
         applies=lambda v: v["kind"] == "pe_only" or (v["kind"] == "multihead" and v["heads"] == "diagonal")),
    Knob("positional", "model", ("matrix", "embedding", "none"), applies=_kind_in("multihead")),
    Knob("n_heads", "model", applies=_kind_in("multihead")),
    Knob("steps", "train"), Knob("seed", "train"),
    Knob("device", "job", DEVICES),
)


def rule_values() -> dict[str, object]:
    """The stop rules and the measure's sample size, for the page's explanation."""
    return {"tol": f"{PLATEAU_TOL * 100:g}", "patience": PLATEAU_PATIENCE, "stop_loss": f"{PE_STOP_LOSS:g}",
            "contexts": jobs.MEASURE_CONTEXTS}


def lab_presets() -> list[str]:
    """The presets whose model kind the Lab's knobs describe."""
    return [name for name, config in PRESETS.items() if config.model.kind in LAB_KINDS]


def preset_values(preset: str) -> dict[str, object]:
    """Every knob's value in ``preset`` (device: cpu)."""
    config = PRESETS[preset]
    sources = {"process": config.process, "model": config.model, "train": config}
    return {k.field: "cpu" if k.part == "job" else getattr(sources[k.part], k.field) for k in KNOBS}


def visible_knobs(values: dict) -> list[Knob]:
    return [k for k in KNOBS if k.applies(values)]


def lab_config(preset: str, values: dict) -> TrainConfig:
    """``preset`` with the knobs' values; raises ValueError with the validators' sentence for a bad value."""
    base = PRESETS[preset]
    parts: dict[str, dict] = {"process": {}, "model": {}, "train": {}, "job": {}}
    for knob in visible_knobs(values):
        parts[knob.part][knob.field] = values[knob.field]
    resolve_device(values["device"])
    config = replace(base, name=f"lab-{preset}", process=replace(base.process, **parts["process"]),
                     model=replace(base.model, **parts["model"]), **parts["train"])
    return check_config(config)


@dataclass
class LabJob:
    """A job this session started: its folder, and the child training it (None after a server restart)."""

    folder: Path
    process: subprocess.Popen | None
    device: str = "cpu"


def start_job(preset: str, values: dict) -> LabJob:
    """Validate, then start training in a process of its own; ValueError (nothing started) for a bad value."""
    folder = jobs.create_job(lab_config(preset, values))
    return LabJob(folder, jobs.start(folder, str(values["device"])), str(values["device"]))


def resume_job(job: LabJob) -> LabJob:
    return LabJob(job.folder, jobs.start(job.folder, job.device, resume=True), job.device)


def stop_job(job: LabJob) -> None:
    if job.process is not None:
        jobs.stop(job.process)


@dataclass(frozen=True)
class LiveRun:
    """What the page shows of a job: state (``jobs.STATES``), progress in [0, 1], the losses in long form
    (``step, loss, run, curve`` with curve ``eval_loss`` or ``gd_loss``), the headline measure (``metric``,
    its latest ``value, low, high`` and the ``step`` it was measured at; None before the first measure); ``settled``:
    it has ended and its process has exited (until then the page keeps refreshing)."""

    name: str
    state: str
    step: int
    steps: int
    fraction: float
    losses: pd.DataFrame
    headline: dict | None
    message: str
    stop_reason: str
    resumable: bool
    finished: Path | None
    settled: bool


def _alive(job: LabJob) -> bool:
    return job.process is not None and job.process.poll() is None


def live_run(job: LabJob) -> LiveRun:
    """The job as published in its progress file; a child that died without saying so counts as stopped."""
    progress = jobs.read_progress(job.folder)
    if progress is None:
        progress = jobs.Progress(name=job.folder.name, state="starting", step=0, steps=1)
    state, alive = progress.state, _alive(job)
    if state in ACTIVE and not alive:
        state = "stopped"
    settled = state in ENDED and not alive
    resumable = settled and state == "stopped" and (job.folder / jobs.RUN_FILE).exists()
    rows = progress.rows
    frames = [pd.DataFrame({"step": rows["step"], "loss": rows[c], "run": progress.name, "curve": c})
              for c in ("eval_loss", "gd_loss") if c in rows]
    losses = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["step", "loss", "run", "curve"])
    finished = jobs.finished_path(progress.name)
    return LiveRun(name=progress.name, state=state, step=progress.step, steps=progress.steps,
                   fraction=min(progress.step / progress.steps, 1.0) if state != "complete" else 1.0, losses=losses,
                   headline=_headline(progress.measures), message=progress.message, stop_reason=progress.stop_reason,
                   resumable=resumable, finished=finished if state == "complete" and finished.exists() else None,
                   settled=settled)


def _headline(measures: pd.DataFrame) -> dict | None:
    if measures.empty:
        return None
    metric = next((m for m in HEADLINE_ORDER if m in set(measures["metric"])), None)
    if metric is None:
        return None
    latest = measures[measures["metric"] == metric].sort_values("step").iloc[-1]
    return {"metric": metric, "value": float(latest["value"]), "low": float(latest["low"]),
            "high": float(latest["high"]), "step": int(latest["step"])}


def open_page_of(ckpt: Checkpoint) -> str:
    """Where to open a finished run: Model vs GD when the GD finding applies to its model, else Training."""
    return "app_pages/model_vs_gd.py" if FINDINGS["gd"].applies(ckpt.model) else "app_pages/training.py"
