"""Event-sourced peacekeeping force tracker.

The rooms: ``tracker.app`` (the service: ``Tracker`` and its use cases), ``tracker.store``
(configuration, the SQLite and PostgreSQL recorders, the hash chain, backups and copies),
``tracker.importers`` (every published format, read into validated rows, then events),
``tracker.answers`` (the records answers are made of, forecast and ledger), ``tracker.faces``
(tables, charts, maps, the web view, generated docs) and ``tracker.cli`` (the command line).

The API below is imported when first used (PEP 562): ``import tracker.cli`` alone does not load
the domain, so that a question answered from a current view need not (issue 19).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from events.lazy import lazy_exports

if TYPE_CHECKING:
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

_HOME = {
    "ImportResult": "tracker.answers.records",
    "InsufficientStrengthError": "events.errors",
    "InvalidInputError": "events.errors",
    "Recorded": "tracker.answers.records",
    "StrengthAnswer": "tracker.answers.records",
    "Tracker": "tracker.app",
    "TrackerError": "events.errors",
}


__getattr__ = lazy_exports(__name__, _HOME)
