"""UI strings of the orthogonality area."""

STRINGS: dict[str, dict[str, str]] = {}
