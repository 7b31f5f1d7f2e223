"""Every page survives unusual but valid runs: one state coordinate, very short contexts, a run
interrupted at its first step. Each says what does not apply instead of failing."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from icar_core import ui
from icar_core.train import PRESETS, train
from tests.app.apptest_utils import APP, TIMEOUT, no_exception

AUGMENTED, PE_ONLY, MULTIHEAD = (PRESETS[n] for n in ("augmented-commuting", "pe-only-mu100",
                                                      "multihead-diagonal-commuting"))
EDGE_RUNS = {
    "one-coordinate": replace(AUGMENTED, name="one-coordinate", steps=5,
                              process=replace(AUGMENTED.process, d=1, w_dist="orthogonal")),
    "pe-only-T4": replace(PE_ONLY, name="pe-only-T4", steps=5, process=replace(PE_ONLY.process, T=4)),
    "multihead-T3": replace(MULTIHEAD, name="multihead-T3", steps=5, process=replace(MULTIHEAD.process, T=3)),
}


@pytest.fixture(scope="module")
def edge_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("edge-runs")
    for name, config in EDGE_RUNS.items():
        train(config, folder / f"{name}.pt", progress=False)
    return folder


@pytest.mark.parametrize("run", sorted(EDGE_RUNS))
def test_every_page_handles_the_run(edge_folder, monkeypatch, run):
    monkeypatch.setattr(ui, "CHECKPOINT_DIR", edge_folder)
    run_id = hashlib.sha256((edge_folder / f"{run}.pt").read_bytes()).hexdigest()
    for _, page, _, _ in ui.PAGES:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.session_state["run_id"] = run_id
        at.run()
        at.switch_page(page).run()
        no_exception(at)
