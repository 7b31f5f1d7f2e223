"""Tests of icar_core.train and icar_core.config: a tiny run learns, history and snapshots have the
documented shape, an interrupted run resumes to exactly the uninterrupted result, stop_loss stops
early, and the command line fails with one plain line."""

from __future__ import annotations

import itertools
import math
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch

from icar_core import train as train_module
from icar_core.checkpoints import load_checkpoint
from icar_core.config import Plateau, TrainConfig, data_seed
from icar_core.data import ARProcess
from icar_core.models import ModelConfig, build_model, prediction_loss
from icar_core.train import PRESETS, learning_rate, main, snapshot_steps, train
from icar_core.validation import quote

pytestmark = pytest.mark.usefixtures("single_thread")

REPO = Path(__file__).resolve().parents[2]


def _augmented(**overrides) -> TrainConfig:
    values = dict(name="tiny-augmented", process=ARProcess(d=3, T=8),
                  model=ModelConfig(kind="augmented", structure="block", init_scale=0.5),
                  steps=40, batch_size=32, eval_size=64, lr=3e-2, log_every=5, n_snapshots=6)
    return TrainConfig(**(values | overrides))


def _multihead(**overrides) -> TrainConfig:
    values = dict(name="tiny-multihead", process=ARProcess(d=4, T=6, s0="unit_planes"),
                  model=ModelConfig(kind="multihead", heads="diagonal", field="complex", n_heads=2),
                  steps=40, batch_size=16, eval_size=16, lr=1e-2, log_every=5, n_snapshots=6, lr_decay="cosine")
    return TrainConfig(**(values | overrides))


def _pe_only_gd(**overrides) -> TrainConfig:
    values = dict(name="tiny-pe-only", process=ARProcess(d=2, T=8, mu=10.0, s0="ones"),
                  model=ModelConfig(kind="pe_only", field="complex"), optimizer="gd", fixed_batch=True,
                  lr=0.5, batch_size=64, eval_size=64, steps=60, log_every=1, n_snapshots=5, dtype="float64")
    return TrainConfig(**(values | overrides))


