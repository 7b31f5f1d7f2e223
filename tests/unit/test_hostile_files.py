"""Hostile and broken files (issue 12): each costs one plain sentence, or opens within the budget.

The corpus is generated into a tmp folder by tests/hostile_corpus.py; nothing here is committed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from icar_core.checkpoints import (
    MAX_MESSAGE_CHARS,
    CheckpointError,
    analysis_contexts,
    list_checkpoints,
    load_checkpoint,
    remove_stale_temp_files,
    save_checkpoint,
)
from icar_core.plain_text import markdown_literal
from icar_core.validation import QUOTE_CHARS, quote
from tests.hostile_corpus import IMAGE_NAME, build_corpus, payload

pytestmark = pytest.mark.usefixtures("single_thread")
SECONDS_PER_FILE = 5.0


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    return build_corpus(tmp_path_factory.mktemp("corpus"))


def test_the_corpus_is_large_and_mixed(corpus):
    assert len(corpus) >= 40
    assert {expected for _, expected in corpus.values()} == {"refuse", "open"}


def _one_sentence(message: str, label: str) -> None:
    assert message.startswith(f"{label}: "), message
    assert len(message) <= MAX_MESSAGE_CHARS, len(message)
    assert "\n" not in message and "Traceback" not in message, message


def test_every_file_is_refused_with_one_sentence_or_opened_within_budget(corpus):
    wrong = []
    for name, (path, expected) in corpus.items():
        started = time.perf_counter()
        try:
            ckpt = load_checkpoint(path)
        except CheckpointError as exc:
            got = "refuse"
            _one_sentence(str(exc), path.name)
        else:
            got = "open"
            assert analysis_contexts(ckpt.config) > 0
        seconds = time.perf_counter() - started
        assert seconds < SECONDS_PER_FILE, f"{name}: {seconds:.1f} s"
        if got != expected:
            wrong.append(name)
    assert not wrong, f"expected otherwise: {wrong}"


def test_the_same_files_as_bytes_or_uploads(corpus):
    """An upload goes through the same checks, and its (browser-given) name is cut short too."""
    long_name = "u" * 5000 + ".pt"
    for name in ("bytearray", "lr-1e400", "name-10MB", "sparse", "zip-bomb"):
        with pytest.raises(CheckpointError) as info:
            load_checkpoint(corpus[name][0].read_bytes(), name=long_name)
        message = str(info.value)
        assert len(message) <= MAX_MESSAGE_CHARS and message.count("u") <= QUOTE_CHARS + 5, message


@pytest.mark.parametrize(("name", "fragment"), [
    ("bytearray", "refused"), ("int64", "float32 and float64"), ("complex64", "float32 and float64"),
    ("seconds-abc", "seconds"), ("deflated", "compressed"), ("budget-d16-T256", "at most"),
    ("shared-history", "at most 2 MB"), ("stride-zero-T64", "contiguous"), ("lr-1e400", "401 digits"),
    ("name-10MB", "at most 2 MB"), ("name-100k", "at most 100 characters"), ("many-snapshots", "at most 500"),
])
def test_refusals_say_why(corpus, name, fragment):
    with pytest.raises(CheckpointError, match=fragment):
        load_checkpoint(corpus[name][0])


def test_quote_never_echoes_more_than_the_limit():
    assert len(quote("x" * 10**6)) <= QUOTE_CHARS
    assert "digits" in quote(10**5000)  # Python refuses to print it at all
    assert quote(1.5) == "1.5"


# ---------------------------------------------------------------- the folder listing


def _folder_with_traps(folder: Path, good: Path) -> Path:
    folder.mkdir()
    (folder / "good.pt").write_bytes(good.read_bytes())
    os.symlink(folder / "missing.pt", folder / "dangling.pt")
    os.symlink(folder / "loop-b.pt", folder / "loop-a.pt")
    os.symlink(folder / "loop-a.pt", folder / "loop-b.pt")
    os.symlink("/dev/zero", folder / "zero.pt")
    os.symlink(good, folder / "outside.pt")
    os.symlink(folder / "good.pt", folder / "inside.pt")
    os.mkfifo(folder / "fifo.pt")
    (folder / "dir.pt").mkdir()
    return folder


def test_listing_cannot_hang_or_fail(tmp_path, corpus):
    folder = _folder_with_traps(tmp_path / "runs", corpus["at-budget-d4-T64"][0])
    started = time.perf_counter()
    listing = list_checkpoints(folder)
    assert time.perf_counter() - started < 10
    assert sorted(c.path.name for c in listing.runs) == ["good.pt", "inside.pt"]
    reasons = {path.name: reason for path, reason in listing.failed}
    assert set(reasons) == {"dangling.pt", "loop-a.pt", "loop-b.pt", "zero.pt", "outside.pt", "fifo.pt", "dir.pt"}
    for name, reason in reasons.items():
        _one_sentence(reason, name)
    assert "link to nothing" in reasons["dangling.pt"] and "outside" in reasons["outside.pt"]
    assert "regular file" in reasons["fifo.pt"]


def test_a_fifo_or_device_opened_by_path_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "fifo.pt")
    for path in (tmp_path / "fifo.pt", Path("/dev/zero")):
        with pytest.raises(CheckpointError, match="regular file"):
            load_checkpoint(path)


def test_listing_a_missing_folder_gives_nothing(tmp_path):
    listing = list_checkpoints(tmp_path / "nowhere")
    assert listing.runs == [] and listing.failed == []


# ---------------------------------------------------------------- saving


def test_stale_temp_files_are_removed_by_the_next_save(tmp_path):
    out = tmp_path / "run.pt"
    stale = [tmp_path / ".run.pt.abc123.tmp", tmp_path / ".run.pt.x.tmp"]
    for path in stale:
        path.write_bytes(b"half a save")
    other = tmp_path / ".other.pt.abc.tmp"
    other.write_bytes(b"another run's")
    save_checkpoint(out, payload())
    assert not any(path.exists() for path in stale) and other.exists()
    assert load_checkpoint(out).name == "corpus-augmented"
    assert remove_stale_temp_files(out) == []


# ---------------------------------------------------------------- Markdown


def _bare(escaped: str, ch: str) -> bool:
    """Whether ``ch`` occurs in ``escaped`` without a backslash before it."""
    return any(c == ch and (i == 0 or escaped[i - 1] != "\\") for i, c in enumerate(escaped))


@pytest.mark.parametrize("text", [
    IMAGE_NAME, "`code` ~~gone~~ $x$ _i_", "<img src=x>", "[link](javascript:alert(1))", "a\\b",
])
def test_markdown_literal_escapes_inline_markup(text):
    escaped = markdown_literal(text)
    for ch in "`*_[]<~$":
        assert not _bare(escaped, ch), escaped
    assert escaped.replace("\\", "") == text.replace("\\", "")  # nothing but backslashes added


@pytest.mark.parametrize(("text", "expected"), [
    ("# heading", "\\# heading"), ("- item", "\\- item"), ("1. item", "1\\. item"), ("> quote", "\\> quote"),
    ("a\nb\r\n# c", "a b # c"),
])
def test_markdown_literal_keeps_one_line_without_block_markers(text, expected):
    assert markdown_literal(text) == expected


def test_ordinary_names_read_unchanged():
    for name in ("augmented-commuting", "pe-only-mu50", "run 3 (copy).pt: the file is empty"):
        assert markdown_literal(name) == name
