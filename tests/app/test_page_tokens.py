"""The real-tokens page (Figure 4 on WordLlama's token table): it draws the test's own numbers, in both languages."""

from __future__ import annotations

import numpy as np
import pytest
from apptest_utils import chart_data, no_exception, open_page

from icar_core.charts.token_ar import SHOWN_ABOVE
from icar_core.i18n import translate

pytest.importorskip("wordllama")

PAGE = "app_pages/real_tokens.py"


@pytest.fixture(scope="module")
def result():
    from icar_core.token_ar import token_ar_test

    return token_ar_test()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_page_draws_both_histograms_with_the_verdict(result, lang):
    at = open_page(PAGE, lang=lang)
    no_exception(at)
    ratio = result.overdetermined.residual_ratio
    verdict = translate(f"tokens.verdict.{result.verdict}", lang, ratio=ratio.text(), n=ratio.n)
    assert verdict in [box.value for box in at.success] + [box.value for box in at.info] + \
        [box.value for box in at.warning]
    charts = chart_data(at)
    assert len(charts) == 2
    # The first chart holds exactly the windows the paper draws (error above 1e-12), original and shuffled.
    rollout = charts[0][0]
    original, shuffled = (translate(f"tokens.series.{k}", lang) for k in ("original", "shuffled"))
    errors = result.authors
    assert (rollout["series"] == original).sum() == int((errors.rollout_mse_original > SHOWN_ABOVE).sum())
    assert (rollout["series"] == shuffled).sum() == int((errors.rollout_mse_shuffled > SHOWN_ABOVE).sum())
    drawn = np.sort(rollout.loc[rollout["series"] == original, "error"].to_numpy())
    np.testing.assert_allclose(drawn, np.sort(errors.rollout_mse_original[errors.rollout_mse_original > SHOWN_ABOVE]))
    # The second chart: every over-determined window (none is fitted exactly).
    residual = charts[1][0]
    assert len(residual) == 2 * len(result.overdetermined.residual_original)
    metrics = [(m.label, m.value) for m in at.metric]
    exact = translate("tokens.card.exact", lang)
    assert (translate("tokens.card.residual_ratio", lang), ratio.fmt()) in metrics
    assert result.overdetermined.exact_original.value == 0  # more equations than unknowns: no exact fit
    assert [value for label, value in metrics if label == exact] == [errors.exact_original.fmt(), "0"]
