"""Training jobs in processes of their own: what the Lab starts, watches and stops (a sweep can do the same).

A job is a folder ``<user runs>/jobs/<name>/`` holding ``config.json`` (the :class:`TrainConfig`), ``run.pt``
(the checkpoint, saved atomically while it trains) and ``progress.json`` (rewritten atomically after logged
rows: state, step, the logged losses and the structure measures of the current weights). The child
``python -m icar_core.jobs FOLDER`` trains it in its own session, so it outlives the server that started it;
when it finishes it links ``run.pt`` to ``<user runs>/<name>.pt`` (a link never replaces a file) and the
dashboard lists it. A stopped or killed job keeps ``run.pt``; ``python -m icar_core.jobs FOLDER --resume``
continues it exactly.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import torch

from icar_core import cli
from icar_core.checkpoints import SUFFIX, Checkpoint, user_run_dir
from icar_core.config import MAX_NAME_CHARS, TrainConfig
from icar_core.errors import NotApplicableError
from icar_core.models import build_model
from icar_core.train import check_config, resolve_device, train
from icar_core.views.training import structure_over_training

ROOT = Path(__file__).resolve().parent.parent
JOBS = "jobs"
CONFIG_FILE, RUN_FILE, PROGRESS_FILE, LOG_FILE = "config.json", "run.pt", "progress.json", "log.txt"
STATES = ("starting", "running", "complete", "stopped", "failed")
# How often the child rewrites progress.json and re-measures the structure of its weights: often enough for a
# page refreshed every second, rarely enough to cost the training little (the measures take ~50 ms).
PROGRESS_EVERY_S = 0.25
MEASURE_EVERY_S = 1.0
MEASURE_CONTEXTS = 128
SAVE_EVERY_S = 5.0  # checkpoint saves while training: what a killed job loses at most
MAX_PROGRESS_BYTES = 2 * 2**20


def jobs_dir() -> Path:
    return user_run_dir() / JOBS


def finished_path(name: str) -> Path:
    return user_run_dir() / f"{name}{SUFFIX}"


def unique_name(base: str) -> str:
    """``base`` with the UTC time and a random suffix: two viewers pressing *Train* in the same second differ."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    suffix = f"-{stamp}-{secrets.token_hex(3)}"
    return base[: MAX_NAME_CHARS - len(suffix)] + suffix


def create_job(config: TrainConfig) -> Path:
    """A new job folder for ``config`` renamed to a unique name; its folder is created exclusively, so no
    other job and no finished run has that name."""
    jobs_dir().mkdir(parents=True, exist_ok=True)
    while True:
        name = unique_name(config.name)
        folder = jobs_dir() / name
        if finished_path(name).exists():
            continue
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        break
    _write_json(folder / CONFIG_FILE, replace(config, name=name).to_dict())
    _write_json(folder / PROGRESS_FILE, {"name": name, "state": "starting", "step": 0, "steps": config.steps})
    return folder


