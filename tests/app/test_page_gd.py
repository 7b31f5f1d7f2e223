"""The Model-vs-GD page (Finding 1): AppTest on a block run, a full run and a run it does not apply to.

One AppTest per run, reused across the tests of that run (each run of the app costs seconds here).
"""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch

from icar_core.analysis import gauge_view
from icar_core.checkpoints import load_checkpoint
from icar_core.errors import NotApplicableError
from icar_core.findings import verdict
from icar_core.i18n import translate
from icar_core.views.gd import (
    CURVE_CONTEXTS,
    draw_context,
    drawn_angles,
    error_curve,
    gauge_text_key,
    gd_context,
    radians,
    slider_degrees,
)
from tests.app.apptest_utils import ROOT, chart_data, no_exception, open_page, run_id, shown_instead

PAGE = "app_pages/model_vs_gd.py"

# metric label key -> the GDContext metric it shows (in page order)
METRIC_ORDER = ("model_error", "gd_error", "ls_error", "prediction_cosine", "sensitivity_cosine",
                "sensitivity_l2", "update_cosine", "update_rel_error", "model_W_error", "gd_W_error", "ls_W_error",
                "model_eta", "prediction_diff")


def load(name: str):
    return load_checkpoint(ROOT / "checkpoints" / f"{name}.pt")


def shown_metrics(at) -> dict[str, float]:
    return {m.label: float(m.value) for m in at.metric}


def assert_context_metrics(at, context) -> None:
    values = [float(m.value) for m in at.metric][: len(METRIC_ORDER)]
    expected = [context.metrics[name] for name in METRIC_ORDER]
    assert values == pytest.approx(expected, rel=1e-3, abs=1e-9)


def heatmap_panels(at) -> list[np.ndarray]:
    """Every dataset that holds a matrix (columns row, column, value), as a square array."""
    panels = []
    for datasets in chart_data(at):
        for frame in datasets:
            if {"row", "column", "value", "i", "j"} <= set(frame.columns):
                size = int(frame["i"].max()) + 1
                matrix = np.zeros((size, int(frame["j"].max()) + 1))
                matrix[frame["i"], frame["j"]] = frame["value"]
                panels.append(matrix)
    return panels


def contains_matrix(panels: list[np.ndarray], matrix: np.ndarray) -> bool:
    return any(p.shape == matrix.shape and np.allclose(p, matrix, atol=1e-6) for p in panels)


@pytest.fixture(scope="module")
def block_page():
    return open_page(PAGE, run="augmented-commuting")


@pytest.fixture(scope="module")
def block_run():
    return load("augmented-commuting")


def test_views_rebuild_the_drawn_context(block_run, single_thread):
    """Angles read back from a draw rebuild that draw's W and states; other families have no angles."""
    states, W = block_run.process.sample(1, 5, torch.float64)
    rebuilt_states, rebuilt_W = draw_context(block_run, 5, tuple(drawn_angles(block_run, 5)))
    assert torch.allclose(rebuilt_W, W, atol=1e-12) and torch.allclose(rebuilt_states, states, atol=1e-10)
    with pytest.raises(NotApplicableError):
        drawn_angles(load("augmented-orthogonal"), 0)
    with pytest.raises(NotApplicableError):
        gd_context(load("multihead-diagonal-commuting"), 0, 5)


def test_block_run_shows_the_comparison(block_page, block_run):
    at = block_page
    no_exception(at)
    T = block_run.process.T
    context = gd_context(block_run, 0, T - 1, radians(slider_degrees(block_run, 0)))
    assert_context_metrics(at, context)
    # The three matrices on one scale, the truth among them.
    panels = heatmap_panels(at)
    for matrix in (context.gamma, context.W_GD, context.W):
        assert contains_matrix(panels, matrix)
    # Gauge view: its product and c·I, and the metrics.
    view = gauge_view(block_run.model, block_run.process)
    assert contains_matrix(panels, view.preconditioner)
    metrics = shown_metrics(at)
    assert metrics[translate("gd.gauge.c")] == pytest.approx(view.c, rel=1e-3)
    assert metrics[translate("gd.gauge.error")] == pytest.approx(view.rel_error, rel=1e-3)
    assert any(f"{np.degrees(view.V_angles[0]):+.1f}°" in md.value for md in at.markdown)
    # This run passes the gauge check, so the page may state "one GD step seen through a symmetry" — and that
    # it is so in expected loss, not context by context.
    assert gauge_text_key(view) == "gd.gauge.text"
    assert any("**one GD step seen through a symmetry of the commuting family**" in md.value
               and "not context by context" in md.value for md in at.markdown)
    # The error metric's help gives this context's state length instead of assuming 1.
    help_text = next(m.proto.help for m in at.metric if m.label.startswith("Model's error"))
    assert translate("gd.m.model_error_help", length=f"{context.state_length:.3g}") == help_text
    # Short labels; what a number is compared with is the grey line under it.
    assert all(len(m.label) <= 24 for m in at.metric), [m.label for m in at.metric]
    compared = {m.label: m.proto.delta for m in at.metric}
    assert compared[translate("gd.m.model_error")] == translate("gd.delta.gd",
                                                                value=f"{context.metrics['gd_error']:.4g}")
    assert compared[translate("gd.m.model_eta")] == translate("gd.delta.best_eta",
                                                              value=f"{context.metrics['gd_eta']:.4g}")
    # Rotation blocks in fixed planes: the context is drawn as a path, and only 2 of d coordinates are shown.
    assert translate("gd.trajectory_caption", d=block_run.process.d) in [c.value for c in at.caption]
    assert context.state_length == pytest.approx(np.median(np.linalg.norm(context.states, axis=1)))
    # Error against context length: the model, GD and truth lines are gd_curve's.
    curve = error_curve(block_run)
    lines = next(frame for datasets in chart_data(at) for frame in datasets if "series" in frame and "n" in frame)
    series = (("model_loss", "gd.series.model"), ("gd_loss", "gd.series.gd"), ("truth_loss", "gd.series.truth"))
    for column, key in series:
        plotted = lines[lines["series"] == translate(key)].sort_values("n")
        assert plotted["error"].to_numpy() == pytest.approx(curve[column].to_numpy(), rel=1e-9, abs=1e-18)
    assert len(curve) == T - 1 and CURVE_CONTEXTS == 256
    # The verdict is verdicts.gd_finding's, and the s_{t-1} block is said to be zero.
    expected = verdict(block_run, "gd")
    assert translate(expected.key, **expected.values) in at.success[0].value
    assert any(c.value == translate("gd.block_previous_zero") for c in at.caption)


