"""Moving a store: every stored event, in order, with its original recorded time (it is part
of the stored state), from one backend to another; checked at the end."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventsourcing.persistence import StoredEvent

from events.errors import TrackerError

if TYPE_CHECKING:
    from eventsourcing.persistence import ApplicationRecorder

BATCH = 1000


@dataclass(frozen=True)
class CopyReport:
    """How many events were copied, and that the target holds exactly the same ones."""

    events: int
    verified: bool


def copy_store(source: ApplicationRecorder, target: ApplicationRecorder, shown: str) -> CopyReport:
    """Copy every event of ``source`` into the empty ``target``, in log order, in batches of
    1,000 per transaction; then compare both logs event by event.

    Raises:
        TrackerError: the target is not empty, or the copy does not match.
    """
    if target.max_notification_id():
        raise TrackerError(f"the target store {shown!r} is not empty - copy into a new one")
    start, copied = 0, 0
    while notes := source.select_notifications(start=start, limit=BATCH, inclusive_of_start=False):
        target.insert_events(
            [StoredEvent(n.originator_id, n.originator_version, n.topic, n.state) for n in notes]
        )
        start, copied = notes[-1].id, copied + len(notes)
    if _fingerprints(source) != _fingerprints(target):
        raise TrackerError("the copy does not match its source event for event")
    return CopyReport(copied, True)


def _fingerprints(recorder: ApplicationRecorder) -> list[tuple[str, int, str, bytes]]:
    found, start = [], 0
    while notes := recorder.select_notifications(
        start=start, limit=BATCH, inclusive_of_start=False
    ):
        found += [(str(n.originator_id), n.originator_version, n.topic, n.state) for n in notes]
        start = notes[-1].id
    return found
