"""UI text in English and Japanese. No Streamlit here: ``icar_core.ui`` picks the language.

Every string lives in one of the ``icar_core.locales`` modules as ``key: {"en": ..., "ja": ...}``;
:func:`translate` formats it with named values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from icar_core.locales import STRINGS

if TYPE_CHECKING:  # the registry imports the analyses; text needs only the shape of a verdict
    from icar_core.findings import Verdict

LANGUAGES = {"en": "English", "ja": "日本語"}


def translate(key: str, lang: str = "en", **values: object) -> str:
    """The text for ``key`` in ``lang``, formatted with ``values``; a missing key raises KeyError."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}; got {lang!r}")
    return STRINGS[key][lang].format(**values)


def missing_translations() -> list[str]:
    """Keys that lack a language (the test suite requires none)."""
    return sorted(key for key, texts in STRINGS.items() if set(texts) != set(LANGUAGES) or not all(texts.values()))


def verdict_text(verdict: Verdict, lang: str = "en") -> str:
    """A verdict's sentence and its further sentences, in ``lang``."""
    parts = [translate(verdict.key, lang, **verdict.values)]
    parts += [translate(key, lang, **values) for key, values in verdict.extra]
    return " ".join(parts)
