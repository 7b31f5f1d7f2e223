"""Tests of icar_core.checkpoints: bit-exact round trips, determinism of training, and every kind of
bad file (each must become a CheckpointError naming the file, and no code from a file may run)."""

from __future__ import annotations

import copy
import io
import math
import os
import pickle
import random
import tracemalloc
from pathlib import Path

import pytest
import torch

from icar_core import checkpoints as ckpt_module
from icar_core.checkpoints import (
    FORMAT,
    VERSION,
    CheckpointError,
    checkpoint_payload,
    list_checkpoints,
    load_checkpoint,
    save_checkpoint,
)
from icar_core.config import TrainConfig
from icar_core.data import ARProcess
from icar_core.models import ModelConfig, build_model
from icar_core.train import train

pytestmark = pytest.mark.usefixtures("single_thread")

MODEL_CONFIGS = {
    "augmented-full": (ModelConfig(kind="augmented", structure="full", n_heads=2), 3),
    "augmented-block": (ModelConfig(kind="augmented", structure="block", normalisation="none"), 4),
    "multihead-diagonal-complex": (ModelConfig(kind="multihead", heads="diagonal", field="complex", n_heads=2), 4),
    "multihead-diagonal-real-none": (ModelConfig(kind="multihead", heads="diagonal", positional="none"), 3),
    "multihead-full-embedding": (ModelConfig(kind="multihead", heads="full", positional="embedding", pos_dim=3), 3),
    "pe-only": (ModelConfig(kind="pe_only", field="complex"), 2),
}


def _config(key: str = "augmented-full", dtype: str = "float32", **overrides) -> TrainConfig:
    model, d = MODEL_CONFIGS[key]
    values = dict(name=f"tiny-{key}", process=ARProcess(d=d, T=6), model=model, steps=30, batch_size=16,
                  eval_size=16, log_every=5, n_snapshots=5, dtype=dtype)
    return TrainConfig(**(values | overrides))


def _payload(config: TrainConfig, seed: int = 0) -> dict:
    """A realistic payload without training: a seeded model, an optimizer state, history, snapshots."""
    torch.manual_seed(seed)
    model = build_model(config.model, config.process.d, config.process.T).to(config.torch_dtype)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    early = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model(config.process.sample(4, 0, config.torch_dtype)[0][:, :-1]).pow(2).sum().backward()
    optimizer.step()
    history = {"step": [0, 1], "train_loss": [1.25, 0.5], "eval_loss": [1.5, 0.625], "seconds": [0.0, 0.01]}
    snapshots = [(0, early), (1, {k: v.detach().clone() for k, v in model.state_dict().items()})]
    train_state = {"step": 1, "complete": True, "seconds": 0.01, "optimizer": optimizer.state_dict(),
                   "device": "cpu"}
    return checkpoint_payload(config, model, history, snapshots, train_state)


def _write(path: Path, payload: object) -> Path:
    torch.save(payload, path)
    return path


def _expect_error(path_or_bytes, *fragments: str, name: str | None = None) -> str:
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(path_or_bytes, name=name)
    message = str(info.value)
    label = name or (Path(path_or_bytes).name if isinstance(path_or_bytes, (str, Path)) else "uploaded file")
    assert label in message, message
    for fragment in fragments:
        assert fragment.lower() in message.lower(), message
    assert "Traceback" not in message
    return message


@pytest.fixture(scope="module")
def trained(tmp_path_factory, single_thread) -> Path:
    """A real checkpoint written by train() (augmented, so it has the gd_loss column)."""
    path = tmp_path_factory.mktemp("trained") / "run.pt"
    train(_config(), path, progress=False)
    return path


# ---------------------------------------------------------------- round trips

