"""Checkpoints: one file per run, written atomically, loaded without executing code from the file.

A checkpoint is a ``torch.save`` of plain data (dicts, lists, numbers, strings and tensors), read
back with ``torch.load(weights_only=True)``, which refuses any pickle that would build other
objects. Every problem with a file becomes a :class:`CheckpointError` naming the file.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import io
import os
import pickle
import pickletools
import stat
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import torch

from icar_core.config import (
    ANALYSIS_CHUNK_CONTEXTS,
    MAX_PARAMETERS,
    MAX_SNAPSHOTS,
    MAX_STEPS,
    TrainConfig,
    workload_elements,
)
from icar_core.models import ICARModel, build_model, parameter_count
from icar_core.validation import QUOTE_CHARS, clip, is_finite_number, quote

if TYPE_CHECKING:  # pandas is imported on the first load (~0.4 s): training needs it only at its end
    import pandas as pd

#: The folder of the runs trained in the Lab (git-ignored), listed beside the shipped ones; the environment
#: variable points it elsewhere (tests, a shared disk).
USER_RUN_ENV = "ICAR_USER_RUN_DIR"
FORMAT = "icar-checkpoint"
VERSION = 1
TOP_LEVEL_KEYS = {"format", "version", "config", "model_state", "history", "snapshots", "train_state"}
HISTORY_COLUMNS = {"step", "train_loss", "eval_loss"}
SUFFIX = ".pt"

# ---- the resource budget: what one file may make icar read, hold and compute (the shipped runs are far
# below every limit). Each is checked from the file's metadata before the thing it bounds is allocated.
MAX_FILE_BYTES = 20 * 2**20  # as for uploads (.streamlit/config.toml maxUploadSize)
MAX_ARCHIVE_ENTRIES = 4096  # a torch.save zip holds one entry per tensor storage plus a few
MAX_HISTORY_COLUMNS = 16
# torch's weights-only unpickler (and the opcode check before it) run in Python at about a second per
# megabyte of pickle: the pickle's size bounds the time to open a file, and the history is most of it.
MAX_PICKLE_BYTES = 2 * 2**20
MAX_HISTORY_ROWS = 50_000
MAX_HISTORY_CELLS = 200_000  # columns × rows, about 1.8 MB of pickle
MAX_SNAPSHOT_ELEMENTS = 10_000_000  # numbers in all snapshots together
MAX_TRAIN_STATE_ITEMS = 100_000  # values in train_state (the optimizer state holds a few per tensor)
MAX_TRAIN_STATE_DEPTH = 8
MAX_TEXT_CHARS = 1_000  # one text value in train_state
MAX_TENSOR_ELEMENTS = MAX_PARAMETERS
# The app's heavy analyses (the Home verdicts, the GD comparison) hold T×T attention patterns of
# APP_CONTEXTS contexts at once (icar_core.analysis.loss_sample runs through its contexts in chunks of that
# size), and per-position (3d)² second moments of DETAIL_CONTEXTS contexts (compare_with_gd's sample).
# ANALYSIS_BUDGET numbers keep the peak of one verdict under ~1 GB; its time is bounded by the registry
# (findings.GDThresholds.loss_work).
APP_CONTEXTS = ANALYSIS_CHUNK_CONTEXTS
DETAIL_CONTEXTS = 512
ANALYSIS_BUDGET = 40_000_000
MAX_MESSAGE_CHARS = 300
# Globals a checkpoint's pickle may name: dicts, and float32/float64 tensors. Anything else (bytearray,
# sparse, quantized or meta tensors, other dtypes, callables) is refused before torch unpickles it.
TENSOR_STORAGES = {"torch FloatStorage": "float32", "torch DoubleStorage": "float64"}
ALLOWED_GLOBALS = {"torch._utils _rebuild_tensor_v2", "collections OrderedDict", *TENSOR_STORAGES}
# Opcodes that build objects other than through an allowed global; torch never writes them.
# BUILD only sets the state of an object already built from an allowed global (the authors' state_dicts, an
# OrderedDict, carry their version metadata that way); torch's weights-only unpickler still checks it.
FORBIDDEN_OPCODES = {"INST", "OBJ", "NEWOBJ", "NEWOBJ_EX", "STACK_GLOBAL", "EXT1", "EXT2", "EXT4", "PERSID"}
WEIGHT_DTYPES = (torch.float32, torch.float64)
TRAIN_STATE_TYPES = {
    "step": int, "complete": bool, "seconds": float, "optimizer": dict, "device": str,
    "stop_reason": str,  # why a complete run ended (icar_core.train.STOP_REASONS)
    # written by icar_core.paper_reference
    "objective": str, "state_scale": float, "paper_objective": float,
    "paper_A": torch.Tensor, "paper_B": torch.Tensor, "paper_P": torch.Tensor,
}
REFUSED_CODE = ("refused: the file holds a pickle that would run code or build objects other than plain "
                "data, so it was not loaded; only checkpoints written by icar can be opened")


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
    snapshot: int | None = None  # the snapshot index this run's model holds (None: the final weights)

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

    @property
    def final_snapshot(self) -> int | None:
        """The index of the snapshot that holds the final weights (the last one, when it equals them), else None."""
        if not self.snapshots:
            return None
        state, final = self.snapshots[-1][1], self.model.state_dict()
        same = state.keys() == final.keys() and all(torch.equal(state[k], final[k]) for k in final)
        return len(self.snapshots) - 1 if same else None

    def at_snapshot(self, index: int) -> Checkpoint:
        """This run as it was at snapshot ``index``: its model holds that snapshot's weights, its history ends at
        that step, and its ``source_id`` names the snapshot, so every cache and stored verdict keys on it.
        The snapshot of the final weights is the run itself (it shares the final run's caches)."""
        if not 0 <= index < len(self.snapshots):
            raise IndexError(f"snapshot must be in [0, {len(self.snapshots) - 1}]; got {index}")
        if self.snapshot is not None:
            raise ValueError("at_snapshot takes the run as loaded, not one of its snapshots")
        if index == self.final_snapshot:
            return self
        step = self.snapshots[index][0]
        history = self.history[self.history["step"] <= step] if "step" in self.history else self.history
        return replace(self, model=self.model_at(index), history=history.reset_index(drop=True),
                       snapshots=self.snapshots[: index + 1], source_id=f"{self.source_id}@{index}", snapshot=index)


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
    remove_stale_temp_files(path)
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


def remove_stale_temp_files(path: str | Path) -> list[Path]:
    """Delete the ``.NAME.*.tmp`` files that a save of ``path`` killed half-way left behind (one
    process writes a checkpoint at a time, so any such file is stale). Returns what was removed."""
    path = Path(path)
    removed = []
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):  # gone already, or not ours to delete: the save goes on
            tmp.unlink()
            removed.append(tmp)
    return removed


