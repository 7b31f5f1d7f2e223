"""The Lab in a real browser: a tiny run trains while its chart redraws, opens on Model vs GD; Stop leaves a
resumable partial file; a run still training when the server is killed finishes on its own and is listed by the
next server.

The server keeps Lab runs in a temporary ICAR_USER_RUN_DIR; the checkout's user_runs/ is never touched.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from browser import (
    DRAWN,
    EXCEPTION,
    IDLE,
    MAIN,
    NAV_LINK,
    ROOT,
    PlaywrightTimeout,
    StreamlitServer,
    arm,
    browser_missing,
    diagnose,
    launch_chromium,
    sidebar_run,
    signature,
    spy_on_socket,
    wait_rerun,
)

from icar_core.checkpoints import USER_RUN_ENV, load_checkpoint
from icar_core.i18n import translate
from icar_core.jobs import read_progress

pytestmark = [pytest.mark.browser, pytest.mark.skipif(browser_missing() is not None, reason=str(browser_missing()))]

TINY = {"lab.knob.d": "3", "lab.knob.T": "8", "lab.knob.steps": "1000"}  # seconds of training, or its plateau
WAIT_MS = 240_000  # a run's child imports torch and trains a few hundred steps; slow on a loaded machine


def en(key: str, **values) -> str:
    return translate(key, "en", **values)


def wait_for_a_trained_step(runs: Path) -> None:
    """Until a running job of ``runs`` has published a step past 0 (a loaded machine can take seconds)."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while time.monotonic() < deadline:
        progress = [read_progress(job) for job in (runs / "jobs").iterdir()]
        if any(p is not None and p.state == "running" and p.step > 0 for p in progress):
            return
        time.sleep(0.1)
    raise AssertionError("no running job published a trained step")


def start_tiny_run(page, steps: str | None = None) -> None:
    """On the Lab page: the tiny knobs (each committed with Enter, which reruns), then Train."""
    for key, value in (TINY | ({"lab.knob.steps": steps} if steps else {})).items():
        box = page.get_by_label(en(key), exact=True)
        if box.input_value() == value:  # kept from the last run on this page: no change, no rerun
            continue
        arm(page)
        box.fill(value)
        box.press("Enter")
        wait_rerun(page)
    arm(page)
    page.locator(MAIN).get_by_role("button", name=en("lab.train")).click()
    wait_rerun(page)
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).all_inner_texts()


def open_lab(page, server: StreamlitServer) -> None:
    page.goto(f"{server.url}/lab")
    page.wait_for_selector(IDLE, timeout=120_000)
    # A first rerun, through another page (the link of the page shown reruns nothing once the address carries the
    # view): the first widget change of a fresh server can be lost.
    for title, path in (("nav.home", ""), ("nav.lab", "lab")):
        arm(page)
        page.locator(NAV_LINK).filter(has_text=en(title)).click()
        wait_rerun(page, path=path)


def page_title(page) -> str:
    """The page's title once it is drawn; a page that shows an exception, or nothing, fails with what it shows
    (CI once waited 240 s for Model vs GD's title after a rerun that had settled)."""
    try:
        page.wait_for_selector(f"{MAIN} h1, {EXCEPTION}", timeout=120_000)
    except PlaywrightTimeout as exc:
        raise AssertionError(f"no title and no exception in 120 s: {diagnose(page)}") from exc
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).all_inner_texts()
    return page.locator(f"{MAIN} h1").first.inner_text()


def job_states(folder: Path) -> list[str]:
    return [progress.state for job in (folder / "jobs").iterdir() if (progress := read_progress(job)) is not None]


def finished_runs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pt"))


def test_lab_trains_live_opens_on_model_vs_gd_and_a_killed_server_loses_no_run(tmp_path):
    from playwright.sync_api import sync_playwright

    runs = tmp_path / "user_runs"
    env = {USER_RUN_ENV: str(runs)}
    first = StreamlitServer(log=ROOT / "artifacts" / "test_lab_streamlit.log", env=env)
    try:
        first.wait_healthy()
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1400, "height": 1400})
            spy_on_socket(page)
            page.set_default_timeout(WAIT_MS)
            open_lab(page, first)
            start_tiny_run(page)
            page.wait_for_selector(DRAWN)  # the live chart, while training
            drawn = signature(page)
            for _ in range(WAIT_MS // 100):  # redrawn with more rows while training
                if signature(page) != drawn:
                    break
                page.wait_for_timeout(100)
            assert signature(page) != drawn, "the live chart was not redrawn"
            open_button = page.locator(MAIN).get_by_role("button", name=en("lab.open"))
            open_button.wait_for()  # offered once the run is finished and listed
            (finished,) = finished_runs(runs)
            arm(page)
            open_button.click()
            wait_rerun(page, path="model-vs-gd")
            assert page_title(page) == en("gd.title")
            assert finished.stem in sidebar_run(page)  # the picker lists the run and has it chosen

            # a run stopped while training: a resumable partial file (the Lab opened afresh, as at the start: a click on
            # its link from Model vs GD once reached no rerun in 60 s under load)
            open_lab(page, first)
            start_tiny_run(page, steps="20000")
            stop_button = page.locator(MAIN).get_by_role("button", name=en("lab.stop"))
            stop_button.wait_for()
            wait_for_a_trained_step(runs)  # a stop before the first step would leave nothing trained to resume
            arm(page)
            stop_button.click()
            page.locator(MAIN).get_by_role("button", name=en("lab.resume")).wait_for()
            (stopped,) = [job for job in (runs / "jobs").iterdir() if read_progress(job).state == "stopped"]
            partial = load_checkpoint(stopped / "run.pt")
            assert not partial.complete and partial.train_state["step"] > 0

            # a third run, still training when the server dies
            start_tiny_run(page)
            browser.close()
        deadline = time.monotonic() + WAIT_MS / 1000
        while sorted(states := job_states(runs)) != ["complete", "running", "stopped"] and time.monotonic() < deadline:
            time.sleep(0.1)
        assert sorted(states) == ["complete", "running", "stopped"], states  # the kill comes while one trains
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait()
    finally:
        first.stop()
    deadline = time.monotonic() + WAIT_MS / 1000
    while len(finished_runs(runs)) < 2 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert len(finished_runs(runs)) == 2, list(runs.rglob("*"))
    assert all(load_checkpoint(path).complete for path in finished_runs(runs))

    second = StreamlitServer(log=ROOT / "artifacts" / "test_lab_streamlit_2.log", env=env)
    try:
        second.wait_healthy()
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            spy_on_socket(page)
            page.goto(second.url + "/")
            page.wait_for_selector(IDLE, timeout=120_000)
            page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
            page.keyboard.type("lab-")  # the list shows only the runs that match (it is long)
            page.locator('[role="option"]').first.wait_for()
            options = page.locator('[role="option"]').all_inner_texts()
            browser.close()
    finally:
        second.stop()
    for path in finished_runs(runs):
        assert any(path.stem in option for option in options), options
