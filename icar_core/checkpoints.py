"""Checkpoints: one file per run, written atomically, loaded without executing code from the file.

A checkpoint is a ``torch.save`` of plain data (dicts, lists, numbers, strings and tensors), read
back with ``torch.load(weights_only=True)``, which refuses any pickle that would build other
objects. Every problem with a file becomes a :class:`CheckpointError` naming the file.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import pickle
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import torch

from icar_core.config import TrainConfig
from icar_core.models import ICARModel, build_model, parameter_count

FORMAT = "icar-checkpoint"
VERSION = 1
TOP_LEVEL_KEYS = {"format", "version", "config", "model_state", "history", "snapshots", "train_state"}
HISTORY_COLUMNS = {"step", "train_loss", "eval_loss"}
# Caps that keep a small crafted file from costing minutes or gigabytes (the shipped runs are far below).
MAX_PARAMETERS = 5_000_000
MAX_SNAPSHOTS = 500
MAX_HISTORY_ROWS = 200_000
SUFFIX = ".pt"


class CheckpointError(Exception):
    """A checkpoint file cannot be used; the message says which file and why, in plain words."""


@dataclass
class Checkpoint:
    """A loaded run. ``model`` is in eval mode; ``history`` has one row per logged step."""

    name: str
    config: TrainConfig
    model: ICARModel
    history: pd.DataFrame
    snapshots: list[tuple[int, dict[str, torch.Tensor]]]
    train_state: dict = field(repr=False)
    path: Path | None = None
    source_id: str = ""  # sha256 of the file's bytes: a cache key that changes when the file does

    @property
    def process(self):
        return self.config.process

    @property
    def complete(self) -> bool:
        return bool(self.train_state.get("complete", False))

    @property
    def snapshot_steps(self) -> list[int]:
        return [step for step, _ in self.snapshots]

    def model_at(self, index: int) -> ICARModel:
        """A fresh model (eval mode) holding the parameters of snapshot ``index``."""
        if not -len(self.snapshots) <= index < len(self.snapshots):
            raise IndexError(f"snapshot index must be in [0, {len(self.snapshots)}); got {index}")
        return _model_with(self.config, self.snapshots[index][1])


def checkpoint_payload(config: TrainConfig, model: ICARModel, history: dict[str, list],
                       snapshots: list[tuple[int, dict[str, torch.Tensor]]], train_state: dict) -> dict:
    """The plain-data dictionary stored in a checkpoint file."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "config": config.to_dict(),
        "model_state": {k: v.detach().cpu().clone() for k, v in model.state_dict().items()},
        "history": {k: [float(x) for x in v] for k, v in history.items()},
        "snapshots": [{"step": int(step), "state": {k: v.cpu() for k, v in state.items()}}
                      for step, state in snapshots],
        "train_state": train_state,
    }


