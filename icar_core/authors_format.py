"""Open a model saved by the paper authors' scripts (``augmented.py``, ``non_augmented.py``) as an icar run.

Their ``train()`` ends with ``torch.save(model.state_dict(), 'results/model_<settings>.pt')``: a bare
state_dict, no configuration. The architecture and its sizes are read from the keys and shapes:

- E (embedding width) = the length of ``…norm1.weight``; H = rows of ``…queries.weight`` / E;
- the output map ``fc_out`` has E outputs in ``augmented.py`` (its ``dim_in = 3d``) and d outputs in
  ``non_augmented.py``. So ``out == E`` with E divisible by 3 is read as augmented (d = E/3), anything
  else as the multihead model (d = out). The one case the shapes cannot separate — a non-augmented file
  with ``embed_extension = 1`` and E divisible by 3 — can be forced with ``architecture=``.

The data distribution is the authors' default (Haar W, ``s_0 = ones/√d``, n = 50, batch 1024,
Adam 1e-2), with n, lr, batch size and epochs taken from the file name when it follows their
pattern. The file holds no training history, so the run's history is empty.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import torch

from icar_core.authors_models import AUGMENTED_BLOCKS, AUGMENTED_KIND, MULTIHEAD_KIND
from icar_core.checkpoints import MAX_PARAMETERS, Checkpoint, CheckpointError, analysis_contexts
from icar_core.config import TrainConfig
from icar_core.data import ARProcess
from icar_core.models import ModelConfig, build_model, parameter_count

FORMAT = "authors-state-dict"
AUTHORS_TRAIN_SET = 2**14
AUTHORS_DEFAULTS = {"n": 50, "lr": 1e-2, "batch_size": 1024, "num_epochs": 200}
_LAYER = "decoder.layers.0."
# Their key -> icar's parameter name (authors_models._AuthorsAttention and subclasses).
_RENAMES = {
    "fc_out.weight": "head.weight", "fc_out.bias": "head.bias",
    _LAYER + "attention.queries.weight": "query.weight", _LAYER + "attention.queries.bias": "query.bias",
    _LAYER + "attention.keys.weight": "key.weight", _LAYER + "attention.keys.bias": "key.bias",
    _LAYER + "attention.values.weight": "value.weight", _LAYER + "attention.values.bias": "value.bias",
    _LAYER + "attention.fc_out.weight": "attn_out.weight", _LAYER + "attention.fc_out.bias": "attn_out.bias",
    _LAYER + "norm1.weight": "norm.weight", _LAYER + "norm1.bias": "norm.bias",
}
_POSITIONS = "decoder.position_embedding.weight"
# Modules their classes create but whose forward never uses (norm2, the feed-forward block); the
# augmented model never uses its positional embeddings either.
_UNUSED = {_LAYER + f"{m}.{p}" for m in ("norm2", "feed_forward.0", "feed_forward.2") for p in ("weight", "bias")}
_NAME_PATTERN = re.compile(r"_n_(?P<n>\d+)_.*_lr_(?P<lr>[0-9.e-]+)_num_epochs_(?P<num_epochs>\d+)"
                           r"_batch_size_(?P<batch_size>\d+)")


def looks_like_state_dict(payload: object) -> bool:
    """A non-empty flat mapping of names to tensors (what ``model.state_dict()`` saves)."""
    return (isinstance(payload, dict) and bool(payload)
            and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in payload.items()))


def settings_from_name(name: str) -> dict[str, float]:
    """n, lr, batch_size and num_epochs from a file name of the authors' pattern; their defaults otherwise."""
    match = _NAME_PATTERN.search(name)
    if not match:
        return dict(AUTHORS_DEFAULTS)
    return {"n": int(match["n"]), "lr": float(match["lr"]), "batch_size": int(match["batch_size"]),
            "num_epochs": int(match["num_epochs"])}


#: Keys a mismatch message names of each kind (a message is one sentence of at most 300 characters).
KEYS_NAMED = 2


def _some(keys: list[str]) -> str:
    """The first :data:`KEYS_NAMED` keys and how many more there are ("none" for no key)."""
    if not keys:
        return "none"
    more = f" and {len(keys) - KEYS_NAMED} more" if len(keys) > KEYS_NAMED else ""
    return ", ".join(keys[:KEYS_NAMED]) + more


