"""The "reproduce in Python" snippets: the few lines of ``icar_core`` calls that recompute what a page shows,
generated from the page's actual arguments (the run's file, its snapshot, the seed, n, ...)."""

from __future__ import annotations

from pathlib import Path

from icar_core.checkpoints import Checkpoint

ROOT = Path(__file__).resolve().parents[2]


def run_file(ckpt: Checkpoint) -> str:
    """The run's file as a notebook started in the repository root opens it (an upload: its own name)."""
    if ckpt.path is None:
        return ckpt.name if ckpt.name.endswith(".pt") else f"{ckpt.name}.pt"
    path = Path(ckpt.path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def snippet(ckpt: Checkpoint, imports: list[str], body: list[str]) -> str:
    """``imports``, the lines that load the run (at its snapshot), then ``body`` (which reads ``run``)."""
    load = [f"run = load_checkpoint({run_file(ckpt)!r})" + ("  # the file you opened" if ckpt.path is None else "")]
    if ckpt.snapshot is not None:
        load.append(f"run = run.at_snapshot({ckpt.snapshot})  # the weights at training step {ckpt.snapshot_steps[-1]}")
    lines = ["from icar_core.checkpoints import load_checkpoint", *imports, "", *load, *body]
    return "\n".join(lines) + "\n"
