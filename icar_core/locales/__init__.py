"""All UI strings, one module per area of the dashboard, merged into :data:`STRINGS`."""

from __future__ import annotations

from icar_core.locales import (
    common,
    compare,
    findings,
    gd,
    heads,
    home,
    lab,
    orthogonality,
    paper,
    positions,
    stress,
    sweeps,
    tokens,
    tour,
    training,
)

_MODULES = (common, compare, home, findings, gd, heads, orthogonality, positions, training, lab, paper, tokens, stress,
            tour, sweeps)


def _merge() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for module in _MODULES:
        duplicated = set(merged) & set(module.STRINGS)
        if duplicated:
            raise KeyError(f"UI string keys defined twice: {', '.join(sorted(duplicated))}")
        merged |= module.STRINGS
    return merged


STRINGS = _merge()
