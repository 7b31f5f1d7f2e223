"""Offline export of Altair charts (vl-convert): PNG for slides, SVG for papers, one HTML report."""

from __future__ import annotations

import html
from collections.abc import Sequence

import vl_convert as vlc

from icar_core.charts.vegalite import Chart


def _spec(chart: Chart | str) -> str:
    return chart if isinstance(chart, str) else chart.to_json()


def to_png(chart: Chart | str, scale: float = 2.0) -> bytes:
    """A PNG of ``chart`` (or its Vega-Lite JSON) at ``scale`` × its size (2 suits slides)."""
    return vlc.vegalite_to_png(_spec(chart), scale=scale)


def to_svg(chart: Chart | str) -> str:
    """An SVG of ``chart`` (or its Vega-Lite JSON): vector, for papers."""
    return vlc.vegalite_to_svg(_spec(chart))


def html_report(title: str, sections: Sequence[tuple[str, str, Chart | None]], lang: str = "en") -> str:
    """A self-contained HTML page: a heading, a paragraph and an inline SVG chart per section.

    The charts are embedded as SVG, so the file opens offline with no script at all.
    """
    parts = [f"<!DOCTYPE html><html lang='{html.escape(lang)}'><head><meta charset='utf-8'>",
             f"<title>{html.escape(title)}</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
             "color:#212529}h2{margin-top:2em}figure{margin:1em 0;overflow-x:auto}</style></head><body>",
             f"<h1>{html.escape(title)}</h1>"]
    for heading, text, chart in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2><p>{html.escape(text)}</p>")
        if chart is not None:
            parts.append(f"<figure>{to_svg(chart)}</figure>")
    parts.append("</body></html>")
    return "\n".join(parts)
