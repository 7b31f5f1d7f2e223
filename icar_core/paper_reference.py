"""The paper's closed-form optimisation (its Figure 3) as ordinary icar runs.

``python -m icar_core.paper_reference --out-dir checkpoints`` minimises the authors' two closed-form
objectives with their settings (:func:`icar_core.theory.minimise_paper_objective`), converts the
result into icar's diagonal multi-head model and saves it as a normal checkpoint,
``paper-reference-unitary.pt`` and ``paper-reference-orthogonal.pt``, so every view can show the
paper's optimum next to a trained run.

Two conversions happen on the way:
- ``P``: the paper's row t is icar's row t+1 (:func:`icar_core.theory.paper_to_model_P`).
- scale: the orthogonal objective assumes ``s_0 = (1, …, 1)``, radius √2 in every rotation plane,
  while icar's process has radius 1 (``unit_planes``). The model is cubic in the states and the
  target linear, so the same predictions up to that scale need ``C = Bᵀ A`` twice as large:
  ``A`` and ``B`` are multiplied by √2 and the loss in icar's units is the paper's divided by 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from icar_core import cli
from icar_core.checkpoints import Checkpoint, checkpoint_payload, load_checkpoint, save_checkpoint
from icar_core.config import TrainConfig
from icar_core.data import ARProcess
from icar_core.models import ModelConfig, MultiheadLinearAttention, build_model, prediction_loss
from icar_core.theory import (
    PAPER_CASES,
    PAPER_PROBLEMS,
    expected_loss_orthogonal,
    expected_loss_unitary,
    minimise_paper_objective,
    paper_objective,
    paper_to_model_P,
    state_scale,
)
from icar_core.validation import check_choice, check_int

CHECKPOINT_DIR = Path(__file__).resolve().parent.parent / "checkpoints"


def reference_name(case: str) -> str:
    check_choice("case", case, PAPER_CASES)
    return f"paper-reference-{case}"


def reference_process(case: str) -> ARProcess:
    """The sequences the paper's objective averages over, in icar's terms.

    Commuting rotations with angles uniform on [0, 2π) (μ = 1) in the identity basis, radius 1 in every
    plane. Unitary: d complex coordinates = 2d real ones.
    """
    check_choice("case", case, PAPER_CASES)
    spec = PAPER_PROBLEMS[case]
    d = 2 * spec.d if case == "unitary" else spec.d
    return ARProcess(d=d, T=spec.T, w_dist="commuting", mu=1.0, basis="identity", s0="unit_planes")


def reference_model_config(case: str, n_heads: int | None = None) -> ModelConfig:
    """Diagonal heads, positional matrix, shifted query: the model the closed forms describe."""
    check_choice("case", case, PAPER_CASES)
    return ModelConfig(kind="multihead", n_heads=n_heads or PAPER_PROBLEMS[case].H, heads="diagonal",
                       positional="matrix", field="complex" if case == "unitary" else "real", query="previous")


def loss_to_model_units(case: str, objective: float, T: int) -> float:
    """A paper objective (sum over T-1 rows, paper radius) in the units of ``prediction_loss``.

    Scaling the states by r multiplies the loss by r² at fixed predictions, so divide by scale².
    """
    return objective / (T - 1) / state_scale(case) ** 2


def paper_model(case: str, A: torch.Tensor, B: torch.Tensor, P: torch.Tensor) -> MultiheadLinearAttention:
    """icar's model (float64, eval mode) holding paper-convention ``A, B (H, d)`` and ``P (T, T)``."""
    process = reference_process(case)
    model = build_model(reference_model_config(case, A.shape[0]), process.d, P.shape[-1]).to(torch.float64)
    scale = state_scale(case)
    with torch.no_grad():
        model.A.copy_(A * scale)
        model.B.copy_(B * scale)
        model.P.copy_(paper_to_model_P(P.to(torch.float64)))
    return model.eval()


def expected_model_loss(case: str, A: torch.Tensor, B: torch.Tensor, P: torch.Tensor) -> float:
    """Exact expected ``prediction_loss`` of :func:`paper_model` on :func:`reference_process`."""
    radius = PAPER_PROBLEMS[case].radius
    expected = expected_loss_unitary if case == "unitary" else expected_loss_orthogonal
    return loss_to_model_units(case, float(expected(A, B, P, radius=radius)), P.shape[-1])


