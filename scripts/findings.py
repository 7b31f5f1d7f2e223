"""Write ``docs/findings.md``: the paper's findings measured on the shipped runs (never by hand).

    python scripts/findings.py            # reads checkpoints/ and, if present, ../shared/reference/

Every number in the document is computed here from the checkpoints (and the authors' arrays).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from icar_core.analysis import fit_preconditioner, gauge_view, gd_loss_ratios, gd_verdict, model_update  # noqa: E402
from icar_core.checkpoints import list_checkpoints  # noqa: E402
from icar_core.errors import NotApplicableError  # noqa: E402
from icar_core.structure import (  # noqa: E402
    circuit_structure,
    diagonal_circuit,
    fit_cosine,
    head_orthogonality,
    pe_profile,
    positional_pca,
    positional_rows,
)
from icar_core.theory import gd_sums  # noqa: E402

REFERENCE = ROOT.parent / "shared" / "reference"
OUT = ROOT / "docs" / "findings.md"


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def preconditioned_fit_errors(model, process, n_contexts: int = 512) -> tuple[float, float]:
    """How far the model's update Γ is, pooled over contexts at the last position, from the
    preconditioned GD step ``Σ s_t s_{t-1}ᵀ · P`` (one d×d matrix P fitted over contexts, a secondary
    reference) and from the plain ``η Σ s_t s_{t-1}ᵀ`` (one η fitted the same way)."""
    states = process.sample(n_contexts, 2024, torch.float64)[0][:, :-1]
    gamma = model_update(model.double(), states, last_only=True).current[:, -1]
    G = gd_sums(states)[:, -1].numpy()
    eta = float((G * gamma).sum() / (G * G).sum())
    return fit_preconditioner(G, gamma)[1], float(np.linalg.norm(gamma - eta * G) / np.linalg.norm(gamma))


def gd_section(runs: dict) -> list[str]:
    lines = ["## Finding 1 — augmented tokens: one step of gradient descent", "",
             "Model vs the task's best single GD step (η per context length fitted on 8,192 separate contexts). "
             "Cosines and distances: medians over 512 fresh contexts at the last position. Loss ratios: means over "
             "8,192 fresh contexts, because on 512 contexts the ratio moves by several percent from sample to sample "
             "(a few hard contexts dominate a mean squared error); the last column shows that spread. "
             "The pooled errors weigh contexts by the size of their update, so they exceed the per-context medians.",
             "",
             "| run | loss ratio (last position) | loss ratio (all positions) | median prediction cosine "
             "| median sensitivity cosine | median prediction difference | median update rel. error vs W_GD "
             "| pooled rel. error of the best Σ·P fit (of η·Σ) | loss ratio on 5 samples of 512 |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name in ("augmented-commuting", "augmented-orthogonal"):
        if name not in runs:
            continue
        model, process = runs[name].model, runs[name].process
        v = gd_verdict(model, process)
        spread = [gd_loss_ratios(model, process, 512, seed)[0] for seed in range(5)]
        pre, plain = preconditioned_fit_errors(model, process)
        lines.append(f"| {name} | {v.loss_ratio:.4f} | {v.loss_ratio_all:.4f} | {v.prediction_cosine:.4f} | "
                     f"{v.sensitivity_cosine:.4f} | {v.prediction_diff:.4f} | {v.update_rel_error:.4f} | "
                     f"{pre:.4f} ({plain:.4f}) | {min(spread):.3f} – {max(spread):.3f} |")
    if "augmented-commuting" in runs:
        g = gauge_view(runs["augmented-commuting"].model, runs["augmented-commuting"].process)
        lines += ["", "Gauge-invariant view of `augmented-commuting` (block structure): the effective preconditioner "
                  f"V_blk·(K_blkᵀQ_blk) = {g.c:.4f}·I with relative error {g.rel_error:.4f}; V_blk and K_blkᵀQ_blk "
                  f"deviate from per-plane scaled rotations by {g.V_commutator:.4f} and {g.KQ_commutator:.4f}; "
                  f"their rotation angles per plane are {np.round(g.V_angles, 3).tolist()} and "
                  f"{np.round(g.KQ_angles, 3).tolist()} rad (opposite)."]
    return [*lines, ""]


def heads_section(runs: dict) -> list[str]:
    lines = ["## Finding 2 — plain tokens: heads split the work", "",
             "| run | circuit fit | c | rel. error | mean abs cosine between heads (per circuit) |",
             "|---|---|---|---|---|"]
    for ckpt in runs.values():
        if ckpt.config.model.kind != "multihead":
            continue
        scores = ", ".join(f"{k}: {v.score:.3f}" for k, v in head_orthogonality(ckpt.model).items())
        if ckpt.config.model.heads == "diagonal":
            s = circuit_structure(diagonal_circuit(ckpt.model))
            lines.append(f"| {ckpt.name} | {s.best} | {s.best_c:.4f} | {s.best_rel_error:.2e} | {scores} |")
        else:
            lines.append(f"| {ckpt.name} | (full heads) | | | {scores} |")
    return [*lines, ""]


def positions_section(runs: dict) -> list[str]:
    lines = ["## Finding 3 — positional encodings", "",
             "Last used row of P (row T−1 without the newest-token entry) fitted by a·cos(ωt + φ) + b; "
             "PCA of the used rows of P (or of the positional embeddings).", "",
             "| run | μ | ω (rad/step) | R² | well described by a cosine | PCA: first 3 components | "
             "cosine with the authors' row |", "|---|---|---|---|---|---|---|"]
    for ckpt in runs.values():
        model = ckpt.model
        try:
            pca = positional_pca(positional_rows(model)[0])
        except NotApplicableError:
            continue  # no learned positions (augmented runs)
        pca_text = f"{pca.cumulative_ratio:.3f}"
        try:
            profile = pe_profile(model)
        except NotApplicableError:
            if ckpt.config.model.kind == "multihead" and ckpt.config.model.positional == "embedding":
                lines.append(f"| {ckpt.name} (embeddings) | | | | | {pca_text} | |")
            continue
        fit = fit_cosine(profile)
        mu = ckpt.process.mu
        authors = REFERENCE / "paper_pe_only" / f"pe_eps_mu_{int(mu)}.npy"
        cos = ""
        if ckpt.config.model.kind == "pe_only" and authors.exists():
            ref = np.load(authors)
            cos = f"{_cos(profile, ref[ref.shape[0] - 2, : ref.shape[0] - 1]):.5f}"
        lines.append(f"| {ckpt.name} | {mu:g} | {fit.omega:.4f} | {fit.r2:.5f} | {fit.well_described} | "
                     f"{pca_text} | {cos} |")
    return [*lines, ""]


def authors_section() -> list[str]:
    tensors, pe = REFERENCE / "paper_tensors", REFERENCE / "paper_pe_only"
    if not tensors.exists():
        return ["## The authors' arrays", "", f"`{REFERENCE}` is absent here, so this section is empty.", ""]
    lines = ["## The authors' arrays (read from `../shared/reference/`)", ""]
    for case in ("unitary", "orthogonal"):
        A, B = np.load(tensors / f"A_{case}.npy"), np.load(tensors / f"B_{case}.npy")
        s = circuit_structure(diagonal_circuit((A, B)))
        score = head_orthogonality(A).score
        lines.append(f"- {case}: Bᵀ A best fit {s.best}, c = {s.best_c:.4f}, relative error {s.best_rel_error:.2e}; "
                     f"rows of A: mean abs cosine {score:.4f}.")
    for mu in (50, 100, 200, 300):
        P = np.load(pe / f"pe_eps_mu_{mu}.npy")
        fit = fit_cosine(P[P.shape[0] - 2, : P.shape[0] - 1])
        pca = positional_pca(P[: P.shape[0] - 1])
        lines.append(f"- PE-only μ = {mu}: last used row ω = {fit.omega:.4f} rad/step, R² = {fit.r2:.5f} "
                     f"(well described: {fit.well_described}); PCA first 3 components {pca.cumulative_ratio:.3f}.")
    return [*lines, ""]


def main() -> None:
    listing = list_checkpoints(ROOT / "checkpoints")
    runs = {c.name: c for c in listing.runs}
    lines = ["# Findings measured on the shipped runs", "",
             f"Generated by `python scripts/findings.py` on {date.today().isoformat()} from `checkpoints/` "
             f"({len(runs)} runs). Do not edit by hand.", ""]
    lines += gd_section(runs) + heads_section(runs) + positions_section(runs) + authors_section()
    if listing.failed:
        lines += ["## Files that failed to load", ""] + [f"- {p.name}: {reason}" for p, reason in listing.failed]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
