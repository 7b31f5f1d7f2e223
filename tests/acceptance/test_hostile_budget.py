"""Issue 12: opening every file of the hostile corpus and computing the Home page's verdicts for the
ones that open stays within 1 GB above the idle app, and each verdict within 5 s.

Measured in a fresh process (peak resident memory from ``resource.getrusage``), so nothing else that
the test session loaded counts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.hostile_corpus import build_corpus

ROOT = Path(__file__).resolve().parents[2]
PEAK_ABOVE_IDLE_MB = 1024
VERDICT_SECONDS = 5.0

_MEASURE = """
import json, resource, sys, time
from pathlib import Path
import torch
torch.set_num_threads(1)  # as the dashboard does (runtime.configure_process)
from icar_core import CheckpointError, list_checkpoints, load_checkpoint
from icar_core.errors import NotApplicableError
from icar_core.findings import FINDINGS

def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

list_checkpoints(sys.argv[1])  # the idle app: every module imported, the shipped runs listed
idle = peak_mb()
seconds, opened = {}, 0
for path in sorted(Path(sys.argv[2]).glob("*.pt")):
    try:
        ckpt = load_checkpoint(path)
    except CheckpointError:
        continue
    opened += 1
    for finding in FINDINGS.values():
        started = time.perf_counter()
        try:
            finding.verdict(ckpt)
        except NotApplicableError:
            continue
        seconds[f"{path.stem}:{finding.id}"] = time.perf_counter() - started
print(json.dumps({"idle_mb": idle, "peak_mb": peak_mb(), "seconds": seconds, "opened": opened}))
"""


def test_loading_the_corpus_and_its_verdicts_stay_within_budget(tmp_path):
    corpus = build_corpus(tmp_path / "corpus")
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(ROOT / "checkpoints"), str(tmp_path / "corpus")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(json.dumps(result, indent=1))
    assert result["opened"] == sum(expected == "open" for _, expected in corpus.values())
    assert result["seconds"], "no verdict was computed"
    assert result["peak_mb"] - result["idle_mb"] <= PEAK_ABOVE_IDLE_MB, result
    slow = {k: v for k, v in result["seconds"].items() if v > VERDICT_SECONDS}
    assert not slow, slow
