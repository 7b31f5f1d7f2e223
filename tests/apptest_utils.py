"""Helpers for Streamlit AppTest tests of the dashboard (see ../shared/TESTING.md).

``open_page("pages/heads.py", run="multihead-diagonal-commuting", lang="ja")`` runs the app,
selects the run and the language in the shared sidebar, switches to the page and returns the
AppTest, ready for assertions; ``chart_data(at)`` decodes what each Altair chart really plots.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 120  # a cold import of torch alone takes 4–6 s here; analyses add more on a busy machine


def open_page(page: str | None = None, run: str | None = None, lang: str = "en") -> AppTest:
    """Run the app, pick ``run`` and ``lang`` in the sidebar, then switch to ``page`` (None: home)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    if lang != "en":
        at.sidebar.radio(key="lang").set_value(lang).run()
    if run is not None:
        select_run(at, run)
    if page is not None:
        at.switch_page(page).run()
    return at


def select_run(at: AppTest, name: str) -> None:
    """Choose the run called ``name`` in the sidebar picker and rerun (labels read "Kind · name")."""
    box = at.sidebar.selectbox(key="run_id")
    names = [label.split(" · ", 1)[-1].split(" (")[0] for label in box.options]
    if name not in names:
        raise KeyError(f"run {name!r} is not offered; options: {box.options}")
    box.select_index(names.index(name)).run()


def chart_data(at: AppTest) -> list[list[pd.DataFrame]]:
    """For each Altair chart on the page, its datasets as pandas frames."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        frames.append([pa.ipc.open_stream(ds.data.data).read_all().to_pandas() for ds in chart.proto.datasets])
    return frames


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
