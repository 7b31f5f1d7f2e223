"""Snapshot scrubber, comparison mode and "reproduce in Python" on Model vs GD, Heads, Head orthogonality and
Positional encodings (AppTest). Each page: move the scrubber to an early snapshot and check the numbers shown
against ones computed here from that snapshot's saved weights; pin an applicable and a non-applicable second run;
execute the page's snippet in a fresh namespace and check that it prints the numbers the page shows.

One AppTest per page, walked through all of that (each run of the app costs about a second here).
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
import torch

from icar_core.checkpoints import load_checkpoint
from icar_core.findings import FINDINGS
from icar_core.i18n import translate
from icar_core.models import build_model
from icar_core.views import gd as gd_view
from tests.app.apptest_utils import ROOT, no_exception, open_page, open_reproduce, run_id

SNAPSHOT = 2  # an early step, where every run is still far from its final weights


def load(name: str):
    return load_checkpoint(ROOT / "checkpoints" / f"{name}.pt")


def snapshot_model(ckpt, index: int):
    """The model at snapshot ``index``, built here from the saved state (not through Checkpoint.at_snapshot)."""
    model = build_model(ckpt.config.model, ckpt.process.d, ckpt.process.T).to(ckpt.config.torch_dtype)
    model.load_state_dict(ckpt.snapshots[index][1])
    return model.eval()


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def run_snippet(at, monkeypatch) -> dict:
    """Execute the page's first "reproduce in Python" snippet from the repository root in a fresh namespace."""
    code = open_reproduce(at).code[0].value
    assert "load_checkpoint(" in code and "import streamlit" not in code
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<snippet>", "exec"), namespace)  # the page's own generated code
    return namespace


def infos(at) -> list[str]:
    return [i.value for i in at.info]


def pin(at, name: str) -> None:
    at.selectbox(key="compare").set_value(run_id(name)).run()
    no_exception(at)


def not_applicable_sentence(name: str, reason_key: str) -> str:
    return translate("compare.not_applicable", "en", run=name, reason=translate(reason_key, "en"))


def table(at) -> dict[str, list[str]]:
    frame = at.dataframe[0].value
    return {row.iloc[0]: list(row.iloc[1:]) for _, row in frame.iterrows()}


def norms(state) -> np.ndarray:
    """|a_h|·|b_h|: the Frobenius norm of each diagonal head's circuit b_h a_hᵀ."""
    A, B = state["A"].double().numpy(), state["B"].double().numpy()
    return np.linalg.norm(A, axis=1) * np.linalg.norm(B, axis=1)


def mean_abs_cosine(X: np.ndarray) -> float:
    X = X / np.linalg.norm(X, axis=1, keepdims=True)
    G = np.abs(X @ X.T)
    return float((G.sum() - np.trace(G)) / (len(X) * (len(X) - 1)))


def overlap(state) -> float:
    """Mean |cosine| between diagonal heads, averaged over their A and B vectors."""
    return (mean_abs_cosine(state["A"].double().numpy()) + mean_abs_cosine(state["B"].double().numpy())) / 2


def at_snapshot(page: str, name: str):
    """The run ``name`` and its page, the scrubber moved to :data:`SNAPSHOT`."""
    at = open_page(page, run=name)
    at.select_slider(key="snapshot").set_value(SNAPSHOT).run()
    no_exception(at)
    return load(name), at


def test_model_vs_gd(monkeypatch, single_thread):
    run = load("augmented-commuting")
    at = open_page("app_pages/model_vs_gd.py", run=run.name)
    no_exception(at)
    assert at.select_slider(key="snapshot").value == len(run.snapshots) - 1  # the final weights by default
    at.select_slider(key="snapshot").set_value(SNAPSHOT).run()
    no_exception(at)
    verdicts = [box.value for box in (*at.success, *at.warning, *at.info)]
    assert any(f"{run.name} · step {run.snapshot_steps[SNAPSHOT]}" in text for text in verdicts)
    # The model's error on the page's context, computed here from the snapshot's weights.
    T, seed = run.process.T, 0
    angles = gd_view.radians(gd_view.slider_degrees(run, seed))
    states, _ = gd_view.draw_context(run, seed, angles)
    with torch.no_grad():
        prediction = snapshot_model(run, SNAPSHOT)(states[:, :T].to(torch.float32))[0, -1].double()
    expected = float(((prediction - states[0, T]) ** 2).sum())
    shown = float(metrics(at)[translate("gd.m.model_error", "en")])
    assert shown == pytest.approx(expected, rel=1e-3)
    final_error = gd_view.gd_context(run, seed, T - 1, angles).metrics["model_error"]
    assert abs(shown - final_error) > 0.1 * final_error  # the snapshot's view is not the final one

    # The snippet is drawn only once its expander is opened (the browser's code-block bundle is large).
    assert translate("reproduce.title", "en") in [e.label for e in at.expander] and not at.code
    namespace = run_snippet(at, monkeypatch)
    cards = metrics(at)
    shown_cards = [name for row in gd_view.METRIC_GRID for name, _ in row]
    for name in shown_cards:
        assert cards[translate(f"gd.m.{name}", "en")] == f"{namespace['context'].metrics[name]:.4g}", name
    assert namespace["run"].snapshot == SNAPSHOT

    other = load("augmented-orthogonal")
    pin(at, other.name)
    rows = table(at)
    ratio_a = FINDINGS["gd"].evidence(run.at_snapshot(SNAPSHOT)).loss_ratio
    ratio_b = FINDINGS["gd"].evidence(other).loss_ratio
    a, b, against = rows[translate("compare.gd.loss_ratio", "en")]
    assert (a, b) == (f"{ratio_a.text()} (n = {ratio_a.n:,})", f"{ratio_b.text()} (n = {ratio_b.n:,})")
    separate = ratio_a.high < ratio_b.low or ratio_b.high < ratio_a.low
    assert separate and against == translate("compare.separate_lower", "en")  # step 2 is far from one GD step
    assert len(at.code) == 2  # one snippet per column

    pin(at, "multihead-diagonal-commuting")
    assert not_applicable_sentence("multihead-diagonal-commuting", "finding.na.gd") in infos(at)
    assert set(table(at)[translate("compare.gd.loss_ratio", "en")][1:]) == {
        translate("compare.absent", "en"), translate("compare.no_difference", "en")}


