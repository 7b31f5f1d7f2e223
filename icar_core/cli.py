"""What every icar command line shares: one-line errors and exit codes, never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from icar_core.checkpoints import CheckpointError

# Failures a person can act on: bad values, unreadable or unwritable files, a diverged run.
USER_ERRORS = (ValueError, CheckpointError, FloatingPointError, OSError)


class OneLineParser(argparse.ArgumentParser):
    """argparse without the usage dump: a bad argument prints one ``error:`` line and exits 2."""

    def error(self, message: str) -> None:
        self.exit(2, f"error: {message} (see --help)\n")


def run(body: Callable[[], int]) -> int:
    """Run a command's body: user errors become one ``error:`` line and exit 2, Ctrl-C exits 130."""
    try:
        return body()
    except USER_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
