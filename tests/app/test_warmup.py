"""The server's entry and its warm-up (app.py, icar_core.warmup): Streamlit finds the st.App, importing the entry
loads no torch, the warm-up waits for the first visitor's first paint (or a quiet start), then computes Home's
verdicts into the store and Model vs GD's error curve without holding the server up, and a failing warm-up is
logged and changes nothing."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
from pathlib import Path

from icar_core import ui, warmup
from icar_core.findings import FINDINGS, run_for
from icar_core.verdict_store import entry_key
from icar_core.views import gd as gd_view

ROOT = Path(__file__).resolve().parents[2]

_ENTRY = """import sys
from pathlib import Path
from streamlit.web.server.app_discovery import discover_asgi_app
found = discover_asgi_app(Path("app.py"))
import app
print(found.is_asgi_app, found.app_name, type(app.app).__name__, app.app.script_path, "torch" in sys.modules)"""


def test_streamlit_finds_the_entry_and_importing_it_loads_no_torch():
    done = subprocess.run([sys.executable, "-c", _ENTRY], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "app", "App", "dashboard.py", "False"]


def test_warm_up_stores_the_verdicts_home_shows(tmp_path, monkeypatch):
    monkeypatch.setenv("ICAR_CACHE_DIR", str(tmp_path))
    ui._cached_call.clear()  # another test in this process may have computed them already
    warmup.warm_up(idle_start_s=0)
    runs = ui.sorted_runs(list(ui.disk_runs().runs))
    shown = ui.default_run(runs)
    assert shown.name == ui.DEFAULT_RUN
    expected = {f"{entry_key(run, finding_id)}.json" for finding_id in FINDINGS
                if (run := run_for(finding_id, shown, runs)) is not None}
    assert len(expected) == len(FINDINGS)
    assert {path.name for path in tmp_path.iterdir()} == expected


def test_warm_up_computes_model_vs_gds_error_curve(tmp_path, monkeypatch):
    """The first page after Home finds its error curve cached (with the task's GD step sizes, which verdicts read
    from the store would not have computed)."""
    monkeypatch.setenv("ICAR_CACHE_DIR", str(tmp_path))
    ui._cached_call.clear()
    warmup.warm_up(idle_start_s=0)

    def recomputed(*args, **kwargs):
        raise AssertionError("the error curve was computed again")

    monkeypatch.setattr(gd_view, "gd_curve", recomputed)
    runs = ui.sorted_runs(list(ui.disk_runs().runs))
    curve = ui.cached(gd_view.error_curve, run_for("gd", ui.default_run(runs), runs))
    assert list(curve["n"]) == list(range(1, len(curve) + 1))


def test_a_failing_warm_up_is_logged_and_raises_nothing(monkeypatch, caplog):
    def broken():
        raise OSError("the disk went away")

    monkeypatch.setattr(ui, "disk_runs", broken)
    with caplog.at_level(logging.WARNING, logger=warmup.__name__):
        warmup.warm_up(idle_start_s=0)
    assert "warm-up stopped early" in caplog.text and "the disk went away" in caplog.text


def test_the_server_serves_while_the_warm_up_runs(monkeypatch):
    release, finished = threading.Event(), threading.Event()

    def slow_warm_up():
        release.wait(30)
        finished.set()

    monkeypatch.setattr(warmup, "warm_up", slow_warm_up)

    async def serve() -> bool:
        async with warmup.lifespan(None):
            return finished.is_set()  # inside the lifespan: the server is serving

    assert asyncio.run(serve()) is False
    release.set()
    assert finished.wait(30)


def _started_warm_up(monkeypatch, idle_start_s: float) -> threading.Event:
    """Run the warm-up's wait in a thread, with a fresh "visitor arrived" event; the event returned is set when the
    work would begin."""
    monkeypatch.setattr(warmup, "_VISITOR", threading.Event())
    started = threading.Event()
    monkeypatch.setattr(warmup, "_warm_up", started.set)
    threading.Thread(target=warmup.warm_up, args=(idle_start_s,), daemon=True).start()
    return started


def test_the_warm_up_waits_for_the_first_visitors_first_paint(monkeypatch):
    started = _started_warm_up(monkeypatch, idle_start_s=600)
    assert not started.wait(0.5)
    warmup.visitor_arrived()
    assert started.wait(30)


def test_with_no_visitor_the_warm_up_begins_after_a_quiet_start(monkeypatch):
    started = _started_warm_up(monkeypatch, idle_start_s=0.2)
    assert started.wait(30)