def test_heads(monkeypatch, single_thread):
    run, at = at_snapshot("app_pages/heads.py", "multihead-diagonal-commuting")
    expected = norms(run.snapshots[SNAPSHOT][1])
    assert metrics(at)[translate("heads.metric.norm", "en")] == f"{expected.max():.3f}"
    assert f"{expected.max():.3f}" != f"{norms(run.model.state_dict()).max():.3f}"
    namespace = run_snippet(at, monkeypatch)
    assert f"{namespace['view'].strongest.norm:.3f}" == metrics(at)[translate("heads.metric.norm", "en")]

    other = load("augmented-commuting")
    pin(at, other.name)
    assert len(at.code) == 2
    a, b, _ = table(at)[translate("compare.heads.norm", "en")]
    assert a == f"{expected.max():.4g}"
    # The table's B is the number the B column's card shows (the columns' cards come A's first, then B's).
    label = translate("heads.metric.norm", "en")
    column_cards = [m.value for m in at.metric if m.label == label]
    assert len(column_cards) == 2 and float(column_cards[1]) == pytest.approx(float(b), abs=5e-4)
    assert float(column_cards[0]) == pytest.approx(expected.max(), abs=5e-4)
    pin(at, "pe-only-mu200")
    assert not_applicable_sentence("pe-only-mu200", "heads.na.pe_only") in infos(at)


def test_orthogonality(monkeypatch, single_thread):
    run, at = at_snapshot("app_pages/orthogonality.py", "multihead-diagonal-commuting")
    expected = overlap(run.snapshots[SNAPSHOT][1])
    assert metrics(at)[translate("orth.metric.score", "en")] == f"{expected:.3f}"
    namespace = run_snippet(at, monkeypatch)
    assert f"{namespace['view'].score:.3f}" == f"{expected:.3f}"

    pin(at, "multihead-diagonal-rotation")
    a, b, against = table(at)[translate("compare.orth.score", "en")]
    b_expected = overlap(load("multihead-diagonal-rotation").model.state_dict())
    assert (a, b) == (f"{expected:.4g}", f"{b_expected:.4g}")
    assert against == translate("compare.exact_difference", "en", difference=f"{b_expected - expected:+.3g}")
    pin(at, "augmented-commuting")
    assert not_applicable_sentence("augmented-commuting", "orth.na.augmented") in infos(at)
    at.session_state["lang"] = "ja"  # the same view in Japanese: the scrubber keeps its step, the sentence translates
    at.run()
    no_exception(at)
    assert at.select_slider(key="snapshot").value == SNAPSHOT
    ja = translate("compare.not_applicable", "ja", run="augmented-commuting",
                   reason=translate("orth.na.augmented", "ja"))
    assert ja in infos(at)
    assert translate("snapshot.showing", "ja", step=run.snapshot_steps[SNAPSHOT]) in [c.value for c in at.caption]


def test_positional_encodings(monkeypatch, single_thread):
    run, at = at_snapshot("app_pages/positional_encodings.py", "pe-only-mu200")
    namespace = run_snippet(at, monkeypatch)
    view = namespace["view"]
    # The snippet's P is the snapshot's saved P, and the page's PCA cards are its numbers.
    P = run.snapshots[SNAPSHOT][1]["P"].double().numpy()
    assert np.allclose(view.encodings[view.mask], P[view.positions][view.mask])
    cards = metrics(at)
    for k, share in enumerate(view.pca.explained_variance_ratio):
        assert cards[translate("positions.metric.pc", "en", k=k + 1)] == f"{100 * share:.1f}%"

    pin(at, "multihead-diagonal-rotation")
    assert len(at.code) == 2
    rows = table(at)
    assert translate("compare.positions.r2", "en") in rows
    pin(at, "augmented-commuting")
    assert not_applicable_sentence("augmented-commuting", "positions.na.augmented") in infos(at)