def save_checkpoint(path: str | Path, payload: dict) -> None:
    """Write ``payload`` to ``path`` atomically: a temporary file in the same folder, then a rename,
    so an interrupted write never leaves a broken or missing checkpoint."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(payload, f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; checkpoints are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_checkpoint(source: str | Path | bytes | BinaryIO, name: str | None = None) -> Checkpoint:
    """Load and validate a checkpoint from a path, raw bytes or a binary file object.

    Raises :class:`CheckpointError` with a plain message for every kind of bad file.
    """
    is_path = isinstance(source, (str, Path))
    label = name or (Path(source).name if is_path else "uploaded file")
    raw = _read_bytes(source, label)
    payload = _unpickle(raw, label)
    try:
        ckpt = _validate(payload, label, Path(source) if is_path else None)
    except CheckpointError:
        raise
    except (ValueError, TypeError, KeyError, RuntimeError) as exc:
        raise CheckpointError(f"{label}: {exc}") from None
    ckpt.source_id = hashlib.sha256(raw).hexdigest()
    return ckpt


def _read_bytes(source: str | Path | bytes | BinaryIO, label: str) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, (str, Path)):
        try:
            return Path(source).read_bytes()
        except OSError as exc:
            raise CheckpointError(f"{label}: cannot be read ({exc.strerror or exc})") from None
    return source.read()


def _unpickle(raw: bytes, label: str) -> object:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about pickle protocols; the message below says it all
            return torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True)
    except Exception as exc:  # every reader failure becomes one plain message
        raise CheckpointError(f"{label}: {_read_failure(raw, exc)}") from None


def _read_failure(raw: bytes, exc: Exception) -> str:
    """Why torch could not read ``raw``, in words a person can act on."""
    text = str(exc)
    refused_global = "unsupported global" in text.lower()
    if refused_global or (raw.startswith(b"\x80") and isinstance(exc, pickle.UnpicklingError)):
        return ("refused: the file holds a pickle that would run code or build objects other than plain "
                "data, so it was not loaded; only checkpoints written by icar can be opened")
    if raw.startswith(b"PK"):  # a zip archive, like every torch.save file, but incomplete or damaged
        return "the file is truncated or corrupt (an incomplete checkpoint); train or download it again"
    if not raw:
        return "the file is empty"
    return "not a checkpoint file: it could not be read as saved tensors (expected a .pt file written by icar)"


def _validate(payload: object, label: str, path: Path | None) -> Checkpoint:
    from icar_core import authors_format  # imports this module, so only here

    if authors_format.looks_like_state_dict(payload):  # a bare state_dict, as the paper authors' scripts save
        return authors_format.checkpoint_from_state_dict(payload, label, path)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{label}: not an icar checkpoint (no '{FORMAT}' format marker)")
    version = payload.get("version")
    if version != VERSION:
        raise CheckpointError(f"{label}: unknown checkpoint format version {version!r}; this icar reads "
                              f"version {VERSION}")
    missing, extra = sorted(TOP_LEVEL_KEYS - set(payload)), sorted(set(map(str, payload)) - TOP_LEVEL_KEYS)
    if missing or extra:
        parts = ([f"missing keys: {', '.join(missing)}"] if missing else []) + (
            [f"unexpected keys: {', '.join(extra)}"] if extra else [])
        raise CheckpointError(f"{label}: {'; '.join(parts)}")
    try:
        config = TrainConfig.from_dict(payload["config"])
    except (ValueError, TypeError) as exc:
        raise CheckpointError(f"{label}: configuration out of range: {exc}") from None
    shapes = _expected_shapes(config, label)
    _check_state(payload["model_state"], shapes, f"{label}: model weights")
    snapshots = []
    if not isinstance(payload["snapshots"], list) or len(payload["snapshots"]) > MAX_SNAPSHOTS:
        raise CheckpointError(f"{label}: snapshots must be a list of at most {MAX_SNAPSHOTS}")
    for i, snap in enumerate(payload["snapshots"]):
        if not isinstance(snap, dict) or set(snap) != {"step", "state"} or not isinstance(snap["step"], int):
            raise CheckpointError(f"{label}: snapshot {i} is malformed")
        if snapshots and snap["step"] <= snapshots[-1][0]:
            raise CheckpointError(f"{label}: snapshot steps must increase; snapshot {i} is at step {snap['step']}")
        _check_state(snap["state"], shapes, f"{label}: snapshot {i}")
        snapshots.append((snap["step"], snap["state"]))
    history = _check_history(payload["history"], label)
    model = _model_with(config, payload["model_state"])
    _check_train_state(payload["train_state"], label)
    return Checkpoint(name=config.name, config=config, model=model, history=history,
                      snapshots=snapshots, train_state=payload["train_state"], path=path)


def _expected_shapes(config: TrainConfig, label: str) -> dict[str, tuple[int, ...]]:
    """Parameter shapes the config implies, after a size cap checked before anything is allocated:
    a tiny crafted file must not make the loader build a huge model."""
    size = parameter_count(config.model, config.process.d, config.process.T)
    if size > MAX_PARAMETERS:
        raise CheckpointError(f"{label}: the configuration implies {size:,} parameters; icar opens runs of at "
                              f"most {MAX_PARAMETERS:,}")
    return {k: tuple(v.shape) for k, v in _new_model(config).state_dict().items()}


def _new_model(config: TrainConfig) -> ICARModel:
    """The run's architecture in the run's dtype (so float64 stays exact). Its random initialisation
    draws from a forked generator: loading a file never changes the caller's random state."""
    with torch.random.fork_rng():
        return build_model(config.model, config.process.d, config.process.T).to(config.torch_dtype)


