"""Browser helpers shared by the e2e tests and the latency benchmarks: the Streamlit server, the
Chromium launch recipe (Debian's /usr/bin/chromium, never ``playwright install``), waits and screenshots.
See ../shared/TESTING.md for the facts they rest on.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
# An element whose code the browser is still fetching: Streamlit loads each kind of widget and chart lazily and
# shows this placeholder (React Suspense's fallback) meanwhile, after the script has finished. A busy server can
# take seconds to send that code: a reload once had its slider's label drawn but not yet its input.
MOUNTING = '[data-testid="stSkeleton"]'
_MOUNTED = f"() => !document.querySelector('{MOUNTING}')"
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

    def __init__(self, app: str | Path = "app.py", cwd: Path = ROOT, log: Path | None = None,
                 env: dict[str, str] | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log or ROOT / "artifacts" / f"streamlit-{self.port}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [server_python(), "-m", "streamlit", "run", str(app), "--server.headless", "true",
             "--server.port", str(self.port), "--browser.gatherUsageStats", "false"],
            cwd=cwd, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, **(env or {})})

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
        """Stop the server and what it started (its process group: the token store's background computation,
        which would otherwise go on loading the machine for the next test or measurement)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
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
    """Start watching for the rerun that the next click or key press causes. The page needs the socket spy
    (:func:`spy_on_socket`): the script-state attribute alone once missed a rerun (the Lab test saw its page
    switch and no state change, likely both states drawn in one render), so the server's messages count too."""
    assert page.evaluate("() => window.__icarSocket !== undefined"), "spy_on_socket(page) before the page loads"
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
                  f"!document.querySelector('{MAIN} [data-stale=\"true\"]')", f"({_MOUNTED})()"]
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
        mounting: document.querySelectorAll('{MOUNTING}').length,
        charts: document.querySelectorAll('{MAIN} {CHART}').length, drawn: ({_CHARTS_DRAWN})(),
        title: document.querySelector('h1')?.textContent,
        exceptions: [...document.querySelectorAll('{EXCEPTION}')].map(e => e.textContent.slice(0, 300)),
        dialogs: [...document.querySelectorAll('{DIALOG}')].map(e => e.textContent.slice(0, 300)),
    }})""")


def signature(page: Page) -> str:
    return page.evaluate(_SIGNATURE)


# What the charts draw, comparable across sessions: every mark's shape, position, colour and text, without the
# ids Vega numbers per chart instance (gradients, in url(page address#id)), which differ between sessions.
_DRAWN_MARKS = """() => { const noId = v => (v || '').replace(/url\\([^)]*\\)/g, 'url');
  return [...document.querySelectorAll(
  '[data-testid="stMain"] [data-testid="stVegaLiteChart"] svg.marks')]
  .map(svg => [...svg.querySelectorAll('path, rect, line, text, circle')].map(e =>
    [e.tagName, e.getAttribute('d'), e.getAttribute('transform'), noId(e.getAttribute('fill')),
     noId(e.getAttribute('stroke')),
     e.tagName === 'text' ? e.textContent : ''].join('|')).join('\\n')); }"""


def drawn_marks(page: Page) -> list[str]:
    """Each chart's marks as text (see :data:`_DRAWN_MARKS`): equal for the same view in two sessions."""
    return page.evaluate(_DRAWN_MARKS)


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
    page.wait_for_function(_MOUNTED, polling="raf", timeout=timeout * 1000)
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


def wait_opened(page: Page, charts: bool = True, timeout: float = 120.0) -> None:
    """After ``page.goto`` or a reload: wait until the page ran, drew its charts (``charts``) and is quiet."""
    page.wait_for_selector(f"{MAIN} h1", timeout=timeout * 1000)
    page.wait_for_selector(IDLE, timeout=timeout * 1000)
    if charts:
        page.wait_for_function(_CHARTS_DRAWN, polling="raf", timeout=timeout * 1000)
    page.wait_for_function(_MOUNTED, polling="raf", timeout=timeout * 1000)
    page.wait_for_function(_WATCH)
    wait_rerun_settled(page, quiet_ms=400, timeout=timeout)


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


def sidebar_run(page: Page) -> str:
    """What the sidebar's run picker shows (its label and the chosen run's label)."""
    return page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.evaluate(
        "e => e.textContent + ' ' + [...e.querySelectorAll('input')].map(i => i.value).join(' ')")


def main_text(page: Page) -> str:
    return page.locator(MAIN).inner_text()


def choose_option(page: Page, select, option_text: str, charts: bool = True) -> float:
    """Open the selectbox ``select``, click the option whose text is ``option_text`` and wait for the rerun
    (``charts``: until every chart is drawn); the seconds from the click."""
    select.click()
    option = page.locator('[role="option"]').filter(has_text=option_text).first
    option.wait_for()
    arm(page)
    option.click()
    return wait_rerun(page, charts=charts)


def press_on_slider(page: Page, label: str, key: str, timeout: float = 60.0) -> float:
    """Press ``key`` (e.g. "Home", "ArrowLeft") on the main area's slider labelled ``label`` and wait until the
    app is idle with its charts changed and drawn; the seconds from the key press."""
    slider = page.locator(f'{MAIN} input[type="range"][aria-label="{label}"]')
    before = signature(page)
    slider.focus()
    arm(page)
    page.keyboard.press(key)
    return wait_rerun(page, charts=True, changed_from=before, timeout=timeout)
