"""Home's picture: one example context of a run, the true next state and the model's prediction.

:func:`picture_of` computes it from a run. A copy of the default run's picture ships beside the run
(``checkpoints/first_paint.json``, written by ``python -m icar_core.home_picture``) so that a fresh server's
first visitor sees it before torch is imported (:func:`icar_core.ui_base.first_paint`); the page then draws the
computed picture in its place. The copy is plain JSON, read without pickle, and used only while the run file's
sha256 is the one it was made from; anything wrong with it (missing, too large, malformed, out of date) means
no early picture, never an error. ``tests/acceptance`` checks that the shipped copy equals the computed picture.

This module imports no torch at the top: the first paint reads it alone.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import math
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from icar_core.checkpoints import Checkpoint

#: The run a new session starts on.
DEFAULT_RUN = "augmented-commuting"
FILE_NAME = "first_paint.json"
FORMAT = "icar-home-picture"
VERSION = 1
RUN_SUFFIX = ".pt"
# Bounds on what the stored copy may make the first paint read and draw (the shipped one is ~3 KB, 32 × 5).
MAX_FILE_BYTES = 2**20
MAX_RUN_BYTES = 20 * 2**20  # as for checkpoints (icar_core.checkpoints.MAX_FILE_BYTES)
MAX_STATES = 4_096
MAX_DIMENSION = 64


@dataclass(frozen=True)
class HomePicture:
    """``states`` (n+1, d) hold ``s_0 … s_n`` of the run's example context; ``truth`` (d,) is ``s_{n+1}`` and
    ``prediction`` (d,) the model's ``ŝ_{n+1}``, ``error`` their squared distance; ``joined``: draw the states
    joined in order (every W of the run turns the same fixed planes)."""

    run: str
    states: np.ndarray
    truth: np.ndarray
    prediction: np.ndarray
    error: float
    joined: bool

    @property
    def context_length(self) -> int:
        """n: the positions before the predicted one."""
        return len(self.states) - 1

    @property
    def mean_length(self) -> float:
        """The states' mean Euclidean length (the rotations keep it; noise and s₀'s law set it)."""
        return float(np.linalg.norm(self.states, axis=1).mean())


def picture_of(ckpt: Checkpoint) -> HomePicture:
    """The run's Home picture: its example context of seed 0 at the last trained position."""
    from icar_core.views.context import example_context  # torch: not needed to read a stored copy
    from icar_core.views.gd import is_commuting

    example = example_context(ckpt, 0)
    return HomePicture(ckpt.name, example.states, example.truth, example.prediction, example.error,
                       is_commuting(ckpt))


def to_json(picture: HomePicture, source_id: str) -> dict:
    """The stored form of ``picture`` of the run file whose sha256 is ``source_id``."""
    return {"format": FORMAT, "version": VERSION, "run": picture.run, "sha256": source_id,
            "states": picture.states.tolist(), "truth": picture.truth.tolist(),
            "prediction": picture.prediction.tolist(), "error": picture.error, "joined": picture.joined}


def from_json(data: object) -> tuple[HomePicture, str]:
    """``(picture, sha256 of its run file)`` from :func:`to_json`'s form; anything else raises ValueError."""
    keys = {"format", "version", "run", "sha256", "states", "truth", "prediction", "error", "joined"}
    if not isinstance(data, dict) or set(data) != keys:
        raise ValueError(f"not a stored Home picture (expected the keys {sorted(keys)})")
    if data["format"] != FORMAT or data["version"] != VERSION:
        raise ValueError(f"format {data['format']!r} version {data['version']!r}; expected {FORMAT!r} {VERSION}")
    run, digest = data["run"], data["sha256"]
    if not isinstance(run, str) or not isinstance(digest, str) or len(digest) != 64:
        raise ValueError("the run's name and its file's sha256 (64 hex digits) must be text")
    states = _numbers(data["states"], "states", rows=True)
    if not 2 <= len(states) <= MAX_STATES or not 1 <= states.shape[1] <= MAX_DIMENSION:
        raise ValueError(f"states has shape {states.shape}; allowed: 2-{MAX_STATES} rows of 1-{MAX_DIMENSION}")
    truth, prediction = (_numbers(data[key], key) for key in ("truth", "prediction"))
    if truth.shape != prediction.shape or truth.shape != states.shape[1:]:
        raise ValueError(f"truth {truth.shape} and prediction {prediction.shape} must match a state {states.shape[1:]}")
    error, joined = data["error"], data["joined"]
    if isinstance(error, bool) or not isinstance(error, (int, float)) or not math.isfinite(error) or error < 0:
        raise ValueError(f"error must be a finite number ≥ 0; got {error!r}")
    if not isinstance(joined, bool):
        raise ValueError(f"joined must be true or false; got {joined!r}")
    return HomePicture(run, states, truth, prediction, float(error), joined), digest


def _numbers(value: object, name: str, rows: bool = False) -> np.ndarray:
    """A list of finite numbers (``rows``: a list of equally long such lists) as a float64 array."""
    items = value if rows else [value]
    if not isinstance(items, list) or not items:
        raise ValueError(f"{name} must be a non-empty list")
    for row in items:
        if not isinstance(row, list) or not row or not all(
                isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in row):
            raise ValueError(f"{name} must hold lists of finite numbers")
    if len({len(row) for row in items}) != 1:
        raise ValueError(f"{name} has rows of different lengths")
    array = np.array(items, dtype=np.float64)
    return array if rows else array[0]


def _regular_file_bytes(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` when it is a regular file (not a link) of at most ``limit`` bytes, else None."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError:
        return None
    return raw if len(raw) <= limit else None


def stored_picture(folder: str | Path, run: str) -> HomePicture | None:
    """The stored copy of ``run``'s picture in ``folder``, or None when there is none that may be shown: no file,
    a file that is not a stored picture of this run, or one made from other bytes of the run file."""
    folder = Path(folder)
    raw = _regular_file_bytes(folder / FILE_NAME, MAX_FILE_BYTES)
    if raw is None:
        return None
    try:
        picture, digest = from_json(json.loads(raw))
    except (ValueError, RecursionError):  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        return None
    if picture.run != run:
        return None
    run_bytes = _regular_file_bytes(folder / f"{run}{RUN_SUFFIX}", MAX_RUN_BYTES)
    if run_bytes is None or hashlib.sha256(run_bytes).hexdigest() != digest:
        return None
    return picture


def write_picture(folder: str | Path, ckpt: Checkpoint) -> Path:
    """Store ``ckpt``'s picture in ``folder`` (atomically: a reader sees the old file or the new one)."""
    path = Path(folder) / FILE_NAME
    text = json.dumps(to_json(picture_of(ckpt), ckpt.source_id)) + "\n"
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{FILE_NAME}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as out:
            out.write(text)
        os.chmod(temp, 0o644)  # a shipped file, readable by all (mkstemp makes it private)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Store the default run's Home picture beside it, for the "
                                                 "dashboard's first paint.")
    parser.add_argument("folder", nargs="?", default="checkpoints", help="the runs' folder (default: checkpoints)")
    parser.add_argument("--run", default=DEFAULT_RUN, help=f"the run (default: {DEFAULT_RUN})")
    args = parser.parse_args(argv)
    from icar_core.checkpoints import CheckpointError, load_checkpoint

    try:
        ckpt = load_checkpoint(Path(args.folder) / f"{args.run}{RUN_SUFFIX}")
    except CheckpointError as exc:
        parser.error(str(exc))
    print(f"wrote {write_picture(args.folder, ckpt)}")


if __name__ == "__main__":
    main()
