"""Every view has an address: which keys a dashboard address may hold, what each allows, and the two ways
between an address and the session's widget values. No Streamlit here: ``icar_core.ui`` binds it.

A :class:`Field` names a key of the address, the session-state key of the widget it restores (a template:
``{run_key}`` is the shown run's key, other ``{name}`` the value of an earlier field, ``{k}`` the item of a list),
its type, and what it allows, possibly depending on the run the page shows (:class:`Scope`). A field the
address does not hold keeps the page's own default: the pages own their defaults, the address only their changes.
:func:`read` turns an address into session values and :class:`Notice` s (one per key it ignores);
:func:`encode` turns the session's values back into an address.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from icar_core.checkpoints import Checkpoint
from icar_core.data import MAX_SEED
from icar_core.errors import NotApplicableError
from icar_core.i18n import LANGUAGES
from icar_core.views.gd import drawn_angles, is_commuting
from icar_core.views.heads import head_type, heads_view
from icar_core.views.lab import lab_presets
from icar_core.views.stress import CONTROL_BOUNDS, FAMILIES
from icar_core.views.sweeps import SweepView, list_sweeps, load_sweep
from icar_core.views.tour import STEPS

#: Seeds as the pages' number inputs take them.
SEED_LIMITS = (0, 2**31 - 1)
#: How much of a bad value a notice repeats (an address can be long).
SHOWN_CHARS = 40
_INT = re.compile(r"[+-]?\d{1,12}")
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True)
class Scope:
    """What a field's allowed values depend on: the run the page shows and its key in widget keys, the
    address's run ids (address id -> session id) and the values of the fields read before it."""

    run: Checkpoint | None
    run_key: str
    runs: Mapping[str, str]
    values: dict[str, Any] = field(default_factory=dict)


Limits = tuple[float, float] | Callable[[Scope], tuple[float, float]]
Choices = Sequence[str] | Callable[[Scope], Sequence[str]]


@dataclass(frozen=True)
class Field:
    """One key of the address. ``kind``: ``int``, ``float``, ``bool``, ``choice``, ``run`` (a run id),
    ``runs`` (several) or ``floats`` (one widget per item, ``{k}`` in ``key``, ``count`` of them).
    ``page``: the page's url path (None: every page); ``applies``: whether the shown run has this control;
    ``shift``: the address shows the session value plus this (a 1-based head for a 0-based index);
    ``default``: the page's default, needed only where a later field's key names this one."""

    name: str
    key: str
    kind: str
    page: str | None = None
    limits: Limits | None = None
    choices: Choices | None = None
    count: Callable[[Scope], int] | None = None
    applies: Callable[[Scope], bool] | None = None
    shift: int = 0
    default: Callable[[Scope], Any] | None = None

    def allowed_limits(self, scope: Scope) -> tuple[float, float]:
        return self.limits(scope) if callable(self.limits) else self.limits

    def allowed_choices(self, scope: Scope) -> list[str]:
        return list(self.choices(scope) if callable(self.choices) else self.choices)

    def keys(self, scope: Scope) -> list[str] | None:
        """The session keys this field's value lives in (None when a field its key names has no value)."""
        names = {**scope.values, "run_key": scope.run_key}
        try:
            if self.kind == "floats":
                return [self.key.format(**names, k=k) for k in range(self.count(scope))]
            return [self.key.format(**names)]
        except KeyError:
            return None


@dataclass(frozen=True)
class Notice:
    """An address key that was ignored: a locale key and its values (``allowed``: a locale key and values
    that say what the key allows)."""

    key: str
    values: dict[str, Any]
    allowed: tuple[str, dict[str, Any]] | None = None


class _BadValueError(ValueError):
    """A value the field does not allow (the notice says what it does)."""

    def __init__(self, allowed: tuple[str, dict[str, Any]], key: str = "url.bad_value"):
        super().__init__(key)
        self.key, self.allowed = key, allowed


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def _number(field_: Field, text: str, scope: Scope) -> float:
    low, high = field_.allowed_limits(scope)
    if field_.kind == "int":
        value: float | None = int(text) if _INT.fullmatch(text.strip()) else None
    else:
        try:
            value = float(text)
        except ValueError:
            value = None
    if value is None or not math.isfinite(value) or not low <= value - field_.shift <= high:
        key = "url.allowed.int" if field_.kind == "int" else "url.allowed.float"
        raise _BadValueError((key, {"low": _fmt(low + field_.shift), "high": _fmt(high + field_.shift)}))
    return value - field_.shift if field_.kind == "int" else float(value)


def _fmt(x: float) -> str:
    return f"{x:g}" if isinstance(x, float) and not x.is_integer() else f"{int(x):,}"


def _run(text: str, scope: Scope) -> str:
    if text not in scope.runs:
        raise _BadValueError(("url.allowed.run", {}), key="url.upload_absent" if text.startswith("upload:") else
                   "url.unknown_run")
    return scope.runs[text]


