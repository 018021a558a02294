"""The unit of work every write goes through: aggregates loaded once, each event checked by
its aggregate as it is recorded, all saved together in one transaction (a large import writes
its events out as it goes, into that same held transaction: all or nothing, memory flat)."""

from __future__ import annotations

import sqlite3
from contextlib import ExitStack, suppress
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import datetime_now_with_tzinfo
from eventsourcing.persistence import IntegrityError, StoredEvent
from pydantic import ValidationError

from events.contingent import Contingent, contingent_id
from events.errors import InvalidInputError, MissionExistsError, MissionNotFoundError, TrackerError
from events.mission import Mission, mission_id
from events.values import country_code, find_place
from tracker.app.kinds import CONTINGENT_KINDS, MISSION_KINDS, SHARED_KINDS, kind_name

if TYPE_CHECKING:
    from collections.abc import Mapping

    from eventsourcing.domain import BaseAggregate

    from tracker.app.core import TrackerCore


def explain(error: ValidationError) -> str:
    """One line for the first problem pydantic found: the field and what is wrong."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"] if not str(part).startswith("function"))
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"field {where!r}: {message}" if where else message


class ConflictError(TrackerError):
    """Raised when another writer appended to the same stream first (nothing was written)."""


RESERVED_FIELDS = {
    "timestamp": "recorded time is set by the store, never by the user - leave it out",
    "originator_id": "the store sets it - leave it out",
    "originator_version": "the store sets it - leave it out",
    "originator_topic": "the store sets it - leave it out",
}


SPILL_EVERY = 5000  # events held as objects before a large import writes them out


class _Abort(Exception):
    """Thrown into a held transaction to roll it back."""


class HeldTransaction:
    """One transaction held open on the event store while a large import goes on: events are
    written as they are checked (memory stays flat) and committed, or rolled back, once."""

    def __init__(self, tracker: TrackerCore) -> None:
        recorder: Any = tracker.recorder
        self.recorder = recorder
        self.stack = ExitStack()
        if tracker.config.postgres:
            conn = self.stack.enter_context(recorder.datastore.get_connection())
            self.stack.enter_context(conn.transaction())
            self.cursor = self.stack.enter_context(conn.cursor())
        else:
            self.cursor = self.stack.enter_context(recorder.datastore.transaction(commit=True))

    def write(self, stored: list[StoredEvent]) -> None:
        if hasattr(self.recorder, "_fetch_ids_after_insert_events"):  # PostgreSQL
            self.recorder._insert_stored_events(self.cursor, stored)
            self.recorder._fetch_ids_after_insert_events(self.cursor, stored)
        else:
            self.recorder._insert_events(self.cursor, stored)

    def commit(self) -> None:
        self.stack.close()

    def rollback(self) -> None:
        with suppress(_Abort):
            self.stack.__exit__(_Abort, _Abort(), None)


class UnitOfWork:
    """A unit of work: aggregates loaded once, events checked one by one, saved together (in
    one transaction; a large import writes them out as it goes, in that same transaction)."""

    def __init__(self, tracker: TrackerCore, *, streaming: bool = False) -> None:
        self.tracker = tracker
        self.aggregates: dict[UUID, BaseAggregate[UUID]] = {}
        # Recorded time: one for the whole unit of work, which is saved in one transaction, so
        # "what the store said at T" never sees half of an import.
        self.now = datetime_now_with_tzinfo()
        self.streaming = streaming and not tracker.config.in_memory
        self.held = 0  # events recorded and not yet written out
        self.writer: HeldTransaction | None = None

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is not None and self.writer is not None:
            self.writer.rollback()
            self.writer = None

    def _spill(self) -> None:
        """Write out the events held so far, into the transaction held open for them."""
        events = [e for a in self.aggregates.values() for e in a.collect_events()]
        if not events:
            return
        if self.writer is None:
            self.writer = HeldTransaction(self.tracker)
        try:
            self.writer.write([self.tracker.mapper.to_stored_event(e) for e in events])
        except (IntegrityError, sqlite3.IntegrityError):
            self.writer.rollback()
            self.writer = None
            raise ConflictError(
                "another writer changed the same contingent at the same time - nothing was "
                "written; run the command again"
            ) from None
        self.held = 0

    def _get(self, aggregate_id: UUID) -> BaseAggregate[UUID] | None:
        if aggregate_id not in self.aggregates:
            try:
                self.aggregates[aggregate_id] = self.tracker.repository.get(aggregate_id)
            except AggregateNotFoundError:
                return None
        return self.aggregates[aggregate_id]

    def mission(self, acronym: str) -> Mission:
        found = self._get(mission_id(acronym))
        if found is None:
            raise MissionNotFoundError(acronym)
        assert isinstance(found, Mission)
        return found

    def record(self, kind: str, fields: Mapping[str, Any]) -> Mission.Event | Contingent.Event:
        kind = kind_name(kind)
        values = dict(fields)
        reserved = sorted(RESERVED_FIELDS.keys() & values.keys())
        if reserved:
            raise InvalidInputError(f"field {reserved[0]!r}: {RESERVED_FIELDS[reserved[0]]}")
        values["timestamp"] = self.now
        try:
            if kind == "mission-established":
                return self._establish(values)
            acronym = mission_acronym(values.pop("mission", None))
            mission = self.mission(acronym)
            contributor = values.pop("contributor", None)
            if kind in CONTINGENT_KINDS or (kind in SHARED_KINDS and contributor):
                contingent = self.contingent(acronym, contributor_code(contributor))
                for name in ("location", "to_location"):
                    check_location(values.get(name), mission, name)
                event_class = CONTINGENT_KINDS.get(kind) or SHARED_KINDS[kind][0]
                recorded: Mission.Event | Contingent.Event = contingent.record(event_class, values)
            else:
                if contributor:
                    raise InvalidInputError(
                        f"field 'contributor': a {kind} event has no contributor"
                    )
                recorded = mission.record(MISSION_KINDS.get(kind) or SHARED_KINDS[kind][1], values)
        except ValidationError as error:
            raise InvalidInputError(explain(error)) from None
        self.held += 1
        if self.streaming and self.held >= SPILL_EVERY:
            self._spill()
        return recorded

    def _establish(self, values: dict[str, Any]) -> Mission.Event:
        acronym = mission_acronym(values.pop("mission", None))
        mission = self.open_mission(acronym)
        if mission.established:
            raise MissionExistsError(acronym)
        return mission.record(Mission.Established, values)

    def open_mission(self, acronym: str) -> Mission:
        """The mission, opened if the store has never heard of it."""
        found = self._get(mission_id(acronym))
        if found is None:
            found = Mission.open(acronym, self.now)
            self.aggregates[found.id] = found
        assert isinstance(found, Mission)
        return found

    def contingent(self, mission: str, contributor: str) -> Contingent:
        found = self._get(contingent_id(mission, contributor))
        if found is None:
            found = Contingent.open(mission, contributor, self.now)
            self.aggregates[found.id] = found
        assert isinstance(found, Contingent)
        return found

    def save(self) -> None:
        if self.writer is not None:  # a large import: the rest, then commit
            self._spill()
            assert self.writer is not None
            self.writer.commit()
            self.writer = None
            return
        pending = [a for a in self.aggregates.values() if a.pending_events]
        try:
            self.tracker.save(*pending)
        except IntegrityError:
            raise ConflictError(
                "another writer changed the same contingent at the same time - nothing was "
                "written; run the command again"
            ) from None


def mission_acronym(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError("field 'mission': a mission acronym is required, such as 'MINUSMA'")
    return value.strip().upper()


def contributor_code(value: Any) -> str:
    try:
        return country_code(value)
    except ValueError as error:
        raise InvalidInputError(f"field 'contributor': {error}") from None


def check_location(value: Any, mission: Mission, name: str) -> None:
    if not isinstance(value, str) or not value.strip():
        return
    try:
        place = find_place(value)
    except ValueError as error:
        raise InvalidInputError(f"field {name!r}: {error}") from None
    if mission.host is not None and place.country != mission.host:
        raise InvalidInputError(
            f"field {name!r}: {place.name} is in {place.country}, not in "
            f"{mission.acronym}'s host country {mission.host}"
        )