def reference_config(case: str, steps: int | None = None, seed: int = 0, eval_size: int = 1024,
                     n_snapshots: int = 30) -> TrainConfig:
    """The :class:`TrainConfig` recorded in a paper-reference checkpoint.

    There are no sampled batches (the objective is an expectation), so ``batch_size`` repeats
    ``eval_size``, the size of the fixed sample behind ``eval_loss``.
    """
    spec = PAPER_PROBLEMS[case]
    steps = spec.steps if steps is None else steps
    return TrainConfig(name=reference_name(case), process=reference_process(case),
                       model=reference_model_config(case), steps=steps, batch_size=eval_size, lr=spec.lr,
                       optimizer="gd", eval_size=eval_size, seed=seed, log_every=max(1, steps // 40),
                       n_snapshots=n_snapshots, dtype="float64")


def log_steps(steps: int, count: int) -> list[int]:
    """About ``count`` steps from 0 to ``steps``, half geometric (early change is fast), half even."""
    geometric = np.round(np.geomspace(1, max(steps, 1), count // 2)).astype(int)
    even = np.linspace(0, steps, count // 2 + 1).round().astype(int)
    return sorted(s for s in {0, steps, *geometric.tolist(), *even.tolist()} if 0 <= s <= steps)


def snapshot_steps(steps: int, count: int) -> list[int]:
    """About ``count`` geometrically spaced steps, 0 and ``steps`` included (all of them if fewer)."""
    if steps + 1 <= count:
        return list(range(steps + 1))
    points = count - 1
    while True:  # rounding merges early steps, so ask for more points until there are enough
        chosen = {0, steps, *np.round(np.geomspace(1, steps, points)).astype(int).tolist()}
        if len(chosen) >= count:
            return sorted(chosen)
        points += 1


def _eval_seed(seed: int) -> int:
    # The convention of icar_core.train: the evaluation set of a run with seed s uses seed s·1_000_003.
    return (seed * 1_000_003) % (2**62)


def build_paper_reference(case: str, out_path: str | Path, steps: int | None = None, seed: int = 0,
                          eval_size: int = 1024, n_snapshots: int = 30, n_log: int = 40,
                          progress: bool = True) -> Checkpoint:
    """Minimise the paper's ``case`` objective, convert to icar's model, save a checkpoint at ``out_path``.

    History columns: ``step``; ``train_loss`` (the paper's objective in ``prediction_loss`` units);
    ``expected_loss`` (the exact expectation of the converted model's loss, which the paper's
    objective only approximates away from the optimum); ``eval_loss`` (the converted model's
    ``prediction_loss`` on a fixed sample of ``eval_size`` sequences). Returns the loaded checkpoint.
    """
    config = reference_config(case, steps, seed, eval_size, n_snapshots)
    check_int("n_log", n_log, 2)
    logged, snapped = log_steps(config.steps, n_log), set(snapshot_steps(config.steps, n_snapshots))
    bar = tqdm(total=config.steps, desc=config.name, disable=not progress, leave=False, mininterval=0.5)
    try:
        fit = minimise_paper_objective(case, steps=config.steps, seed=seed, snapshot_at=set(logged) | snapped,
                                       on_step=lambda step, loss: bar.update(1))
    finally:
        bar.close()
    eval_states = config.process.sample(eval_size, _eval_seed(seed), torch.float64)[0]
    T = config.process.T
    history: dict[str, list[float]] = {"step": [], "train_loss": [], "expected_loss": [], "eval_loss": []}
    snapshots = []
    for step, A, B, P in fit.snapshots:
        model = paper_model(case, A, B, P)
        if step in logged:
            with torch.no_grad():
                eval_loss = prediction_loss(model, eval_states).item()
            history["step"].append(step)
            history["train_loss"].append(loss_to_model_units(case, float(fit.losses[step]), T))
            history["expected_loss"].append(expected_model_loss(case, A, B, P))
            history["eval_loss"].append(eval_loss)
        if step in snapped:
            snapshots.append((step, {k: v.detach().clone() for k, v in model.state_dict().items()}))
    final = paper_model(case, fit.A, fit.B, fit.P)
    train_state = {
        "step": config.steps, "complete": True, "seconds": fit.seconds,
        "objective": f"paper closed form, {case} case (Sander et al., ICML 2024, Figure 3)",
        "state_scale": state_scale(case),
        "paper_objective": float(paper_objective(case, fit.A, fit.B, fit.P)),
        "paper_A": fit.A.clone(), "paper_B": fit.B.clone(), "paper_P": fit.P.clone(),
    }
    save_checkpoint(out_path, checkpoint_payload(config, final, history, snapshots, train_state))
    return load_checkpoint(out_path)


def _parser() -> argparse.ArgumentParser:
    p = cli.OneLineParser(prog="python -m icar_core.paper_reference",
                description="Minimise the paper's closed-form objectives and save them as icar checkpoints.")
    p.add_argument("--out-dir", default=str(CHECKPOINT_DIR), help="folder for paper-reference-<case>.pt")
    p.add_argument("--case", choices=(*PAPER_CASES, "all"), default="all", help="which problem (default: all)")
    p.add_argument("--steps", type=int, help="gradient steps (default: the authors': 100 / 100,000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the initialisation and the evaluation sample")
    p.add_argument("--eval-size", type=int, default=1024, help="sequences behind eval_loss (default: 1024)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    def body() -> int:
        cases = PAPER_CASES if args.case == "all" else (args.case,)
        for case in cases:  # every argument checked, and the folder proved writable, before any work
            reference_config(case, args.steps, args.seed, args.eval_size)
        cli.check_writable_folder(Path(args.out_dir))
        for case in cases:
            out = Path(args.out_dir) / f"{reference_name(case)}.pt"
            ckpt = build_paper_reference(case, out, steps=args.steps, seed=args.seed, eval_size=args.eval_size,
                                         progress=not args.quiet)
            last = ckpt.history.iloc[-1]
            print(f"saved {out} ({out.stat().st_size / 1024:.0f} KiB): {ckpt.train_state['step']} steps in "
                  f"{ckpt.train_state['seconds']:.1f} s, paper objective {last['train_loss']:.3e}, expected loss "
                  f"{last['expected_loss']:.3e}, eval loss {last['eval_loss']:.3e} (per position)")
        return 0

    return cli.run(body)


if __name__ == "__main__":
    sys.exit(main())
