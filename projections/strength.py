"""Strength by mission x contributor x location x personnel type, as a step function of valid
time: interval rows, so "as of D" is one indexed lookup, not a replay.

Tables:
- ``strength_intervals``: one row per contingent cell and period. ``valid_from`` inclusive,
  ``valid_to`` exclusive (NULL: still in force); ``strength`` NULL means unknown (present, figure
  not published, or changed before any figure was known); ``location``/``personnel_type`` NULL
  mean not given by the source (unassigned, unspecified); ``region`` is the location's admin-1
  region; ``approximate`` 1 when the figure was rounded by its source; ``event_id`` is the
  event that set the level.
- ``mission_totals``: figures for a whole mission (``strength``, ``categories`` as JSON,
  ``contributors``) from the day they were reported (``effective``); the latest one on or before a
  date is the one in force.
- ``strength_changes``: the changes still in force (superseded ones removed), from which a
  contingent's intervals are re-derived whenever one of its events arrives, back-dated or not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from events.claims import superseded_target
from events.contingent import Contingent
from events.mission import Mission
from events.timeline import Change, fold
from events.values import region_of
from projections.engine import Projection, rows

Dimension = Literal["contributor", "location", "region", "personnel_type"]
DIMENSIONS: tuple[Dimension, ...] = ("contributor", "location", "region", "personnel_type")


@dataclass(frozen=True)
class ReportedTotal:
    """A whole-mission figure in force on a date: reported on ``as_of`` by ``event_id``."""

    as_of: date
    strength: int | None
    categories: dict[str, int]
    contributors: int | None
    approximate: bool
    event_id: str


@dataclass(frozen=True)
class StrengthRow:
    """Strength of one group on a date. ``strength`` None: unknown (some part of the group is
    present with no published figure); ``known`` is the sum of the parts that are known and
    ``unknown_parts`` how many parts are not; ``approximate``: some part was rounded;
    ``since``: the day the oldest of its figures was set (how current the answer is)."""

    strength: int | None
    known: int
    unknown_parts: int
    approximate: bool
    since: date
    contributor: str | None = None
    location: str | None = None
    region: str | None = None
    personnel_type: str | None = None

    def keys(self, by: tuple[Dimension, ...]) -> dict[str, Any]:
        return {dimension: getattr(self, dimension) for dimension in by}


class StrengthProjection(Projection):
    name = "strength"
    version = 2  # 2: a new report of the same level starts a new interval row

    def __init__(self, path: Any) -> None:
        super().__init__(path)
        self._dirty: set[tuple[str, str]] = set()
        self._pending: dict[str, dict[str, Any]] = {}  # this batch's changes, by event id
        self._superseded: list[str] = []  # earlier changes this batch corrects or retracts

    def create_tables(self) -> None:
        self.db.table("strength_changes").create(
            {
                "event_id": str,
                "mission": str,
                "contributor": str,
                "effective": str,
                "ord": int,
                "kind": str,
                "count": int,
                "location": str,
                "personnel_type": str,
                "to_location": str,
                "approximate": int,
            },
            pk="event_id",
            if_not_exists=True,
        )
        self.db.table("strength_changes").create_index(
            ["mission", "contributor"], if_not_exists=True
        )
        self.db.table("mission_totals").create(
            {
                "event_id": str,
                "mission": str,
                "effective": str,
                "ord": int,
                "strength": int,
                "categories": str,
                "contributors": int,
                "approximate": int,
            },
            pk="event_id",
            if_not_exists=True,
        )
        self.db.table("mission_totals").create_index(["mission", "effective"], if_not_exists=True)
        self.db.table("strength_intervals").create(
            {
                "mission": str,
                "contributor": str,
                "location": str,
                "region": str,
                "personnel_type": str,
                "valid_from": str,
                "valid_to": str,
                "strength": int,
                "approximate": int,
                "event_id": str,
            },
            if_not_exists=True,
        )
        self.db.table("strength_intervals").create_index(
            ["mission", "valid_from", "valid_to"], if_not_exists=True
        )
        self.db.table("strength_intervals").create_index(
            ["mission", "contributor"], if_not_exists=True
        )

    def process(self, event: Any, position: int) -> None:
        if isinstance(event, Mission.Event):
            self._mission_event(event)
            return
        if not isinstance(event, Contingent.Event):
            return
        target = superseded_target(event)
        if target:
            if self._pending.pop(target, None) is None:
                self._superseded.append(target)
            self._dirty.add((event.mission, event.contributor))
        as_change = getattr(event, "as_change", None)
        if as_change is not None:
            change: Change = as_change()
            self._pending[change.event_id] = {
                "event_id": change.event_id,
                "mission": event.mission,
                "contributor": event.contributor,
                "effective": change.effective.isoformat(),
                "ord": change.order,
                "kind": change.kind,
                "count": change.count,
                "location": change.location,
                "personnel_type": change.personnel_type,
                "to_location": change.to_location,
                "approximate": int(change.approximate),
            }
            self._dirty.add((event.mission, event.contributor))

    def _mission_event(self, event: Mission.Event) -> None:
        target = superseded_target(event)
        if target:
            self.db.execute("DELETE FROM mission_totals WHERE event_id = ?", [target])
        if isinstance(event, Mission.TotalReported):
            self.db.table("mission_totals").insert(
                {
                    "event_id": event.event_id,
                    "mission": event.mission,
                    "effective": event.valid.effective.isoformat(),
                    "ord": event.originator_version,
                    "strength": event.strength,
                    "categories": json.dumps(event.categories),
                    "contributors": event.contributors,
                    "approximate": int(event.approximate),
                }
            )

    def reported_total(self, mission: str, on: date) -> ReportedTotal | None:
        """The latest whole-mission figure reported on or before ``on``."""
        found = list(
            rows(
                self.db,
                "SELECT * FROM mission_totals WHERE mission = ? AND effective <= ? "
                "ORDER BY effective DESC, ord DESC LIMIT 1",
                [mission, on.isoformat()],
            )
        )
        if not found:
            return None
        row = found[0]
        return ReportedTotal(
            as_of=date.fromisoformat(row["effective"]),
            strength=row["strength"],
            categories=json.loads(row["categories"]),
            contributors=row["contributors"],
            approximate=bool(row["approximate"]),
            event_id=row["event_id"],
        )

    def flush(self) -> None:
        """Write the batch's changes in one go, then re-derive each touched contingent once."""
        self.db.conn.executemany(
            "DELETE FROM strength_changes WHERE event_id = ?", [[t] for t in self._superseded]
        )
        self.db.table("strength_changes").insert_all(self._pending.values(), replace=True)
        for mission, contributor in sorted(self._dirty):
            self._rederive(mission, contributor)
        self._dirty.clear()
        self._pending.clear()
        self._superseded.clear()

    def _rederive(self, mission: str, contributor: str) -> None:
        changes = self.changes(mission, contributor)
        self.db.execute(
            "DELETE FROM strength_intervals WHERE mission = ? AND contributor = ?",
            [mission, contributor],
        )
        self.db.table("strength_intervals").insert_all(
            {
                "mission": mission,
                "contributor": contributor,
                "location": interval.location,
                "region": region_of(interval.location),
                "personnel_type": interval.personnel_type,
                "valid_from": interval.valid_from.isoformat(),
                "valid_to": interval.valid_to.isoformat() if interval.valid_to else None,
                "strength": interval.strength,
                "approximate": int(interval.approximate),
                "event_id": interval.event_id,
            }
            for interval in fold(contributor, changes)
        )

    def contributors(self, mission: str) -> list[str]:
        """Contributors with changes in force in ``mission``."""
        sql = "SELECT DISTINCT contributor FROM strength_changes WHERE mission = ? ORDER BY 1"
        return [row[0] for row in self.db.execute(sql, [mission]).fetchall()]

    def changes(self, mission: str, contributor: str) -> list[Change]:
        """A contingent's changes still in force, as the fold takes them."""
        return [
            Change(
                r["event_id"],
                date.fromisoformat(r["effective"]),
                r["ord"],
                r["kind"],
                r["count"],
                r["location"],
                r["personnel_type"],
                r["to_location"],
                bool(r["approximate"]),
            )
            for r in rows(
                self.db,
                "SELECT * FROM strength_changes WHERE mission = ? AND contributor = ?",
                [mission, contributor],
            )
        ]

    def strength(
        self,
        mission: str,
        on: date,
        by: tuple[Dimension, ...] = (),
        where: dict[Dimension, str] | None = None,
    ) -> list[StrengthRow]:
        """Strength of ``mission`` on ``on``, grouped by the ``by`` dimensions, counting only
        the rows whose dimensions equal ``where``'s values."""
        filters = "".join(f" AND {dimension} = ?" for dimension in where or {})
        columns = ", ".join(by)
        group = f"GROUP BY {columns} ORDER BY {columns}" if by else ""
        select = f"{columns}, " if by else ""
        sql = (
            f"SELECT {select}COALESCE(SUM(strength), 0) AS known, "
            "COUNT(*) - COUNT(strength) AS unknown_parts, "
            "COALESCE(MAX(approximate), 0) AS approximate, COUNT(*) AS parts, "
            # how current: the oldest figure that counts (a part at 0 is not a figure of the
            # group's strength, unless every part is 0)
            "COALESCE(MIN(CASE WHEN strength IS NULL OR strength <> 0 THEN valid_from END), "
            "MIN(valid_from)) AS since "
            "FROM strength_intervals WHERE mission = ? AND valid_from <= ? "
            f"AND (valid_to IS NULL OR valid_to > ?){filters} {group}"
        )
        day = on.isoformat()
        found = []
        for row in rows(self.db, sql, [mission, day, day, *(where or {}).values()]):
            if not row.pop("parts"):
                continue  # nothing in force: no row at all (not a row of 0)
            known, unknown = row.pop("known"), row.pop("unknown_parts")
            found.append(
                StrengthRow(
                    strength=None if unknown else known,
                    known=known,
                    unknown_parts=unknown,
                    approximate=bool(row.pop("approximate")),
                    since=date.fromisoformat(row.pop("since")),
                    **row,
                )
            )
        return found

    def change_days(self, mission: str, contributor: str, after: date) -> list[date]:
        """The days after ``after`` on which a contingent's level changed."""
        sql = (
            "SELECT DISTINCT valid_from FROM strength_intervals WHERE mission = ? "
            "AND contributor = ? AND valid_from > ? ORDER BY 1"
        )
        found = self.db.execute(sql, [mission, contributor, after.isoformat()]).fetchall()
        return [date.fromisoformat(row[0]) for row in found]
