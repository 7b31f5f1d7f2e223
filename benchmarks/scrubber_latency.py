"""Snapshot-scrubber latency in a real headless Chromium, on Model vs GD, Heads, Head orthogonality and
Positional encodings (one fresh server, one tab).

Per page, keyboard presses on the scrubber, each timed from the key press until the app is idle with its charts
changed and drawn (the view is computed from that snapshot's weights on first visit, then cached):

* first visit of a snapshot (ArrowLeft from the final weights, then further left: new snapshots each time);
* revisit of a snapshot already seen (ArrowRight back over the same ones). Target ≤ 0.5 s for a slider move.

Prints a table and writes ``benchmarks/results/scrubber_latency.json``.

    .venv/bin/python benchmarks/scrubber_latency.py [--moves 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

import browser as tb  # noqa: E402  (server, launch recipe, waits: one source for tests and benchmarks)

from icar_core.i18n import translate  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "scrubber_latency.json"
# (page url, its menu title, the run it is measured on)
PAGES = (("model-vs-gd", "nav.gd", "augmented-commuting"), ("heads", "nav.heads", "multihead-diagonal-commuting"),
         ("orthogonality", "nav.orthogonality", "multihead-diagonal-commuting"),
         ("positional-encodings", "nav.positions", "multihead-diagonal-commuting"))


def measure(page, url: str, title: str, run: str, moves: int) -> dict:
    tb.go_to(page, translate(title, "en"), url)
    if run not in tb.sidebar_run(page):
        tb.choose_option(page, page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first, run)
    label = translate("snapshot.label", "en")
    first = [tb.press_on_slider(page, label, "ArrowLeft") for _ in range(moves)]
    again = [tb.press_on_slider(page, label, "ArrowRight") for _ in range(moves)]
    return {"page": url, "run": run, "first_visit_s": first, "revisit_s": again,
            "first_visit_median_s": statistics.median(first), "revisit_median_s": statistics.median(again),
            "exceptions": page.locator(tb.EXCEPTION).count()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--moves", type=int, default=3)
    args = parser.parse_args()
    missing = tb.browser_missing()
    if missing:
        sys.exit(f"cannot measure: {missing}")
    load_before = os.getloadavg()
    started = time.time()
    server = tb.StreamlitServer(log=ROOT / "artifacts" / "scrubber_latency_streamlit.log")
    rows = []
    try:
        server.wait_healthy()
        with tb.sync_playwright() as playwright:
            chromium = tb.launch_chromium(playwright)
            tab = chromium.new_context(viewport=tb.VIEWPORT, locale="en-US").new_page()
            tab.set_default_timeout(60_000)
            tb.open_app(tab, server.url + "/")
            rows = [measure(tab, url, title, run, args.moves) for url, title, run in PAGES]
            chromium.close()
    finally:
        server.stop()
    print(f"{'page':22} {'run':30} {'first visit (median s)':>24} {'revisit (median s)':>20}")
    for row in rows:
        print(f"{row['page']:22} {row['run']:30} {row['first_visit_median_s']:24.2f} {row['revisit_median_s']:20.2f}")
    load_after = os.getloadavg()
    print(f"load average before / after: {load_before[0]:.2f} / {load_after[0]:.2f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"rows": rows, "moves": args.moves, "load_before": load_before,
                                   "load_after": load_after, "seconds": time.time() - started}, indent=2) + "\n")


if __name__ == "__main__":
    main()
