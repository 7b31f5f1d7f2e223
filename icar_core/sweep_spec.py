"""A sweep: a preset, fixed overrides, a grid of overrides and seeds, expanded into validated run configs.

Fields are named with dots (``steps``, ``process.T``, ``model.n_heads``) and checked through the dataclasses
that define them (:class:`~icar_core.config.TrainConfig`, :class:`~icar_core.data.ARProcess`,
:class:`~icar_core.models.ModelConfig`), so any field they gain is sweepable and every value gets the same
check and the same sentence as on the training command line. Nothing here trains or imports Ray.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
import typing
from dataclasses import dataclass, fields, replace
from pathlib import Path

from icar_core.config import TrainConfig
from icar_core.data import MAX_SEED, ARProcess
from icar_core.models import ModelConfig
from icar_core.train import PRESETS, check_config
from icar_core.validation import clip, quote

#: Nested configs a dotted name may reach into.
SECTIONS: dict[str, type] = {"process": ARProcess, "model": ModelConfig}
#: Fields a sweep sets itself: the run's name (from its grid values) and its seed (from ``seeds``).
OWN_FIELDS = ("name", "seed")
#: Sweeps larger than this need ``--yes``; none may exceed MAX_RUNS (each is a file and a table row).
CONFIRM_RUNS = 1_000
MAX_RUNS = 100_000
MAX_SEEDS = 1_000
MAX_SPEC_BYTES = 100_000  # a sweep file is a few lines
#: Contexts of each run's loss sample (Finding 1's ratios): a tenth of the pages' 16,384 keeps evaluation
#: a small part of a small run; the n is a column of the table.
DEFAULT_N_CONTEXTS = 4096
MAX_N_CONTEXTS = 65_536
MIN_N_CONTEXTS = 512  # Finding 1's per-context medians use 512 (GDThresholds.metric_contexts)
SAFE_CHARS = re.compile(r"[^A-Za-z0-9._-]+")


class SweepSpecError(ValueError):
    """A sweep specification that cannot run; the message is one sentence naming the bad value."""


@dataclass(frozen=True)
class SweepSpec:
    """``preset`` with ``fixed`` overrides, every combination of the ``grid`` axes, each for every seed."""

    preset: str
    grid: tuple[tuple[str, tuple], ...]
    fixed: tuple[tuple[str, object], ...] = ()
    seeds: tuple[int, ...] = (0,)
    n_contexts: int = DEFAULT_N_CONTEXTS

    @property
    def axes(self) -> list[str]:
        return [name for name, _ in self.grid]

    @property
    def size(self) -> int:
        return math.prod(len(values) for _, values in self.grid) * len(self.seeds)

    def to_dict(self) -> dict:
        return {"preset": self.preset, "grid": {k: list(v) for k, v in self.grid}, "set": dict(self.fixed),
                "seeds": list(self.seeds), "n_contexts": self.n_contexts}

    @classmethod
    def from_dict(cls, data: object, where: str = "sweep") -> SweepSpec:
        """From :meth:`to_dict` or a sweep file's tables (``preset``, ``seeds``, ``[set]``, ``[grid]``)."""
        if not isinstance(data, dict):
            raise SweepSpecError(f"{where} must be a table of preset, grid, set and seeds")
        unknown = sorted(set(data) - {"preset", "grid", "set", "seeds", "n_contexts"})
        if unknown:
            raise SweepSpecError(f"{where} has unknown keys: {', '.join(clip(k, 30) for k in unknown[:5])} "
                                 "(allowed: preset, grid, set, seeds, n_contexts)")
        grid, fixed = data.get("grid", {}), data.get("set", {})
        if not isinstance(grid, dict) or not isinstance(fixed, dict):
            raise SweepSpecError(f"{where}: grid and set must be tables of field = value(s)")
        for name, values in grid.items():
            if not isinstance(values, list):
                raise SweepSpecError(f"{where}: grid {clip(name, 40)} must be a list of values; got {quote(values)}")
        return cls(preset=data.get("preset"), grid=tuple((k, tuple(v)) for k, v in grid.items()),
                   fixed=tuple(fixed.items()), seeds=_seed_list(data.get("seeds", 1)),
                   n_contexts=data.get("n_contexts", DEFAULT_N_CONTEXTS))


@dataclass(frozen=True)
class RunSpec:
    """One run of a sweep: ``key`` (its file name and table key), its grid values and seed, its config."""

    key: str
    values: dict
    config: TrainConfig


