"""Every view has an address, in a real browser (icar_core.url_state bound in ui.run_app).

On one server every page is visited in Japanese and its controls are set; its address is taken from the
browser's location bar. A freshly started second server then opens each address in a new browser context:
the same page, run, language, controls and numbers (the page's text and its charts' marks). Reload keeps the
view in both languages. Ten malformed addresses each give the default view with one notice, in the dark theme.

    .venv/bin/python -m pytest tests/e2e/test_address_browser.py -q -m browser
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from browser import (
    EXCEPTION,
    MAIN,
    ROOT,
    VIEWPORT,
    Page,
    StreamlitServer,
    arm,
    browser_missing,
    choose_language,
    drawn_marks,
    go_to,
    main_text,
    sidebar_run,
    spy_on_socket,
    wait_opened,
    wait_rerun,
)

from icar_core.i18n import translate
from icar_core.ui import DEFAULT_RUN, PAGES

pytestmark = [pytest.mark.browser, pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))]

NO_CHART_YET = {"lab"}  # the Lab draws once a run trains
STABLE_S, VIEW_TIMEOUT_S = 0.5, 30.0  # see view()
NOTICE = '[data-testid="stAlertContentWarning"]'


def start_server(name: str) -> StreamlitServer:
    server = StreamlitServer(log=ROOT / "artifacts" / f"test_address_{name}.log")
    try:
        server.wait_healthy()
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, StreamlitServer]]:
    """The first server, where the views are made; the second is started once the addresses are taken."""
    started = {"first": start_server("first")}
    try:
        yield started
    finally:
        for server in started.values():
            server.stop()


def settle(tab: Page, url: str) -> None:
    wait_opened(tab, charts=url not in NO_CHART_YET)


def view(tab: Page) -> dict:
    """What a visitor sees of a view: the path, the run and language chosen, the page's text (its numbers
    included), the widgets' values and a hash of every chart's drawn marks.

    The browser can still be mounting widgets after the page went quiet (a reload's slider and number input
    once had their labels drawn but no input yet), so this is the first capture that a second one,
    :data:`STABLE_S` later, repeats."""
    last = capture(tab)
    deadline = time.monotonic() + VIEW_TIMEOUT_S
    while time.monotonic() < deadline:
        time.sleep(STABLE_S)
        now = capture(tab)
        if now == last:
            return now
        last = now
    raise AssertionError(f"the view kept changing for {VIEW_TIMEOUT_S:.0f} s: {main_text(tab)[:300]}")


def view_becomes(tab: Page, expected: dict) -> dict:
    """The view once it equals ``expected``, or the last one seen after :data:`VIEW_TIMEOUT_S` (for the
    caller's assertion): a widget mounted late is waited for, a different view still fails."""
    deadline = time.monotonic() + VIEW_TIMEOUT_S
    while (seen := capture(tab)) != expected and time.monotonic() < deadline:
        time.sleep(STABLE_S)
    return seen


def capture(tab: Page) -> dict:
    values = tab.locator(f"{MAIN} input").evaluate_all(
        "els => els.map(e => e.type === 'checkbox' ? String(e.checked) : e.value)")
    return {"path": tab.evaluate("location.pathname"), "run": sidebar_run(tab), "text": main_text(tab),
            "inputs": values, "charts": drawn_marks(tab),
            "lang": tab.locator('[data-testid="stSidebar"] [data-testid="stRadio"] input:checked').evaluate(
                "e => e.closest('label').textContent")}


def difference(a: dict, b: dict) -> str:
    """The first lines where two views differ, for a failure message."""
    lines = []
    for key in a:
        if a[key] != b[key]:
            left, right = (str(v).split("\n") for v in (a[key], b[key]))
            first = next((i for i, (x, y) in enumerate(zip(left, right, strict=False)) if x != y), len(left))
            lines.append(f"{key}: {left[first - 1:first + 2]} != {right[first - 1:first + 2]}")
    return "; ".join(lines)


def act(tab: Page, action: Callable[[], None], charts: bool = True) -> None:
    arm(tab)
    action()
    wait_rerun(tab, charts=charts, timeout=120)


def pick_option(tab: Page, index: int, nth: int = 1) -> None:
    """Choose option ``nth`` of the page's select box ``index``."""
    tab.locator(f'{MAIN} [data-testid="stSelectbox"]').nth(index).click()
    option = tab.locator('[role="option"]').nth(nth)
    option.wait_for()
    act(tab, option.click, charts=False)


def press(tab: Page, selector: str, key: str) -> None:
    tab.locator(selector).first.focus()
    act(tab, lambda: tab.keyboard.press(key))


def click(tab: Page, text: str, element: str = "button") -> None:
    """Click the page's ``element`` (a button, or the label of a toggle) that shows ``text``."""
    act(tab, tab.locator(f"{MAIN} {element}").filter(has_text=text).first.click)


def t(key: str, **values) -> str:
    return translate(key, "ja", **values)


# One or two controls of each page that has any, set as a visitor sets them.
CONTROLS: dict[str, Callable[[Page], None]] = {
    "model-vs-gd": lambda tab: (press(tab, f'{MAIN} input[type="range"][aria-label="{t("gd.n")}"]', "ArrowLeft"),
                                press(tab, f'{MAIN} input[type="range"][aria-label="{t("gd.angle", k=1)}"]',
                                      "ArrowRight")),
    "heads": lambda tab: pick_option(tab, 0),
    "positional-encodings": lambda tab: click(tab, t("positions.P.without_diagonal"), "label"),
    "training": lambda tab: click(tab, t("training.show_train"), "label"),
    "lab": lambda tab: pick_option(tab, 0),
    "stress-test": lambda tab: (tab.locator(f'{MAIN} input[aria-label="{t("spectrum.seed")}"]').fill("3"),
                                press(tab, f'{MAIN} input[aria-label="{t("spectrum.seed")}"]', "Enter")),
    "tour": lambda tab: (click(tab, t("tour.next")), click(tab, t("tour.next"))),
    "sweeps": lambda tab: pick_option(tab, 1),
}


def test_every_view_reopens_from_its_address_on_a_fresh_server(browser, servers):
    first = servers["first"]
    context = browser.new_context(viewport=VIEWPORT, locale="en-US", color_scheme="light")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    spy_on_socket(tab)
    tab.goto(first.url + "/")
    settle(tab, "home")
    go_to(tab, translate("nav.home", "en"), "")  # a rerun first: a fresh server's first widget change is lost
    choose_language(tab, "日本語")
    made = {}
    for url, _, key, _ in PAGES:
        go_to(tab, t(key), "" if url == "home" else url)
        if url in CONTROLS:
            before = tab.url
            CONTROLS[url](tab)
            assert tab.url != before, f"{url}: setting its controls did not change the address"
        assert tab.locator(EXCEPTION).count() == 0, f"{url}: {main_text(tab)[:500]}"
        # The sidebar's link is the real address, a fragment's rerun (Model vs GD's sliders) included.
        tab.wait_for_function("() => document.getElementById('icar-link').value === location.href")
        made[url] = (tab.url.replace(first.url, ""), view(tab))
    context.close()
    first.stop()

    second = servers["second"] = start_server("second")
    context = browser.new_context(viewport=VIEWPORT, locale="en-US", color_scheme="light")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    spy_on_socket(tab)
    for url, (address, seen) in made.items():
        tab.goto(second.url + address)
        settle(tab, url)
        assert tab.locator(NOTICE).count() == 0, f"{address}: {tab.locator(NOTICE).all_inner_texts()}"
        reopened = view_becomes(tab, seen)
        assert reopened == seen, f"{url}: the address {address} opened another view: {difference(seen, reopened)}"

    # Reload keeps the view, in Japanese and, after a switch, in English.
    address, seen = made["model-vs-gd"]
    tab.goto(second.url + address)
    settle(tab, "model-vs-gd")
    tab.reload()
    settle(tab, "model-vs-gd")
    assert view_becomes(tab, seen) == seen
    choose_language(tab, "English")
    english = view(tab)
    assert english["lang"] == "English" and english["inputs"] == seen["inputs"]
    tab.reload()
    settle(tab, "model-vs-gd")
    assert view_becomes(tab, english) == english
    context.close()


MALFORMED = [
    ("run=no-such-run", "run"), ("n=1000000000", "n"), ("lang=fr", "lang"), ("angles=NaN,10", "angles"),
    ("seed=1&seed=2", "seed"), ("zzz=1", "zzz"), ("run=upload:" + "ab" * 32, "run"), ("n=3.5", "n"),
    ("head=2", "head"), ("compare=%3Cscript%3E", "compare"),
]


def test_malformed_addresses_give_the_default_view_with_one_notice_in_the_dark_theme(browser, servers):
    server = servers.get("second") or servers["first"]
    context = browser.new_context(viewport=VIEWPORT, locale="en-US", color_scheme="dark")
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    spy_on_socket(tab)
    for query, key in MALFORMED:
        tab.goto(f"{server.url}/model-vs-gd?{query}")
        settle(tab, "model-vs-gd")
        assert tab.locator(EXCEPTION).count() == 0, query
        notices = tab.locator(NOTICE).all_inner_texts()
        assert len(notices) == 1 and key in notices[0], (query, notices)
        assert DEFAULT_RUN in sidebar_run(tab) and "English" in view(tab)["lang"], query
        assert main_text(tab).count(translate("gd.title", "en"))  # the default view, drawn
    background = tab.locator('[data-testid="stApp"]').evaluate("e => getComputedStyle(e).backgroundColor")
    channels = [int(c) for c in background[background.index("(") + 1:-1].split(",")[:3]]
    assert max(channels) < 80, f"the dark theme was not followed: {background}"
    context.close()
