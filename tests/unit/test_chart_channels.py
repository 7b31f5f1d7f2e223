"""The chart builders hand Altair channel objects (``alt.X("n:Q")``), never a shorthand string or an
``alt.value`` / ``alt.condition`` dict: ``encode`` turns those into channels through ``from_dict``, which
rebuilds a table of every schema class each time (~15 ms a channel, most of a small chart's cost)."""

import ast
from pathlib import Path

import altair as alt
import pytest

CHARTS = sorted((Path(__file__).resolve().parents[2] / "icar_core" / "charts").glob("*.py"))


def slow_channels(source: str) -> list[str]:
    """``keyword=value`` pairs of ``.encode(...)`` calls whose value Altair would convert with from_dict."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "encode":
            for keyword in node.keywords:
                values = keyword.value.elts if isinstance(keyword.value, ast.List) else [keyword.value]
                for value in values:
                    text = isinstance(value, ast.Constant) and isinstance(value.value, str)
                    helper = isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and \
                        value.func.attr in ("value", "condition")
                    if text or helper:
                        found.append(f"{keyword.arg}={ast.unparse(value)}")
    return found


def test_the_check_finds_what_it_looks_for():
    assert slow_channels('c.encode(x="n:Q", color=alt.value("red"), tooltip=["a:N"], y=alt.Y("y:Q"))') == \
        ["x='n:Q'", "color=alt.value('red')", "tooltip='a:N'"]


@pytest.mark.parametrize("path", CHARTS, ids=lambda p: p.name)
def test_chart_builders_pass_channel_objects(path):
    assert slow_channels(path.read_text()) == []


def test_a_value_channel_with_a_condition_is_the_spec_alt_condition_writes():
    test = "abs(datum.value) > 1"
    written = alt.Chart().mark_text().encode(color=alt.ColorValue("black", condition={"test": test, "value": "white"}))
    assert written.to_dict()["encoding"]["color"] == alt.condition(test, alt.value("white"), alt.value("black"))
