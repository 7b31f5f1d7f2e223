"""The server's entry and its warm-up (app.py, icar_core.warmup): Streamlit finds the st.App, importing the entry
loads no torch, the warm-up computes Home's verdicts into the store without holding the server up, and a failing
warm-up is logged and changes nothing."""

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
    warmup.warm_up()
    runs = ui.sorted_runs(list(ui.disk_runs().runs))
    shown = ui.default_run(runs)
    assert shown.name == ui.DEFAULT_RUN
    expected = {f"{entry_key(run, finding_id)}.json" for finding_id in FINDINGS
                if (run := run_for(finding_id, shown, runs)) is not None}
    assert len(expected) == len(FINDINGS)
    assert {path.name for path in tmp_path.iterdir()} == expected


def test_a_failing_warm_up_is_logged_and_raises_nothing(monkeypatch, caplog):
    def broken():
        raise OSError("the disk went away")

    monkeypatch.setattr(ui, "disk_runs", broken)
    with caplog.at_level(logging.WARNING, logger=warmup.__name__):
        warmup.warm_up()
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
