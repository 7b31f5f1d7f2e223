"""Helpers for Streamlit AppTest tests of the dashboard (see ../shared/TESTING.md).

``open_page("app_pages/heads.py", run="multihead-diagonal-commuting", lang="ja")`` runs the app,
selects the run and the language in the shared sidebar, switches to the page and returns the
AppTest, ready for assertions; ``chart_data(at)`` decodes what each Altair chart really plots.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard.py")
TIMEOUT = 120  # a cold import of torch alone takes 4–6 s here; analyses add more on a busy machine


def run_id(name: str) -> str:
    """The sidebar's id of the shipped run ``name``: the sha256 of its file."""
    return hashlib.sha256((ROOT / "checkpoints" / f"{name}.pt").read_bytes()).hexdigest()


def open_page(page: str | None = None, run: str | None = None, lang: str = "en") -> AppTest:
    """Run the app with ``run`` and ``lang`` chosen, on ``page`` (None: home).

    The choices go through session state, not the sidebar widgets: with ``st.navigation``, AppTest
    keeps the router's sidebar elements only in the first run's tree (the real app is unaffected).
    """
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    if run is not None:
        at.session_state["run_id"] = run_id(run)
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def open_reproduce(at: AppTest) -> AppTest:
    """Open the page's "reproduce in Python" expanders, in both columns (their code is drawn only while open)."""
    from icar_core.ui import COLUMN_SLOTS

    for slot in COLUMN_SLOTS:
        at.session_state[f"reproduce{slot}"] = True
    return at.run()


def chart_data(at: AppTest) -> list[list[pd.DataFrame]]:
    """For each Altair chart on the page, its datasets as pandas frames."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        frames.append([pa.ipc.open_stream(ds.data.data).read_all().to_pandas() for ds in chart.proto.datasets])
    return frames


def shown_instead(selected: str, reason_key: str, shown: str, finding: str, lang: str = "en") -> str:
    """The one line a page says when it shows its finding's run ``shown`` instead of the ``selected`` one."""
    from icar_core.findings import FINDINGS
    from icar_core.i18n import translate
    return translate("common.shows_finding_run", lang, run=selected, reason=translate(reason_key, lang), shown=shown,
                     number=FINDINGS[finding].number)


def assert_way_back(at: AppTest, selected: str, lang: str = "en") -> None:
    """The page's way back: a button that returns to the page before (Home here), the selected run kept."""
    from icar_core.i18n import translate
    button = next(b for b in at.button if b.label == translate("common.way_back", lang, run=selected))
    chosen = at.session_state["run_id"]
    button.click().run()
    no_exception(at)
    assert at.session_state["_page"] == "home" and at.session_state["run_id"] == chosen


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
