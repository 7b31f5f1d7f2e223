"""UI strings of the gd area."""

STRINGS: dict[str, dict[str, str]] = {}
