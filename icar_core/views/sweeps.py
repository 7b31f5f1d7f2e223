"""What the Sweeps page shows: a sweep's results table as a heatmap over two grid axes and as seed bands over
one, each cell and point tied to the run that made it. No Streamlit here.

A cell is the mean over seeds of one headline number (each run's own value, measured with its interval by the
findings registry when the sweep ran), with the seeds' standard deviation, range and count; a point is one run.

A folder is read again only when its spec or table changed on disk (a running sweep rewrites the table after every
run), and the cells and bands of one read are computed once: every visitor of the page shares them, so none may
change them.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from icar_core.checkpoints import Checkpoint, CheckpointError, load_checkpoint
from icar_core.findings import FINDINGS
from icar_core.stats import Estimate, bootstrap
from icar_core.sweep_results import (
    SPEC_FILE,
    STATUS_DONE,
    STATUS_FAILED,
    TABLE,
    SweepFolderError,
    read_spec,
    read_table,
)
from icar_core.validation import clip

ROOT = Path(__file__).resolve().parents[2]
# The shipped sweeps; ICAR_SWEEP_DIR points the page at another folder (tests, private sweeps).
SWEEP_DIR = Path(os.environ.get("ICAR_SWEEP_DIR") or ROOT / "sweeps")
MAX_LISTED_SWEEPS = 100
#: Sweep folders read and kept, each with the cells and bands asked of it.
CACHED_SWEEPS = 8
#: The headline numbers the page offers, in menu order (those in a table); each has a text key
#: ``sweeps.metric.<name>`` and is an Estimate in the table (value, .low, .high, .n columns).
HEADLINE_METRICS = ("gd.loss_ratio", "gd.prediction_cosine", "gd.update_rel_error", "gd.own_step_gap",
                    "gd.own_step_ratio", "gd.loss_ratio_all", "gd.sensitivity_cosine")
SEED = "seed"
T = TypeVar("T")


@dataclass(frozen=True)
class SweepView:
    """A sweep folder read: its grid axes, finished runs (one row each), failed runs, offered metrics; and what has
    been computed from this read (:func:`_per_read`), which goes with it."""

    name: str
    folder: Path
    preset: str
    axes: list[str]
    runs: pd.DataFrame
    failed: pd.DataFrame
    metrics: list[str]
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def axis_values(self, axis: str) -> list:
        return sorted(self.runs[axis].unique().tolist())


def list_sweeps(folder: Path | None = None) -> list[str]:
    """Sub-folders of ``folder`` (default :data:`SWEEP_DIR`) that hold a sweep (a ``sweep.json``), by name; an
    unreadable folder gives none."""
    folder = SWEEP_DIR if folder is None else folder
    try:
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if e.is_dir() and not e.name.startswith(".")
                           and (Path(e.path) / "sweep.json").is_file())
    except OSError:
        return []
    return names[:MAX_LISTED_SWEEPS]


def load_sweep(name: str, folder: Path | None = None) -> SweepView:
    """The sweep ``name`` in ``folder`` (default :data:`SWEEP_DIR`); SweepFolderError (one sentence) for a missing
    or broken spec or table."""
    path = (SWEEP_DIR if folder is None else folder) / name
    return _read_sweep(name, path, _stamp(path))


def _stamp(path: Path) -> tuple:
    """What changes when the spec or the table is rewritten (both are replaced atomically, as new files)."""
    stamps = []
    for file in (SPEC_FILE, TABLE):
        try:
            found = os.stat(path / file)
        except OSError:
            stamps.append(None)
        else:
            stamps.append((found.st_ino, found.st_mtime_ns, found.st_size))
    return tuple(stamps)


@functools.lru_cache(maxsize=CACHED_SWEEPS)  # an error is not cached: a broken folder is read again next time
def _read_sweep(name: str, path: Path, _stamp: tuple) -> SweepView:
    spec, table = read_spec(path), read_table(path)
    missing = [a for a in spec.axes if a not in table]
    if missing:
        raise SweepFolderError(f"{clip(name, 60)}/results.parquet lacks the grid column {clip(missing[0], 40)}")
    done = table[table["status"] == STATUS_DONE].reset_index(drop=True)
    metrics = [m for m in HEADLINE_METRICS if m in done and f"{m}.low" in done and done[m].notna().any()]
    return SweepView(name, path, spec.preset, spec.axes, done, table[table["status"] == STATUS_FAILED], metrics)


def _per_read(fn: Callable[..., T]) -> Callable[..., T]:
    """``fn(view, *args)`` computed once per read of the folder: kept in ``view.derived``, so it is dropped with the
    read (a running sweep's old reads do not pile up)."""
    @functools.wraps(fn)
    def once(view: SweepView, *args: object) -> T:
        key = (fn.__name__, *args)
        if key not in view.derived:
            view.derived[key] = fn(view, *args)
        return view.derived[key]
    return once


@_per_read
def cells(view: SweepView, metric: str, x: str, y: str) -> pd.DataFrame:
    """One row per grid cell (columns ``x``, ``y``: its values of the axes ``x`` and ``y``): mean, sd (0 for one
    seed), min, max and count of the runs' ``metric`` over seeds (and over any other axis), the mean of their
    interval bounds, and the run nearest the mean (the one a click opens)."""
    frame = view.runs[[x, y, metric, f"{metric}.low", f"{metric}.high", "run"]].dropna(subset=[metric])
    rows = []
    for (xv, yv), group in frame.groupby([x, y], sort=True):
        values = group[metric].to_numpy(dtype=float)
        mean = float(values.mean())
        nearest = group["run"].iloc[int(np.argmin(np.abs(values - mean)))]
        rows.append({"x": xv, "y": yv, "mean": mean, "sd": float(values.std(ddof=1)) if len(values) > 1 else 0.0,
                     "min": float(values.min()), "max": float(values.max()), "seeds": len(values),
                     "low": float(group[f"{metric}.low"].mean()), "high": float(group[f"{metric}.high"].mean()),
                     "run": nearest})
    return pd.DataFrame(rows)


@_per_read
def bands(view: SweepView, metric: str, x: str, group: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seed bands over axis ``x`` (one line per value of the axis ``group``; columns ``x`` and ``group``): per point
    the mean, mean ± sd and the seeds' range; and every run's own value with its interval (``low``, ``high``)."""
    columns = [x, group] if group else [x]
    points = view.runs[[*columns, SEED, metric, f"{metric}.low", f"{metric}.high", "run"]].dropna(subset=[metric])
    points = points.rename(columns={x: "x", group or "": "group", metric: "value", f"{metric}.low": "low",
                                    f"{metric}.high": "high"})
    if not group:
        points["group"] = ""
    stats = points.groupby(["x", "group"], sort=True)["value"].agg(["mean", "std", "min", "max", "count"]).reset_index()
    stats["std"] = stats["std"].fillna(0.0)
    stats["band_low"], stats["band_high"] = stats["mean"] - stats["std"], stats["mean"] + stats["std"]
    return stats.rename(columns={"std": "sd", "count": "seeds"}), points.reset_index(drop=True)


def finding_page(metric: str) -> str:
    """The page of the finding whose number ``metric`` is (``gd.…``: Model vs GD)."""
    return FINDINGS[metric.partition(".")[0]].page


def open_run(view: SweepView, key: str) -> Checkpoint:
    """The checkpoint of run ``key``; CheckpointError (one sentence) when it is absent or does not load."""
    rows = view.runs[view.runs["run"] == key]
    if rows.empty:
        raise CheckpointError(f"{clip(key, 60)} is not a finished run of {clip(view.name, 60)}")
    path = (view.folder / str(rows["checkpoint"].iloc[0])).resolve()
    if path.parent != (view.folder / "runs").resolve():
        raise CheckpointError(f"{clip(key, 60)}: its checkpoint must lie in the sweep's runs folder")
    if not path.exists():
        raise CheckpointError(f"{path.name} is not shipped with {clip(view.name, 60)} (only its results table is); "
                              "re-run the sweep to train it")
    return load_checkpoint(path)


def contexts_of(view: SweepView, metric: str) -> str:
    """How many contexts each run's ``metric`` was measured on (``4,096``, or a range where runs differ)."""
    n = view.runs[f"{metric}.n"].dropna().astype(int)
    return f"{n.min():,}" if n.min() == n.max() else f"{n.min():,}–{n.max():,}"


def _log_slope(points: np.ndarray) -> float:
    """Least-squares slope of column 1 on column 0."""
    x, y = points[..., 0], points[..., 1]
    xc = x - x.mean(axis=-1, keepdims=True)
    return (xc * (y - y.mean(axis=-1, keepdims=True))).sum(axis=-1) / (xc**2).sum(axis=-1)


def scaling(view: SweepView, metric: str, axis: str, group: str | None) -> dict[object, Estimate]:
    """Per value of ``group`` (or one entry, None): the exponent b in ``metric ∝ axis^b``, the least-squares slope of
    log metric on log axis over the runs (all seeds), with a bootstrap interval over runs; n is the number of runs.
    Empty when a value is not positive (no power law to fit)."""
    frame = view.runs[[axis, metric] + ([group] if group else [])].dropna()
    if (frame[[axis, metric]] <= 0).to_numpy().any():
        return {}
    out = {}
    for key, part in frame.groupby(group) if group else [(None, frame)]:
        if part[axis].nunique() < 2:
            continue
        points = np.log(part[[axis, metric]].to_numpy(dtype=float))
        out[key] = bootstrap(points, _log_slope, batched=True)
    return out
