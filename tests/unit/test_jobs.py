"""Tests of icar_core.jobs: unique job names, the progress file, a finished run never replacing a file, and
the Lab's validation naming the bad value (the same sentences as the configuration classes)."""

from __future__ import annotations

import json

import pytest

from icar_core import jobs
from icar_core.checkpoints import load_checkpoint
from icar_core.config import TrainConfig
from icar_core.data import ARProcess
from icar_core.models import ModelConfig
from icar_core.views import lab

pytestmark = pytest.mark.usefixtures("single_thread")


def _tiny(**overrides) -> TrainConfig:
    values = dict(name="tiny-job", process=ARProcess(d=3, T=6), model=ModelConfig(kind="augmented"),
                  steps=20, batch_size=16, eval_size=16, log_every=5, n_snapshots=3)
    return TrainConfig(**(values | overrides))


def test_jobs_get_unique_names_and_their_config():
    first, second = jobs.create_job(_tiny()), jobs.create_job(_tiny())
    assert first != second and first.name.startswith("tiny-job-")
    for folder in (first, second):
        config = TrainConfig.from_dict(json.loads((folder / jobs.CONFIG_FILE).read_text()))
        assert config.name == folder.name and config == _tiny(name=folder.name)
        assert jobs.read_progress(folder).state == "starting"


def test_a_job_trains_publishes_progress_and_lands_as_a_finished_run():
    folder = jobs.create_job(_tiny())
    assert jobs.run_job(folder) == 0
    progress = jobs.read_progress(folder)
    finished = load_checkpoint(jobs.finished_path(folder.name))
    assert progress.state == "complete" and progress.step == finished.train_state["step"] == 20
    assert progress.rows["eval_loss"].tolist() == finished.history["eval_loss"].tolist()
    assert set(progress.measures["metric"]) >= {"prediction_cosine"}
    assert not (folder / jobs.RUN_FILE).exists()  # moved, not copied


def test_a_finished_run_never_replaces_a_file():
    folder = jobs.create_job(_tiny())
    taken = jobs.finished_path(folder.name)
    taken.write_bytes(b"someone else's file")
    assert jobs.run_job(folder) != 0
    assert taken.read_bytes() == b"someone else's file"
    assert jobs.read_progress(folder).state == "failed" and (folder / jobs.RUN_FILE).exists()


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"state": "running"}', b"[1, 2]"])
def test_an_unreadable_progress_file_reads_as_none(tmp_path, content):
    (tmp_path / jobs.PROGRESS_FILE).write_bytes(content)
    assert jobs.read_progress(tmp_path) is None


@pytest.mark.parametrize(("knobs", "sentence"), [
    ({"d": 0}, "d must be an integer in [1, 256]; got 0"),
    ({"noise": -0.5}, "noise must be a finite number >= 0.0; got -0.5"),
    ({"steps": 0}, "steps must be an integer in [1, 10,000,000]; got 0"),
    ({"steps": 2_000_000}, "steps 2,000,000 would log 80,002 history rows"),
    ({"device": "cuda:7"}, "device 'cuda:7' was requested but"),
    ({"kind": "multihead", "heads": "full", "n_heads": 0}, "n_heads must be an integer in [1, 256]; got 0"),
    ({"d": 200, "T": 2000}, "one training step would allocate about"),
])
def test_lab_validation_names_the_bad_value(knobs, sentence):
    values = lab.preset_values(lab.DEFAULT_PRESET) | knobs
    with pytest.raises(ValueError) as info:
        lab.lab_config(lab.DEFAULT_PRESET, values)
    assert sentence in str(info.value)


def test_lab_knobs_follow_the_model_kind():
    values = lab.preset_values("multihead-diagonal-commuting")
    shown = {k.field for k in lab.visible_knobs(values)}
    assert {"heads", "field", "n_heads", "positional"} <= shown and "structure" not in shown
    augmented = {k.field for k in lab.visible_knobs(lab.preset_values("augmented-commuting"))}
    assert "structure" in augmented and not {"heads", "n_heads"} & augmented
    config = lab.lab_config("multihead-diagonal-commuting", values | {"d": 6, "n_heads": 3})
    assert config.process.d == 6 and config.model.n_heads == 3 and config.plateau_patience > 0


def test_two_jobs_at_once_both_finish():
    # what two viewers pressing Train at once start: two children, each with its own folder and file
    folders = [jobs.create_job(_tiny(seed=seed)) for seed in (1, 2)]
    children = [jobs.start(folder) for folder in folders]
    assert [child.wait(timeout=300) for child in children] == [0, 0]
    for folder in folders:
        assert jobs.read_progress(folder).state == "complete"
        assert load_checkpoint(jobs.finished_path(folder.name)).complete
