"""Stop at convergence: each augmented and diagonal preset, trained with its plateau rule, against the
held-out loss of the shipped 4,000 / 3,000-step checkpoint. Target: within 2% of it, ≤ 15 s wall each.
CPU seconds are printed beside wall seconds: on a loaded machine they estimate the quiet wall time of a
one-thread run (``--threads 1``).

Prints a table (preset, steps run, why it stopped, wall s, final loss, shipped loss, ratio) and writes
``benchmarks/results/converge.json``. Wall time is the whole ``train`` call (set-up, evaluation, saves).

    python benchmarks/converge.py [--preset NAME ...]
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
from icar_core.train import CHECKPOINT_DIR, PRESETS, train  # noqa: E402

TARGET_RATIO = 1.02
TARGET_WALL_S = 15.0
MEASURED = ("augmented-commuting", "augmented-orthogonal", "multihead-diagonal-commuting",
            "multihead-diagonal-rotation")
RESULTS = ROOT / "benchmarks" / "results" / "converge.json"


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
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
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
