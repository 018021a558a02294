"""The application service: one method per use case, over the event store and the views."""

from __future__ import annotations

import calendar
import json
import random
import sqlite3
import time
import tomllib
from collections import Counter
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as day_time
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import datetime_now_with_tzinfo
from eventsourcing.persistence import IntegrityError, StoredEvent
from pydantic import ValidationError

from events.contingent import Contingent, contingent_id
from events.errors import (
    EventNotFoundError,
    InvalidInputError,
    MissionExistsError,
    MissionNotFoundError,
    TrackerError,
)
from events.mission import Mission, mission_id
from events.timeline import Gap, reconcile
from events.values import EARLIEST, LATEST, country_code, find_place
from projections import (
    AuditProjection,
    Dimension,
    HistoryRow,
    Projection,
    StrengthProjection,
    StrengthRow,
)
from projections.announcements import AnnouncementProjection
from projections.audit import Presence
from projections.engine import Progress
from projections.mandates import MandateInForce, MandateProjection
from projections.strength import ReportedTotal
from tracker.config import StoreConfig
from tracker.copy import CopyReport, copy_store
from tracker.forecast import Difference, Forecast, forecast
from tracker.importers import un_monthly
from tracker.integrity import Verification, backup_sqlite, checked_hash
from tracker.kinds import CONTINGENT_KINDS, MISSION_KINDS, SHARED_KINDS, kind_name, kind_of
from tracker.ledger import LedgerRow, ledger
from tracker.registry import Registry, load_class
from tracker.un_import import UNMonthlyImport, import_rows

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from eventsourcing.domain import BaseAggregate