@pytest.mark.parametrize("key", list(MODEL_CONFIGS))
def test_round_trip_is_bit_exact(tmp_path, key):
    config = _config(key)
    payload = _payload(config)
    path = tmp_path / "run.pt"
    save_checkpoint(path, payload)
    ckpt = load_checkpoint(path)
    assert ckpt.config == config
    assert ckpt.name == config.name and ckpt.path == path and ckpt.complete
    assert not ckpt.model.training
    state = ckpt.model.state_dict()
    assert set(state) == set(payload["model_state"])
    for k, v in payload["model_state"].items():
        assert state[k].dtype == v.dtype and torch.equal(state[k], v), k
    assert ckpt.history.to_dict(orient="list") == payload["history"]
    assert ckpt.snapshot_steps == [0, 1]
    for (step, snap), stored in zip(ckpt.snapshots, payload["snapshots"], strict=True):
        assert step == stored["step"]
        assert all(torch.equal(snap[k], stored["state"][k]) for k in stored["state"])
    assert all(torch.equal(ckpt.model_at(-1).state_dict()[k], state[k]) for k in state)
    assert all(torch.equal(ckpt.model_at(0).state_dict()[k], payload["snapshots"][0]["state"][k]) for k in state)
    with pytest.raises(IndexError):
        ckpt.model_at(2)
    # the loaded model predicts
    states = config.process.sample(2, 0)[0][:, :-1]
    assert ckpt.model(states).shape == states.shape
    # the optimizer state comes back too (a resumed run needs it)
    opt = ckpt.train_state["optimizer"]
    assert all(torch.equal(opt["state"][i]["exp_avg"], payload["train_state"]["optimizer"]["state"][i]["exp_avg"])
               for i in opt["state"])


def test_round_trip_keeps_float64_weights(tmp_path):
    config = _config("pe-only", dtype="float64")
    payload = _payload(config)
    with torch.no_grad():
        payload["model_state"]["P"].copy_(torch.full_like(payload["model_state"]["P"], 1 / 3))
    save_checkpoint(tmp_path / "run.pt", payload)
    ckpt = load_checkpoint(tmp_path / "run.pt")
    loaded = ckpt.model.state_dict()["P"]
    assert loaded.dtype == torch.float64
    assert torch.equal(loaded, payload["model_state"]["P"])


