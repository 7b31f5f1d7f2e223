"""The shipped runs of the authors' own architectures (Figures 5 and 7) and the Figure 4 analysis."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from icar_core.authors_findings import bias_report, gd_report, heads_report, loss_report
from icar_core.checkpoints import load_checkpoint

CHECKPOINTS = Path(__file__).resolve().parents[2] / "checkpoints"
# Held-out loss of authors-augmented trained to convergence (2,372 steps = 148 epochs of the same
# preset; its eval loss had been flat at 0.1641–0.1646 since step ~1,100). Measured once; training
# that long in a test would take minutes.
CONVERGED_AUGMENTED_LOSS = 0.1644
FIGURE_7_TARGET = 0.55  # the bar for the held-out loss of the Figure 7 run
FIGURE_4_CPU_SECONDS = 10.0

pytestmark = pytest.mark.usefixtures("single_thread")


def test_figure_5_run_is_converged_and_predicts_like_normalised_gd():
    ckpt = load_checkpoint(CHECKPOINTS / "authors-augmented.pt")
    assert ckpt.config.model.kind == "authors_augmented" and ckpt.complete
    losses = loss_report(ckpt.model, ckpt.process)
    assert losses.held_out.value <= 1.02 * CONVERGED_AUGMENTED_LOSS
    report = gd_report(ckpt)
    assert not report.exact  # a local linearisation, labelled as such
    assert report.prediction_cosine.low >= 0.99
    # its Jacobian follows the unit-norm GD predictor far better than the raw GD step
    assert report.jacobian_cosine_normalised.low >= 0.95 > report.jacobian_cosine_gd.high
    assert report.loss_ratio.high < 1


def test_figure_7_run_beats_the_bar_and_uses_its_context():
    ckpt = load_checkpoint(CHECKPOINTS / "authors-multihead.pt")
    assert ckpt.config.model.kind == "authors_multihead" and ckpt.complete
    losses = loss_report(ckpt.model, ckpt.process)
    assert losses.held_out.high <= FIGURE_7_TARGET
    assert losses.first_vs_last.low > 1.5  # later positions, with more context, are predicted better
    heads = heads_report(ckpt.model)
    assert set(heads.overlap) == {"W_QK", "W_OV"} and heads.random_level > 0
    assert heads.pca_variance is not None and 0 < heads.pca_variance.sum() <= 1


def test_figure_7_run_needs_its_biases():
    ckpt = load_checkpoint(CHECKPOINTS / "authors-multihead.pt")
    report = bias_report(ckpt.model, ckpt.process, n_pairs=512)
    assert report.parity_error_unbiased < 1e-5 and report.parity_error_trained > 0.1
    # Without biases nothing beats predicting 0; with them the run does, by far.
    assert report.loss_without_biases.low >= report.loss_zero.high - 1e-6
    assert report.loss_trained.high < 0.6 * report.loss_zero.low


def test_figure_4_runs_within_ten_cpu_seconds_on_ten_thousand_windows():
    pytest.importorskip("wordllama")
    from icar_core import token_ar

    for cache in (token_ar.token_table, token_ar.corpus_token_ids, token_ar.pca_embedding):
        cache.cache_clear()
    started = time.process_time()  # CPU time: the shared machine's load must not fail the test
    result = token_ar.token_ar_test()
    assert time.process_time() - started <= FIGURE_4_CPU_SECONDS
    assert result.authors.exact_original.n >= 10_000
