"""Analysis speed: every analysis of each shipped run on 256 contexts, and of synthetic 64-head,
T = 100 models; median of repeated calls. Target: ≤ 0.5 s each on this CPU.

``best_gd_eta`` is timed from a cleared cache; the comparisons are timed with it cached, as the app has it
after the first call for a task (the first comparison of a task costs both rows).

Prints a table and writes ``benchmarks/results/analysis_speed.json`` (with the load average before and
after, since the machine is shared).

    python benchmarks/analysis_speed.py [--repeats 5] [--contexts 256]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from icar_core import analysis, structure, theory  # noqa: E402
from icar_core.checkpoints import list_checkpoints  # noqa: E402
from icar_core.data import ARProcess  # noqa: E402
from icar_core.errors import NotApplicableError  # noqa: E402
from icar_core.findings import FINDINGS  # noqa: E402
from icar_core.models import ModelConfig, build_model  # noqa: E402

TARGET_S = 0.5
RESULTS = ROOT / "benchmarks" / "results" / "analysis_speed.json"


def median_seconds(fn: Callable[[], object], repeats: int, warm: Callable[[], object]) -> tuple[float, float] | None:
    """Median wall and CPU time of ``fn`` (None if it does not apply to the model); ``warm`` runs before each
    repeat, untimed. CPU time is reported too: on a shared machine it moves far less with the load than wall
    time does."""
    wall, cpu = [], []
    for _ in range(repeats):
        warm()
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            fn()
        except NotApplicableError:
            return None
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def analyses(model, process: ARProcess, contexts: int) -> dict[str, Callable[[], object]]:
    states, W = process.sample(contexts, 7, torch.float64)
    tasks = {
        "compare_with_gd": lambda: analysis.compare_with_gd(model, states, W, process=process),
        "gd_curve": lambda: analysis.gd_curve(model, states, W, process=process),
        "best_gd_eta (8192 contexts)": lambda: analysis.best_gd_eta(process),
        "gauge_view": lambda: analysis.gauge_view(model, process),
        "head_matrices": lambda: structure.head_matrices(model),
        "head_orthogonality": lambda: structure.head_orthogonality(model),
        "circuit_structure": lambda: structure.circuit_structure(structure.diagonal_circuit(model)),
        "positional_pca": lambda: structure.positional_pca(structure.positional_rows(model)[0]),
        "fit_cosine (PE profile)": lambda: structure.fit_cosine(structure.pe_profile(model)),
    }
    if model.kind == "pe_only":
        tasks["pe_only_least_squares"] = lambda: theory.pe_only_least_squares(states)
    return tasks


def synthetic_models() -> list[tuple[str, torch.nn.Module, ARProcess]]:
    torch.manual_seed(0)
    process = ARProcess(d=8, T=100)
    return [
        ("synthetic augmented H=64 T=100",
         build_model(ModelConfig(kind="augmented", n_heads=64), 8, 100).double(), process),
        ("synthetic multihead full H=64 T=100",
         build_model(ModelConfig(kind="multihead", heads="full", positional="matrix", n_heads=64), 8, 100).double(),
         process),
        ("synthetic multihead diagonal H=64 T=100",
         build_model(ModelConfig(kind="multihead", heads="diagonal", positional="matrix", n_heads=64), 8, 100).double(),
         process),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="at least 3")
    parser.add_argument("--contexts", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (the app uses 1)")
    args = parser.parse_args()
    if args.repeats < 3:
        parser.error(f"--repeats must be at least 3 (a median of repeats); got {args.repeats}")
    torch.set_num_threads(args.threads)
    subjects = [(c.name, c.model.double(), c.process) for c in list_checkpoints(ROOT / "checkpoints").runs]
    subjects += synthetic_models()
    report = {"target_seconds": TARGET_S, "contexts": args.contexts, "threads": torch.get_num_threads(),
              "repeats": args.repeats, "load_average_before": os.getloadavg(), "results": {}}
    slow = []
    for name, model, process in subjects:
        row, cpu_row = {}, {}
        # The app draws the error curve only where Finding 1 applies (the GD page); elsewhere it is timed too,
        # and marked.
        not_in_app = [] if FINDINGS["gd"].applies(model) else ["gd_curve"]
        for task, fn in analyses(model, process, args.contexts).items():
            cold = task.startswith("best_gd_eta")
            timed = median_seconds(fn, args.repeats, analysis.best_gd_eta.cache_clear if cold else
                                   lambda process=process: analysis.best_gd_eta(process))
            if timed is None:
                continue
            row[task], cpu_row[task] = timed
            flag = "" if timed[0] <= TARGET_S else "  > target"
            if flag:
                slow.append(f"{name}: {task}")
            flag += "  (not run by the app)" if task in not_in_app else ""
            print(f"{name:42s} {task:28s} {1000 * timed[0]:9.1f} ms (CPU {1000 * timed[1]:7.1f} ms){flag}")
        report["results"][name] = {"contexts": args.contexts, "median_seconds": row, "median_cpu_seconds": cpu_row,
                                   "not_run_by_the_app": not_in_app}
    report["over_target"] = slow
    report["load_average_after"] = os.getloadavg()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"{len(slow)} analyses over {TARGET_S} s (load average {report['load_average_before'][0]:.1f} before, "
          f"{report['load_average_after'][0]:.1f} after); wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