def test_loading_from_bytes_and_file_objects(trained):
    data = trained.read_bytes()
    from_path = load_checkpoint(trained)
    from_bytes = load_checkpoint(data)
    from_stream = load_checkpoint(io.BytesIO(data), name="upload.pt")
    for ckpt in (from_bytes, from_stream):
        assert ckpt.config == from_path.config and ckpt.path is None
        assert all(torch.equal(ckpt.model.state_dict()[k], v) for k, v in from_path.model.state_dict().items())
        assert ckpt.history.equals(from_path.history)
    _expect_error(data[: len(data) // 10], "truncated")  # labelled "uploaded file"
    _expect_error(data[: len(data) // 2], name="my-upload.pt")


def test_same_seed_gives_the_same_checkpoint(trained, tmp_path):
    again = tmp_path / "again.pt"
    train(_config(), again, progress=False)
    a, b = torch.load(trained, weights_only=True), torch.load(again, weights_only=True)
    assert a.keys() == b.keys()
    assert a["config"] == b["config"]
    assert all(torch.equal(a["model_state"][k], b["model_state"][k]) for k in a["model_state"])
    assert [s["step"] for s in a["snapshots"]] == [s["step"] for s in b["snapshots"]]
    for sa, sb in zip(a["snapshots"], b["snapshots"], strict=True):
        assert all(torch.equal(sa["state"][k], sb["state"][k]) for k in sa["state"])
    for column in a["history"]:
        if column != "seconds":  # wall time
            assert a["history"][column] == b["history"][column], column
    oa, ob = a["train_state"]["optimizer"]["state"], b["train_state"]["optimizer"]["state"]
    assert all(torch.equal(oa[i]["exp_avg_sq"], ob[i]["exp_avg_sq"]) for i in oa)
    assert a["train_state"]["step"] == b["train_state"]["step"] == 30
    # a different seed is a different run
    other = tmp_path / "other.pt"
    train(_config(seed=1), other, progress=False)
    c = torch.load(other, weights_only=True)
    assert not torch.equal(a["model_state"]["W_Q_full"], c["model_state"]["W_Q_full"])
    assert a["history"]["eval_loss"][0] != c["history"]["eval_loss"][0]


# ---------------------------------------------------------------- files that are not checkpoints

def test_missing_file_and_folder(tmp_path):
    _expect_error(tmp_path / "nowhere.pt")
    (tmp_path / "folder.pt").mkdir()
    _expect_error(tmp_path / "folder.pt")


def _noise(seed: int = 0, size: int = 4096) -> bytes:
    return random.Random(seed).randbytes(size)


def test_random_bytes(tmp_path):
    for seed in range(4):
        path = tmp_path / f"noise{seed}.pt"
        path.write_bytes(_noise(seed))
        _expect_error(path)
    _expect_error(b"", "empty")
    _expect_error(_noise(5), name="upload.bin")


def test_random_bytes_are_reported_as_not_a_checkpoint(tmp_path):
    """Garbage is 'not a checkpoint', not a 'refused pickle that would run code'."""
    path = tmp_path / "noise.pt"
    path.write_bytes(_noise(0))  # first byte 0xcd: not a pickle opcode
    message = _expect_error(path, "not a checkpoint")
    assert "run code" not in message


def test_text_file(tmp_path):
    path = tmp_path / "notes.pt"
    path.write_text("these are my notes, not a checkpoint\n")
    _expect_error(path, "not a checkpoint")


def test_plain_tensor(tmp_path):
    _expect_error(_write(tmp_path / "tensor.pt", torch.ones(3)), "not an icar checkpoint")


def test_dict_without_format_marker(tmp_path):
    payload = _payload(_config())
    del payload["format"]
    _expect_error(_write(tmp_path / "nomarker.pt", payload), "format marker")
    payload["format"] = "some-other-format"
    _expect_error(_write(tmp_path / "othermarker.pt", payload), "format marker")
    _expect_error(_write(tmp_path / "list.pt", [1, 2, 3]), "not an icar checkpoint")


def test_truncated_file(tmp_path, trained):
    data = trained.read_bytes()
    for fraction in (0.5, 0.9, 0.1, 0.99):
        path = tmp_path / f"cut{fraction}.pt"
        path.write_bytes(data[: int(len(data) * fraction)])
        message = _expect_error(path)
        assert "run code" not in message
    _expect_error(data[: len(data) // 10], "truncated")  # no zip directory at all


def test_half_checkpoint_is_reported_as_truncated(tmp_path, trained):
    """torch raises 'negative seek value' for a zip cut in half; the message must still say truncated."""
    data = trained.read_bytes()
    path = tmp_path / "half.pt"
    path.write_bytes(data[: len(data) // 2])
    _expect_error(path, "truncated")


class _CreatesMarker:
    """Unpickling this would call ``open(marker, "w")``: it creates a file, i.e. runs code."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_raw_pickle_that_runs_code_is_refused(tmp_path):
    # sanity: an ordinary unpickler would create the file
    probe = tmp_path / "probe-marker"
    pickle.loads(pickle.dumps(_CreatesMarker(probe))).close()
    assert probe.exists()

    marker = tmp_path / "MARKER"
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"format": FORMAT, "version": VERSION, "x": _CreatesMarker(marker)}))
    _expect_error(path, "refused")
    assert not marker.exists()
    _expect_error(path.read_bytes(), "refused")
    assert not marker.exists()


def test_torch_zip_pickle_that_runs_code_is_refused(tmp_path):
    probe = tmp_path / "probe-marker"
    probe_path = _write(tmp_path / "probe.pt", {"x": _CreatesMarker(probe)})
    torch.load(probe_path, weights_only=False)["x"].close()  # sanity: the payload really runs code
    assert probe.exists()

    marker = tmp_path / "MARKER"
    payload = _payload(_config())
    payload["train_state"]["hook"] = _CreatesMarker(marker)
    path = _write(tmp_path / "evil.pt", payload)
    _expect_error(path, "refused")
    assert not marker.exists()


# ---------------------------------------------------------------- checkpoints with bad contents

def _bad(tmp_path: Path, name: str, edit) -> Path:
    payload = _payload(_config("multihead-diagonal-complex"))
    edit(payload)
    return _write(tmp_path / name, payload)


def test_unknown_version(tmp_path):
    path = _bad(tmp_path, "v2.pt", lambda p: p.update(version=VERSION + 1))
    _expect_error(path, "unknown checkpoint format version", str(VERSION + 1))
    path = _bad(tmp_path, "vstr.pt", lambda p: p.update(version=str(VERSION)))
    _expect_error(path, "version")


def test_missing_and_extra_keys(tmp_path):
    _expect_error(_bad(tmp_path, "missing.pt", lambda p: p.pop("history")), "missing keys: history")
    _expect_error(_bad(tmp_path, "extra.pt", lambda p: p.update(surprise=1)), "unexpected keys: surprise")
    _expect_error(_bad(tmp_path, "weights-missing.pt", lambda p: p["model_state"].pop("B")), "missing: B")
    _expect_error(_bad(tmp_path, "weights-extra.pt", lambda p: p["model_state"].update(C=torch.zeros(2))),
                  "unexpected: C")
    _expect_error(_bad(tmp_path, "not-tensor.pt", lambda p: p["model_state"].update(B=[[1.0, 2.0]])),
                  "B is not a tensor")
    _expect_error(_bad(tmp_path, "history-col.pt", lambda p: p["history"].pop("eval_loss")), "history")
    _expect_error(_bad(tmp_path, "history-len.pt", lambda p: p["history"]["train_loss"].append(0.1)),
                  "equal length")
    _expect_error(_bad(tmp_path, "snap.pt", lambda p: p["snapshots"].append({"step": 2})), "snapshot 2")
    _expect_error(_bad(tmp_path, "snaps.pt", lambda p: p.update(snapshots={})), "snapshots")
    _expect_error(_bad(tmp_path, "ts.pt", lambda p: p.update(train_state=[1])), "train_state")


def test_wrong_tensor_shapes(tmp_path):
    path = _bad(tmp_path, "shape.pt", lambda p: p["model_state"].update(P=torch.zeros(5, 5)))
    _expect_error(path, "P has shape (5, 5)", "(6, 6)")
    path = _bad(tmp_path, "snapshape.pt", lambda p: p["snapshots"][0]["state"].update(A=torch.zeros(3, 2)))
    _expect_error(path, "snapshot 0", "A has shape (3, 2)")

    def other_d(p):  # weights of a d = 4 model under a config that says d = 6
        p["config"]["process"]["d"] = 6
    _expect_error(_bad(tmp_path, "other-d.pt", other_d), "shape")


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_values(tmp_path, value):
    def in_weights(p):
        p["model_state"]["A"][0, 0] = value

    def in_snapshot(p):
        p["snapshots"][1]["state"]["P"][2, 1] = value

    def in_history(p):
        p["history"]["eval_loss"][1] = value

    def in_train_loss(p):
        p["history"]["train_loss"][0] = value

    _expect_error(_bad(tmp_path, "w.pt", in_weights), "model weights", "A contains NaN or infinite")
    _expect_error(_bad(tmp_path, "s.pt", in_snapshot), "snapshot 1", "P contains NaN or infinite")
    _expect_error(_bad(tmp_path, "h.pt", in_history), "eval_loss", "NaN, infinite")
    _expect_error(_bad(tmp_path, "t.pt", in_train_loss), "train_loss", "NaN, infinite")


@pytest.mark.parametrize(("where", "key", "value", "fragment"), [
    ("process", "d", 0, "d must be an integer in [1, 256]; got 0"),
    ("process", "d", 100_000, "d must be an integer in [1, 256]; got 100000"),
    ("process", "w_dist", "gaussian", "w_dist must be one of"),
    ("model", "kind", "rnn", "kind must be one of augmented, multihead, pe_only, authors_augmented, "
                             "authors_multihead; got 'rnn'"),
    ("top", "steps", -1, "steps must be an integer in [1, 10,000,000]; got -1"),
    ("top", "dtype", "float16", "dtype must be one of float32, float64"),
    ("top", "learning_rate", 0.1, "unknown keys: learning_rate"),
    ("process", "sigma", 0.1, "unknown keys: sigma"),
    ("model", "layers", 2, "unknown keys: layers"),
])
def test_config_out_of_range(tmp_path, where, key, value, fragment):
    def edit(p):
        (p["config"] if where == "top" else p["config"][where])[key] = value
    message = _expect_error(_bad(tmp_path, "cfg.pt", edit), "configuration", fragment)
    assert "cfg.pt" in message


def test_config_missing_keys_and_wrong_types(tmp_path):
    _expect_error(_bad(tmp_path, "noname.pt", lambda p: p["config"].pop("name")), "missing keys: name")
    _expect_error(_bad(tmp_path, "procstr.pt", lambda p: p["config"].update(process="commuting")),
                  "config.process must be a mapping")
    _expect_error(_bad(tmp_path, "cfglist.pt", lambda p: p.update(config=[1])), "config must be a mapping")


# ---------------------------------------------------------------- listing a folder

def test_list_checkpoints_separates_good_and_bad(tmp_path, trained):
    save_checkpoint(tmp_path / "a-good.pt", _payload(_config("augmented-block")))
    (tmp_path / "b-trained.pt").write_bytes(trained.read_bytes())
    (tmp_path / "c-noise.pt").write_bytes(os.urandom(100))
    _bad(tmp_path, "d-nan.pt", lambda p: p["model_state"]["A"].fill_(math.nan))
    (tmp_path / "readme.txt").write_text("not a checkpoint and not a .pt file")
    listing = list_checkpoints(tmp_path)
    assert [run.path.name for run in listing.runs] == ["a-good.pt", "b-trained.pt"]
    assert [run.name for run in listing.runs] == ["tiny-augmented-block", "tiny-augmented-full"]
    assert [path.name for path, _ in listing.failed] == ["c-noise.pt", "d-nan.pt"]
    for path, reason in listing.failed:
        assert path.name in reason
    assert "NaN" in listing.failed[1][1]
    empty = list_checkpoints(tmp_path / "empty-nonexistent")
    assert empty.runs == [] and empty.failed == []


# ---------------------------------------------------------------- atomic saves

@pytest.mark.parametrize("error", [OSError("disk full"), KeyboardInterrupt()])
def test_failed_save_leaves_previous_file_intact(tmp_path, monkeypatch, error):
    path = tmp_path / "run.pt"
    save_checkpoint(path, _payload(_config(), seed=0))
    before = path.read_bytes()
    real_save = torch.save

    def half_then_fail(obj, f, *args, **kwargs):
        buffer = io.BytesIO()
        real_save(obj, buffer)
        data = buffer.getvalue()
        f.write(data[: len(data) // 2])
        raise error

    monkeypatch.setattr(ckpt_module.torch, "save", half_then_fail)
    with pytest.raises(type(error)):
        save_checkpoint(path, _payload(_config(), seed=1))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.pt"]  # no temporary file left
    assert load_checkpoint(path).complete


def test_save_overwrites_and_creates_folders(tmp_path):
    path = tmp_path / "deep" / "folder" / "run.pt"
    first, second = _payload(_config(), seed=0), _payload(_config(), seed=1)
    save_checkpoint(path, first)
    save_checkpoint(path, second)
    loaded = load_checkpoint(path).model.state_dict()
    assert all(torch.equal(loaded[k], second["model_state"][k]) for k in loaded)
    assert sorted(p.name for p in path.parent.iterdir()) == ["run.pt"]


def test_payload_is_plain_data():
    payload = _payload(_config("multihead-full-embedding"))
    assert set(payload) == ckpt_module.TOP_LEVEL_KEYS
    assert payload["format"] == FORMAT and payload["version"] == VERSION
    assert payload["config"] == _config("multihead-full-embedding").to_dict()
    # detached copies: editing the payload does not touch a model
    again = copy.deepcopy(payload)
    assert all(torch.equal(again["model_state"][k], payload["model_state"][k]) for k in payload["model_state"])
    buffer = io.BytesIO()
    torch.save(payload, buffer)
    assert torch.load(io.BytesIO(buffer.getvalue()), weights_only=True)["config"] == payload["config"]


# ---------------------------------------------------------------- size limits on crafted files

def test_a_config_implying_a_huge_model_is_refused_before_allocating(tmp_path):
    def edit(p):
        p["config"]["process"]["d"] = 256
        p["config"]["model"] = {"kind": "augmented", "structure": "full", "n_heads": 64}  # 113M parameters
    tracemalloc.start()
    message = _expect_error(_bad(tmp_path, "huge.pt", edit), "huge.pt", "parameters", "at most")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 * 2**20, peak  # far below the model it describes
    assert "5,000,000" in message


def test_too_many_snapshots_or_no_history_are_refused(tmp_path):
    def many(p):
        p["snapshots"] = [{"step": i, "state": p["snapshots"][0]["state"]} for i in range(501)]
    _expect_error(_bad(tmp_path, "many.pt", many), "many.pt", "at most 500")

    def unordered(p):
        p["snapshots"] = list(reversed(p["snapshots"]))
    _expect_error(_bad(tmp_path, "order.pt", unordered), "snapshot steps must increase")

    def empty(p):
        p["history"] = {k: [] for k in p["history"]}
    _expect_error(_bad(tmp_path, "empty.pt", empty), "empty.pt", "1 to 50,000 rows")

    def repeated(p):
        p["history"]["step"] = [0, 0]
    _expect_error(_bad(tmp_path, "repeat.pt", repeated), "history steps must increase")


# ---------------------------------------------------------------- snapshots


def test_at_snapshot_holds_that_snapshots_weights(tmp_path):
    path = _write(tmp_path / "run.pt", _payload(_config("multihead-diagonal-complex")))
    run = load_checkpoint(path)
    assert run.final_snapshot == 1  # the last snapshot is the final weights: that position is the run itself
    assert run.at_snapshot(1) is run
    early = run.at_snapshot(0)
    saved = torch.load(path, weights_only=True)["snapshots"][0]["state"]
    assert all(torch.equal(early.model.state_dict()[k], saved[k]) for k in saved)
    assert not all(torch.equal(early.model.state_dict()[k], run.model.state_dict()[k]) for k in saved)
    # A cache key of its own, the history up to its step, the run's own name and file.
    assert early.source_id == f"{run.source_id}@0" and early.snapshot == 0 and run.snapshot is None
    assert list(early.history["step"]) == [0] and early.snapshot_steps == [0]
    assert (early.name, early.path) == (run.name, run.path)
    with pytest.raises(IndexError, match=r"snapshot must be in \[0, 1\]; got 2"):
        run.at_snapshot(2)
    with pytest.raises(ValueError, match="not one of its snapshots"):
        early.at_snapshot(0)


def test_final_snapshot_is_none_when_no_snapshot_holds_the_final_weights(tmp_path):
    payload = _payload(_config())
    payload["snapshots"] = payload["snapshots"][:1]  # only the initial weights were saved
    run = load_checkpoint(_write(tmp_path / "run.pt", payload))
    assert run.final_snapshot is None
    assert run.at_snapshot(0).snapshot == 0
