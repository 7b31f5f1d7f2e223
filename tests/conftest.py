"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

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


@pytest.fixture(scope="session", autouse=True)
def user_run_dir(tmp_path_factory):
    """Lab runs that tests start land in a temporary folder, never in the checkout's user_runs/ (and a
    developer's own Lab runs there do not change what the tests list)."""
    from icar_core.checkpoints import USER_RUN_ENV

    before = os.environ.get(USER_RUN_ENV)
    os.environ[USER_RUN_ENV] = str(tmp_path_factory.mktemp("user_runs"))
    yield Path(os.environ[USER_RUN_ENV])
    if before is None:
        os.environ.pop(USER_RUN_ENV, None)
    else:
        os.environ[USER_RUN_ENV] = before