@dataclass(frozen=True)
class Recorded:
    """What a command wrote: the new event's id and kind."""

    event_id: str
    kind: str


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: how many events, of which kinds, and their ids."""

    count: int
    kinds: dict[str, int]
    event_ids: list[str] = field(repr=False)


CATEGORY_TYPES: dict[str, tuple[str, ...]] = {
    "military": ("troops", "staff_officers", "military_experts"),
    "police": ("individual_police", "formed_police_units"),
}


@dataclass(frozen=True)
class CeilingCheck:
    """One authorised ceiling against strength: ``actual`` from the contributors' figures by
    personnel type (None: some part unknown), ``reported`` from the whole-mission figure in
    force for the same category (None: none reported)."""

    category: str
    ceiling: int
    actual: int | None
    reported: int | None

    @property
    def share(self) -> float | None:
        return None if self.actual is None or not self.ceiling else self.actual / self.ceiling


@dataclass(frozen=True)
class MandateAnswer:
    """The mandate in force on ``on`` and its ceilings against strength. ``unspecified``:
    personnel whose type the sources do not give, so in no category."""

    mission: str
    on: date
    mandate: MandateInForce | None
    checks: list[CeilingCheck]
    unspecified: int
    reported_total: ReportedTotal | None


@dataclass(frozen=True)
class ProjectionStatus:
    """Where one projection stands against the log."""

    name: str
    version: int
    path: str
    position: int
    head: int
    behind: int
    built_in: bool


@dataclass(frozen=True)
class StrengthAnswer:
    """Strength of a mission on a date, grouped by ``by``. ``total`` is the sum of the known
    figures; ``unknown`` lists the contributors present whose figure is unknown (not in it);
    ``contributors`` counts the contributors present that day (not at 0);
    ``reported_total`` is the latest whole-mission figure reported on or before that day."""

    mission: str
    on: date
    by: tuple[Dimension, ...]
    rows: list[StrengthRow]
    total: int
    unknown: list[str]
    approximate: bool
    contributors: int
    reported_total: ReportedTotal | None = None
    known_at: date | None = None
    recorded_at: str | None = None
    position: int = 0  # the log position the answer reflects
    version: int = 0  # of the strength projection that gave it


MAX_LINE = 1_000_000  # characters in one JSON Lines event: far more than any real one


def _postgres_tables_exist(env: dict[str, str], shown: str) -> bool:
    import psycopg  # only for a PostgreSQL store (the optional extra 'postgres')

    schema = env.get("POSTGRES_SCHEMA") or "public"
    try:
        with psycopg.connect(
            host=env["POSTGRES_HOST"],
            port=int(env["POSTGRES_PORT"]),
            dbname=env["POSTGRES_DBNAME"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"],
            connect_timeout=int(env["POSTGRES_CONNECT_TIMEOUT"]),
        ) as conn:
            # the events and their chain (a store made before the chain gets it on opening)
            row = conn.execute(
                "SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL",
                [f"{schema}.tracker_events", f"{schema}.tracker_events_chain"],
            ).fetchone()
    except psycopg.Error as error:
        said = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        if env["POSTGRES_PASSWORD"]:
            said = said.replace(env["POSTGRES_PASSWORD"], "***")
        raise TrackerError(f"cannot reach the PostgreSQL store {shown}: {said}") from None
    return bool(row and row[0])


def series_dates(start: date, end: date, every: str) -> list[date]:
    """Every month end, year end or day from ``start`` to ``end`` (both included)."""
    if end < start:
        raise InvalidInputError(f"the series ends ({end}) before it starts ({start})")
    days: list[date] = []
    if every == "day":
        days = [date.fromordinal(n) for n in range(start.toordinal(), end.toordinal() + 1)]
    elif every in ("month", "year"):
        year, month = start.year, start.month if every == "month" else 12
        while True:
            last = calendar.monthrange(year, month)[1]
            day = date(year, month, last)
            if day > end:
                break
            if day >= start:
                days.append(day)
            year, month = (
                (year + 1, 1 if every == "month" else 12) if month == 12 else (year, month + 1)
            )
    else:
        raise InvalidInputError(f"--every {every!r}: use day, month or year")
    if len(days) > 20_000:
        raise InvalidInputError(f"{len(days)} dates is too many for one series: ask for fewer")
    return days


def recorded_instant(value: datetime | str | None) -> str | None:
    """A recorded-time bound as stored (ISO, UTC, microseconds): a date alone means the end of
    that day."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                value = datetime.combine(date.fromisoformat(text), day_time.max, tzinfo=UTC)
            else:
                value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInputError(
                f"recorded time {text!r}: give YYYY-MM-DD or an ISO date and time"
            ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if not EARLIEST <= value.date() <= LATEST:
        raise InvalidInputError(
            f"recorded time {value.date()}: give a time from {EARLIEST} to {LATEST}"
        )
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def explain(error: ValidationError) -> str:
    """One line for the first problem pydantic found: the field and what is wrong."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"] if not str(part).startswith("function"))
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"field {where!r}: {message}" if where else message


CONFLICT_ATTEMPTS = 60  # a command that lost a race with another writer is tried again


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


class _Writer:
    """One transaction held open on the event store while a large import goes on: events are
    written as they are checked (memory stays flat) and committed, or rolled back, once."""

    def __init__(self, tracker: Tracker) -> None:
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


class _Batch:
    """A unit of work: aggregates loaded once, events checked one by one, saved together (in
    one transaction; a large import writes them out as it goes, in that same transaction)."""

    def __init__(self, tracker: Tracker, *, streaming: bool = False) -> None:
        self.tracker = tracker
        self.aggregates: dict[UUID, BaseAggregate[UUID]] = {}
        # Recorded time: one for the whole unit of work, which is saved in one transaction, so
        # "what the store said at T" never sees half of an import.
        self.now = datetime_now_with_tzinfo()
        self.streaming = streaming and not tracker.config.in_memory
        self.held = 0  # events recorded and not yet written out
        self.writer: _Writer | None = None

    def __enter__(self) -> _Batch:
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
            self.writer = _Writer(self.tracker)
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
            acronym = _acronym(values.pop("mission", None))
            mission = self.mission(acronym)
            contributor = values.pop("contributor", None)
            if kind in CONTINGENT_KINDS or (kind in SHARED_KINDS and contributor):
                contingent = self.contingent(acronym, _contributor(contributor))
                for name in ("location", "to_location"):
                    _check_location(values.get(name), mission, name)
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
        acronym = _acronym(values.pop("mission", None))
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


def _acronym(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError("field 'mission': a mission acronym is required, such as 'MINUSMA'")
    return value.strip().upper()


def _contributor(value: Any) -> str:
    try:
        return country_code(value)
    except ValueError as error:
        raise InvalidInputError(f"field 'contributor': {error}") from None


def _check_location(value: Any, mission: Mission, name: str) -> None:
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


class Tracker(Application[UUID]):
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

    name = "Tracker"

    def __init__(
        self,
        db: str | Path | None = None,
        *,
        create: bool = True,
        views_dir: str | Path | None = None,
    ) -> None:
        self.config = StoreConfig.resolve(db, views_dir)
        if not create and not self.config.exists():
            raise TrackerError(
                f"no event store at {self.config.display()!r} - create one with 'tracker import' "
                "or 'tracker record', or name another with --db"
            )
        env = self.config.event_store_env()
        if self.config.postgres and _postgres_tables_exist(env, self.config.display()):
            # Others may be writing: skip the library's CREATE statements, whose catalogue and
            # table locks race with their inserts (deadlocks, "tuple concurrently updated").
            env["CREATE_TABLE"] = "n"
        super().__init__(env=env)
        self.strength_view = StrengthProjection(self.config.view_path("strength"))
        self.audit_view = AuditProjection(self.config.view_path("audit"))
        self.announcement_view = AnnouncementProjection(self.config.view_path("announcements"))
        self.mandate_view = MandateProjection(self.config.view_path("mandates"))
        self.registry = Registry(self.config.registry_path())
        self.user_views: list[Projection] = []
        self._notices: list[str] = []
        for spec in self.registry.specs:
            try:
                projection_class = load_class(spec)
            except InvalidInputError as error:  # one missing module must not lock the store
                self._notices.append(f"{error}; it is not kept up to date until it can be")
                continue
            self.user_views.append(projection_class(self.config.view_path(projection_class.name)))

    def close(self) -> None:
        """Close the store and the views' files."""
        for view in self.views():
            view.close()
        super().close()

    # Writing -------------------------------------------------------------------------------
    def record(self, kind: str, fields: Mapping[str, Any]) -> Recorded:
        """Record one event of ``kind`` (see ``tracker.kinds.KINDS``) with its ``fields``.

        Raises:
            TrackerError: the input is not valid or breaks an invariant; nothing is written.
        """
        for attempt in range(CONFLICT_ATTEMPTS):
            batch = _Batch(self)  # loads the aggregates afresh: a retry sees the other write
            event = batch.record(kind, fields)
            try:
                batch.save()
            except ConflictError:
                if attempt + 1 == CONFLICT_ATTEMPTS:
                    raise
                # jittered, growing back-off, so racing writers fall out of step
                time.sleep(random.uniform(0, 0.01 * 2 ** min(attempt, 6)))
                continue
            return Recorded(event.event_id, type(event).__name__)
        raise AssertionError("unreachable")  # pragma: no cover

    def establish_mission(self, **fields: Any) -> Recorded:
        """A mission was established: ``mission``, ``name``, ``host``, ``valid``, ``source``."""
        return self.record("mission-established", fields)

    def renew_mandate(self, **fields: Any) -> Recorded:
        """A mandate was renewed: ``resolution``, ``ceilings``, ``until``, ``valid``, ``source``."""
        return self.record("mandate-renewed", fields)

    def end_mandate(self, **fields: Any) -> Recorded:
        return self.record("mandate-ended", fields)

    def close_mission(self, **fields: Any) -> Recorded:
        return self.record("mission-closed", fields)

    def announce_deployment(self, **fields: Any) -> Recorded:
        return self.record("deployment-announced", fields)

    def announce_withdrawal(self, **fields: Any) -> Recorded:
        return self.record("withdrawal-announced", fields)

    def announce_suspension(self, **fields: Any) -> Recorded:
        return self.record("suspension-announced", fields)

    def deploy_contingent(self, **fields: Any) -> Recorded:
        return self.record("deployed", fields)

    def withdraw_contingent(self, **fields: Any) -> Recorded:
        return self.record("withdrawn", fields)

    def move_contingent(self, **fields: Any) -> Recorded:
        return self.record("moved", fields)

    def report_strength(self, **fields: Any) -> Recorded:
        return self.record("strength-reported", fields)

    def note_incident(self, **fields: Any) -> Recorded:
        return self.record("incident-noted", fields)

    def retract_event(self, event_id: str, reason: str, source: Any = None) -> Recorded:
        """Withdraw an event from the record; nothing is deleted, views stop counting it."""
        parts = event_id.strip().upper().split("/")
        if len(parts) not in (2, 3) or not parts[-1].isdigit():
            raise EventNotFoundError(event_id)
        fields: dict[str, Any] = {
            "mission": parts[0],
            "retracts": "/".join(parts),
            "reason": reason,
        }
        if len(parts) == 3:
            fields["contributor"] = parts[1]
        if source is not None:
            fields["source"] = source
        return self.record("retracted", fields)

    def get_event(self, event_id: str) -> Mission.Event | Contingent.Event:
        """The stored event with this id (``MISSION/CONTRIBUTOR/N`` or ``MISSION/N``).

        Raises:
            EventNotFoundError: no such event.
        """
        parts = event_id.strip().upper().split("/")
        if len(parts) not in (2, 3) or not parts[-1].isdigit():
            raise EventNotFoundError(event_id)
        version = int(parts[-1])
        try:
            code = country_code(parts[1]) if len(parts) == 3 else None
        except ValueError:
            raise EventNotFoundError(event_id) from None
        stream = contingent_id(parts[0], code) if code else mission_id(parts[0])
        found = list(self.events.get(stream, gt=version - 1, lte=version))
        event = found[0] if found else None
        if not isinstance(event, Mission.Event | Contingent.Event) or isinstance(
            event, Mission.Opened | Contingent.Opened
        ):
            raise EventNotFoundError(event_id)
        return event

    def correct_event(
        self, event_id: str, reason: str, changes: Mapping[str, Any], source: Any = None
    ) -> Recorded:
        """Record a correction: an event of the same kind as ``event_id``, with its fields
        and ``changes``, that names it as the one it replaces. ``source``: where the correction
        comes from (default: the original's)."""
        original = self.get_event(event_id)
        kind = kind_of(original)
        if isinstance(original, Mission.Retracted | Contingent.Retracted):
            raise InvalidInputError(
                f"event {original.event_id!r} is a retraction, which cannot itself be retracted "
                "or corrected: to put the retracted fact back, record it again"
            )
        keep = original.model_dump(
            mode="json",
            exclude={"originator_id", "originator_version", "timestamp", "corrects", "reason"},
        )
        fields = {**keep, **changes, "corrects": original.event_id, "reason": reason}
        if source is not None:
            fields["source"] = source
        return self.record(kind, fields)

    def import_events(
        self, lines: Iterable[str], name: str = "<input>", *, _batch: _Batch | None = None
    ) -> ImportResult:
        """Import JSON Lines: one event object per line with a ``type`` field. All or nothing:
        the first bad line raises, naming ``name`` and the line, and nothing is written.

        Raises:
            InvalidInputError: a line is not valid; the message starts with ``name:line:``.
        """
        if _batch is None:
            with _Batch(self, streaming=True) as batch:
                result = self.import_events(lines, name, _batch=batch)
                batch.save()
                return result
        batch = _batch
        ids: list[str] = []
        kinds: Counter[str] = Counter()
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            if len(line) > MAX_LINE:
                raise InvalidInputError(
                    f"{name}:{number}: a line of {len(line):,} characters; an event takes at "
                    f"most {MAX_LINE:,} - is this a JSON Lines file of events?"
                )
            try:
                fields = json.loads(line)
                if not isinstance(fields, dict):
                    raise InvalidInputError("each line must be one JSON object")
                if not isinstance(fields.get("type"), str):
                    raise InvalidInputError("field 'type': missing: say which kind of event")
                event = batch.record(fields.pop("type"), fields)
            except json.JSONDecodeError as error:
                raise InvalidInputError(f"{name}:{number}: not valid JSON ({error.msg})") from None
            except (ValueError, RecursionError) as error:  # 5,000-digit numbers, deep nesting
                said = "nested too deeply" if isinstance(error, RecursionError) else str(error)
                raise InvalidInputError(f"{name}:{number}: not valid JSON ({said})") from None
            except TrackerError as error:
                error.args = (f"{name}:{number}: {error}",)  # same error, located
                raise
            ids.append(event.event_id)
            kinds[type(event).__name__] += 1
        if not ids:
            raise InvalidInputError(f"{name}: no events in it - nothing was written")
        return ImportResult(len(ids), dict(kinds), ids)

    def import_jsonl(
        self, data: bytes, name: str = "<input>", *, _batch: _Batch | None = None
    ) -> ImportResult:
        """``import_events`` of a file's bytes: UTF-8 (a BOM is fine), one event per line.

        Raises:
            InvalidInputError: not UTF-8 (the line is named), or a bad line; nothing written.
        """
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise InvalidInputError(
                f"{name}:{line}: not UTF-8 text ({error.reason} at byte {error.start}) - save "
                "the file as UTF-8"
            ) from None
        return self.import_events(text.splitlines(), name, _batch=_batch)

    def import_un_monthly(
        self,
        data: bytes,
        name: str = "<input>",
        source_url: str | None = None,
        *,
        _batch: _Batch | None = None,
    ) -> UNMonthlyImport:
        """Import the UN's monthly contributions by mission, country and personnel type (the
        IPI loader's CSV form: any months, any missions), all or nothing. Months already in
        the store with the same figures are skipped, so a re-import adds nothing.

        Raises:
            InvalidInputError: a bad line, named; nothing is written.
        """
        parsed = un_monthly.parse(data, name)
        if _batch is not None:
            return import_rows(_batch, parsed, name, source_url)
        with _Batch(self, streaming=True) as batch:
            result = import_rows(batch, parsed, name, source_url)
            batch.save()
        return result

    def load_seeds(self, directory: str | Path) -> list[str]:
        """Load the seed files listed in ``directory/seeds.toml``, in order; return one line
        of report per file.

        Raises:
            InvalidInputError: a seed file is missing or has a bad line (named).
        """
        folder = Path(directory)
        manifest = folder / "seeds.toml"
        try:
            files = tomllib.loads(manifest.read_text(encoding="utf-8"))["file"]
        except (OSError, KeyError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise InvalidInputError(
                f"{manifest}: cannot read the list of seeds ({error})"
            ) from None
        if not isinstance(files, list) or not all(
            isinstance(e, dict)
            and isinstance(e.get("path"), str)
            and e.get("format") in ("jsonl", "un-monthly")
            for e in files
        ):
            raise InvalidInputError(
                f"{manifest}: each [[file]] needs a path and a format (jsonl or un-monthly)"
            )
        report: list[str] = []
        with _Batch(self, streaming=True) as batch:  # all the files, or nothing
            for entry in files:
                path = folder / entry["path"]
                try:
                    data = path.read_bytes()
                except OSError as error:
                    raise InvalidInputError(f"{path}: cannot read it ({error.strerror})") from None
                if entry["format"] == "un-monthly":
                    result = self.import_un_monthly(
                        data, str(path), entry.get("source_url"), _batch=batch
                    )
                    report.append(f"{path}: {result.count} events")
                else:
                    count = self.import_jsonl(data, str(path), _batch=batch).count
                    report.append(f"{path}: {count} events")
            batch.save()
        return report

    def copy_to(self, target: str | Path, views_dir: str | Path | None = None) -> CopyReport:
        """Copy this store's every event, in order and with its recorded time, into the empty
        store ``target`` (a SQLite file or a PostgreSQL URL), and check the copy."""
        destination = Tracker(target, views_dir=views_dir)
        try:
            return copy_store(self, destination)
        finally:
            destination.close()

    # Integrity -----------------------------------------------------------------------------
    def _chain(self) -> Any:
        recorder = self.recorder
        if not hasattr(recorder, "verify"):
            raise TrackerError(
                "an in-memory store keeps no hash chain: verify a SQLite or PostgreSQL store"
            )
        return recorder

    def verify(self, expect: str | None = None) -> Verification:
        """Recompute the hash chain over every stored event: the count, the head hash, and the
        first event that does not match (``verification.mismatch``), if any. ``expect``: a
        hash printed earlier (by ``verify`` or in a stamp) that the chain must pass through."""
        result: Verification = self._chain().verify(checked_hash(expect))
        return result

    def head(self) -> tuple[int, str]:
        """How many events are chained and the head hash, read (not recomputed)."""
        count, head = self._chain().head()
        return int(count), str(head)

    def link_at(self, position: int) -> str | None:
        """The hash chain's link at a log position (what a stamp of that position carries)."""
        if not hasattr(self.recorder, "link_at") or position == 0:
            return None
        link: str | None = self.recorder.link_at(position)
        return link

    def stamp(
        self, position: int, projection: str, version: int, query: dict[str, Any]
    ) -> dict[str, Any]:
        """What a quoted figure needs to be derived again and checked: the log position the
        answer reflects, the chain's hash there ('tracker verify --expect' checks it), the
        projection and its version, and the query."""
        return {
            "log_position": position,
            "chain_hash": self.link_at(position),
            "projection": projection,
            "version": version,
            "query": query,
        }

    def backup(self, target: str | Path) -> Verification:
        """Copy this SQLite store to the new file ``target`` with SQLite's online backup
        (consistent while others write), and verify the copy. For a PostgreSQL store use the
        server's own tools (pg_dump) or ``copy_to`` a SQLite file."""
        if self.config.postgres or self.config.in_memory:
            raise TrackerError(
                "backup copies a SQLite store: for PostgreSQL use pg_dump, or 'tracker "
                "copy-store' into a SQLite file"
            )
        return backup_sqlite(self.config.db, target)

    def follow(
        self, interval: float, until: Callable[[], bool], on_change: Callable[[int], None]
    ) -> None:
        """Keep every view caught up with the log until ``until()`` is true: pull, then wait
        ``interval`` seconds. ``on_change`` gets the count each time something was applied."""
        while not until():
            applied = self.catch_up()
            if applied:
                on_change(applied)
            time.sleep(interval)

    def notices(self) -> list[str]:
        """What the user should know happened behind a query (a view rebuilt, and why)."""
        return self._notices + [
            f"the {view.name} view was rebuilt from the event log: {view.rebuilt_because}"
            for view in self.views()
            if view.rebuilt_because
        ]

    # Reading -------------------------------------------------------------------------------
    def views(self) -> list[Projection]:
        """Every projection this tracker keeps: the built-in ones, then the user's."""
        built_in = [self.strength_view, self.audit_view, self.announcement_view, self.mandate_view]
        return [*built_in, *self.user_views]

    def view(self, name: str) -> Projection:
        """The projection called ``name``.

        Raises:
            InvalidInputError: no projection has that name.
        """
        for view in self.views():
            if view.name == name:
                return view
        names = ", ".join(v.name for v in self.views())
        raise InvalidInputError(f"no projection {name!r}: the projections are {names}")

    def projections(self) -> list[ProjectionStatus]:
        """Each projection: its version, file, position, the log's head, how far behind."""
        head = self.recorder.max_notification_id() or 0
        return [
            ProjectionStatus(
                name=view.name,
                version=view.version,
                path=str(view.path) if view.path else ":memory:",
                position=view.position(self.name),
                head=head,
                behind=head - view.position(self.name),
                built_in=view not in self.user_views,
            )
            for view in self.views()
        ]

    def rebuild_projection(self, name: str, progress: Progress | None = None) -> int:
        """Rebuild one projection from position 0 side by side, then swap it in."""
        return self.view(name).rebuild(self, progress)

    def replay(
        self, spec: str, into: str | Path | None = None, progress: Progress | None = None
    ) -> tuple[Projection, int]:
        """Replay the whole log into the projection class ``module:Class``, in ``into``
        (default: beside the store, named after the projection); return it and the count."""
        projection_class = load_class(spec)
        path = Path(into) if into is not None else self.config.view_path(projection_class.name)
        projection = projection_class(path)
        return projection, projection.rebuild(self, progress)

    def add_projection(self, spec: str, progress: Progress | None = None) -> int:
        """Register ``module:Class`` for this store and replay the log into it; from then on
        it is caught up like the built-in ones."""
        projection_class = load_class(spec)
        if any(view.name == projection_class.name for view in self.views()):
            raise InvalidInputError(
                f"projection name {projection_class.name!r} is taken: give the class another"
            )
        self.registry.add(spec, projection_class.name)
        projection, count = self.replay(spec, progress=progress)
        self.user_views.append(projection)
        return count

    def catch_up(self) -> int:
        """Bring every view up to the log's head; return how many events were applied."""
        return sum(view.catch_up(self) for view in self.views())

    def _known_mission(self, mission: str) -> str:
        """The mission's acronym, if the store has heard of it (one indexed read, no replay)."""
        acronym = _acronym(mission)
        if not self.recorder.select_events(mission_id(acronym), limit=1):
            raise MissionNotFoundError(acronym)
        return acronym

    def strength(
        self,
        mission: str,
        on: date,
        by: Iterable[Dimension] = (),
        known_at: date | None = None,
        recorded_at: datetime | str | None = None,
    ) -> StrengthAnswer:
        """Strength of ``mission`` on ``on`` (valid time), grouped by ``by`` (contributor,
        location, region, personnel_type), from the strength view caught up first.

        Args:
            known_at: only what had been published by that day (its sources' dates).
            recorded_at: what this store said at that time (a datetime, or an ISO date or
                time: a date means the end of that day, UTC).
        """
        acronym = self._known_mission(mission)
        dims = tuple(dict.fromkeys(by))
        at = recorded_instant(recorded_at)
        self.strength_view.catch_up(self)
        view = self.strength_view
        rows = view.strength(acronym, on, dims, known_at=known_at, recorded_at=at)
        by_contributor = (
            rows
            if dims == ("contributor",)  # the same question: asked once
            else view.strength(acronym, on, ("contributor",), None, known_at, at)
        )
        unknown = [row.contributor or "" for row in by_contributor if row.strength is None]
        return StrengthAnswer(
            mission=acronym,
            on=on,
            by=dims,
            rows=rows,
            total=sum(row.known for row in by_contributor),
            unknown=unknown,
            approximate=any(row.approximate for row in by_contributor),
            contributors=sum(1 for row in by_contributor if row.strength != 0),
            reported_total=view.reported_total(acronym, on, known_at, at),
            known_at=known_at,
            recorded_at=at,
            position=view.position(self.name),
            version=view.version,
        )

    def strength_series(
        self,
        mission: str,
        start: date,
        end: date,
        every: str = "month",
        by: Iterable[Dimension] = (),
        known_at: date | None = None,
    ) -> list[dict[str, Any]]:
        """Strength as a tidy time series: one plain row per date x group (``date``, the
        ``by`` keys, ``strength``: None where unknown), on every month end (``every`` =
        "month"), year end ("year") or day ("day") from ``start`` to ``end``. Loads straight
        into pandas: ``pandas.DataFrame(rows)``."""
        acronym = self._known_mission(mission)
        dims = tuple(dict.fromkeys(by))
        days = series_dates(start, end, every)
        self.strength_view.catch_up(self)  # once; then one indexed lookup a date
        rows: list[dict[str, Any]] = []
        for day in days:
            found = self.strength_view.strength(acronym, day, dims, known_at=known_at)
            rows += [
                {"date": day.isoformat(), **r.keys(dims), "strength": r.strength} for r in found
            ]
        return rows

    def forecast(
        self,
        mission: str,
        on: date,
        by: Iterable[Dimension] = (),
        known_at: date | None = None,
        recorded_at: datetime | str | None = None,
    ) -> Forecast:
        """Strength on ``on`` if every pending announcement (as known at ``known_at``) happens
        on its target date, next to the strength from changes alone."""
        acronym = self._known_mission(mission)
        self.strength_view.catch_up(self)
        self.announcement_view.catch_up(self)
        return forecast(
            self.strength_view,
            acronym,
            self.announcement_view.announcements(acronym),
            on,
            tuple(dict.fromkeys(by)),
            known_at,
            recorded_instant(recorded_at),
        )

    def diff(
        self,
        mission: str,
        on: date,
        known: tuple[date, date] | None = None,
        recorded: tuple[datetime | str, datetime | str] | None = None,
    ) -> list[Difference]:
        """Every contributor and location whose strength on ``on`` differs between two
        knowledge dates (``known``) or two store times (``recorded``), with the events that
        became known, or were recorded, in between."""
        acronym = self._known_mission(mission)
        self.strength_view.catch_up(self)
        self.audit_view.catch_up(self)
        by: tuple[Dimension, ...] = ("contributor", "location")
        view = self.strength_view
        if known is not None:
            first, second = known
            before = view.strength(acronym, on, by, known_at=first)
            after = view.strength(acronym, on, by, known_at=second)
            axis, bounds = "known", (first.isoformat(), second.isoformat())
        elif recorded is not None:
            t1, t2 = recorded_instant(recorded[0]), recorded_instant(recorded[1])
            before = view.strength(acronym, on, by, recorded_at=t1)
            after = view.strength(acronym, on, by, recorded_at=t2)
            axis, bounds = "recorded_at", (t1 or "", t2 or "")
        else:
            raise InvalidInputError("compare two knowledge dates or two recorded times")
        low, high = sorted(bounds)
        then = {(r.contributor, r.location): r.strength for r in before}
        now = {(r.contributor, r.location): r.strength for r in after}
        differences = []
        for key in sorted(set(then) | set(now), key=repr):
            if then.get(key, "absent") != now.get(key, "absent"):
                contributor, location = key[0] or "", key[1]
                events = self.audit_view.between(acronym, contributor, axis, low, high, on)
                differences.append(
                    Difference(contributor, location, then.get(key), now.get(key), events)
                )
        return differences

    def reconcile(self, mission: str, contributor: str | None = None) -> list[Gap]:
        """Every report of ``mission`` (one ``contributor``'s, if given) against the level the
        earlier events implied for its scope: where the record is incomplete."""
        acronym = self._known_mission(mission)
        self.strength_view.catch_up(self)
        codes = (
            [_contributor(contributor)] if contributor else self.strength_view.contributors(acronym)
        )
        gaps = [
            gap
            for code in codes
            for gap in reconcile(code, self.strength_view.changes(acronym, code))
        ]
        return sorted(gaps, key=lambda g: (g.effective, g.contributor, g.event_id))

    def announcements(
        self,
        mission: str,
        contributor: str | None = None,
        status: Iterable[str] = (),
        on: date | None = None,
    ) -> list[LedgerRow]:
        """Every announcement of ``mission`` with its source, target, and its status against
        what the record shows happened, as of ``on`` (default: today)."""
        acronym = self._known_mission(mission)
        self.strength_view.catch_up(self)
        self.announcement_view.catch_up(self)
        announced = self.announcement_view.announcements(acronym)
        rows = ledger(self.strength_view, announced, on or date.today())
        code = _contributor(contributor) if contributor else None
        wanted = set(status)
        return [
            r
            for r in rows
            if (code is None or r.contributor == code) and (not wanted or r.status in wanted)
        ]

    def presence(
        self, mission: str, year: int | None = None, contributor: str | None = None
    ) -> list[Presence]:
        """Estimates of which contributors were at which locations, by year (Geo-PKO's, in
        the seeds): where, not how many; they never change strength."""
        acronym = self._known_mission(mission)
        self.audit_view.catch_up(self)
        code = _contributor(contributor) if contributor else None
        return self.audit_view.presence(acronym, year, code)

    def mandate(self, mission: str, on: date) -> MandateAnswer:
        """The authorised ceilings in force on ``on`` against the strength by category."""
        acronym = self._known_mission(mission)
        self.strength_view.catch_up(self)
        self.mandate_view.catch_up(self)
        mandate = self.mandate_view.in_force(acronym, on)
        by_type = {
            row.personnel_type: row
            for row in self.strength_view.strength(acronym, on, ("personnel_type",))
        }
        reported = self.strength_view.reported_total(acronym, on)
        checks = []
        for category, ceiling in (mandate.ceilings if mandate else {}).items():
            parts = [by_type[t] for t in CATEGORY_TYPES.get(category, (category,)) if t in by_type]
            actual = None if any(p.strength is None for p in parts) else sum(p.known for p in parts)
            from_report = reported.categories.get(category) if reported else None
            checks.append(CeilingCheck(category, ceiling, actual, from_report))
        unspecified = by_type[None].known if None in by_type else 0
        return MandateAnswer(acronym, on, mandate, checks, unspecified, reported)

    def search(self, text: str, mission: str | None = None, limit: int = 50) -> list[HistoryRow]:
        """Full-text search of the audit trail: ids, kinds, contributors, summaries, sources,
        quotes and reasons (SQLite FTS5 syntax), best match first."""
        acronym = self._known_mission(mission) if mission else None
        self.audit_view.catch_up(self)
        try:
            return self.audit_view.search(text, acronym, limit)
        except sqlite3.OperationalError as error:
            raise InvalidInputError(
                f"search text {text!r}: {error} - put phrases in double quotes"
            ) from None

    def history(
        self, mission: str, contributor: str | None = None, categories: Iterable[str] = ()
    ) -> list[HistoryRow]:
        """The audit trail of ``mission`` (one ``contributor``'s, if given) in valid-time order:
        every event with its three times, its source and what it superseded."""
        acronym = self._known_mission(mission)
        code = _contributor(contributor) if contributor else None
        self.audit_view.catch_up(self)
        return self.audit_view.history(acronym, code, tuple(categories))
