"""Argument checks whose messages name the bad value and the allowed range.

Values can come from a file or a command line, so a message quotes at most :data:`QUOTE_CHARS`
characters of them (:func:`quote`): a 10 MB name must not become a 10 MB sentence.
"""

from __future__ import annotations

import math

QUOTE_CHARS = 80
# Integers longer than this are described by their size: Python refuses to print ints of more than
# 4,300 digits, and nobody reads a 300-digit number anyway.
QUOTE_INT_DIGITS = 30


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """``repr(value)`` cut to ``limit`` characters (``…`` marks the cut); never raises."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3.33 * QUOTE_INT_DIGITS:
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1:,} digits"
    try:
        text = repr(value if not isinstance(value, str) else value[: limit + 1])
    except Exception:  # a broken __repr__ or an int too long to print: say what it is instead
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clip(text: object, limit: int = QUOTE_CHARS) -> str:
    """``str(text)`` on one line, cut to ``limit`` characters: for names and keys shown without quotes."""
    try:
        line = " ".join(str(text)[: 4 * limit].split())
    except Exception:  # an int too long to print, or a broken __str__
        line = quote(text, limit)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def is_finite_number(value: object) -> bool:
    """A real number (not a bool) that is finite as a float: 10**400 is not (it overflows)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def check_choice(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}; got {quote(value)}")


def check_int(name: str, value: object, low: int, high: int | None = None) -> None:
    bad = isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high)
    if bad:
        allowed = f"in [{low}, {high:,}]" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be an integer {allowed}; got {quote(value)}")


def check_number(name: str, value: object, low: float, *, strict: bool, high: float | None = None) -> None:
    ok = is_finite_number(value)
    if ok:
        ok = (value > low if strict else value >= low) and (high is None or value <= high)
    if not ok:
        relation = ">" if strict else ">="
        upper = f" and <= {high:g}" if high is not None else ""
        raise ValueError(f"{name} must be a finite number {relation} {low}{upper}; got {quote(value)}")
