"""The paper-reference page and icar_core.views.paper: icar's reproduction of the paper's Figure 3 against
the authors' arrays (read from ../shared/reference at run time)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from apptest_utils import ROOT, chart_data, no_exception, open_page

from icar_core.checkpoints import load_checkpoint
from icar_core.i18n import translate
from icar_core.theory import PAPER_CASES, paper_objective
from icar_core.views import paper as pv

PAGE = "app_pages/paper_reference.py"
HAVE_REFERENCE = pv.reference_available()
RUN_FILES = {case: ROOT / "checkpoints" / f"{name}.pt" for case, name in pv.RUN_NAMES.items()}
HAVE_RUNS = all(path.is_file() for path in RUN_FILES.values())
needs_reference = pytest.mark.skipif(not HAVE_REFERENCE, reason="../shared/reference/paper_tensors is not here")
needs_runs = pytest.mark.skipif(not HAVE_RUNS, reason="the paper-reference checkpoints are not built")


@pytest.fixture(scope="module")
def runs():
    return {case: load_checkpoint(path) for case, path in RUN_FILES.items() if path.is_file()}


@pytest.fixture(scope="module")
def page():
    """The page in English with a run it is about selected (or any diagonal run if those are missing)."""
    return open_page(PAGE, run=pv.RUN_NAMES["unitary"] if HAVE_RUNS else "multihead-diagonal-commuting")


def expected_metrics(runs, lang: str = "en") -> list[tuple[str, str]]:
    """The (label, value) of every metric the page should show, from views.paper alone."""
    def tr(key, **values):
        return translate(key, lang, **values)

    shown = []
    for case in PAPER_CASES:
        rep = pv.reproduction(runs[case], case) if case in runs else None
        ours = rep.ours if rep else None
        theirs = rep.theirs if rep else pv.authors_summary(case)
        main = ours or theirs
        if main is None:
            continue
        shape = tr(f"paper.shape.{main.structure}")
        number = pv.format_number
        for name, key, fmt in (("c", "paper.metric.c", number), ("p_last", "paper.metric.p_last", number),
                               ("p_prev", "paper.metric.p_prev", number),
                               ("gain_last", "paper.metric.gain_last", number),
                               ("gain_prev", "paper.metric.gain_prev", number),
                               ("loss", "paper.metric.loss", pv.format_loss),
                               ("head_overlap", "paper.metric.head_overlap", number)):
            mine = None if ours is None else fmt(getattr(ours, name))
            other = None if theirs is None else fmt(getattr(theirs, name))
            if mine is None:
                value, delta = other, tr("paper.delta.only_authors")
            else:
                value, delta = mine, "" if other is None else tr("paper.delta.authors", theirs=other)
            shown.append((tr(key, shape=shape), value, delta))
    return shown


def shown_metrics(at) -> list[tuple[str, str, str]]:
    """(label, value, the grey comparison under it) of every metric on the page."""
    return [(m.label, m.value, m.proto.delta) for m in at.metric]


# ---------------------------------------------------------------- views.paper on the authors' arrays


@needs_reference
def test_authors_arrays_show_the_papers_structure():
    unitary, orthogonal = pv.authors_summary("unitary"), pv.authors_summary("orthogonal")
    assert unitary.structure == "scaled_identity" and unitary.c == pytest.approx(-1.2018, abs=1e-3)
    assert unitary.gain_last == pytest.approx(1.0, abs=1e-6) and abs(unitary.p_prev) < 1e-6
    assert orthogonal.structure == "rotation_blocks" and orthogonal.c == pytest.approx(-1.289, abs=1e-3)
    assert orthogonal.gain_last == pytest.approx(1.0, abs=1e-3)
    assert orthogonal.gain_prev == pytest.approx(-0.5, abs=1e-3)
    assert unitary.loss < 1e-10 and orthogonal.loss < 1e-5
    assert unitary.head_overlap < 0.05 < orthogonal.head_overlap  # the DESIGN's 0.017 and 0.25
    assert unitary.P_used.shape == (19, 20) and pv.used_mask(20).sum() == sum(t + 2 for t in range(19))


@needs_reference
def test_sign_flip_changes_no_invariant():
    params = pv.authors_params("orthogonal")
    a, b = pv.summarise(params, "orthogonal"), pv.summarise(pv.flipped(params), "orthogonal")
    assert b.c == pytest.approx(-a.c) and b.p_last == pytest.approx(-a.p_last)
    assert (b.gain_last, b.gain_prev, b.loss) == pytest.approx((a.gain_last, a.gain_prev, a.loss))


def test_missing_reference_folder_gives_none(tmp_path):
    assert not pv.reference_available(tmp_path)
    assert pv.authors_params("unitary", tmp_path) is None and pv.authors_summary("orthogonal", str(tmp_path)) is None
    assert pv.reference_run("unitary", []) is None
    text, good = pv.page_verdict({case: None for case in PAPER_CASES}, lambda key, **v: translate(key, "en", **v))
    assert text == translate("paper.verdict.no_runs", "en") and good is None


@needs_runs
def test_run_params_are_the_papers_parameters(runs):
    """The checkpoint's model, converted back (scale and P convention), is what the optimiser produced."""
    for case, ckpt in runs.items():
        params = pv.run_params(ckpt)
        state = ckpt.train_state
        np.testing.assert_allclose(params.A, state["paper_A"].numpy(), atol=1e-12)
        np.testing.assert_allclose(params.B, state["paper_B"].numpy(), atol=1e-12)
        used = pv.used_mask(20)
        np.testing.assert_allclose(params.P[:19][used], state["paper_P"].numpy()[:19][used], atol=1e-12)
        objective = paper_objective(case, *(torch.as_tensor(x) for x in (params.A, params.B, params.P)))
        assert float(objective) == pytest.approx(state["paper_objective"], abs=1e-12)


