"""icar: how a one-layer transformer learns a rule from its context (Sander et al., ICML 2024).

``icar_core.load_checkpoint`` and its companions are the checkpoints module's, imported on first use: the
dashboard's server imports :mod:`icar_core.warmup` as it starts and must not wait for torch there (the warm-up
imports it in a thread).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Checkpoint", "CheckpointError", "list_checkpoints", "load_checkpoint"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("icar_core.checkpoints"), name)
    raise AttributeError(f"module 'icar_core' has no attribute {name!r}")
