"""The console every table is printed on (kept apart from the commands, so a read path can
print without loading them)."""

from __future__ import annotations

import os
import signal
import sys

from rich.console import Console


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader left early (``tracker strength ... | head -3``): stop quietly with the
        status of a Unix tool killed by SIGPIPE, 141, as every other command does (rich's
        own is 1, which is a store's error here)."""
        self.quiet = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(128 + signal.SIGPIPE)


def console() -> Console:
    """Tables at the terminal's width; 120 columns in a pipe (rich would take 80)."""
    return _Console(width=None if sys.stdout.isatty() else 120)
