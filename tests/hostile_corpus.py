"""A corpus of hostile and broken checkpoint files, generated into a folder (never committed).

``build_corpus(folder)`` writes one file per case and returns ``{name: (path, expected)}`` with
``expected`` either ``"refuse"`` (one CheckpointError sentence) or ``"open"`` (loads, within budget).
Used by tests/unit/test_hostile_files.py (every file's sentence) and tests/acceptance (memory, time).
"""

from __future__ import annotations

import io
import pickle
import random
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import torch

from icar_core.checkpoints import checkpoint_payload
from icar_core.config import TrainConfig
from icar_core.data import ARProcess
from icar_core.models import ModelConfig, build_model

HUGE = 10**400
IMAGE_NAME = "![x](http://127.0.0.1:9/p.png) **bold** :red[red]"


class _Reduce:
    """Pickles as ``fn(*args)``: how a crafted file names a callable."""

    def __init__(self, fn, *args) -> None:
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


def _config(kind: str = "augmented", d: int = 4, T: int = 8, **overrides) -> TrainConfig:
    model = {"augmented": ModelConfig(kind="augmented"), "pe_only": ModelConfig(kind="pe_only", field="complex"),
             "multihead": ModelConfig(kind="multihead", heads="diagonal", field="complex", n_heads=2)}[kind]
    return TrainConfig(**({"name": f"corpus-{kind}", "process": ARProcess(d=d, T=T), "model": model,
                           "steps": 10, "batch_size": 8, "eval_size": 8} | overrides))


