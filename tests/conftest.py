"""Shared test fixtures."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture(scope="module")
def single_thread():
    """Run torch on one thread: the tests' tensors are tiny, and on a busy 2-core machine OpenMP's
    thread hand-offs make each small op ~50x slower than doing it inline."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(autouse=True, scope="session")
def verdict_store(tmp_path_factory):
    """Verdicts stored by the dashboard go to a fresh folder for the whole test session (and to the servers the
    browser tests start, which inherit the environment), not to the checkout's .cache/."""
    import os

    folder = tmp_path_factory.mktemp("verdicts")
    before = os.environ.get("ICAR_CACHE_DIR")
    os.environ["ICAR_CACHE_DIR"] = str(folder)
    yield folder
    if before is None:
        os.environ.pop("ICAR_CACHE_DIR", None)
    else:
        os.environ["ICAR_CACHE_DIR"] = before
