"""The registry's verdicts on the shipped runs: each corrected claim fails on the old behaviour."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from icar_core.checkpoints import list_checkpoints
from icar_core.findings import FINDINGS, run_for
from icar_core.structure import compare_shapes, overlap_invariance

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def runs():
    return {c.name: c for c in list_checkpoints(ROOT / "checkpoints").runs}


def test_the_rotation_run_does_not_claim_orthogonal_heads(runs):
    verdict = FINDINGS["heads"].verdict(runs["multihead-diagonal-rotation"])
    assert verdict.key == "verdict.heads.rotation_blocks"  # C = c·(I + S), not c·I
    (overlap_key, values), = verdict.extra
    assert overlap_key == "verdict.heads.overlap_random"  # its overlap is that of random directions ...
    assert float(values["low"]) < float(values["score"]) < float(values["high"])  # ... and not fixed by C


def test_the_unitary_run_has_orthogonal_heads_under_every_rotation_tried(runs):
    verdict = FINDINGS["heads"].verdict(runs["multihead-diagonal-commuting"])
    assert verdict.key == "verdict.heads.scaled_identity"
    assert verdict.extra[0][0] == "verdict.heads.overlap_orthogonal"


def test_rotating_the_heads_changes_no_prediction_but_moves_the_overlap(runs):
    model = runs["multihead-diagonal-rotation"].model
    A, B = (v.detach().double().numpy() for v in model.diagonal_vectors())
    Q = np.linalg.qr(np.random.default_rng(0).normal(size=(len(A), len(A))))[0]
    np.testing.assert_allclose((Q @ B).T @ (Q @ A), B.T @ A, atol=1e-12)  # C, hence every prediction
    invariance = overlap_invariance(A, B)
    assert invariance.high - invariance.low > 0.05 and invariance.gram_error > 0.3


def test_finding_3_leads_with_the_recurrence(runs):
    rotation = FINDINGS["positions"].recurrence(runs["multihead-diagonal-rotation"])
    assert rotation.newest == pytest.approx(2.0, abs=1e-3) and rotation.previous == pytest.approx(-1.0, abs=1e-3)
    unitary = FINDINGS["positions"].recurrence(runs["multihead-diagonal-commuting"])
    assert unitary.newest == pytest.approx(1.0, abs=1e-3) and abs(unitary.previous) < 1e-3
    assert FINDINGS["positions"].default_run == "multihead-diagonal-rotation"
    assert FINDINGS["positions"].verdict(runs["multihead-diagonal-rotation"]).key == "verdict.positions.chebyshev"


def test_no_fit_is_reported_on_a_flat_row(runs):
    shape = FINDINGS["positions"].shape(runs["multihead-diagonal-commuting"])  # every entry below 7e-9
    assert shape.flat and shape.fit is None and shape.shapes is None


def test_a_frequency_at_the_search_bound_is_flagged(runs):
    verdict = FINDINGS["positions"].verdict(runs["pe-only-mu100"])
    assert verdict.key == "verdict.positions.bound" and verdict.good is False


def test_cosine_against_cubic_per_mu(runs):
    keys = {mu: FINDINGS["positions"].verdict(runs[f"pe-only-mu{mu}"]).key for mu in (50, 100, 200, 300)}
    assert keys[300] == "verdict.positions.like_cubic"  # R² 1.0000, yet a cubic predicts held-out points as well
    assert keys[50] == "verdict.positions.not_cosine"
    # A cubic with as many parameters fits μ = 300's row within a factor of 2 of the cosine's held-out error.
    from icar_core.structure import pe_profile

    shapes = compare_shapes(pe_profile(runs["pe-only-mu300"].model))
    assert shapes.cubic < 2 * shapes.cosine


def test_every_finding_has_a_default_run_that_it_applies_to(runs):
    for finding in FINDINGS.values():
        default = runs[finding.default_run]
        assert finding.applies(default.model)
        assert run_for(finding.id, runs["augmented-commuting"], list(runs.values())).name in (
            finding.default_run, "augmented-commuting")
