"""Intervals of sampled numbers against a direct bootstrap and hand-computed cases."""

from __future__ import annotations

import numpy as np
import pytest

from icar_core.stats import (
    Estimate,
    column_estimates,
    column_quantiles,
    mean_estimate,
    median_estimate,
    quantile_estimate,
    ratio_estimate,
    two_sample_bootstrap,
)


def _direct_bootstrap(statistic, *arrays, resamples=4000, seed=3):
    rng = np.random.default_rng(seed)
    n = len(arrays[0])
    samples = [statistic(*(a[idx] for a in arrays)) for idx in rng.integers(0, n, size=(resamples, n))]
    return np.percentile(samples, [2.5, 97.5])


def test_ratio_interval_matches_a_direct_paired_bootstrap_of_single_contexts():
    rng = np.random.default_rng(0)
    gd = rng.exponential(1.0, 20_000)
    model = gd * rng.normal(1.0, 0.3, gd.size).clip(0)  # paired: the same hard contexts are hard for both
    estimate = ratio_estimate(model, gd)
    low, high = _direct_bootstrap(lambda a, b: a.sum() / b.sum(), model, gd, resamples=1000)
    assert estimate.value == pytest.approx(model.sum() / gd.sum())
    assert estimate.low == pytest.approx(low, abs=0.1 * (high - low))
    assert estimate.high == pytest.approx(high, abs=0.1 * (high - low))
    # Pairing matters: resampling the two losses independently gives a much wider interval.
    unpaired = np.percentile([rng.choice(model, model.size).sum() / rng.choice(gd, gd.size).sum()
                              for _ in range(300)], [2.5, 97.5])
    assert unpaired[1] - unpaired[0] > 2 * (estimate.high - estimate.low)


def test_mean_and_median_intervals_match_a_direct_bootstrap():
    values = np.random.default_rng(1).normal(2.0, 1.0, 512)
    for estimate, statistic in ((mean_estimate(values), np.mean), (median_estimate(values), np.median)):
        low, high = _direct_bootstrap(statistic, values)
        assert estimate.low == pytest.approx(low, abs=0.15 * (high - low))
        assert estimate.high == pytest.approx(high, abs=0.15 * (high - low))
        assert estimate.low <= estimate.value <= estimate.high and estimate.n == 512
    assert quantile_estimate(values, 0.9).value == pytest.approx(np.quantile(values, 0.9))


def test_a_verdict_holds_only_when_the_whole_interval_does():
    assert Estimate(1.0, 0.99, 1.01, 10).inside(0.98, 1.02) is True
    assert Estimate(1.0, 0.97, 1.01, 10).inside(0.98, 1.02) is None  # not resolved at this n
    assert Estimate(1.1, 1.05, 1.15, 10).inside(0.98, 1.02) is False
    assert Estimate(0.995, 0.991, 0.997, 10).at_least(0.99) is True


def test_numbers_are_printed_to_the_precision_their_interval_supports():
    assert Estimate(1.00723, 1.0022, 1.0131, 65536).text() == "1.007 [1.002, 1.013]"
    assert Estimate(0.5, 0.4, 0.7, 512).text() == "0.5 [0.4, 0.7]"
    assert Estimate(1.0, 1.0 - 1e-16, 1.0, 512).text() == "1.000 [1.000, 1.000]"
    assert Estimate(1e-18, 0.0, 3e-18, 512).fmt() == "1.0e-18"


def test_bad_input_is_refused_with_a_sentence():
    with pytest.raises(ValueError, match="pair up"):
        ratio_estimate(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="NaN"):
        mean_estimate(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="at least one"):
        median_estimate(np.array([]))


@pytest.mark.parametrize("n", [40, 1024, 3000])  # fewer contexts than blocks, as many, more (with a remainder)
def test_column_estimates_are_the_one_column_estimates_at_once(n):
    rng = np.random.default_rng(n)
    num, den = rng.exponential(size=(n, 3)), rng.exponential(size=(n, 3)) + 0.1
    for together, column in ((column_estimates(num, resamples=300), lambda j: mean_estimate(num[:, j], resamples=300)),
                             (column_estimates(num, den, resamples=300),
                              lambda j: ratio_estimate(num[:, j], den[:, j], resamples=300))):
        for j, estimate in enumerate(together):
            alone = column(j)
            assert estimate.n == alone.n == n
            np.testing.assert_allclose([estimate.value, estimate.low, estimate.high],
                                       [alone.value, alone.low, alone.high], rtol=1e-12)
    with pytest.raises(ValueError, match="NaN or infinite"):
        column_estimates(np.full((4, 2), np.nan))
    with pytest.raises(ValueError, match="positive means"):
        column_estimates(num, -den)


def test_two_sample_bootstrap_resamples_each_group_on_its_own():
    rng = np.random.default_rng(1)
    a, b = rng.exponential(2.0, 2000), rng.exponential(1.0, 1500)

    def ratio(x, y):
        return np.median(x, axis=-1) / np.median(y, axis=-1)

    estimate = two_sample_bootstrap(a, b, ratio, resamples=500, seed=3)
    # The same draws made one resample at a time, as the textbook loop does.
    draws_rng = np.random.default_rng(3)
    ia, ib = draws_rng.integers(0, len(a), (500, len(a))), draws_rng.integers(0, len(b), (500, len(b)))
    loop = [np.median(a[i]) / np.median(b[j]) for i, j in zip(ia, ib, strict=True)]
    assert estimate.value == pytest.approx(np.median(a) / np.median(b))
    assert (estimate.low, estimate.high) == pytest.approx(tuple(np.percentile(loop, [2.5, 97.5])))
    assert estimate.n == 3500 and estimate.low < 2.0 < estimate.high  # the true ratio of medians is 2
    with pytest.raises(ValueError, match="at least 2"):
        two_sample_bootstrap(a, b[:1], ratio)


def test_column_quantiles_are_each_columns_quantile_estimate():
    values = np.random.default_rng(2).normal(size=(64, 3))
    together = column_quantiles(values, 0.5, resamples=300, seed=4)
    assert together == [quantile_estimate(values[:, k], 0.5, resamples=300, seed=4) for k in range(3)]
