"""Sweep overhead: a sweep run from scratch by ``python -m icar_core.sweep``'s own code on a local Ray instance; the
runs' own time (training + measuring, summed over runs) against what the workers could do in the wall time.
Target: overhead ≤ 20%. Default: the shipped sweep (45 runs, ~10 min on 2 quiet cores).

Prints the numbers and writes ``benchmarks/results/sweep_overhead.json``.

    python benchmarks/sweep_overhead.py [--file sweeps/augmented-commuting-T-d.toml] [--num-cpus 2]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from icar_core.sweep import run_sweep  # noqa: E402
from icar_core.sweep_spec import load_sweep_file  # noqa: E402

TARGET = 0.20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", default=str(ROOT / "sweeps" / "augmented-commuting-T-d.toml"))
    parser.add_argument("--num-cpus", type=int, default=2)
    args = parser.parse_args()
    spec = load_sweep_file(args.file)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        s = run_sweep(spec, Path(folder) / "bench", num_cpus=args.num_cpus)
    overhead = 1 - s["task_seconds"] / (s["wall_seconds"] * min(s["workers"], s["runs"]))
    result = {"sweep": Path(args.file).name, "runs": s["runs"], "failed": s["failed"], "workers": s["workers"],
              "wall_seconds": round(s["wall_seconds"], 1), "runs_own_seconds": round(s["task_seconds"], 1),
              "runs_per_minute": round(60 * s["runs"] / s["wall_seconds"], 2), "overhead": round(overhead, 3),
              "target": TARGET, "load_average_before": load_before, "load_average_after": os.getloadavg()}
    print(json.dumps(result, indent=1))
    out = ROOT / "benchmarks" / "results" / "sweep_overhead.json"
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
