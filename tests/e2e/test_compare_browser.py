"""The snapshot scrubber and comparison mode in a real headless Chromium, on Model vs GD, Heads, Head
orthogonality and Positional encodings: one server, one browser, one tab walks all four pages.

On each page: pick the run, move the scrubber to the first snapshot (the charts change and the page names the
step), pin a run the page applies to (two columns, the table of differences) and one it does not apply to (the
page's own "does not apply" sentence in its column), with no exception at any point.

    .venv/bin/python -m pytest tests/e2e/test_compare_browser.py -q -m browser
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from browser import (
    CHART,
    EXCEPTION,
    MAIN,
    ROOT,
    SCREENSHOTS,
    VIEWPORT,
    Page,
    StreamlitServer,
    arm,
    browser_missing,
    charts_drawn,
    choose_option,
    full_screenshot,
    go_to,
    launch_chromium,
    main_text,
    open_app,
    press_on_slider,
    sidebar_run,
    signature,
    sync_playwright,
    wait_rerun,
)

from icar_core.i18n import translate

pytestmark = [pytest.mark.browser, pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))]

# (page url, its menu title, the run it shows, a second run it applies to, one it does not apply to and why)
CASES = [
    ("model-vs-gd", "nav.gd", "augmented-commuting", "augmented-orthogonal", "multihead-diagonal-commuting",
     "finding.na.gd"),
    ("heads", "nav.heads", "multihead-diagonal-commuting", "augmented-commuting", "pe-only-mu200", "heads.na.pe_only"),
    ("orthogonality", "nav.orthogonality", "multihead-diagonal-commuting", "multihead-diagonal-rotation",
     "augmented-commuting", "orth.na.augmented"),
    ("positional-encodings", "nav.positions", "multihead-diagonal-commuting", "pe-only-mu200", "augmented-commuting",
     "positions.na.augmented"),
]


@pytest.fixture(scope="module")
def tab() -> Iterator[Page]:
    server = StreamlitServer(log=ROOT / "artifacts" / "test_compare_browser_streamlit.log")
    try:
        server.wait_healthy()
        with sync_playwright() as playwright:
            chromium = launch_chromium(playwright)
            context = chromium.new_context(viewport=VIEWPORT, locale="en-US")
            page = context.new_page()
            page.set_default_timeout(60_000)
            open_app(page, server.url + "/")
            yield page
            chromium.close()
    finally:
        server.stop()


def assert_ok(page: Page, where: str) -> None:
    errors = page.locator(EXCEPTION)
    assert errors.count() == 0, f"{where}: Streamlit shows an exception:\n" + "\n".join(errors.all_inner_texts())


def pin(page: Page, name: str) -> None:
    choose_option(page, page.locator(f'{MAIN} [data-testid="stSelectbox"]').filter(
        has_text=translate("compare.label", "en")), name)


@pytest.mark.parametrize(("url", "title", "run", "fits", "unfit", "reason"), CASES, ids=[c[0] for c in CASES])
def test_scrubber_and_comparison(tab, url, title, run, fits, unfit, reason):
    page = tab
    go_to(page, translate(title, "en"), url)
    if run not in sidebar_run(page):
        choose_option(page, page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first, run)
    assert run in sidebar_run(page) and charts_drawn(page)
    # Each page starts on its own: final weights, nothing pinned (the previous page's choices are its own).
    assert translate("compare.differences", "en") not in main_text(page)

    # The scrubber: Home moves it to the first snapshot; the view is recomputed from those weights.
    label = translate("snapshot.label", "en")
    assert page.locator(f'{MAIN} input[type="range"][aria-label="{label}"]').count() == 1, f"{url}: no scrubber"
    seconds = press_on_slider(page, label, "Home")
    assert_ok(page, f"{url} at step 0")
    print(f"\n{url}: the scrubber's move to step 0 took {seconds:.2f} s (first visit of that snapshot, under load)")
    assert translate("snapshot.showing", "en", step=0) in main_text(page)

    # A second run the page applies to: two columns and the table of differences.
    pin(page, fits)
    assert_ok(page, f"{url} beside {fits}")
    text = main_text(page)
    assert translate("compare.differences", "en") in text and fits in text
    assert page.locator(f'{MAIN} [data-testid="stDataFrame"]').count() >= 1
    assert page.locator(f'{MAIN} [data-testid="stColumn"] {CHART}').count() >= 2 and charts_drawn(page)
    if url == "model-vs-gd":
        # The second column's context length reruns only its own fragment, which keeps its own controls.
        sliders = page.locator(f'{MAIN} input[type="range"][aria-label="{translate("gd.n", "en")}"]')
        assert sliders.count() == 2
        values = [sliders.nth(i).input_value() for i in range(2)]
        before = signature(page)
        sliders.nth(1).focus()
        arm(page)
        page.keyboard.press("ArrowLeft")
        wait_rerun(page, charts=True, changed_from=before)
        assert_ok(page, f"{url}: the second column's context length moved")
        assert sliders.nth(0).input_value() == values[0]
        assert int(sliders.nth(1).input_value()) == int(values[1]) - 1
        full_screenshot(page, SCREENSHOTS / "compare-model-vs-gd.png")  # one picture of the mode for the record

    # One it does not apply to: the page's own sentence in its column, the first run's view still drawn.
    pin(page, unfit)
    assert_ok(page, f"{url} beside {unfit}")
    sentence = translate("compare.not_applicable", "en", run=unfit, reason=translate(reason, "en"))
    assert " ".join(sentence.split()) in " ".join(main_text(page).split())
    assert charts_drawn(page)
