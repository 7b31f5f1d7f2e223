"""The tour page: five steps, Back / Next, each step's live number and chart from icar_core.views.tour."""

from __future__ import annotations

import html
import json

import numpy as np
import pytest
import torch
from apptest_utils import ROOT, chart_data, no_exception, open_page

from icar_core.analysis import compare_with_gd
from icar_core.checkpoints import list_checkpoints, load_checkpoint
from icar_core.findings import verdict
from icar_core.i18n import translate
from icar_core.structure import head_orthogonality
from icar_core.views import tour
from icar_core.views.tour import (
    STEPS,
    TOUR_SEED,
    estimate_step,
    gd_agreement,
    gd_step,
    heads_step,
    positions_step,
    task_step,
)

PAGE = "app_pages/tour.py"
SELECTED = "augmented-commuting"


def t(key, **values):
    return translate(key, "en", **values)


@pytest.fixture(scope="module")
def shipped():
    return list(list_checkpoints(ROOT / "checkpoints").runs)


def step_run(step, shipped, selected=SELECTED):
    chosen = next(r for r in shipped if r.name == selected)
    return tour.step_run(step, chosen, shipped)


def expected_metric(step, run):
    """The (label, value, grey line under it) the step's metric should show, from the views alone."""
    if step == "task":
        return t("tour.task.metric"), f"{task_step(run).turn_degrees:.0f}°", ""
    if step == "estimate":
        data = estimate_step(run)
        return (t("tour.estimate.metric"), f"{data.error_percent:.0f}%",
                t("tour.estimate.delta", baseline=f"{data.baseline_percent:.0f}"))
    if step == "gd":
        _, values = gd_agreement(verdict(run, "gd").values)
        return t("tour.gd.metric"), values["median"], t("tour.gd.delta", **values)
    if step == "heads":
        return t("tour.heads.metric"), f"{heads_step(run).score:.3f}", t("tour.heads.delta")
    return t("tour.positions.metric"), f"{100 * positions_step(run).r2:.0f}%", t("tour.positions.delta")


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
        got = sorted(tuple(np.round(f.sort_values(["i", "j"])["value"].to_numpy(), 9)) for f in frames)
        want = sorted(tuple(np.round(c.ravel(), 9)) for c in heads_step(run).cosines.values())
        assert got == want and len(got) == 2
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
        assert [(m.label, m.value, m.proto.delta) for m in at.metric] == [expected_metric(step, run)]
        assert all(len(m.label) <= 24 and len(m.value) <= 12 for m in at.metric)
        if step == "gd":  # the sentence is the header verdict's cosine, shown as a cosine and an angle
            key, values = gd_agreement(verdict(run, "gd").values)
            assert html.escape(t(key, **values)) in " ".join(md.value for md in at.markdown)
        if step == "heads":  # the step's number is the header verdict's (the mean over both circuits)
            assert verdict(run, "heads").values["score"] == f"{heads_step(run).score:.3f}"
        charts = chart_data(at)
        assert len(charts) == 1
        check_chart(step, run, charts[0])
    assert at.button(key="tour-next").disabled and not at.button(key="tour-back").disabled
    # "← Back" and "Next →": one arrow each (the back icon; the → key's shortcut hint), no second arrow.
    back, forward = at.button(key="tour-back").proto, at.button(key="tour-next").proto
    assert (back.label, back.icon, back.shortcut) == (t("tour.back"), ":material/arrow_back:", "")
    assert (forward.label, forward.icon) == (t("tour.next"), "") and forward.shortcut
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
    for _ in STEPS[1:]:
        at.button(key="tour-next").click().run()
        no_exception(at)
        assert all(len(m.label) <= 24 and len(m.value) <= 12 for m in at.metric), [m.label for m in at.metric]
    # Step 5: the colours follow a fixed order (learned weights first), whatever the language sorts first,
    # and the learned weights are the last layer, drawn above their cosine fit.
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)["vconcat"][0]
    learned, cosine = translate("tour.series.learned", "ja"), translate("tour.series.cosine", "ja")
    assert all(layer["encoding"]["color"]["scale"]["domain"] == [learned, cosine] for layer in spec["layer"])
    assert spec["layer"][-1]["transform"][0]["filter"]["equal"] == learned


def test_missing_run_is_a_sentence(monkeypatch):
    monkeypatch.setattr(tour, "run_for", lambda finding, selected, runs: None)
    at = open_page(PAGE, run=SELECTED)
    no_exception(at)
    assert t("tour.no_run", needs=t("tour.needs.gd")) in [box.value for box in at.info]
    assert not chart_data(at)


def test_gd_step_is_compare_with_gd_on_a_full_run(single_thread):
    """With unconstrained weights the prediction also reads s_{n-1}: the step's cosine is the real prediction's
    (compare_with_gd's prediction_cosine on the same context), not that of Γ s_n alone."""
    ckpt = load_checkpoint(ROOT / "checkpoints" / "augmented-orthogonal.pt")
    states, W = ckpt.process.sample(1, TOUR_SEED, torch.float64)
    frame = compare_with_gd(ckpt.model, states, W, process=ckpt.process).metrics
    step = gd_step(ckpt)
    assert step.cosine == pytest.approx(frame["prediction_cosine"].iloc[0], abs=1e-12)
    # Γ s_n alone points elsewhere than the full prediction: the step must not use it.
    gamma_only = step.model @ states[0, -2].numpy()
    gd = step.gd @ states[0, -2].numpy()
    assert abs(gamma_only @ gd / np.linalg.norm(gamma_only) / np.linalg.norm(gd) - step.cosine) > 1e-3


def test_gd_sentence_branches_on_the_cosine():
    verdict = {"cosine": "0.998 [0.997, 0.999]", "cosine_median": "0.998", "cosine_value": 0.998, "cosine_low": 0.997,
               "contexts": 512}
    key, values = gd_agreement(verdict)
    assert key == "tour.gd.s2" and values == {"cosine": "0.998 [0.997, 0.999]", "median": "0.998", "angle": "4",
                                              "contexts": "512"}
    # A median above the threshold whose interval reaches below it is not enough.
    key, _ = gd_agreement(verdict | {"cosine_value": 0.991, "cosine_low": 0.985})
    assert key == "tour.gd.s2_not"
    key, values = gd_agreement(verdict | {"cosine_value": 0.9, "cosine_low": 0.89})
    assert key == "tour.gd.s2_not" and values["angle"] == "26"  # a cosine of 0.9 is 26° apart, not "90%"


def test_heads_step_scores_every_circuit(shipped):
    run = next(r for r in shipped if r.name == "multihead-diagonal-commuting")
    scores = head_orthogonality(run.model)
    data = heads_step(run)
    assert set(data.cosines) == {"A", "B"} and data.n_heads == run.config.model.n_heads
    assert data.score == pytest.approx(np.mean([s.score for s in scores.values()]))


def test_flat_positions_are_not_fitted():
    path = ROOT / "checkpoints" / "paper-reference-unitary.pt"
    if not path.exists():
        pytest.skip("the paper-reference runs are not built")
    data = positions_step(load_checkpoint(path))
    assert data.flat and data.fitted is None and not data.well_described and np.isnan(data.r2)
    assert set(data.frame("learned", "cosine")["series"]) == {"learned"}
