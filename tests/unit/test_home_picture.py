"""Home's stored picture (icar_core.home_picture): it reads back what was written, only for the run file it was
made from, and anything wrong with it means no early picture, never an error; reading it loads no torch."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from icar_core.home_picture import (
    DEFAULT_RUN,
    FILE_NAME,
    MAX_FILE_BYTES,
    MAX_STATES,
    HomePicture,
    from_json,
    stored_picture,
    to_json,
    write_picture,
)
from icar_core.ui_base import is_home_address

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "checkpoints"
RUN_FILE = f"{DEFAULT_RUN}.pt"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the default run with its stored picture."""
    shutil.copy(SHIPPED / RUN_FILE, tmp_path / RUN_FILE)
    shutil.copy(SHIPPED / FILE_NAME, tmp_path / FILE_NAME)
    return tmp_path


def stored(folder: Path) -> dict:
    return json.loads((folder / FILE_NAME).read_text())


def rewrite(folder: Path, data: object) -> None:
    (folder / FILE_NAME).write_text(json.dumps(data))


def test_the_shipped_copy_is_read_for_its_run_and_only_for_it(folder):
    picture = stored_picture(folder, DEFAULT_RUN)
    data = stored(folder)
    assert picture is not None and picture.run == DEFAULT_RUN
    np.testing.assert_array_equal(picture.states, np.array(data["states"]))
    assert picture.context_length == len(data["states"]) - 1
    assert picture.mean_length == pytest.approx(np.mean([np.linalg.norm(s) for s in data["states"]]))
    assert stored_picture(folder, "augmented-orthogonal") is None


def test_a_written_picture_reads_back_exactly(tmp_path):
    from icar_core.checkpoints import load_checkpoint

    shutil.copy(SHIPPED / RUN_FILE, tmp_path / RUN_FILE)
    ckpt = load_checkpoint(tmp_path / RUN_FILE)
    path = write_picture(tmp_path, ckpt)
    assert path == tmp_path / FILE_NAME and oct(path.stat().st_mode & 0o777) == "0o644"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left
    picture = stored_picture(tmp_path, DEFAULT_RUN)
    again, digest = from_json(to_json(picture, ckpt.source_id))
    assert digest == ckpt.source_id
    for field in ("states", "truth", "prediction"):
        np.testing.assert_array_equal(getattr(again, field), getattr(picture, field))
    assert (again.error, again.joined, again.run) == (picture.error, picture.joined, picture.run)


def test_a_changed_run_file_makes_the_copy_unusable(folder):
    raw = bytearray((folder / RUN_FILE).read_bytes())
    raw[-1] ^= 1
    (folder / RUN_FILE).write_bytes(bytes(raw))
    assert stored_picture(folder, DEFAULT_RUN) is None


def _corruptions(data: dict) -> list[tuple[str, object]]:
    states = data["states"]
    return [
        ("not an object", [1, 2, 3]),
        ("a key missing", {k: v for k, v in data.items() if k != "error"}),
        ("an extra key", {**data, "exec": "import os"}),
        ("another format", {**data, "format": "pickle"}),
        ("another version", {**data, "version": 2}),
        ("a short hash", {**data, "sha256": "abc"}),
        ("NaN in the states", {**data, "states": [[float("nan")] * len(states[0]), *states[1:]]}),
        ("a bool as a number", {**data, "truth": [True] * len(data["truth"])}),
        ("text as a number", {**data, "prediction": ["1"] * len(data["prediction"])}),
        ("ragged states", {**data, "states": [states[0][:-1], *states[1:]]}),
        ("one state", {**data, "states": states[:1]}),
        ("too many states", {**data, "states": [states[0]] * (MAX_STATES + 1)}),
        ("truth of another size", {**data, "truth": data["truth"] + [0.0]}),
        ("a negative error", {**data, "error": -1.0}),
        ("an infinite error", {**data, "error": float("inf")}),
        ("joined as a number", {**data, "joined": 1}),
        ("nested too deep", {**data, "states": [[[[0.0]]]]}),
    ]


def test_every_malformed_copy_gives_no_picture_and_no_error(folder):
    data = stored(folder)
    rewrite(folder, {**data, "run": "augmented-orthogonal"})  # well-formed, but another run's
    assert stored_picture(folder, DEFAULT_RUN) is None
    for why, bad in _corruptions(data):
        rewrite(folder, bad)
        assert stored_picture(folder, DEFAULT_RUN) is None, why
        with pytest.raises(ValueError):
            from_json(bad)


@pytest.mark.parametrize("content", [b"", b"{", b"\xff\xfe not text", b"[" * 100_000 + b"]" * 100_000,
                                     b" " * (MAX_FILE_BYTES + 1)])
def test_a_file_that_is_not_json_or_too_large_gives_no_picture(folder, content):
    (folder / FILE_NAME).write_bytes(content)
    assert stored_picture(folder, DEFAULT_RUN) is None


def test_links_folders_and_missing_files_give_no_picture(folder, tmp_path_factory):
    other = tmp_path_factory.mktemp("elsewhere")
    shutil.move(folder / FILE_NAME, other / FILE_NAME)
    assert stored_picture(folder, DEFAULT_RUN) is None  # missing
    os.symlink(other / FILE_NAME, folder / FILE_NAME)
    assert stored_picture(folder, DEFAULT_RUN) is None  # a link is not followed
    os.unlink(folder / FILE_NAME)
    (folder / FILE_NAME).mkdir()
    assert stored_picture(folder, DEFAULT_RUN) is None  # a folder
    assert stored_picture(other, DEFAULT_RUN) is None  # the copy without its run file


def test_home_picture_numbers_follow_its_arrays():
    states = np.array([[3.0, 4.0], [0.0, 1.0], [1.0, 0.0]])
    picture = HomePicture("r", states, np.zeros(2), np.ones(2), 2.0, True)
    assert picture.context_length == 2
    assert picture.mean_length == pytest.approx((5 + 1 + 1) / 3)


@pytest.mark.parametrize(("url", "has_query", "base", "home"), [
    ("http://localhost:8501", False, "", True),
    ("http://localhost:8501/", False, "", True),
    ("http://localhost:8501/home", False, "", True),
    ("http://localhost:8501/heads", False, "", False),
    ("http://localhost:8501", True, "", False),  # a view in the address: the page reads it first
    (None, False, "", False),  # no browser (AppTest)
    ("http://host/icar", False, "/icar/", True),
    ("http://host/icar/home", False, "icar", True),
    ("http://host/icar/heads", False, "icar", False),
    ("http://host/other", False, "icar", False),
    ("http://host/icarus", False, "icar", False),
])
def test_home_address(url, has_query, base, home):
    assert is_home_address(url, has_query, base) is home


_NO_TORCH = """import sys
from icar_core import ui_base, warmup
from icar_core.home_picture import DEFAULT_RUN, stored_picture
picture = stored_picture(ui_base.CHECKPOINT_DIR, DEFAULT_RUN)
print(picture is not None, "torch" in sys.modules)"""


def test_the_first_paint_reads_the_shipped_copy_without_torch():
    done = subprocess.run([sys.executable, "-c", _NO_TORCH], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ICAR_CHECKPOINT_DIR": str(SHIPPED)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "False"]
