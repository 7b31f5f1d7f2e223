"""Dashboard latency in a real headless Chromium, next to a trivial one-chart Streamlit app.

Each repetition starts a fresh (cold) server for ``benchmarks/trivial_app.py`` and then one for
``app.py``, and measures

* launch → first chart drawn: from starting ``streamlit run`` until an Altair chart's SVG marks
  exist (trivial app; icar's Home, whose first chart is its first paint: the stored picture drawn before
  torch is imported). Target: icar ≤ 1.3 × the trivial app (medians). Beside them, icar's
  script served without its entry's warm-up (``streamlit run dashboard.py``, launch only), the same code
  with and without :mod:`icar_core.warmup`; and, for each, launch → page complete (the run ended with every
  chart drawn: for Home, its verdicts computed on an empty store too).
* page switch: click on a sidebar link → that page ran, the app is idle and every chart on it is
  drawn, first visit (cold caches of the fresh server) and second visit. Target ≤ 2 s. A page that
  does not apply to the selected run shows its "Show the run … instead" button and no chart; that
  click is timed too (the run stays switched, as for a user).
* context-length slider on "Model vs gradient descent": a key press on the slider → the app went
  idle and the charts' content changed. Target ≤ 0.5 s.

Times run from the user's input (measured in the page) to the last change of the page before it
stays quiet for 0.2 s. Prints a table and writes ``benchmarks/results/app_latency.json``.

    .venv/bin/python benchmarks/app_latency.py [--repeats 3] [--slider-moves 4]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import browser as tb  # noqa: E402  (server, launch recipe, waits: one source for tests and benchmarks)

from icar_core.i18n import translate  # noqa: E402
from icar_core.ui import PAGES  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "app_latency.json"
LOGS = ROOT / "artifacts" / "benchmark_logs"
TRIVIAL = ROOT / "benchmarks" / "trivial_app.py"
LAUNCH_RATIO_TARGET = 1.3
PAGE_TARGET_S = 2.0
SLIDER_TARGET_S = 0.5
SLIDER_KEY = "gd.n"


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def cold_launch(browser, app: Path, name: str, rep: int, store: str | None = None):
    """Start a fresh server for ``app`` (its verdict store in ``store``) and open it; returns (server, context,
    page, health_s, chart_s, complete_s): until the first chart is drawn, and until the page's run ended with every
    chart drawn (icar's Home: its verdicts shown too)."""
    env = {"ICAR_CACHE_DIR": store} if store else None
    server = tb.StreamlitServer(app, log=LOGS / f"{name}-{rep}.log", env=env)
    health = server.wait_healthy(timeout=120)
    context = browser.new_context(viewport=tb.VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(120_000)
    tb.spy_on_socket(page)
    page.goto(server.url + "/")
    page.wait_for_selector(tb.DRAWN, timeout=120_000)
    first_chart = time.perf_counter() - server.started
    page.wait_for_selector(tb.IDLE)
    page.wait_for_function(tb._CHARTS_DRAWN, polling="raf")
    complete = time.perf_counter() - server.started
    page.wait_for_function(tb._WATCH)
    return server, context, page, health, first_chart, complete


def close(server, context) -> None:
    try:
        context.close()
    finally:
        server.stop()


def page_sweep(page, visit: str) -> list[dict]:
    """Every page but Home, then Home, through the sidebar (a page that does not apply to the selected run
    shows its finding's run at once)."""
    rows = []
    order = [p for p in PAGES if p[0] != "home"] + [p for p in PAGES if p[0] == "home"]
    for url, _, key, _ in order:
        seconds = tb.go_to(page, translate(key, "en"), "" if url == "home" else url)
        drawn = tb.charts_drawn(page)
        errors = page.locator(tb.EXCEPTION).count()
        row = {"page": url, "visit": visit, "seconds": seconds, "charts": page.locator(f"{tb.MAIN} {tb.CHART}").count(),
               "drawn": drawn, "exceptions": errors}
        rows.append(row)
    return rows


def slider_moves(page, moves: int) -> tuple[list[float], list[float], str | None]:
    """Move the context-length slider on Model vs GD with the keyboard.

    Returns the seconds per move until the app is idle again, until the last chart change, and a note
    (why the slider could not be measured, or None).
    """
    tb.go_to(page, translate("nav.gd", "en"), "model-vs-gd")
    label = translate(SLIDER_KEY, "en")
    slider = page.locator(f'{tb.MAIN} input[type="range"][aria-label="{label}"]')
    if slider.count() == 0:
        return [], [], f"no slider labelled {label!r} on the Model vs GD page (page not built yet?)"
    if not tb.charts_drawn(page):
        return [], [], "the Model vs GD page draws no chart, so a slider move cannot be seen"
    times, redrawn = [], []
    for _ in range(moves):
        before_value, before = slider.input_value(), tb.signature(page)
        slider.focus()
        tb.arm(page)
        page.keyboard.press("ArrowLeft")
        times.append(tb.wait_rerun(page, charts=True, changed_from=before, timeout=60))
        redrawn.append(page.evaluate(tb.CHARTS_ELAPSED))
        if slider.input_value() == before_value:
            return times, redrawn, "the slider did not move"
    return times, redrawn, None


def chromium_version() -> str:
    try:
        return subprocess.run([tb.CHROMIUM, "--version"], capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--slider-moves", type=int, default=4)
    parser.add_argument("--warm-store", action="store_true",
                        help="keep icar's verdict store between launches (a restarted server); default: every launch "
                             "starts with an empty store, as on a fresh clone")
    args = parser.parse_args()
    missing = tb.browser_missing()
    if missing:
        sys.exit(f"cannot run the browser benchmark: {missing}")
    import streamlit

    LOGS.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    started = time.perf_counter()
    launches = {"trivial": [], "icar": [], "icar_no_warm_up": []}
    health = {"trivial": [], "icar": [], "icar_no_warm_up": []}
    complete = {"trivial": [], "icar": [], "icar_no_warm_up": []}
    pages: list[dict] = []
    slider: list[float] = []
    slider_charts: list[float] = []
    slider_note = None
    with tb.sync_playwright() as playwright:
        browser = tb.launch_chromium(playwright)
        for rep in range(args.repeats):
            server, context, page, health_s, chart_s, complete_s = cold_launch(browser, TRIVIAL, "trivial", rep)
            close(server, context)
            launches["trivial"].append(chart_s)
            health["trivial"].append(health_s)
            complete["trivial"].append(complete_s)
            print(f"rep {rep + 1}: trivial app first chart {chart_s:.2f} s", flush=True)

            if rep == 0 or not args.warm_store:
                store = tempfile.mkdtemp(prefix="icar-verdicts-")
            server, context, page, health_s, chart_s, complete_s = cold_launch(
                browser, ROOT / "dashboard.py", "icar-no-warm-up", rep, store if args.warm_store else
                tempfile.mkdtemp(prefix="icar-verdicts-"))
            close(server, context)
            launches["icar_no_warm_up"].append(chart_s)
            health["icar_no_warm_up"].append(health_s)
            complete["icar_no_warm_up"].append(complete_s)
            print(f"rep {rep + 1}: icar Home without the warm-up first chart {chart_s:.2f} s", flush=True)
            server, context, page, health_s, chart_s, complete_s = cold_launch(browser, ROOT / "app.py", "icar", rep,
                                                                               store)
            try:
                launches["icar"].append(chart_s)
                health["icar"].append(health_s)
                complete["icar"].append(complete_s)
                print(f"rep {rep + 1}: icar Home first chart {chart_s:.2f} s, complete {complete_s:.2f} s", flush=True)
                for visit in ("first", "second"):
                    rows = page_sweep(page, visit)
                    for row in rows:
                        row["rep"] = rep
                    pages += rows
                    print(f"rep {rep + 1}: {visit} visits " + ", ".join(f"{r['page']} {r['seconds']:.2f}"
                                                                      for r in rows), flush=True)
                times, redrawn, note = slider_moves(page, args.slider_moves)
                slider += times
                slider_charts += redrawn
                slider_note = slider_note or note
                print(f"rep {rep + 1}: slider moves (idle / charts redrawn) "
                      + ", ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(times, redrawn, strict=True))
                      + (f" ({note})" if note else ""), flush=True)
            finally:
                close(server, context)
        browser.close()

    trivial, icar = median(launches["trivial"]), median(launches["icar"])
    ratio = icar / trivial if trivial and icar else None
    names = list(dict.fromkeys(r["page"] for r in pages))
    page_summary = []
    for name in names:
        row = {"page": name}
        for visit in ("first", "second"):
            chosen = [r for r in pages if r["page"] == name and r["visit"] == visit]
            row[f"{visit}_median_s"] = median([r["seconds"] for r in chosen])
            row[f"{visit}_max_s"] = max((r["seconds"] for r in chosen), default=None)
            row[f"{visit}_charts"] = max((r["charts"] for r in chosen), default=None)
        chosen = [r for r in pages if r["page"] == name]
        row["all_drawn"] = all(r["drawn"] for r in chosen)
        row["exceptions"] = sum(r["exceptions"] for r in chosen)
        row["ok"] = (row["first_median_s"] or 0) <= PAGE_TARGET_S and (row["second_median_s"] or 0) <= PAGE_TARGET_S
        page_summary.append(row)
    slider_median = median(slider)

    print(f"\nApp latency, median of {args.repeats} cold launches ({os.cpu_count()} CPUs, load average "
          f"{load_before[0]:.1f} before; {chromium_version()}, streamlit {streamlit.__version__})\n")
    print(f"{'launch → first chart':<44}{'median s':>10}   all runs (s)")
    print(f"{'  trivial one-chart app':<44}{trivial:>10.2f}   " + ", ".join(f"{v:.2f}" for v in launches["trivial"]))
    print(f"{'  icar Home':<44}{icar:>10.2f}   " + ", ".join(f"{v:.2f}" for v in launches["icar"]))
    bare = median(launches["icar_no_warm_up"])
    print(f"{'  icar Home without the warm-up':<44}{bare:>10.2f}   "
          + ", ".join(f"{v:.2f}" for v in launches["icar_no_warm_up"]) + f"   (ratio {bare / trivial:.2f})")
    verdict = "ok" if ratio <= LAUNCH_RATIO_TARGET else "OVER"
    print(f"{'  ratio icar / trivial (target ≤ 1.3)':<44}{ratio:>10.2f}   {verdict}")
    print(f"{'  server health (trivial / icar)':<44}{median(health['trivial']):>5.2f} /{median(health['icar']):>4.2f}")
    print(f"{'launch → page complete (run ended, charts)':<44}{'median s':>10}   (icar: Home with its verdicts)")
    for name in ("trivial", "icar", "icar_no_warm_up"):
        print(f"{'  ' + name:<44}{median(complete[name]):>10.2f}   " + ", ".join(f"{v:.2f}" for v in complete[name]))
    print(f"\n{'page switch (click → charts drawn)':<44}{'1st visit':>10}{'2nd visit':>10}{'charts':>9}   target 2 s")
    for row in page_summary:
        note = "" if row["all_drawn"] else "  (no chart on the default run: not applicable)"
        note += f"  {row['exceptions']} exceptions" if row["exceptions"] else ""
        first, second = row["first_median_s"], row["second_median_s"]
        print(f"{'  ' + row['page']:<44}{first if first is not None else float('nan'):>10.2f}"
              f"{second if second is not None else float('nan'):>10.2f}"
              f"{str(row['first_charts']) + '/' + str(row['second_charts'] if second is not None else '-'):>9}   "
              f"{'ok' if row['ok'] else 'OVER'}{note}")
    if slider_median is None:
        print(f"\nslider move on Model vs GD: not measured ({slider_note})")
    else:
        print(f"\n{'slider move on Model vs GD (key → app idle)':<44}{slider_median:>10.2f}   "
              f"{'ok' if slider_median <= SLIDER_TARGET_S else 'OVER'} (target 0.5 s; {len(slider)} moves, max "
              f"{max(slider):.2f})" + (f"; {slider_note}" if slider_note else ""))
        print(f"{'  of which: until the charts were redrawn':<44}{median(slider_charts):>10.2f}   "
              "(the rest is the script finishing; until then Streamlit shows later elements faded)")
    load_after = os.getloadavg()
    print(f"\nwall time {time.perf_counter() - started:.0f} s; load average after {load_after[0]:.1f}")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "repeats": args.repeats, "verdict_store": "warm" if args.warm_store else "empty at every launch",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "load_before": load_before,
                    "load_after": load_after, "chromium": chromium_version(), "streamlit": streamlit.__version__},
        "targets": {"launch_ratio": LAUNCH_RATIO_TARGET, "page_switch_s": PAGE_TARGET_S, "slider_s": SLIDER_TARGET_S},
        "launch_first_chart_s": {**launches, "trivial_median": trivial, "icar_median": icar, "ratio": ratio,
                                 "icar_no_warm_up_median": bare, "ratio_no_warm_up": bare / trivial},
        "server_health_s": health,
        "launch_complete_s": {**complete, **{f"{name}_median": median(complete[name]) for name in complete}},
        "page_switch": {"summary": page_summary, "runs": pages},
        "slider": {"moves_s": slider, "median_s": slider_median, "charts_redrawn_s": slider_charts,
                   "charts_redrawn_median_s": median(slider_charts), "note": slider_note},
    }, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
