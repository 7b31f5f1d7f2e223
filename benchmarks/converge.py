"""Stop at convergence: each augmented and diagonal preset, trained with its plateau rule, against the
held-out loss of the shipped 4,000 / 3,000-step checkpoint. Target: within 2% of it, ≤ 15 s wall each.
CPU seconds are printed beside wall seconds: on a loaded machine they estimate the quiet wall time of a
one-thread run (``--threads 1``).

Prints a table (preset, steps run, why it stopped, wall s, final loss, shipped loss, ratio) and writes
``benchmarks/results/converge.json``. Wall time is the whole ``train`` call (set-up, evaluation, saves).

    python benchmarks/converge.py [--preset NAME ...] [--threads N]
    python benchmarks/converge.py --replay   # no training: where the rule stops on each shipped history

The replay is exact up to round-off: the rule does not change a run before it stops it (the data, the seed and
the learning-rate schedule do not depend on it), so a run with the rule follows its shipped history to there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from icar_core.checkpoints import load_checkpoint  # noqa: E402
from icar_core.config import Plateau  # noqa: E402
from icar_core.train import CHECKPOINT_DIR, PRESETS, train  # noqa: E402

TARGET_RATIO = 1.02
TARGET_WALL_S = 15.0
MEASURED = ("augmented-commuting", "augmented-orthogonal", "multihead-diagonal-commuting",
            "multihead-diagonal-rotation")
RESULTS = ROOT / "benchmarks" / "results" / "converge.json"
REPLAY = ROOT / "benchmarks" / "results" / "converge_replay.json"


def replay(preset: str) -> dict:
    """Where the preset's plateau rule stops on its shipped history (None: it does not; the run goes to its cap)."""
    config, history = PRESETS[preset], load_checkpoint(CHECKPOINT_DIR / f"{preset}.pt").history
    rule = Plateau(config.plateau_patience, config.plateau_tol)
    stop = next((i for i, loss in enumerate(history["eval_loss"]) if rule.update(loss)), None)
    final = float(history["eval_loss"].iloc[-1])
    row = {"preset": preset, "cap": config.steps, "shipped_steps": int(history["step"].iloc[-1]), "shipped_loss": final}
    if stop is not None:
        row |= {"stop_step": int(history["step"][stop]), "loss_at_stop": float(history["eval_loss"][stop]),
                "ratio": float(history["eval_loss"][stop]) / final}
    return row


def measure(preset: str, folder: Path) -> dict:
    shipped = load_checkpoint(CHECKPOINT_DIR / f"{preset}.pt")
    started, cpu_started = time.perf_counter(), time.process_time()
    ckpt = train(PRESETS[preset], folder / f"{preset}.pt", progress=False, force=True)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    final, reference = float(ckpt.history["eval_loss"].iloc[-1]), float(shipped.history["eval_loss"].iloc[-1])
    return {"preset": preset, "steps": int(ckpt.train_state["step"]), "stop_reason": ckpt.train_state["stop_reason"],
            "wall_s": wall, "cpu_s": cpu, "final_loss": final, "shipped_steps": int(shipped.train_state["step"]),
            "shipped_loss": reference, "ratio": final / reference,
            "within_target": final <= TARGET_RATIO * reference and wall <= TARGET_WALL_S}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", action="append", choices=sorted(PRESETS), help="default: the four measured")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads(), help="torch threads (default: torch's)")
    parser.add_argument("--replay", action="store_true", help="replay the rule on the shipped histories instead")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.replay:
        rows = [replay(name) for name in (args.preset or PRESETS)]
        for r in rows:
            stop = (f"stops at {r['stop_step']:5d}: {r['loss_at_stop']:.4e} ({r['ratio']:.4f} x shipped)"
                    if "stop_step" in r else "no plateau: runs to its cap or stop_loss")
            print(f"{r['preset']:30s} cap {r['cap']:6d}  shipped {r['shipped_steps']:5d} steps "
                  f"{r['shipped_loss']:.4e}  {stop}")
        REPLAY.write_text(json.dumps(rows, indent=2))
        print(f"wrote {REPLAY.relative_to(ROOT)}")
        return
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(name, Path(tmp)) for name in (args.preset or MEASURED)]
    after = os.getloadavg()[0]
    print(f"load average before: {load:.2f}, after: {after:.2f}; torch threads {torch.get_num_threads()}")
    print(f"{'preset':30s} {'steps':>6s} {'stop':>8s} {'wall s':>7s} {'cpu s':>6s} {'final':>11s} {'shipped':>11s} "
          f"{'ratio':>7s}")
    for r in rows:
        print(f"{r['preset']:30s} {r['steps']:6d} {r['stop_reason']:>8s} {r['wall_s']:7.1f} {r['cpu_s']:6.1f} "
              f"{r['final_loss']:11.4e} {r['shipped_loss']:11.4e} {r['ratio']:7.4f}"
              f"{'' if r['within_target'] else '  (misses target)'}")
    report = {"machine": platform.processor() or platform.machine(), "torch": torch.__version__,
              "threads": torch.get_num_threads(), "load_average_before": load, "load_average_after": after,
              "target_ratio": TARGET_RATIO, "target_wall_s": TARGET_WALL_S, "presets": rows}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
