"""Stress-test page: what a first visit computes for each shipped run (the stress curves, the spectrum and, for
augmented runs, the interpolation), with no cache, at the page's default n; median of repeated calls, on one
torch thread (the dashboard's). Target: ≤ 2 s per run for the whole page's analyses.

Prints a table and writes ``benchmarks/results/stress_page.json``.

    python benchmarks/stress_page.py [--repeats 3] [--runs augmented-commuting ...]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from icar_core.checkpoints import list_checkpoints  # noqa: E402
from icar_core.stress import Shift, stress_contexts  # noqa: E402
from icar_core.views.stress import interpolation_applies, interpolation_of, spectrum_of, stress_of  # noqa: E402

TARGET_S = 2.0
RESULTS = ROOT / "benchmarks" / "results" / "stress_page.json"
SHIFTS = {"none": Shift(), "haar": Shift(w_dist="orthogonal"), "noise 0.1": Shift(noise=0.1)}


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--runs", nargs="*", default=None, help="shipped run names (default: all)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    runs = [c for c in list_checkpoints(ROOT / "checkpoints").runs if args.runs is None or c.name in args.runs]
    rows = []
    for ckpt in runs:
        for label, shift in SHIFTS.items():
            row = {"run": ckpt.name, "shift": label, "contexts": stress_contexts(ckpt.model, ckpt.process),
                   "stress_s": median_seconds(lambda c=ckpt, s=shift: stress_of(c, s), args.repeats),
                   "spectrum_s": median_seconds(lambda c=ckpt, s=shift: spectrum_of(c, s, 0), args.repeats)}
            # The interpolation does not depend on the shift: it is computed once per run.
            row["interpolation_s"] = (median_seconds(lambda c=ckpt: interpolation_of(c), args.repeats)
                                      if interpolation_applies(ckpt) and label == "none" else 0.0)
            row["page_s"] = row["stress_s"] + row["spectrum_s"] + row["interpolation_s"]
            rows.append(row)
            print(f"{row['run']:30s} {label:10s} n={row['contexts']:5d}  stress {row['stress_s']:.2f} s  "
                  f"spectrum {row['spectrum_s']:.2f} s  interpolation {row['interpolation_s']:.2f} s  "
                  f"page {row['page_s']:.2f} s{'' if row['page_s'] <= TARGET_S else '  (over target)'}", flush=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"target_s": TARGET_S, "repeats": args.repeats, "threads": 1,
                                   "load_average": os.getloadavg(), "rows": rows}, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)} (load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
