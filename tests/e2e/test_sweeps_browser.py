"""The Sweeps page in a real headless Chromium, on the shipped sweep: the heatmap draws one label per grid cell
equal to the runs' mean ± sd over seeds from the results table, and a click on a cell opens that cell's run on
Finding 1's page, selected in the run picker.

    .venv/bin/python -m pytest tests/e2e/test_sweeps_browser.py -q -m browser
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from browser import (
    CHART,
    EXCEPTION,
    ROOT,
    SCREENSHOTS,
    VIEWPORT,
    StreamlitServer,
    arm,
    browser_missing,
    full_screenshot,
    launch_chromium,
    main_text,
    open_app,
    sync_playwright,
    wait_rerun,
)

from icar_core.sweep_results import read_table

pytestmark = [pytest.mark.browser, pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))]
SWEEP = ROOT / "sweeps" / "augmented-commuting-T-d"


@pytest.fixture(scope="module")
def page():
    server = StreamlitServer(log=ROOT / "artifacts" / "test_sweeps_browser_streamlit.log")
    try:
        server.wait_healthy()
        with sync_playwright() as playwright:
            chromium = launch_chromium(playwright)
            tab = chromium.new_context(viewport=VIEWPORT, locale="en-US").new_page()
            tab.set_default_timeout(90_000)
            open_app(tab, server.url + "/sweeps")
            yield tab
            chromium.close()
    finally:
        server.stop()


def test_heatmap_labels_are_the_tables_numbers_and_a_click_opens_the_run(page):
    assert page.locator(EXCEPTION).count() == 0
    heatmap = page.locator(CHART).first
    drawn = heatmap.locator("svg.marks .mark-text.role-mark text").all_text_contents()
    table = read_table(SWEEP)
    groups = table.groupby(["process.T", "process.d"])["gd.loss_ratio"]
    expected = [f"{v.mean():.3g} ± {v.std(ddof=1):.1g}" for _, v in groups]
    assert Counter(drawn) == Counter(expected) and len(drawn) == 15
    full_screenshot(page, SCREENSHOTS / "en-sweeps.png")

    cell = table[(table["process.T"] == 32) & (table["process.d"] == 4)]
    values = cell["gd.loss_ratio"].to_numpy()
    nearest = cell["run"].iloc[int(np.argmin(np.abs(values - values.mean())))]
    rect = heatmap.locator('svg.marks .mark-rect path[aria-label^="process.T: 32; process.d: 4;"]')
    assert rect.count() == 1
    arm(page)
    rect.click()
    wait_rerun(page, path="model-vs-gd", timeout=120)
    assert page.locator(EXCEPTION).count() == 0
    assert f"Run “{SWEEP.name}.{nearest}”" in main_text(page)  # Finding 1's verdict, for the opened run
    picker = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    shown = picker.text_content() + " ".join(i.input_value() for i in picker.locator("input").all())
    assert f"{SWEEP.name}.{nearest}" in shown, shown  # selected in the run picker
