"""Training speed: steps per second and wall time until the eval loss is within 2% of one GD step.

For the ``augmented-commuting`` and ``augmented-orthogonal`` presets, three seeds each, on the CPU.
Prints a table and writes ``benchmarks/results/train_speed.json``. Times count the training steps
only (sampling, forward, backward, update), not the periodic evaluation.

    python benchmarks/train_speed.py [--steps N] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from icar_core.train import PRESETS, train  # noqa: E402

TARGET = 1.02  # eval loss / best-η GD loss
RESULTS = ROOT / "benchmarks" / "results" / "train_speed.json"


def measure(preset: str, seed: int, steps: int | None, folder: Path) -> dict:
    config = replace(PRESETS[preset], seed=seed, log_every=5, **({"steps": steps} if steps else {}))
    ckpt = train(config, folder / f"{preset}-{seed}.pt", progress=False, save_every_s=1e9)
    history = ckpt.history
    reached = history[history["eval_loss"] <= TARGET * history["gd_loss"]]
    return {
        "seed": seed,
        "steps": int(ckpt.train_state["step"]),
        "seconds": float(ckpt.train_state["seconds"]),
        "steps_per_second": ckpt.train_state["step"] / ckpt.train_state["seconds"],
        "seconds_to_target": float(reached["seconds"].iloc[0]) if len(reached) else None,
        "step_at_target": int(reached["step"].iloc[0]) if len(reached) else None,
        "final_ratio_to_gd": float(history["eval_loss"].iloc[-1] / history["gd_loss"].iloc[-1]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, help="override the presets' step counts")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    report = {"machine": platform.processor() or platform.machine(), "torch": torch.__version__,
              "threads": torch.get_num_threads(), "target_ratio": TARGET, "presets": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for preset in ("augmented-commuting", "augmented-orthogonal"):
            runs = [measure(preset, seed, args.steps, Path(tmp)) for seed in range(args.repeats)]
            to_target = [r["seconds_to_target"] for r in runs if r["seconds_to_target"] is not None]
            summary = {
                "median_steps_per_second": statistics.median(r["steps_per_second"] for r in runs),
                "median_seconds_total": statistics.median(r["seconds"] for r in runs),
                "median_seconds_to_target": statistics.median(to_target) if to_target else None,
                "runs_reaching_target": f"{len(to_target)}/{len(runs)}",
                "median_final_ratio_to_gd": statistics.median(r["final_ratio_to_gd"] for r in runs),
                "runs": runs,
            }
            report["presets"][preset] = summary
            print(f"{preset:22s} {summary['median_steps_per_second']:7.1f} steps/s  "
                  f"total {summary['median_seconds_total']:6.1f} s  "
                  f"to {TARGET}x GD: {summary['median_seconds_to_target']} s ({summary['runs_reaching_target']})  "
                  f"final ratio {summary['median_final_ratio_to_gd']:.4f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