def load_checkpoint(source: str | Path | bytes | BinaryIO, name: str | None = None) -> Checkpoint:
    """Load and validate a checkpoint from a path, raw bytes or a binary file object.

    Raises :class:`CheckpointError` for every kind of bad file, whatever goes wrong while reading it:
    one plain sentence of at most :data:`MAX_MESSAGE_CHARS` characters naming the file.
    """
    is_path = isinstance(source, (str, Path))
    label = _label(name if name is not None else (Path(source).name if is_path else "uploaded file"))
    try:
        raw = _read_bytes(source, label)
        _check_pickle(raw, label)
        payload = _unpickle(raw, label)
        full_name = name if name is not None else (Path(source).name if is_path else None)
        ckpt = _validate(payload, label, Path(source) if is_path else None, full_name)
    except CheckpointError as exc:
        raise CheckpointError(_sentence(str(exc))) from None
    except (ValueError, TypeError) as exc:  # the validators' own sentences
        raise CheckpointError(_sentence(f"{label}: {exc}")) from None
    except Exception as exc:  # anything else a crafted file can provoke still costs one sentence
        raise CheckpointError(_sentence(f"{label}: {_unexpected(exc)}")) from None
    ckpt.source_id = hashlib.sha256(raw).hexdigest()
    return ckpt


