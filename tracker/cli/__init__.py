"""The command line: one module per command group, each command parses, calls one
``Tracker`` method and renders. ``tracker`` is ``cli``.

The command modules are imported when ``cli`` is first asked for (PEP 562), so that the read
path of a strength question (``tracker.cli.quick``) loads none of them (issue 19)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.cli import outputs, questions, recording, store, views
    from tracker.cli.base import cli
    from tracker.cli.recording import record

__all__ = ["cli", "outputs", "questions", "record", "recording", "store", "views"]
COMMAND_MODULES = ("outputs", "questions", "recording", "store", "views")


def __getattr__(name: str) -> Any:
    if name in COMMAND_MODULES:
        return importlib.import_module(f"tracker.cli.{name}")
    if name not in ("cli", "record"):
        raise AttributeError(f"module 'tracker.cli' has no attribute {name!r}")
    for module in COMMAND_MODULES:  # each adds its commands to the group
        importlib.import_module(f"tracker.cli.{module}")
    from tracker.cli.base import cli
    from tracker.cli.recording import record

    globals().update(cli=cli, record=record)
    return globals()[name]