@needs_runs
@needs_reference
def test_reproduction_agrees_with_the_authors(runs):
    for case, ckpt in runs.items():
        rep = pv.reproduction(ckpt, case)
        assert rep.agrees and rep.structure_ok, case
        assert np.sign(rep.ours.c) == np.sign(rep.theirs.c)


# ---------------------------------------------------------------- the page


def test_page_numbers_match_the_views(page, runs):
    no_exception(page)
    assert page.title[0].value == translate("paper.title", "en")
    assert shown_metrics(page) == expected_metrics(runs)
    assert all(len(m.label) <= 24 for m in page.metric), [m.label for m in page.metric]
    reps = {case: pv.reproduction(runs[case], case) if case in runs else None for case in PAPER_CASES}
    verdict, good = pv.page_verdict(reps, lambda key, **v: translate(key, "en", **v))
    boxes = page.success if good else page.warning if good is False else page.info
    assert verdict in [box.value for box in boxes]


@needs_runs
def test_page_charts_plot_the_views_arrays(page, runs):
    charts = chart_data(page)
    assert len(charts) == 8  # per case: C, P, the heads' vectors, loss
    for k, case in enumerate(PAPER_CASES):
        rep = pv.reproduction(runs[case], case)
        panels = [rep.ours] + ([rep.theirs] if rep.theirs is not None else [])
        circuit, positional, heads, loss = charts[4 * k: 4 * k + 4]
        for frames, matrices in ((circuit, [s.C for s in panels]),
                                 (positional, [s.P_used[s.used] for s in panels]),
                                 (heads, [m for s in panels for m in (s.A, s.B)])):
            got = sorted(tuple(np.round(f.sort_values(["i", "j"])["value"].to_numpy(), 10)) for f in frames)
            want = sorted(tuple(np.round(np.ravel(m), 10)) for m in matrices)
            assert got == want, case
        expected = pv.loss_frame(runs[case], translate("paper.series.icar", "en"),
                                 None if rep.theirs is None else rep.theirs.loss,
                                 translate("paper.series.authors", "en"))
        np.testing.assert_allclose(loss[0]["y"].to_numpy(), expected["y"].to_numpy())


def test_page_in_japanese_with_a_run_it_does_not_describe(runs):
    """The page is about the paper-reference runs whatever is selected; Japanese changes every label."""
    at = open_page(PAGE, run="augmented-commuting", lang="ja")
    no_exception(at)
    assert at.title[0].value == translate("paper.title", "ja") != translate("paper.title", "en")
    assert shown_metrics(at) == expected_metrics(runs, "ja")
    assert all(len(m.label) <= 24 for m in at.metric), [m.label for m in at.metric]
    verdict = [*at.success, *at.warning, *at.info][0].value
    assert "; " not in verdict  # the cases are joined the Japanese way


def test_page_without_reference_data_or_runs(monkeypatch, tmp_path):
    """No shared/ folder: a sentence says so; no runs either: a sentence per case, and no chart at all."""
    monkeypatch.setattr(pv, "TENSORS_DIR", tmp_path / "missing")
    at = open_page(PAGE)
    no_exception(at)
    # One sentence (the verdict) says the authors' arrays are missing; no folder path on screen.
    boxes = [box.value for box in [*at.success, *at.warning, *at.info]]
    assert len(boxes) == 1 and boxes[0].startswith("The authors' arrays are not available here")
    assert str(tmp_path) not in " ".join(boxes + [c.value for c in at.caption] + [md.value for md in at.markdown])
    assert at.metric and not any(m.proto.delta for m in at.metric)
    monkeypatch.setattr(pv, "reference_run", lambda case, runs: None)
    at = open_page(PAGE)
    no_exception(at)
    assert not chart_data(at) and not at.metric
    assert translate("paper.verdict.nothing", "en") in [box.value for box in at.info]