def _same_state(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


# ---------------------------------------------------------------- a tiny run

def test_tiny_run_lowers_the_loss_and_records_history(tmp_path):
    config = _augmented()
    ckpt = train(config, tmp_path / "run.pt", progress=False)
    history = ckpt.history
    assert list(history.columns) == ["step", "train_loss", "eval_loss", "seconds", "gd_loss"]
    assert history["step"].tolist() == list(range(0, 41, 5))
    assert history["eval_loss"].iloc[-1] < 0.7 * history["eval_loss"].iloc[0]
    assert history["train_loss"].iloc[-1] < 0.7 * history["train_loss"].iloc[0]
    assert np.all(np.diff(history["seconds"]) >= 0)
    # gd_loss: the one-GD-step reference, a property of the process (constant over the run)
    assert history["gd_loss"].nunique() == 1 and 0 < history["gd_loss"].iloc[0] < history["eval_loss"].iloc[0]
    assert ckpt.complete and ckpt.train_state["step"] == 40
    assert ckpt.config == config
    # eval_loss is the prediction loss of the saved model on a fixed seeded evaluation set: recompute
    # it for the final row, independently of the training loop, up to float32 summation order
    eval_states, _ = config.process.sample(config.eval_size, data_seed(config.seed, -1))
    with torch.no_grad():
        assert prediction_loss(ckpt.model, eval_states).item() == pytest.approx(history["eval_loss"].iloc[-1],
                                                                               rel=1e-5)


def test_history_columns_without_gd_reference(tmp_path):
    ckpt = train(_multihead(steps=12, log_every=4), tmp_path / "run.pt", progress=False)
    assert list(ckpt.history.columns) == ["step", "train_loss", "eval_loss", "seconds"]
    assert ckpt.history["step"].tolist() == [0, 4, 8, 12]


def test_snapshots_are_geometric_and_hold_the_parameters(tmp_path):
    config = _augmented(n_snapshots=6)
    ckpt = train(config, tmp_path / "run.pt", progress=False)
    steps = ckpt.snapshot_steps
    # 0, then n-1 points geometrically spaced from 1 to the last step (40^(i/4): 1, 2.5, 6.3, 15.9, 40)
    assert steps == [0, 1, 3, 6, 16, 40]
    # snapshot 0 is the initialisation the seed gives; the last one is the final model
    torch.manual_seed(config.seed)
    initial = build_model(config.model, config.process.d, config.process.T).state_dict()
    assert _same_state(ckpt.snapshots[0][1], initial)
    assert _same_state(ckpt.snapshots[-1][1], ckpt.model.state_dict())
    assert not _same_state(ckpt.snapshots[1][1], initial)


@pytest.mark.parametrize(("steps", "count"), [(1000, 30), (3000, 30), (10, 30), (1, 2), (40, 6)])
def test_snapshot_steps_spacing(steps, count):
    chosen = sorted(snapshot_steps(steps, count))
    assert chosen[0] == 0 and chosen[-1] == steps
    assert len(chosen) <= count
    if steps >= 1000:
        assert len(chosen) >= count - 3  # rounding merges a few of the earliest
        positive = np.array(chosen[1:], dtype=float)
        ratios = positive[1:] / positive[:-1]
        tail = ratios[len(ratios) // 2:]
        assert np.allclose(tail, steps ** (1 / (count - 2)), rtol=0.1)  # geometric, not linear
        assert np.all(np.diff(positive) >= 1) and np.all(np.diff(np.diff(positive)) >= -1)


def test_learning_rate_schedule():
    config = _multihead(lr=0.1, steps=100)
    assert learning_rate(config, 0) == pytest.approx(0.1)
    assert learning_rate(config, 50) == pytest.approx((0.1 + 0.001) / 2)
    assert learning_rate(config, 100) == pytest.approx(0.001)
    values = [learning_rate(config, s) for s in range(101)]
    assert all(a >= b for a, b in itertools.pairwise(values))
    assert learning_rate(replace(config, lr_decay="none"), 70) == 0.1


# ---------------------------------------------------------------- interrupt and resume

def _interrupt_at(monkeypatch, k: int, how: str, out: Path, seen: dict) -> None:
    """Interrupt the run in the k-th training call of prediction_loss (the one at step k): a
    KeyboardInterrupt raised there, or a SIGTERM delivered there (the run stops before step k's update)."""
    real = train_module.prediction_loss
    calls = {"n": 0}

    def wrapper(model, states):
        if torch.is_grad_enabled():  # the training call; evaluation runs under no_grad
            if calls["n"] == k:
                if out.exists():
                    on_disk = load_checkpoint(out)
                    seen["step_on_disk"], seen["complete_on_disk"] = on_disk.train_state["step"], on_disk.complete
                if how == "sigterm":
                    os.kill(os.getpid(), signal.SIGTERM)
                else:
                    raise KeyboardInterrupt
            calls["n"] += 1
        return real(model, states)

    monkeypatch.setattr(train_module, "prediction_loss", wrapper)


@pytest.mark.parametrize(("make_config", "k", "how"), [
    (_augmented, 17, "keyboard"),
    (_multihead, 15, "sigterm"),  # a logging step, and a cosine learning rate
    (_augmented, 6, "sigterm"),  # a snapshot step
])
def test_interrupted_run_resumes_to_the_same_result(tmp_path, monkeypatch, make_config, k, how):
    config = make_config()
    straight = train(config, tmp_path / "straight.pt", progress=False)

    out = tmp_path / "interrupted.pt"
    seen: dict = {}
    _interrupt_at(monkeypatch, k, how, out, seen)
    handler_before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt):
        train(config, out, progress=False, save_every_s=0)
    monkeypatch.undo()
    assert signal.getsignal(signal.SIGTERM) == handler_before  # the run restores the handler
    # with save_every_s = 0 the file on disk was saved after every step
    assert seen == {"step_on_disk": k, "complete_on_disk": False}
    stopped_at = k  # both stop before step k's update
    partial = load_checkpoint(out)
    assert not partial.complete and partial.train_state["step"] == stopped_at
    assert partial.history["step"].max() <= stopped_at  # a row describes the saved parameters
    assert not _same_state(partial.model.state_dict(), straight.model.state_dict())

    resumed = train(config, out, resume=True, progress=False)
    assert resumed.complete and resumed.train_state["step"] == config.steps
    assert _same_state(resumed.model.state_dict(), straight.model.state_dict())
    assert resumed.snapshot_steps == straight.snapshot_steps
    for (_, a), (_, b) in zip(resumed.snapshots, straight.snapshots, strict=True):
        assert _same_state(a, b)
    columns = [c for c in straight.history.columns if c != "seconds"]
    assert resumed.history[columns].equals(straight.history[columns])
    opt_a, opt_b = resumed.train_state["optimizer"]["state"], straight.train_state["optimizer"]["state"]
    assert all(_same_state(opt_a[i], opt_b[i]) for i in opt_b)


def _same_payload(a: object, b: object) -> bool:
    """Equal files, tensor for tensor, but for the wall-clock fields."""
    if isinstance(a, dict):
        keys = a.keys() - {"seconds"}
        return keys == b.keys() - {"seconds"} and all(_same_payload(a[k], b[k]) for k in keys)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same_payload(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.dtype == b.dtype and torch.equal(a, b)
    return a == b


@pytest.mark.parametrize("make_config", [
    _augmented, _multihead, _pe_only_gd,
    lambda: _augmented(train_set_size=80, batch_size=24, steps=12),  # minibatches of a fixed set, reshuffled
])
def test_the_same_seed_gives_a_bit_identical_checkpoint(tmp_path, make_config):
    config = make_config()
    first = train(config, tmp_path / "0.pt", progress=False)
    train(config, tmp_path / "1.pt", progress=False)
    files = [torch.load(tmp_path / f"{i}.pt", weights_only=True) for i in range(2)]
    assert _same_payload(*files)
    other = train(replace(config, seed=1), tmp_path / "other.pt", progress=False)
    assert not _same_state(first.model.state_dict(), other.model.state_dict())


def test_fresh_contexts_are_new_every_step(tmp_path, monkeypatch):
    config = _augmented()
    seen: list[torch.Tensor] = []
    real = train_module.prediction_loss

    def spy(model, states):
        if torch.is_grad_enabled():
            seen.append(states.clone())
        return real(model, states)

    monkeypatch.setattr(train_module, "prediction_loss", spy)
    train(config, tmp_path / "run.pt", progress=False)
    assert len(seen) == config.steps + 1 and all(s.shape == (config.batch_size, 9, 3) for s in seen)
    assert len({s.sum().item() for s in seen}) == len(seen)  # no batch is used twice
    # step k's contexts are the draw seeded by k, so a resumed run sees the data it would have seen
    assert torch.equal(seen[17], config.process.sample(config.batch_size, data_seed(config.seed, 17))[0])


def test_interrupted_float64_run_resumes_to_the_same_result(tmp_path, monkeypatch):
    config = _multihead(dtype="float64", lr_decay="none")
    straight = train(config, tmp_path / "straight.pt", progress=False)
    out = tmp_path / "interrupted.pt"
    _interrupt_at(monkeypatch, 12, "keyboard", out, {})
    with pytest.raises(KeyboardInterrupt):
        train(config, out, progress=False)
    monkeypatch.undo()
    resumed = train(config, out, resume=True, progress=False)
    final = torch.load(out, weights_only=True)["model_state"]
    reference = torch.load(tmp_path / "straight.pt", weights_only=True)["model_state"]
    assert resumed.complete and straight.complete and _same_state(final, reference)


def test_resume_errors_are_clear_and_leave_the_file_alone(tmp_path):
    config = _multihead(steps=5)
    out = tmp_path / "run.pt"
    with pytest.raises(ValueError, match="there is no checkpoint at"):
        train(config, out, resume=True, progress=False)
    train(config, out, progress=False)
    before = out.read_bytes()
    with pytest.raises(ValueError, match=r"already complete \(5 steps\)"):
        train(config, out, resume=True, progress=False)
    with pytest.raises(ValueError, match="different configuration"):
        train(replace(config, lr=0.5), out, resume=True, progress=False)
    assert out.read_bytes() == before


def test_cli_resume_of_a_checkpoint_without_optimizer_state(tmp_path, capsys):
    out = tmp_path / "run.pt"
    argv = ["--preset", "multihead-diagonal-rotation", "--steps", "3", "--batch-size", "8", "--out", str(out),
            "--quiet"]
    assert main(argv) == 0
    payload = torch.load(out, weights_only=True)
    payload["train_state"] = {"complete": False, "step": 1}  # loads, but cannot be resumed
    torch.save(payload, out)
    capsys.readouterr()
    assert _exit_code([*argv, "--resume"]) == 2
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:")


# ---------------------------------------------------------------- stop_loss, plain GD

def test_gd_on_a_fixed_batch_decreases_monotonically(tmp_path):
    ckpt = train(_pe_only_gd(steps=30), tmp_path / "gd.pt", progress=False)
    losses = ckpt.history["train_loss"].to_numpy()
    assert np.all(np.diff(losses) < 0)  # full-batch GD on a quadratic with a small step
    assert losses[-1] < 0.5 * losses[0]
    # the fixed batch is used at every step: train_loss at step 0 is the loss of P = 0 on that batch,
    # i.e. the mean squared norm of s_2 ... s_T (unit vectors): 1
    assert losses[0] == pytest.approx(1.0, abs=1e-12)


def test_stop_loss_stops_gd_early(tmp_path):
    full = train(_pe_only_gd(), tmp_path / "full.pt", progress=False)
    losses = full.history["train_loss"].to_numpy()
    threshold = float((losses[20] + losses[21]) / 2)
    first_below = int(np.argmax(losses < threshold))
    assert 0 < first_below < 60
    stopped = train(_pe_only_gd(stop_loss=threshold), tmp_path / "stopped.pt", progress=False)
    assert stopped.complete
    assert stopped.train_state["step"] == first_below
    assert stopped.history["step"].iloc[-1] == first_below
    assert stopped.history["train_loss"].iloc[-1] < threshold <= stopped.history["train_loss"].iloc[-2]
    assert stopped.snapshot_steps[-1] == first_below


# ---------------------------------------------------------------- the plateau rule

def _stops_at(losses: list[float], patience: int, tol: float) -> int | None:
    rule = Plateau(patience, tol)
    return next((i for i, loss in enumerate(losses) if rule.update(loss)), None)


@pytest.mark.parametrize(("losses", "patience", "tol", "expected"), [
    # best 1.0 at 0; 0.995 is not 1% better; three evaluations without improvement stop at index 3
    ([1.0, 0.995, 0.999, 0.991], 3, 0.01, 3),
    # 0.98 improves (below 0.99) and resets the count: stop three evaluations after it
    ([1.0, 0.995, 0.98, 0.979, 0.975, 0.9725], 3, 0.01, 5),
    # a rise counts as no improvement; the best stays the lowest loss seen
    ([1.0, 0.5, 2.0, 0.499, 0.6], 3, 0.01, 4),
    # steady 2% improvements never stop it
    ([0.98**i for i in range(50)], 3, 0.01, None),
    # tol 0: any decrease improves, an equal loss does not
    ([1.0, 0.9, 0.9, 0.9], 2, 0.0, 3),
    # patience 1: the first evaluation that does not improve stops
    ([3.0, 2.0, 2.5], 1, 0.01, 2),
    # patience 0: the rule is off
    ([1.0] * 20, 0, 0.01, None),
])
def test_plateau_rule_stops_exactly_where_it_says(losses, patience, tol, expected):
    assert _stops_at(losses, patience, tol) == expected


def test_a_run_stops_at_its_plateau_and_records_why(tmp_path):
    config = _augmented(steps=400, plateau_patience=3, plateau_tol=0.02)
    ckpt = train(config, tmp_path / "run.pt", progress=False)
    evals = ckpt.history["eval_loss"].tolist()
    # the rule applied to the logged held-out losses stops at the last logged row, and not before
    assert _stops_at(evals, 3, 0.02) == len(evals) - 1
    assert ckpt.complete and ckpt.train_state["stop_reason"] == "plateau"
    assert ckpt.train_state["step"] == ckpt.history["step"].iloc[-1] < config.steps
    assert ckpt.snapshot_steps[-1] == ckpt.train_state["step"]
    capped = train(replace(config, steps=10), tmp_path / "capped.pt", progress=False)
    assert capped.train_state["stop_reason"] == "steps" and capped.train_state["step"] == 10  # --steps caps it
    off = train(replace(config, steps=60, plateau_patience=0), tmp_path / "off.pt", progress=False)
    assert off.train_state["step"] == 60


@pytest.mark.parametrize("k", [7, 16])  # between evaluations, and on an evaluation step
def test_a_resumed_run_stops_at_the_same_plateau(tmp_path, monkeypatch, k):
    config = _augmented(steps=400, plateau_patience=3, plateau_tol=0.02)
    straight = train(config, tmp_path / "straight.pt", progress=False)
    assert straight.train_state["stop_reason"] == "plateau" and straight.train_state["step"] > k
    again = train(config, tmp_path / "again.pt", progress=False)
    assert _same_state(again.model.state_dict(), straight.model.state_dict())  # same seed, same run
    out = tmp_path / "interrupted.pt"
    _interrupt_at(monkeypatch, k, "sigterm", out, {})
    with pytest.raises(KeyboardInterrupt):
        train(config, out, progress=False)
    monkeypatch.undo()
    resumed = train(config, out, resume=True, progress=False)
    assert resumed.train_state["step"] == straight.train_state["step"]
    assert resumed.train_state["stop_reason"] == "plateau"
    assert _same_state(resumed.model.state_dict(), straight.model.state_dict())
    columns = [c for c in straight.history.columns if c != "seconds"]
    assert resumed.history[columns].equals(straight.history[columns])


def test_shipped_configs_load_with_the_rule_off():
    # files saved before the rule existed have no plateau keys: they load as runs without the rule
    for path in sorted((REPO / "checkpoints").glob("*.pt")):
        data = torch.load(path, weights_only=True)["config"]
        config = TrainConfig.from_dict(data)
        assert config.plateau_patience == data.get("plateau_patience", 0)


def test_presets_stop_at_their_plateau_except_pe_only():
    for name, config in PRESETS.items():
        if config.model.kind == "pe_only":  # the authors' own stop rule
            assert config.plateau_patience == 0 and config.stop_loss == 1e-3
        else:
            assert config.plateau_patience > 0 and config.plateau_tol > 0, name


# ---------------------------------------------------------------- configuration

BAD_TRAIN = [
    ("name", "", "non-empty"), ("name", "x" * 101, "at most 100"), ("name", 3, "non-empty"),
    ("steps", 0, "in [1, 10,000,000]"), ("steps", 2.0, "in [1, 10,000,000]"),
    ("batch_size", 0, "in [1, 65,536]"),
    ("lr", 0.0, "> 0"), ("lr", -1e-3, "> 0"), ("lr", math.nan, "> 0"),
    ("lr_decay", "linear", "none, cosine"),
    ("optimizer", "sgd", "adam, gd"),
    ("fixed_batch", "yes", "true or false"),
    ("stop_loss", -1.0, ">= 0"),
    ("plateau_patience", -1, "in [0, 10,000,000]"), ("plateau_patience", 1.5, "in [0, 10,000,000]"),
    ("plateau_tol", -0.1, ">= 0.0 and <= 0.5"), ("plateau_tol", 0.6, ">= 0.0 and <= 0.5"),
    ("plateau_tol", math.inf, ">= 0.0 and <= 0.5"),
    ("eval_size", 0, "in [1, 65,536]"),
    ("seed", -1, "in [0, 4,294,967,295]"),
    ("log_every", 0, "in [1, 10,000,000]"),
    ("n_snapshots", 1, "in [2, 500]"),
    ("dtype", "float16", "float32, float64"),
]


@pytest.mark.parametrize(("field", "value", "allowed"), BAD_TRAIN)
def test_train_config_validation_names_value_and_range(field, value, allowed):
    with pytest.raises(ValueError) as info:
        _augmented(**{field: value})
    message = str(info.value)
    assert message.startswith(f"{field} must be")
    assert quote(value) in message and allowed in message


def test_train_config_dict_round_trip_and_key_checks():
    config = _multihead()
    assert TrainConfig.from_dict(config.to_dict()) == config
    data = config.to_dict()
    with pytest.raises(ValueError, match="config has unknown keys: epochs"):
        TrainConfig.from_dict(data | {"epochs": 3})
    with pytest.raises(ValueError, match=r"config\.process has unknown keys: sigma"):
        TrainConfig.from_dict(data | {"process": data["process"] | {"sigma": 1}})
    with pytest.raises(ValueError, match="config is missing keys: model"):
        TrainConfig.from_dict({k: v for k, v in data.items() if k != "model"})
    with pytest.raises(ValueError, match="config must be a mapping"):
        TrainConfig.from_dict([])


def test_presets_are_valid_and_build():
    assert {"augmented-commuting", "augmented-orthogonal", "multihead-diagonal-commuting",
            "multihead-diagonal-rotation", "authors-augmented", "authors-multihead"} <= set(PRESETS)
    for name, config in PRESETS.items():
        assert config.name == name
        assert TrainConfig.from_dict(config.to_dict()) == config
        build_model(config.model, config.process.d, config.process.T)
    diag = PRESETS["multihead-diagonal-commuting"]
    assert diag.model.heads == "diagonal" and diag.model.field == "complex" and diag.model.query == "previous"
    assert PRESETS["multihead-diagonal-rotation"].model.field == "real"
    for mu in (50, 100, 200, 300):
        pe = PRESETS[f"pe-only-mu{mu}"]
        assert pe.optimizer == "gd" and pe.fixed_batch and pe.process.mu == mu and pe.stop_loss == 1e-3


# ---------------------------------------------------------------- command line

def _exit_code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's own errors leave through SystemExit(2)
        return exc.code


BAD_ARGS = [
    ["--preset", "no-such-preset"],
    ["--preset", "augmented-commuting", "--steps", "-1"],
    ["--preset", "augmented-commuting", "--steps", "abc"],
    ["--preset", "augmented-commuting", "--lr", "0"],
    ["--preset", "multihead-diagonal-commuting", "--d", "3"],
    ["--preset", "augmented-commuting", "--device", "tpu"],
    ["--preset", "augmented-commuting", "--resume"],
    [],
    ["--steps", "5"],
    ["--all-presets", "--steps", "5"],
    ["--all-presets", "--preset", "augmented-commuting"],
    ["--preset", "augmented-commuting", "--bogus"],
]


@pytest.mark.parametrize("argv", BAD_ARGS, ids=lambda a: " ".join(a) or "no-args")
def test_cli_bad_arguments_exit_2_with_one_line(tmp_path, capsys, argv):
    out = tmp_path / "run.pt"
    argv = argv + (["--out", str(out)] if "--all-presets" not in argv else ["--out-dir", str(tmp_path)])
    assert _exit_code(argv) == 2
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("error:")
    assert "Traceback" not in captured.err + captured.out
    assert list(tmp_path.iterdir()) == []  # nothing trained, nothing written


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cli_cuda_without_gpu(tmp_path, capsys):
    assert _exit_code(["--preset", "augmented-commuting", "--device", "cuda", "--out", str(tmp_path / "x.pt")]) == 2
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and "CUDA" in lines[0]
    assert "Traceback" not in captured.err and list(tmp_path.iterdir()) == []


def test_cli_list_presets(capsys):
    assert main(["--list-presets"]) == 0
    printed = capsys.readouterr().out
    for name in PRESETS:
        assert name in printed


def test_cli_subprocess_trains_and_writes_a_loadable_file(tmp_path):
    out = tmp_path / "cli.pt"
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-m", "icar_core.train", "--preset", "augmented-commuting",
                             "--steps", "5", "--out", str(out), "--quiet"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"saved {out}" in result.stdout
    assert "Traceback" not in result.stderr
    ckpt = load_checkpoint(out)
    assert ckpt.complete and ckpt.train_state["step"] == 5
    assert ckpt.config == replace(PRESETS["augmented-commuting"], steps=5)
    assert ckpt.history["step"].iloc[-1] == 5


def test_out_is_checked_before_training(tmp_path):
    config = _augmented()
    with pytest.raises(ValueError, match="is a folder"):
        train(config, tmp_path, progress=False)
    done = train(config, tmp_path / "run.pt", progress=False)
    with pytest.raises(ValueError, match="already exists; pass --force"):
        train(config, tmp_path / "run.pt", progress=False)
    again = train(config, tmp_path / "run.pt", progress=False, force=True)
    assert _same_state(again.model.state_dict(), done.model.state_dict())


def test_a_diverging_run_keeps_the_last_good_save(tmp_path):
    config = _augmented(lr=1e6, steps=200)
    out = tmp_path / "run.pt"
    with pytest.raises(FloatingPointError, match="try a smaller --lr"):
        train(config, out, progress=False, save_every_s=0)
    saved = load_checkpoint(out)  # the last finite state, not the diverged one
    assert not saved.complete
    assert all(torch.isfinite(v).all() for v in saved.model.state_dict().values())