def start(folder: Path, device: str = "cpu", resume: bool = False) -> subprocess.Popen:
    """Start the child that trains the job in ``folder``; it keeps running if the caller dies."""
    log = open(folder / LOG_FILE, "ab")  # noqa: SIM115 — the child owns it; closed here right after the start
    try:
        command = [sys.executable, "-m", "icar_core.jobs", str(folder), "--device", device]
        env = os.environ | {"OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
        return subprocess.Popen(command + (["--resume"] if resume else []), cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    finally:
        log.close()


def stop(process: subprocess.Popen) -> None:
    """Ask the child to stop: it finishes its step, saves ``run.pt`` and exits (resumable)."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)


@dataclass
class Progress:
    """What ``progress.json`` says; ``rows`` are the logged losses, ``measures`` the structure measures
    (``step, metric, value, low, high``, as :func:`icar_core.views.training.structure_over_training`)."""

    name: str
    state: str
    step: int
    steps: int
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    measures: pd.DataFrame = field(default_factory=pd.DataFrame)
    message: str = ""
    stop_reason: str = ""


def read_progress(folder: Path) -> Progress | None:
    """The job's last published progress, or None when there is none (yet) or it cannot be read."""
    try:
        path = folder / PROGRESS_FILE
        if path.stat().st_size > MAX_PROGRESS_BYTES:
            return None
        data = json.loads(path.read_text())
        return Progress(name=str(data["name"]), state=str(data["state"]), step=int(data["step"]),
                        steps=int(data["steps"]), rows=pd.DataFrame(data.get("rows", {})),
                        measures=pd.DataFrame(data.get("measures", [])), message=str(data.get("message", "")),
                        stop_reason=str(data.get("stop_reason", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_json(path: Path, data: dict) -> None:
    """Write atomically (a temporary file, then a rename): a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(data, f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class _Publisher:
    """The training hook: rewrites progress.json and, at most every MEASURE_EVERY_S, measures the weights."""

    def __init__(self, folder: Path, config: TrainConfig) -> None:
        self.folder, self.config = folder, config
        self.measures: list[dict] = []
        self.last_write = self.last_measure = -float("inf")
        self.step, self.history = 0, {}

    def __call__(self, step: int, model: torch.nn.Module, history: dict[str, list[float]]) -> None:
        self.step, self.history = step, history
        now = time.monotonic()
        if now - self.last_measure >= MEASURE_EVERY_S:
            self.measure(step, model)
            self.last_measure = time.monotonic()
        if now - self.last_write >= PROGRESS_EVERY_S:
            self.write("running")
            self.last_write = now

    def measure(self, step: int, model: torch.nn.Module) -> None:
        state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        with torch.random.fork_rng():  # building the copy draws an initialisation: not from the run's stream
            copy = build_model(self.config.model, self.config.process.d, self.config.process.T)
        copy = copy.to(self.config.torch_dtype)
        copy.load_state_dict(state)
        run = Checkpoint(name=self.config.name, config=self.config, model=copy.eval(), history=pd.DataFrame(),
                         snapshots=[(step, state)], train_state={})
        try:
            frame = structure_over_training(run, n_contexts=MEASURE_CONTEXTS)
        except NotApplicableError:
            return
        self.measures = [m for m in self.measures if m["step"] != step] + frame.to_dict(orient="records")

    def write(self, state: str, **extra: object) -> None:
        rows = {k: self.history.get(k, []) for k in ("step", "eval_loss", "gd_loss") if k in self.history}
        _write_json(self.folder / PROGRESS_FILE, {"name": self.config.name, "state": state, "step": self.step,
                                                  "steps": self.config.steps, "rows": rows,
                                                  "measures": self.measures, **extra})


def run_job(folder: Path, device: str = "cpu", resume: bool = False) -> int:
    """Train the job in ``folder`` (the child's body); returns the exit code."""
    config = check_config(TrainConfig.from_dict(json.loads((folder / CONFIG_FILE).read_text())))
    resolve_device(device)
    publisher = _Publisher(folder, config)
    try:
        publisher.write("running")
        ckpt = train(config, folder / RUN_FILE, device, resume=resume, progress=False, save_every_s=SAVE_EVERY_S,
                     on_record=publisher)
    except KeyboardInterrupt:
        publisher.write("stopped")
        raise
    except BaseException as exc:
        publisher.write("failed", message=cli.one_line(exc))
        raise
    publisher.measure(int(ckpt.train_state["step"]), ckpt.model)
    try:
        os.link(folder / RUN_FILE, finished_path(config.name))  # never over another file
    except FileExistsError:
        publisher.write("failed", message=f"{finished_path(config.name)} already exists; the run stays in {folder}")
        return cli.EXIT_USAGE
    (folder / RUN_FILE).unlink()
    publisher.write("complete", stop_reason=str(ckpt.train_state.get("stop_reason", "")),
                    run=str(finished_path(config.name)))
    return 0


def _stop_now(signum, frame) -> None:
    """A stop request before training has begun (train() handles those during training) ends the job too."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = cli.OneLineParser(prog="python -m icar_core.jobs", description="Train a Lab job folder.")
    parser.add_argument("folder", help="the job's folder (holds config.json)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--resume", action="store_true", help="continue a stopped job from its run.pt")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_now)
    torch.set_num_threads(1)  # the machine is shared with the dashboard and other jobs
    return cli.run(lambda: run_job(Path(args.folder), args.device, args.resume))


if __name__ == "__main__":
    sys.exit(main())
