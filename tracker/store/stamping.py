"""Recorded time is the commit's (issue 15, item 5).

A unit of work makes its events with one placeholder time, ``PLACEHOLDER``. The recorder,
holding the store's write lock, takes the commit's time ``C = max(now, last recorded time +
1 us)`` and puts it in place of the placeholder in every stored state (a bytes replace of the
exact JSON field, which occurs once in each state), then inserts them (the hash chain is
computed over these final bytes) and commits. So every event of one commit has the same
recorded time, a later commit always a later one (strictly), and a question "as recorded at
T" asked once T has passed never gets another answer later: a commit still to come is stamped
after the last one, and after the moment it took the lock.

States without the placeholder (a copy of another store, with its original times) are
stored as they are.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pydantic_core
from eventsourcing.persistence import StoredEvent

from events.errors import TrackerError

if TYPE_CHECKING:
    from collections.abc import Sequence

PLACEHOLDER = datetime(1970, 1, 1, tzinfo=UTC)  # never stored: replaced by the commit's time
_FIELD = b'"timestamp":'
PLACEHOLDER_FIELD = _FIELD + pydantic_core.to_json(PLACEHOLDER)
TICK = timedelta(microseconds=1)


def clock() -> datetime:
    """The store's clock for a SQLite or in-memory store (PostgreSQL uses the server's)."""
    return datetime.now(UTC)


def commit_time(last: datetime | None, now: datetime) -> datetime:
    """The time a commit is stamped with: now, or just after the last one recorded, if the
    clock stands still or went back."""
    if last is None or now > last:
        return now
    return last + TICK


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC (one without a zone is taken as UTC, never as the process's local
    time): every time the store writes or reads is UTC, whatever the time zone of the
    process (``TZ``), of the database session (``PGTZ``) or of the server."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def recorded_time(state: bytes | None) -> datetime | None:
    """The recorded time held in a stored state, in UTC (None if it holds none: not one of
    ours)."""
    if not state:
        return None
    try:
        value = json.loads(state).get("timestamp")
        return as_utc(datetime.fromisoformat(value)) if isinstance(value, str) else None
    except (ValueError, AttributeError):
        return None


def stamped(events: Sequence[StoredEvent], at: datetime) -> list[StoredEvent]:
    """``events`` with the commit's time ``at`` (in UTC) in place of the placeholder."""
    field = _FIELD + pydantic_core.to_json(as_utc(at))
    first = b"{" + PLACEHOLDER_FIELD  # where a unit of work's event has it: its first field
    found = []
    for event in events:
        state = event.state
        if state.startswith(first) and state.find(PLACEHOLDER_FIELD, len(first)) < 0:
            found.append(  # (a slice, not a search of the whole state: issue 25)
                StoredEvent(
                    event.originator_id,
                    event.originator_version,
                    event.topic,
                    b"{" + field + state[len(first) :],
                )
            )
            continue
        count = state.count(PLACEHOLDER_FIELD)
        if count == 0:  # not made by a unit of work: stored as it is
            found.append(event)
            continue
        if count > 1:  # a string holding it would have its quotes escaped: never expected
            raise TrackerError(
                f"event {event.originator_id}/{event.originator_version}: its recorded time "
                "is ambiguous - nothing was written"
            )
        found.append(
            StoredEvent(
                event.originator_id,
                event.originator_version,
                event.topic,
                state.replace(PLACEHOLDER_FIELD, field),
            )
        )
    return found
