"""The Stress-test page: AppTest on an augmented run (exact update, interpolation) and a diagonal multi-head run
(Jacobian, no interpolation), one shift chosen through the form, a bad value, and Japanese.

One AppTest per run, reused across its tests (each run of the app costs seconds here)."""

from __future__ import annotations

import pytest

from icar_core.checkpoints import load_checkpoint
from icar_core.i18n import translate
from icar_core.plain_text import markdown_literal
from icar_core.stress import SERIES, Shift, stress_test
from icar_core.views.stress import stress_of
from tests.app.apptest_utils import ROOT, chart_data, no_exception, open_page, open_reproduce, run_id

PAGE = "app_pages/stress_test.py"


def load(name: str):
    return load_checkpoint(ROOT / "checkpoints" / f"{name}.pt")


def texts(at) -> str:
    return " ".join(e.value for kind in ("success", "warning", "info", "error", "caption", "markdown")
                    for e in getattr(at, kind))


def curve_frame(at):
    """The stress curves' long-form data (the dataset with one row per series and n)."""
    for datasets in chart_data(at):
        for frame in datasets:
            if {"n", "error", "low", "high", "series"} <= set(frame.columns):
                return frame
    raise AssertionError("no stress-curve dataset on the page")


def widget_key(prefix: str, run: str) -> str:
    """The key of a control of ``run`` (keys carry the start of the run's id, so each run keeps its own)."""
    return f"{prefix}{run_id(run)[:12]}"


@pytest.fixture(scope="module")
def augmented_page():
    return open_page(PAGE, run="augmented-commuting")


@pytest.fixture(scope="module")
def multihead_page():
    return open_page(PAGE, run="multihead-diagonal-rotation")


def test_augmented_run_shows_all_three_sections(augmented_page):
    at = augmented_page
    no_exception(at)
    ckpt = load("augmented-commuting")
    result = stress_of(ckpt, Shift(noise=0.0, mu=1.0, w_dist="commuting", s0_scale=1.0))
    assert at.title[0].value == translate("stress.title", "en")
    verdict = at.success[0].value
    assert "augmented-commuting" in verdict and f"{result.contexts:,} contexts" in verdict
    assert result.verdict.key == "stress.verdict.holds"
    frame = curve_frame(at)
    labels = [translate(f"stress.series.{name}", "en") for name in SERIES]
    assert set(frame["series"]) == set(labels)
    model = frame[frame["series"] == labels[0]].sort_values("n")
    assert model["error"].to_numpy() == pytest.approx(result.curves["model"].to_numpy(), rel=1e-9)
    assert (model["low"] <= model["error"]).all() and (model["error"] <= model["high"]).all()
    assert len(at.get("vega_lite_chart")) == 4  # curves, ratio, spectrum, interpolation
    shown = texts(at)
    assert translate("stress.note.own", "en") in shown and "n = 1,024 contexts" in shown
    assert "finds W's angles" in shown and "underestimates their size" in shown
    assert translate("interp.heading", "en") in [h.value for h in at.subheader]


def test_multihead_run_says_why_there_is_no_interpolation(multihead_page):
    at = multihead_page
    no_exception(at)
    shown = texts(at)
    assert translate("interp.na", "en", run="multihead-diagonal-rotation") in shown
    assert translate("spectrum.verdict.jacobian", "en") in shown
    assert len(at.get("vega_lite_chart")) == 3
    assert set(curve_frame(at)["series"]) == {translate(f"stress.series.{name}", "en") for name in SERIES}


def test_haar_shift_breaks_the_commuting_run(augmented_page):
    """Choosing Haar W in the form and running the test: the page shows the verdict the analysis computes."""
    at = augmented_page
    at.radio(key=widget_key("stress-family-", "augmented-commuting")).set_value("orthogonal")
    at.button[0].click().run()
    no_exception(at)
    expected = stress_test(load("augmented-commuting").model, load("augmented-commuting").process,
                           Shift(noise=0.0, w_dist="orthogonal", s0_scale=1.0))
    assert expected.verdict.key == "stress.verdict.breaks"
    assert at.warning[0].value.startswith(translate("stress.verdict_for", "en", run="augmented-commuting", text=""))
    assert f"n = {expected.verdict.values['worse']}" in at.warning[0].value
    assert translate("stress.note.no_mu", "en") in texts(at)
    model = curve_frame(at).query(f"series == {translate('stress.series.model', 'en')!r}").sort_values("n")
    assert model["error"].to_numpy() == pytest.approx(expected.curves["model"].to_numpy(), rel=1e-9)


def test_japanese_page(multihead_page):
    at = multihead_page
    at.session_state["lang"] = "ja"
    at.run()
    no_exception(at)
    assert at.title[0].value == translate("stress.title", "ja")
    assert translate("interp.na", "ja", run="multihead-diagonal-rotation") in texts(at)
    family = at.radio(key=widget_key("stress-family-", "multihead-diagonal-rotation"))
    assert family.options == [translate(f"stress.family.{f}", "ja") for f in ("commuting", "orthogonal")]


def test_a_bad_value_gets_a_sentence_and_nothing_is_computed(monkeypatch):
    """The controls' bounds keep bad values out; were one to get through (here: the bound widened behind the
    page's back), the shift refuses it with a sentence naming the value and the range, and no chart is drawn."""
    import icar_core.views.stress as view

    monkeypatch.setitem(view.CONTROL_BOUNDS, "s0_scale", (0.01, 100.0))
    at = open_page(PAGE, run="augmented-commuting")
    at.number_input(key=widget_key("stress-scale-", "augmented-commuting")).set_value(50.0)
    at.button[0].click().run()
    no_exception(at)
    with pytest.raises(ValueError) as refused:
        Shift(s0_scale=50.0)
    assert "scale of s_0" in str(refused.value) and "50" in str(refused.value) and "<= 10" in str(refused.value)
    assert [e.value for e in at.error] == [translate("stress.bad_shift", "en", reason=markdown_literal(refused.value))]
    assert not at.get("vega_lite_chart")


def test_reproduce_snippet_recomputes_the_verdicts_shown(multihead_page, monkeypatch):
    """The page's "reproduce in Python" lines, executed in a fresh namespace, give the verdicts the page shows."""
    from icar_core.i18n import verdict_text

    code = open_reproduce(multihead_page).code[0].value
    assert "multihead-diagonal-rotation.pt" in code
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(compile(code, "<snippet>", "exec"), namespace)  # the page's own generated code
    shown, lang = texts(multihead_page), multihead_page.session_state["lang"]  # an earlier test may switch it
    for name in ("result", "spectrum"):
        assert verdict_text(namespace[name].verdict, lang) in shown, name
