"""UI strings of the tour area."""

STRINGS: dict[str, dict[str, str]] = {}
