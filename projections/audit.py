"""The audit trail: every event with its three times, its source, and what it superseded.

Table ``audit_events``: one row per event (bookkeeping events excluded). ``position`` is its
place in the log; ``event_id`` its id (``MISSION/CONTRIBUTOR/N`` or ``MISSION/N``); ``kind`` its
type; ``category`` announcement, change, mission, incident or retraction; ``valid`` the valid
time as given (with its precision) and ``effective`` the day it takes effect; ``published_on``
the knowledge time; ``recorded_at`` the store's time; ``source_*`` the source; ``supersedes`` the
event it corrects or retracts; ``superseded_by`` the event that later did so to it;
``summary`` one line saying what the event claims; ``payload`` the event's fields as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from events.base import PydanticMapper
from events.contingent import Contingent
from events.mission import Mission
from events.stored import stored_times
from events.values import ValidDate
from projections.audit_summaries import summarise as summarise
from projections.audit_summaries import summarise_as
from projections.engine import Projection, rows

if TYPE_CHECKING:
    from collections.abc import Sequence

    from eventsourcing.persistence import Mapper, Notification

CATEGORIES = {
    "DeploymentAnnounced": "announcement",
    "WithdrawalAnnounced": "announcement",
    "SuspensionAnnounced": "announcement",
    "SuspensionLifted": "announcement",  # the end of one (issue 27)
    "Deployed": "change",
    "Withdrawn": "change",
    "Moved": "change",
    "StrengthReported": "change",
    "IncidentNoted": "incident",
    "PresenceEstimated": "estimate",
    "Retracted": "retraction",
    "Established": "mission",
    "ContributorsReported": "mission",
    "NotListed": "mission",
    "TotalReported": "change",
    "MandateRenewed": "mission",
    "MandateEnded": "mission",
    "Closed": "mission",
}


@dataclass(frozen=True)
class HistoryRow:
    """One event of the audit trail, as the history shows it."""

    position: int
    event_id: str
    kind: str
    category: str
    mission: str
    contributor: str | None
    valid: str | None
    published_on: str | None
    recorded_at: str
    summary: str
    source_title: str | None
    source_url: str | None
    quote: str | None
    supersedes: str | None
    reason: str | None
    superseded_by: str | None


@dataclass(frozen=True)
class Presence:
    """An estimate that ``contributor`` was at ``location`` in ``year``, with about ``troops``
    (None: size not coded), from event ``event_id``."""

    year: int
    location: str
    contributor: str
    troops: int | None
    event_id: str


@lru_cache(maxsize=4096)
def _valid_days(text: str) -> tuple[str, str]:
    """A stored valid date's first day and the day it takes effect (ISO)."""
    valid = ValidDate.parse(text)
    return valid.start.isoformat(), valid.effective.isoformat()


@lru_cache(maxsize=256)
def _recorded_at(text: str) -> str:
    """A stored recorded time as the audit trail shows it."""
    return datetime.fromisoformat(text).isoformat()


SEARCHED = ["event_id", "kind", "contributor", "summary", "source_title", "quote", "reason"]
# The order of a search (issue 27): a country's name is in every UN figure of its contingents
# (hundreds of events) and in a handful of announcements; what was announced comes first, then
# what happened, then the periodic figures and estimates.
SEARCH_ORDER = (
    "CASE WHEN a.category = 'announcement' THEN 0 WHEN a.category = 'estimate' OR a.kind IN "
    "('StrengthReported', 'TotalReported', 'ContributorsReported', 'NotListed') THEN 2 "
    "ELSE 1 END"
)
COLUMNS = (
    "position",
    "event_id",
    "kind",
    "category",
    "mission",
    "contributor",
    "valid",
    "valid_start",
    "effective",
    "published_on",
    "known",
    "recorded_at",
    "summary",
    "source_title",
    "source_url",
    "quote",
    "supersedes",
    "reason",
    "superseded_by",
    "payload",
)
INSERT = f"INSERT INTO audit_events ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
# What the payload leaves out: the fields the store sets, and the class version it keeps.
NOT_PAYLOAD = ("originator_id", "originator_version", "timestamp", "originator_topic")


class Fields:
    """An event's stored fields read as attributes, as ``summarise`` reads an event (a field
    not there reads as None): the audit trail needs a few of each event's fields as they were
    written, and validating every event again was most of its rebuild (issue 25)."""

    def __init__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __getattr__(self, name: str) -> Any:
        return None


