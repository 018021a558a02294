"""The announcement ledger's store: every announcement with its terms and source, and what
later superseded it. Its status against what happened is derived at query time (it depends on
the date asked and on the strength view): see ``tracker/ledger.py``.

Table ``announcements``: ``event_id``; ``mission``, ``contributor``; ``kind``
(DeploymentAnnounced, WithdrawalAnnounced, SuspensionAnnounced); ``valid`` as given and
``announced_on`` (the day it surely was made); ``target`` as given and ``target_end`` (the last
day of the target's period); the terms ``count``, ``full``, ``increase``, ``location``,
``personnel_type``; ``summary``; the source (``source_title``, ``source_url``,
``published_on``) and ``known``, the day it surely was published, and ``recorded``, when it
entered the store; ``superseded_by``, ``superseded_how`` (corrected, retracted),
``superseded_known`` and ``superseded_recorded`` (when that was published and recorded), so the
ledger can be asked as known, and as recorded, at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from events.claims import superseded_target
from events.contingent import Contingent
from projections.audit import summarise
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


class AnnouncementProjection(Projection):
    name = "announcements"
    version = 3  # 2: knowledge dates; 3: recorded times, and when supersessions were known

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
                "summary": summarise(event),
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
        for row in rows(self.db, sql, [mission, k, t]):
            seen = row["superseded_by"] is not None and (
                row["superseded_known"] <= k and row["superseded_recorded"] <= t
            )
            if row["superseded_by"] is not None and not seen:
                row.update(superseded_by=None, superseded_how=None)
                row.update(superseded_known=None, superseded_recorded=None)
            found.append(Announcement(**row))
        return found
