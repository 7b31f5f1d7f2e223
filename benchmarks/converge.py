"""Stop at convergence: ``python -m icar_core.train --all-presets`` as a user runs it (a fresh process, into an
empty folder), every preset against the held-out loss of its shipped checkpoint (where that was rebuilt with a
shorter schedule, of the run it replaced: ``REPLACED``). Targets (issue 10): each
augmented and diagonal preset within 2% of its shipped loss in ≤ 15 s wall; the whole command under 3 minutes.

Prints a table (preset, steps run, why it stopped, wall s, final loss, shipped loss, ratio) and the total, and
writes ``benchmarks/results/converge.json``. A preset's wall time is the time between the final saves of its
run and the one before (the first: from the start of the command), so it includes set-up, evaluation and saves.

    python benchmarks/converge.py [--threads 1]      # the whole --all-presets command
    python benchmarks/converge.py --preset NAME ...  # only these presets, each trained in this process
    python benchmarks/converge.py --replay           # no training: where the rule stops on each shipped history

The replay is exact up to round-off: the rule does not change a run before it stops it (the data, the seed and
the learning-rate schedule do not depend on it), so a run with the rule follows its shipped history to there.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from icar_core.checkpoints import load_checkpoint  # noqa: E402
from icar_core.config import Plateau, data_seed  # noqa: E402
from icar_core.models import prediction_loss  # noqa: E402
from icar_core.train import CHECKPOINT_DIR, PRESETS, train  # noqa: E402

TARGET_RATIO = 1.02
TARGET_WALL_S = 15.0
TARGET_TOTAL_S = 180.0
# The presets the 2% and 15 s targets are for; the others (the authors' architectures, PE-only) count in the total.
MEASURED = ("augmented-commuting", "augmented-orthogonal", "multihead-diagonal-commuting",
            "multihead-diagonal-rotation")
# Where a shipped checkpoint was rebuilt with a shorter schedule (issue 10), the run it replaced stays the target, so
# the goalposts do not move: multihead-diagonal-rotation's 3,000-step cosine at lr 1e-2 (benchmarks/results/
# converge.json before the change; its float32 and float64 held-out losses).
REPLACED = {"multihead-diagonal-rotation": {"steps": 3000, "loss": 1.797576842932358e-08,
                                            "float64_loss": 1.7974357807920785e-08}}
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


def float64_loss(ckpt) -> float:
    """The held-out loss of the run's weights computed in float64 on its evaluation set rolled out in float64. Near
    float32's round-off (the diagonal presets' ~1e-12) the float32 loss measures mostly round-off: reordering the
    same sums moves it by a few percent, so only this one tells two such runs apart."""
    config = ckpt.config
    states = config.process.sample(config.eval_size, data_seed(config.seed, -1), torch.float64)[0]
    model = copy.deepcopy(ckpt.model).double()
    with torch.no_grad():
        return sum(prediction_loss(model, part) * len(part) for part in states.split(256)).item() / len(states)


def compare(preset: str, ckpt, wall: float, cpu: float | None = None) -> dict:
    """A trained run's row: its steps, why it stopped, its wall time and its final loss against the shipped run's
    (or, where that was rebuilt, the run it replaced: REPLACED)."""
    final = float(ckpt.history["eval_loss"].iloc[-1])
    if preset in REPLACED:
        reference, exact_shipped, shipped_steps = (REPLACED[preset][k] for k in ("loss", "float64_loss", "steps"))
    else:
        shipped = load_checkpoint(CHECKPOINT_DIR / f"{preset}.pt")
        reference, exact_shipped = float(shipped.history["eval_loss"].iloc[-1]), float64_loss(shipped)
        shipped_steps = int(shipped.train_state["step"])
    targeted = preset in MEASURED
    exact = float64_loss(ckpt)
    return {"preset": preset, "steps": int(ckpt.train_state["step"]), "stop_reason": ckpt.train_state["stop_reason"],
            "wall_s": wall, "cpu_s": cpu, "final_loss": final, "shipped_steps": shipped_steps,
            "shipped_loss": reference, "replaced_run": preset in REPLACED, "ratio": final / reference,
            "float64_loss": exact,
            "shipped_float64_loss": exact_shipped, "float64_ratio": exact / exact_shipped, "targeted": targeted,
            "within_target": final <= TARGET_RATIO * reference and wall <= TARGET_WALL_S if targeted else None}


def measure(preset: str, folder: Path) -> dict:
    started, cpu_started = time.perf_counter(), time.process_time()
    ckpt = train(PRESETS[preset], folder / f"{preset}.pt", progress=False, force=True)
    return compare(preset, ckpt, time.perf_counter() - started, time.process_time() - cpu_started)


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure_all_presets(folder: Path, threads: int) -> tuple[list[dict], float, float]:
    """Run the command in a fresh process; each preset's wall time from the final saves' modification times, and
    the command's CPU seconds (on a loaded machine, an estimate of its quiet wall time with one thread)."""
    env = os.environ | {"OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    started, cpu_started = time.time(), _children_cpu_s()
    subprocess.run([sys.executable, "-m", "icar_core.train", "--all-presets", "--out-dir", str(folder), "--quiet"],
                   cwd=ROOT, env=env, check=True, timeout=3600)
    total, cpu = time.time() - started, _children_cpu_s() - cpu_started
    rows, previous = [], started
    for preset in PRESETS:  # trained in this order
        path = folder / f"{preset}.pt"
        saved = path.stat().st_mtime
        rows.append(compare(preset, load_checkpoint(path), saved - previous))
        previous = saved
    return rows, total, cpu


def _ratio(value: float) -> str:
    """Four decimals, or a mantissa and exponent for a ratio far below 1 (a run that beats its target by far)."""
    return f"{value:.4f}" if value >= 1e-3 else f"{value:.1e}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", action="append", choices=sorted(PRESETS),
                        help="train only these, in this process (default: the whole --all-presets command)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
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
        if args.preset:
            rows = [measure(name, Path(tmp)) for name in args.preset]
            total, cpu = sum(r["wall_s"] for r in rows), sum(r["cpu_s"] for r in rows)
        else:
            rows, total, cpu = measure_all_presets(Path(tmp), args.threads)
    after = os.getloadavg()[0]
    print(f"load average before: {load:.2f}, after: {after:.2f}; torch threads {args.threads}")
    print(f"{'preset':30s} {'steps':>6s} {'stop':>9s} {'wall s':>7s} {'final':>11s} {'shipped':>11s} {'ratio':>7s} "
          f"{'f64 final':>11s} {'f64 shipped':>11s} {'f64 ratio':>9s}")
    for r in rows:
        verdict = "" if r["within_target"] is None else "  ok" if r["within_target"] else "  (misses target)"
        print(f"{r['preset']:30s} {r['steps']:6d} {r['stop_reason']:>9s} {r['wall_s']:7.1f} {r['final_loss']:11.4e} "
              f"{r['shipped_loss']:11.4e} {_ratio(r['ratio']):>7s} {r['float64_loss']:11.4e} "
              f"{r['shipped_float64_loss']:11.4e} {_ratio(r['float64_ratio']):>9s}{verdict}")
    print(f"total {total:.1f} s wall, {cpu:.1f} s CPU (target < {TARGET_TOTAL_S:.0f} s wall)")
    report = {"machine": platform.processor() or platform.machine(), "torch": torch.__version__,
              "threads": args.threads, "load_average_before": load, "load_average_after": after,
              "command": "all presets" if not args.preset else "presets in this process",
              "target_ratio": TARGET_RATIO, "target_wall_s": TARGET_WALL_S, "target_total_s": TARGET_TOTAL_S,
              "total_wall_s": total, "total_cpu_s": cpu, "presets": rows}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
