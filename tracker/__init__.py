"""Event-sourced peacekeeping force tracker.

The rooms: ``tracker.app`` (the service: ``Tracker`` and its use cases), ``tracker.store``
(configuration, the SQLite and PostgreSQL recorders, the hash chain, backups and copies),
``tracker.importers`` (every published format, read into validated rows, then events),
``tracker.answers`` (the records answers are made of, forecast and ledger), ``tracker.faces``
(tables, charts, maps, the web view, generated docs) and ``tracker.cli`` (the command line).
"""

from events.errors import InsufficientStrengthError, InvalidInputError, TrackerError
from tracker.answers.records import ImportResult, Recorded, StrengthAnswer
from tracker.app import Tracker

__all__ = [
    "ImportResult",
    "InsufficientStrengthError",
    "InvalidInputError",
    "Recorded",
    "StrengthAnswer",
    "Tracker",
    "TrackerError",
]