def test_gauge_text_only_when_its_numbers_hold(block_run):
    """The "rotations with opposite angles, product c·I" paragraph needs all of its numbers; otherwise another."""
    view = gauge_view(block_run.model, block_run.process)
    assert gauge_text_key(view) == "gd.gauge.text"
    for change in ({"rel_error": 0.2}, {"V_commutator": 0.1}, {"KQ_commutator": 0.06},
                   {"KQ_angles": view.KQ_angles + 0.1}, {"KQ_angles": -view.KQ_angles}):
        assert gauge_text_key(dataclasses.replace(view, **change)) == "gd.gauge.text_not", change
    # Opposite angles are compared modulo a full turn.
    assert gauge_text_key(dataclasses.replace(view, KQ_angles=view.KQ_angles + 2 * np.pi)) == "gd.gauge.text"
    values = {"v_angles": "", "kq_angles": "", "v_res": "", "kq_res": "", "c": "", "error": ""}
    claim = "**one GD step seen through a symmetry of the commuting family**"
    assert claim in translate("gd.gauge.text", **values) and claim not in translate("gd.gauge.text_not", **values)


def test_controls_move_the_numbers(block_page, block_run):
    at = block_page
    key = run_id("augmented-commuting")[:12]
    at.number_input(key="gd-seed").set_value(3).run()
    at.slider(key=f"gd-n-{key}").set_value(6).run()
    no_exception(at)
    degrees = slider_degrees(block_run, 3)
    assert_context_metrics(at, gd_context(block_run, 3, 6, radians(degrees)))
    degrees[1] = 90.0
    at.slider(key=f"gd-angle-{key}-3-1").set_value(90.0).run()
    no_exception(at)
    context = gd_context(block_run, 3, 6, radians(degrees))
    assert_context_metrics(at, context)
    assert contains_matrix(heatmap_panels(at), context.W)
    assert np.allclose(context.W[2:, 2:], [[0, -1], [1, 0]], atol=1e-12)  # plane 2 turned by 90°


def test_japanese_changes_the_text(block_page):
    at = block_page
    english = at.title[0].value
    at.session_state["lang"] = "ja"
    at.run()
    no_exception(at)
    assert at.title[0].value == translate("gd.title", "ja") != english
    assert at.metric[0].label.startswith("モデルの誤差")
    assert all(len(m.label) <= 24 for m in at.metric), [m.label for m in at.metric]
    at.session_state["lang"] = "en"


def test_full_run_shows_the_previous_block_and_says_why():
    ckpt = load("augmented-orthogonal")
    at = open_page(PAGE, run="augmented-orthogonal")
    no_exception(at)
    context = gd_context(ckpt, 0, ckpt.process.T - 1, None)
    assert_context_metrics(at, context)
    assert contains_matrix(heatmap_panels(at), context.gamma_previous)
    assert not np.allclose(context.gamma_previous, 0)
    infos = [i.value for i in at.info]
    assert translate("gd.gauge_full") in infos
    share = 100 * np.linalg.norm(context.gamma_previous) / np.linalg.norm(context.gamma)
    assert context.metrics["previous_block_share"] == pytest.approx(share / 100)  # compare_with_gd's column
    assert translate("gd.full_split", share=f"{share:.0f}") in infos
    assert any(c.value == translate("gd.no_angles") for c in at.caption)
    # Haar W mix all coordinates: the context states are drawn as points, not joined, and the caption says so.
    assert translate("gd.trajectory_caption_points", d=ckpt.process.d) in [c.value for c in at.caption]
    spec = next(json.loads(c.proto.spec) for c in at.get("vega_lite_chart")
                if translate("gd.trajectory_title") in c.proto.spec)
    assert "line" not in json.dumps(spec["vconcat"][0]["layer"])
    assert len(at.slider) == 1  # only the context length: Haar W have no plane angles


def test_plain_token_run_points_to_an_augmented_run():
    at = open_page(PAGE, run="multihead-diagonal-commuting")
    no_exception(at)
    assert shown_instead("multihead-diagonal-commuting", "finding.na.gd", "augmented-commuting", "gd") in [
        i.value for i in at.info]
    block = load("augmented-commuting")
    assert_context_metrics(at, gd_context(block, 0, block.process.T - 1, radians(slider_degrees(block, 0))))
    assert "augmented-commuting" in at.success[0].value
