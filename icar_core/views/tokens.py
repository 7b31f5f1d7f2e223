"""The real-tokens page (the paper's Figure 4) as plain data: verdict, cards and histograms. No Streamlit here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import altair as alt

from icar_core.charts.token_ar import SHOWN_ABOVE, error_histograms, histogram_frame
from icar_core.stats import Estimate
from icar_core.token_ar import EXACT_RELATIVE, TokenARResult, WindowTest
from icar_core.token_store import stored_token_ar_test
from icar_core.views import Card


@dataclass(frozen=True)
class TokenView:
    """What the page draws, computed once per server (the test reads fixed, shipped data)."""

    result: TokenARResult

    @property
    def windows(self) -> int:
        return len(self.result.authors.residual_original)

    def verdict(self, tr: Callable[..., str]) -> str:
        ratio = self.result.overdetermined.residual_ratio
        return tr(f"tokens.verdict.{self.result.verdict}", ratio=ratio.text(), n=ratio.n)

    def authors_cards(self, tr: Callable[..., str]) -> list[list[Card]]:
        a, r = self.result.authors, self.result
        exact_help = tr("tokens.card.exact_help", limit=EXACT_RELATIVE, n=a.exact_original.n)
        repeat_help = tr("tokens.card.repeat_help", fitted=a.window - 1)
        return [[_card(tr("tokens.card.exact"), a.exact_original, exact_help),
                 _card(tr("tokens.card.exact_shuffled"), a.exact_shuffled, exact_help),
                 _card(tr("tokens.card.ratio"), a.ratio, tr("tokens.card.ratio_help"))],
                [_card(tr("tokens.card.repeat"), r.repeat_original, repeat_help),
                 _card(tr("tokens.card.repeat_shuffled"), r.repeat_shuffled, repeat_help)]]

    def overdetermined_cards(self, tr: Callable[..., str]) -> list[list[Card]]:
        o = self.result.overdetermined
        return [[_card(tr("tokens.card.residual_ratio"), o.residual_ratio,
                       tr("tokens.card.residual_ratio_help", n=o.residual_ratio.n)),
                 _card(tr("tokens.card.exact"), o.exact_original,
                       tr("tokens.card.exact_help", limit=EXACT_RELATIVE, n=o.exact_original.n))]]

    def authors_note(self, tr: Callable[..., str]) -> str:
        a = self.result.authors
        return tr("tokens.authors_note", transitions=a.window - 1, dim=a.dim,
                  inexact=f"{self.result.inexact_with_repeat:.0%}")

    def overdetermined_note(self, tr: Callable[..., str]) -> str:
        o = self.result.overdetermined
        return tr("tokens.over_note", transitions=o.window - 1, dim=o.dim)

    def rollout_chart(self, tr: Callable[..., str]) -> alt.Chart:
        """The paper's picture: roll-out errors of the windows not fitted exactly, original against shuffled."""
        return _histograms(self.result.authors, "rollout", tr("tokens.chart.rollout"), tr("tokens.axis.log_mse"), tr)

    def residual_chart(self, tr: Callable[..., str]) -> alt.Chart:
        return _histograms(self.result.overdetermined, "residual", tr("tokens.chart.residual"),
                           tr("tokens.axis.log_residual"), tr)

    def hidden_caption(self, tr: Callable[..., str]) -> str:
        a = self.result.authors
        return tr("tokens.hidden", limit=SHOWN_ABOVE, n=self.windows,
                  original=int((a.rollout_mse_original <= SHOWN_ABOVE).sum()),
                  shuffled=int((a.rollout_mse_shuffled <= SHOWN_ABOVE).sum()))


def token_view() -> TokenView:
    """The Figure 4 test at its defaults (≥ 10,000 windows of the paper's length)."""
    return TokenView(stored_token_ar_test())


def _card(label: str, estimate: Estimate, help_text: str) -> Card:
    if estimate.low == estimate.high:  # every draw the same (e.g. no window at all): a plain number, no interval
        return label, f"{estimate.value:g}", None, help_text
    return label, estimate.fmt(), estimate.interval, help_text


def _histograms(test: WindowTest, measure: str, title: str, x_title: str, tr: Callable[..., str]) -> alt.Chart:
    labels = {"original": tr("tokens.series.original"), "shuffled": tr("tokens.series.shuffled")}
    return error_histograms(histogram_frame(test, labels, measure), title, x_title=x_title,
                            y_title=tr("tokens.axis.windows"), order=list(labels.values()))