def _model_with(config: TrainConfig, state: dict[str, torch.Tensor]) -> ICARModel:
    """A model (eval mode, CPU) holding ``state``."""
    model = _new_model(config)
    model.load_state_dict(state)
    return model.eval()


def _check_train_state(state: object, label: str) -> None:
    ok = (isinstance(state, dict) and isinstance(state.get("step"), int) and state["step"] >= 0
          and isinstance(state.get("complete"), bool) and isinstance(state.get("optimizer", {}), dict))
    if not ok:
        raise CheckpointError(f"{label}: train_state must record the step (an integer >= 0) and whether "
                              "training is complete")


def _check_state(state: object, expected: dict[str, tuple[int, ...]], where: str) -> None:
    if not isinstance(state, dict):
        raise CheckpointError(f"{where} must be a mapping of tensors")
    missing, extra = sorted(set(expected) - set(state)), sorted(set(map(str, state)) - set(expected))
    if missing or extra:
        raise CheckpointError(f"{where} do not fit the configuration (missing: {', '.join(missing) or 'none'}; "
                              f"unexpected: {', '.join(extra) or 'none'})")
    for key, shape in expected.items():
        value = state[key]
        if not isinstance(value, torch.Tensor):
            raise CheckpointError(f"{where}: {key} is not a tensor")
        if tuple(value.shape) != shape:
            raise CheckpointError(f"{where}: {key} has shape {tuple(value.shape)}, but the configuration "
                                  f"needs {shape}")
        if not torch.isfinite(value).all():
            raise CheckpointError(f"{where}: {key} contains NaN or infinite values")


def _check_history(history: object, label: str) -> pd.DataFrame:
    if not isinstance(history, dict) or not set(history) >= HISTORY_COLUMNS:
        raise CheckpointError(f"{label}: history must have the columns {', '.join(sorted(HISTORY_COLUMNS))}")
    lengths = {len(v) if isinstance(v, list) else -1 for v in history.values()}
    if len(lengths) != 1 or -1 in lengths or not 1 <= lengths.pop() <= MAX_HISTORY_ROWS:
        raise CheckpointError(f"{label}: history columns must be lists of equal length, with 1 to "
                              f"{MAX_HISTORY_ROWS:,} rows")
    for key, values in history.items():
        if not all(isinstance(x, (int, float)) and math.isfinite(x) for x in values):
            raise CheckpointError(f"{label}: history column {key!r} contains NaN, infinite or non-numeric values")
    frame = pd.DataFrame(history)
    frame["step"] = frame["step"].astype(int)
    if not frame["step"].is_monotonic_increasing or frame["step"].duplicated().any():
        raise CheckpointError(f"{label}: history steps must increase")
    return frame


@dataclass
class CheckpointListing:
    """What :func:`list_checkpoints` found: loadable runs and files that failed, with reasons."""

    runs: list[Checkpoint]
    failed: list[tuple[Path, str]]


def list_checkpoints(folder: str | Path) -> CheckpointListing:
    """Load every ``*.pt`` file in ``folder`` (sorted by name); failures are kept with their reason."""
    runs, failed = [], []
    for path in sorted(Path(folder).glob(f"*{SUFFIX}")):
        try:
            runs.append(load_checkpoint(path))
        except CheckpointError as exc:
            failed.append((path, str(exc)))
    return CheckpointListing(runs, failed)