class AuditProjection(Projection):
    name = "audit"
    # 2: full-text search; 3: knowledge dates; 4: rows from the stored fields, the payload
    # as stored (compact JSON)
    version = 4

    def __init__(self, path: Any) -> None:
        super().__init__(path)
        self._pending: list[tuple[Any, ...]] = []
        self._superseded: list[tuple[str, str]] = []
        self._bulk = False  # a rebuild's side file: the search index made at the end

    def create_tables(self) -> None:
        self.db.table("audit_events").create(
            dict.fromkeys(COLUMNS, str) | {"position": int},
            pk="position",
            if_not_exists=True,
        )
        self._indexes()
        if self.db.table("audit_events").detect_fts() is None:
            # Triggers keep the index in step inside each batch's transaction.
            self.db.table("audit_events").enable_fts(SEARCHED, create_triggers=True)

    def _indexes(self) -> None:
        self.db.table("audit_events").create_index(
            ["mission", "contributor", "valid_start"], if_not_exists=True
        )
        self.db.table("audit_events").create_index(["event_id"], unique=True, if_not_exists=True)

    def begin_bulk(self) -> None:
        """A rebuild into an empty side file: the rows first, then their indexes and the
        search index in one pass each (``finish``), not row by row."""
        for suffix in ("ai", "ad", "au"):
            self.db.execute(f"DROP TRIGGER IF EXISTS audit_events_{suffix}")
        for (index,) in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' "
            "AND sql IS NOT NULL"
        ).fetchall():
            self.db.execute(f"DROP INDEX {index}")
        self._bulk = True

    def finish(self) -> None:
        if not self._bulk:
            return
        with self.transaction():
            self._indexes()
            self.db.execute("INSERT INTO audit_events_fts (audit_events_fts) VALUES ('rebuild')")
            self.db.table("audit_events").enable_fts(SEARCHED, create_triggers=True, replace=True)
        self._bulk = False

    def process_stored(self, mapper: Mapper[Any], notification: Notification) -> None:
        """Each row from the event's fields as stored (``PydanticMapper.read_state``), not
        from the event validated again (it was when written)."""
        if not isinstance(mapper, PydanticMapper):
            super().process_stored(mapper, notification)
            return
        cls, state = mapper.read_state(notification)
        if cls in (Contingent.Opened, Mission.Opened) or not issubclass(
            cls, Contingent.Event | Mission.Event
        ):
            return
        version = state["originator_version"]
        contributor = state.get("contributor")
        event_id = (
            f"{state['mission']}/{contributor}/{version}"
            if contributor
            else f"{state['mission']}/{version}"
        )
        payload = {k: v for k, v in state.items() if k not in NOT_PAYLOAD}
        self._add(cls.__name__, event_id, notification.id, state, Fields(state), payload)

    def process(self, event: Any, position: int) -> None:
        bookkeeping = isinstance(event, Contingent.Opened | Mission.Opened)
        if bookkeeping or not isinstance(event, Contingent.Event | Mission.Event):
            return
        state = event.model_dump(mode="json", exclude={"originator_topic"})
        payload = {k: v for k, v in state.items() if k not in NOT_PAYLOAD}
        state["timestamp"] = event.timestamp.isoformat()
        self._add(type(event).__name__, event.event_id, position, state, event, payload)

    def _add(
        self,
        kind: str,
        event_id: str,
        position: int,
        state: dict[str, Any],
        event: Any,
        payload: dict[str, Any],
    ) -> None:
        """One row: ``state`` the event's fields as stored (dates as text), ``event`` the
        same as attributes (for its summary)."""
        valid = state.get("valid")
        source = state.get("source")
        supersedes = state.get("retracts") or state.get("corrects")
        start, effective = _valid_days(valid) if valid else (None, None)
        self._pending.append(
            (
                position,
                event_id,
                kind,
                CATEGORIES.get(kind, "other"),
                state["mission"],
                state.get("contributor"),
                valid,
                start,
                effective,
                source["published_on"] if source else None,
                stored_times(state)[0],
                _recorded_at(state["timestamp"]),
                summarise_as(kind, event),
                source["title"] if source else None,
                source.get("url") if source else None,
                source.get("quote") if source else None,
                supersedes,
                state.get("reason"),
                None,
                json.dumps(payload, ensure_ascii=False),
            )
        )
        if supersedes:
            self._superseded.append((event_id, supersedes))

    def flush(self) -> None:
        """Write the batch's rows in one go, then mark what they superseded."""
        self.db.conn.executemany(INSERT, self._pending)
        self.db.conn.executemany(
            "UPDATE audit_events SET superseded_by = ? WHERE event_id = ?", self._superseded
        )
        self._pending.clear()
        self._superseded.clear()

    def history(
        self, mission: str, contributor: str | None = None, categories: tuple[str, ...] = ()
    ) -> list[HistoryRow]:
        """Events of ``mission`` (and ``contributor``) in valid-time order, then log order."""
        where, params = ["mission = ?"], [mission]
        if contributor:
            where.append("contributor = ?")
            params.append(contributor)
        if categories:
            where.append(f"category IN ({', '.join('?' for _ in categories)})")
            params.extend(categories)
        sql = (
            "SELECT position, event_id, kind, category, mission, contributor, valid, "
            "published_on, recorded_at, summary, source_title, source_url, quote, supersedes, "
            f"reason, superseded_by FROM audit_events WHERE {' AND '.join(where)} "
            "ORDER BY COALESCE(valid_start, '9999'), effective, position"
        )
        return [HistoryRow(**row) for row in rows(self.db, sql, params)]

    def presence(self, mission: str, year: int | None, contributor: str | None) -> list[Presence]:
        """Presence estimates in force (not superseded), by year, location and contributor."""
        sql = (
            "SELECT CAST(substr(valid, 1, 4) AS INTEGER) AS year, "
            "json_extract(payload, '$.location') AS location, contributor, "
            "json_extract(payload, '$.troops') AS troops, event_id FROM audit_events "
            "WHERE mission = ? AND kind = 'PresenceEstimated' AND superseded_by IS NULL"
        )
        params: list[Any] = [mission]
        if year is not None:
            sql += " AND substr(valid, 1, 4) = ?"
            params.append(str(year))
        if contributor is not None:
            sql += " AND contributor = ?"
            params.append(contributor)
        return [Presence(**row) for row in rows(self.db, sql + " ORDER BY 1, 2, 3", params)]

    def between(
        self, mission: str, contributor: str, axis: str, after: str, until: str, on: date
    ) -> list[HistoryRow]:
        """A contributor's changes and retractions that took effect by ``on`` and became known
        (``axis`` = "known") or were recorded ("recorded_at") after ``after`` and by ``until``."""
        assert axis in ("known", "recorded_at")
        sql = (
            f"SELECT {', '.join(HistoryRow.__dataclass_fields__)} FROM audit_events "
            f"WHERE mission = ? AND contributor = ? AND {axis} > ? AND {axis} <= ? "
            "AND category IN ('change', 'retraction') "
            "AND (effective IS NULL OR effective <= ?) ORDER BY position"
        )
        params = [mission, contributor, after, until, on.isoformat()]
        return [HistoryRow(**row) for row in rows(self.db, sql, params)]

    def search(
        self, text: str, mission: str | None, limit: int, first: Sequence[str] = ()
    ) -> tuple[list[HistoryRow], int]:
        """Events whose id, kind, contributor, summary, source or quote match ``text`` (SQLite
        FTS5 syntax: words, "phrases", OR, prefix*): the announcements first, then what
        happened (withdrawals, deployments, incidents, the mission's life), then the periodic
        figures and estimates (``SEARCH_ORDER``); in each, the events of the contributors
        ``first``, then best match. With how many events matched in all (the list stops at
        ``limit``)."""
        columns = ", ".join(f"a.{c}" for c in HistoryRow.__dataclass_fields__)
        own = f"a.contributor IN ({', '.join('?' for _ in first)}) DESC, " if first else ""
        sql = (
            f"SELECT {columns}, count(*) OVER () AS matched FROM audit_events_fts "
            "JOIN audit_events a ON a.rowid = audit_events_fts.rowid "
            f"WHERE audit_events_fts MATCH ?{' AND a.mission = ?' if mission else ''} "
            f"ORDER BY {SEARCH_ORDER}, {own}audit_events_fts.rank, a.position LIMIT ?"
        )
        params = [text, *([mission] if mission else []), *first, limit]
        found = list(rows(self.db, sql, params))
        matched = [row.pop("matched") for row in found]
        return [HistoryRow(**row) for row in found], int(matched[0]) if matched else 0

    def missions(self) -> list[str]:
        """Every mission the log names, in name order."""
        sql = "SELECT DISTINCT mission FROM audit_events WHERE mission IS NOT NULL ORDER BY 1"
        return [row[0] for row in self.db.execute(sql).fetchall()]

    def first_of(self, mission: str, kind: str) -> dict[str, Any] | None:
        """The first event of ``kind`` in ``mission`` still in force (not superseded)."""
        found = list(
            rows(
                self.db,
                "SELECT * FROM audit_events WHERE mission = ? AND kind = ? AND superseded_by IS "
                "NULL ORDER BY valid_start, position LIMIT 1",
                [mission, kind],
            )
        )
        return found[0] if found else None
