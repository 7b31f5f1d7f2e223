"""Analysis speed: every analysis of each shipped run on 256 contexts, and of synthetic 64-head,
T = 100 models; median of repeated calls (caches cleared). Target: ≤ 0.5 s each on this CPU.

Prints a table and writes ``benchmarks/results/analysis_speed.json``.

    python benchmarks/analysis_speed.py [--repeats 5] [--contexts 256]
"""

from __future__ import annotations

import argparse
import json
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
from icar_core.models import ModelConfig, build_model  # noqa: E402

TARGET_S = 0.5
RESULTS = ROOT / "benchmarks" / "results" / "analysis_speed.json"


def median_seconds(fn: Callable[[], object], repeats: int) -> float | None:
    """Median wall time of ``fn`` (None if it does not apply to the model)."""
    times = []
    for _ in range(repeats):
        analysis.best_gd_eta.cache_clear()
        start = time.perf_counter()
        try:
            fn()
        except NotApplicableError:
            return None
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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
    if model.kind == "multihead" and process.T >= 100:
        # A local linearisation at each of T positions costs T times compare_with_gd (minutes here).
        del tasks["gd_curve"]
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
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--contexts", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (the app uses 1)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    subjects = [(c.name, c.model.double(), c.process) for c in list_checkpoints(ROOT / "checkpoints").runs]
    subjects += synthetic_models()
    report = {"target_seconds": TARGET_S, "contexts": args.contexts, "threads": torch.get_num_threads(),
              "results": {}}
    slow = []
    for name, model, process in subjects:
        row = {}
        # gd_curve of a non-augmented model needs a Jacobian at every position (T times the work of
        # compare_with_gd); fewer contexts keep those runs short, and the count is recorded.
        contexts = args.contexts if model.kind in ("augmented", "pe_only") else args.contexts // 4
        if name.startswith("synthetic multihead"):
            contexts = args.contexts // 16
        for task, fn in analyses(model, process, contexts).items():
            seconds = median_seconds(fn, args.repeats)
            if seconds is None:
                continue
            row[task] = seconds
            flag = "" if seconds <= TARGET_S else "  > target"
            if flag:
                slow.append(f"{name}: {task}")
            print(f"{name:42s} {task:28s} {1000 * seconds:9.1f} ms{flag}")
        report["results"][name] = {"contexts": contexts, "median_seconds": row}
    report["over_target"] = slow
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"{len(slow)} analyses over {TARGET_S} s; wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
