"""A fresh server's warm-up: what its first visitor would wait for, computed before they ask.

The lifespan of ``app.py``'s ``st.App`` starts :func:`warm_up` in a daemon thread and serves at once. The thread
waits until the first visitor's page has drawn its first paint (:func:`visitor_arrived`) or
:data:`IDLE_START_S` have passed with no visitor, then imports torch and the pages' modules, lists the runs, and
computes what Home draws for the default run (its picture and its findings' verdicts), then Model vs GD's error
curve, through the same caches the pages read. A visitor who arrives before it is done waits on the same import
locks and cache entries, so nothing is computed twice; one who arrives later finds Home computed.

Why it waits: the thread and the server's answers to the browser share one interpreter. Importing torch beside a
visitor who came at once (``streamlit run`` opens a browser) slowed the loading of the page and of the chart's
code so much that Home's torch-free first paint came ~1.5 s later than with no warm-up
(``benchmarks/app_latency.py`` launches both). Started before serving (the lifespan waiting for it), it delayed the
server by as long as the imports.

A failure here changes nothing: the page computes the same thing itself and reports it. This module imports
nothing heavy at the top: the server loads it before it starts.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

_LOG = logging.getLogger(__name__)
#: With no visitor for this long after the server starts, the warm-up begins anyway. Long enough for the browser
#: that ``streamlit run`` opens to load the page on a slow machine: at 3 s, on a CPU where importing torch took
#: 2.4 s, the timer fired while that browser was still loading, and Home's first paint came 1 s later than with no
#: warm-up (7.6 against 6.6 s after the launch, ``benchmarks/app_latency.py``).
IDLE_START_S = 10.0
_VISITOR = threading.Event()


@contextlib.asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """``st.App``'s lifespan (Streamlit's runtime is already running): start :func:`warm_up`, then serve."""
    threading.Thread(target=warm_up, name="icar-warm-up", daemon=True).start()
    yield


def visitor_arrived() -> None:
    """The dashboard's script calls this on every run once its first paint is drawn: the warm-up may begin."""
    _VISITOR.set()


def warm_up(idle_start_s: float = IDLE_START_S) -> None:
    """Wait for a first paint (at most ``idle_start_s``), then import, list and compute in the order Home's first
    visit does (see the module docstring)."""
    _VISITOR.wait(idle_start_s)
    try:
        _warm_up()
    except Exception:  # the first visit computes (and explains) it again
        _LOG.warning("icar's warm-up stopped early; the first visit computes what is missing", exc_info=True)


def _warm_up() -> None:
    from icar_core.runtime import configure_process

    configure_process()
    from icar_core import ui  # ui imports every page's views and charts
    from icar_core.findings import FINDINGS, run_for
    from icar_core.home_picture import picture_of
    from icar_core.verdict_store import stored_verdict
    from icar_core.views import gd as gd_view

    runs = ui.sorted_runs(list(ui.disk_runs().runs))
    if not runs:
        return
    shown = ui.default_run(runs)
    ui.cached(picture_of, shown)
    for finding_id in FINDINGS:
        run = run_for(finding_id, shown, runs)
        if run is not None:
            ui.cached(stored_verdict, run, finding_id)
    # The first page after Home: its error curve, which needs the task's GD step sizes (best_gd_eta, ~0.4 s on a
    # slow CPU), not computed above when the verdicts came from the store.
    gd_run = run_for("gd", shown, runs)
    if gd_run is not None:
        ui.cached(gd_view.error_curve, gd_run)
