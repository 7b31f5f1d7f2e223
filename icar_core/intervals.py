"""Percentile bootstrap intervals: every measured number is reported with one and with its n."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

BOOTSTRAP_SAMPLES = 1000
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Estimate:
    """A statistic of n samples with its percentile-bootstrap interval at ``confidence``."""

    value: float
    low: float
    high: float
    n: int
    confidence: float = CONFIDENCE

    def __str__(self) -> str:
        return f"{self.value:.4g} [{self.low:.4g}, {self.high:.4g}] (n = {self.n})"


def bootstrap(samples: np.ndarray, statistic: Callable[[np.ndarray], float] = np.mean, *,
              n_boot: int = BOOTSTRAP_SAMPLES, seed: int = 0, confidence: float = CONFIDENCE,
              batched: bool = False) -> Estimate:
    """``statistic`` of ``samples`` (n,) or (n, k) — rows are resampled — with its bootstrap interval.

    ``batched``: ``statistic`` reduces the first axis of (n, …) *and* accepts (n_boot, n, …),
    returning (n_boot,) — all draws at once, 20–100× faster for large n.
    """
    samples = np.asarray(samples, dtype=np.float64)
    n = len(samples)
    if n < 2:
        raise ValueError(f"a bootstrap interval needs at least 2 samples; got {n}")
    rng = np.random.default_rng(seed)
    if batched:
        draws = np.asarray(statistic(samples[rng.integers(0, n, (n_boot, n))]))
    else:
        draws = np.array([statistic(samples[rng.integers(0, n, n)]) for _ in range(n_boot)])
    tail = 100 * (1 - confidence) / 2
    low, high = np.percentile(draws, [tail, 100 - tail])
    return Estimate(float(statistic(samples)), float(low), float(high), n, confidence)


def ratio_of_means(pairs: np.ndarray) -> float:
    """``mean(pairs[:, 0]) / mean(pairs[:, 1])`` — a loss ratio, bootstrapped over paired rows."""
    return float(pairs[:, 0].mean() / pairs[:, 1].mean())
