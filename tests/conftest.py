"""Shared test fixtures."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

# Every chart a test draws, in AppTest or in a test's server, is validated against the Vega-Lite schema (the
# dashboard itself skips that: icar_core.ui.STRICT_CHARTS). Set before any test imports icar_core.ui.
os.environ["ICAR_STRICT_CHARTS"] = "1"


@pytest.fixture(scope="module")
def single_thread():
    """Run torch on one thread: the tests' tensors are tiny, and on a busy 2-core machine OpenMP's
    thread hand-offs make each small op ~50x slower than doing it inline."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@contextlib.contextmanager
def _environment(name: str, value: str) -> Iterator[None]:
    """``os.environ[name] = value`` for the block, the previous value (or its absence) restored after it."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


@pytest.fixture(scope="session", autouse=True)
def user_run_dir(tmp_path_factory):
    """Lab runs that tests start land in a temporary folder, never in the checkout's user_runs/ (and a
    developer's own Lab runs there do not change what the tests list)."""
    from icar_core.checkpoints import USER_RUN_ENV

    folder = tmp_path_factory.mktemp("user_runs")
    with _environment(USER_RUN_ENV, str(folder)):
        yield Path(folder)


@pytest.fixture(scope="session", autouse=True)
def verdict_store(tmp_path_factory):
    """Verdicts stored by the dashboard go to a fresh folder for the whole test session (and to the servers the
    browser tests start, which inherit the environment), not to the checkout's .cache/."""
    folder = tmp_path_factory.mktemp("verdicts")
    with _environment("ICAR_CACHE_DIR", str(folder)):
        yield folder


# scripts/test.sh runs pytest-xdist workers that take one group at a time (--dist loadgroup): a test file, or all the
# real-browser tests together — each drives a server and a Chromium, so two at once time each other out on two cores.
# The longest groups (the browser tests, Ray's) are collected first, so that no worker is left with a long one while
# the other has run out of work.
SLOW_FIRST = ("e2e", "test_sweep.py")


def pytest_collection_modifyitems(items):
    for item in items:
        path = Path(str(item.path))
        item.add_marker(pytest.mark.xdist_group("browser" if path.parent.name == "e2e" else path.name))
    items.sort(key=lambda item: not any(part in SLOW_FIRST for part in Path(str(item.path)).parts))
