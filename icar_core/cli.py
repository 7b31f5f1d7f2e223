"""What every icar command line shares: one-line errors and exit codes, never a traceback.

Bad arguments are refused before anything is allocated or written; Ctrl-C exits 130, however
often it is pressed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from icar_core.checkpoints import CheckpointError
from icar_core.validation import clip

# Failures a person can act on: bad values, unreadable or unwritable files, a diverged run.
USER_ERRORS = (ValueError, CheckpointError, FloatingPointError, OSError, OverflowError, MemoryError)
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C


class OneLineParser(argparse.ArgumentParser):
    """argparse without the usage dump: a bad argument prints one ``error:`` line and exits 2."""

    def error(self, message: str) -> None:
        self.exit(EXIT_USAGE, f"error: {clip(message, 300)} (see --help)\n")


def _interrupt(signum, frame) -> None:
    """The first Ctrl-C stops the command; later ones are ignored so that the exit stays 130."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


def run(body: Callable[[], int]) -> int:
    """Run a command's body: user errors become one ``error:`` line and exit 2, Ctrl-C exits 130."""
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, _interrupt) if in_main else None
    try:
        code = body()
    except USER_ERRORS as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        code = EXIT_USAGE
    except KeyboardInterrupt:
        if in_main:  # the command is over: another Ctrl-C while the process exits must not change the code
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        return EXIT_INTERRUPTED
    if in_main:
        signal.signal(signal.SIGINT, previous)
    return code


def one_line(exc: BaseException) -> str:
    """An error as one line of at most 300 characters."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, MemoryError | OverflowError):
        text = f"the requested size is too large for this machine ({type(exc).__name__})"
    return clip(text, 300)


def check_writable_folder(folder: Path) -> None:
    """Create ``folder`` if needed and prove a checkpoint can be written there, as the save will: by
    creating (and removing) a temporary file in it. Permission bits alone say yes for /proc."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".icar-write-check.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ValueError(f"cannot write checkpoints to the folder {clip(folder, 100)} "
                         f"({exc.strerror or type(exc).__name__})") from None


def check_file_argument(option: str, value: str | None) -> Path | None:
    """A path option: absent (None) or a non-empty path; an empty one is refused, never defaulted."""
    if value is None:
        return None
    if not value.strip():
        raise ValueError(f"{option} must be a file path; got an empty one")
    return Path(value)
