"""The unit of work every write goes through: aggregates loaded once, each event checked by
its aggregate as it is recorded, all saved together in one transaction, stamped with the
commit's time (a large import stages its events as it goes, and the commit moves them into the
log: all or nothing, memory flat).

An import is a batch (issue 25): its contingents are read from their stored states, not
rebuilt through the library's repository, and each one's invariants are checked once, when
the batch is saved, by folding its changes in force in valid-time order
(``events.deferred``). A batch refused there is done again event by event
(``DeferredRefusal``), whose refusal names the event that breaks the history."""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any, Protocol, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import OriginatorVersionError
from eventsourcing.persistence import IntegrityError
from pydantic import ValidationError

from events.contingent import Contingent, contingent_id
from events.errors import (
    InsufficientStrengthError,
    InvalidInputError,
    MissionExistsError,
    MissionNotFoundError,
    TrackerError,
)
from events.mission import Mission, mission_id
from events.values import country_code, find_place
from tracker.app.kinds import CONTINGENT_KINDS, MISSION_KINDS, SHARED_KINDS, kind_name
from tracker.app.known import KnownEvents
from tracker.store.stamping import PLACEHOLDER

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from eventsourcing.domain import BaseAggregate
    from eventsourcing.persistence import StoredEvent

    from tracker.app.core import TrackerCore


