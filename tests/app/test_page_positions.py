"""The Positional-encodings page (Finding 3): AppTest on a PE-only run, a multi-head run with P, a run with learned
embeddings and an augmented run (not applicable); the numbers shown are recomputed here from
icar_core.structure, icar_core.theory and the authors' arrays.

One AppTest per run, reused by the tests of that run (each run of the app costs seconds here).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from icar_core.checkpoints import list_checkpoints, load_checkpoint
from icar_core.config import data_seed
from icar_core.findings import FINDINGS, run_for, verdict
from icar_core.i18n import translate
from icar_core.structure import fit_cosine, is_flat, pe_profile, positional_pca, positional_rows
from icar_core.theory import pe_only_least_squares, pe_only_loss, pe_only_ridge_matching_loss
from icar_core.views.positions import (
    LeastSquaresReference,
    Winding,
    flat_values,
    least_squares_reference,
    least_squares_text,
    pca_text_key,
    positional_view,
    positions_verdict,
)
from tests.app.apptest_utils import ROOT, assert_way_back, chart_data, no_exception, open_page, shown_instead

PAGE = "app_pages/positional_encodings.py"
PE_RUN = "pe-only-mu100"
REFERENCE = ROOT.parent / "shared" / "reference" / "paper_pe_only"


def load(name: str):
    return load_checkpoint(ROOT / "checkpoints" / f"{name}.pt")


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def boxes(at) -> str:
    return " ".join(box.value for box in [*at.success, *at.warning, *at.info])


def datasets(at, columns: set[str]) -> list:
    return [f for charts in chart_data(at) for f in charts if columns <= set(f.columns)]


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def assert_pca_and_profile(at, model) -> None:
    """The PCA percentages and points, and the last row's fit, as icar_core.structure computes them. For a
    positional matrix the PCA leaves out the newest-token entries P[n, n], like the profile and the authors' rows,
    and the caption says so."""
    rows, positions = positional_rows(model)
    matrix = model.config.positional == "matrix"
    earlier = rows.copy()
    if matrix:
        earlier[np.arange(len(positions)), positions] = 0.0
        assert translate("positions.pca.caption_matrix", first=int(positions[0]), last=int(positions[-1])) in \
            [c.value for c in at.caption]
    pca = positional_pca(earlier, n_components=3)
    shown = metrics(at)
    for k, ratio in enumerate(pca.explained_variance_ratio):
        assert shown[translate("positions.metric.pc", k=k + 1)] == f"{100 * ratio:.1f}%"
    (points,) = datasets(at, {"position", "pc1", "pc2"})
    np.testing.assert_allclose(points["position"], positions)
    np.testing.assert_allclose(points[["pc1", "pc2"]].to_numpy(), pca.coordinates[:, :2], atol=1e-9)
    # The heatmap holds exactly the existing entries of the rows the PCA uses.
    (cells,) = datasets(at, {"n", "t", "value"})
    if matrix:  # the heatmap shows P itself, newest-token entries included
        rows = model.positional_matrix().double().numpy()[positions]
    embedding = model.config.positional == "embedding"  # a table of embeddings: every entry exists
    expected = {(int(n), t): rows[k, t] for k, n in enumerate(positions) for t in range(rows.shape[1])
                if embedding or t <= n}
    assert len(cells) == len(expected)
    np.testing.assert_allclose(cells["value"], [expected[(n, t)] for n, t in zip(cells["n"], cells["t"], strict=True)])


def assert_cosine_fit(at, ckpt) -> None:
    profile = pe_profile(ckpt.model)
    fit = fit_cosine(profile)
    shown = metrics(at)
    assert shown[translate("positions.metric.r2")] == f"{fit.r2:.4f}"
    # A frequency is shown only where the registry claims one: a good cosine fit that also beats a cubic by
    # held-out error (μ = 300's row fits a cosine with R² = 1.0000 and still gets none).
    shape = FINDINGS["positions"].shape(ckpt)
    claimed = FINDINGS["positions"].judge_shape(shape).good
    omega = shown[translate("positions.metric.omega")]
    assert omega == (f"{fit.omega:.4f}" if claimed else translate("positions.not_claimed"))
    assert shown[translate("positions.metric.cubic_ratio")] == f"{shape.shapes.cubic / shape.shapes.cosine:.2g}×"
    lines = datasets(at, {"series", "t", "value"})
    trained = lines[0][lines[0]["series"] == translate("positions.series.trained")]
    np.testing.assert_allclose(trained["value"], profile)
    assert translate("positions.series.cubic") in set(lines[0]["series"])
    expected = verdict(ckpt, "positions")
    assert translate(expected.key, **expected.values) in boxes(at)


# ------------------------------------------------------------------------------------------- PE-only run


@pytest.fixture(scope="module")
def pe_page():
    return open_page(PAGE, run=PE_RUN)


def test_pe_only_run_pca_profile_and_verdict(pe_page):
    no_exception(pe_page)
    ckpt = load(PE_RUN)
    assert_pca_and_profile(pe_page, ckpt.model)
    assert_cosine_fit(pe_page, ckpt)


def test_pe_only_run_against_least_squares_references(pe_page, single_thread):
    ckpt = load(PE_RUN)
    config = ckpt.config
    states = config.process.sample(config.batch_size, data_seed(config.seed, 0), torch.float64)[0]
    P = ckpt.model.positional_encodings().double()
    loss = pe_only_loss(states, P)
    # The stored training loss was measured on this very batch: the reconstruction is the run's own data.
    assert loss == pytest.approx(ckpt.history["train_loss"].iloc[-1], rel=0.05)
    P_ridge, ridge = pe_only_ridge_matching_loss(states, loss)
    P_min = pe_only_least_squares(states, 0.0)
    T = P.shape[0]
    trained, ridge_row, min_row = (M[T - 1, : T - 1].numpy() for M in (P, P_ridge, P_min))
    shown = metrics(pe_page)
    assert float(shown[translate("positions.metric.ridge_cosine")]) == pytest.approx(cosine(trained, ridge_row),
                                                                                      abs=1e-4)
    assert float(shown[translate("positions.metric.ridge_lambda")]) == pytest.approx(ridge, rel=1e-2)
    assert float(shown[translate("positions.metric.min_norm_cosine")]) == pytest.approx(cosine(trained, min_row),
                                                                                         abs=1e-4)
    error = np.linalg.norm(trained - ridge_row) / np.linalg.norm(ridge_row)
    assert shown[translate("positions.metric.ridge_error")] == f"{100 * error:.1f}%"
    lines = datasets(pe_page, {"series", "t", "value"})[1]
    drawn = lines[lines["series"] == translate("positions.series.ridge")]["value"]
    np.testing.assert_allclose(drawn, ridge_row)
    # The exact interpolant is drawn on request.
    pe_page.toggle(key="positions.min_norm").set_value(True).run()
    no_exception(pe_page)
    lines = datasets(pe_page, {"series", "t", "value"})[1]
    # The λ = 0 interpolant is badly conditioned: thread counts alone move it by ~0.2 % (ridge rows agree to 1e-7).
    np.testing.assert_allclose(lines[lines["series"] == translate("positions.series.min_norm")]["value"], min_row,
                               rtol=1e-2, atol=1e-4 * np.abs(min_row).max())


def test_pe_only_run_against_the_authors_and_other_mus(pe_page):
    path = REFERENCE / f"pe_eps_mu_{PE_RUN.removeprefix('pe-only-mu')}.npy"
    if not path.exists():
        pytest.skip(f"the authors' arrays are absent ({path})")
    profile = pe_profile(load(PE_RUN).model)
    theirs = np.load(path).astype(np.float64)[28, :29]
    shown = metrics(pe_page)
    assert float(shown[translate("positions.metric.paper_cosine")]) == pytest.approx(cosine(profile, theirs), abs=1e-4)
    # Every PE-only run, in order of μ, with its own cosine fit.
    runs = sorted((c for c in list_checkpoints(ROOT / "checkpoints").runs if c.config.model.kind == "pe_only"),
                  key=lambda c: c.process.mu)
    table = pe_page.dataframe[0].value
    assert list(table[translate("positions.col.run")]) == [c.name for c in runs]
    fits = [fit_cosine(pe_profile(c.model)) for c in runs]
    assert list(table[translate("positions.col.r2")]) == [f"{f.r2:.4f}" for f in fits]
    omegas = table[translate("positions.col.omega")]
    claims = [FINDINGS["positions"].verdict(c).good for c in runs]
    for fit, claimed, omega in zip(fits, claims, omegas, strict=True):  # "—" where none is claimed, never "None"
        assert omega == (f"{fit.omega:.4f}" if claimed else "—")
    assert claims == [False, False, True, None]  # μ = 50, 100, 200, 300: only μ = 200 is a cosine, not a cubic
    assert "None" not in table.to_string() and not table.isna().any().any()
    overlay = datasets(pe_page, {"series", "source", "t", "value"})[0]
    assert set(overlay["series"]) == {f"μ = {c.process.mu:g}" for c in runs}
    pe_page.toggle(key="positions.mu_paper").set_value(True).run()
    no_exception(pe_page)
    overlay = datasets(pe_page, {"series", "source", "t", "value"})[0]
    authors = overlay[(overlay["source"] == translate("positions.source.paper")) & (overlay["series"] == "μ = 100")]
    np.testing.assert_allclose(authors["value"], theirs)


def test_a_row_as_good_as_a_cubic_gets_no_frequency():
    """μ = 300: R² = 1.0000 for the cosine, yet a cubic predicts held-out entries as well — no ω is quoted."""
    at = open_page(PAGE, run="pe-only-mu300")
    no_exception(at)
    assert metrics(at)[translate("positions.metric.omega")] == translate("positions.not_claimed")
    assert_cosine_fit(at, load("pe-only-mu300"))


# ------------------------------------------------------------------------------------------- other run kinds


def test_multihead_run_with_P_has_no_least_squares_section():
    at = open_page(PAGE, run="multihead-diagonal-rotation")
    no_exception(at)
    ckpt = load("multihead-diagonal-rotation")
    assert_pca_and_profile(at, ckpt.model)
    assert_cosine_fit(at, ckpt)
    assert translate("positions.metric.ridge_cosine") not in metrics(at)


def test_embedding_run_verdict_comes_from_the_pca():
    at = open_page(PAGE, run="authors-multihead")
    no_exception(at)
    model = load("authors-multihead").model
    assert_pca_and_profile(at, model)
    rows, _ = positional_rows(model)
    pca = positional_pca(rows, n_components=3)
    angles = np.unwrap(np.arctan2(pca.coordinates[:, 1], pca.coordinates[:, 0]))
    turns = abs(angles[-1] - angles[0]) / (2 * np.pi)
    shown = metrics(at)
    assert shown[translate("positions.metric.turns")] == f"{turns:.2f}"
    assert translate("positions.metric.r2") not in shown  # no P, so no row to fit
    share = f"{100 * pca.explained_variance_ratio[:2].sum():.0f}"
    assert f"({share}%" in boxes(at) or f"（分散の {share}%" in boxes(at)


def test_augmented_run_shows_a_run_with_positions_in_japanese():
    at = open_page(PAGE, run="augmented-commuting", lang="ja")
    no_exception(at)
    assert at.title[0].value == translate("positions.title", "ja") != translate("positions.title", "en")
    runs = list_checkpoints(ROOT / "checkpoints").runs
    nearest = run_for("positions", load("augmented-commuting"), runs)
    assert shown_instead("augmented-commuting", "positions.na.augmented", nearest.name, "positions", "ja") in [
        i.value for i in at.info]
    assert at.get("vega_lite_chart")
    assert translate("positions.metric.r2", "ja") in metrics(at)
    assert_way_back(at, "augmented-commuting", "ja")


# ------------------------------------------------------------------------------------------- branches and flat rows


def test_flat_row_says_flat_instead_of_fitting():
    """The paper's unitary optimum keeps only the newest token: the earlier entries are round-off (~1e-12), so
    nothing is fitted, no PCA is drawn, and the verdict says why."""
    name = "paper-reference-unitary"
    if not (ROOT / "checkpoints" / f"{name}.pt").exists():
        pytest.skip("the paper-reference runs are not built")
    ckpt = load(name)
    view = positional_view(ckpt)
    assert view.flat and view.profile_flat and view.fit is None
    assert np.abs(view.profile).max() < 1e-6 * view.scale
    # Its verdict is the recurrence it computes (only the newest token), not a shape that is not there.
    verdict = positions_verdict(ckpt)
    assert verdict.key == "verdict.positions.newest" and verdict.good
    at = open_page(PAGE, run=name)
    no_exception(at)
    texts = boxes(at)
    assert translate(verdict.key, **verdict.values) in texts
    assert translate("positions.flat", **flat_values(view)) in texts
    assert "Flat — no shape to fit" in texts
    shown = metrics(at)
    assert translate("positions.metric.r2") not in shown and translate("positions.metric.pc", k=1) not in shown
    assert len(at.get("vega_lite_chart")) == 1  # only the heatmap of P itself


def test_is_flat_threshold():
    assert is_flat(np.full(5, 1e-16), 0.8) and is_flat(np.zeros(3), 0.0)
    assert not is_flat(np.array([0.0, 1e-4]), 0.5)


def test_pca_text_says_only_when_the_share_is_low():
    def w(share, circle=True):
        return Winding(turns=1.0, agreement=1.0, max_step=0.2, share=share, circle=circle)
    assert pca_text_key(w(0.46)) == "positions.pca.circle"  # "only 46% of the variance"
    assert pca_text_key(w(0.9)) == "positions.pca.circle_most"
    assert pca_text_key(w(0.9, circle=False)) == "positions.pca.no_circle"
    assert "only" in translate("positions.pca.circle", turns="1", agreement="100", share="46", share3="70")
    assert "only" not in translate("positions.pca.circle_most", turns="1", agreement="100", share="90", share3="95")


def test_least_squares_text_branches_on_the_cosines():
    def ref(ridge_cosine, min_norm_cosine):
        row = np.ones(3)
        return LeastSquaresReference(row, row, row, 1e-3, 0.1, 1e-20, ridge_cosine, 0.01, min_norm_cosine, 5.0)
    assert [k for k, _ in least_squares_text(ref(0.995, 0.05))] == [
        "positions.ls.intro", "positions.ls.ridge", "positions.ls.min_norm"]
    assert [k for k, _ in least_squares_text(ref(0.95, 0.95))] == [
        "positions.ls.intro", "positions.ls.ridge_not", "positions.ls.min_norm_close"]
    assert "behaves like ridge" not in translate("positions.ls.ridge_not", **least_squares_text(ref(0.95, 0.95))[1][1])


def test_pe_page_states_the_least_squares_sentences_it_can_back(pe_page):
    text = " ".join(md.value for md in pe_page.markdown)
    sentences = least_squares_text(least_squares_reference(load(PE_RUN)))
    assert " ".join(translate(key, **values) for key, values in sentences) in text


def test_without_the_authors_rows_the_switch_is_off_and_says_why(monkeypatch, tmp_path):
    """No authors' rows on this machine: their switch is greyed out with a reason, and the table has no empty
    column for them."""
    import icar_core.views.positions as positions
    monkeypatch.setattr(positions, "REFERENCE_DIR", tmp_path)
    at = open_page(PAGE, run=PE_RUN)
    no_exception(at)
    switch = at.toggle(key="positions.mu_paper")
    assert switch.disabled and switch.help == translate("positions.mu.show_paper_absent")
    assert translate("positions.paper.absent", mu="100") in boxes(at)
    assert translate("positions.col.paper_cosine") not in at.dataframe[0].value.columns
    assert all(len(m.label) <= 24 for m in at.metric), [m.label for m in at.metric]
