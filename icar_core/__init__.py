"""icar: how a one-layer transformer learns a rule from its context (Sander et al., ICML 2024)."""

from icar_core.checkpoints import Checkpoint, CheckpointError, list_checkpoints, load_checkpoint

__all__ = ["Checkpoint", "CheckpointError", "list_checkpoints", "load_checkpoint"]
