"""UI strings of the heads area."""

STRINGS: dict[str, dict[str, str]] = {}