def _parse(field_: Field, text: str, scope: Scope) -> Any:
    """The session value of ``text`` for ``field_`` (:class:`_BadValueError` when not allowed)."""
    if field_.kind in ("int", "float"):
        return _number(field_, text, scope)
    if field_.kind == "bool":
        if text.lower() not in _TRUE + _FALSE:
            raise _BadValueError(("url.allowed.bool", {}))
        return text.lower() in _TRUE
    if field_.kind == "choice":
        choices = field_.allowed_choices(scope)
        if text not in choices:
            raise _BadValueError(("url.allowed.choice", {"choices": ", ".join(choices)}))
        return text
    if field_.kind == "run":
        return _run(text, scope)
    items = text.split(",")
    if field_.kind == "runs":
        if len(set(items)) != len(items):
            raise _BadValueError(("url.allowed.runs", {}))
        return [_run(item, scope) for item in items] if text else []
    count = field_.count(scope)  # floats
    if len(items) != count:
        low, high = field_.allowed_limits(scope)
        raise _BadValueError(("url.allowed.floats", {"count": count, "low": _fmt(low), "high": _fmt(high)}))
    return [_number(Field(field_.name, "", "float", limits=field_.limits), item, scope) for item in items]


def read(query: Mapping[str, Sequence[str]], fields: Sequence[Field], scope: Scope
         ) -> tuple[dict[str, Any], list[Notice]]:
    """The session values ``{session key: value}`` that ``query`` (address key -> its values) sets for
    ``fields``, and a notice for each of their keys it ignores: repeated, not for this run, or not allowed.
    Fields are read in order; ``scope.values`` collects the values read (or the fields' defaults)."""
    session: dict[str, Any] = {}
    notices: list[Notice] = []
    for f in fields:
        texts = query.get(f.name)
        notice = None if not texts else _read_one(f, texts, scope, session)
        if notice is not None:
            notices.append(notice)
        if f.name not in scope.values and f.default is not None:
            scope.values[f.name] = _default(f, scope)
    return session, notices


# What a field's allowed values may raise when the run or the folder they come from cannot give them.
_UNAVAILABLE = (NotApplicableError, ValueError, KeyError, OSError)


def _default(f: Field, scope: Scope) -> Any:
    try:
        return f.default(scope)
    except _UNAVAILABLE:
        return None


def _read_one(f: Field, texts: Sequence[str], scope: Scope, session: dict[str, Any]) -> Notice | None:
    """Read ``f``'s one value into ``session`` and ``scope.values``; the notice when it is ignored."""
    shown = {"name": f.name, "value": _shown(texts[0])}
    if len(texts) > 1:
        return Notice("url.repeated", {"name": f.name, "count": len(texts)})
    try:
        if f.applies is not None and not f.applies(scope):
            return Notice("url.not_for_run", shown)
        value = _parse(f, texts[0], scope)
        keys = f.keys(scope)
    except _BadValueError as bad:
        return Notice(bad.key, shown, bad.allowed)
    except _UNAVAILABLE:
        return Notice("url.not_for_run", shown)
    if keys is None:
        return Notice("url.not_for_run", shown)
    scope.values[f.name] = value
    session.update(zip(keys, value, strict=True) if f.kind == "floats" else {keys[0]: value})
    return None


def unknown(query: Mapping[str, Sequence[str]], fields: Sequence[Field]) -> list[Notice]:
    """A notice for each key of ``query`` that no field of ``fields`` reads."""
    names = {f.name for f in fields}
    return [Notice("url.unknown_key", {"name": _shown(name), "value": _shown(texts[0] if texts else "")})
            for name, texts in query.items() if name not in names]


def _text(f: Field, value: Any, scope: Scope) -> str | None:
    addresses = {session: address for address, session in scope.runs.items()}
    if f.kind == "bool":
        return "1" if value else "0"
    if f.kind == "int":
        return str(int(value) + f.shift)
    if f.kind in ("float", "floats"):
        return ",".join(repr(float(v)) for v in (value if f.kind == "floats" else [value]))
    if f.kind == "run":
        return addresses.get(value)
    if f.kind == "runs":
        return ",".join(addresses[v] for v in value if v in addresses)
    return str(value)


def encode(session: Mapping[str, Any], fields: Sequence[Field], scope: Scope) -> dict[str, str]:
    """The address of the view ``session`` holds: each field whose widget has a value, in order."""
    address: dict[str, str] = {}
    for f in fields:
        keys = f.keys(scope) if f.applies is None or f.applies(scope) else None
        if keys is None or not all(k in session for k in keys):
            if f.default is not None:
                scope.values[f.name] = _default(f, scope)
            continue
        value = [session[k] for k in keys] if f.kind == "floats" else session[keys[0]]
        if value is None:  # an empty number input (Stress test's basis seed): the page's default
            continue
        text = _text(f, value, scope)
        if text is not None:
            address[f.name] = text
            scope.values[f.name] = value
    return address