def explain(error: ValidationError) -> str:
    """One line for the first problem pydantic found: the field and what is wrong."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"] if not str(part).startswith("function"))
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"field {where!r}: {message}" if where else message


class ConflictError(TrackerError):
    """Raised when another writer appended to the same stream first (nothing was written)."""


class DeferredRefusal(Exception):  # a signal to redo, never seen by a user
    """Raised when a batch's check of a contingent refuses it (nothing was written): the
    importer does the batch again event by event, for the refusal that names the event."""

    def __init__(self, error: InsufficientStrengthError) -> None:
        super().__init__(str(error))
        self.error = error


CONFLICT_ATTEMPTS = 60  # a command that lost a race with another writer is tried again
T = TypeVar("T")


def retrying(attempt: Callable[[], T]) -> T:
    """``attempt()``, tried again on the fresh state while it loses races with other writers
    (each try is a new unit of work, all or nothing), with a jittered, growing back-off so
    racing writers fall out of step; after CONFLICT_ATTEMPTS the ConflictError stands."""
    for tried in range(1, CONFLICT_ATTEMPTS + 1):
        try:
            return attempt()
        except ConflictError:
            if tried == CONFLICT_ATTEMPTS:
                raise
            time.sleep(random.uniform(0, 0.01 * 2 ** min(tried - 1, 6)))
    raise AssertionError("unreachable")  # pragma: no cover


RESERVED_FIELDS = {
    "timestamp": "recorded time is set by the store, never by the user - leave it out",
    "originator_id": "the store sets it - leave it out",
    "originator_version": "the store sets it - leave it out",
    "originator_topic": "the store sets it - leave it out",
}


SPILL_EVERY = 2000  # events held as objects before a large import stages them


class UnitOfWork:
    """A unit of work: aggregates loaded once, events checked one by one, saved together in
    one transaction stamped with the commit's time (a large import stages them as it goes,
    and its commit moves them all into the log)."""

    def __init__(
        self, tracker: TrackerCore, *, streaming: bool = False, batch: bool = False
    ) -> None:
        self.tracker = tracker
        self.batch = batch  # contingents read from their stored states, checked at the end
        self.aggregates: dict[UUID, BaseAggregate[UUID]] = {}
        # Recorded time: a placeholder, replaced by the commit's time when the events are
        # written, under the store's lock (tracker.store.stamping): one time for the whole
        # unit of work, so "what the store said at T" never sees half of an import, and never
        # changes once T has passed.
        self.now = PLACEHOLDER
        self.streaming = streaming and not tracker.config.in_memory
        self.held = 0  # events recorded and not yet staged
        self.stage: Stage | None = None
        self.known = KnownEvents(tracker)
        self._contingents: dict[tuple[str, str], Contingent] = {}  # by mission, contributor
        self.log: list[Any] = []  # a batch's events, in the order recorded

    def __enter__(self) -> UnitOfWork:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is not None and self.stage is not None:
            self.stage.discard()
            self.stage = None

    def _spill(self) -> None:
        """Stage the events held so far (a large import): written to the log at the commit,
        a batch's in the order recorded."""
        events = [e for a in self.aggregates.values() for e in a.collect_events()]
        if self.batch:
            events = list(self.log)
            self.log.clear()
        if not events:
            return
        if self.stage is None:
            recorder: Any = self.tracker.recorder
            self.stage = recorder.stage()
            assert self.stage is not None
        self.stage.add([self.tracker.mapper.to_stored_event(e) for e in events])
        self.held = 0

    def _get(
        self,
        aggregate_id: UUID,
        restore: Callable[[list[StoredEvent]], BaseAggregate[UUID]] | None = None,
    ) -> BaseAggregate[UUID] | None:
        if aggregate_id not in self.aggregates:
            found: BaseAggregate[UUID]
            try:
                if restore is not None and self.batch:
                    stored = list(self.tracker.recorder.select_events(aggregate_id))
                    if not stored:
                        return None
                    found = restore(stored)
                else:
                    try:
                        found = self.tracker.repository.get(aggregate_id)
                    except AggregateNotFoundError:
                        return None
            except OriginatorVersionError as error:  # a traceback (issue "Hardening, round 3", 4)
                raise TrackerError(
                    f"the stored events of one stream are out of sequence (version {error.args[0]} "
                    f"where {error.args[1]} was due): an event was changed or removed around the "
                    "tracker - nothing was written; run 'tracker verify'"
                ) from None
            self._take(found)
            self.known.loaded(found)
        return self.aggregates[aggregate_id]

    def _take(self, aggregate: BaseAggregate[UUID]) -> None:
        """An aggregate of this unit of work: a batch keeps its events in the order recorded,
        its opening first when it is new."""
        self.aggregates[aggregate.id] = aggregate
        if self.batch and isinstance(aggregate, Mission | Contingent):
            aggregate.sink = self.log
            self.log.extend(aggregate.pending_events)  # (a new stream's opening)

    def mission(self, acronym: str) -> Mission:
        found = self._get(mission_id(acronym))
        if found is None:
            raise MissionNotFoundError(acronym, self.tracker.mission_names())
        assert isinstance(found, Mission)
        return found

    def record(self, kind: str, fields: Mapping[str, Any]) -> Mission.Event | Contingent.Event:
        """Record one event of ``kind``, checked by its aggregate."""
        recorded = self._record(kind, fields, skip_known=False)
        assert recorded is not None
        return recorded

    def record_unless_known(
        self, kind: str, fields: Mapping[str, Any]
    ) -> Mission.Event | Contingent.Event | None:
        """As ``record``, unless the store already holds an identical event (same kind,
        fields and source) not matched by an earlier one of this unit of work: then nothing
        is recorded and the answer is None (``tracker.app.known``)."""
        return self._record(kind, fields, skip_known=True)

    def _record(
        self, kind: str, fields: Mapping[str, Any], *, skip_known: bool
    ) -> Mission.Event | Contingent.Event | None:
        kind = kind_name(kind)
        values = dict(fields)
        if not RESERVED_FIELDS.keys().isdisjoint(values):
            reserved = sorted(RESERVED_FIELDS.keys() & values.keys())
            raise InvalidInputError(f"field {reserved[0]!r}: {RESERVED_FIELDS[reserved[0]]}")
        values["timestamp"] = self.now
        try:
            aggregate, event_class = self._target(kind, values)
            if skip_known and self.known.take(aggregate, event_class, values):
                return None
            if event_class is Mission.Established and getattr(aggregate, "established", False):
                raise MissionExistsError(getattr(aggregate, "acronym", ""))
            recorded: Mission.Event | Contingent.Event = aggregate.record(event_class, values)
        except ValidationError as error:
            raise InvalidInputError(explain(error)) from None
        self.held += 1
        if self.streaming and self.held >= SPILL_EVERY:
            self._spill()
        return recorded

    def _target(self, kind: str, values: dict[str, Any]) -> tuple[Any, Any]:
        """The aggregate an event of ``kind`` goes to, and its class (``values`` loses the
        mission and contributor, which the aggregate adds)."""
        acronym = mission_acronym(values.pop("mission", None))
        if kind == "mission-established":
            return self.open_mission(acronym), Mission.Established
        mission = self.mission(acronym)
        contributor = values.pop("contributor", None)
        if kind in CONTINGENT_KINDS or (kind in SHARED_KINDS and contributor):
            contingent = self.contingent(acronym, contributor_code(contributor))
            for name in ("location", "to_location"):
                check_location(values.get(name), mission, name)
            return contingent, CONTINGENT_KINDS.get(kind) or SHARED_KINDS[kind][0]
        if contributor:
            raise InvalidInputError(f"field 'contributor': a {kind} event has no contributor")
        return mission, MISSION_KINDS.get(kind) or SHARED_KINDS[kind][1]

    def open_mission(self, acronym: str) -> Mission:
        """The mission, opened if the store has never heard of it."""
        found = self._get(mission_id(acronym))
        if found is None:
            found = Mission.open(acronym, self.now)
            self._take(found)
        assert isinstance(found, Mission)
        return found

    def missions_known(self) -> list[Mission]:
        """Every mission of the store and of this unit of work, in name order."""
        names = set(self.tracker.mission_names())
        names |= {a.acronym for a in self.aggregates.values() if isinstance(a, Mission)}
        return [self.mission(name) for name in sorted(names)]

    def contingent(self, mission: str, contributor: str) -> Contingent:
        known = self._contingents.get((mission, contributor))  # (no UUID hashed: issue 25)
        if known is not None:
            return known
        read_state = self.tracker.mapper.read_state  # type: ignore[attr-defined]

        def restore(stored: list[StoredEvent]) -> Contingent:
            return Contingent.restore(mission, contributor, map(read_state, stored))

        found = self._get(contingent_id(mission, contributor), restore)
        if found is None:
            found = Contingent.open(mission, contributor, self.now)
            if self.batch:
                found.defer_checks()
            self._take(found)
        assert isinstance(found, Contingent)
        self._contingents[(mission, contributor)] = found
        return found

    def check_all(self) -> None:
        """A batch's check now, rather than when it is saved (``_verify``)."""
        self._verify()

    def _verify(self) -> None:
        """A batch's check: each contingent's changes in force folded once.

        Raises:
            DeferredRefusal: one of them breaks its history; nothing was written.
        """
        for aggregate in self.aggregates.values():
            if isinstance(aggregate, Contingent):
                try:
                    aggregate.verify()
                except InsufficientStrengthError as error:
                    raise DeferredRefusal(error) from None

    def save(self) -> None:
        """Write every event recorded, in one transaction.

        Raises:
            ConflictError: another writer appended to one of the streams first; nothing
                was written.
            DeferredRefusal: a batch's contingent breaks its history; nothing was written.
        """
        if self.batch:
            self._verify()
        try:
            if self.stage is not None:  # a large import: the rest, then all of it at once
                self._spill()
                stage, self.stage = self.stage, None
                # Every event is staged: the aggregates are let go before the move into the
                # log, whose own memory then takes their place (issue 19: import peak memory).
                self.aggregates.clear()
                self._contingents.clear()
                self.known = KnownEvents(self.tracker)
                stage.commit()
                return
            if self.batch:  # in the order recorded
                for aggregate in self.aggregates.values():
                    aggregate.collect_events()
                self.tracker.save(*self.log)
                return
            pending = [a for a in self.aggregates.values() if a.pending_events]
            self.tracker.save(*pending)
        except IntegrityError:
            raise ConflictError(
                "another writer changed the same contingent at the same time - nothing was "
                "written; run the command again"
            ) from None


class Stage(Protocol):
    """Where a large unit of work's events wait for its commit (the recorder's)."""

    def add(self, stored_events: list[StoredEvent]) -> None: ...

    def commit(self) -> None: ...

    def discard(self) -> None: ...


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
