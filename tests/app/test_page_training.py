"""The Training page: AppTest on an augmented run (GD reference) and a multi-head run (head structure).

One AppTest per run, reused across that run's tests (each run of the app costs seconds here).
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch

from icar_core.analysis import compare_with_gd
from icar_core.checkpoints import load_checkpoint
from icar_core.errors import NotApplicableError
from icar_core.i18n import translate
from icar_core.structure import pe_profile_is_flat
from icar_core.views.training import (
    SNAPSHOT_CONTEXTS,
    SNAPSHOT_SEED,
    closed_form_objective,
    config_rows,
    final_loss,
    loss_long,
    structure_metrics_of,
    structure_over_training,
    training_verdict,
)
from tests.app.apptest_utils import ROOT, chart_data, no_exception, open_page, run_id

PAGE = "app_pages/training.py"


def load(name: str):
    return load_checkpoint(ROOT / "checkpoints" / f"{name}.pt")


def frame_with(at, *columns: str):
    return next(frame for datasets in chart_data(at) for frame in datasets if set(columns) <= set(frame.columns))


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def deltas(at) -> dict[str, str]:
    return {m.label: m.proto.delta for m in at.metric}


def assert_structure_shown(at, ckpt) -> None:
    expected = structure_over_training(ckpt)
    plotted = frame_with(at, "step", "metric", "value")
    shown = metrics(at)
    for name in structure_metrics_of(ckpt):
        label = translate(f"training.metric.{name}", contexts=SNAPSHOT_CONTEXTS)
        want = expected[expected["metric"] == name]
        got = plotted[plotted["metric"] == label].sort_values("step")
        assert got["step"].tolist() == want["step"].tolist()
        if name == "pe_r2":  # no R² for snapshots whose last row is flat round-off (e.g. P = 0 at step 0)
            for index, step in enumerate(ckpt.snapshot_steps):
                model = ckpt.model_at(index)
                flat = pe_profile_is_flat(model)
                assert (step not in want["step"].tolist()) == flat
        else:
            assert want["step"].tolist() == ckpt.snapshot_steps
        assert got["value"].to_numpy() == pytest.approx(want["value"].to_numpy(), rel=1e-9, abs=1e-12)
        short = translate(f"training.short.{name}")
        assert float(shown[short]) == pytest.approx(want["value"].iloc[-1], rel=1e-3, abs=1e-12)
        assert deltas(at)[short] == translate("training.delta.first_snapshot", value=f"{want['value'].iloc[0]:.4g}")
    assert all(len(m.label) <= 24 for m in at.metric), [m.label for m in at.metric]


@pytest.fixture(scope="module")
def augmented_page():
    return open_page(PAGE, run="augmented-commuting")


def test_augmented_run(augmented_page):
    at = augmented_page
    no_exception(at)
    ckpt = load("augmented-commuting")
    history = ckpt.history
    # Verdict: computed from the history, with the GD reference.
    verdict = training_verdict(ckpt)
    assert verdict.key == "training.verdict.gd"
    assert verdict.good is None  # a point ratio on one fixed set judges no tolerance
    assert at.info[0].value == translate(verdict.key, **verdict.values)
    # Loss curves: the held-out loss and the GD reference line, exactly the history's.
    losses = frame_with(at, "step", "loss", "run", "curve")
    assert set(losses["run"]) == {"augmented-commuting"}
    eval_curve = losses[losses["curve"] == translate("training.curve.eval_loss")]
    assert eval_curve["loss"].tolist() == pytest.approx(history["eval_loss"].tolist())
    assert eval_curve["step"].tolist() == history["step"].tolist()
    gd_curve = losses[losses["curve"] == translate("training.curve.gd_loss")]
    assert gd_curve["loss"].tolist() == pytest.approx(history["gd_loss"].tolist())
    shown, compared = metrics(at), deltas(at)
    final = history["eval_loss"].iloc[-1]
    assert float(shown[translate("training.final_loss")]) == pytest.approx(final, rel=1e-3)
    assert compared[translate("training.final_loss")] == translate("training.delta.first",
                                                                   value=f"{history['eval_loss'].iloc[0]:.4g}")
    lowest = history["eval_loss"].min()
    assert float(shown[translate("training.lowest_loss")]) == pytest.approx(lowest, rel=1e-3)
    assert compared[translate("training.lowest_loss")] == translate(
        "training.delta.at_step", step=int(history["step"][history["eval_loss"].idxmin()]))
    gd = history["gd_loss"].iloc[-1]
    assert float(shown[translate("training.gd_loss")]) == pytest.approx(gd, rel=1e-3)
    assert compared[translate("training.gd_loss")] == translate("training.delta.ratio", ratio=f"{final / gd:.3f}")
    # This run has the GD reference: the legend lists it, and the caption needs no "of the 1 runs shown".
    assert translate("training.loss_caption.all") in [c.value for c in at.caption]
    # The verdict says where its ratio comes from: the held-out set, all positions.
    assert verdict.values["contexts"] == ckpt.config.eval_size
    assert f"{ckpt.config.eval_size} held-out sequences averaged over all positions" in at.info[0].value
    # Structure during training: GD agreement per snapshot.
    assert_structure_shown(at, ckpt)
    # Configuration table: one row per setting.
    assert len(at.table[0].value) == len(config_rows(ckpt))


def test_overlay_and_training_loss(augmented_page):
    at = augmented_page
    at.multiselect(key=f"training-runs-{run_id('augmented-commuting')[:12]}").select(
        run_id("multihead-diagonal-commuting")).run()
    at.toggle(key="training-show-train").set_value(True).run()
    no_exception(at)
    losses = frame_with(at, "step", "loss", "run", "curve")
    assert set(losses["run"]) == {"augmented-commuting", "multihead-diagonal-commuting"}
    multihead = losses[losses["run"] == "multihead-diagonal-commuting"]
    assert translate("training.curve.gd_loss") not in set(multihead["curve"])  # no GD reference for plain tokens
    train = multihead[multihead["curve"] == translate("training.curve.train_loss")]
    assert train["loss"].tolist() == pytest.approx(load("multihead-diagonal-commuting").history["train_loss"].tolist())


def test_japanese_changes_the_text(augmented_page):
    at = augmented_page
    english = at.title[0].value
    at.session_state["lang"] = "ja"
    at.run()
    no_exception(at)
    assert at.title[0].value == translate("training.title", "ja") != english
    assert translate("training.group.process", "ja") in at.table[0].value.index
    at.session_state["lang"] = "en"


def test_multihead_run_shows_head_structure():
    ckpt = load("multihead-diagonal-commuting")
    at = open_page(PAGE, run="multihead-diagonal-commuting")
    no_exception(at)
    assert structure_metrics_of(ckpt) == ("orthogonality", "circuit_error", "pe_r2")
    assert_structure_shown(at, ckpt)
    verdict = training_verdict(ckpt)
    assert verdict.key == "training.verdict.fell"
    assert translate(verdict.key, **verdict.values) in [*at.success, *at.warning][0].value
    # No run shown has a GD reference: the legend does not list it and the caption says so in the singular.
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert translate("training.curve.gd_loss") not in json.dumps(spec, ensure_ascii=False)
    assert translate("training.loss_caption.none_one") in [c.value for c in at.caption]


def test_a_spike_at_the_end_is_reported_with_the_lowest_value():
    """The last log can be a spike (multihead-diagonal-rotation once ended at 2.27e-06 after 9e-10): the verdict
    then also gives the lowest logged held-out loss and its step."""
    ckpt = load("multihead-diagonal-rotation")
    history = ckpt.history.copy()
    history.loc[history.index[-1], "eval_loss"] = 1000 * history["eval_loss"].min()
    spiky = dataclasses.replace(ckpt, history=history)
    loss = final_loss(spiky)
    assert loss.spike and loss.lowest == history["eval_loss"].min() and loss.final == history["eval_loss"].iloc[-1]
    assert loss.median_last == pytest.approx(np.median(history["eval_loss"].to_numpy()[-5:]))
    verdict = training_verdict(spiky)
    assert verdict.values["spike"] and verdict.values["lowest"] == f"{loss.lowest:.3g}"
    assert verdict.values["lowest_step"] == loss.lowest_step
    assert not final_loss(load("augmented-commuting")).spike


def test_gd_agreement_is_compare_with_gd(single_thread):
    """The snapshot measures (from predictions alone) are compare_with_gd's numbers for the same contexts."""
    ckpt = load("augmented-commuting")
    frame = structure_over_training(ckpt)
    states, W = ckpt.process.sample(SNAPSHOT_CONTEXTS, SNAPSHOT_SEED, torch.float64)
    for index in (0, len(ckpt.snapshots) // 2, -1):
        full = compare_with_gd(ckpt.model_at(index), states, W, process=ckpt.process).metrics
        at_step = frame[frame["step"] == ckpt.snapshot_steps[index]].set_index("metric")["value"]
        assert at_step["prediction_cosine"] == pytest.approx(full["prediction_cosine"].median(), abs=1e-6)
        assert at_step["loss_ratio"] == pytest.approx(full["model_error"].mean() / full["gd_error"].mean(), rel=1e-6)


def test_structure_without_snapshots_is_explained():
    ckpt = dataclasses.replace(load("augmented-commuting"), snapshots=[])
    with pytest.raises(NotApplicableError):
        structure_over_training(ckpt)


def test_pe_only_run_shows_the_positional_shape():
    if not (ROOT / "checkpoints" / "pe-only-mu200.pt").exists():
        pytest.skip("the PE-only run is not shipped yet")
    ckpt = load("pe-only-mu200")
    at = open_page(PAGE, run="pe-only-mu200")
    no_exception(at)
    assert structure_metrics_of(ckpt) == ("pe_r2",)
    assert_structure_shown(at, ckpt)
    settings = set(config_rows(ckpt)["setting"])
    assert {"kind", "field"} <= settings and not {"n_heads", "structure", "heads"} & settings
    assert len(at.table[0].value) == len(config_rows(ckpt))


def test_closed_form_runs_label_their_training_loss():
    """A paper-reference run's training loss is the paper's closed-form objective, and says so."""
    name = "paper-reference-unitary"
    if not (ROOT / "checkpoints" / f"{name}.pt").exists():
        pytest.skip("the paper-reference runs are not built")
    ckpt, trained = load(name), load("augmented-commuting")
    assert closed_form_objective(ckpt) and not closed_form_objective(trained)
    curves = {"eval_loss": "held-out", "train_loss": "training"}
    frame = loss_long({"a": trained, "p": ckpt}, curves, objective_label="objective")
    assert set(frame[frame["run"] == "p"]["curve"]) == {"held-out", "objective"}
    assert set(frame[frame["run"] == "a"]["curve"]) == {"held-out", "training"}
    at = open_page(PAGE, run=name)
    at.toggle(key="training-show-train").set_value(True).run()
    no_exception(at)
    losses = frame_with(at, "step", "loss", "run", "curve")
    assert set(losses["curve"]) == {translate("training.curve.eval_loss"), translate("training.curve.objective")}
    assert translate("training.objective_note", run=name, eval=ckpt.config.eval_size) in [c.value for c in at.caption]
    # Its verdict says the objective was minimised directly, and that the held-out loss is a prediction loss.
    verdict = training_verdict(ckpt)
    assert verdict.key == "training.verdict.fell_objective"
    assert verdict.values["objective"] == f"{ckpt.history['train_loss'].iloc[-1]:.3g}"
    assert_structure_shown(at, ckpt)  # its flat positional rows have no R² point