# ---------------------------------------------------------------- fields and values


def field_type(name: str) -> type:
    """The type of the dotted field ``name``; SweepSpecError naming the known fields otherwise."""
    if not isinstance(name, str):
        raise SweepSpecError(f"a field name must be text; got {quote(name)}")
    section, _, leaf = name.rpartition(".")
    if section and section not in SECTIONS:
        raise SweepSpecError(f"unknown field {clip(name, 60)}: dotted names start with "
                             f"{' or '.join(s + '.' for s in SECTIONS)}")
    cls = SECTIONS[section] if section else TrainConfig
    hints = typing.get_type_hints(cls)
    known = [f.name for f in fields(cls) if f.name not in SECTIONS and (section or f.name not in OWN_FIELDS)]
    if leaf not in known:
        prefix = f"{section}." if section else ""
        own = "" if section else " (name and seed are set by the sweep: use --seeds)"
        raise SweepSpecError(f"unknown field {clip(name, 60)}; {cls.__name__} has "
                             f"{', '.join(prefix + k for k in known)}{own}")
    return hints[leaf]


def parse_value(name: str, text: str) -> object:
    """A command-line value for the field ``name``, converted to the field's type."""
    kind = field_type(name)
    text = text.strip()
    try:
        if kind is bool:
            if text.lower() not in ("true", "false"):
                raise ValueError
            return text.lower() == "true"
        if kind is int:
            if not re.fullmatch(r"[+-]?\d{1,30}", text):
                raise ValueError
            return int(text)
        if kind is float:
            return float(text)
    except ValueError:
        word = {bool: "true or false", int: "an integer", float: "a number"}[kind]
        raise SweepSpecError(f"{name} must be {word}; got {quote(text)}") from None
    return text


def _typed(name: str, value: object) -> object:
    """A sweep-file value for ``name``: integers become floats for float fields (TOML writes 1 for 1.0)."""
    kind = field_type(name)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def parse_assignment(option: str, text: str) -> tuple[str, list[object]]:
    """``FIELD=V1,V2,...`` (``--grid`` / ``--set``) as the field and its typed values (possibly none)."""
    name, sep, values = text.partition("=")
    if not sep or not name.strip():
        raise SweepSpecError(f"{option} takes FIELD=VALUE[,VALUE...]; got {quote(text)}")
    name = name.strip()
    return name, [parse_value(name, v) for v in values.split(",") if v.strip()]


def _seed_list(seeds: object) -> tuple[int, ...]:
    """``seeds``: a count N (seeds 0 … N−1) or a list of seeds."""
    if isinstance(seeds, int) and not isinstance(seeds, bool):
        if not 1 <= seeds <= MAX_SEEDS:
            raise SweepSpecError(f"seeds must be a count in [1, {MAX_SEEDS:,}] or a list of seeds; got {quote(seeds)}")
        return tuple(range(seeds))
    if (not isinstance(seeds, list | tuple) or not seeds or len(seeds) > MAX_SEEDS
            or not all(isinstance(s, int) and not isinstance(s, bool) and 0 <= s <= MAX_SEED for s in seeds)):
        raise SweepSpecError(f"seeds must be a count in [1, {MAX_SEEDS:,}] or a list of integers in "
                             f"[0, {MAX_SEED:,}]; got {quote(seeds)}")
    if len(set(seeds)) != len(seeds):
        raise SweepSpecError(f"seeds must not repeat; got {quote(seeds)}")
    return tuple(seeds)


def parse_seeds(text: str) -> tuple[int, ...]:
    """``--seeds 3`` (seeds 0, 1, 2) or ``--seeds 0,7,9``."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts or not all(re.fullmatch(r"\d{1,30}", p) for p in parts):
        raise SweepSpecError(f"--seeds takes a count N or a list of seeds such as 0,7,9; got {quote(text)}")
    return _seed_list(int(parts[0]) if len(parts) == 1 and "," not in text else [int(p) for p in parts])


def with_values(config: TrainConfig, values: dict[str, object]) -> TrainConfig:
    """``config`` with the dotted fields set (validated by the dataclasses)."""
    top = {k: v for k, v in values.items() if "." not in k}
    nested = {s: {k.partition(".")[2]: v for k, v in values.items() if k.startswith(s + ".")} for s in SECTIONS}
    sections = {s: replace(getattr(config, s), **v) for s, v in nested.items() if v}
    return replace(config, **sections, **top)


def _checked(config: TrainConfig, values: dict[str, object], label: str) -> TrainConfig:
    try:
        new = with_values(config, values)
        check_config(new)
    except (ValueError, TypeError, OverflowError) as exc:
        raise SweepSpecError(f"{label}: {clip(exc, 240)}") from None
    return new


# ---------------------------------------------------------------- the sweep


def load_sweep_file(path: str | Path) -> SweepSpec:
    """A TOML sweep file (``preset``, ``seeds``, ``n_contexts``, ``[set]``, ``[grid]``)."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_SPEC_BYTES:
            raise SweepSpecError(f"{clip(path, 80)} is larger than a sweep file can be ({MAX_SPEC_BYTES:,} bytes)")
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SweepSpecError(f"cannot read the sweep file {clip(path, 80)} ({exc.strerror or type(exc).__name__})") \
            from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SweepSpecError(f"{clip(path, 80)} is not a TOML sweep file ({clip(exc, 120)})") from None
    return SweepSpec.from_dict(data, where=path.name)


