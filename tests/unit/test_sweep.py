"""Sweeps on Ray (python -m icar_core.sweep): bad specs are refused in one line before anything starts; a sweep
whose worker is killed mid-run resumes it on the next invocation without duplicating or redoing finished runs;
the same sweep runs on an existing Ray head given by --address."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import ray

from icar_core.checkpoints import load_checkpoint
from icar_core.sweep import KILL_HOOK, WORKER_DIED, main
from icar_core.sweep_results import read_table
from icar_core.sweep_spec import CONFIRM_RUNS

ROOT = Path(__file__).resolve().parents[2]
TINY = ["--preset", "augmented-commuting", "--set", "process.d=2", "--set", "steps=150", "--set", "log_every=10",
        "--grid", "process.T=4,8", "--seeds", "2", "--n-contexts", "512", "--quiet"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(("args", "says"), [
    (["--grid", "process.X=1,2"], "unknown field process.X"),
    (["--grid", "model.n_heads=1", "--grid", "lr=0.01,0.02", "--grid", "banana=1"], "unknown field banana"),
    (["--grid", "process.T=8,1"], "process.T=1: T must be an integer in [2, 2,048]; got 1"),
    (["--grid", "lr=0.01,-1"], "lr must be a finite number > 0.0; got -1.0"),
    (["--grid", "process.T=8,8.5"], "process.T must be an integer; got '8.5'"),
    (["--grid", "process.T="], "the grid axis process.T has no values"),
    ([], "the grid is empty"),
    (["--grid", "process.T=4,8", "--grid", "process.T=16"], "process.T is given more than once"),
    (["--grid", "seed=1,2"], "name and seed are set by the sweep"),
    (["--grid", "steps=" + ",".join(str(s) for s in range(1, 1001)), "--seeds", "100"],
     f"the sweep has 100,000 runs (more than {CONFIRM_RUNS:,}); pass --yes"),
    (["--grid", "process.T=8", "--seeds", "0"], "seeds must be a count in [1, 1,000]"),
    (["--grid", "process.T=4096"], "process.T=4096"),
])
def test_bad_specs_exit_2_in_one_line_before_anything_starts(tmp_path, capsys, args, says):
    out = tmp_path / "sweep"
    assert main(["--preset", "augmented-commuting", *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and says in err, err
    assert not out.exists()  # nothing written
    assert not ray.is_initialized()  # Ray was not even started


def test_bad_sweep_file_and_mixed_options(tmp_path, capsys):
    spec = tmp_path / "s.toml"
    spec.write_text('preset = "augmented-commuting"\n[grid]\n"process.T" = [4, "eight"]\n')
    assert main(["--file", str(spec), "--out", str(tmp_path / "o")]) == 2
    assert "T must be an integer" in capsys.readouterr().err
    spec.write_text('preset = "augmented-commuting"\ngrid = 3\n')
    assert main(["--file", str(spec), "--out", str(tmp_path / "o")]) == 2
    assert "grid and set must be tables" in capsys.readouterr().err
    spec.write_text("not toml [")
    assert main(["--file", str(spec), "--out", str(tmp_path / "o")]) == 2
    assert "is not a TOML sweep file" in capsys.readouterr().err
    assert main(["--file", str(spec), "--preset", "augmented-commuting"]) == 2
    assert "either --file or --preset" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_killed_worker_is_resumed_and_nothing_is_duplicated(tmp_path, monkeypatch, capsys):
    """Four tiny runs on a local Ray instance (2 CPUs); the worker of one is SIGKILLed right after that run's first
    save. The run is recorded as failed with its reason; the re-run resumes it from its save (its history goes on
    from there, without repeated steps), skips the three finished runs and ends with four rows, one per run."""
    out = tmp_path / "sweeps" / "tiny"
    victim = "T-8_seed-1"
    monkeypatch.setenv(KILL_HOOK, victim)
    assert main([*TINY, "--num-cpus", "2", "--retries", "0", "--out", str(out)]) == 1
    first = read_table(out).set_index("run")
    assert sorted(first.index) == ["T-4_seed-0", "T-4_seed-1", "T-8_seed-0", victim]
    assert first.loc[victim, "status"] == "failed" and first.loc[victim, "error"] == WORKER_DIED
    assert (first.drop(victim)["status"] == "done").all()
    partial = load_checkpoint(out / "runs" / f"{victim}.pt")
    assert not partial.complete and partial.train_state["step"] < 150
    finished = {k: _digest(out / "runs" / f"{k}.pt") for k in first.index if k != victim}
    capsys.readouterr()

    monkeypatch.delenv(KILL_HOOK)
    assert main([*TINY, "--num-cpus", "2", "--out", str(out)]) == 0
    assert "3 already done, 1 finished now, 0 failed" in capsys.readouterr().out
    table = read_table(out)
    assert len(table) == 4 and table["run"].is_unique and (table["status"] == "done").all()
    assert {k: _digest(out / "runs" / f"{k}.pt") for k in finished} == finished  # not retrained
    resumed = load_checkpoint(out / "runs" / f"{victim}.pt")
    assert resumed.complete and resumed.train_state["step"] == 150
    steps = resumed.history["step"].tolist()
    assert steps == sorted(set(steps)) and steps[0] == 0 and steps[-1] == 150
    csv = pd.read_csv(out / "results.csv")
    assert sorted(csv["run"]) == sorted(table["run"])
    row = table.set_index("run").loc[victim]
    assert row["n_contexts"] == 512 and row["gd.loss_ratio.n"] == 512 and row["steps_done"] == 150
    assert row["gd.loss_ratio.low"] <= row["gd.loss_ratio"] <= row["gd.loss_ratio.high"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_address_runs_on_an_existing_ray_head(tmp_path):
    """``ray start --head`` on 127.0.0.1 (in the foreground, so that stopping its process group stops this head and
    nothing else on the machine), then the sweep with --address: its run is trained by that cluster's worker.
    ``ray start`` turns on Ray's token authentication, so the driver says it uses it (RAY_AUTH_MODE=token)."""
    port = _free_port()
    log = tmp_path / "head.log"
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"} | {"RAY_AUTH_MODE": "token"}
    with open(log, "w") as sink:
        head = subprocess.Popen([str(Path(sys.executable).with_name("ray")), "start", "--head", "--block", "--port",
                                 str(port), "--node-ip-address", "127.0.0.1", "--num-cpus", "1",
                                 "--include-dashboard", "false", "--disable-usage-stats"],
                                stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
                                env=env)
    try:
        deadline = time.monotonic() + 60
        while "Ray runtime started" not in log.read_text() and head.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "Ray runtime started" in log.read_text(), log.read_text()[-2000:]
        out = tmp_path / "sweeps" / "cluster"
        # A fresh process: Ray reads RAY_AUTH_MODE once, when a process first uses it.
        done = subprocess.run([sys.executable, "-m", "icar_core.sweep", "--preset", "augmented-commuting", "--set",
                               "process.d=2", "--set", "steps=20", "--grid", "process.T=4", "--n-contexts", "512",
                               "--quiet", "--out", str(out), "--address", f"127.0.0.1:{port}"],
                              capture_output=True, text=True, timeout=240, cwd=ROOT, env=env)
        assert done.returncode == 0, done.stderr[-2000:]
        table = read_table(out)
        assert table["run"].tolist() == ["T-4_seed-0"] and (table["status"] == "done").all()
        assert "on 1 workers" in done.stdout  # the head's one CPU, not this machine's count
        assert load_checkpoint(out / "runs" / "T-4_seed-0.pt").complete
    finally:
        os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()
