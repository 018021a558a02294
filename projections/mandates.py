"""Mandates: the authorised ceilings in force on any date, to set against actual strength.

Table ``mandates``: one row per mandate event and ceiling category: ``event_id``, ``position``,
``mission``, ``resolution``, ``valid_from`` (first day of the mandate period), ``until`` (its
last day, where the resolution sets one), ``category`` (``military``, ``police`` or a UN
personnel type) and ``ceiling``. Table ``mandate_ends``: ``event_id``, ``mission``,
``resolution``, ``ended_on``. Retracted or corrected events are removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from events.claims import superseded_target
from events.mission import Mission
from projections.engine import Projection, handles, rows


@dataclass(frozen=True)
class MandateInForce:
    """The mandate in force on a date: ``resolution``, from ``valid_from`` to ``until``, its
    ``ceilings`` by category; ``ended_on``: the day a later resolution ended it, if before."""

    resolution: str
    valid_from: date
    until: date | None
    ceilings: dict[str, int]
    ended_on: date | None
    event_id: str

    def unrenewed_years(self, on: date) -> int:
        """Whole years from its start to ``on`` with no end and no renewal recorded (0: it
        has a period of its own, or ended, or is under a year old): a mandate is usually
        renewed every year, so its ceilings are then the last recorded, not known current."""
        if self.until is not None or self.ended_on is not None:
            return 0
        return max((on - self.valid_from).days // 365, 0)


class MandateProjection(Projection):
    name = "mandates"
    version = 1

    def create_tables(self) -> None:
        self.db.table("mandates").create(
            {
                "event_id": str,
                "position": int,
                "mission": str,
                "resolution": str,
                "valid_from": str,
                "until": str,
                "category": str,
                "ceiling": int,
            },
            if_not_exists=True,
        )
        self.db.table("mandates").create_index(["mission", "valid_from"], if_not_exists=True)
        self.db.table("mandate_ends").create(
            {"event_id": str, "mission": str, "resolution": str, "ended_on": str},
            pk="event_id",
            if_not_exists=True,
        )

    @handles(Mission.MandateRenewed)
    def mandate_renewed(self, event: Mission.MandateRenewed, position: int) -> None:
        self._supersede(event)
        self.db.table("mandates").insert_all(
            {
                "event_id": event.event_id,
                "position": position,
                "mission": event.mission,
                "resolution": event.resolution,
                "valid_from": event.valid.start.isoformat(),
                "until": event.until.end.isoformat() if event.until else None,
                "category": category,
                "ceiling": ceiling,
            }
            for category, ceiling in event.ceilings.items()
        )

    @handles(Mission.MandateEnded)
    def mandate_ended(self, event: Mission.MandateEnded, position: int) -> None:
        self._supersede(event)
        self.db.table("mandate_ends").insert(
            {
                "event_id": event.event_id,
                "mission": event.mission,
                "resolution": event.resolution,
                "ended_on": event.valid.end.isoformat(),
            }
        )

    @handles(Mission.Retracted)
    def retracted(self, event: Mission.Retracted, position: int) -> None:
        self._supersede(event)

    def _supersede(self, event: Any) -> None:
        target = superseded_target(event)
        if target:
            for table in ("mandates", "mandate_ends"):
                self.db.execute(f"DELETE FROM {table} WHERE event_id = ?", [target])

    def in_force(self, mission: str, on: date) -> MandateInForce | None:
        """The latest mandate begun on or before ``on``; None before the first one."""
        day = on.isoformat()
        found = list(
            rows(
                self.db,
                "SELECT * FROM mandates WHERE mission = ? AND valid_from <= ? AND event_id = ("
                "SELECT event_id FROM mandates WHERE mission = ? AND valid_from <= ? "
                "ORDER BY valid_from DESC, position DESC LIMIT 1)",
                [mission, day, mission, day],
            )
        )
        if not found:
            return None
        first = found[0]
        end = self.db.execute(
            "SELECT MIN(ended_on) FROM mandate_ends WHERE mission = ? AND ended_on >= ? "
            "AND ended_on <= ?",
            [mission, first["valid_from"], day],
        ).fetchone()[0]
        return MandateInForce(
            resolution=first["resolution"],
            valid_from=date.fromisoformat(first["valid_from"]),
            until=date.fromisoformat(first["until"]) if first["until"] else None,
            ceilings={row["category"]: row["ceiling"] for row in found},
            ended_on=date.fromisoformat(end) if end else None,
            event_id=first["event_id"],
        )
