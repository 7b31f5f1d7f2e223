"""The app shell: home page numbers, the language switch and its strings, uploads, broken files."""

from __future__ import annotations

import re
import shutil
import string

import pytest
from streamlit.testing.v1 import AppTest

from icar_core import ui
from icar_core.checkpoints import USER_RUN_ENV, load_checkpoint
from icar_core.findings import FINDINGS
from icar_core.i18n import LANGUAGES, missing_translations, translate, verdict_text
from icar_core.locales import STRINGS
from icar_core.views.context import example_context
from tests.app.apptest_utils import APP, ROOT, TIMEOUT, chart_data, no_exception, open_page

CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_string_exists_in_both_languages_with_the_same_placeholders():
    assert missing_translations() == []
    for key, texts in STRINGS.items():
        assert set(texts) == set(LANGUAGES), key
        assert _fields(texts["en"]) == _fields(texts["ja"]), key


def test_japanese_strings_are_japanese():
    # Every Japanese string has Japanese script, except formulas and names (no English word in them).
    def english_words(text: str) -> list[str]:
        return [w for w in re.findall(r"[a-z]{4,}", re.sub(r"\{[^}]*\}", "", text)) if w != "icar"]

    untranslated = [k for k, v in STRINGS.items() if not CJK.search(v["ja"]) and english_words(v["ja"])]
    assert untranslated == []
    same = [k for k, v in STRINGS.items() if v["ja"] == v["en"]]
    assert len(same) < 0.1 * len(STRINGS), same


def test_translate_rejects_unknown_language():
    with pytest.raises(ValueError, match="lang must be one of en, ja"):
        translate("nav.home", "fr")


@pytest.mark.parametrize("run", ["augmented-commuting", "multihead-diagonal-commuting", "pe-only-mu200"])
def test_home_shows_the_verdicts_and_the_picture_of_the_selected_run(run):
    at = open_page(None, run=run)
    no_exception(at)
    ckpt = load_checkpoint(ROOT / "checkpoints" / f"{run}.pt")
    # the three finding cards: each verdict is the one computed for the run that shows it
    shown = [box.value for box in [*at.success, *at.warning]]
    for finding in FINDINGS.values():
        verdict_run = ckpt if finding.applies(ckpt.model) else load_checkpoint(
            ROOT / "checkpoints" / f"{finding.default_run}.pt")
        assert verdict_text(finding.verdict(verdict_run), "en") in shown
    # the picture plots this run's context and prediction
    example = example_context(ckpt, 0)
    frames = chart_data(at)[0]
    points = next(f for f in frames if "series" in f and len(f) == 2)
    assert points["x"].tolist() == pytest.approx([example.truth[0], example.prediction[0]])


def test_language_switch_changes_the_text():
    english, japanese = open_page(None), open_page(None, lang="ja")
    no_exception(japanese)
    assert english.title[0].value == translate("home.title", "en")
    assert japanese.title[0].value == translate("home.title", "ja")
    assert CJK.search(japanese.markdown[0].value)


def _upload_box_app() -> None:
    # AppTest keeps the router's sidebar only in the first run, so the upload box is tested on its own.
    from icar_core import ui

    ui.upload_box()


def test_bad_upload_is_refused_with_a_sentence_and_the_app_goes_on():
    at = AppTest.from_function(_upload_box_app, default_timeout=TIMEOUT).run()
    at.file_uploader[0].upload("broken.pt", b"this is not a checkpoint", "application/octet-stream").run()
    no_exception(at)
    assert at.error[0].value == translate(
        "sidebar.upload_failed", "en",
        reason="broken.pt: not a checkpoint file: it could not be read as saved tensors (expected a .pt file "
               "written by icar)")
    assert "uploaded_runs" not in at.session_state  # nothing was added


def test_good_upload_becomes_the_selected_run():
    at = AppTest.from_function(_upload_box_app, default_timeout=TIMEOUT).run()
    data = (ROOT / "checkpoints" / "augmented-orthogonal.pt").read_bytes()
    at.file_uploader[0].upload("mine.pt", data, "application/octet-stream").run()
    no_exception(at)
    assert at.success[0].value == translate("sidebar.upload_ok", "en", name="augmented-orthogonal")
    assert at.session_state["run_id"] == f"upload:{load_checkpoint(data).source_id}"  # not the shipped copy
    # the whole app then shows the uploaded run
    app = AppTest.from_file(APP, default_timeout=TIMEOUT)
    app.session_state["uploaded_runs"] = dict(at.session_state["uploaded_runs"])
    app.session_state["run_id"] = at.session_state["run_id"]
    app.run()
    no_exception(app)
    assert "augmented-orthogonal" in app.caption[0].value


def test_broken_file_in_the_folder_is_listed_with_its_reason(tmp_path, monkeypatch):
    for name in ("augmented-commuting", "pe-only-mu200"):
        shutil.copy(ROOT / "checkpoints" / f"{name}.pt", tmp_path)
    (tmp_path / "half.pt").write_bytes((ROOT / "checkpoints" / "augmented-orthogonal.pt").read_bytes()[:3000])
    monkeypatch.setattr(ui, "CHECKPOINT_DIR", tmp_path)
    # No user runs either: another test of this worker may have left a partial Lab run in the session's folder.
    monkeypatch.setenv(USER_RUN_ENV, str(tmp_path / "user_runs"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    no_exception(at)
    expander = at.sidebar.expander[0]
    assert expander.label == translate("sidebar.failed_title", "en", count=1)
    assert "half.pt: the file is truncated or corrupt" in expander.caption[0].value
    assert len(at.sidebar.selectbox(key="run_id").options) == 2  # the good runs are still offered
