"""The console every table is printed on (kept apart from the commands, so a read path can
print without loading them)."""

from __future__ import annotations

import sys

from rich.console import Console


def console() -> Console:
    """Tables at the terminal's width; 120 columns in a pipe (rich would take 80)."""
    return Console(width=None if sys.stdout.isatty() else 120)
