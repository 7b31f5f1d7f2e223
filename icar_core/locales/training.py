"""UI strings of the training area."""

STRINGS: dict[str, dict[str, str]] = {}
