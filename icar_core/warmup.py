"""A fresh server's warm-up: what its first visitor would wait for, started as the server starts.

The lifespan of ``app.py``'s ``st.App`` starts :func:`warm_up` in a daemon thread and serves at once. The thread
imports torch and the pages' modules, lists the runs, and computes what Home draws for the default run (its
example context and its findings' verdicts), through the same caches the pages read. A visitor who arrives before
it is done waits on the same import locks and cache entries, so nothing is computed twice; one who arrives later
finds Home computed.

Beside, not before: started first (the lifespan waiting for it), the server listened ~4 s later and the first
chart came later than with no warm-up at all, because the browser's loading of the page (~1-2 s) no longer
overlapped the imports. Beside a visitor who comes at once, the thread slows the server's answers to the browser
(they share one interpreter), and that visitor's first chart comes about as soon as without the warm-up
(``benchmarks/app_latency.py`` launches both); a visitor who comes once it is done finds Home computed.

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


@contextlib.asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """``st.App``'s lifespan (Streamlit's runtime is already running): start :func:`warm_up`, then serve."""
    threading.Thread(target=warm_up, name="icar-warm-up", daemon=True).start()
    yield


def warm_up() -> None:
    """Import, list and compute in the order Home's first visit does (see the module docstring)."""
    try:
        _warm_up()
    except Exception:  # the first visit computes (and explains) it again
        _LOG.warning("icar's warm-up stopped early; the first visit computes what is missing", exc_info=True)


def _warm_up() -> None:
    from icar_core.runtime import configure_process

    configure_process()
    from icar_core import ui  # ui imports every page's views and charts
    from icar_core.findings import FINDINGS, run_for
    from icar_core.verdict_store import stored_verdict
    from icar_core.views.context import example_context

    runs = ui.sorted_runs(list(ui.disk_runs().runs))
    if not runs:
        return
    shown = ui.default_run(runs)
    ui.cached(example_context, shown, 0)
    for finding_id in FINDINGS:
        run = run_for(finding_id, shown, runs)
        if run is not None:
            ui.cached(stored_verdict, run, finding_id)
