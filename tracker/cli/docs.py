"""``python -m tracker.cli.docs`` (``make docs``): write the event catalogue and the command
reference into ``docs/`` from the code's own docstrings and options."""

from __future__ import annotations

from pathlib import Path

from tracker.cli import cli
from tracker.faces.docs import write

if __name__ == "__main__":
    for path in write(Path(__file__).resolve().parents[2] / "docs", cli):
        print(f"wrote {path}")
