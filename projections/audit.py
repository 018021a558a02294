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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from events.contingent import Contingent
from events.mission import Mission
from projections.engine import Projection, rows
from projections.strength import times_of

CATEGORIES = {
    "DeploymentAnnounced": "announcement",
    "WithdrawalAnnounced": "announcement",
    "SuspensionAnnounced": "announcement",
    "Deployed": "change",
    "Withdrawn": "change",
    "Moved": "change",
    "StrengthReported": "change",
    "IncidentNoted": "incident",
    "PresenceEstimated": "estimate",
    "Retracted": "retraction",
    "Established": "mission",
    "ContributorsReported": "mission",
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


def _people(count: int | None, personnel_type: str | None) -> str:
    what = (personnel_type or "personnel").replace("_", " ")
    return f"{count:,} {what}" if count is not None else what


def _where(event: Any) -> str:
    location = getattr(event, "location", None)
    return f" at {location}" if location else ""


def _by(event: Any) -> str:
    target = getattr(event, "target", None)
    return f" by {target}" if target else ""


def _report(e: Any) -> str:
    level = "unknown (not published)" if e.strength is None else f"{e.strength:,}"
    about = "about " if e.approximate else ""
    inferred = " (inferred)" if e.inferred else ""
    return f"strength {about}{level} {_people(None, e.personnel_type)}{_where(e)}{inferred}"


def _withdrawal_announced(e: Any) -> str:
    people = _people(e.count, e.personnel_type)
    scope = (
        ("full withdrawal" + (f" ({people})" if e.count else ""))
        if e.full
        else f"withdrawal of {people}"
    )
    return f"{scope}{_where(e)} announced{_by(e)}"


def _incident(e: Any) -> str:
    tolls = [
        f"{n} {label}"
        for n, label in ((e.killed, "killed"), (e.injured, "injured"), (e.detained, "detained"))
        if n is not None
    ]
    return f"{e.kind}{_where(e)}: {e.description}" + (f" ({', '.join(tolls)})" if tolls else "")


def _mandate(e: Any) -> str:
    ceilings = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in e.ceilings.items())
    until = f" until {e.until}" if e.until else ""
    return f"mandate renewed by resolution {e.resolution}{until}" + (
        f"; ceilings {ceilings}" if ceilings else ""
    )


def _total(e: Any) -> str:
    parts = [f"{k.replace('_', ' ')} {v:,}" for k, v in e.categories.items()]
    if e.strength is not None:
        parts.insert(0, f"{e.strength:,} uniformed")
    who = f" ({e.contributors} contributors)" if e.contributors is not None else ""
    return f"mission figures {'about ' if e.approximate else ''}{', '.join(parts)}{who}"


SUMMARIES: dict[str, Callable[[Any], str]] = {
    "StrengthReported": _report,
    "DeploymentAnnounced": lambda e: (
        f"{'increase' if e.increase else 'deployment'} of {_people(e.count, e.personnel_type)}"
        f"{_where(e)} announced{_by(e)}"
    ),
    "WithdrawalAnnounced": _withdrawal_announced,
    "SuspensionAnnounced": lambda e: (
        "suspension announced" + (f" from {e.target}" if e.target else "")
    ),
    "Deployed": lambda e: f"{_people(e.count, e.personnel_type)} deployed{_where(e)}",
    "Withdrawn": lambda e: (
        ("" if e.count else "all ") + f"{_people(e.count, e.personnel_type)} withdrawn{_where(e)}"
    ),
    "Moved": lambda e: (
        f"{_people(e.count, e.personnel_type)} moved"
        f" from {e.location or 'unassigned'} to {e.to_location}"
    ),
    "IncidentNoted": _incident,
    "PresenceEstimated": lambda e: (
        f"estimated at {e.location}"
        + (f" with about {e.troops:,} troops" if e.troops is not None else " (size not coded)")
    ),
    "Retracted": lambda e: f"retracts {e.retracts}: {e.reason}",
    "Established": lambda e: f"mission established: {e.name} (host {e.host})",
    "MandateRenewed": _mandate,
    "MandateEnded": lambda e: (
        f"mandate ended by resolution {e.resolution}"
        + (f"; withdrawal by {e.withdrawal_by}" if e.withdrawal_by else "")
    ),
    "Closed": lambda e: "mission closed",
    "ContributorsReported": lambda e: f"report lists {len(e.contributors)} contributors",
    "TotalReported": _total,
}


