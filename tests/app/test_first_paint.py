"""The launch's first paint in the dashboard's script: at Home's plain address a new session gets Home's header and
the stored picture first, and Home then draws its own in the same place, so the page ends as without it (one title,
one picture, of the selected run, with its download buttons). AppTest has no browser address, so the address test
(``ui_base.is_home_address``, unit-tested) is patched to say "Home"; the real browser runs it in tests/e2e."""

from __future__ import annotations

import pytest
from apptest_utils import ROOT, chart_data, no_exception, open_page

from icar_core import ui_base
from icar_core.checkpoints import load_checkpoint
from icar_core.home_picture import DEFAULT_RUN, picture_of
from icar_core.i18n import translate


@pytest.fixture
def at_home(monkeypatch):
    monkeypatch.setattr(ui_base, "_at_home_address", lambda: True)


def drawn_points(at) -> list[float]:
    """The x of the true next state and of the prediction, as Home's picture plots them."""
    points = next(f for f in chart_data(at)[0] if "series" in f and len(f) == 2)
    return points["x"].tolist()


def expected_points(run: str) -> list[float]:
    picture = picture_of(load_checkpoint(ROOT / "checkpoints" / f"{run}.pt"))
    return [picture.truth[0], picture.prediction[0]]


def home_top_once(at) -> None:
    no_exception(at)
    assert [title.value for title in at.title] == [translate("home.title", "en")]
    assert len(at.get("vega_lite_chart")) == 1
    keys = [button.proto.id for button in at.get("download_button")]
    assert sum("png-home-context" in key for key in keys) == 1 and sum("svg-home-context" in key for key in keys) == 1


@pytest.mark.usefixtures("at_home")
@pytest.mark.parametrize("run", [None, "multihead-diagonal-commuting"])
def test_home_draws_its_own_top_in_place_of_the_first_paint(run):
    at = open_page(None, run=run)
    home_top_once(at)
    assert drawn_points(at) == pytest.approx(expected_points(run or DEFAULT_RUN))
    at.run()  # the session's next run draws no first paint
    home_top_once(at)


def test_elsewhere_there_is_no_first_paint():
    at = open_page(None)  # AppTest's run has no browser address
    home_top_once(at)
