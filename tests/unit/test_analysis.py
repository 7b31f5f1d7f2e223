"""The GD comparison (icar_core.analysis and the GD references in icar_core.theory) against
hand-computed cases, numpy least squares and autograd."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from icar_core.analysis import (
    best_gd_eta,
    compare_with_gd,
    fit_preconditioner,
    gauge_view,
    gd_curve,
    least_squares_maps,
    loss_sample,
    model_update,
)
from icar_core.data import ARProcess, rotation_blocks
from icar_core.errors import NotApplicableError
from icar_core.models import ModelConfig, build_model
from icar_core.theory import fit_gd_eta, gd_predictions, gd_reference_loss, gd_sums

pytestmark = pytest.mark.usefixtures("single_thread")


def test_gd_step_by_hand_2x2():
    # s_0 = (1, 0), s_1 = (0, 1), s_2 = (-1, 0): a quarter turn.
    states = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]], dtype=torch.float64)
    G = gd_sums(states)[0]
    assert torch.equal(G[0], torch.zeros(2, 2))
    # G_1 = s_1 s_0ᵀ, G_2 = s_1 s_0ᵀ + s_2 s_1ᵀ
    assert torch.equal(G[1], torch.tensor([[0.0, 0.0], [1.0, 0.0]], dtype=torch.float64))
    assert torch.equal(G[2], torch.tensor([[0.0, -1.0], [1.0, 0.0]], dtype=torch.float64))
    # With η = 1 the GD step at n = 2 is exactly the rotation, so it predicts s_3 = (0, -1).
    assert torch.equal(gd_predictions(states, 1.0)[0, 2], torch.tensor([0.0, -1.0], dtype=torch.float64))


def test_eta_fit_matches_numpy_lstsq():
    states, _ = ARProcess(d=3, T=6, w_dist="orthogonal").sample(200, 1, torch.float64)
    eta = fit_gd_eta(states, per_position=True).numpy()
    G = gd_sums(states[:, :-1]).numpy()
    for n in range(1, 6):
        x = np.einsum("bij,bj->bi", G[:, n], states[:, n].numpy()).reshape(-1, 1)
        y = states[:, n + 1].numpy().reshape(-1)
        assert eta[n] == pytest.approx(np.linalg.lstsq(x, y, rcond=None)[0][0], rel=1e-10)
    assert eta[0] == 0.0  # no transition seen yet
    pooled = fit_gd_eta(states, per_position=False).item()
    x = np.concatenate([np.einsum("bij,bj->bi", G[:, n], states[:, n].numpy()).ravel() for n in range(1, 6)])
    y = np.concatenate([states[:, n + 1].numpy().ravel() for n in range(1, 6)])
    assert pooled == pytest.approx(float(x @ y / (x @ x)), rel=1e-10)


def test_gd_reference_loss_is_best_per_position():
    states, _ = ARProcess(d=4, T=8).sample(300, 2, torch.float64)
    best = gd_reference_loss(states)
    eta = fit_gd_eta(states)
    for scale in (0.9, 1.1):
        worse = gd_predictions(states[:, :-1], eta * scale)
        assert (worse[:, 1:] - states[:, 2:]).pow(2).sum(-1).mean().item() > best


def _block_model_that_is_gd(d: int, c: float) -> torch.nn.Module:
    """A block-structured model with V = I, K = I, Q = c·I: exactly GD with η_n = c/(n+1)."""
    model = build_model(ModelConfig(kind="augmented", structure="block"), d, 16).double()
    with torch.no_grad():
        model.V_blk.copy_(torch.eye(d)[None])
        model.K_blk.copy_(torch.eye(d)[None])
        model.Q_blk.copy_(c * torch.eye(d)[None])
    return model


def test_a_model_that_is_gd_compares_perfectly():
    d, T = 4, 10
    process = ARProcess(d=d, T=T)
    model = _block_model_that_is_gd(d, 2.0)
    states, W = process.sample(64, 3, torch.float64)
    eta = 2.0 / np.arange(1, T + 1)  # the model's own step sizes
    comparison = compare_with_gd(model, states, W, eta=eta)
    frame = comparison.metrics
    assert comparison.exact and len(frame) == 64
    np.testing.assert_allclose(frame["update_rel_error"], 0, atol=1e-12)
    np.testing.assert_allclose(frame["update_cosine"], 1, atol=1e-12)
    np.testing.assert_allclose(frame["prediction_diff"], 0, atol=1e-12)
    np.testing.assert_allclose(frame["sensitivity_cosine"], 1, atol=1e-12)
    np.testing.assert_allclose(frame["previous_block_share"], 0, atol=1e-12)
    np.testing.assert_allclose(frame["model_eta"], frame["gd_eta"], rtol=1e-10)
    np.testing.assert_allclose(frame["model_error"], frame["gd_error"], rtol=1e-10)
    np.testing.assert_allclose(frame["truth_error"], 0, atol=1e-20)
    curve = gd_curve(model, states, W, eta=eta)
    assert list(curve["n"]) == list(range(1, T))
    np.testing.assert_allclose(curve["model_loss"], curve["gd_loss"], rtol=1e-10)


def test_metrics_by_hand_for_one_context():
    d = 2
    model = _block_model_that_is_gd(d, 1.0)
    with torch.no_grad():
        model.V_blk.copy_(torch.tensor([[[0.0, -1.0], [1.0, 0.0]]]))  # rotates the update by 90°
    states = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]]], dtype=torch.float64)
    eta = np.full(3, 1.0)
    row = compare_with_gd(model, states, eta=eta).metrics.iloc[0]
    # At n = 2 (predicting s_3): G = [[0, -1], [1, 0]] = R, c_n = 1/3; model update = (1/3) V R.
    R = np.array([[0.0, -1.0], [1.0, 0.0]])
    gamma = R @ R / 3
    assert row["update_cosine"] == pytest.approx(np.sum(gamma * R) / np.linalg.norm(gamma) / np.linalg.norm(R))
    assert row["update_rel_error"] == pytest.approx(np.linalg.norm(gamma - R) / np.linalg.norm(R))
    model_pred, gd_pred = gamma @ [-1.0, 0.0], R @ [-1.0, 0.0]
    assert row["prediction_diff"] == pytest.approx(np.linalg.norm(model_pred - gd_pred))
    assert row["model_error"] == pytest.approx(np.sum((model_pred - [0.0, -1.0]) ** 2))
    assert row["gd_error"] == pytest.approx(0.0, abs=1e-20)


def test_local_linearisation_matches_autograd_for_multihead():
    process = ARProcess(d=4, T=6, s0="unit_planes")
    torch.manual_seed(0)
    model = build_model(ModelConfig(kind="multihead", heads="diagonal", field="complex", n_heads=3), 4, 6).double()
    states, _ = process.sample(5, 4, torch.float64)
    update = model_update(model, states[:, :-1])
    assert not update.exact
    for b in range(2):
        J = torch.autograd.functional.jacobian(lambda s: model(s[None])[0], states[b, :-1])
        for n in range(1, 6):
            np.testing.assert_allclose(update.current[b, n], J[n, :, n].numpy(), atol=1e-12)
            np.testing.assert_allclose(update.previous[b, n], J[n, :, n - 1].numpy(), atol=1e-12)
    np.testing.assert_array_equal(update.previous[:, 0], 0.0)


def test_fit_preconditioner_recovers_a_known_matrix():
    rng = np.random.default_rng(0)
    G = rng.normal(size=(50, 3, 3))
    P = rng.normal(size=(3, 3))
    fitted, error = fit_preconditioner(G, G @ P)
    np.testing.assert_allclose(fitted, P, atol=1e-10)
    assert error < 1e-10


def test_gauge_view_of_opposite_rotations():
    d = 4
    model = build_model(ModelConfig(kind="augmented", structure="block"), d, 8).double()
    angles = torch.tensor([[0.7, -1.2]], dtype=torch.float64)
    R = rotation_blocks(angles)[0]
    with torch.no_grad():
        model.V_blk.copy_(2 * R[None])
        model.K_blk.copy_(torch.eye(d)[None])
        model.Q_blk.copy_(1.5 * R.T[None])
    view = gauge_view(model, ARProcess(d=d, T=8))
    assert view.c == pytest.approx(3.0)
    assert view.rel_error == pytest.approx(0.0, abs=1e-12)
    assert view.V_commutator == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(view.V_angles, [0.7, -1.2])
    np.testing.assert_allclose(view.KQ_angles, [-0.7, 1.2])


def test_not_applicable_is_a_typed_error():
    full = build_model(ModelConfig(kind="augmented", structure="full"), 4, 8)
    pe = build_model(ModelConfig(kind="pe_only", field="complex"), 2, 8)
    for model in (full, pe):
        with pytest.raises(NotApplicableError, match="block structure"):
            gauge_view(model, ARProcess(d=model.d, T=8))
    two_heads = build_model(ModelConfig(kind="augmented", structure="block", n_heads=2), 4, 8)
    with pytest.raises(NotApplicableError, match="one head"):
        gauge_view(two_heads, ARProcess(d=4, T=8))


def test_bad_states_are_refused_with_a_message():
    model = _block_model_that_is_gd(3, 1.0)
    with pytest.raises(ValueError, match=r"shape \(batch, n, 3\)"):
        compare_with_gd(model, torch.zeros(4, 5, 2))
    bad = torch.zeros(2, 5, 3)
    bad[0, 2, 1] = float("nan")
    with pytest.raises(ValueError, match="NaN"):
        compare_with_gd(model, bad)
    with pytest.raises(ValueError, match="eta has 2 entries"):
        compare_with_gd(model, torch.randn(2, 5, 3), eta=np.ones(2))


def test_best_gd_eta_is_cached_and_deterministic():
    process = ARProcess(d=2, T=5)
    first = best_gd_eta(process, 512, 1)
    assert best_gd_eta(process, 512, 1) is first
    assert first.shape == (5,) and first[0] == 0.0 and np.all(first[1:] > 0)


def test_least_squares_recovers_W_exactly_without_noise_and_matches_a_direct_solve():
    process = ARProcess(d=3, T=12, w_dist="orthogonal")
    states, W = process.sample(32, 5, torch.float64)
    model = _block_model_that_is_gd(3, 1.0)
    comparison = compare_with_gd(model, states, W, process=process)
    np.testing.assert_allclose(comparison.W_LS, W.numpy(), atol=1e-9)
    assert comparison.metrics["ls_error"].max() < 1e-18 and comparison.metrics["ls_W_error"].max() < 1e-9
    # The same fit written out: W = Y Xᵀ (X Xᵀ)⁻¹ over the transitions of the context.
    X, Y = states[0, :-2].numpy().T, states[0, 1:-1].numpy().T
    np.testing.assert_allclose(comparison.W_LS[0], Y @ X.T @ np.linalg.inv(X @ X.T), atol=1e-10)
    np.testing.assert_allclose(comparison.metrics["zero_error"], (states[:, -1] ** 2).sum(-1).numpy())


def test_least_squares_is_the_minimum_norm_fit_on_a_short_context():
    G = np.array([[[1.0, 0.0], [0.0, 0.0]]])  # one transition s_0 = e1 -> s_1 = e1
    H = np.array([[[1.0, 0.0], [0.0, 0.0]]])
    np.testing.assert_allclose(least_squares_maps(G, H)[0], [[1.0, 0.0], [0.0, 0.0]], atol=1e-12)


def test_loss_sample_agrees_with_compare_with_gd_on_the_same_contexts():
    process = ARProcess(d=2, T=8)
    model = _block_model_that_is_gd(2, 1.5)
    sample = loss_sample(model, process, 64, seed=9, chunk=16)
    states, W = process.sample(64, 9, torch.float64)
    frame = compare_with_gd(model, states, W, process=process).metrics
    np.testing.assert_allclose(sample.model, frame["model_error"], rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(sample.gd, frame["gd_error"], rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("config", [ModelConfig(kind="augmented", n_heads=2, init_scale=0.4),
                                    ModelConfig(kind="multihead", heads="diagonal", n_heads=2, init_scale=0.4)])
def test_every_row_of_gd_curve_is_compare_with_gd_on_that_prefix(config, monkeypatch):
    """The position-vectorised curve, taken in blocks of 3 contexts, against the last-position comparison on each
    prefix s_0 … s_{n+1} (medians), and its bands against one bootstrap per position (``mean_estimate``)."""
    import icar_core.analysis as analysis
    from icar_core.stats import mean_estimate

    d, T = 3, 7
    process = ARProcess(d=d, T=T, w_dist="orthogonal")
    torch.manual_seed(0)
    model = build_model(config, d, T).double()
    states, W = process.sample(10, 2, torch.float64)
    eta = np.linspace(0.0, 0.3, T)
    monkeypatch.setattr(analysis, "CURVE_BLOCK_ELEMENTS", 3 * (T + 1) * d * d)
    curve = gd_curve(model, states, W, eta=eta)
    assert list(curve["n"]) == list(range(1, T)) and curve.attrs == {"exact": model.exact_update, "contexts": 10}
    for row in curve.itertuples():
        metrics = compare_with_gd(model, states[:, : row.n + 2], W, eta=eta).metrics
        for name in metrics.columns:
            assert getattr(row, name) == pytest.approx(np.median(metrics[name]), rel=1e-9, abs=1e-12), name
        band = mean_estimate(metrics["model_error"].to_numpy(), resamples=analysis.CURVE_RESAMPLES)
        assert (row.model_loss, row.model_loss_low, row.model_loss_high) == pytest.approx(
            (band.value, band.low, band.high), rel=1e-9)


def test_least_squares_uses_cholesky_only_where_it_agrees_with_the_pseudo_inverse():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 6, 4))
    H = np.einsum("bti,btj->bij", X, X)
    H[0] = np.diag([1.0, 1.0, 1.0, 1e-9])  # condition 1e9: left to the pseudo-inverse
    H[1, :, 3] = H[1, 3, :] = 0.0  # singular
    G = rng.normal(size=(40, 4, 4))
    expected = G @ np.linalg.pinv(H, hermitian=True)
    np.testing.assert_allclose(least_squares_maps(G, H), expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(least_squares_maps(G[:2], H[:2]), G[:2] @ torch.linalg.pinv(
        torch.as_tensor(H[:2]), hermitian=True).numpy())


@pytest.mark.parametrize("chunk", [1, 4, 10, 23, 64])
def test_gd_directions_in_chunks_are_G_n_s_n(monkeypatch, chunk):
    """The chunked causal sum equals G_n s_n from the explicit sums, for chunks that divide the length, leave a
    partial last chunk, or are longer than the context."""
    import icar_core.theory as theory

    states, _ = ARProcess(d=3, T=23, w_dist="orthogonal").sample(40, 5, torch.float64)
    inputs = states[:, :-1]
    explicit = np.einsum("bnij,bnj->bni", gd_sums(inputs).numpy(), inputs.numpy())
    monkeypatch.setattr(theory, "DIRECTION_CHUNK", chunk)
    np.testing.assert_allclose(theory.gd_directions(inputs).numpy(), explicit, rtol=1e-12, atol=1e-14)


def test_gd_step_sizes_are_the_same_in_blocks(monkeypatch):
    import icar_core.theory as theory

    states, _ = ARProcess(d=3, T=9, w_dist="orthogonal").sample(50, 4, torch.float64)
    whole_eta, whole_directions = fit_gd_eta(states), theory.gd_directions(states[:, :-1])
    monkeypatch.setattr(theory, "DIRECTION_BLOCK_ELEMENTS", 7 * 9 * 9)  # blocks of 7 contexts
    torch.testing.assert_close(fit_gd_eta(states), whole_eta, rtol=1e-12, atol=0)
    torch.testing.assert_close(theory.gd_directions(states[:, :-1]), whole_directions, rtol=0, atol=0)
    direction, target = whole_directions[:, 1:], states[:, 2:]  # positions 1 … T−1, pooled
    pooled = ((direction * target).sum() / direction.pow(2).sum()).item()
    assert fit_gd_eta(states, per_position=False).item() == pytest.approx(pooled, rel=1e-12)
