"""UI strings of the paper area."""

STRINGS: dict[str, dict[str, str]] = {}