def run_key(values: dict[str, object]) -> str:
    """A run's file name and table key from its grid values and seed, e.g. ``T-8_d-4_seed-0``; leaves of the
    dotted names when they are unambiguous."""
    leaves = [k.rpartition(".")[2] for k in values]
    names = leaves if len(set(leaves)) == len(leaves) else list(values)
    return "_".join(SAFE_CHARS.sub("", f"{n}-{v}") for n, v in zip(names, values.values(), strict=True))


def expand(spec: SweepSpec, sweep_name: str, confirmed: bool = False) -> list[RunSpec]:
    """Every run of ``spec``, each config validated; SweepSpecError (one sentence) before any run starts."""
    if spec.preset not in PRESETS:
        raise SweepSpecError(f"preset must be one of {', '.join(sorted(PRESETS))}; got {quote(spec.preset)}")
    if not spec.grid:
        raise SweepSpecError("the grid is empty: give at least one --grid FIELD=V1,V2,... (or a [grid] table)")
    if (not isinstance(spec.n_contexts, int) or isinstance(spec.n_contexts, bool)
            or not MIN_N_CONTEXTS <= spec.n_contexts <= MAX_N_CONTEXTS):
        raise SweepSpecError(f"n_contexts must be an integer in [{MIN_N_CONTEXTS}, {MAX_N_CONTEXTS:,}]; "
                             f"got {quote(spec.n_contexts)}")
    names = [name for name, _ in spec.fixed] + spec.axes
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise SweepSpecError(f"{clip(repeated[0], 60)} is given more than once (in --set or --grid)")
    for name, values in spec.grid:
        field_type(name)
        if not values:
            raise SweepSpecError(f"the grid axis {clip(name, 60)} has no values")
        if len(set(map(repr, values))) != len(values):
            raise SweepSpecError(f"the grid axis {clip(name, 60)} repeats a value: {quote(list(values))}")
    if spec.size > MAX_RUNS:
        raise SweepSpecError(f"the sweep has {spec.size:,} runs; icar sweeps at most {MAX_RUNS:,}")
    if spec.size > CONFIRM_RUNS and not confirmed:
        raise SweepSpecError(f"the sweep has {spec.size:,} runs (more than {CONFIRM_RUNS:,}); pass --yes to run it")
    base = _checked(PRESETS[spec.preset], {k: _typed(k, v) for k, v in spec.fixed},
                    "--set " + ", ".join(f"{k}={v}" for k, v in spec.fixed))
    # Each value on its own first, so that the sentence names the value at fault, then every combination.
    grid = [(name, [_typed(name, v) for v in values]) for name, values in spec.grid]
    for name, values in grid:
        for value in values:
            _checked(base, {name: value}, f"--grid {name}={value}")
    runs = []
    for combo in itertools.product(*(values for _, values in grid)):
        values = dict(zip(spec.axes, combo, strict=True))
        label = "the combination " + ", ".join(f"{k}={v}" for k, v in values.items())
        config = _checked(base, values, label)
        for seed in spec.seeds:
            key = run_key(values | {"seed": seed})
            name = clip(f"{sweep_name}.{key}", 100)
            runs.append(RunSpec(key, values | {"seed": seed}, replace(config, name=name, seed=seed)))
    keys = [r.key for r in runs]
    if len(set(keys)) != len(keys):
        raise SweepSpecError("two runs of the grid would share a file name (values that differ only in characters "
                             "other than letters, digits, '.', '_' and '-')")
    return runs