def summarise(event: Any) -> str:
    """One line saying what the event claims, for people reading the history."""
    kind = type(event).__name__
    return SUMMARIES[kind](event) if kind in SUMMARIES else kind


SEARCHED = ["event_id", "kind", "contributor", "summary", "source_title", "quote", "reason"]


class AuditProjection(Projection):
    name = "audit"
    version = 3  # 2: full-text search; 3: knowledge dates

    def __init__(self, path: Any) -> None:
        super().__init__(path)
        self._pending: list[dict[str, Any]] = []
        self._superseded: list[tuple[str, str]] = []

    def create_tables(self) -> None:
        self.db.table("audit_events").create(
            {
                "position": int,
                "event_id": str,
                "kind": str,
                "category": str,
                "mission": str,
                "contributor": str,
                "valid": str,
                "valid_start": str,
                "effective": str,
                "published_on": str,
                "known": str,
                "recorded_at": str,
                "summary": str,
                "source_title": str,
                "source_url": str,
                "quote": str,
                "supersedes": str,
                "reason": str,
                "superseded_by": str,
                "payload": str,
            },
            pk="position",
            if_not_exists=True,
        )
        self.db.table("audit_events").create_index(
            ["mission", "contributor", "valid_start"], if_not_exists=True
        )
        self.db.table("audit_events").create_index(["event_id"], unique=True, if_not_exists=True)
        if self.db.table("audit_events").detect_fts() is None:
            # Triggers keep the index in step inside each batch's transaction.
            self.db.table("audit_events").enable_fts(SEARCHED, create_triggers=True)

    def process(self, event: Any, position: int) -> None:
        bookkeeping = isinstance(event, Contingent.Opened | Mission.Opened)
        if bookkeeping or not isinstance(event, Contingent.Event | Mission.Event):
            return
        kind = type(event).__name__
        valid = getattr(event, "valid", None)
        source = getattr(event, "source", None)
        supersedes = getattr(event, "retracts", None) or getattr(event, "corrects", None)
        payload = event.model_dump(
            mode="json",
            exclude={"originator_id", "originator_version", "timestamp", "originator_topic"},
        )
        self._pending.append(
            {
                "position": position,
                "event_id": event.event_id,
                "kind": kind,
                "category": CATEGORIES.get(kind, "other"),
                "mission": event.mission,
                "contributor": getattr(event, "contributor", None),
                "valid": str(valid) if valid else None,
                "valid_start": valid.start.isoformat() if valid else None,
                "effective": valid.effective.isoformat() if valid else None,
                "published_on": str(source.published_on) if source else None,
                "known": times_of(event)[0],
                "recorded_at": event.timestamp.isoformat(),
                "summary": summarise(event),
                "source_title": source.title if source else None,
                "source_url": source.url if source else None,
                "quote": source.quote if source else None,
                "supersedes": supersedes,
                "reason": getattr(event, "reason", None),
                "superseded_by": None,
                "payload": json.dumps(payload, ensure_ascii=False),
            }
        )
        if supersedes:
            self._superseded.append((event.event_id, supersedes))

    def flush(self) -> None:
        """Write the batch's rows in one go, then mark what they superseded."""
        self.db.table("audit_events").insert_all(self._pending)
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

    def search(self, text: str, mission: str | None, limit: int) -> list[HistoryRow]:
        """Events whose id, kind, contributor, summary, source or quote match ``text`` (SQLite
        FTS5 syntax: words, "phrases", OR, prefix*), best match first."""
        where = "mission = :mission" if mission else None
        found = self.db.table("audit_events").search(
            text,
            columns=list(HistoryRow.__dataclass_fields__),
            where=where,
            where_args={"mission": mission} if mission else None,
            limit=limit,
        )
        return [HistoryRow(**row) for row in found]

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
