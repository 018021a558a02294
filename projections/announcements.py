"""The announcement ledger's store: every announcement with its terms and source, what later
superseded it, and the events that lifted a suspension. Its status against what happened is
derived at query time (it depends on the date asked and on the strength view): see
``tracker/answers/ledger.py``.

Table ``announcements``: ``event_id``; ``mission``, ``contributor``; ``kind``
(DeploymentAnnounced, WithdrawalAnnounced, SuspensionAnnounced); ``valid`` as given and
``announced_on`` (the day it surely was made); ``target`` as given and ``target_end`` (the last
day of the target's period); the terms ``count``, ``full``, ``increase``, ``location``,
``personnel_type``; ``summary``; the source (``source_title``, ``source_url``,
``published_on``) and ``known``, the day it surely was published, and ``recorded``, when it
entered the store; ``superseded_by``, ``superseded_how`` (corrected, retracted),
``superseded_known`` and ``superseded_recorded`` (when that was published and recorded), so the
ledger can be asked as known, and as recorded, at any time.

Table ``liftings``: one row per ``SuspensionLifted`` (issue 27): ``event_id``, ``position``,
``mission``, ``contributor``, ``valid`` as given and ``lifted_on`` (the day it surely
happened: the end of its period), ``known`` and ``recorded``, and the same four
``superseded_*`` columns. A suspension's row is given the first lifting of its contingent on
or after the day it was announced, as known and recorded at the time asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from events.claims import superseded_target
from events.contingent import Contingent
from events.suspension import SuspensionLifted
from projections.engine import Projection, handles, rows
from projections.strength_tables import times_of


@dataclass(frozen=True)
class Announcement:
    """One row of the ``announcements`` table."""

    event_id: str
    position: int
    mission: str
    contributor: str
    kind: str
    valid: str
    announced_on: str
    target: str | None
    target_end: str | None
    count: int | None
    full: int | None
    increase: int | None
    location: str | None
    personnel_type: str | None
    summary: str
    source_title: str
    source_url: str | None
    published_on: str
    known: str
    superseded_by: str | None
    superseded_how: str | None
    superseded_known: str | None
    recorded: str = ""
    superseded_recorded: str | None = None
    lifted_by: str | None = None  # a suspension's: the event that lifted it, and its date
    lifted_valid: str | None = None
    lifted_on: str | None = None


PERSONNEL = {
    "troops": "troops",
    "staff_officers": "staff officers",
    "military_experts": "military experts on mission",
    "individual_police": "individual police",
    "formed_police_units": "formed police",  # people of formed units: 136 police, not units
}


def people(count: int | None, personnel_type: str | None) -> str:
    """``count`` people of ``personnel_type`` in words: "136 formed police", "personnel"."""
    what = PERSONNEL.get(personnel_type or "", "personnel")
    return f"{count:,} {what}" if count is not None else what


def summary(event: Any) -> str:
    """One line of what was announced, as the audit trail says it, with each personnel type
    in words (issue 27: the audit's "136 formed police units" counts police, not units)."""
    where = f" at {event.location}" if event.location else ""
    by = f" by {event.target}" if event.target else ""
    scope = people(event.count, event.personnel_type)
    if isinstance(event, Contingent.SuspensionAnnounced):
        return "suspension announced" + (f" from {event.target}" if event.target else "")
    if isinstance(event, Contingent.DeploymentAnnounced):
        return f"{'increase' if event.increase else 'deployment'} of {scope}{where} announced{by}"
    if event.full:
        scope = "full withdrawal" + (f" ({scope})" if event.count else "")
    else:
        scope = f"withdrawal of {scope}"
    return f"{scope}{where} announced{by}"


class AnnouncementProjection(Projection):
    name = "announcements"
    # 2: knowledge dates; 3: recorded times, and when supersessions were known; 4: liftings,
    # and summaries that count formed police as people
    version = 4

    def create_tables(self) -> None:
        self.db.table("announcements").create(
            {
                "event_id": str,
                "position": int,
                "mission": str,
                "contributor": str,
                "kind": str,
                "valid": str,
                "announced_on": str,
                "target": str,
                "target_end": str,
                "count": int,
                "full": int,
                "increase": int,
                "location": str,
                "personnel_type": str,
                "summary": str,
                "source_title": str,
                "source_url": str,
                "published_on": str,
                "known": str,
                "superseded_by": str,
                "superseded_how": str,
                "superseded_known": str,
                "recorded": str,
                "superseded_recorded": str,
            },
            pk="event_id",
            if_not_exists=True,
        )
        self.db.table("announcements").create_index(["mission", "contributor"], if_not_exists=True)
        self.db.table("liftings").create(
            {
                "event_id": str,
                "position": int,
                "mission": str,
                "contributor": str,
                "valid": str,
                "lifted_on": str,
                "known": str,
                "recorded": str,
                "superseded_by": str,
                "superseded_known": str,
                "superseded_recorded": str,
            },
            pk="event_id",
            if_not_exists=True,
        )

    @handles(
        Contingent.DeploymentAnnounced,
        Contingent.WithdrawalAnnounced,
        Contingent.SuspensionAnnounced,
    )
    def announced(self, event: Any, position: int) -> None:
        self._supersede(event)
        target = event.target
        self.db.table("announcements").insert(
            {
                "event_id": event.event_id,
                "position": position,
                "mission": event.mission,
                "contributor": event.contributor,
                "kind": type(event).__name__,
                "valid": str(event.valid),
                "announced_on": event.valid.end.isoformat(),
                "target": str(target) if target else None,
                "target_end": target.end.isoformat() if target else None,
                "count": event.count,
                "full": int(getattr(event, "full", False)),
                "increase": int(getattr(event, "increase", False)),
                "location": event.location,
                "personnel_type": event.personnel_type,
                "summary": summary(event),
                "source_title": event.source.title,
                "source_url": event.source.url,
                "published_on": str(event.source.published_on),
                "known": event.source.known_from.isoformat(),
                "superseded_by": None,
                "superseded_how": None,
                "superseded_known": None,
                "recorded": times_of(event)[1],
                "superseded_recorded": None,
            }
        )

    @handles(SuspensionLifted)
    def lifted(self, event: SuspensionLifted, position: int) -> None:
        self._supersede(event)
        known, recorded = times_of(event)
        self.db.table("liftings").insert(
            {
                "event_id": event.event_id,
                "position": position,
                "mission": event.mission,
                "contributor": event.contributor,
                "valid": str(event.valid),
                "lifted_on": event.valid.end.isoformat(),
                "known": known,
                "recorded": recorded,
                "superseded_by": None,
                "superseded_known": None,
                "superseded_recorded": None,
            }
        )

    @handles(Contingent.Retracted)
    def retracted(self, event: Any, position: int) -> None:
        self._supersede(event)

    def _supersede(self, event: Any) -> None:
        target = superseded_target(event)
        if target:
            how = "retracted" if isinstance(event, Contingent.Retracted) else "corrected"
            known, recorded = times_of(event)
            self.db.execute(
                "UPDATE announcements SET superseded_by = ?, superseded_how = ?, "
                "superseded_known = ?, superseded_recorded = ? WHERE event_id = ?",
                [event.event_id, how, known, recorded, target],
            )
            self.db.execute(
                "UPDATE liftings SET superseded_by = ?, superseded_known = ?, "
                "superseded_recorded = ? WHERE event_id = ?",
                [event.event_id, known, recorded, target],
            )

    def announcements(
        self, mission: str, known_at: date | None = None, recorded_at: str | None = None
    ) -> list[Announcement]:
        """The mission's announcements, in the order they were made, as known at ``known_at``
        and recorded by ``recorded_at`` (by default: now): one not yet published or recorded
        then is left out, and a supersession not yet published or recorded then is not seen."""
        k, t = (known_at or date.max).isoformat(), recorded_at or "~"
        sql = (
            "SELECT * FROM announcements WHERE mission = ? AND known <= ? AND recorded <= ? "
            "ORDER BY announced_on, position"
        )
        found = []
        lifts = self._liftings(mission, k, t)
        for row in rows(self.db, sql, [mission, k, t]):
            seen = row["superseded_by"] is not None and (
                row["superseded_known"] <= k and row["superseded_recorded"] <= t
            )
            if row["superseded_by"] is not None and not seen:
                row.update(superseded_by=None, superseded_how=None)
                row.update(superseded_known=None, superseded_recorded=None)
            if row["kind"] == "SuspensionAnnounced":
                row.update(_first_lifting(lifts, row["contributor"], row["announced_on"]))
            found.append(Announcement(**row))
        return found

    def _liftings(self, mission: str, k: str, t: str) -> list[dict[str, Any]]:
        """The mission's liftings known at ``k`` and recorded by ``t``, not superseded by
        then, in the order they took effect."""
        sql = (
            "SELECT event_id, contributor, valid, lifted_on FROM liftings WHERE mission = ? "
            "AND known <= ? AND recorded <= ? AND NOT (superseded_by IS NOT NULL AND "
            "superseded_known <= ? AND superseded_recorded <= ?) ORDER BY lifted_on, position"
        )
        return list(rows(self.db, sql, [mission, k, t, k, t]))


def _first_lifting(lifts: list[dict[str, Any]], contributor: str, since: str) -> dict[str, Any]:
    """The fields of the first lifting of ``contributor``'s suspensions on or after ``since``
    (a lifting before a suspension was announced cannot end it), or none."""
    for lift in lifts:
        if lift["contributor"] == contributor and lift["lifted_on"] >= since:
            return {
                "lifted_by": lift["event_id"],
                "lifted_valid": lift["valid"],
                "lifted_on": lift["lifted_on"],
            }
    return {}
