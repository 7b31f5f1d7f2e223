"""The dashboard in a real headless Chromium (Playwright driving Debian's /usr/bin/chromium).

One ``streamlit run app.py`` server and one browser page serve the whole module. The tests walk
every page through the sidebar links, wait until the app is idle and the page's Altair charts are
drawn, check that Streamlit shows no exception, click through the Tour, switch the language to
Japanese, and save full-page screenshots to ``artifacts/screenshots/`` (gitignored).

    .venv/bin/python -m pytest tests/e2e/test_browser.py -q -m browser

The helpers (server, launch recipe, waits, screenshots) live in ``browser.py``, shared with the benchmarks.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest
from browser import (
    CHART,
    CJK,
    DIALOG,
    DRAWN,
    EXCEPTION,
    MAIN,
    NAV_LINK,
    ROOT,
    SCREENSHOTS,
    VIEWPORT,
    Page,
    StreamlitServer,
    arm,
    browser_missing,
    charts_drawn,
    choose_language,
    drawn_marks,
    full_screenshot,
    go_to,
    main_text,
    nav_titles,
    open_app,
    pick_run,
    sidebar_run,
    signature,
    spy_on_socket,
    wait_opened,
    wait_rerun,
)

# ---------------------------------------------------------------- fixtures

pytestmark = [pytest.mark.browser, pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))]


@pytest.fixture(scope="module")
def ui_text():
    from icar_core.i18n import translate
    from icar_core.ui import PAGES

    return PAGES, translate


@pytest.fixture(scope="module")
def server() -> Iterator[StreamlitServer]:
    app = StreamlitServer(log=ROOT / "artifacts" / "test_browser_streamlit.log")
    try:
        app.wait_healthy()
        yield app
    finally:
        app.stop()


@pytest.fixture(scope="module")
def page(server, browser) -> Iterator[Page]:
    """One session on Home, English, the default run; the tests below share and move it."""
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    open_app(tab, server.url + "/")
    yield tab
    context.close()


def assert_page_ok(page: Page, where: str) -> None:
    errors = page.locator(EXCEPTION)
    assert errors.count() == 0, f"{where}: Streamlit shows an exception:\n" + "\n".join(errors.all_inner_texts())
    assert page.locator(DIALOG).count() == 0, f"{where}: a dialog is open: {page.locator(DIALOG).all_inner_texts()}"


# ---------------------------------------------------------------- tests

PAGE_IDS = ["home", "model-vs-gd", "heads", "orthogonality", "positional-encodings", "training", "lab",
            "paper-reference", "real-tokens", "stress-test", "tour", "sweeps"]
# Pages that draw a chart only after the visitor acts (the Lab: once a run trains; tests/e2e/test_lab.py).
NO_CHART_YET = {"lab"}


def test_page_list_is_the_one_tested(ui_text):
    pages, _ = ui_text
    assert [url for url, *_ in pages] == PAGE_IDS


@pytest.mark.parametrize("url", PAGE_IDS)
def test_page_through_sidebar(page, ui_text, url):
    """Each page, reached by its sidebar link, runs without exception and draws its charts.

    A page that does not apply to the selected run shows its finding's run at once (the one run policy).
    """
    pages, translate = ui_text
    title = translate(next(key for u, _, key, _ in pages if u == url), "en")
    assert title in nav_titles(page), f"sidebar has no link {title!r}: {nav_titles(page)}"
    go_to(page, title, "" if url == "home" else url)
    assert_page_ok(page, url)
    assert page.locator("h1").count() >= 1, f"{url}: no page title"
    if url in NO_CHART_YET:
        full_screenshot(page, SCREENSHOTS / f"en-{url}.png")
        return
    assert charts_drawn(page), f"{url}: charts not drawn:\n{main_text(page)[:800]}"
    full_screenshot(page, SCREENSHOTS / f"en-{url}.png")


def test_stress_test_shift_redraws_the_charts(page, ui_text):
    """On the Stress-test page (the default augmented run), choosing Haar W and running the test redraws the
    curves, the ratio, the spectrum and the interpolation, and the verdict turns to "breaks"."""
    _, translate = ui_text
    go_to(page, translate("nav.stress", "en"), "stress-test")
    if "augmented-commuting" not in sidebar_run(page):  # an earlier test may have picked another run
        pick_run(page, "augmented-commuting")
        page.wait_for_function("() => document.querySelectorAll('[data-testid=stMain] svg.marks').length >= 4")
    main = page.locator(MAIN)
    assert main.locator(CHART).count() == 4 and charts_drawn(page)
    before = signature(page)
    main.locator('[data-testid="stRadio"] label').filter(has_text=translate("stress.family.orthogonal", "en")).click()
    arm(page)
    main.locator("button").filter(has_text=translate("stress.apply", "en")).click()
    wait_rerun(page, charts=True, changed_from=before, timeout=120)
    assert_page_ok(page, "stress-test after the Haar shift")
    assert main.locator(CHART).count() == 4 and charts_drawn(page)
    assert translate("stress.note.no_mu", "en") in main_text(page)
    breaks = translate("stress.verdict.breaks", "en", worse="\0", tolerance="", contexts="").split("\0")[0]
    assert breaks in main_text(page)
    full_screenshot(page, SCREENSHOTS / "en-stress-test-haar.png")


def test_reproduce_code_is_drawn_when_its_expander_opens(page, ui_text):
    """On Model vs GD the "reproduce in Python" expander holds no code block until it is opened (the browser's
    code-block bundle is 1.5 MB); opening it reruns the column and draws the snippet."""
    _, translate = ui_text
    go_to(page, translate("nav.gd", "en"), "model-vs-gd")
    main = page.locator(MAIN)
    code = main.locator('[data-testid="stCode"]')
    assert code.count() == 0
    arm(page)
    main.locator('[data-testid="stExpander"] summary').filter(has_text=translate("reproduce.title", "en")).click()
    wait_rerun(page)
    code.first.wait_for()
    assert "load_checkpoint(" in code.first.inner_text()
    assert_page_ok(page, "model-vs-gd with its snippet open")


def test_tour_next_until_last_then_back(page, ui_text):
    _, translate = ui_text
    go_to(page, translate("nav.tour", "en"), "tour")
    main = page.locator(MAIN)
    next_button = main.locator("button").filter(has_text=translate("tour.next", "en"))
    back_button = main.locator("button").filter(has_text=translate("tour.back", "en"))

    def step() -> tuple[int, int]:
        found = re.search(r"\b(\d+) / (\d+)\b", main.inner_text())
        assert found, "tour shows no 'k / n' step indicator"
        return int(found[1]), int(found[2])

    while step()[0] > 1:  # a previous run of the session may have left the tour on a later step
        arm(page)
        back_button.click()
        wait_rerun(page, charts=True)
    current, total = step()
    assert total >= 2 and back_button.is_disabled()
    while True:
        assert charts_drawn(page), f"tour step {current}: no chart"
        assert_page_ok(page, f"tour step {current}")
        full_screenshot(page, SCREENSHOTS / f"en-tour-step{current}.png")
        if current == total:
            break
        assert next_button.is_enabled()
        before = signature(page)
        arm(page)
        next_button.click()
        wait_rerun(page, charts=True, changed_from=before)
        assert step()[0] == current + 1
        current += 1
    assert next_button.is_disabled(), "Next is still enabled on the last step"
    arm(page)
    back_button.click()
    wait_rerun(page, charts=True)
    assert step() == (total - 1, total)
    assert charts_drawn(page)
    assert_page_ok(page, "tour after Back")


def test_japanese(page, ui_text):
    """The sidebar language switch turns titles and page links Japanese; screenshots of a few pages."""
    pages, translate = ui_text
    go_to(page, translate("nav.home", "en"), "")
    english_title = page.locator("h1").first.inner_text()
    arm(page)
    page.locator('[data-testid="stSidebar"] [data-testid="stRadio"] label').filter(has_text="日本語").click()
    wait_rerun(page, charts=True)
    assert_page_ok(page, "home (ja)")
    title = page.locator("h1").first.inner_text()
    assert title != english_title and CJK.search(title), f"title not Japanese: {title!r}"
    assert title == translate("home.title", "ja")
    assert nav_titles(page) == [translate(key, "ja") for _, _, key, _ in pages]
    full_screenshot(page, SCREENSHOTS / "ja-home.png")
    for url in ("model-vs-gd", "tour"):
        key = next(k for u, _, k, _ in pages if u == url)
        go_to(page, translate(key, "ja"), url)
        assert_page_ok(page, f"{url} (ja)")
        assert charts_drawn(page), f"{url} (ja): charts not drawn"
        heading = page.locator("h1").first.inner_text()
        assert CJK.search(heading), f"{url} (ja): title not Japanese: {heading!r}"
        full_screenshot(page, SCREENSHOTS / f"ja-{url}.png")


def test_run_choice_survives_language_switch(page, ui_text):
    _, translate = ui_text
    chosen = "authors-multihead"
    arm(page)  # Home, in whatever language: a rerun first (the first widget change of a fresh server is lost)
    page.locator(NAV_LINK).first.click()
    wait_rerun(page, path="")
    choose_language(page, "日本語")
    pick_run(page, chosen)
    if chosen not in sidebar_run(page):
        pytest.fail(f"could not choose {chosen} in the run picker: {sidebar_run(page)!r}")  # not the known bug
    choose_language(page, "English")
    go_to(page, translate("nav.heads", "en"), "heads")
    assert_page_ok(page, "heads after the language switch")
    assert chosen in sidebar_run(page), f"the chosen run was lost on switching language: {sidebar_run(page)!r}"


def test_first_visitor_of_fresh_server(browser, ui_text):
    _, translate = ui_text
    fresh = StreamlitServer(log=ROOT / "artifacts" / "test_browser_streamlit_fresh.log")
    context = browser.new_context(viewport=VIEWPORT)
    problems = []
    try:
        fresh.wait_healthy()
        tab = context.new_page()
        open_app(tab, fresh.url + "/model-vs-gd")
        tab.wait_for_timeout(300)
        assert tab.locator("h1").first.inner_text() == translate("gd.title", "en")
        dialogs = tab.locator(DIALOG)
        if dialogs.count():
            problems.append(f"a direct link shows a dialog: {dialogs.all_inner_texts()}")
            dialogs.locator('button[aria-label="Close"]').first.click()
            dialogs.first.wait_for(state="detached")
        assert tab.locator(EXCEPTION).count() == 0
        chosen = "authors-multihead"
        pick_run(tab, chosen)
        if chosen not in sidebar_run(tab):
            problems.append(f"the first pick of a run was lost: the picker shows {sidebar_run(tab)!r}")
    finally:
        context.close()
        fresh.stop()
    assert not problems, "; ".join(problems)


def test_a_fresh_servers_first_visitor_at_home_sees_the_picture_home_then_computes(browser, ui_text, tmp_path):
    """The first paint (stored picture, before torch) and Home's own drawing in its place show the same marks, and
    the page ends with one title, one picture and its download buttons."""
    _, translate = ui_text
    fresh = StreamlitServer(log=ROOT / "artifacts" / "test_browser_streamlit_first_paint.log",
                            env={"ICAR_CACHE_DIR": str(tmp_path)})
    context = browser.new_context(viewport=VIEWPORT)
    try:
        fresh.wait_healthy()
        tab = context.new_page()
        spy_on_socket(tab)
        tab.goto(fresh.url + "/")
        tab.wait_for_selector(DRAWN, timeout=120_000)
        first = drawn_marks(tab)
        wait_opened(tab)
        assert tab.locator(EXCEPTION).count() == 0
        assert tab.locator(f"{MAIN} h1").all_inner_texts() == [translate("home.title", "en")]
        assert tab.locator(f"{MAIN} {CHART}").count() == 1
        assert drawn_marks(tab) == first
        assert tab.locator(f'{MAIN} [data-testid="stDownloadButton"]').count() == 2  # PNG and SVG
    finally:
        context.close()
        fresh.stop()
