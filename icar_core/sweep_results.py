"""A sweep's folder and its results table: one row per run with its config fields and the findings' headline
numbers, each :class:`~icar_core.stats.Estimate` as four columns (``gd.loss_ratio``, ``….low``, ``….high``,
``….n``).

Layout of ``sweeps/NAME/``: ``sweep.json`` (the spec), ``runs/KEY.pt`` (ordinary icar checkpoints),
``results.parquet`` and ``results.csv`` (rewritten atomically after every finished run).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from icar_core.checkpoints import Checkpoint
from icar_core.errors import NotApplicableError
from icar_core.findings import FINDINGS, GDFinding
from icar_core.stats import Estimate
from icar_core.sweep_spec import SweepSpec, SweepSpecError
from icar_core.validation import clip

SPEC_FILE = "sweep.json"
RUNS_DIR = "runs"
TABLE = "results.parquet"
CSV = "results.csv"
STATUS_DONE, STATUS_FAILED = "done", "failed"
#: Columns every row has, before the config fields and the findings' numbers.
RUN_COLUMNS = ("run", "status", "error", "checkpoint", "train_seconds", "eval_seconds", "steps_done",
               "final_eval_loss", "n_contexts")
INTERVAL_PARTS = ("low", "high", "n")
VERDICT_WORDS = {True: "holds", False: "fails", None: "unresolved"}
MAX_TABLE_BYTES = 50 * 2**20  # 100,000 rows of a few hundred columns stay far below


class SweepFolderError(ValueError):
    """A sweep folder that cannot be read; one sentence naming the file."""


def flat_config(config_dict: dict, prefix: str = "") -> dict[str, object]:
    """A config's fields with dotted names (``process.T``), in the dataclasses' order."""
    out = {}
    for key, value in config_dict.items():
        if isinstance(value, dict):
            out |= flat_config(value, f"{prefix}{key}.")
        else:
            out[f"{prefix}{key}"] = value
    return out


def _numbers(prefix: str, evidence: object) -> dict[str, object]:
    """The evidence's Estimates (value, low, high, n) and plain numbers, as columns named ``prefix.field``."""
    out: dict[str, object] = {}
    for f in fields(evidence):
        value = getattr(evidence, f.name)
        if isinstance(value, Estimate):
            out[f"{prefix}.{f.name}"] = value.value
            out |= {f"{prefix}.{f.name}.{part}": getattr(value, part) for part in INTERVAL_PARTS}
        elif isinstance(value, bool):
            out[f"{prefix}.{f.name}"] = value
        elif isinstance(value, int | float):
            out[f"{prefix}.{f.name}"] = float(value)
    return out


def headline(ckpt: Checkpoint, n_contexts: int) -> dict[str, object]:
    """The registry's numbers for every finding that applies to ``ckpt``, and each finding's verdict; Finding 1's
    loss sample uses ``n_contexts`` contexts (fewer for runs whose forward pass costs more, as on the pages)."""
    row: dict[str, object] = {}
    for fid, finding in FINDINGS.items():
        if not finding.applies(ckpt.model):
            continue
        try:
            if isinstance(finding, GDFinding):
                evidence = finding.evidence(ckpt, loss_contexts=n_contexts)
                verdict = finding.judge(evidence)
            else:
                evidence = finding.evidence(ckpt) if hasattr(finding, "evidence") else None
                verdict = finding.verdict(ckpt)
        except NotApplicableError:  # e.g. d = 1, where one GD step is exact: nothing to compare
            continue
        if is_dataclass(evidence):
            row |= _numbers(fid, evidence)
        row[f"{fid}.verdict"] = VERDICT_WORDS[verdict.good]
    return row


def done_row(key: str, ckpt: Checkpoint, checkpoint: str, train_seconds: float, eval_seconds: float,
             numbers: dict[str, object], n_contexts: int) -> dict[str, object]:
    """A finished run's row."""
    return {"run": key, "status": STATUS_DONE, "error": "", "checkpoint": checkpoint,
            "train_seconds": train_seconds, "eval_seconds": eval_seconds,
            "steps_done": int(ckpt.train_state["step"]), "final_eval_loss": float(ckpt.history["eval_loss"].iloc[-1]),
            "n_contexts": n_contexts} | flat_config(ckpt.config.to_dict()) | numbers


def failed_row(key: str, config_dict: dict, reason: str, checkpoint: str) -> dict[str, object]:
    """A failed run's row: its config and its one-line reason."""
    return {"run": key, "status": STATUS_FAILED, "error": clip(reason, 300), "checkpoint": checkpoint} \
        | flat_config(config_dict)


# ---------------------------------------------------------------- files


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """``write(temp)`` then rename onto ``path``: a reader never sees half a file, a kill never leaves one."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ResultsTable:
    """The rows of a sweep, keyed by run; :meth:`put` replaces a run's row and rewrites both files atomically."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.rows: dict[str, dict] = {}
        if (folder / TABLE).exists():
            frame = read_table(folder)
            self.rows = {r["run"]: {k: v for k, v in r.items() if not _missing(v)} for r in frame.to_dict("records")}

    def put(self, row: dict) -> None:
        self.rows[row["run"]] = row
        self.write()

    def frame(self) -> pd.DataFrame:
        frame = pd.DataFrame(list(self.rows.values()))
        first = [c for c in RUN_COLUMNS if c in frame]
        return frame[first + [c for c in frame.columns if c not in first]]

    def write(self) -> None:
        frame = self.frame()
        atomic_write(self.folder / TABLE, lambda p: frame.to_parquet(p, index=False))
        atomic_write(self.folder / CSV, lambda p: frame.to_csv(p, index=False))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def write_spec(folder: Path, spec: SweepSpec) -> None:
    """Record the sweep's spec; a folder that holds another sweep is refused (its runs would not match)."""
    path = folder / SPEC_FILE
    if path.exists():
        if read_spec(folder).to_dict() != spec.to_dict():
            raise SweepSpecError(f"{clip(folder, 80)} holds another sweep ({SPEC_FILE} differs from this one); "
                                 "choose another --out")
        return
    atomic_write(path, lambda p: p.write_text(json.dumps(spec.to_dict(), indent=1) + "\n", encoding="utf-8"))


def read_spec(folder: Path) -> SweepSpec:
    try:
        return SweepSpec.from_dict(json.loads((folder / SPEC_FILE).read_text(encoding="utf-8")), SPEC_FILE)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise SweepFolderError(f"{clip(folder.name, 60)}/{SPEC_FILE} cannot be read ({clip(exc, 120)})") from None


def read_table(folder: Path) -> pd.DataFrame:
    """The results table of ``folder``; SweepFolderError (one sentence) when it is missing or broken."""
    path = folder / TABLE
    try:
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise SweepFolderError(f"{clip(folder.name, 60)}/{TABLE} is larger than {MAX_TABLE_BYTES // 2**20} MB")
        frame = pd.read_parquet(path)
    except SweepFolderError:
        raise
    except FileNotFoundError:
        raise SweepFolderError(f"{clip(folder.name, 60)} has no {TABLE} yet (no run has finished)") from None
    except Exception as exc:  # pyarrow raises many kinds for a damaged file; each costs one sentence
        raise SweepFolderError(f"{clip(folder.name, 60)}/{TABLE} is not a readable results table "
                               f"({clip(exc, 120)})") from None
    if "run" not in frame or "status" not in frame or frame["run"].duplicated().any():
        raise SweepFolderError(f"{clip(folder.name, 60)}/{TABLE} is not an icar results table (it needs one row "
                               "per run, with run and status columns)")
    return frame
