"""icar against the authors' own training, side by side: the Figure 5 setting (``augmented.py``: d = 5, n = 50,
Haar W, s_0 = ones/√d, a fixed set of 2^14 sequences in shuffled batches of 1024, Adam 1e-2, their model).

- A, icar: ``python -m icar_core.train --preset authors-augmented`` (the authors' architecture as an icar kind),
  measured as benchmarks/train_speed.py measures a preset (a fresh process; wall time from its start until the
  held-out loss is first within 2% of the run's final one, which the plateau rule decides).
- B, theirs: a re-implementation of ``augmented.py``'s loop in a fresh process: their data (numpy draws the Haar
  W and rolls the sequences out, where their script used scipy and jax), their model (tests/authors_reference.py,
  the independent re-implementation icar's tests check the kind against), a map-style dataset read item by item
  through a shuffling ``DataLoader``, ``nn.MSELoss`` on the first d outputs, Adam 1e-2, ``--epochs`` epochs
  (their 200 by default). Its test loss is taken after every epoch, off the clock (theirs every 10 epochs);
  wall time from the process start until the test loss is first within 2% of its final one.

The runs are interleaved A B A B … (``--repeats``); prints the medians and their ratio and writes
``benchmarks/results/vs_authors.json``.

    python benchmarks/vs_authors.py [--repeats 3] [--epochs 200] [--threads 1]
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
sys.path.insert(0, str(ROOT / "benchmarks"))
from train_speed import TARGET, measure  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "vs_authors.json"
ICAR_PRESET = "authors-augmented"
D, N, TRAIN_SEQUENCES, TEST_SEQUENCES, BATCH, LR, EPOCHS = 5, 50, 2**14, 2**10, 1024, 1e-2, 200
CHILD_TIMEOUT_S = 3600


def authors_child(epochs: int, threads: int, seed: int) -> None:
    """The authors' loop (runs in its own process); prints one JSON line."""
    import numpy as np
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, Dataset

    sys.path.insert(0, str(ROOT))
    from tests.authors_reference import RefTransformer, augmented_tokens

    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)

    def sequences(count: int) -> torch.Tensor:
        """(count, n+1, d) float32: s_{t+1} = W s_t, W Haar (QR of a Gaussian, signs fixed), s_0 = ones/√d."""
        q, r = np.linalg.qr(rng.standard_normal((count, D, D)))
        W = q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[:, None, :]
        states = [np.full((count, D), 1 / np.sqrt(D))]
        for _ in range(N):
            states.append(np.einsum("bij,bj->bi", W, states[-1]))
        return augmented_tokens(torch.from_numpy(np.stack(states, axis=1)).float())

    class Sequences(Dataset):  # item by item, as their CustomDataset
        def __init__(self, tokens: torch.Tensor) -> None:
            self.tokens = tokens

        def __len__(self) -> int:
            return len(self.tokens)

        def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
            return self.tokens[i, :-1], self.tokens[i, 1:]

    train_loader = DataLoader(Sequences(sequences(TRAIN_SEQUENCES)), batch_size=BATCH, shuffle=True)
    test_inputs, test_targets = Sequences(sequences(TEST_SEQUENCES))[:]
    model = RefTransformer(D, augmented=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    criterion = nn.MSELoss()
    set_up = time.time()
    clock, trained, losses = 0.0, [], []
    for _ in range(epochs):
        started = time.perf_counter()
        for inputs, targets in train_loader:
            optimizer.zero_grad()
            loss = criterion(model(inputs)[..., :D], targets[..., D : 2 * D])
            loss.backward()
            optimizer.step()
        clock += time.perf_counter() - started
        with torch.no_grad():  # off the clock
            losses.append(criterion(model(test_inputs)[..., :D], test_targets[..., D : 2 * D]).item())
        trained.append(clock)
    print(json.dumps({"set_up_at": set_up, "train_s": trained, "test_loss": losses}))


def measure_authors(args: argparse.Namespace, seed: int) -> dict:
    launched = time.time()
    done = subprocess.run([sys.executable, __file__, "--child", "--epochs", str(args.epochs), "--threads",
                           str(args.threads), "--seed", str(seed)],
                          capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, check=False)
    if done.returncode:
        raise RuntimeError(f"the authors' loop failed:\n{done.stderr[-2000:]}")
    r = json.loads(done.stdout.strip().splitlines()[-1])
    final = r["test_loss"][-1]
    epoch = next(i for i, loss in enumerate(r["test_loss"]) if loss <= TARGET * final)
    set_up = r["set_up_at"] - launched
    return {"set_up_s": set_up, "epochs": len(r["test_loss"]), "final_loss": final, "epochs_to_target": epoch + 1,
            "wall_s_to_target": set_up + r["train_s"][epoch], "s_per_epoch": r["train_s"][-1] / len(r["train_s"]),
            "wall_s": set_up + r["train_s"][-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=EPOCHS, help=f"the authors' epochs (theirs: {EPOCHS})")
    parser.add_argument("--threads", type=int, default=1, help="torch threads of each run (default 1)")
    parser.add_argument("--device", default="cpu", help=argparse.SUPPRESS)  # train_speed.measure reads it
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        authors_child(args.epochs, args.threads, args.seed)
        return
    load_before = os.getloadavg()[0]
    icar, authors = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(args.repeats):  # A B A B …
            icar.append(measure(ICAR_PRESET, ROOT, args, Path(tmp)))
            authors.append(measure_authors(args, seed=rep))
            print(f"  rep {rep + 1}: icar {icar[-1]['wall_s_to_target']:.1f} s to 2%, "
                  f"authors' loop {authors[-1]['wall_s_to_target']:.1f} s to 2%", flush=True)
    load_after = os.getloadavg()[0]
    a = {k: statistics.median(r[k] for r in icar) for k in ("wall_s_to_target", "step_at_target", "fixed_cost_s",
                                                           "steps_per_s", "wall_s", "final_loss")}
    b = {k: statistics.median(r[k] for r in authors) for k in ("wall_s_to_target", "epochs_to_target", "set_up_s",
                                                              "s_per_epoch", "wall_s", "final_loss")}
    ratio = b["wall_s_to_target"] / a["wall_s_to_target"]
    print(f"load average before {load_before:.2f}, after {load_after:.2f}; {args.threads} torch thread(s); "
          f"medians of {args.repeats}")
    print(f"icar {ICAR_PRESET}: {a['wall_s_to_target']:.1f} s to within {TARGET - 1:.0%} of its final loss "
          f"(step {a['step_at_target']:.0f}; fixed cost {a['fixed_cost_s']:.1f} s, {a['steps_per_s']:.1f} steps/s)")
    print(f"authors' loop: {b['wall_s_to_target']:.1f} s to within {TARGET - 1:.0%} of its final loss after "
          f"{args.epochs} epochs (epoch {b['epochs_to_target']:.0f}; set-up {b['set_up_s']:.1f} s, "
          f"{b['s_per_epoch']:.1f} s an epoch)")
    print(f"ratio (authors' / icar's time to 2%): {ratio:.2f}x")
    report = {"machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(), "threads": args.threads,
              "repeats": args.repeats, "epochs": args.epochs, "load_average_before": load_before,
              "load_average_after": load_after, "target_ratio": TARGET, "icar_median": a, "authors_median": b,
              "ratio": ratio, "icar_runs": icar, "authors_runs": authors}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2))
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
