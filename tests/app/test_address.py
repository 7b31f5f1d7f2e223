"""Every view has an address (icar_core.url_state bound in ui.run_app), and every page draws on first visit.

One AppTest session walks every page with the default run (the one run policy: a page that does not apply
shows its finding's run at once); others read addresses: a good one restores the run, the language and a
page's controls and is written back as it was; bad ones each give one notice naming the key and the default view.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from icar_core.i18n import translate
from icar_core.ui import PAGES
from icar_core.views.gd import slider_degrees
from tests.app.apptest_utils import APP, ROOT, TIMEOUT, no_exception, run_id

# The Lab draws its loss only once a run trains (tests/app/test_page_lab.py, tests/e2e/test_lab.py).
NO_CHART_BEFORE_A_RUN = {"lab"}
# Streamlit's page backgrounds (light, dark): a fixed colour must stand out on both.
BACKGROUNDS = ("#ffffff", "#0e1117")
MIN_CONTRAST = 2.0  # WCAG contrast ratio; the lightest grey used (#adb5bd) has 2.06 on white
NAMED = {"white": "#ffffff", "black": "#000000"}


def luminance(colour: str) -> float:
    colour = NAMED.get(colour, colour).lstrip("#")
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def fixed_colours(spec: dict) -> list[tuple[str, str]]:
    """(mark, colour) of every colour a chart fixes on a mark drawn on the page's background: marks layered
    with a heatmap's cells (rects: their text and block rules) are drawn on the cells and are left out."""
    found = []

    def walk(node, on_cells: bool) -> None:
        if isinstance(node, dict):
            layers = node.get("layer") or []
            cells = on_cells or any(_mark_type(layer) == "rect" for layer in layers)
            mark = _mark_type(node)
            if mark is not None and mark != "rect" and not cells:
                props = node["mark"] if isinstance(node["mark"], dict) else {}
                found.extend((mark, props[k]) for k in ("color", "stroke", "fill") if isinstance(props.get(k), str))
                colour = node.get("encoding", {}).get("color", {})
                found.extend((mark, c["value"]) for c in [colour, colour.get("condition", {})]
                             if isinstance(c, dict) and isinstance(c.get("value"), str))
            for value in node.values():
                walk(value, cells)
        elif isinstance(node, list):
            for value in node:
                walk(value, on_cells)

    walk(spec, False)
    return [(mark, c) for mark, c in found if c.startswith("#") or c in NAMED]


def _mark_type(node) -> str | None:
    mark = node.get("mark") if isinstance(node, dict) else None
    return mark.get("type") if isinstance(mark, dict) else mark


def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    return at


def open_address(at: AppTest, page: str, query: dict[str, str | list[str]]) -> AppTest:
    """Open ``page`` with the address ``query`` as a new session would: the app reads an address on a session's
    first run only (AppTest's first run is always the default page, so the flag is cleared instead)."""
    at.session_state["_address_read"] = False
    at.query_params.clear()
    at.query_params.update(query)
    return at.switch_page(page).run()


def test_every_page_draws_a_chart_on_first_visit_in_colours_that_read_on_light_and_dark():
    at = app()
    no_exception(at)
    for url, file, _, _ in PAGES:
        at.switch_page(file).run()
        no_exception(at)
        charts = at.get("vega_lite_chart")
        if url in NO_CHART_BEFORE_A_RUN:
            assert not charts
            continue
        assert charts, f"{url}: no chart on first visit with the default run"
        for chart in charts:
            for mark, colour in fixed_colours(json.loads(chart.proto.spec)):
                worst = min(contrast(colour, background) for background in BACKGROUNDS)
                assert worst >= MIN_CONTRAST, f"{url}: a {mark} in {colour} (contrast {worst:.2f}) on a background"


def test_fixed_colours_are_found():
    """The colour walk itself: a black line on the background is found, black text on a heatmap's cells is not."""
    spec = {"vconcat": [{"layer": [{"mark": {"type": "rect"}}, {"mark": "text", "encoding": {
        "color": {"condition": {"test": "x", "value": "white"}, "value": "black"}}}]},
        {"mark": {"type": "line", "color": "#000000"}}]}
    assert fixed_colours(spec) == [("line", "#000000")]
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)


GD = "app_pages/model_vs_gd.py"


def test_an_address_restores_run_language_and_controls_and_is_written_back():
    name, seed, n = "augmented-commuting", 3, 7
    from icar_core.checkpoints import load_checkpoint
    ckpt = load_checkpoint(ROOT / "checkpoints" / f"{name}.pt")
    angles = [a + 10.5 for a in slider_degrees(ckpt, seed)]
    query = {"lang": "ja", "run": name, "seed": str(seed), "n": str(n), "angles": ",".join(map(str, angles))}
    at = open_address(app(), GD, query)
    no_exception(at)
    assert not at.warning
    assert at.session_state["lang"] == "ja" and at.session_state["run_id"] == run_id(name)
    assert at.title[0].value == translate("gd.title", "ja")
    assert at.number_input[0].value == seed
    sliders = {s.label: s.value for s in at.slider}
    assert sliders[translate("gd.n", "ja")] == n
    assert [sliders[translate("gd.angle", "ja", k=k + 1)] for k in range(len(angles))] == angles
    assert {key: at.query_params[key] for key in query} == query
    # Moving a control writes it into the address (a fragment's rerun included).
    at.slider(key=f"gd-n-{run_id(name)[:12]}").set_value(n + 2).run()
    no_exception(at)
    assert at.query_params["n"] == str(n + 2)


# Ten malformed addresses: each key in it is named by one notice, the rest of the address is kept.
MALFORMED = [
    ({"run": "no-such-run"}, "run", "url.unknown_run"),
    ({"n": "1000000000"}, "n", "url.bad_value"),
    ({"lang": "fr"}, "lang", "url.bad_value"),
    ({"angles": "NaN,10"}, "angles", "url.bad_value"),
    ({"seed": ["1", "2"]}, "seed", "url.repeated"),
    ({"zzz": "1"}, "zzz", "url.unknown_key"),
    ({"run": "upload:" + "ab" * 32}, "run", "url.upload_absent"),
    ({"seed": "-5"}, "seed", "url.bad_value"),
    ({"n": "3.5"}, "n", "url.bad_value"),
    ({"compare": "<script>"}, "compare", "url.unknown_run"),
]


def test_malformed_addresses_each_give_the_default_view_with_one_notice():
    """Each address is read as a fresh session reads it (the app reads the address on a session's first run)."""
    at = app()
    for query, key, notice in MALFORMED:
        open_address(at, GD, {"run": "augmented-commuting", "seed": "0", **query})
        no_exception(at)
        assert len(at.warning) == 1, (query, [w.value for w in at.warning])
        message = at.warning[0].value
        assert f"“{key}" in message or f"({key})" in message, message
        template = translate(notice, "en", name="\0", value="\0", count="\0", allowed="\0").split("\0")[0]
        assert message.startswith(template), message
        assert at.session_state["run_id"] == run_id("augmented-commuting")
        assert at.session_state["gd-seed"] == 0 and at.get("vega_lite_chart")  # the default view
        kept = {"run", "seed"} - set(query)
        assert kept <= set(at.query_params), (query, dict(at.query_params))  # the rest of the address is kept
        bad = query[key] if isinstance(query[key], list) else [query[key]]
        assert at.query_params.get(key) not in bad, (query, dict(at.query_params))  # the view's value, not the bad one
