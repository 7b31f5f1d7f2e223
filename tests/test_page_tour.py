"""The tour page: five steps, Back / Next, each step's live number and chart from icar_core.views.tour."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_utils import ROOT, chart_data, no_exception, open_page

from icar_core.checkpoints import list_checkpoints
from icar_core.i18n import translate
from icar_core.verdicts import gd_finding
from icar_core.views import findings
from icar_core.views.findings import run_for_finding
from icar_core.views.tour import STEP_FINDING, STEPS, estimate_step, gd_step, heads_step, positions_step, task_step

PAGE = "pages/tour.py"
SELECTED = "augmented-commuting"


def t(key, **values):
    return translate(key, "en", **values)


@pytest.fixture(scope="module")
def shipped():
    return list(list_checkpoints(ROOT / "checkpoints").runs)


def step_run(step, shipped, selected=SELECTED):
    chosen = next(r for r in shipped if r.name == selected)
    return run_for_finding(STEP_FINDING[step], chosen, shipped)


def expected_metric(step, run):
    """The (label, value) the step's metric should show, from the views alone."""
    if step == "task":
        return t("tour.task.metric"), f"{task_step(run).turn_degrees:.0f}°"
    if step == "estimate":
        data = estimate_step(run)
        return t("tour.estimate.metric"), t("tour.estimate.value", error=f"{data.error_percent:.0f}",
                                             baseline=f"{data.baseline_percent:.0f}")
    if step == "gd":
        values = gd_finding(run).values
        return t("tour.gd.metric"), t("tour.gd.value", percent=values["percent"], contexts=values["contexts"])
    if step == "heads":
        return t("tour.heads.metric"), t("tour.heads.value", score=f"{heads_step(run).score:.2f}")
    return t("tour.positions.metric"), t("tour.positions.value", r2=f"{100 * positions_step(run).r2:.0f}")


def check_chart(step, run, frames):
    """What the step's chart plots equals the view's arrays."""
    if step in ("task", "estimate"):
        states = task_step(run).states
        path = next(f for f in frames if len(f) == len(states))
        np.testing.assert_allclose(path[["x", "y"]].to_numpy(), states[:, :2], rtol=1e-6)
    elif step == "gd":
        data = gd_step(run)
        got = sorted(tuple(np.round(f.sort_values(["i", "j"])["value"].to_numpy(), 6)) for f in frames)
        want = sorted(tuple(np.round(m.ravel(), 6)) for m in (data.model, data.gd, data.truth))
        assert got == want
    elif step == "heads":
        (frame,) = frames
        np.testing.assert_allclose(frame.sort_values(["i", "j"])["value"].to_numpy(), heads_step(run).cosines.ravel())
    else:
        (frame,) = frames
        data = positions_step(run)
        learned = frame[frame["series"] == t("tour.series.learned")]
        np.testing.assert_allclose(learned["y"].to_numpy(), data.profile)
        np.testing.assert_allclose(frame[frame["series"] == t("tour.series.cosine")]["y"].to_numpy(), data.fitted)


def indicator(at):
    return next(md.value for md in at.markdown if "/ 5" in md.value)


def test_walk_through_all_steps_and_back(shipped):
    at = open_page(PAGE, run=SELECTED)
    for index, step in enumerate(STEPS):
        if index:
            at.button(key="tour-next").click().run()
        no_exception(at)
        assert f"{index + 1} / {len(STEPS)}" in indicator(at)
        assert at.header[0].value == t(f"tour.{step}.title")
        run = step_run(step, shipped)
        assert t("tour.from_run", run=run.name) in [c.value for c in at.caption]
        assert [(m.label, m.value) for m in at.metric] == [expected_metric(step, run)]
        charts = chart_data(at)
        assert len(charts) == 1
        check_chart(step, run, charts[0])
    assert at.button(key="tour-next").disabled and not at.button(key="tour-back").disabled
    at.button(key="tour-back").click().run()
    no_exception(at)
    assert "4 / 5" in indicator(at) and at.header[0].value == t("tour.heads.title")


def test_japanese_and_another_selected_run(shipped):
    """Japanese text; with a multi-head run selected the first steps fall back to an augmented run."""
    at = open_page(PAGE, run="multihead-diagonal-commuting", lang="ja")
    no_exception(at)
    assert at.title[0].value == translate("tour.title", "ja") != t("tour.title")
    assert at.button(key="tour-back").disabled and "1 / 5" in indicator(at)
    run = step_run("task", shipped, "multihead-diagonal-commuting")
    assert run.name != "multihead-diagonal-commuting"
    assert translate("tour.from_run", "ja", run=run.name) in [c.value for c in at.caption]


def test_missing_run_is_a_sentence(monkeypatch):
    monkeypatch.setattr(findings, "run_for_finding", lambda finding, selected, runs: None)
    at = open_page(PAGE, run=SELECTED)
    no_exception(at)
    assert t("tour.no_run", needs=t("tour.needs.gd")) in [box.value for box in at.info]
    assert not chart_data(at)
