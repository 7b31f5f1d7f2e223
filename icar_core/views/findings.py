"""Which run shows which finding."""

from __future__ import annotations

from icar_core.checkpoints import Checkpoint

# finding -> the shipped run that demonstrates it when the selected run cannot
DEFAULT_RUNS = {"gd": "augmented-commuting", "heads": "multihead-diagonal-commuting", "positions": "pe-only-mu200"}


def shows(finding: str, ckpt: Checkpoint) -> bool:
    """Whether ``ckpt`` is a kind of run that ``finding`` is measured on."""
    model = ckpt.config.model
    if finding == "gd":
        return model.kind == "augmented"
    if finding == "heads":
        return model.kind == "multihead" and model.n_heads >= 2
    if finding == "positions":
        # Finding 3 is about positional-encoding-only attention; in multi-head runs P mostly keeps the
        # newest tokens and is shown on its page, but it is not what the finding describes.
        return model.kind == "pe_only"
    raise ValueError(f"finding must be one of {', '.join(DEFAULT_RUNS)}; got {finding!r}")


def run_for_finding(finding: str, selected: Checkpoint, runs: list[Checkpoint]) -> Checkpoint | None:
    """The selected run if the finding applies to it, else the shipped run made for it, else any that fits."""
    if shows(finding, selected):
        return selected
    fitting = [r for r in runs if shows(finding, r)]
    return next((r for r in fitting if r.name == DEFAULT_RUNS[finding]), fitting[0] if fitting else None)
