"""The Heads and Head-orthogonality pages: AppTest on a block run, full multi-head heads, diagonal heads (complex
and real), and runs the pages do not apply to; the numbers shown are checked against icar_core.structure.

One AppTest per (page, run), reused by the tests of that pair (each run of the app costs seconds here).
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from icar_core.checkpoints import load_checkpoint
from icar_core.findings import verdict
from icar_core.i18n import translate
from icar_core.models import ModelConfig, build_model
from icar_core.structure import (
    circuit_structure,
    diagonal_circuit,
    head_matrices,
    head_orthogonality,
    plane_swap,
    random_cosine_level,
)
from icar_core.views.heads import (
    BlockStep,
    block_step,
    block_verdict_key,
    heads_verdict,
    orthogonality_reason,
    paper_units,
    preconditioner_caption,
)
from tests.app.apptest_utils import (
    ROOT,
    assert_way_back,
    chart_data,
    no_exception,
    open_page,
    run_id,
    shown_instead,
)

HEADS = "app_pages/heads.py"
ORTH = "app_pages/orthogonality.py"


def load(name: str):
    return load_checkpoint(ROOT / "checkpoints" / f"{name}.pt")


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def deltas(at) -> dict[str, str]:
    """The grey line under each metric (what its number is compared with), by label."""
    return {m.label: m.proto.delta for m in at.metric}


def assert_short_labels(at) -> None:
    """Streamlit cuts metric labels of about 30 characters in narrow columns: every label stays within 24."""
    assert all(len(m.label) <= 24 for m in at.metric), [m.label for m in at.metric if len(m.label) > 24]


def panels(at) -> list[np.ndarray]:
    """Every dataset that holds a matrix (columns i, j, value), as an array."""
    found = []
    for datasets in chart_data(at):
        for frame in datasets:
            if {"i", "j", "value"} <= set(frame.columns):
                matrix = np.zeros((int(frame["i"].max()) + 1, int(frame["j"].max()) + 1))
                matrix[frame["i"], frame["j"]] = frame["value"]
                found.append(matrix)
    return found


def contains(found: list[np.ndarray], matrix: np.ndarray, atol: float = 1e-6) -> bool:
    return any(p.shape == matrix.shape and np.allclose(p, matrix, atol=atol) for p in found)


def colour_domains(spec) -> list[list[float]]:
    """Every numeric colour-scale domain in a Vega-Lite spec."""
    if isinstance(spec, list):
        return [d for item in spec for d in colour_domains(item)]
    if not isinstance(spec, dict):
        return []
    found = []
    color = spec.get("encoding", {}).get("color", {})
    domain = color.get("scale", {}).get("domain") if isinstance(color, dict) else None
    if isinstance(domain, list) and all(isinstance(v, (int, float)) for v in domain):
        found.append(domain)
    for key, value in spec.items():
        if key != "encoding":
            found += colour_domains(value)
    return found


def verdict_text(at) -> str:
    return " ".join(box.value for box in [*at.success, *at.warning, *at.info])


def frobenius(values: np.ndarray) -> np.ndarray:
    return np.sqrt((values.reshape(values.shape[0], -1) ** 2).sum(axis=1))


# ------------------------------------------------------------------------------------------- Heads page


@pytest.fixture(scope="module")
def block_heads():
    return open_page(HEADS, run="augmented-commuting")


def test_heads_block_run_shows_each_matrix_with_token_blocks(block_heads):
    at = block_heads
    no_exception(at)
    raw = head_matrices(load("augmented-commuting").model)
    shown = metrics(at)
    assert shown[translate("heads.metric.heads")] == "1"
    norms = {name: frobenius(raw[name])[0] for name in ("W_QK", "W_OV")}
    best = max(norms, key=norms.get)
    assert shown[translate("heads.metric.strongest")] == "head 1"
    assert deltas(at)[translate("heads.metric.strongest")] == translate("heads.delta.circuit", circuit=best)
    assert float(shown[translate("heads.metric.norm")]) == pytest.approx(norms[best], abs=1e-3)
    # The default matrix is W_QK, drawn with the token-block boundaries (two lines per axis).
    assert contains(panels(at), raw["W_QK"][0])
    rules = [f for datasets in chart_data(at) for f in datasets if set(f.columns) in ({"column"}, {"row"})]
    assert [list(f.iloc[:, 0]) for f in rules] == [["sₜ[1]", "sₜ₋₁[1]"]] * 2
    # The verdict reports the preconditioner V·KᵀQ against its nearest c·I.
    P = raw["V_blk"][0] @ raw["K_blk"][0].T @ raw["Q_blk"][0]
    c = np.trace(P) / P.shape[0]
    assert f"{c:.3f}·I" in verdict_text(at)

    ckpt = load("augmented-commuting")
    step = block_step(ckpt)
    assert step.heads == 1 and np.allclose(step.total, P) and step.one_step
    verdict = heads_verdict(ckpt)
    assert verdict.key == "heads.verdict.block" and translate(verdict.key, **verdict.values) in verdict_text(at)

    at.selectbox(key="heads.matrix").set_value("preconditioner").run()
    no_exception(at)
    assert contains(panels(at), P)
    assert metrics(at)[translate("heads.metric.preconditioner")] == f"{c:.3f}·I"
    key, values = preconditioner_caption(step, (c, np.linalg.norm(P - c * np.eye(len(P))) / np.linalg.norm(P)))
    assert key == "heads.preconditioner_caption"
    assert translate(key, **values) in [caption.value for caption in at.caption]


def test_one_gd_step_needs_the_summed_product_and_commutation():
    """The "one GD step" texts appear only when both conditions hold; each failing one has its own text."""
    def step(error, commutator, heads=3):
        return BlockStep(np.eye(2), 1.0, error, commutator, heads)
    assert block_verdict_key(step(0.01, 0.01)) == "heads.verdict.block"
    assert block_verdict_key(step(0.2, 0.01)) == "heads.verdict.block_bad"
    assert block_verdict_key(step(0.01, 0.2)) == "heads.verdict.block_noncommuting"
    for failing in (step(0.2, 0.01), step(0.01, 0.2)):
        key, values = preconditioner_caption(failing, (1.0, 0.01))
        assert key == "heads.preconditioner_caption_not" and values["heads"] == "3"
        assert "so the step size is proportional" not in translate(key, **values)


def test_heads_full_multihead_one_head_and_all_heads():
    at = open_page(HEADS, run="authors-multihead")
    no_exception(at)
    raw = head_matrices(load("authors-multihead").model)
    shown = metrics(at)
    assert shown[translate("heads.metric.heads")] == "8"
    norms = {name: frobenius(raw[name]) for name in ("W_QK", "W_OV")}
    best = max(norms, key=lambda n: norms[n].max())
    head = int(np.argmax(norms[best]))
    assert shown[translate("heads.metric.strongest")] == f"head {head + 1}"
    assert deltas(at)[translate("heads.metric.strongest")] == translate("heads.delta.circuit", circuit=best)
    assert shown[translate("heads.metric.share")] == f"{100 * norms[best][head] / norms[best].sum():.0f}%"
    # The head picker starts on the strongest head, the one the verdict names.
    assert contains(panels(at), raw["W_QK"][head])
    assert f"head {head + 1}" in verdict_text(at)

    at.selectbox(key=f"heads.head-{run_id('authors-multihead')[:12]}").set_value(3).run()
    no_exception(at)
    assert contains(panels(at), raw["W_QK"][3])

    at.selectbox(key="heads.matrix").set_value("W_OV").run()
    at.radio(key="heads.layout").set_value("all").run()
    no_exception(at)
    found = panels(at)
    assert all(contains(found, raw["W_OV"][h]) for h in range(8))
    # One colour scale for all the small multiples, symmetric around zero.
    domains = colour_domains(json.loads(at.get("vega_lite_chart")[0].proto.spec))
    m = np.abs(raw["W_OV"]).max()
    assert len(domains) == 8 and np.allclose(domains, [[-m, m]] * 8)


def test_heads_diagonal_run_shows_A_B_and_C():
    at = open_page(HEADS, run="multihead-diagonal-commuting")
    no_exception(at)
    ckpt = load("multihead-diagonal-commuting")
    raw = head_matrices(ckpt.model)
    found = panels(at)
    assert contains(found, raw["A"]) and contains(found, raw["B"])
    assert contains(found, raw["B"].T @ raw["A"])
    sizes = np.linalg.norm(raw["A"], axis=1) * np.linalg.norm(raw["B"], axis=1)
    assert float(metrics(at)[translate("heads.metric.norm")]) == pytest.approx(sizes.max(), abs=1e-3)
    expected = verdict(ckpt, "heads")
    assert translate(expected.key, **expected.values) in verdict_text(at)
    assert_short_labels(at)


def test_heads_pe_only_run_shows_a_run_with_heads_and_the_way_back():
    at = open_page(HEADS, run="pe-only-mu50")
    no_exception(at)
    assert at.get("vega_lite_chart") and at.metric  # the finding's own run, at once
    assert shown_instead("pe-only-mu50", "heads.na.pe_only", "multihead-diagonal-commuting", "heads") in [
        i.value for i in at.info]
    expected = verdict(load_checkpoint(ROOT / "checkpoints" / "multihead-diagonal-commuting.pt"), "heads")
    assert translate(expected.key, **expected.values) in verdict_text(at)
    assert at.session_state["run_id"] == run_id("pe-only-mu50")  # the selection is the visitor's
    assert_way_back(at, "pe-only-mu50")


def test_heads_page_in_japanese():
    at = open_page(HEADS, run="augmented-orthogonal", lang="ja")
    no_exception(at)
    assert at.title[0].value == translate("heads.title", "ja") != translate("heads.title", "en")
    assert translate("heads.metric.heads", "ja") in metrics(at)
    assert_short_labels(at)
    assert contains(panels(at), head_matrices(load("augmented-orthogonal").model)["W_QK"][0])


# ------------------------------------------------------------------------------------------- orthogonality


def test_orthogonality_complex_diagonal_run():
    at = open_page(ORTH, run="multihead-diagonal-commuting")
    no_exception(at)
    ckpt = load("multihead-diagonal-commuting")
    scores = head_orthogonality(ckpt.model)
    shown = metrics(at)
    assert float(shown[translate("orth.metric.score")]) == pytest.approx(
        np.mean([s.score for s in scores.values()]), abs=1e-3)
    for name, result in scores.items():
        assert float(shown[translate("orth.metric.circuit_score", circuit=name)]) == pytest.approx(result.score,
                                                                                                   abs=1e-3)
        i, j, cos = result.worst_pair
        assert shown[translate("orth.metric.worst", circuit=name)] == f"{cos:+.3f}"
        assert deltas(at)[translate("orth.metric.worst", circuit=name)] == translate("orth.worst_value", a=i + 1,
                                                                                     b=j + 1)
    found = panels(at)
    assert all(contains(found, r.cosines) for r in scores.values())
    C = diagonal_circuit(ckpt.model)
    shape = circuit_structure(C)
    assert shape.best == "scaled_identity"
    fit = np.trace(C) / len(C) * np.eye(len(C))
    assert contains(found, C) and contains(found, fit) and contains(found, C - fit)
    assert shown[translate("orth.metric.structure")] == f"{shape.identity_c:.3f}·I"
    assert shown[translate("orth.metric.error")] == f"{100 * shape.identity_rel_error:.3f}%"
    assert_short_labels(at)
    expected = verdict(ckpt, "heads")
    assert translate(expected.key, **expected.values) in verdict_text(at)
    text = " ".join(md.value for md in at.markdown)
    assert f"{random_cosine_level(C.shape[0]):.3f}" in " ".join(c.value for c in at.caption)
    assert "c·I" in text or "·I" in text


def test_orthogonality_real_rotation_run_states_the_caveat():
    at = open_page(ORTH, run="multihead-diagonal-rotation")
    no_exception(at)
    ckpt = load("multihead-diagonal-rotation")
    C = diagonal_circuit(ckpt.model)
    shape = circuit_structure(C)
    assert shape.best == "rotation_blocks"
    fit = shape.blocks_c * (np.eye(len(C)) + plane_swap(len(C)))
    found = panels(at)
    assert contains(found, fit) and contains(found, C - fit)
    assert metrics(at)[translate("orth.metric.structure")] == f"{shape.blocks_c:.3f}·(I + S)"
    score = np.mean([s.score for s in head_orthogonality(ckpt.model).values()])
    meaning = translate("orth.meaning.rotation_blocks", c=f"{shape.blocks_c:.3f}", score=f"{score:.3f}")
    assert meaning in " ".join(md.value for md in at.markdown)


def test_orthogonality_full_heads_compare_circuits_without_C():
    at = open_page(ORTH, run="authors-multihead")
    no_exception(at)
    scores = head_orthogonality(load("authors-multihead").model)
    assert set(scores) == {"W_QK", "W_OV"}
    found = panels(at)
    assert len(found) == 2 and all(contains(found, r.cosines) for r in scores.values())
    shown = metrics(at)
    assert float(shown[translate("orth.metric.circuit_score", circuit="W_OV")]) == pytest.approx(
        scores["W_OV"].score, abs=1e-3)
    assert translate("orth.full_heads_note") in " ".join(c.value for c in at.caption)


def test_orthogonality_reason_fits_the_run():
    def run(kind, heads):
        config = ModelConfig(kind=kind, n_heads=heads)
        return SimpleNamespace(config=SimpleNamespace(model=config), model=build_model(config, 4, 8))
    assert orthogonality_reason(run("augmented", 1)) == "orth.na.augmented"
    assert orthogonality_reason(run("augmented", 4)) == "orth.na.augmented_heads"
    assert "single head" not in translate("orth.na.augmented_heads")
    assert orthogonality_reason(run("multihead", 1)) == "orth.na.single_head"
    assert orthogonality_reason(run("multihead", 2)) is None


def test_orthogonality_single_head_run_says_why_in_japanese():
    at = open_page(ORTH, run="augmented-commuting", lang="ja")
    no_exception(at)
    assert at.title[0].value == translate("orth.title", "ja") != translate("orth.title", "en")
    assert shown_instead("augmented-commuting", "orth.na.augmented", "multihead-diagonal-commuting", "heads",
                         "ja") in [i.value for i in at.info]
    assert translate("orth.metric.score", "ja") in metrics(at)
    assert len(at.get("vega_lite_chart")) == 2
    assert_short_labels(at)


def test_paper_reference_run_explains_its_units():
    """icar's orthogonal closed-form run stores A and B ×√2: Heads and Orthogonality say why its C is twice the
    paper's (the number on the Paper-reference page); other runs get no such caption."""
    path = ROOT / "checkpoints" / "paper-reference-orthogonal.pt"
    if not path.exists():
        pytest.skip("the paper-reference runs are not built")
    ckpt = load_checkpoint(path)
    units = paper_units(ckpt)
    C = diagonal_circuit(ckpt.model)
    c = circuit_structure(C).best_c
    assert units == {"scale": f"{np.sqrt(2):.3f}", "factor": "2.000", "c": f"{c:.3f}", "c_paper": f"{c / 2:.3f}"}
    assert paper_units(load("multihead-diagonal-rotation")) is None
    at = open_page(ORTH, run="paper-reference-orthogonal")
    no_exception(at)
    assert translate("heads.paper_units", **units) in [caption.value for caption in at.caption]
    assert_short_labels(at)
    at = open_page(HEADS, run="paper-reference-orthogonal", lang="ja")
    no_exception(at)
    assert translate("heads.paper_units", "ja", **units) in [caption.value for caption in at.caption]