# ---------------------------------------------------------------- the dashboard's fields


def _sweep(scope: Scope) -> SweepView:
    return load_sweep(scope.values["sweep"])


def _first_sweep(scope: Scope) -> str | None:
    return next(iter(list_sweeps()), None)


def _first_axis(scope: Scope) -> str | None:
    return _sweep(scope).axes[0] if scope.values.get("sweep") else None


def _other_axes(axis: str) -> Callable[[Scope], list[str]]:
    return lambda scope: [a for a in _sweep(scope).axes if a != scope.values[axis]]


def _full_heads(scope: Scope) -> bool:
    return head_type(scope.run) != "diagonal"


def _head_picker(scope: Scope) -> bool:  # the Heads page offers a head only among several full heads
    return _full_heads(scope) and scope.run.config.model.n_heads > 1


#: Keys every page's address may hold, read before the sidebar is drawn (``compare`` and ``snapshot`` are
#: the comparison mode's pinned second run and the snapshot scrubber's index).
GLOBAL_FIELDS = (
    Field("lang", "lang", "choice", choices=tuple(LANGUAGES)),
    Field("run", "run_id", "run"),
    Field("compare", "compare", "run"),
)

#: Each page's controls, by the page's url path; read once the shown run is known.
PAGE_FIELDS = (
    Field("snapshot", "snapshot", "int", limits=(0, SEED_LIMITS[1])),
    Field("seed", "gd-seed", "int", "model-vs-gd", SEED_LIMITS, default=lambda s: 0),
    Field("n", "gd-n-{run_key}", "int", "model-vs-gd", lambda s: (1, s.run.process.T - 1)),
    Field("angles", "gd-angle-{run_key}-{seed}-{k}", "floats", "model-vs-gd", (0.0, 360.0),
          count=lambda s: len(drawn_angles(s.run, 0)), applies=lambda s: is_commuting(s.run)),
    Field("matrix", "heads.matrix", "choice", "heads", choices=lambda s: list(heads_view(s.run).matrices),
          applies=_full_heads),
    Field("layout", "heads.layout", "choice", "heads", choices=("one", "all"),
          applies=_head_picker),
    Field("head", "heads.head-{run_key}", "int", "heads", lambda s: (0, s.run.config.model.n_heads - 1),
          applies=_head_picker, shift=1),
    Field("diagonal", "positions.diagonal", "bool", "positional-encodings"),
    Field("min_norm", "positions.min_norm", "bool", "positional-encodings"),
    Field("authors", "positions.mu_paper", "bool", "positional-encodings"),
    Field("runs", "training-runs-{run_key}", "runs", "training"),
    Field("train", "training-show-train", "bool", "training"),
    Field("preset", "lab-preset", "choice", "lab", choices=lambda s: lab_presets()),
    Field("noise", "stress-noise-{run_key}", "float", "stress-test", CONTROL_BOUNDS["noise"]),
    Field("mu", "stress-mu-{run_key}", "float", "stress-test", CONTROL_BOUNDS["mu"]),
    Field("scale", "stress-scale-{run_key}", "float", "stress-test", CONTROL_BOUNDS["s0_scale"]),
    Field("family", "stress-family-{run_key}", "choice", "stress-test", choices=FAMILIES),
    Field("basis", "stress-basis-{run_key}", "int", "stress-test", (0, MAX_SEED)),
    Field("spectrum_seed", "spectrum-seed-{run_key}", "int", "stress-test", SEED_LIMITS),
    Field("step", "tour_step", "int", "tour", (0, len(STEPS) - 1), shift=1),
    Field("sweep", "sweeps-name", "choice", "sweeps", choices=lambda s: list_sweeps(), default=_first_sweep),
    Field("metric", "sweeps-metric", "choice", "sweeps", choices=lambda s: _sweep(s).metrics),
    Field("x", "sweeps-x-{sweep}", "choice", "sweeps", choices=lambda s: _sweep(s).axes,
          default=_first_axis),
    Field("y", "sweeps-y-{sweep}-{x}", "choice", "sweeps",
          choices=_other_axes("x")),
    Field("axis", "sweeps-axis-{sweep}", "choice", "sweeps", choices=lambda s: _sweep(s).axes,
          default=_first_axis),
    Field("group", "sweeps-group-{sweep}-{axis}", "choice", "sweeps",
          choices=_other_axes("axis")),
)


def page_fields(page: str) -> tuple[Field, ...]:
    """The fields of the page with url path ``page`` (and those of every page after the sidebar)."""
    return tuple(f for f in PAGE_FIELDS if f.page in (None, page))
