"""The stress test's baselines, bands and verdict (icar_core.stress), the estimate's spectrum (icar_core.spectrum)
and the interpolation to GD-constructed weights (icar_core.interpolation), against closed forms, numpy and
independent bootstraps."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from icar_core.analysis import least_squares_maps
from icar_core.data import ARProcess, haar_orthogonal, rollout, rotation_blocks
from icar_core.errors import NotApplicableError
from icar_core.interpolation import fit_step_scale, interpolated, interpolation
from icar_core.models import ModelConfig, build_model
from icar_core.spectrum import judge as judge_spectrum
from icar_core.spectrum import match_eigenvalues, spectrum
from icar_core.stats import Estimate
from icar_core.stress import (
    STRESS_SEED,
    Fitted,
    Shift,
    fit_baselines,
    position_status,
    ranges,
    ridge_predictions,
    sample_shifted,
    squared_errors,
    stress_test,
)
from icar_core.theory import fit_gd_eta, gd_predictions, gd_sums, gram_sums

pytestmark = pytest.mark.usefixtures("single_thread")

PROCESS = ARProcess(d=4, T=12, w_dist="orthogonal")


def tiny_model(d: int = 4, T: int = 12, **config) -> torch.nn.Module:
    torch.manual_seed(0)
    return build_model(ModelConfig(**({"kind": "augmented", "structure": "block"} | config)), d, T).double().eval()


def test_least_squares_recovers_W_exactly_without_noise():
    states, W = PROCESS.sample(64, 3, torch.float64)
    G, H = gd_sums(states), gram_sums(states)
    for n in range(PROCESS.d, PROCESS.T + 1):  # d transitions determine W
        W_LS = least_squares_maps(G[:, n].numpy(), H[:, n].numpy())
        assert np.abs(W_LS - W.numpy()).max() < 1e-8
    errors = squared_errors(tiny_model(), states, Fitted(np.ones(PROCESS.T), np.ones(PROCESS.T), 64))
    assert errors["ls"][:, PROCESS.d - 1 :].max() < 1e-16  # positions n ≥ d (columns start at n = 1)
    assert errors["ls"][:, 0].min() > 1e-6  # one transition cannot determine a 4×4 W


def test_ridge_is_G_times_inverse_of_H_plus_lambda():
    states, _ = PROCESS.sample(8, 4, torch.float64)
    G, H = gd_sums(states), gram_sums(states)
    got = ridge_predictions(G, H, states, torch.tensor(0.3, dtype=torch.float64))
    for b, n in [(0, 2), (3, 7), (7, 12)]:
        W = G[b, n].numpy() @ np.linalg.inv(H[b, n].numpy() + 0.3 * np.eye(4))
        np.testing.assert_allclose(got[b, n].numpy(), W @ states[b, n].numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("first", "lam", "tolerance"), [(4, 1e-10, 1e-7), (1, 1e-9, 1e-5)])
def test_ridge_tends_to_least_squares_as_lambda_goes_to_zero(first, lam, tolerance):
    """With H_n invertible (n ≥ d) and with fewer transitions than d (the minimum-norm fit: G's rows lie in the
    range of H, so G (H + λI)⁻¹ → G H⁺)."""
    states, _ = PROCESS.sample(16, 5, torch.float64)
    G, H = gd_sums(states), gram_sums(states)
    ridge = ridge_predictions(G, H, states, torch.tensor(lam, dtype=torch.float64))[:, first:]
    ls = np.einsum("bnij,bnj->bni", least_squares_maps(G.numpy(), H.numpy()), states.numpy())[:, first:]
    assert np.abs(ridge.numpy() - ls).max() / np.abs(ls).max() < tolerance


def test_repeat_last_state_error_by_hand():
    """A rotation by θ moves a unit state by ‖R s − s‖² = 2 (1 − cos θ), at every position."""
    theta = 0.7
    W = rotation_blocks(torch.tensor([[theta]], dtype=torch.float64))
    states = rollout(W, torch.tensor([[0.6, 0.8]], dtype=torch.float64), 6)
    model = tiny_model(d=2, T=6)
    errors = squared_errors(model, states, Fitted(np.ones(6), np.ones(6), 1))
    np.testing.assert_allclose(errors["repeat"][0], 2 * (1 - math.cos(theta)), rtol=1e-12)


def test_fitted_eta_and_lambda_come_from_separate_contexts():
    fitted = fit_baselines(PROCESS, Shift(), 256)
    states = sample_shifted(PROCESS, Shift(), 256, STRESS_SEED)[0]
    # GD with the fitted η is not the least-squares η of the scored contexts themselves (a different sample).
    own = (gd_predictions(states[:, :-1], torch.as_tensor(fitted.eta)) - states[:, 1:]).pow(2).sum(-1).mean(0)
    best_here = fit_gd_eta(states, per_position=True)
    here = (gd_predictions(states[:, :-1], best_here) - states[:, 1:]).pow(2).sum(-1).mean(0)
    assert torch.all(here[1:] <= own[1:] + 1e-15) and torch.any(here[1:] < own[1:])
    scale = float(states[:, :-1].pow(2).sum(-1).mean())
    assert np.all(fitted.ridge > 0) and np.all(fitted.ridge < 1e3 * scale)


def _direct_percentile_bootstrap(values: np.ndarray, denominator: np.ndarray | None = None,
                                 resamples: int = 4000) -> tuple[float, float]:
    """Independent code: resample contexts with replacement, percentile interval of the mean (or ratio of means)."""
    rng = np.random.default_rng(12345)
    idx = rng.integers(0, len(values), size=(resamples, len(values)))
    draws = values[idx].mean(1) if denominator is None else values[idx].sum(1) / denominator[idx].sum(1)
    return tuple(np.percentile(draws, [2.5, 97.5]))


def test_bands_match_a_direct_bootstrap():
    model = tiny_model()
    result = stress_test(model, PROCESS, Shift(noise=0.05), n_contexts=512)
    states = sample_shifted(PROCESS, Shift(noise=0.05), 512, STRESS_SEED)[0]
    errors = squared_errors(model, states, result.fitted)
    for k in (0, 5, PROCESS.T - 2):
        row = result.curves.iloc[k]
        for name in ("model", "gd", "ridge", "repeat"):
            low, high = _direct_percentile_bootstrap(errors[name][:, k])
            width = high - low
            assert row[name] == pytest.approx(errors[name][:, k].mean(), rel=1e-12)
            assert abs(row[f"{name}_low"] - low) < 0.15 * width and abs(row[f"{name}_high"] - high) < 0.15 * width
        low, high = _direct_percentile_bootstrap(errors["model"][:, k], errors["gd"][:, k])
        width = high - low
        assert abs(row["ratio_low"] - low) < 0.15 * width and abs(row["ratio_high"] - high) < 0.15 * width


def test_null_shift_draws_the_run_contexts_and_shifts_transform_them():
    base = ARProcess(d=4, T=8, w_dist="commuting", s0="random")
    plain, W = base.sample(16, 9, torch.float64)
    same, W_same = sample_shifted(base, Shift(), 16, 9)
    assert torch.equal(plain, same) and torch.equal(W, W_same)
    scaled, _ = sample_shifted(base, Shift(s0_scale=3.0), 16, 9)
    torch.testing.assert_close(scaled, 3.0 * plain, rtol=1e-12, atol=1e-12)
    turned, W_turned = sample_shifted(base, Shift(basis_seed=5), 16, 9)
    Q = haar_orthogonal(1, 4, torch.Generator().manual_seed(5), torch.float64)[0]
    torch.testing.assert_close(turned, plain @ Q.T, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(W_turned, Q @ W @ Q.T, rtol=1e-12, atol=1e-12)
    haar = Shift(w_dist="orthogonal", noise=0.2, mu=7.0).process(base)
    assert (haar.w_dist, haar.noise, haar.mu, haar.d, haar.T) == ("orthogonal", 0.2, 7.0, 4, 8)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"noise": -0.1}, ["noise σ", "<= 2", "-0.1"]), ({"noise": 9.0}, ["noise σ", "9.0"]),
    ({"mu": 0.0}, ["μ", "> 0"]), ({"s0_scale": 0.0}, ["scale of s_0", ">= 0.01", "<= 10"]),
    ({"w_dist": "unitary"}, ["W family", "commuting, orthogonal", "unitary"]),
    ({"basis_seed": -1}, ["basis seed", "-1"]), ({"noise": float("nan")}, ["noise σ", "nan"]),
])
def test_bad_shift_names_the_value_and_the_range(kwargs, words):
    with pytest.raises(ValueError) as error:
        Shift(**kwargs)
    assert all(word in str(error.value) for word in words), str(error.value)


def test_position_status_and_ranges():
    assert position_status(Estimate(1.0, 0.95, 1.05, 100)) == "tracks"
    assert position_status(Estimate(1.5, 1.2, 1.8, 100)) == "worse"
    assert position_status(Estimate(0.5, 0.4, 0.6, 100)) == "better"
    assert position_status(Estimate(1.05, 0.95, 1.15, 100)) == "unresolved"
    assert ranges([1, 2, 3, 7, 9, 10]) == "1–3, 7, 9–10" and ranges([]) == "" and ranges([4]) == "4"


def test_verdict_follows_the_ratio_intervals():
    """The GD-constructed model is one GD step (with η_n = c·c_n): it tracks GD on its own process and stays
    far from least squares, which is exact there; a model that predicts 0 is worse than GD everywhere."""
    model = tiny_model(d=4, T=12)
    c = fit_step_scale(model, PROCESS)
    gd_model = interpolated(model, model.gd_step_weights(c), 1.0)
    result = stress_test(gd_model, PROCESS, Shift(), n_contexts=512)
    assert result.verdict.good is True and result.verdict.key == "stress.verdict.holds"
    assert result.last["ls"].high < 1e-12 < result.last["gd_minus_ls"].low
    zero = interpolated(model, {k: torch.zeros_like(v) for k, v in model.state_dict().items()}, 1.0)
    broken = stress_test(zero, PROCESS, Shift(), n_contexts=512)
    assert broken.verdict.key == "stress.verdict.breaks" and broken.verdict.values["worse"] == f"1–{PROCESS.T - 1}"


# ---------------------------------------------------------------------------------------------- interpolation


@pytest.mark.parametrize("config", [{"structure": "block"}, {"structure": "full", "n_heads": 2},
                                    {"structure": "block", "n_heads": 3, "normalisation": "none"}])
def test_interpolation_endpoints(config):
    """α = 0 is the trained model; α = 1 predicts exactly one explicit GD step with η_n = c·c_n."""
    model = tiny_model(**config).float()
    c = fit_step_scale(model, PROCESS)
    target = model.gd_step_weights(c)
    states = torch.randn(8, 9, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    start = interpolated(model, target, 0.0)
    with torch.no_grad():
        torch.testing.assert_close(start(states), model.double()(states), rtol=0, atol=1e-12)
        end = interpolated(model, target, 1.0)
        eta = c * model.step_factors(states.shape[1])
        assert (end(states) - gd_predictions(states, eta)).abs().max() < 1e-5
    assert c > 0 and model.step_factors(3).tolist() == ([1.0, 1 / 2, 1 / 3] if config.get("normalisation") != "none"
                                                       else [1.0, 1.0, 1.0])


def test_interpolation_path_reaches_cosine_one_and_kinds_without_gd_weights_are_refused():
    model = tiny_model(d=4, T=12)
    path = interpolation(model.float(), PROCESS, alphas=(0.0, 0.5, 1.0), n_contexts=64)
    end = path.path.iloc[-1]
    for name in ("update_cosine", "prediction_cosine", "sensitivity_cosine"):
        assert end[name] == pytest.approx(1.0, abs=1e-6)
    multihead = build_model(ModelConfig(kind="multihead", heads="diagonal", n_heads=2), 4, 12)
    assert not multihead.gd_constructible
    with pytest.raises(NotApplicableError, match="gradient step in closed form"):
        interpolation(multihead, PROCESS)


# ---------------------------------------------------------------------------------------------- spectrum


def test_spectrum_of_a_hand_built_update():
    """ρ·R(θ + δ) against R(θ): every eigenvalue is off by δ in angle and by ρ in size."""
    theta, delta, rho = 0.9, 0.1, 0.6
    truth = np.linalg.eigvals(rotation_blocks(torch.tensor([[theta, 2.0]], dtype=torch.float64))[0].numpy())
    gamma = rho * rotation_blocks(torch.tensor([[theta + delta, 2.0 - delta]], dtype=torch.float64))[0].numpy()
    angles, moduli = match_eigenvalues(np.linalg.eigvals(gamma), truth)
    np.testing.assert_allclose(angles, np.degrees(delta), rtol=1e-9)
    np.testing.assert_allclose(moduli, rho, rtol=1e-12)


def test_spectrum_reads_gamma_of_a_hand_built_model():
    """A model set to Γ_n = c·c_n·G_n: its panels' eigenvalues are those of c·c_n·G_n computed with numpy."""
    model = tiny_model(d=4, T=12)
    hand = interpolated(model, model.gd_step_weights(2.0), 1.0)
    view = spectrum(hand, PROCESS, Shift(), seed=3)
    states, W = sample_shifted(PROCESS, Shift(), 1, 3)
    G = gd_sums(states[:, :-1])[0].numpy()
    for panel in view.panels:
        expected = np.linalg.eigvals(2.0 / (panel.n + 1) * G[panel.n])
        np.testing.assert_allclose(np.sort_complex(panel.model), np.sort_complex(expected), atol=1e-10)
        np.testing.assert_allclose(np.sort_complex(panel.truth), np.sort_complex(np.linalg.eigvals(W[0].numpy())))
        np.testing.assert_allclose(np.abs(panel.truth), 1.0, atol=1e-12)
    assert view.exact and view.previous_share.high == 0.0
    assert view.W_cosine.value == pytest.approx(view.gd_W_cosine.value, abs=1e-12)  # Γ is a multiple of G_n


def test_spectrum_verdict_keys():
    angle, share = Estimate(2.0, 1.0, 3.0, 256), Estimate(0.0, 0.0, 0.0, 256)
    cosine = Estimate(0.9, 0.89, 0.91, 256)
    under = judge_spectrum(angle, Estimate(0.6, 0.59, 0.61, 256), share, cosine, cosine, True, 31)
    assert under.key == "spectrum.verdict.angle" and [k for k, _ in under.extra] == [
        "spectrum.verdict.under", "spectrum.verdict.cosines"]
    off = judge_spectrum(Estimate(40.0, 35.0, 45.0, 256), Estimate(1.0, 0.99, 1.01, 256),
                         Estimate(0.5, 0.4, 0.6, 256), cosine, cosine, False, 31)
    assert off.key == "spectrum.verdict.no_angle" and [k for k, _ in off.extra] == [
        "spectrum.verdict.size", "spectrum.verdict.cosines", "spectrum.verdict.jacobian", "spectrum.verdict.previous"]