def analysis_contexts(config: TrainConfig) -> int:
    """How many fresh contexts the app's heavy analyses may draw for a run of ``config``.

    That is :data:`APP_CONTEXTS` when the run fits :data:`ANALYSIS_BUDGET`. The analyses do not size
    themselves down yet, so a run that would need fewer contexts to fit is refused with a
    :class:`CheckpointError` (the loader does this before building anything).
    """
    needed = workload_elements(config.process, config.model, DETAIL_CONTEXTS, APP_CONTEXTS)
    allowed = APP_CONTEXTS * ANALYSIS_BUDGET // max(needed, 1)
    if allowed < APP_CONTEXTS:
        raise CheckpointError(f"the dashboard's analyses of this run (T = {config.process.T}, d = {config.process.d}, "
                              f"{config.model.n_heads} heads) would compute about {needed:,} numbers at once; "
                              f"icar opens runs needing at most {ANALYSIS_BUDGET:,}")
    return APP_CONTEXTS


def _label(name: str) -> str:
    """A file's name as messages show it: one line, at most :data:`QUOTE_CHARS` characters."""
    text = " ".join(str(name).split()) or "unnamed file"
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


def _sentence(text: str) -> str:
    """One line of at most :data:`MAX_MESSAGE_CHARS` characters."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_MESSAGE_CHARS else text[: MAX_MESSAGE_CHARS - 1] + "…"


def _unexpected(exc: Exception) -> str:
    """A reader failure that no check anticipated, in words (never the exception's own text, which may
    quote the file)."""
    if isinstance(exc, MemoryError):
        return "the file needs more memory than icar allows for one checkpoint"
    if isinstance(exc, OverflowError):
        return "the file holds a number too large to use"
    if isinstance(exc, RecursionError):
        return "the file's data is nested too deeply"
    return f"the file could not be read as an icar checkpoint ({type(exc).__name__})"


def _read_bytes(source: str | Path | bytes | BinaryIO, label: str) -> bytes:
    """At most :data:`MAX_FILE_BYTES` of a regular file: no FIFO, device or folder is ever read (a
    non-blocking open never waits for a pipe's writer)."""
    if isinstance(source, bytes):
        raw = source
    elif isinstance(source, (str, Path)):
        try:
            fd = os.open(source, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise CheckpointError(f"{label}: cannot be read ({exc.strerror or type(exc).__name__})") from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise CheckpointError(f"{label}: is not a regular file (a folder, device or pipe); only "
                                      "checkpoint files can be opened")
            _check_size(info.st_size, label)
            with os.fdopen(os.dup(fd), "rb") as f:
                raw = f.read(MAX_FILE_BYTES + 1)
        finally:
            os.close(fd)
    else:
        raw = source.read(MAX_FILE_BYTES + 1)
        if not isinstance(raw, bytes):
            raise CheckpointError(f"{label}: is not a binary file")
    _check_size(len(raw), label)
    return raw


def _check_size(size: int, label: str) -> None:
    if size > MAX_FILE_BYTES:
        raise CheckpointError(f"{label}: the file is larger than {MAX_FILE_BYTES // 2**20} MB; icar checkpoints are "
                              "far smaller")


def _check_pickle(raw: bytes, label: str) -> None:
    """Read the file's pickle as opcodes (nothing is built) and refuse any global or opcode a plain
    checkpoint does not use, and a zip archive that would decompress or hold more than the file."""
    if not raw:
        raise CheckpointError(f"{label}: the file is empty")
    if raw.startswith(b"PK"):
        data = _archive_pickle(raw, label)
    elif raw.startswith(b"\x80") and len(raw) <= MAX_PICKLE_BYTES:
        data = raw  # a bare pickle, not what torch.save writes: refused below either way
    else:
        raise CheckpointError(f"{label}: {_not_a_checkpoint()}")
    try:
        for opcode, arg, _ in pickletools.genops(data):
            if opcode.name in FORBIDDEN_OPCODES or (opcode.name == "GLOBAL" and arg not in ALLOWED_GLOBALS):
                if opcode.name == "GLOBAL" and str(arg).endswith("Storage"):
                    raise CheckpointError(f"{label}: holds tensors of type {quote(str(arg).split()[-1], 40)}; icar "
                                          "reads float32 and float64 weights only")
                raise CheckpointError(f"{label}: {REFUSED_CODE}")
    except CheckpointError:
        raise
    except Exception:  # genops stops at the first malformed opcode
        raise CheckpointError(f"{label}: {_truncated() if data is not raw else _not_a_checkpoint()}") from None
    if data is raw:
        raise CheckpointError(f"{label}: {_not_a_checkpoint()}")


def _archive_pickle(raw: bytes, label: str) -> bytes:
    """The ``data.pkl`` of a torch.save zip, after checking that every entry is stored uncompressed
    (as torch writes them), so the archive holds no more than the file's own bytes."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ARCHIVE_ENTRIES:
                raise CheckpointError(f"{label}: the archive has {len(entries):,} entries; icar checkpoints have at "
                                      f"most {MAX_ARCHIVE_ENTRIES:,}")
            stored = all(e.compress_type == zipfile.ZIP_STORED and e.file_size == e.compress_size for e in entries)
            if not stored or sum(e.file_size for e in entries) > len(raw):
                raise CheckpointError(f"{label}: the archive holds compressed entries; icar checkpoints are written "
                                      "uncompressed by torch.save")
            pickles = [e for e in entries if e.filename.endswith("/data.pkl") or e.filename == "data.pkl"]
            if len(pickles) != 1:
                raise CheckpointError(f"{label}: {_not_a_checkpoint()}")
            if pickles[0].file_size > MAX_PICKLE_BYTES:
                raise CheckpointError(f"{label}: the file's data (history, names, settings) takes "
                                      f"{pickles[0].file_size / 2**20:.1f} MB; icar opens checkpoints whose data "
                                      f"takes at most {MAX_PICKLE_BYTES // 2**20} MB besides the tensors")
            return archive.read(pickles[0])
    except CheckpointError:
        raise
    except Exception:
        raise CheckpointError(f"{label}: {_truncated()}") from None


def _truncated() -> str:
    return "the file is truncated or corrupt (an incomplete checkpoint); train or download it again"


def _not_a_checkpoint() -> str:
    return "not a checkpoint file: it could not be read as saved tensors (expected a .pt file written by icar)"


def _unpickle(raw: bytes, label: str) -> object:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about pickle protocols; the message below says it all
            return torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True)
    except Exception as exc:  # every reader failure becomes one plain message
        raise CheckpointError(f"{label}: {_read_failure(raw, exc)}") from None


def _read_failure(raw: bytes, exc: Exception) -> str:
    """Why torch could not read ``raw`` (whose pickle passed :func:`_check_pickle`), in plain words."""
    if "unsupported global" in str(exc).lower() or isinstance(exc, pickle.UnpicklingError):
        return REFUSED_CODE
    if isinstance(exc, MemoryError | OverflowError | RecursionError):
        return _unexpected(exc)
    return _truncated()


def _validate(payload: object, label: str, path: Path | None, name: str | None = None) -> Checkpoint:
    from icar_core import authors_format  # imports this module, so only here

    if authors_format.looks_like_state_dict(payload):  # a bare state_dict, as the paper authors' scripts save
        return authors_format.checkpoint_from_state_dict(payload, label, path, name=name)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise CheckpointError(f"{label}: not an icar checkpoint (no '{FORMAT}' format marker)")
    version = payload.get("version")
    if type(version) is not int or version != VERSION:
        raise CheckpointError(f"{label}: unknown checkpoint format version {quote(version, 30)}; this icar reads "
                              f"version {VERSION}")
    names = {k for k in payload if isinstance(k, str)}
    missing = sorted(TOP_LEVEL_KEYS - names)
    extra = sorted(clip(k, 30) for k in payload if k not in TOP_LEVEL_KEYS)
    if missing or extra:
        parts = ([f"missing keys: {', '.join(missing)}"] if missing else []) + (
            [f"unexpected keys: {', '.join(extra[:5])}"] if extra else [])
        raise CheckpointError(f"{label}: {'; '.join(parts)}")
    try:
        config = TrainConfig.from_dict(payload["config"])
    except (ValueError, TypeError) as exc:
        raise CheckpointError(f"{label}: configuration out of range: {exc}") from None
    shapes = _expected_shapes(config, label)
    _check_budget(config, payload, label)
    _check_state(payload["model_state"], shapes, f"{label}: model weights")
    snapshots = []
    for i, snap in enumerate(payload["snapshots"]):
        if not isinstance(snap, dict) or set(snap) != {"step", "state"} or type(snap["step"]) is not int:
            raise CheckpointError(f"{label}: snapshot {i} is malformed")
        if snapshots and snap["step"] <= snapshots[-1][0]:
            raise CheckpointError(f"{label}: snapshot steps must increase; snapshot {i} is at step "
                                  f"{quote(snap['step'], 30)}")
        _check_state(snap["state"], shapes, f"{label}: snapshot {i}")
        snapshots.append((snap["step"], snap["state"]))
    history = _check_history(payload["history"], label)
    _check_train_state(payload["train_state"], label)
    model = _model_with(config, payload["model_state"])
    return Checkpoint(name=config.name, config=config, model=model, history=history,
                      snapshots=snapshots, train_state=payload["train_state"], path=path)


def _check_budget(config: TrainConfig, payload: dict, label: str) -> None:
    """What the run would make the app compute, and how much the snapshots hold, from metadata only."""
    try:
        analysis_contexts(config)
    except CheckpointError as exc:
        raise CheckpointError(f"{label}: {exc}") from None
    snaps = payload["snapshots"]
    if not isinstance(snaps, list) or len(snaps) > MAX_SNAPSHOTS:
        raise CheckpointError(f"{label}: snapshots must be a list of at most {MAX_SNAPSHOTS}")
    elements = len(snaps) * parameter_count(config.model, config.process.d, config.process.T)
    if elements > MAX_SNAPSHOT_ELEMENTS:
        raise CheckpointError(f"{label}: the {len(snaps)} snapshots hold {elements:,} numbers; icar opens runs whose "
                              f"snapshots hold at most {MAX_SNAPSHOT_ELEMENTS:,}")


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
    """Only the known fields, each of its type; the optimizer state is plain data and tensors."""
    ok = (isinstance(state, dict) and type(state.get("step")) is int and 0 <= state["step"] <= MAX_STEPS
          and type(state.get("complete")) is bool)
    if not ok:
        raise CheckpointError(f"{label}: train_state must record the step (an integer in [0, {MAX_STEPS:,}]) and "
                              "whether training is complete")
    unknown = sorted(clip(k, 30) for k in state if k not in TRAIN_STATE_TYPES)
    if unknown:
        raise CheckpointError(f"{label}: train_state has unknown fields: {', '.join(unknown[:5])}")
    for key, value in state.items():
        expected = TRAIN_STATE_TYPES[key]
        where = f"{label}: train_state.{key}"
        if expected is float:
            if not is_finite_number(value) or (value < 0 and key == "seconds"):
                raise CheckpointError(f"{where} must be a finite number{' >= 0' if key == 'seconds' else ''}; got "
                                      f"{quote(value, 40)}")
        elif expected is str:
            if not isinstance(value, str) or len(value) > MAX_TEXT_CHARS:
                raise CheckpointError(f"{where} must be a text of at most {MAX_TEXT_CHARS:,} characters")
        elif expected is torch.Tensor:
            _check_tensor(value, where)
        elif expected is dict:
            if not isinstance(value, dict):
                raise CheckpointError(f"{where} must be a mapping")
            _check_plain(value, where, [0], 0)


def _check_plain(value: object, where: str, count: list[int], depth: int) -> None:
    """Plain data only: mappings, lists, numbers, booleans, short texts, None and float tensors,
    at most :data:`MAX_TRAIN_STATE_ITEMS` values nested at most :data:`MAX_TRAIN_STATE_DEPTH` deep."""
    count[0] += 1
    if count[0] > MAX_TRAIN_STATE_ITEMS or depth > MAX_TRAIN_STATE_DEPTH:
        raise CheckpointError(f"{where} is too large or nested too deeply for an optimizer state")
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int | float):
        if not is_finite_number(value):
            raise CheckpointError(f"{where} holds a number that is not finite: {quote(value, 40)}")
        return
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            raise CheckpointError(f"{where} holds a text longer than {MAX_TEXT_CHARS:,} characters")
        return
    if isinstance(value, torch.Tensor):
        _check_tensor(value, where)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str | int) or isinstance(key, bool):
                raise CheckpointError(f"{where} has a key that is neither text nor an integer")
            _check_plain(item, where, count, depth + 1)
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_plain(item, where, count, depth + 1)
        return
    raise CheckpointError(f"{where} holds an object of type {quote(type(value).__name__, 40)}; only plain data "
                          "and float tensors are allowed")


def _check_tensor(value: object, where: str, shape: tuple[int, ...] | None = None) -> None:
    """A dense, contiguous CPU tensor of float32 or float64 with finite values (and ``shape``)."""
    if not isinstance(value, torch.Tensor):
        raise CheckpointError(f"{where} is not a tensor")
    if value.layout != torch.strided or value.device.type != "cpu" or value.is_quantized:
        raise CheckpointError(f"{where} is not a dense tensor of numbers")
    if value.dtype not in WEIGHT_DTYPES:
        raise CheckpointError(f"{where} has dtype {quote(str(value.dtype).removeprefix('torch.'), 30)}; icar "
                              "reads float32 and float64 only")
    if shape is not None and tuple(value.shape) != shape:
        raise CheckpointError(f"{where} has shape {quote(tuple(value.shape), 60)}, but the configuration needs {shape}")
    if value.numel() > MAX_TENSOR_ELEMENTS:
        raise CheckpointError(f"{where} has {value.numel():,} numbers; icar reads at most {MAX_TENSOR_ELEMENTS:,}")
    # A view with stride 0 would make a few stored numbers look like millions (and take seconds to check).
    if not value.is_contiguous() or value.untyped_storage().nbytes() < value.numel() * value.element_size():
        raise CheckpointError(f"{where} is not stored as a plain contiguous tensor")
    if not torch.isfinite(value).all():
        raise CheckpointError(f"{where} contains NaN or infinite values")


def _check_state(state: object, expected: dict[str, tuple[int, ...]], where: str) -> None:
    if not isinstance(state, dict):
        raise CheckpointError(f"{where} must be a mapping of tensors")
    names = {k for k in state if isinstance(k, str)}
    missing = sorted(set(expected) - names)
    extra = sorted(clip(k, 30) for k in state if k not in expected)
    if missing or extra:
        raise CheckpointError(f"{where} do not fit the configuration (missing: {', '.join(missing) or 'none'}; "
                              f"unexpected: {', '.join(extra[:5]) or 'none'})")
    for key, shape in expected.items():
        _check_tensor(state[key], f"{where}: {key}", shape)


def _check_history(history: object, label: str) -> pd.DataFrame:
    if not isinstance(history, dict) or not all(isinstance(k, str) for k in history) or \
            not set(history) >= HISTORY_COLUMNS:
        raise CheckpointError(f"{label}: history must have the columns {', '.join(sorted(HISTORY_COLUMNS))}")
    if len(history) > MAX_HISTORY_COLUMNS:
        raise CheckpointError(f"{label}: history has {len(history):,} columns; icar reads at most "
                              f"{MAX_HISTORY_COLUMNS}")
    lengths = {len(v) if isinstance(v, list) else -1 for v in history.values()}
    if len(lengths) != 1 or -1 in lengths or not 1 <= lengths.pop() <= MAX_HISTORY_ROWS:
        raise CheckpointError(f"{label}: history columns must be lists of equal length, with 1 to "
                              f"{MAX_HISTORY_ROWS:,} rows")
    rows = len(history["step"])
    if rows * len(history) > MAX_HISTORY_CELLS:
        raise CheckpointError(f"{label}: history has {rows * len(history):,} values; icar reads at most "
                              f"{MAX_HISTORY_CELLS:,}")
    for key, values in history.items():
        if not all(map(is_finite_number, values)):
            raise CheckpointError(f"{label}: history column {clip(key, 40)!r} contains NaN, infinite or non-numeric "
                                  "values")
    if not all(0 <= x <= MAX_STEPS and float(x).is_integer() for x in history["step"]):
        raise CheckpointError(f"{label}: history steps must be whole numbers in [0, {MAX_STEPS:,}]")
    import pandas as pd

    frame = pd.DataFrame({k: pd.Series(v, dtype="float64") for k, v in history.items()})
    frame["step"] = frame["step"].astype("int64")
    if not frame["step"].is_monotonic_increasing or frame["step"].duplicated().any():
        raise CheckpointError(f"{label}: history steps must increase")
    return frame


def user_run_dir() -> Path:
    return Path(os.environ.get(USER_RUN_ENV) or Path(__file__).resolve().parent.parent / "user_runs")


@dataclass
class CheckpointListing:
    """What :func:`list_checkpoints` found: loadable runs and files that failed, with reasons."""

    runs: list[Checkpoint]
    failed: list[tuple[Path, str]]


def list_checkpoints(folder: str | Path) -> CheckpointListing:
    """Load every ``*.pt`` file in ``folder`` (sorted by name); failures are kept with their reason.

    Listing cannot hang or fail: only regular files are read (no pipes or devices; a link only when it
    resolves to a regular file inside ``folder``), and each entry's failure stays that entry's.
    """
    runs, failed = [], []
    for path in checkpoint_paths(folder):
        try:
            _check_entry(path, label := _label(path.name))
            runs.append(load_checkpoint(path))
        except CheckpointError as exc:
            failed.append((path, str(exc)))
        except Exception as exc:  # one entry must never break the listing
            failed.append((path, _sentence(f"{label}: {_unexpected(exc)}")))
    return CheckpointListing(runs, failed)


MAX_LISTED_FILES = 200  # entries of a folder considered at all; the rest are ignored


def checkpoint_paths(folder: str | Path) -> list[Path]:
    """The ``*.pt`` entries of ``folder`` by name (at most :data:`MAX_LISTED_FILES`), without touching
    them: an unreadable folder gives none."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if e.name.endswith(SUFFIX) and not e.name.startswith("."))
    except OSError:
        return []
    return [Path(folder) / name for name in names[:MAX_LISTED_FILES]]


def _check_entry(path: Path, label: str) -> None:
    """A folder entry may be opened: a regular file, or a link to one inside the same folder."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):  # dangling, a loop, or unreadable
            raise CheckpointError(f"{label}: is a link to nothing (a missing file or a loop of links)") from None
        if target.parent != path.parent.resolve():
            raise CheckpointError(f"{label}: is a link to a file outside the checkpoints folder; copy the file "
                                  "there instead")
        info = os.stat(target)
    if not stat.S_ISREG(info.st_mode):
        raise CheckpointError(f"{label}: is not a regular file (a folder, device or pipe); only checkpoint files "
                              "can be opened")
    _check_size(info.st_size, label)
