"""The Lab page (AppTest): a bad knob gives a sentence and starts nothing; a tiny run trains in its own process,
its live chart grows, it lands in the run picker (also of a new session) and opens on Model vs GD; Stop leaves a
partial run that Resume finishes exactly as an uninterrupted run would.

Lab runs go to the session's temporary user-runs folder (tests/conftest.py), never to the checkout's.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import torch
from streamlit.testing.v1 import AppTest

from icar_core import jobs
from icar_core.checkpoints import load_checkpoint
from icar_core.config import TrainConfig
from icar_core.i18n import translate
from icar_core.plain_text import markdown_literal
from icar_core.train import train
from tests.app.apptest_utils import APP, TIMEOUT, chart_data, no_exception, open_page

PAGE = "app_pages/lab.py"
PRESET = "augmented-commuting"
TINY = {"d": 3, "T": 8}  # trains a few hundred steps in seconds


def lab_page(steps: int, lang: str = "en", **knobs):
    at = open_page(PAGE, lang=lang)
    for field, value in (TINY | {"steps": steps} | knobs).items():
        at.number_input(key=f"lab-{PRESET}-{field}").set_value(value)
    return at


def job_folders() -> set[Path]:
    return set(jobs.jobs_dir().glob("*")) if jobs.jobs_dir().exists() else set()


def wait_for(at, condition, timeout: float = 180.0, every: float = 0.3):
    """Rerun the page until ``condition(at)`` holds (the job runs in another process meanwhile)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at.run()
        no_exception(at)
        if condition(at):
            return
        time.sleep(every)
    raise AssertionError(f"not reached in {timeout:.0f} s: {[m.value for m in at.markdown][:6]}")


def state(folder: Path) -> str:
    return jobs.read_progress(folder).state


def loss_rows(at) -> int:
    frames = [f for datasets in chart_data(at) for f in datasets if {"step", "loss", "curve"} <= set(f.columns)]
    return len(frames[0]) if frames else 0


def test_a_bad_knob_gives_a_sentence_and_starts_nothing():
    before = job_folders()
    at = lab_page(300, d=0)
    at.button(key="lab-train").click().run()
    no_exception(at)
    sentence = "d must be an integer in [1, 256]; got 0"  # shown as literal text (Markdown-escaped in the source)
    assert at.error[0].value == translate("lab.bad_value", "en", reason=markdown_literal(sentence))
    at.number_input(key=f"lab-{PRESET}-d").set_value(3)
    at.number_input(key=f"lab-{PRESET}-mu").set_value(0.0)
    at.button(key="lab-train").click().run()
    assert markdown_literal("mu must be a finite number > 0.0; got 0.0") in at.error[0].value
    ja = lab_page(300, lang="ja", T=1)
    ja.button(key="lab-train").click().run()
    assert ja.error[0].value.startswith("学習は開始していません")
    assert markdown_literal("T must be an integer in [2, 2,048]; got 1") in ja.error[0].value
    assert job_folders() == before and not at.session_state["lab_jobs"]


def test_a_lab_run_trains_live_lands_in_the_picker_and_opens_on_model_vs_gd():
    before = job_folders()
    at = lab_page(300)
    at.button(key="lab-train").click().run()
    (folder,) = job_folders() - before
    seen: list[int] = []

    def finished(at) -> bool:
        seen.append(loss_rows(at))
        return state(folder) == "complete"

    wait_for(at, finished)
    growing = sorted({n for n in seen if n})
    assert len(growing) >= 2, seen  # the chart was drawn while training, and again with more rows
    name = folder.name
    finished_file = jobs.finished_path(name)
    ckpt = load_checkpoint(finished_file)
    assert ckpt.complete and ckpt.name == name and ckpt.config.process.d == 3 and ckpt.config.steps == 300
    at.run()  # the page's rerun after the finish: the picker now lists the run
    assert loss_rows(at) == 2 * len(ckpt.history)  # held-out loss and the GD reference, every logged row
    headline = next(m for m in at.metric if m.label == translate("training.short.prediction_cosine", "en"))
    assert -1.0 <= float(headline.value) <= 1.0
    at.button(key=f"lab-open-{name}").click().run()
    no_exception(at)
    assert at.session_state["run_id"] == hashlib.sha256(finished_file.read_bytes()).hexdigest()
    assert at.title[0].value == translate("gd.title", "en")
    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # a new session, as after a server restart
    no_exception(fresh)
    assert name in fresh.sidebar.selectbox(key="run_id").options


def test_stop_leaves_a_resumable_run_and_resume_finishes_it_exactly(tmp_path):
    before = job_folders()
    at = lab_page(3000)
    at.button(key="lab-train").click().run()
    (folder,) = job_folders() - before
    name = folder.name
    wait_for(at, lambda at: (p := jobs.read_progress(folder)).state == "running" and p.step >= 25, every=0.1)
    at.button(key=f"lab-stop-{name}").click().run()
    wait_for(at, lambda at: state(folder) == "stopped")
    partial = load_checkpoint(folder / jobs.RUN_FILE)
    assert not partial.complete and 0 < partial.train_state["step"] < 3000
    assert not jobs.finished_path(name).exists()
    wait_for(at, lambda at: any(markdown_literal(folder) in c.value for c in at.caption), timeout=30)  # where it is
    at.button(key=f"lab-resume-{name}").click().run()
    wait_for(at, lambda at: state(folder) == "complete")
    resumed = load_checkpoint(jobs.finished_path(name))
    config = TrainConfig.from_dict(json.loads((folder / jobs.CONFIG_FILE).read_text()))
    # On one thread, as the job trains: float sums in another thread count are not bit-identical.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        straight = train(config, tmp_path / "straight.pt", progress=False)
    finally:
        torch.set_num_threads(threads)
    assert resumed.complete and resumed.train_state["step"] == straight.train_state["step"]
    assert all(torch.equal(a, b) for a, b in zip(resumed.model.state_dict().values(),
                                                 straight.model.state_dict().values(), strict=True))