def infer_architecture(state: dict[str, torch.Tensor], label: str, architecture: str | None = None
                       ) -> tuple[str, int, int, int]:
    """``(kind, d, H, E)`` from the keys and shapes; CheckpointError naming the keys that do not match."""
    needed = set(_RENAMES)
    missing, unexpected = sorted(needed - set(state)), sorted(set(state) - needed - _UNUSED - {_POSITIONS})
    if missing or unexpected:
        raise CheckpointError(
            f"{label}: a bare state_dict that matches neither of the paper authors' architectures "
            f"(augmented.py, non_augmented.py): missing {_some(missing)}; unexpected {_some(unexpected)}")
    E = state[_LAYER + "norm1.weight"].shape[0]
    rows = state[_LAYER + "attention.queries.weight"].shape[0]
    out = state["fc_out.weight"].shape[0]
    if E < 1 or rows % E:
        raise CheckpointError(f"{label}: {_LAYER}attention.queries.weight has {rows} rows, not a multiple of "
                              f"the embedding width {E} (from {_LAYER}norm1.weight)")
    if architecture is None:
        architecture = AUGMENTED_KIND if out == E and E % AUGMENTED_BLOCKS == 0 else MULTIHEAD_KIND
    d = E // AUGMENTED_BLOCKS if architecture == AUGMENTED_KIND else out
    if d < 1 or E % d:
        raise CheckpointError(f"{label}: fc_out.weight has {out} outputs, which fits neither the augmented model "
                              f"(E = 3d outputs) nor the multihead one (d outputs with E = {E} a multiple of d)")
    return architecture, d, rows // E, E


def authors_config(name: str, kind: str, d: int, H: int, E: int) -> TrainConfig:
    """The run configuration the authors' script would have used (see the module docstring)."""
    settings = settings_from_name(name)
    model = (ModelConfig(kind=kind, n_heads=H, positional="none") if kind == AUGMENTED_KIND else
             ModelConfig(kind=kind, n_heads=H, positional="embedding", pos_dim=E))
    steps = int(settings["num_epochs"]) * math.ceil(AUTHORS_TRAIN_SET / int(settings["batch_size"]))
    return TrainConfig(name=name, process=ARProcess(d=d, T=int(settings["n"]), w_dist="orthogonal", s0="ones"),
                       model=model, steps=max(steps, 1), batch_size=int(settings["batch_size"]),
                       lr=float(settings["lr"]), train_set_size=AUTHORS_TRAIN_SET)


def checkpoint_from_state_dict(state: dict[str, torch.Tensor], label: str, path: Path | None = None,
                               architecture: str | None = None, name: str | None = None) -> Checkpoint:
    """An icar :class:`Checkpoint` holding the authors' weights; CheckpointError for anything that does not fit.

    ``label`` names the file in messages (shortened); ``name`` is its whole file name, whose pattern carries the
    authors' training settings (default: ``label``)."""
    kind, d, H, E = infer_architecture(state, label, architecture)
    name = Path(name or label).stem
    try:
        config = authors_config(name, kind, d, H, E)
    except ValueError as exc:
        raise CheckpointError(f"{label}: the inferred sizes are out of range: {exc}") from None
    analysis_contexts(config)  # the same budget as icar's own runs, before anything is built
    size = parameter_count(config.model, d, config.process.T)
    if size > MAX_PARAMETERS:
        raise CheckpointError(f"{label}: the weights imply {size:,} parameters; icar opens runs of at most "
                              f"{MAX_PARAMETERS:,}")
    with torch.random.fork_rng():  # building draws an initialisation; the caller's random state stays
        model = build_model(config.model, d, config.process.T)
    mapped = {icar: state[theirs] for theirs, icar in _RENAMES.items()}
    if kind == MULTIHEAD_KIND:
        if _POSITIONS not in state:
            raise CheckpointError(f"{label}: the multihead model needs {_POSITIONS}, which the file lacks")
        mapped["position_table"] = state[_POSITIONS]
    for icar_name, expected in model.state_dict().items():
        value = mapped[icar_name]
        if tuple(value.shape) != tuple(expected.shape):
            theirs = next((k for k, v in _RENAMES.items() if v == icar_name), _POSITIONS)
            raise CheckpointError(f"{label}: {theirs} has shape {tuple(value.shape)}, but a {kind} model with "
                                  f"d={d}, H={H}, E={E} needs {tuple(expected.shape)}")
        if not torch.isfinite(value).all():
            raise CheckpointError(f"{label}: {icar_name} contains NaN or infinite values")
    model.load_state_dict({k: v.float() for k, v in mapped.items()})
    history = pd.DataFrame({"step": pd.Series(dtype=int), "train_loss": pd.Series(dtype=float),
                            "eval_loss": pd.Series(dtype=float)})
    train_state = {"step": config.steps, "complete": True, "format": FORMAT,
                   "inferred": {"kind": kind, "d": d, "heads": H, "embed_width": E}}
    return Checkpoint(name=name, config=config, model=model.eval(), history=history, snapshots=[],
                      train_state=train_state, path=path)
