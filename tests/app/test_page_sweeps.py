"""The Sweeps page (AppTest) on the shipped sweep: the heatmap's cells and the seed-band points are the runs' own
numbers from the results table (recomputed here with pandas, not with the view); a broken table, a missing
checkpoint and an empty folder each get one sentence."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from icar_core.checkpoints import CheckpointError
from icar_core.i18n import translate
from icar_core.sweep_results import ResultsTable, read_table
from icar_core.views import sweeps as sweeps_view
from tests.app.apptest_utils import ROOT, chart_data, no_exception, open_page

PAGE = "app_pages/sweeps.py"
SWEEP = ROOT / "sweeps" / "augmented-commuting-T-d"


@pytest.fixture(scope="module")
def page():
    return open_page(PAGE)


def test_heatmap_cells_are_the_runs_mean_over_seeds(page):
    no_exception(page)
    assert page.selectbox(key="sweeps-name").value == SWEEP.name
    assert page.selectbox(key="sweeps-metric").value == "gd.loss_ratio"
    heat, _ = chart_data(page)
    cells = heat[0].set_index(["x", "y"])
    table = read_table(SWEEP)
    assert len(cells) == 15
    for (T, d), runs in table.groupby(["process.T", "process.d"]):
        cell = cells.loc[(T, d)]
        values = runs["gd.loss_ratio"].to_numpy()
        assert cell["mean"] == pytest.approx(values.mean(), rel=1e-12)
        assert cell["sd"] == pytest.approx(values.std(ddof=1), rel=1e-9)
        assert cell["seeds"] == 3 and cell["min"] == values.min() and cell["max"] == values.max()
        # The run a click opens is the cell's run nearest its mean.
        assert cell["run"] == runs["run"].iloc[np.argmin(np.abs(values - values.mean()))]
        assert cell["label"] == f"{values.mean():.3g} ± {values.std(ddof=1):.1g}"


def test_band_points_are_each_runs_value_with_its_interval(page):
    _, band = chart_data(page)
    points = next(f for f in band if "value" in f).set_index("run")
    table = read_table(SWEEP).set_index("run")
    assert sorted(points.index) == sorted(table.index)
    for key, point in points.iterrows():
        assert (point["value"], point["low"], point["high"]) == \
            (table.loc[key, "gd.loss_ratio"], table.loc[key, "gd.loss_ratio.low"], table.loc[key, "gd.loss_ratio.high"])


def test_other_metric_and_japanese():
    at = open_page(PAGE, lang="ja")
    metric = at.selectbox(key="sweeps-metric")
    # By index: AppTest formats a set value in English, whatever the session's language.
    metric.select_index(sweeps_view.HEADLINE_METRICS.index("gd.update_rel_error")).run()
    no_exception(at)
    assert at.selectbox(key="sweeps-metric").value == "gd.update_rel_error"
    assert at.title[0].value == translate("sweeps.title", "ja")
    cells = chart_data(at)[0][0].set_index(["x", "y"])
    table = read_table(SWEEP)
    expected = table.groupby(["process.T", "process.d"])["gd.update_rel_error"].mean()
    assert np.allclose(cells.loc[expected.index, "mean"], expected.to_numpy())


def _fake_sweep(folder, table_bytes: bytes | None):
    sweep = folder / "bad"
    sweep.mkdir(parents=True)
    (sweep / "sweep.json").write_text(json.dumps({"preset": "augmented-commuting", "grid": {"process.T": [4]},
                                                  "set": {}, "seeds": [0], "n_contexts": 4096}))
    if table_bytes is not None:
        (sweep / "results.parquet").write_bytes(table_bytes)


@pytest.mark.parametrize(("table_bytes", "says"), [(b"PAR1 not really", "is not a readable results table"),
                                                    (None, "has no results.parquet yet")])
def test_broken_sweep_gets_one_sentence(tmp_path, monkeypatch, table_bytes, says):
    _fake_sweep(tmp_path, table_bytes)
    monkeypatch.setattr(sweeps_view, "SWEEP_DIR", tmp_path)
    at = open_page(PAGE)
    no_exception(at)
    assert len(at.warning) == 1 and says in at.warning[0].value
    assert at.warning[0].value.count(". ") == 0  # one sentence


def test_no_sweeps_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(sweeps_view, "SWEEP_DIR", tmp_path / "absent")
    at = open_page(PAGE)
    no_exception(at)
    assert at.info[0].value == translate("sweeps.none", "en")


def test_absent_checkpoint_is_said_not_crashed(tmp_path):
    view = sweeps_view.load_sweep(SWEEP.name)
    key = view.runs["run"].iloc[0]
    moved = sweeps_view.SweepView(view.name, tmp_path, view.preset, view.axes, view.runs, view.failed, view.metrics)
    with pytest.raises(CheckpointError, match=r"is not shipped with .* \(only its results table is\)"):
        sweeps_view.open_run(moved, key)
    assert sweeps_view.open_run(view, key).name == f"{SWEEP.name}.{key}"


def test_a_rewritten_table_is_read_again_an_unchanged_one_is_not(tmp_path):
    """The page keeps a sweep's read (and its cells) while the folder is unchanged; a running sweep rewrites its
    table after every run, and the next visit shows the new numbers."""
    folder = tmp_path / SWEEP.name
    folder.mkdir()
    for name in ("sweep.json", "results.parquet"):
        shutil.copy(SWEEP / name, folder / name)
    view = sweeps_view.load_sweep(SWEEP.name, tmp_path)
    assert sweeps_view.load_sweep(SWEEP.name, tmp_path) is view
    before = sweeps_view.cells(view, "gd.loss_ratio", "process.T", "process.d")
    assert sweeps_view.cells(view, "gd.loss_ratio", "process.T", "process.d") is before

    table = ResultsTable(folder)
    key, row = next(iter(table.rows.items()))
    table.put({**row, "gd.loss_ratio": row["gd.loss_ratio"] + 1.0})  # as a sweep does when a run finishes
    again = sweeps_view.load_sweep(SWEEP.name, tmp_path)
    assert again is not view
    assert again.runs.set_index("run").loc[key, "gd.loss_ratio"] == row["gd.loss_ratio"] + 1.0
    after = sweeps_view.cells(again, "gd.loss_ratio", "process.T", "process.d")
    cell = (row["process.T"], row["process.d"])
    shift = after.set_index(["x", "y"]).loc[cell, "mean"] - before.set_index(["x", "y"]).loc[cell, "mean"]
    assert shift == pytest.approx(1.0 / 3)  # one of the cell's three seeds moved by 1
