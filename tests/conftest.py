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
