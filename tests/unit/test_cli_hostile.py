"""The command lines refuse every bad argument with one ``error:`` line and exit 2, before allocating
anything (issue 12); an interrupted run saved early exits 130 however often Ctrl-C is pressed.

Each case runs in its own process, as a person would type it; they run in parallel to save time.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from icar_core.checkpoints import load_checkpoint
from icar_core.train import CHECKPOINT_DIR

ROOT = Path(__file__).resolve().parents[2]
TRAIN = ["icar_core.train", "--preset", "augmented-commuting", "--quiet"]
PAPER = ["icar_core.paper_reference", "--quiet"]
# From the prompt (torch imported) to the first save; the suite runs on two workers of a busy 2-core machine.
FIRST_SAVE_S = 4.0

# One interpreter imports torch once, then forks a real process per case: each child runs the command's
# main() as `python -m` would and exits with its code; the parent reports "exit-code<TAB>stderr" lines.
_FORKING_RUNNER = """
import importlib, json, os, sys
cases = json.loads(sys.argv[1])
for module in {argv[0] for argv in cases.values()}:
    importlib.import_module(module)
for name, argv in cases.items():
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.dup2(err_w, 2)
        os.close(err_r)
        code = 1
        try:
            code = importlib.import_module(argv[0]).main(argv[1:])
        except SystemExit as exc:
            code = exc.code
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code if isinstance(code, int) else 1)
    os.close(err_w)
    with os.fdopen(err_r) as f:
        err = f.read()
    _, status = os.waitpid(pid, 0)
    print(json.dumps([name, os.waitstatus_to_exitcode(status), err]), flush=True)
"""


def _train_cases(tmp: Path) -> dict[str, list[str]]:
    out = ["--out", str(tmp / "run.pt")]
    return {
        "device meta": TRAIN + out + ["--device", "meta"],
        "device xla": TRAIN + out + ["--device", "xla"],
        "batch 1e9": TRAIN + out + ["--batch-size", "1000000000"],
        "steps 1e30": TRAIN + out + ["--steps", str(10**30)],
        "steps 10**30 typed": TRAIN + out + ["--steps", "10**30"],
        "T 2048 d 256": TRAIN + out + ["--T", "2048", "--d", "256"],
        "seed 2**70": TRAIN + out + ["--seed", str(2**70)],
        "lr 1e400": TRAIN + out + ["--lr", "1e400"],
        "out /proc": [*TRAIN, "--out", "/proc/c.pt"],
        "out empty": [*TRAIN, "--out", "", "--force"],
        "name escapes": [*TRAIN, "--name", "../../../tmp/x"],
        "name hidden": [*TRAIN, "--name", ".hidden"],
        "paper steps 1e30": [*PAPER, "--out-dir", str(tmp), "--steps", str(10 ** 30)],
        "paper eval 1e9": [*PAPER, "--out-dir", str(tmp), "--eval-size", "1000000000"],
        "paper seed 2**70": [*PAPER, "--out-dir", str(tmp), "--seed", str(2 ** 70)],
        "paper out /proc": [*PAPER, "--out-dir", "/proc/icar"],
    }


def test_every_bad_argument_is_one_error_line_and_exit_2(tmp_path):
    shipped = sorted(p.name for p in CHECKPOINT_DIR.iterdir())
    cases = _train_cases(tmp_path)
    done = subprocess.run([sys.executable, "-c", _FORKING_RUNNER, json.dumps(cases)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    results = {name: (code, err) for name, code, err in map(json.loads, done.stdout.splitlines())}
    assert set(results) == set(cases), done.stderr[-2000:]
    failures = []
    for name, (code, err) in results.items():
        lines = err.strip().splitlines()
        if code != 2 or len(lines) != 1 or not lines[0].startswith("error: ") or len(lines[0]) > 320:
            failures.append(f"{name}: exit {code}, stderr {err[-500:]!r}")
    assert not failures, "\n".join(failures)
    assert sorted(p.name for p in CHECKPOINT_DIR.iterdir()) == shipped  # nothing written next to the shipped runs
    assert not Path("/tmp/x.pt").exists() and not list(tmp_path.glob("*.pt"))


def test_one_bad_argument_as_a_person_types_it(tmp_path):
    done = subprocess.run([sys.executable, "-m", *TRAIN, "--device", "meta", "--out", str(tmp_path / "r.pt")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == ["error: device must be cpu, cuda, cuda:N, mps or auto; got 'meta'"]


_INTERRUPTIBLE = """
import sys, time
from icar_core.train import main
print(time.time(), flush=True)
sys.exit(main(sys.argv[1:]))
"""


def test_first_save_is_early_and_two_interrupts_exit_130(tmp_path):
    out = tmp_path / "run.pt"
    process = subprocess.Popen([sys.executable, "-c", _INTERRUPTIBLE, "--preset", "augmented-commuting", "--quiet",
                                "--steps", "100000", "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        started = float(process.stdout.readline())
        while not out.exists() and time.time() - started < 30:
            time.sleep(0.02)
        first_save = time.time() - started
        assert out.exists() and first_save <= FIRST_SAVE_S, f"first save after {first_save:.2f} s"
        process.send_signal(signal.SIGINT)
        time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    ckpt = load_checkpoint(out)
    assert not ckpt.complete and ckpt.train_state["step"] >= 0
    assert not list(tmp_path.glob(".*.tmp"))  # the interrupted save finished or cleaned up


@pytest.mark.parametrize("name", ["ok-name", "run_2.v1"])
def test_plain_run_names_still_name_the_default_file(name):
    from icar_core.train import default_out

    assert default_out(name) == CHECKPOINT_DIR / f"{name}.pt"
