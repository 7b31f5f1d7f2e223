"""Figure 4's corpus test kept on disk (icar_core.token_store): a stored result is the computed one, a broken or
foreign file is computed again, and a cold server starts one background computation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from icar_core import token_ar, token_store
from icar_core.stats import Estimate

ROOT = Path(__file__).resolve().parents[2]


def _window_test(rng: np.random.Generator, window: int) -> token_ar.WindowTest:
    arrays = [rng.random(50) for _ in range(4)]
    return token_ar.WindowTest(window, 12, *arrays, *(Estimate(float(v), v - 0.1, v + 0.1, 50) for v in rng.random(4)))


def _result(seed: int = 0) -> token_ar.TokenARResult:
    rng = np.random.default_rng(seed)
    e = Estimate(0.5, 0.4, 0.6, 50)
    return token_ar.TokenARResult(_window_test(rng, 5), _window_test(rng, 25), e, e, 0.25, e, e, 1234, "holds")


def _same(a: token_ar.TokenARResult, b: token_ar.TokenARResult) -> None:
    for test_a, test_b in ((a.authors, b.authors), (a.overdetermined, b.overdetermined)):
        np.testing.assert_array_equal(test_a.rollout_mse_original, test_b.rollout_mse_original)
        np.testing.assert_array_equal(test_a.residual_shuffled, test_b.residual_shuffled)
        assert (test_a.ratio, test_a.window, test_a.dim) == (test_b.ratio, test_b.window, test_b.dim)
    assert (a.repeat_original, a.inexact_with_repeat, a.n_tokens, a.verdict, a.source) == \
        (b.repeat_original, b.inexact_with_repeat, b.n_tokens, b.verdict, b.source)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("ICAR_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_a_stored_result_reads_back_as_written(store):
    path = store / "entry.npz"
    token_store.write(path, _result())
    _same(token_store.read(path), _result())


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04" + b"\0" * 40])
def test_an_unreadable_entry_is_not_a_result(store, content):
    path = store / "entry.npz"
    path.write_bytes(content)
    assert token_store.read(path) is None


def test_an_entry_with_a_field_of_the_wrong_kind_or_a_pickle_is_not_a_result(store):
    path = store / "entry.npz"
    token_store.write(path, _result())
    with np.load(path) as data:
        arrays = dict(data)
    np.savez(path, **{**arrays, "authors.rollout_mse_original": np.array(["text"])})
    assert token_store.read(path) is None
    np.savez(path, **{**arrays, "authors.residual_original": np.array([object()], dtype=object)})
    assert token_store.read(path) is None  # loading never unpickles


def test_the_test_is_computed_once_then_read_from_the_store(store, monkeypatch):
    calls = []
    monkeypatch.setattr(token_ar, "token_ar_test", lambda: calls.append(1) or _result(1))
    _same(token_store.stored_token_ar_test(), _result(1))
    _same(token_store.stored_token_ar_test(), _result(1))
    assert len(calls) == 1 and token_store.entry_path().exists()


def _warm_once(monkeypatch) -> list:
    """Run the server's one warm-up check now (its thread joined); returns what it started."""
    started = []
    monkeypatch.setattr(token_store, "_checked", [])
    monkeypatch.setattr(token_store.subprocess, "Popen", lambda *args, **kwargs: started.append(args) or object())
    token_store.warm_in_background()
    token_store.warm_in_background()  # a second session of the same server: no second check
    assert len(token_store._checked) == 1
    token_store._checked[0].join(timeout=60)
    return started


def test_a_cold_server_starts_one_background_computation_and_a_warm_one_none(store, monkeypatch):
    started = _warm_once(monkeypatch)
    assert len(started) == 1 and started[0][0][-2:] == ["-m", "icar_core.token_store"]
    token_store.write(token_store.entry_path(), _result())
    assert _warm_once(monkeypatch) == []


def test_the_background_command_stores_the_real_test(store):
    subprocess.run([sys.executable, "-m", "icar_core.token_store"], cwd=ROOT, check=True, timeout=300,
                   env={**os.environ, "ICAR_CACHE_DIR": str(store)})
    stored = token_store.read(token_store.entry_path())
    assert stored is not None and stored.n_tokens == len(token_ar.corpus_token_ids())
    assert len(stored.authors.rollout_mse_original) == token_ar.AUTHORS_WINDOWS
    assert stored.verdict in token_ar.VERDICT_KEYS
    written = token_store.entry_path().stat().st_mtime_ns
    subprocess.run([sys.executable, "-m", "icar_core.token_store"], cwd=ROOT, check=True, timeout=300,
                   env={**os.environ, "ICAR_CACHE_DIR": str(store)})
    assert token_store.entry_path().stat().st_mtime_ns == written  # stored already: read, not computed again