def payload(config: TrainConfig | None = None) -> dict:
    """A valid payload (seeded weights, Adam state, two history rows, two snapshots)."""
    config = config or _config()
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = build_model(config.model, config.process.d, config.process.T).to(config.torch_dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    model(config.process.sample(2, 0, config.torch_dtype)[0][:, :-1]).pow(2).sum().backward()
    optimizer.step()
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    history = {"step": [0, 1], "train_loss": [1.0, 0.5], "eval_loss": [1.0, 0.5]}
    return checkpoint_payload(config, model, history, [(0, state), (1, state)],
                              {"step": 1, "complete": True, "seconds": 0.5, "optimizer": optimizer.state_dict()})


def _save(obj: object) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def _edited(edit: Callable[[dict], object], config: TrainConfig | None = None) -> bytes:
    p = payload(config)
    edit(p)
    return _save(p)


def _weight(p: dict, value: torch.Tensor) -> None:
    key = next(iter(p["model_state"]))
    p["model_state"][key] = value


def _as(dtype: torch.dtype) -> Callable[[dict], None]:
    def edit(p):
        key = next(iter(p["model_state"]))
        p["model_state"][key] = p["model_state"][key].to(dtype)
    return edit


def _deflated(raw: bytes) -> bytes:
    """The same archive with every entry deflate-compressed (torch stores them uncompressed)."""
    source, out = zipfile.ZipFile(io.BytesIO(raw)), io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    return out.getvalue()


def _zip_bomb() -> bytes:
    """A valid checkpoint plus a deflated entry of 1 GB of zeros (about 1 MB on disk)."""
    raw, out = _save(payload()), io.BytesIO()
    source = zipfile.ZipFile(io.BytesIO(raw))
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("archive/data/bomb", b"\0" * 2**27, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _shared_history(p: dict) -> None:
    column = [0.5] * 200_000
    p["history"] = {"step": list(range(200_000)), "train_loss": column, "eval_loss": column}
    p["history"].update({f"c{i}": column for i in range(2_000)})


def _stride_zero(T: int) -> Callable[[dict], None]:
    """Weights and 500 snapshots that are views of one stored number (a few bytes on disk)."""
    def edit(p):
        view = torch.zeros(1, dtype=torch.float32).expand(T, T)
        p["model_state"] = {"P": view}
        p["snapshots"] = [{"step": i, "state": {"P": view}} for i in range(500)]
        p["train_state"].pop("optimizer")
    return edit


def _quantized(value: torch.Tensor) -> torch.Tensor:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # quantized tensors are deprecated: exactly why a file may still hold one
        return torch.quantize_per_tensor(value, 0.1, 0, torch.qint8)


def _nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"x": value}
    return value


def _set(path: str, value: object) -> Callable[[dict], None]:
    """Set ``p[a][b]...`` for ``path`` = ``"a.b..."``."""
    *parents, last = path.split(".")

    def edit(p):
        target = p
        for key in parents:
            target = target[key]
        target[last] = value
    return edit


def _cases() -> dict[str, tuple[Callable[[], bytes], str]]:
    return {
        # not checkpoints at all
        "empty": (lambda: b"", "refuse"),
        "noise": (lambda: random.Random(0).randbytes(4096), "refuse"),
        "text": (lambda: b"these are my notes\n" * 10, "refuse"),
        "half-zip": (lambda: _save(payload())[: len(_save(payload())) // 2], "refuse"),
        "tenth-zip": (lambda: _save(payload())[: len(_save(payload())) // 10], "refuse"),
        "plain-tensor": (lambda: _save(torch.ones(3)), "refuse"),
        "list": (lambda: _save([1, 2, 3]), "refuse"),
        "oversized": (lambda: b"PK" + b"\0" * (21 * 2**20), "refuse"),
        # code or objects other than plain data
        "raw-pickle-code": (lambda: pickle.dumps({"x": _Reduce(print, "ran")}), "refuse"),
        "zip-pickle-code": (lambda: _edited(_set("train_state.hook", _Reduce(print, "ran"))), "refuse"),
        "bytearray": (lambda: _edited(_set("train_state.buffer", _Reduce(bytearray, 2**29))), "refuse"),
        "deflated": (lambda: _deflated(_save(payload())), "refuse"),
        "zip-bomb": (_zip_bomb, "refuse"),
        # sizes beyond the budget
        "budget-d16-T256": (lambda: _save(payload(_config(d=16, T=256))), "refuse"),
        "budget-d64-T512": (lambda: _save(payload(_config(d=64, T=512))), "refuse"),
        "shared-history": (lambda: _edited(_shared_history), "refuse"),
        "stride-zero-T64": (lambda: _edited(_stride_zero(64), _config("pe_only", d=2, T=64)), "refuse"),
        "stride-zero-T2048": (lambda: _edited(_stride_zero(2048), _config("pe_only", d=2, T=64)) , "refuse"),
        "many-snapshots": (lambda: _edited(lambda p: p.update(snapshots=p["snapshots"] * 300)), "refuse"),
        "huge-model": (lambda: _edited(_set("config.model.n_heads", 256)) , "refuse"),
        "deep-optimizer": (lambda: _edited(_set("train_state.optimizer", _nested(50))), "refuse"),
        # numbers that overflow or are not finite
        "lr-1e400": (lambda: _edited(_set("config.lr", HUGE)), "refuse"),
        "mu-1e400": (lambda: _edited(_set("config.process.mu", HUGE)), "refuse"),
        "history-1e400": (lambda: _edited(_set("history.train_loss", [HUGE, 0.5])), "refuse"),
        "seed-2e70": (lambda: _edited(_set("config.seed", 2**70)), "refuse"),
        "step-1e400": (lambda: _edited(_set("train_state.step", HUGE)), "refuse"),
        "nan-weight": (lambda: _edited(lambda p: _weight(p, torch.full_like(next(iter(p["model_state"].values())),
                                                                             float("nan")))), "refuse"),
        "inf-weight": (lambda: _edited(lambda p: _weight(p, torch.full_like(next(iter(p["model_state"].values())),
                                                                             float("inf")))), "refuse"),
        # long or hostile text
        "name-10MB": (lambda: _edited(_set("config.name", "n" * 10_000_000)), "refuse"),
        "name-100k": (lambda: _edited(_set("config.name", "n" * 100_000)), "refuse"),
        "w_dist-markdown-image": (lambda: _edited(_set("config.process.w_dist", IMAGE_NAME)), "refuse"),
        "key-10k": (lambda: _edited(_set("config." + "k" * 10_000, 1)), "refuse"),
        # tensors of the wrong kind
        "sparse": (lambda: _edited(lambda p: _weight(p, next(iter(p["model_state"].values())).to_sparse())),
                   "refuse"),
        "float8": (lambda: _edited(_as(torch.float8_e4m3fn)), "refuse"),
        "quantized": (lambda: _edited(lambda p: _weight(p, _quantized(next(iter(p["model_state"].values()))))),
                      "refuse"),
        "meta": (lambda: _edited(lambda p: _weight(p, next(iter(p["model_state"].values())).to("meta"))), "refuse"),
        "int64": (lambda: _edited(_as(torch.int64)), "refuse"),
        "bool": (lambda: _edited(_as(torch.bool)), "refuse"),
        "uint8": (lambda: _edited(_as(torch.uint8)), "refuse"),
        "float16": (lambda: _edited(_as(torch.float16)), "refuse"),
        "bfloat16": (lambda: _edited(_as(torch.bfloat16)), "refuse"),
        "complex64": (lambda: _edited(_as(torch.complex64)), "refuse"),
        "transposed": (lambda: _edited(lambda p: _weight(p, torch.zeros(
            tuple(reversed(next(iter(p["model_state"].values())).shape))).permute(2, 1, 0))), "refuse"),
        "wrong-shape": (lambda: _edited(lambda p: _weight(p, torch.zeros(3, 3))), "refuse"),
        # fields of the wrong type
        "seconds-abc": (lambda: _edited(_set("train_state.seconds", "abc")), "refuse"),
        "train_state-unknown": (lambda: _edited(_set("train_state.surprise", 1)), "refuse"),
        "step-negative": (lambda: _edited(_set("train_state.step", -1)), "refuse"),
        "version-2": (lambda: _edited(_set("version", 2)), "refuse"),
        "no-marker": (lambda: _edited(lambda p: p.pop("format")), "refuse"),
        "history-not-list": (lambda: _edited(_set("history.eval_loss", "0.5,0.5")), "refuse"),
        "history-unordered": (lambda: _edited(_set("history.step", [1, 0])), "refuse"),
        "snapshots-unordered": (lambda: _edited(lambda p: p.update(snapshots=p["snapshots"][::-1])), "refuse"),
        "config-not-dict": (lambda: _edited(_set("config", [1, 2])), "refuse"),
        # valid files with hostile names or at the budget's edge: opened
        "markdown-name": (lambda: _edited(_set("config.name", IMAGE_NAME)), "open"),
        "at-budget-d14-T32": (lambda: _save(payload(_config(d=14, T=32))), "open"),
        "over-budget-d16-T40": (lambda: _save(payload(_config(d=16, T=40))), "refuse"),
        "at-budget-d4-T64": (lambda: _save(payload(_config(d=4, T=64))), "open"),
        "multihead-T32": (lambda: _save(payload(_config("multihead", d=8, T=32))), "open"),
        "multihead-T64": (lambda: _save(payload(_config("multihead", d=8, T=64))), "open"),
        "multihead-T192": (lambda: _save(payload(_config("multihead", d=8, T=192))), "refuse"),
        "pe-only-T64": (lambda: _save(payload(_config("pe_only", d=2, T=64))), "open"),
    }


def build_corpus(folder: Path) -> dict[str, tuple[Path, str]]:
    """Write every case into ``folder`` as ``<name>.pt``."""
    folder.mkdir(parents=True, exist_ok=True)
    corpus = {}
    for name, (make, expected) in _cases().items():
        path = folder / f"{name}.pt"
        path.write_bytes(make())
        corpus[name] = (path, expected)
    return corpus


__all__ = ["IMAGE_NAME", "build_corpus", "payload"]
