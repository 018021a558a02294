"""The ``Tracker`` facade: every use case of the service layer, on one object."""

from __future__ import annotations

from tracker.app.importing import Importing
from tracker.app.maintenance import Maintenance
from tracker.app.record import RecordQuestions
from tracker.app.strength import StrengthQuestions
from tracker.app.writing import Writing


class Tracker(Writing, Importing, StrengthQuestions, RecordQuestions, Maintenance):
    """Peacekeeping force tracker: record what was announced and what happened, and ask for
    strength by contributor, location and personnel type on any date.

    Args:
        db: the SQLite file of the event store (``:memory:`` for nothing on disk); by default
            the ``TRACKER_DB`` variable, else ``./tracker.db``.
            A PostgreSQL URL (``postgresql://user:password@host:port/database``) puts the
            store on that server, by configuration alone; so does ``TRACKER_DATABASE_URL``.
        create: make the store if it does not exist (else raise ``TrackerError``).
        views_dir: where the views of a PostgreSQL store live (default: the current folder).
    """
