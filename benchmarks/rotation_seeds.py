"""multihead-diagonal-rotation across seeds, and its training step against another checkout's, side by side.

The preset's final held-out loss depends on the random stream (the seed fixes the initialisation, the data and the
evaluation set), so one seed proves little: this trains the preset as defined for each ``--seed`` (default 0–3), in
this process with one thread, and reports the steps run, why it stopped, wall and CPU seconds, the final held-out
loss and its ratio to the run the preset replaced (``converge.REPLACED``: the 3,000-step cosine at lr 1e-2, the
target of issue 10). Steps are load-independent; seconds are not, so the load average is printed with them.

With ``--baseline PATH`` it also times the preset's training step (fresh data, forward, backward, Adam; the batch
size each checkout's preset has) in this checkout and in the one at PATH, in fresh processes, interleaved
(A B A B …) so both see the same load.

    python benchmarks/rotation_seeds.py [--seed 0 --seed 1 ...] [--baseline /path/to/other/checkout] [--repeats 3]

Writes ``benchmarks/results/rotation_seeds.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.converge import REPLACED, TARGET_RATIO, TARGET_WALL_S  # noqa: E402
from icar_core.train import PRESETS, train  # noqa: E402

PRESET = "multihead-diagonal-rotation"
RESULTS = ROOT / "benchmarks" / "results" / "rotation_seeds.json"
TIMED_STEPS = 150
CHILD_TIMEOUT_S = 600

# One process per checkout: the median wall ms of TIMED_STEPS training steps of the preset as that checkout defines
# it (its batch size, unless --batch-size gives one for both), of their forward-backward-update part alone (the data
# drawn before the clock starts), and the mean CPU ms per step (on a loaded machine closer to the quiet wall time).
STEP_TIMER = r"""
import sys, time, statistics, torch
sys.path.insert(0, sys.argv[1])
torch.set_num_threads(1)
from icar_core.config import data_seed
from icar_core.models import build_model, prediction_loss
from icar_core.optim import Adam
from icar_core.train import PRESETS
config = PRESETS[sys.argv[2]]
batch = int(sys.argv[4]) or config.batch_size
torch.manual_seed(0)
model = build_model(config.model, config.process.d, config.process.T)
optimizer = Adam(model.parameters(), lr=1e-3)  # small: the timing should not depend on where the weights go
whole, update = [], []
cpu_started = time.process_time()
for step in range(int(sys.argv[3])):
    started = time.perf_counter()
    states = config.process.sample(batch, data_seed(0, step))[0]
    drawn = time.perf_counter()
    loss = prediction_loss(model, states)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    done = time.perf_counter()
    whole.append(done - started)
    update.append(done - drawn)
cpu = (time.process_time() - cpu_started) / int(sys.argv[3])
print(1e3 * statistics.median(whole), 1e3 * statistics.median(update), 1e3 * cpu)
"""


def seed_row(seed: int, folder: Path) -> dict:
    config = replace(PRESETS[PRESET], seed=seed)
    started, cpu_started = time.perf_counter(), time.process_time()
    ckpt = train(config, folder / f"seed{seed}.pt", progress=False, force=True)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    final, reference = float(ckpt.history["eval_loss"].iloc[-1]), REPLACED[PRESET]["loss"]
    steps = int(ckpt.train_state["step"])
    return {"seed": seed, "steps": steps, "stop_reason": ckpt.train_state["stop_reason"], "wall_s": wall,
            "cpu_s": cpu, "loop_ms_per_step": 1e3 * float(ckpt.train_state["seconds"]) / max(steps, 1),
            "final_loss": final, "replaced_loss": reference, "ratio": final / reference,
            "loss_within_target": final <= TARGET_RATIO * reference, "wall_within_target": wall <= TARGET_WALL_S}


def step_times(trees: dict[str, str], repeats: int, batch: int) -> dict[str, list[list[float]]]:
    times: dict[str, list[list[float]]] = {name: [] for name in trees}
    for _ in range(repeats):
        for name, tree in trees.items():
            command = [sys.executable, "-c", STEP_TIMER, tree, PRESET, str(TIMED_STEPS), str(batch)]
            out = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=True,
                                 timeout=CHILD_TIMEOUT_S).stdout
            times[name].append([float(v) for v in out.split()])
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, action="append", help="seeds to train (default 0 1 2 3)")
    parser.add_argument("--baseline", help="another checkout of icar whose training step to time side by side")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved step timings per checkout")
    parser.add_argument("--batch-size", type=int, default=0,
                        help="time both checkouts' steps at this batch size (default: each preset's own)")
    parser.add_argument("--no-train", action="store_true", help="only the step timings")
    args = parser.parse_args()
    torch.set_num_threads(1)
    report: dict = {"preset": PRESET, "config": PRESETS[PRESET].to_dict(), "replaced": REPLACED[PRESET],
                    "load_average_before": os.getloadavg()[0]}
    if not args.no_train:
        with tempfile.TemporaryDirectory() as tmp:
            rows = [seed_row(seed, Path(tmp)) for seed in (args.seed or [0, 1, 2, 3])]
        report["seeds"] = rows
        print(f"{'seed':>4s} {'steps':>6s} {'stop':>9s} {'wall s':>7s} {'cpu s':>6s} {'ms/step':>7s} {'final':>11s} "
              f"{'ratio':>8s}  (ratio: to the replaced run's {REPLACED[PRESET]['loss']:.4e})")
        for r in rows:
            print(f"{r['seed']:4d} {r['steps']:6d} {r['stop_reason']:>9s} {r['wall_s']:7.1f} {r['cpu_s']:6.1f} "
                  f"{r['loop_ms_per_step']:7.1f} {r['final_loss']:11.4e} {r['ratio']:8.2e}"
                  f"  loss {'ok' if r['loss_within_target'] else 'misses'}, "
                  f"wall {'ok' if r['wall_within_target'] else f'over {TARGET_WALL_S:.0f} s'}")
    if args.baseline:
        times = step_times({"this": str(ROOT), "baseline": str(Path(args.baseline).resolve())}, args.repeats,
                           args.batch_size)
        report["step_batch_size"] = args.batch_size or "each preset's own"
        report["step_ms"] = {name: {"step": [t[0] for t in v], "forward_backward_update": [t[1] for t in v],
                                    "cpu_per_step": [t[2] for t in v]} for name, v in times.items()}
        for name, v in times.items():
            print(f"{name:8s} step ms (median of {TIMED_STEPS}, per repeat): {' '.join(f'{t[0]:.1f}' for t in v)}; "
                  f"without drawing the data: {' '.join(f'{t[1]:.1f}' for t in v)}; "
                  f"CPU ms per step: {' '.join(f'{t[2]:.1f}' for t in v)}")
    report["load_average_after"] = os.getloadavg()[0]
    print(f"load average before {report['load_average_before']:.2f}, after {report['load_average_after']:.2f}")
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
