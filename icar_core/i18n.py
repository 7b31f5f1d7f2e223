"""UI text in English and Japanese. No Streamlit here: ``icar_core.ui`` picks the language.

Every string lives in one of the ``icar_core.locales`` modules as ``key: {"en": ..., "ja": ...}``;
:func:`translate` formats it with named values.
"""

from __future__ import annotations

from icar_core.locales import STRINGS

LANGUAGES = {"en": "English", "ja": "日本語"}


def translate(key: str, lang: str = "en", **values: object) -> str:
    """The text for ``key`` in ``lang``, formatted with ``values``; a missing key raises KeyError."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(LANGUAGES)}; got {lang!r}")
    return STRINGS[key][lang].format(**values)


def missing_translations() -> list[str]:
    """Keys that lack a language (the test suite requires none)."""
    return sorted(key for key, texts in STRINGS.items() if set(texts) != set(LANGUAGES) or not all(texts.values()))
