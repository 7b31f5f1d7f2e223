"""Tests of icar_core.structure against independent truth: numpy SVD, synthetic profiles with known
parameters, hand-built products, and the authors' reference arrays (read from ../shared/reference)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch

from icar_core.errors import NotApplicableError
from icar_core.models import ModelConfig, build_model
from icar_core.structure import (
    COSINE_R2_THRESHOLD,
    circuit_structure,
    diagonal_circuit,
    fit_cosine,
    head_matrices,
    head_orthogonality,
    omega_bounds,
    pe_profile,
    plane_swap,
    positional_pca,
    positional_rows,
    rotation_block_fit,
    scaled_identity_fit,
    token_block_labels,
)

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"
MUS = (50, 100, 200, 300)


def _reference(name: str) -> np.ndarray:
    path = REFERENCE / name
    if not path.exists():
        pytest.skip(f"authors' reference array {path} is absent (the shared/reference folder sits beside the "
                    "checkout in CI); these tests need it")
    return np.load(path).astype(np.float64)


def _model(d: int = 4, T: int = 6, **config) -> torch.nn.Module:
    torch.manual_seed(0)
    return build_model(ModelConfig(**config), d, T)


# ---------------------------------------------------------------------------------------------------------------
# PCA
# ---------------------------------------------------------------------------------------------------------------

def test_positional_pca_matches_numpy_svd_of_centred_rows():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(29, 30)) @ np.diag(np.linspace(3, 0.1, 30))
    pca = positional_pca(X, n_components=3)
    centred = X - X.mean(axis=0)
    U, s, Vt = np.linalg.svd(centred, full_matrices=False)
    np.testing.assert_allclose(pca.explained_variance_ratio, (s**2 / np.sum(s**2))[:3], rtol=1e-10)
    np.testing.assert_allclose(pca.mean, X.mean(axis=0), atol=1e-12)
    for k in range(3):
        sign = np.sign(pca.components[k] @ Vt[k])  # components are defined up to sign
        np.testing.assert_allclose(pca.components[k], sign * Vt[k], atol=1e-10)
        np.testing.assert_allclose(pca.coordinates[:, k], sign * U[:, k] * s[k], atol=1e-10)
    assert pca.cumulative_ratio == pytest.approx(float(np.sum(s[:3] ** 2) / np.sum(s**2)))


def test_positional_pca_equals_scikit_learn():
    from sklearn.decomposition import PCA  # the independent reference (a test requirement, not the dashboard's)

    X = np.random.default_rng(2).normal(size=(19, 7)) @ np.random.default_rng(3).normal(size=(7, 7))
    ours = positional_pca(X, n_components=3)
    theirs = PCA(n_components=3, svd_solver="full").fit(X)
    np.testing.assert_allclose(ours.explained_variance_ratio, theirs.explained_variance_ratio_, rtol=1e-10)
    np.testing.assert_allclose(ours.components, theirs.components_, atol=1e-10)  # the same signs too
    np.testing.assert_allclose(ours.coordinates, theirs.transform(X), atol=1e-10)
    np.testing.assert_allclose(ours.mean, theirs.mean_, atol=1e-12)


def test_positional_pca_caps_components_and_handles_constant_rows():
    assert positional_pca(np.random.default_rng(1).normal(size=(4, 10)), n_components=8).components.shape == (4, 10)
    flat = positional_pca(np.ones((5, 3)), n_components=2)
    assert np.all(np.isfinite(flat.explained_variance_ratio)) and flat.cumulative_ratio == 0.0
    with pytest.raises(ValueError):
        positional_pca(np.ones(5))


# ---------------------------------------------------------------------------------------------------------------
# Cosine fit
# ---------------------------------------------------------------------------------------------------------------

def _wrap(angle: float) -> float:
    return (angle + math.pi) % (2 * math.pi) - math.pi


@pytest.mark.parametrize(("omega", "amplitude", "phase", "offset"),
                         [(0.3, 1.5, 0.7, -0.2), (1.1, 0.05, -2.5, 0.01), (0.12, 2.0, 3.0, 5.0)])
def test_fit_cosine_recovers_known_parameters_under_noise(omega, amplitude, phase, offset):
    rng = np.random.default_rng(2)
    t = np.arange(40.0)
    y = amplitude * np.cos(omega * t + phase) + offset + 0.01 * amplitude * rng.normal(size=t.size)
    fit = fit_cosine(y)
    assert fit.omega == pytest.approx(omega, rel=0.01)
    assert fit.amplitude == pytest.approx(amplitude, rel=0.03)
    assert abs(_wrap(fit.phase - phase)) < 0.05
    assert fit.offset == pytest.approx(offset, abs=0.03 * amplitude)
    assert fit.r2 > 0.99 and fit.well_described and not fit.omega_at_lower_bound
    np.testing.assert_allclose(fit.predict(t), amplitude * np.cos(omega * t + phase) + offset, atol=0.05 * amplitude)


def test_fit_cosine_uses_given_times():
    t = np.linspace(2.0, 12.0, 30)
    fit = fit_cosine(0.4 * np.cos(0.9 * t - 1.0) + 1.0, t)
    assert fit.omega == pytest.approx(0.9, rel=1e-6) and abs(_wrap(fit.phase + 1.0)) < 1e-5


@pytest.mark.parametrize("seed", range(5))
def test_fit_cosine_says_noise_is_not_a_cosine(seed):
    fit = fit_cosine(np.random.default_rng(seed).normal(size=29))
    assert fit.r2 < COSINE_R2_THRESHOLD and not fit.well_described


def test_fit_cosine_does_not_drift_to_the_degenerate_solution():
    # A parabola is the ω → 0, amplitude → ∞ limit of a cosine: an unbounded fit runs off to it.
    t = np.arange(29.0)
    fit = fit_cosine(1e-3 * (t - 5.0) ** 2)
    low, high = omega_bounds(t)
    assert low <= fit.omega <= high and fit.omega_at_lower_bound and not fit.well_described
    assert math.isfinite(fit.amplitude) and fit.amplitude < 1e3


@pytest.mark.parametrize("seed", range(3))
def test_fit_cosine_finds_the_global_least_squares_frequency(seed):
    # Two cosines plus noise: SS_res(ω) has several local minima; compare with a dense brute-force scan.
    rng = np.random.default_rng(seed)
    t = np.arange(35.0)
    y = np.cos(0.5 * t + 1.0) + 0.7 * np.cos(1.9 * t) + 0.3 * rng.normal(size=t.size)
    fit = fit_cosine(y)

    def ss_res(omega: float) -> float:
        X = np.stack([np.cos(omega * t), np.sin(omega * t), np.ones_like(t)], axis=1)
        return float(np.sum((y - X @ np.linalg.lstsq(X, y, rcond=None)[0]) ** 2))

    brute = min(ss_res(w) for w in np.linspace(fit.omega_min, fit.omega_max, 5_000))
    assert np.sum((y - fit.predict(t)) ** 2) <= brute * (1 + 1e-9)


def test_fit_cosine_at_nyquist():
    # ω = π: the sin column vanishes; the fit must not chase its rounding noise.
    fit = fit_cosine(0.5 * (-1.0) ** np.arange(20) + 2.0)
    assert fit.omega == pytest.approx(math.pi) and fit.amplitude == pytest.approx(0.5)
    assert fit.r2 == pytest.approx(1.0) and fit.well_described


def test_fit_cosine_constant_and_bad_inputs():
    fit = fit_cosine(np.full(10, 3.0))
    assert fit.r2 == 0.0 and not fit.well_described and math.isfinite(fit.phase)
    with pytest.raises(ValueError):
        fit_cosine(np.arange(4.0))
    with pytest.raises(ValueError):
        fit_cosine(np.array([0.0, 1.0, np.nan, 2.0, 3.0]))


# ---------------------------------------------------------------------------------------------------------------
# Orthogonality
# ---------------------------------------------------------------------------------------------------------------

def test_orthogonal_heads_score_zero_and_identical_heads_one():
    Q, _ = np.linalg.qr(np.random.default_rng(3).normal(size=(6, 6)))
    orthogonal = head_orthogonality(Q[:4] * np.array([[1.0], [3.0], [0.2], [7.0]]))
    assert orthogonal.score == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(orthogonal.cosines, np.eye(4), atol=1e-12)

    v = np.array([1.0, -2.0, 0.5])
    identical = head_orthogonality(np.stack([v, 2 * v, 0.1 * v]))
    assert identical.score == pytest.approx(1.0) and abs(identical.worst_pair[2]) == pytest.approx(1.0)
    opposite = head_orthogonality(np.stack([v, -v]))
    assert opposite.score == pytest.approx(1.0) and opposite.worst_pair == (0, 1, pytest.approx(-1.0))


def test_worst_pair_and_zero_heads():
    heads = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.6, 0.8], [0.0, 0.0, 0.0]])
    result = head_orthogonality(heads)
    assert result.worst_pair == (1, 2, pytest.approx(0.6))
    assert result.zero_heads == (3,) and np.all(np.isfinite(result.cosines))
    assert result.cosines[3].tolist() == [0.0, 0.0, 0.0, 0.0]
    # 12 off-diagonal entries, only the pair (1, 2) twice is non-zero.
    assert result.score == pytest.approx(2 * 0.6 / 12)


def test_orthogonality_needs_two_heads():
    with pytest.raises(NotApplicableError, match="at least two heads"):
        head_orthogonality(np.ones((1, 5)))
    with pytest.raises(NotApplicableError, match="at least two heads"):
        head_orthogonality(_model(kind="multihead", n_heads=1, heads="diagonal"))


def test_orthogonality_of_models_by_circuit():
    diagonal = head_orthogonality(_model(kind="multihead", n_heads=3, heads="diagonal"))
    assert set(diagonal) == {"A", "B"} and diagonal["A"].cosines.shape == (3, 3)
    full = _model(kind="multihead", n_heads=3, heads="full")
    result = head_orthogonality(full)
    assert set(result) == {"W_QK", "W_OV"}
    W_QK = (full.W_Q.transpose(-1, -2) @ full.W_K).detach().double().reshape(3, -1).numpy()
    unit = W_QK / np.linalg.norm(W_QK, axis=1, keepdims=True)
    np.testing.assert_allclose(result["W_QK"].cosines, unit @ unit.T, atol=1e-6)
    assert set(head_orthogonality(_model(kind="augmented", n_heads=2, structure="block"))) == {"W_QK", "W_OV"}


# ---------------------------------------------------------------------------------------------------------------
# Fits of C
# ---------------------------------------------------------------------------------------------------------------

def test_scaled_identity_fit_on_perturbed_identity():
    n, c = 6, -1.3
    E = 1e-3 * np.random.default_rng(4).normal(size=(n, n))
    C = c * np.eye(n) + E
    fit_c, rel = scaled_identity_fit(C)
    # Independent: least squares of vec(C) on vec(I).
    expected_c = np.linalg.lstsq(np.eye(n).reshape(-1, 1), C.ravel(), rcond=None)[0][0]
    assert fit_c == pytest.approx(expected_c, rel=1e-12)
    assert rel == pytest.approx(np.linalg.norm(C - fit_c * np.eye(n)) / np.linalg.norm(C), rel=1e-12)
    assert rel <= np.linalg.norm(E) / np.linalg.norm(C)  # the fit is at least as good as c itself


def test_rotation_block_fit_on_exact_blocks_and_structure_verdicts():
    S = plane_swap(6)
    assert np.array_equal(S[:2, :2], [[0, 1], [1, 0]]) and np.array_equal(S @ S, np.eye(6))
    c, rel = rotation_block_fit(2.5 * (np.eye(6) + S))
    assert c == pytest.approx(2.5) and rel == pytest.approx(0.0, abs=1e-14)

    blocks = circuit_structure(2.5 * (np.eye(6) + S))
    assert blocks.best == "rotation_blocks" and blocks.identity_rel_error == pytest.approx(1 / math.sqrt(2))
    identity = circuit_structure(-1.2 * np.eye(6))
    assert identity.best == "scaled_identity" and identity.best_c == pytest.approx(-1.2)
    assert identity.blocks_rel_error == pytest.approx(1 / math.sqrt(2)) and identity.ratio == math.inf
    # Odd size: the last coordinate is its own block.
    assert rotation_block_fit(np.eye(5) + plane_swap(5))[1] == pytest.approx(0.0, abs=1e-14)
    zero = circuit_structure(np.zeros((4, 4)))
    assert zero.best == "scaled_identity" and zero.ratio == 1.0
    with pytest.raises(ValueError):
        scaled_identity_fit(np.ones((2, 3)))


# ---------------------------------------------------------------------------------------------------------------
# Head matrices on small models
# ---------------------------------------------------------------------------------------------------------------

def test_head_matrices_augmented_full_match_hand_built_products():
    model = _model(d=3, kind="augmented", n_heads=2, structure="full")
    m = head_matrices(model)
    W_Q, W_K, W_V = (w.detach().double().numpy() for w in (model.W_Q_full, model.W_K_full, model.W_V_full))
    for h in range(2):
        np.testing.assert_allclose(m["W_QK"][h], W_Q[h].T @ W_K[h], atol=1e-12)
        np.testing.assert_allclose(m["W_OV"][h], W_V[h][:3], atol=0)
    assert m["W_Q"].shape == (2, 9, 9) and m["W_OV"].shape == (2, 3, 9) and "preconditioner" not in m


def test_head_matrices_augmented_block_structure():
    d = 3
    model = _model(d=d, kind="augmented", n_heads=2, structure="block")
    m = head_matrices(model)
    Q, K, V = (b.detach().double().numpy() for b in (model.Q_blk, model.K_blk, model.V_blk))
    blocks = token_block_labels(model)
    assert list(blocks) == ["0", "s_t", "s_{t-1}"] and blocks["s_{t-1}"] == slice(2 * d, 3 * d)
    for h in range(2):
        # The score e_nᵀ W_QK e_t = (Q s_n)·(K s_{t-1}): W_QK lives in the (s_t, s_{t-1}) block only.
        expected = np.zeros((3 * d, 3 * d))
        expected[blocks["s_t"], blocks["s_{t-1}"]] = Q[h].T @ K[h]
        np.testing.assert_allclose(m["W_QK"][h], expected, atol=1e-12)
        expected_ov = np.zeros((d, 3 * d))
        expected_ov[:, blocks["s_t"]] = V[h]
        np.testing.assert_allclose(m["W_OV"][h], expected_ov, atol=0)
        np.testing.assert_allclose(m["preconditioner"][h], V[h] @ K[h].T @ Q[h], atol=1e-12)
    np.testing.assert_allclose(m["Q_blk"], Q, atol=0)


def test_head_matrices_multihead_full_and_diagonal():
    full = _model(kind="multihead", n_heads=2, heads="full")
    m = head_matrices(full)
    np.testing.assert_allclose(m["W_QK"], (full.W_Q.transpose(-1, -2) @ full.W_K).detach().double().numpy(),
                               atol=1e-6)
    np.testing.assert_allclose(m["W_OV"], m["W_V"], atol=0)
    diagonal = _model(d=4, kind="multihead", n_heads=3, heads="diagonal", field="complex")
    m = head_matrices(diagonal)
    assert set(m) == {"A", "B"} and m["A"].shape == (3, 2)
    np.testing.assert_allclose(diagonal_circuit(diagonal), m["B"].T @ m["A"], atol=1e-12)
    with pytest.raises(NotApplicableError):
        token_block_labels(diagonal)
    with pytest.raises(NotApplicableError, match="full heads"):
        diagonal_circuit(full)


def test_pe_only_runs_have_no_heads():
    model = _model(kind="pe_only")
    for analysis in (head_matrices, head_orthogonality, diagonal_circuit):
        with pytest.raises(NotApplicableError, match="positional-encoding-only"):
            analysis(model)


# ---------------------------------------------------------------------------------------------------------------
# Positional rows and profile
# ---------------------------------------------------------------------------------------------------------------

def test_positional_rows_and_profile_of_a_pe_only_model():
    T = 6
    model = _model(d=2, T=T, kind="pe_only", field="complex")
    P = torch.arange(T * T, dtype=torch.float32).reshape(T, T) + 1.0
    with torch.no_grad():
        model.P.copy_(P)
    rows, positions = positional_rows(model)
    masked = np.tril(P.numpy())
    # The PCA rows leave out the newest-token (diagonal) entries, as the authors' saved arrays do.
    np.testing.assert_array_equal(rows, np.tril(P.numpy(), -1)[1:])
    assert np.all(np.diag(rows, 1) == 0) and np.all(rows[:, 0] == masked[1:, 0])
    np.testing.assert_array_equal(positions, np.arange(1, T))
    np.testing.assert_array_equal(pe_profile(model), masked[T - 1, : T - 1])


def test_positional_rows_of_embeddings_and_current_query():
    embedding = _model(T=5, kind="multihead", n_heads=2, positional="embedding", pos_dim=3)
    rows, positions = positional_rows(embedding)
    assert rows.shape == (5, 3) and positions.tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(NotApplicableError, match="positional matrix"):
        pe_profile(embedding)
    current = _model(T=5, kind="multihead", n_heads=2, query="current")
    assert positional_rows(current)[1].tolist() == [0, 1, 2, 3, 4]
    for model in (_model(kind="augmented"), _model(kind="multihead", positional="none")):
        with pytest.raises(NotApplicableError):
            positional_rows(model)


# ---------------------------------------------------------------------------------------------------------------
# The authors' arrays
# ---------------------------------------------------------------------------------------------------------------

def test_authors_unitary_circuit_is_a_scaled_identity_with_orthogonal_heads():
    A, B = _reference("paper_tensors/A_unitary.npy"), _reference("paper_tensors/B_unitary.npy")
    c, rel = scaled_identity_fit(diagonal_circuit((A, B)))
    assert c == pytest.approx(-1.2, abs=0.01) and rel < 0.02
    assert circuit_structure(diagonal_circuit((A, B))).best == "scaled_identity"
    assert head_orthogonality(A).score < 0.05


def test_authors_orthogonal_circuit_is_recognised_as_rotation_blocks():
    A, B = _reference("paper_tensors/A_orthogonal.npy"), _reference("paper_tensors/B_orthogonal.npy")
    structure = circuit_structure(diagonal_circuit((A, B)))
    assert structure.best == "rotation_blocks" and structure.ratio > 100
    assert structure.blocks_c == pytest.approx(-1.29, abs=0.01) and structure.blocks_rel_error < 0.01
    # The structure lives in C, not in the raw vectors (DESIGN.md: mean |cos| ≈ 0.25).
    assert 0.2 < head_orthogonality(A).score < 0.3


@pytest.mark.parametrize("mu", MUS)
def test_authors_pe_rows_cosine_fits(mu):
    # Row 28, entries 0..28: the last used row of the authors' saved (30, 30) P (see pe_profile).
    profile = _reference(f"paper_pe_only/pe_eps_mu_{mu}.npy")[28, :29]
    fit = fit_cosine(profile)
    assert fit.omega_min <= fit.omega <= fit.omega_max and fit.amplitude < 10
    if mu in (200, 300):
        assert fit.r2 > 0.999 and fit.well_described and not fit.omega_at_lower_bound
        assert fit.omega == pytest.approx({200: 0.039, 300: 0.032}[mu], abs=0.002)
    elif mu == 50:
        assert not fit.well_described and fit.r2 == pytest.approx(0.57, abs=0.02)
    else:  # μ = 100 wants ω → 0 (a drift): the fit stops at the bound and says so
        assert fit.omega_at_lower_bound and not fit.well_described


@pytest.mark.parametrize(("mu", "expected"), [(50, 0.456), (100, 0.569), (200, 0.648), (300, 0.710)])
def test_authors_pe_rows_pca_first_three_components(mu, expected):
    # Rows 0..28 are the used rows of the authors' P (their row r is query position r + 1).
    P = _reference(f"paper_pe_only/pe_eps_mu_{mu}.npy")
    assert positional_pca(P[:29], n_components=3).cumulative_ratio == pytest.approx(expected, abs=0.005)
