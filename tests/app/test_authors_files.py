"""Files written by the paper authors' own scripts (plain state_dicts) open in the dashboard: through the upload
box and from the checkpoint folder, with the GD comparison computed; a state_dict of another model is refused
with a sentence naming its keys. The files come from one epoch of an independent re-implementation of their
training loop (tests/authors_reference.py), made here, never committed."""

from __future__ import annotations

import io

import pytest
import torch
from apptest_utils import APP, TIMEOUT, no_exception
from streamlit.testing.v1 import AppTest

from icar_core import ui
from icar_core.checkpoints import load_checkpoint
from icar_core.data import ARProcess
from icar_core.i18n import translate
from icar_core.plain_text import markdown_literal
from tests.authors_reference import RefTransformer, train_one_epoch

D, T = 3, 12
PROCESS = ARProcess(d=D, T=T, w_dist="orthogonal", s0="ones")
# The name their augmented.py gives the file; icar reads d, n and the embedding extension from it.
NAME = f"model_dim_in_{D}_n_{T}_embed_extension_1_num_layers_1_lr_0.01_num_epochs_1_batch_size_64.pt"
GD_PAGE = "app_pages/model_vs_gd.py"


@pytest.fixture(scope="module")
def authors_file() -> bytes:
    torch.manual_seed(1)
    model = RefTransformer(D, augmented=True, heads=1, extension=2)
    train_one_epoch(model, PROCESS.sample(256, seed=11)[0], augmented=True, batch_size=64)
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)  # what their train() writes
    return buffer.getvalue()


def _upload_box_app() -> None:
    from icar_core import ui

    ui.upload_box()


def _gd_page_with(session: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in session.items():
        at.session_state[key] = value
    at.run()
    at.switch_page(GD_PAGE).run()
    no_exception(at)
    return at


def _assert_gd_comparison_of(at: AppTest, name: str) -> None:
    verdicts = [box.value for box in (*at.success, *at.warning, *at.info)]
    # the verdict is about this run, not a stand-in
    assert any(markdown_literal(name) in text for text in verdicts), verdicts
    assert any(translate("verdict.gd.linearised", "en") in text for text in verdicts)  # labelled linearisation
    assert len(at.metric) >= 10 and len(at.get("vega_lite_chart")) >= 3


def test_an_authors_file_uploaded_opens_with_its_gd_comparison(authors_file):
    box = AppTest.from_function(_upload_box_app, default_timeout=TIMEOUT).run()
    box.file_uploader[0].upload(NAME, authors_file, "application/octet-stream").run()
    no_exception(box)
    name = NAME[:-3]
    assert box.success[0].value == translate("sidebar.upload_ok", "en", name=markdown_literal(name))
    at = _gd_page_with({"uploaded_runs": dict(box.session_state["uploaded_runs"]),
                        "run_id": box.session_state["run_id"]})
    _assert_gd_comparison_of(at, name)


def test_an_authors_file_in_the_checkpoint_folder_is_a_run(authors_file, tmp_path, monkeypatch):
    (tmp_path / NAME).write_bytes(authors_file)
    monkeypatch.setattr(ui, "CHECKPOINT_DIR", tmp_path)
    ckpt = load_checkpoint(tmp_path / NAME)
    at = _gd_page_with({"run_id": ckpt.source_id})
    _assert_gd_comparison_of(at, NAME[:-3])


def test_a_state_dict_of_another_model_gets_a_sentence_naming_its_keys():
    buffer = io.BytesIO()
    torch.save({"encoder.weight": torch.zeros(3, 3), "fc_out.weight": torch.zeros(3, 9)}, buffer)
    box = AppTest.from_function(_upload_box_app, default_timeout=TIMEOUT).run()
    box.file_uploader[0].upload("theirs.pt", buffer.getvalue(), "application/octet-stream").run()
    no_exception(box)
    message = box.error[0].value
    assert "theirs.pt" in message and "encoder.weight" in message
    assert "uploaded_runs" not in box.session_state
