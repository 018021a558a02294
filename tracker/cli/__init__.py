"""The command line: one module per command group, each command parses, calls one
``Tracker`` method and renders. ``tracker`` is ``cli``."""

from tracker.cli import outputs, questions, recording, store, views
from tracker.cli.base import cli
from tracker.cli.recording import record

__all__ = ["cli", "outputs", "questions", "record", "recording", "store", "views"]
