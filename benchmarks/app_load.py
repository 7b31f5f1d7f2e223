"""Server cost per visitor: CPU seconds of the Streamlit server process, read from /proc, while real headless
Chromium sessions visit the dashboard.

One fresh server (empty verdict store), left alone until its warm-up (``icar_core.warmup``: with no visitor, it
begins ``IDLE_START_S`` after the start) is over (its server CPU from the start until then is reported on its own),
then

* **first visitor**: one browser session opens Home and walks every page once (cold caches);
* **warm visits**: the same walk again, ``--repeats`` times, each page's server CPU measured on its own (caches warm,
  as for every later visitor). Target: ≤ 0.2 s of server CPU per page visit;
* **ten at once**: ``--sessions`` fresh browser contexts open the same link (Home) together, as an audience opening a
  shared link would: server CPU per visit and each session's time until its chart is drawn. The browsers run on the
  same CPU as the server here, so those times include the clients' own work.

Prints a table and writes ``benchmarks/results/app_load.json``.

    .venv/bin/python benchmarks/app_load.py [--repeats 3] [--sessions 10]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import browser as tb  # noqa: E402  (server, launch recipe, waits: one source for tests and benchmarks)
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from icar_core.i18n import translate  # noqa: E402
from icar_core.ui import PAGES  # noqa: E402
from icar_core.warmup import IDLE_START_S  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "app_load.json"
LOGS = ROOT / "artifacts" / "benchmark_logs"
WARM_TARGET_S = 0.2
FIRST_VISITOR_TARGET_S = 2.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` and its threads so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15 of stat)


def settle(pid: int, quiet_s: float = 0.5, timeout: float = 30.0) -> None:
    """Wait until the server has used no CPU for ``quiet_s`` (its rerun and any send are over)."""
    deadline = time.perf_counter() + timeout
    last = server_cpu(pid)
    while time.perf_counter() < deadline:
        time.sleep(quiet_s)
        now = server_cpu(pid)
        if now - last < 0.01:
            return
        last = now


def walk(page, pid: int) -> list[dict]:
    """Every page but Home, then Home, through the sidebar: server CPU and wall time of each visit."""
    rows = []
    order = [p for p in PAGES if p[0] != "home"] + [p for p in PAGES if p[0] == "home"]
    for url, _, key, _ in order:
        settle(pid)
        before = server_cpu(pid)
        seconds = tb.go_to(page, translate(key, "en"), "" if url == "home" else url, timeout=120)
        settle(pid)
        rows.append({"page": url, "server_cpu_s": server_cpu(pid) - before, "seconds": seconds,
                     "charts": page.locator(f"{tb.MAIN} {tb.CHART}").count(),
                     "exceptions": page.locator(tb.EXCEPTION).count()})
    return rows


def open_together(browser, url: str, sessions: int) -> list[float | None]:
    """``sessions`` new contexts load ``url`` at the same moment; seconds until each one's chart is drawn."""
    contexts = [browser.new_context(viewport=tb.VIEWPORT) for _ in range(sessions)]
    pages = [c.new_page() for c in contexts]
    times: list[float | None] = [None] * sessions
    start = time.perf_counter()
    # Playwright's sync API is not thread-safe, so the pages are driven from this thread: all navigations start
    # (without waiting), then each page is awaited in turn; the clock of each runs from the common start.
    for page in pages:
        page.goto(url, wait_until="commit")
    for k, page in enumerate(pages):
        try:
            page.wait_for_selector(tb.DRAWN, timeout=180_000)
            times[k] = time.perf_counter() - start
        except PlaywrightError:
            times[k] = None
    for c in contexts:
        c.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="warm walks over every page")
    parser.add_argument("--sessions", type=int, default=10, help="browser sessions opening Home together")
    args = parser.parse_args()
    missing = tb.browser_missing()
    if missing:
        sys.exit(f"cannot run the browser benchmark: {missing}")
    LOGS.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    server = tb.StreamlitServer(ROOT / "app.py", log=LOGS / "app_load.log",
                                env={"ICAR_CACHE_DIR": tempfile.mkdtemp(prefix="icar-verdicts-")})
    pid = server.process.pid
    try:
        server.wait_healthy(timeout=120)
        # With no visitor the warm-up begins IDLE_START_S after the start; once it is over, the first visitor comes.
        time.sleep(IDLE_START_S)
        settle(pid, quiet_s=1.0, timeout=120)
        start_cpu = server_cpu(pid)
        print(f"start and warm-up: {start_cpu:.2f} s server CPU", flush=True)
        with tb.sync_playwright() as playwright:
            browser = tb.launch_chromium(playwright)
            context = browser.new_context(viewport=tb.VIEWPORT)
            page = context.new_page()
            page.set_default_timeout(120_000)
            before = server_cpu(pid)
            tb.open_app(page, server.url + "/")
            settle(pid)
            home_first = server_cpu(pid) - before
            first = walk(page, pid)
            print(f"first visitor: Home {home_first:.2f} s CPU, then " + ", ".join(
                f"{r['page']} {r['server_cpu_s']:.2f}" for r in first), flush=True)
            warm: list[dict] = []
            for rep in range(args.repeats):
                rows = walk(page, pid)
                warm += [{**r, "rep": rep} for r in rows]
                print(f"warm walk {rep + 1}: " + ", ".join(f"{r['page']} {r['server_cpu_s']:.3f}" for r in rows),
                      flush=True)
            context.close()
            settle(pid)
            before = server_cpu(pid)
            together = open_together(browser, server.url + "/", args.sessions)
            settle(pid)
            together_cpu = server_cpu(pid) - before
            browser.close()
    finally:
        server.stop()

    names = list(dict.fromkeys(r["page"] for r in warm))
    per_page = {name: statistics.median(r["server_cpu_s"] for r in warm if r["page"] == name) for name in names}
    drawn = [t for t in together if t is not None]
    result = {
        "repeats": args.repeats,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_before": load_before,
                    "load_after": os.getloadavg()},
        "targets": {"warm_server_cpu_per_page_s": WARM_TARGET_S, "first_visitor_per_page_s": FIRST_VISITOR_TARGET_S},
        "start_and_warm_up_server_cpu_s": start_cpu,
        "first_visitor": {"home_server_cpu_s": home_first, "pages": first},
        "warm_median_server_cpu_s": per_page,
        "warm_over_target": sorted(name for name, cpu in per_page.items() if cpu > WARM_TARGET_S),
        "first_visitor_over_target": sorted(r["page"] for r in first if r["server_cpu_s"] > FIRST_VISITOR_TARGET_S),
        "sessions_together": {"sessions": args.sessions, "server_cpu_s": together_cpu,
                              "server_cpu_per_visit_s": together_cpu / args.sessions,
                              "seconds_to_chart": together,
                              "median_s": statistics.median(drawn) if drawn else None,
                              "max_s": max(drawn) if drawn else None,
                              "failed": sum(t is None for t in together)},
        "warm_visits": warm,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(f"\n{'page':24s} {'first visit CPU':>16s} {'warm CPU (median)':>18s}")
    firsts = {r["page"]: r["server_cpu_s"] for r in first}
    for name in names:
        print(f"{name:24s} {firsts.get(name, float('nan')):16.2f} {per_page[name]:18.3f}")
    crowd = result["sessions_together"]
    print(f"{args.sessions} sessions opening Home together: {crowd['server_cpu_per_visit_s']:.2f} s server CPU per "
          f"visit; chart drawn after median {crowd['median_s']} s, max {crowd['max_s']} s")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
