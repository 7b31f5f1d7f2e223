"""Live verdicts: one sentence per finding, computed from a loaded run (no Streamlit).

A :class:`Verdict` holds a text key (see ``icar_core.locales``), the numbers that fill it, and
whether the run shows the finding (``good``), so the same verdict reads in English or Japanese.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from icar_core.analysis import gd_verdict
from icar_core.checkpoints import Checkpoint
from icar_core.errors import NotApplicableError
from icar_core.structure import (
    circuit_structure,
    diagonal_circuit,
    fit_cosine,
    head_matrices,
    head_orthogonality,
    pe_profile,
    pe_profile_is_flat,
    random_cosine_level,
)

# A run "implements one GD step" when its predictions point where GD's do and its loss is GD's.
GD_COSINE_MIN = 0.99
GD_LOSS_TOLERANCE = 0.05
# Heads "are orthogonal" when their mean |cosine| is well below that of random directions.
ORTHOGONAL_FRACTION = 0.5
CIRCUIT_ERROR_MAX = 0.05


@dataclass(frozen=True)
class Verdict:
    key: str
    values: dict = field(default_factory=dict)
    good: bool | None = None


def gd_finding(ckpt: Checkpoint) -> Verdict:
    """Finding 1: does the model's prediction match one step of gradient descent?"""
    if ckpt.config.model.kind != "augmented":
        raise NotApplicableError("the gradient-descent comparison is made for runs with augmented tokens")
    v = gd_verdict(ckpt.model, ckpt.process)
    values = {"cosine": f"{v.prediction_cosine:.3f}", "ratio": f"{v.loss_ratio:.3f}",
              "contexts": v.n_contexts, "loss_contexts": v.loss_contexts}
    if v.prediction_cosine < GD_COSINE_MIN or v.loss_ratio > 1 + GD_LOSS_TOLERANCE:
        return Verdict("verdict.gd.bad", values, False)
    if v.loss_ratio < 1 - GD_LOSS_TOLERANCE and ckpt.config.model.structure == "full":
        # Unconstrained weights can also use the previous token, so the model can beat one GD step
        # while still pointing where it points; block weights cannot.
        return Verdict("verdict.gd.better", values, True)
    return Verdict("verdict.gd.good", values, True)


def heads_finding(ckpt: Checkpoint) -> Verdict:
    """Finding 2: do the heads split the work (``Bᵀ A`` a scaled identity or 2×2 blocks; heads less
    alike than random directions)?"""
    if ckpt.config.model.kind != "multihead":
        raise NotApplicableError("head orthogonality is measured on multi-head runs")
    scores = head_orthogonality(ckpt.model)
    score = float(np.mean([s.score for s in scores.values()]))
    k = int(np.prod(head_matrices(ckpt.model)[next(iter(scores))].shape[1:]))
    random_level = random_cosine_level(k)
    values = {"score": f"{score:.3f}", "random": f"{random_level:.3f}"}
    if ckpt.config.model.heads == "diagonal":
        shape = circuit_structure(diagonal_circuit(ckpt.model))
        values |= {"c": f"{shape.best_c:.3f}", "error": f"{100 * shape.best_rel_error:.2f}"}
        if shape.best_rel_error > CIRCUIT_ERROR_MAX:
            return Verdict("verdict.heads.no_structure", values, False)
        if shape.best == "rotation_blocks":
            return Verdict("verdict.heads.rotation_blocks", values, True)
        orthogonal = score <= ORTHOGONAL_FRACTION * random_level
        return Verdict("verdict.heads.scaled_identity" if orthogonal else "verdict.heads.identity_overlapping",
                       values, True)
    orthogonal = score <= ORTHOGONAL_FRACTION * random_level
    return Verdict("verdict.heads.full_good" if orthogonal else "verdict.heads.full_bad", values, orthogonal)


def positions_finding(ckpt: Checkpoint) -> Verdict:
    """Finding 3: is the last used row of the positional matrix a cosine?"""
    if pe_profile_is_flat(ckpt.model):
        return Verdict("verdict.positions.flat", {}, None)
    profile = pe_profile(ckpt.model)
    fit = fit_cosine(profile)
    # How much of one period the row spans: under about a third, a cosine and a gentle curve look alike.
    covered = fit.omega * (len(profile) - 1) / (2 * np.pi)
    values = {"r2": f"{fit.r2:.4f}", "omega": f"{fit.omega:.3f}", "period": f"{fit.period:.0f}",
              "window": len(profile), "covered": f"{100 * covered:.0f}%"}
    return Verdict("verdict.positions.cosine" if fit.well_described else "verdict.positions.not_cosine",
                   values, fit.well_described)
