"""Training speed: the fixed cost before the first step, steps per second, the forward-backward floor, and the time
until the held-out loss is within 2% of the run's own converged loss.

Each repetition trains every preset once, in a fresh process per run (so imports count), and the repetitions are
interleaved (A B A B …); with ``--baseline PATH`` every run is repeated in another checkout of icar (e.g. the
main branch before a change), interleaved with this one, so the two are compared under the same load.

- fixed cost: wall time from starting the process to the first logged row (step 0: imports, the model, the
  evaluation set, the GD-reference fit, the first forward pass and its evaluation);
- loop: the run's recorded training seconds per step (data, forward, backward, update, the periodic evaluation),
  over the whole run and over its second half ("steady");
- floor: one forward and backward pass of a fresh model of the same preset on a fixed batch, ``FLOOR_PASSES`` of
  them at every logged row *during* training (in the ``on_record`` hook, whose time is not training time), so the
  floor sees the CPU in the state the loop does: these CPUs change speed under load (a fresh model's pass: 5.0-5.6
  ms at a process's start, 3.2 ms after 2.5 s of a Python busy loop; 12-23 ms on another day's machine, measured
  once after training). The loop's ratio to it is what the loop adds: over the whole run (every pass's median),
  and over the run's second half ("steady", the passes taken there);
- to 2%: wall time from the start of the process until the held-out loss is first within ``TARGET`` of the
  run's final one.

Prints a table of medians and writes ``benchmarks/results/train_speed.json``.

    python benchmarks/train_speed.py [--preset NAME ...] [--repeats 3] [--baseline /path/to/other/checkout]
                                     [--threads 1] [--device cpu]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "train_speed.json"
TARGET = 1.02  # held-out loss / the run's final held-out loss
FLOOR_PASSES = 2  # per logged row
FLOOR_WARM_UP_PASSES = 2  # once, before the first
DEFAULT_PRESETS = ("augmented-commuting", "augmented-orthogonal")
CHILD_TIMEOUT_S = 1200


def child(preset: str, tree: str, threads: int, device: str, out: str) -> None:
    """Train ``preset`` with the icar of ``tree`` and print one JSON line (runs in its own process)."""
    sys.path.insert(0, tree)
    import torch

    torch.set_num_threads(threads)
    from icar_core.models import build_model, prediction_loss
    from icar_core.train import PRESETS, resolve_device, train

    first_row: list[float] = []
    config = PRESETS[preset]
    dev = resolve_device(device)
    floor: dict = {}  # the fresh model and its fixed batch, made at the first row (after the fixed cost)
    passes: list[tuple[int, float]] = []  # (step, seconds) of each floor pass

    def hook(step: int, model, history) -> None:
        if not first_row:
            first_row.append(time.time())
            torch.manual_seed(config.seed)
            floor["model"] = build_model(config.model, config.process.d, config.process.T).to(dev, config.torch_dtype)
            floor["batch"] = config.process.sample(config.batch_size, 12345, config.torch_dtype)[0].to(dev)
            for _ in range(FLOOR_WARM_UP_PASSES):
                prediction_loss(floor["model"], floor["batch"]).backward()
        for _ in range(FLOOR_PASSES):
            started = time.perf_counter()
            floor["model"].zero_grad(set_to_none=True)
            prediction_loss(floor["model"], floor["batch"]).backward()
            if dev.type == "cuda":
                torch.cuda.synchronize()
            passes.append((step, time.perf_counter() - started))

    ckpt = train(config, out, device=device, progress=False, on_record=hook, save_every_s=1e9, force=True)
    finished = time.time()
    history = ckpt.history
    final = float(history["eval_loss"].iloc[-1])
    reached = history[history["eval_loss"] <= TARGET * final]
    steady = history[history["step"] >= history["step"].iloc[-1] / 2]
    print(json.dumps({
        "first_row_at": first_row[0], "finished_at": finished, "steps": int(ckpt.train_state["step"]),
        "stop_reason": ckpt.train_state.get("stop_reason", ""), "loop_s": float(ckpt.train_state["seconds"]),
        "floor_s": statistics.median(s for _, s in passes),
        "steady_floor_s": statistics.median(s for step, s in passes if step >= steady["step"].iloc[0]),
        "final_loss": final,
        "loop_s_to_target": float(reached["seconds"].iloc[0]), "step_at_target": int(reached["step"].iloc[0]),
        "steady_s": float(steady["seconds"].iloc[-1] - steady["seconds"].iloc[0]),
        "steady_steps": int(steady["step"].iloc[-1] - steady["step"].iloc[0]),
    }))


def measure(preset: str, tree: Path, args: argparse.Namespace, folder: Path) -> dict:
    out = folder / f"{preset}.pt"
    launched = time.time()
    done = subprocess.run([sys.executable, __file__, "--child", preset, "--tree", str(tree), "--out", str(out),
                           "--threads", str(args.threads), "--device", args.device],
                          capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, check=False)
    if done.returncode:
        raise RuntimeError(f"{preset} in {tree} failed:\n{done.stderr[-2000:]}")
    r = json.loads(done.stdout.strip().splitlines()[-1])
    fixed = r["first_row_at"] - launched
    loop_step = r["loop_s"] / max(r["steps"], 1)
    steady_step = r["steady_s"] / max(r["steady_steps"], 1)
    return {"steps": r["steps"], "stop_reason": r["stop_reason"], "fixed_cost_s": fixed,
            "steps_per_s": r["steps"] / r["loop_s"], "loop_ms_per_step": 1e3 * loop_step,
            "floor_ms_per_step": 1e3 * r["floor_s"], "loop_over_floor": loop_step / r["floor_s"],
            "steady_ms_per_step": 1e3 * steady_step, "steady_floor_ms_per_step": 1e3 * r["steady_floor_s"],
            "steady_over_floor": steady_step / r["steady_floor_s"],
            "wall_s_to_target": fixed + r["loop_s_to_target"], "step_at_target": r["step_at_target"],
            "wall_s": r["finished_at"] - launched, "final_loss": r["final_loss"]}


SUMMARISED = ("fixed_cost_s", "steps_per_s", "loop_ms_per_step", "floor_ms_per_step", "loop_over_floor",
              "steady_ms_per_step", "steady_over_floor", "wall_s_to_target", "wall_s", "steps", "final_loss")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", action="append", help=f"default: {', '.join(DEFAULT_PRESETS)}")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another icar checkout, measured interleaved with this one")
    parser.add_argument("--threads", type=int, default=1, help="torch threads of each run (default 1)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.tree, args.threads, args.device, args.out)
        return
    trees = {"this": ROOT} | ({"baseline": args.baseline.resolve()} if args.baseline else {})
    presets = args.preset or list(DEFAULT_PRESETS)
    load_before = os.getloadavg()[0]
    runs: dict[str, dict[str, list[dict]]] = {label: {p: [] for p in presets} for label in trees}
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(args.repeats):  # interleaved: every preset and tree once per repetition
            for preset in presets:
                for label, tree in trees.items():
                    runs[label][preset].append(measure(preset, tree, args, Path(tmp)))
                    print(f"  rep {rep + 1} {label:8s} {preset}: {runs[label][preset][-1]['wall_s']:.1f} s wall",
                          flush=True)
    load_after = os.getloadavg()[0]
    summary = {label: {p: {k: statistics.median(r[k] for r in rs) for k in SUMMARISED}
                       for p, rs in by_preset.items()} for label, by_preset in runs.items()}
    print(f"load average before {load_before:.2f}, after {load_after:.2f}; {args.threads} torch thread(s), "
          f"{args.device}; medians of {args.repeats}")
    print(f"{'tree':8s} {'preset':30s} {'fixed s':>7s} {'steps/s':>8s} {'loop ms':>8s} {'floor ms':>8s} "
          f"{'ratio':>6s} {'steady ms':>9s} {'ratio':>6s} {'to 2% s':>7s} {'wall s':>7s} {'steps':>6s}")
    for label, by_preset in summary.items():
        for p, m in by_preset.items():
            print(f"{label:8s} {p:30s} {m['fixed_cost_s']:7.2f} {m['steps_per_s']:8.1f} {m['loop_ms_per_step']:8.2f} "
                  f"{m['floor_ms_per_step']:8.2f} {m['loop_over_floor']:6.2f} {m['steady_ms_per_step']:9.2f} "
                  f"{m['steady_over_floor']:6.2f} {m['wall_s_to_target']:7.2f} {m['wall_s']:7.2f} {m['steps']:6.0f}")
    if args.baseline:
        for p in presets:
            a, b = summary["this"][p], summary["baseline"][p]
            print(f"{p}: fixed cost {b['fixed_cost_s'] / a['fixed_cost_s']:.2f}x lower, "
                  f"{a['steps_per_s'] / b['steps_per_s']:.2f}x the steps/s, "
                  f"time to 2% {b['wall_s_to_target'] / a['wall_s_to_target']:.2f}x shorter")
    report = {"machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(), "threads": args.threads,
              "device": args.device, "repeats": args.repeats, "load_average_before": load_before,
              "load_average_after": load_after, "target_ratio": TARGET,
              "trees": {label: str(tree) for label, tree in trees.items()}, "median": summary, "runs": runs}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
