"""icar_core.verdict_store: verdicts kept on disk are the verdicts computed, and nothing else is ever read back."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from icar_core import verdict_store
from icar_core.checkpoints import load_checkpoint
from icar_core.findings import FINDINGS, verdict

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("ICAR_CACHE_DIR", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(("finding_id", "run"), [("heads", "multihead-diagonal-rotation"),
                                                 ("positions", "multihead-diagonal-rotation"),
                                                 ("gd", "augmented-commuting")])
def test_a_stored_verdict_is_the_computed_one(store, finding_id, run):
    ckpt = load_checkpoint(ROOT / "checkpoints" / f"{run}.pt")
    fresh = verdict(ckpt, finding_id)
    assert verdict_store.stored_verdict(ckpt, finding_id) == fresh  # computed and written
    assert len(list(store.glob("*.json"))) == 1
    assert verdict_store.stored_verdict(ckpt, finding_id) == fresh  # read back


def test_the_store_is_read_not_recomputed(store, monkeypatch):
    ckpt = load_checkpoint(ROOT / "checkpoints" / "multihead-diagonal-rotation.pt")
    first = verdict_store.stored_verdict(ckpt, "heads")

    def fail(*_):
        raise AssertionError("recomputed")

    monkeypatch.setattr(verdict_store, "verdict", fail)
    assert verdict_store.stored_verdict(ckpt, "heads") == first


def test_key_changes_with_file_threshold_and_code(monkeypatch):
    ckpt = load_checkpoint(ROOT / "checkpoints" / "multihead-diagonal-rotation.pt")
    key = verdict_store.entry_key(ckpt, "heads")
    other = load_checkpoint(ROOT / "checkpoints" / "multihead-diagonal-commuting.pt")
    assert verdict_store.entry_key(other, "heads") != key
    assert verdict_store.entry_key(ckpt, "positions") != key
    heads = FINDINGS["heads"]
    monkeypatch.setattr(heads, "thresholds", replace(heads.thresholds, orthogonal_fraction=0.123))
    assert verdict_store.entry_key(ckpt, "heads") != key
    monkeypatch.undo()
    monkeypatch.setattr(verdict_store, "code_fingerprint", lambda: "another version")
    assert verdict_store.entry_key(ckpt, "heads") != key


@pytest.mark.parametrize("content", ["not json", "[]", json.dumps({"key": 1, "values": {}, "good": None, "extra": []}),
                                     json.dumps({"key": "k", "values": {"x": [1]}, "good": None, "extra": []}),
                                     json.dumps({"key": "k", "values": {}, "good": "yes", "extra": []}),
                                     json.dumps({"key": "k", "values": {}, "good": None, "extra": [["k"]]})])
def test_a_malformed_entry_is_recomputed_and_replaced(store, content):
    ckpt = load_checkpoint(ROOT / "checkpoints" / "multihead-diagonal-rotation.pt")
    path = store / f"{verdict_store.entry_key(ckpt, 'heads')}.json"
    path.write_text(content)
    assert verdict_store.stored_verdict(ckpt, "heads") == verdict(ckpt, "heads")
    assert verdict_store.from_json(json.loads(path.read_text())) == verdict(ckpt, "heads")


def test_uploaded_runs_are_not_written(store):
    ckpt = load_checkpoint(ROOT / "checkpoints" / "multihead-diagonal-rotation.pt")
    ckpt.path = None  # what an upload looks like
    verdict_store.stored_verdict(ckpt, "heads")
    assert not list(store.iterdir())


def test_an_unwritable_store_still_answers(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("ICAR_CACHE_DIR", str(blocker / "below-a-file"))
    ckpt = load_checkpoint(ROOT / "checkpoints" / "multihead-diagonal-rotation.pt")
    assert verdict_store.stored_verdict(ckpt, "heads") == verdict(ckpt, "heads")
