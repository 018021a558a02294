"""The in-memory event store (``:memory:``, for tests and trials): the library's, with the
commit's time as every event's recorded time, as on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eventsourcing.popo import POPOApplicationRecorder, POPOFactory

from tracker.store import stamping
from tracker.store.stamping import commit_time, recorded_time, stamped

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from eventsourcing.persistence import ApplicationRecorder, StoredEvent


class StampedPOPOApplicationRecorder(POPOApplicationRecorder):
    """The library's in-memory recorder; the placeholder time becomes the commit's."""

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        with self._database_lock:
            last = recorded_time(self._stored_events[-1].state) if self._stored_events else None
            events = stamped(stored_events, commit_time(last, stamping.clock()))
            return super().insert_events(events, **kwargs)

    def settle(self, at: datetime) -> None:
        """A commit in flight (another thread's) finishes first."""
        with self._database_lock:
            return


class MemoryFactory(POPOFactory):
    """The library's in-memory persistence, with the recorder above."""

    def application_recorder(self) -> ApplicationRecorder:
        return StampedPOPOApplicationRecorder()
