"""Figure 4's AR(1) fits: hand-made cases, the authors' per-window lstsq loop, and the real corpus."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from icar_core.token_ar import (
    EXACT_RELATIVE,
    VERDICT_KEYS,
    _has_repeat,
    ar_fit,
    pseudo_inverse,
    shuffled,
    windows_of,
)

pytestmark = pytest.mark.usefixtures("single_thread")


def _authors_fit(window: torch.Tensor) -> float:
    """Their fit_ar + generate + MSE for one window (T, d), re-implemented: lstsq, then A^t s_0."""
    A = torch.linalg.lstsq(window[:-1], window[1:], driver="gelsd").solution.T
    rollout = [window[0]]
    for _ in range(len(window) - 1):
        rollout.append(A @ rollout[-1])
    return float((torch.stack(rollout) - window).pow(2).mean())


def _unit(x: torch.Tensor) -> torch.Tensor:
    return x / x.norm(dim=-1, keepdim=True)


@pytest.mark.parametrize("shape", [(6, 4, 16), (6, 20, 5)])
def test_pseudo_inverse_matches_torch(shape):
    X = torch.randn(*shape, dtype=torch.float64)
    torch.testing.assert_close(pseudo_inverse(X), torch.linalg.pinv(X), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("length, dim", [(5, 16), (20, 4)])
def test_fit_matches_the_authors_loop(length, dim):
    windows = _unit(torch.randn(8, length, dim, dtype=torch.float64))
    mse, _ = ar_fit(windows)
    expected = [_authors_fit(w) for w in windows]
    np.testing.assert_allclose(mse.numpy(), expected, rtol=1e-6, atol=1e-20)


def test_an_exact_ar_window_is_fitted_exactly():
    # 4 independent unit tokens in 8 dimensions: some A maps each to the next, so the error is 0.
    windows = _unit(torch.randn(3, 5, 8, dtype=torch.float64))
    mse, residual = ar_fit(windows)
    assert (mse < 1e-20).all() and (residual < EXACT_RELATIVE).all()


def test_a_true_rotation_is_recovered_when_over_determined():
    q, _ = torch.linalg.qr(torch.randn(4, 4, dtype=torch.float64))
    s = [_unit(torch.randn(4, dtype=torch.float64))]
    for _ in range(11):
        s.append(q @ s[-1])
    mse, residual = ar_fit(torch.stack(s)[None])
    assert mse.item() < 1e-20 and residual.item() < EXACT_RELATIVE


def test_a_repeated_token_with_different_successors_cannot_be_fitted():
    a, b, c = _unit(torch.randn(3, 8, dtype=torch.float64))
    window = torch.stack([a, b, a, c, b])[None]  # a -> b and a -> c: no A does both
    _, residual = ar_fit(window)
    assert residual.item() > 0.1


def test_repeats_and_shuffles():
    windows = np.array([[1, 2, 3, 4, 1], [1, 2, 1, 4, 5], [7, 7, 8, 9, 9]])
    # only the fit's inputs (the first L−1 tokens) count
    assert _has_repeat(windows).tolist() == [False, True, True]
    mixed = shuffled(windows, seed=1)
    assert sorted(mixed.ravel().tolist()) == sorted(windows.ravel().tolist()) and mixed.shape == windows.shape
    assert windows_of(np.arange(23), 5, 100).shape == (4, 5)


@pytest.fixture(scope="module")
def result():
    pytest.importorskip("wordllama")
    from icar_core.token_ar import token_ar_test

    return token_ar_test()


def test_the_authors_test_on_wordllama_tokens(result):
    test = result.authors
    assert (test.window, test.dim) == (5, 256)
    assert len(test.rollout_mse_original) >= 10_000 == test.exact_original.n
    # 4 transitions in 256 dimensions: every window whose inputs are independent is fitted exactly,
    # and every window that is not has a repeated token among its inputs.
    assert test.exact_original.value > 0.9 and test.exact_shuffled.value > 0.9
    assert result.inexact_with_repeat == 1.0
    assert result.verdict in VERDICT_KEYS


def test_the_overdetermined_test_has_no_exact_fits(result):
    test = result.overdetermined
    assert test.window - 1 > test.dim
    assert test.exact_original.value == 0 and test.exact_shuffled.value == 0
    assert test.residual_ratio.low <= test.residual_ratio.value <= test.residual_ratio.high


def test_histogram_chart_plots_the_errors_it_is_given(result):
    from icar_core.charts.token_ar import SHOWN_ABOVE, error_histograms, histogram_frame

    labels = {"original": "Original", "shuffled": "Shuffled"}
    frame = histogram_frame(result.authors, labels)
    expected = int((result.authors.rollout_mse_original > SHOWN_ABOVE).sum())
    assert (frame["series"] == "Original").sum() == expected
    spec = error_histograms(frame, "t", x_title="x", y_title="y", order=list(labels.values())).to_dict()
    assert spec["mark"]["type"] == "bar"


def test_the_roll_out_ratio_leaves_out_exact_fits():
    from icar_core.token_ar import _inexact_ratio

    rng = np.random.default_rng(0)
    residual = np.where(rng.random(400) < 0.9, 1e-15, 0.1)  # most windows fitted exactly, as in the authors' test
    mse_original = np.where(residual < EXACT_RELATIVE, rng.random(400) * 1e-31, rng.exponential(2.0, 400))
    mse_shuffled = np.where(residual < EXACT_RELATIVE, rng.random(400) * 1e-30, rng.exponential(1.0, 400))
    ratio = _inexact_ratio(mse_original, residual, mse_shuffled, residual, seed=0)
    inexact = residual >= EXACT_RELATIVE
    assert ratio.value == pytest.approx(np.median(mse_original[inexact]) / np.median(mse_shuffled[inexact]))
    assert ratio.n == 2 * inexact.sum()
    assert np.isnan(_inexact_ratio(mse_original, np.zeros(400), mse_shuffled, residual, seed=0).value)
