"""UI strings of the positions area."""

STRINGS: dict[str, dict[str, str]] = {}
