"""The dashboard in a real headless Chromium (Playwright driving Debian's /usr/bin/chromium).

One ``streamlit run app.py`` server and one browser page serve the whole module. The tests walk
every page through the sidebar links, wait until the app is idle and the page's Altair charts are
drawn, check that Streamlit shows no exception, click through the Tour, switch the language to
Japanese, and save full-page screenshots to ``artifacts/screenshots/`` (gitignored).

    .venv/bin/python -m pytest tests/test_browser.py -q -m browser

The helpers below (server, launch recipe, waits, screenshots) are also used by
``benchmarks/app_latency.py``; see ../shared/TESTING.md for the facts they rest on.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 1400, "height": 900}

APP = '[data-testid="stApp"]'
IDLE = f'{APP}[data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
CHART = '[data-testid="stVegaLiteChart"]'
DRAWN = f"{CHART} svg.marks .role-mark"
EXCEPTION = '[data-testid="stException"]'
NAV_LINK = '[data-testid="stSidebarNav"] a'
MAIN = '[data-testid="stMain"]'
DIALOG = '[role="dialog"]'
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")

try:
    from playwright.sync_api import Page, sync_playwright
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # the module is skipped below; the benchmark reports the same reason
    Page = sync_playwright = None
    PlaywrightTimeout = TimeoutError


def browser_missing() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    if sync_playwright is None:
        return "Python playwright is not installed (pip install playwright; never `playwright install`)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    return None


# ---------------------------------------------------------------- server and browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


class StreamlitServer:
    """``python -m streamlit run <app>`` on a free port, output to a log file (an unread pipe can stall it)."""

    def __init__(self, app: str | Path = "app.py", cwd: Path = ROOT, log: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log or ROOT / "artifacts" / f"streamlit-{self.port}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [server_python(), "-m", "streamlit", "run", str(app), "--server.headless", "true",
             "--server.port", str(self.port), "--browser.gatherUsageStats", "false"],
            cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_healthy(self, timeout: float = 60.0) -> float:
        """Seconds from launch until ``/_stcore/health`` answers ``ok``."""
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.process.returncode}; see {self.log_path}:\n"
                                   + self.log_path.read_text()[-2000:])
            health = f"{self.url}/_stcore/health"
            with contextlib.suppress(OSError), urllib.request.urlopen(health, timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return time.perf_counter() - self.started
            time.sleep(0.1)
        raise TimeoutError(f"streamlit not healthy after {timeout:.0f} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)


# ---------------------------------------------------------------- waiting for the app

# Counts the server's messages (a rerun always starts with a NewSession message of a few hundred bytes;
# heartbeat acknowledgements are a few bytes and are not counted). Installed before the page loads.
_SOCKET_SPY = """(() => {
  const Native = window.WebSocket;
  const spy = window.__icarSocket = {messages: 0, last: 0};
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', e => {
        const size = e.data?.byteLength ?? e.data?.size ?? e.data?.length ?? 0;
        if (size > 100) { spy.messages += 1; spy.last = performance.now(); }
      });
    }
  };
})();"""

# Watches the app in the page: counts script-state changes and server messages (a rerun happened) and
# remembers when the page last changed; ``t0`` is the moment of the user's click or key press.
_WATCH = """() => {
  if (window.__icar) return true;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  const w = window.__icar = {runs: 0, last: performance.now(), lastChart: 0, t0: null, armed: performance.now(),
                             messages: 0};
  new MutationObserver(r => { w.runs += r.length; w.last = performance.now(); })
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  new MutationObserver(records => {
    w.last = performance.now();
    if (records.some(r => (r.target.nodeType === 1 ? r.target : r.target.parentElement)
        ?.closest('[data-testid="stVegaLiteChart"]'))) w.lastChart = w.last;
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
  for (const kind of ['pointerdown', 'keydown'])
    window.addEventListener(kind, () => { if (w.t0 === null) w.t0 = performance.now(); }, true);
  return true;
}"""

_ARM = """() => { const w = window.__icar; w.runs = 0; w.t0 = null; w.armed = performance.now();
  w.messages = window.__icarSocket ? window.__icarSocket.messages : 0; }"""

# Seconds from the user's input to the last change of a chart.
CHARTS_ELAPSED = "() => { const w = window.__icar; return (w.lastChart - (w.t0 ?? w.armed)) / 1000; }"

# Seconds from the user's input to the last change of the page or the last server message.
_ELAPSED = """() => { const w = window.__icar, s = window.__icarSocket;
  return (Math.max(w.last, s ? s.last : 0) - (w.t0 ?? w.armed)) / 1000; }"""

_RERAN = "(w.runs > 0 || (window.__icarSocket && window.__icarSocket.messages > w.messages))"
_QUIET = "Math.max(w.last, window.__icarSocket ? window.__icarSocket.last : 0)"

# Signature of what the charts show: a cheap hash of every drawn chart's SVG marks.
_SIGNATURE = """() => {
  let h = 0, n = 0;
  for (const svg of document.querySelectorAll('[data-testid="stVegaLiteChart"] svg.marks')) {
    const s = svg.innerHTML; n += 1;
    for (let i = 0; i < s.length; i += 7) h = (h * 31 + s.charCodeAt(i)) | 0;
    h = (h * 31 + s.length) | 0;
  }
  return n + ':' + h;
}"""

# True when every chart in the main area has an SVG with at least one drawn mark item.
_CHARTS_DRAWN = """() => {
  const charts = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')];
  return charts.length > 0 && charts.every(c => c.querySelector('svg.marks .role-mark > *'));
}"""


def arm(page: Page) -> None:
    """Start watching for the rerun that the next click or key press causes."""
    page.wait_for_function(_WATCH)
    page.evaluate(_ARM)


def wait_rerun(page: Page, *, charts: bool = False, path: str | None = None, changed_from: str | None = None,
               quiet_ms: int = 200, timeout: float = 60.0) -> float:
    """Wait (after :func:`arm` and an action) until the rerun ran and the app is idle again.

    ``charts``: also until every chart is drawn; ``path``: until the URL path is ``/path``;
    ``changed_from``: until the charts' signature differs from this one. Then waits until the page
    has been quiet for ``quiet_ms``. Returns the seconds from the user's input to the last change.
    """
    conditions = [_RERAN, f"document.querySelector('{IDLE}') !== null",
                  f"!document.querySelector('{MAIN} [data-stale=\"true\"]')"]
    if charts:
        conditions.append(f"({_CHARTS_DRAWN})()")
    if path is not None:
        conditions.append(f"location.pathname.replace(/\\/$/, '') === {('/' + path.strip('/')).rstrip('/')!r}")
    if changed_from is not None:
        conditions.append(f"({_SIGNATURE})() !== {changed_from!r}")
    ready = "() => { const w = window.__icar; return " + " && ".join(conditions) + "; }"
    quiet = f"() => {{ const w = window.__icar; return performance.now() - {_QUIET} >= {quiet_ms} && ({ready})(); }}"
    try:
        page.wait_for_function(ready, polling="raf", timeout=timeout * 1000)
        page.wait_for_function(quiet, polling="raf", timeout=timeout * 1000)
    except PlaywrightTimeout as exc:
        raise AssertionError(f"the app did not settle in {timeout:.0f} s; waited for {' && '.join(conditions)}; "
                             f"state: {diagnose(page)}") from exc
    return page.evaluate(_ELAPSED)


def diagnose(page: Page) -> dict:
    """What the page looks like now (for failure messages); also saves artifacts/failure.png."""
    with contextlib.suppress(Exception):
        page.screenshot(path=str(ROOT / "artifacts" / "failure.png"))
    return page.evaluate(f"""() => ({{
        path: location.pathname, watch: window.__icar, socket: window.__icarSocket,
        state: document.querySelector('{APP}')?.getAttribute('data-test-script-state'),
        connection: document.querySelector('{APP}')?.getAttribute('data-test-connection-state'),
        stale: document.querySelectorAll('{MAIN} [data-stale="true"]').length,
        charts: document.querySelectorAll('{MAIN} {CHART}').length, drawn: ({_CHARTS_DRAWN})(),
        title: document.querySelector('h1')?.textContent,
        exceptions: [...document.querySelectorAll('{EXCEPTION}')].map(e => e.textContent.slice(0, 300)),
        dialogs: [...document.querySelectorAll('{DIALOG}')].map(e => e.textContent.slice(0, 300)),
    }})""")


def signature(page: Page) -> str:
    return page.evaluate(_SIGNATURE)


def charts_drawn(page: Page) -> bool:
    return page.evaluate(_CHARTS_DRAWN)


def nav_link(page: Page, title: str):
    """The sidebar link whose label is exactly ``title`` (its icon's ligature text is ignored)."""
    return page.locator(NAV_LINK).filter(has=page.get_by_text(title, exact=True))


def nav_titles(page: Page) -> list[str]:
    """Labels of the sidebar links, without the Material icon names."""
    return [text.split("\n")[-1].strip() for text in page.locator(NAV_LINK).all_inner_texts()]


def spy_on_socket(page: Page) -> None:
    """Count the server's messages from the next page load on (see :func:`wait_rerun`)."""
    page.add_init_script(_SOCKET_SPY)


def open_app(page: Page, url: str, timeout: float = 120.0) -> None:
    """Load the app and wait until it is idle with its charts drawn."""
    spy_on_socket(page)
    page.goto(url)
    page.wait_for_selector(DRAWN, timeout=timeout * 1000)
    page.wait_for_selector(IDLE, timeout=timeout * 1000)
    page.wait_for_function(_WATCH)


def go_to(page: Page, title: str, path: str, timeout: float = 60.0) -> float:
    """Click the sidebar link ``title`` and wait until page ``path`` ran and drew its charts (if any)."""
    arm(page)
    nav_link(page, title).click()
    seconds = wait_rerun(page, path=path, timeout=timeout)
    if page.locator(f"{MAIN} {CHART}").count():  # a page may have no chart (the caller decides)
        page.wait_for_function(_CHARTS_DRAWN, polling="raf", timeout=timeout * 1000)
        seconds = wait_rerun_settled(page)
    return seconds


def wait_rerun_settled(page: Page, quiet_ms: int = 200, timeout: float = 30.0) -> float:
    page.wait_for_function(f"() => {{ const w = window.__icar; return performance.now() - {_QUIET} >= {quiet_ms}; }}",
                           polling="raf", timeout=timeout * 1000)
    return page.evaluate(_ELAPSED)


def full_screenshot(page: Page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main area, so grow the viewport to its height."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height = page.evaluate(f"() => Math.max(...[...document.querySelectorAll('{MAIN}, [data-testid=\"stSidebar\"] "
                           "[data-testid=\"stSidebarContent\"]')].map(e => e.scrollHeight), 0)")
    tall = max(VIEWPORT["height"], min(int(height) + 40, 12000))
    page.set_viewport_size({"width": VIEWPORT["width"], "height": tall})
    try:
        page.wait_for_timeout(300)  # layout after the resize
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(VIEWPORT)


def main_text(page: Page) -> str:
    return page.locator(MAIN).inner_text()


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
def browser():
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


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


def nearest_run_button(page: Page, translate):
    prefix = translate("heads.open_nearest", "en", run="\0").split("\0")[0]
    return page.locator(f"{MAIN} button").filter(has_text=prefix)


# ---------------------------------------------------------------- tests

PAGE_IDS = ["home", "model-vs-gd", "heads", "orthogonality", "positional-encodings", "training", "paper-reference",
            "tour"]


def test_page_list_is_the_one_tested(ui_text):
    pages, _ = ui_text
    assert [url for url, *_ in pages] == PAGE_IDS


@pytest.mark.parametrize("url", PAGE_IDS)
def test_page_through_sidebar(page, ui_text, url):
    """Each page, reached by its sidebar link, runs without exception and draws its charts.

    A page that does not apply to the selected run offers a button to the nearest run that fits; the
    test follows it (as a presenter would) and then expects the charts.
    """
    pages, translate = ui_text
    title = translate(next(key for u, _, key, _ in pages if u == url), "en")
    assert title in nav_titles(page), f"sidebar has no link {title!r}: {nav_titles(page)}"
    go_to(page, title, "" if url == "home" else url)
    assert_page_ok(page, url)
    assert page.locator("h1").count() >= 1, f"{url}: no page title"
    if not charts_drawn(page):
        button = nearest_run_button(page, translate)
        assert button.count() == 1, f"{url}: no chart drawn and no nearest-run button:\n{main_text(page)[:800]}"
        print(f"\n{url}: no chart for the selected run; following {button.inner_text()!r}")
        arm(page)
        button.click()
        wait_rerun(page, charts=True)
        assert_page_ok(page, f"{url} (nearest run)")
    assert charts_drawn(page), f"{url}: charts not drawn"
    full_screenshot(page, SCREENSHOTS / f"en-{url}.png")


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


def sidebar_run(page: Page) -> str:
    """What the sidebar's run picker shows (its label and the chosen run's label)."""
    return page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.evaluate(
        "e => e.textContent + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' ')")


def pick_run(page: Page, name: str) -> None:
    """Choose the run ``name`` in the sidebar's run picker and wait for the rerun."""
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    option = page.locator('[role="option"]').filter(has_text=name).first
    option.wait_for()
    arm(page)
    option.click()
    wait_rerun(page)


def choose_language(page: Page, label: str) -> None:
    """Click ``label`` ("English" / "日本語") in the sidebar's language switch (no-op if already chosen)."""
    radio = page.locator('[data-testid="stSidebar"] [data-testid="stRadio"] label').filter(has_text=label)
    if radio.locator("input").is_checked():
        return
    arm(page)
    radio.click()
    wait_rerun(page)


def test_run_choice_survives_language_switch(page, ui_text):
    _, translate = ui_text
    chosen = "multihead-orthogonal"
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
        chosen = "multihead-orthogonal"
        pick_run(tab, chosen)
        if chosen not in sidebar_run(tab):
            problems.append(f"the first pick of a run was lost: the picker shows {sidebar_run(tab)!r}")
    finally:
        context.close()
        fresh.stop()
    assert not problems, "; ".join(problems)
