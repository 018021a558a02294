"""Strength by location and region, estimated from the UN's deployment maps (issue 18): the
model researchers use where the UN's figures give no place (RADPKO, Hunnicutt & Nomikos).

The method, "deployment maps, Geo-PKO" (version ``EstimateProjection.version``):

- **Inputs**, all events of the store: each contributor's strength on the date as the strength
  view gives it, by location and personnel type (the UN's monthly figures, and the figures
  the sources locate themselves, such as a news report of 1,270 at Gao); and the presence
  estimates (``PresenceEstimated``: Geo-PKO's coding of the UN's deployment maps, one event per
  year x contributor x location, with ``troops``, the coded size of its units there).
- **What is spread**: a contributor's *unassigned* troops and staff officers (and its figures
  with no personnel type, the press's totals), over the locations the maps of the date's year
  place its units, in proportion to the coded sizes. A location mapped with no size (8 of the
  548 rows) weighs as a company, 150, the size Geo-PKO codes most often (235 of the 540 sized
  rows), so it is neither dropped nor made a battalion.
- **What keeps its place**: a figure a source locates (already out of the unassigned part, as
  the strength view draws it: ``events/timeline.py``), so it is taken out first.
- **What stays unassigned**: police (formed units and individual officers) and military
  experts, whom the maps show no unit for; figures that are unknown; and every contributor
  with no map for that year. A contributor with no map for the year is **not** given the
  nearest year's map: a contingent absent from a year's maps (a few staff officers, a unit
  that left or had not arrived) would be put where the maps of that year do not show it, and
  the research behind this module found it changed the distance to RADPKO by 0.002 at most
  (``README``, "Strength by region, estimated").
- The maps are yearly, so a date takes the maps of its year (a presence estimate dated to a
  month or a day counts for its year). An estimate is as known and as recorded as its inputs:
  ``--known-at`` before Geo-PKO's publication leaves everything unassigned.

The projection keeps the maps (table ``deployment_maps``); the figures are spread when asked
(``spread``), from the strength view's answer on that date, so every time axis of the strength
view (valid, known, recorded) holds for the estimate too.

Table ``deployment_maps``: one row per presence estimate: ``event_id``, ``mission``,
``contributor``, ``year``, ``location`` (canonical), ``region`` (its admin-1 region),
``troops`` (the coded size; NULL: not coded), ``weight`` (``troops``, or 150 when not coded),
``known`` (its source's publication), ``recorded`` (when it entered the store), and
``superseded_known``/``superseded_recorded`` (those of the correction or retraction that
replaced it, if any).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from events.claims import superseded_target
from events.contingent import Contingent
from events.values import region_of
from projections.engine import Projection, handles
from projections.strength_queries import StrengthRow
from projections.strength_tables import times_of

if TYPE_CHECKING:
    from collections.abc import Iterable

METHOD = "deployment maps, Geo-PKO"
UNCODED_WEIGHT = 150  # a company: the size Geo-PKO codes most often
SPREAD_TYPES = frozenset({"troops", "staff_officers", None})  # None: no type given
Maps = dict[str, dict[str, float]]  # contributor -> location -> share of its spread strength


@dataclass(frozen=True)
class Placed:
    """One part of a contributor's strength on a date, where the estimate puts it:
    ``amount`` personnel (whole people) of ``cell`` (the strength view's row of
    contributor x location x personnel type) at ``location`` (None: unassigned);
    ``estimated``: put there by the method, not by a source."""

    cell: StrengthRow
    location: str | None
    amount: int
    estimated: bool


@dataclass(frozen=True)
class EstimatedRow(StrengthRow):
    """A row of strength by location or region from the estimate: a ``StrengthRow`` (its
    ``strength`` and ``known`` the whole people placed in it),
    with ``estimated``: some of it was placed by the method (the rest, by its sources)."""

    estimated: bool = False


class EstimateProjection(Projection):
    """The deployment maps the estimate spreads strength over (see the module's docstring)."""

    name = "estimate"
    version = 1

    def create_tables(self) -> None:
        self.db.table("deployment_maps").create(
            {
                "event_id": str,
                "mission": str,
                "contributor": str,
                "year": int,
                "location": str,
                "region": str,
                "troops": int,
                "weight": int,
                "known": str,
                "recorded": str,
                "superseded_known": str,
                "superseded_recorded": str,
            },
            pk="event_id",
            if_not_exists=True,
        )
        self.db.table("deployment_maps").create_index(["mission", "year"], if_not_exists=True)

    @handles(Contingent.PresenceEstimated)
    def presence_estimated(self, event: Contingent.PresenceEstimated, position: int) -> None:
        self._supersede(event)
        known, recorded = times_of(event)
        self.db.execute(
            "INSERT OR REPLACE INTO deployment_maps (event_id, mission, contributor, year, "
            "location, region, troops, weight, known, recorded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?)",
            [
                event.event_id,
                event.mission,
                event.contributor,
                event.valid.start.year,
                event.location,
                region_of(event.location),
                event.troops,
                event.troops if event.troops is not None else UNCODED_WEIGHT,
                known,
                recorded,
            ],
        )

    @handles(Contingent.Retracted)
    def retracted(self, event: Contingent.Retracted, position: int) -> None:
        self._supersede(event)

    def _supersede(self, event: Any) -> None:
        target = superseded_target(event)
        if target:
            self.db.execute(
                "UPDATE deployment_maps SET superseded_known = ?, superseded_recorded = ? "
                "WHERE event_id = ?",
                [*times_of(event), target],
            )

    def maps(
        self, mission: str, year: int, known_at: date | None = None, recorded_at: str | None = None
    ) -> Maps:
        """Each contributor's share of its spread strength by location in ``year``, from the
        maps in force as known at ``known_at`` and recorded by ``recorded_at`` (default: now).
        Two estimates of one contributor at one place are one unit seen twice: the larger
        counts, not their sum."""
        k, t = (known_at or date.max).isoformat(), recorded_at or "~"
        found = self.db.execute(
            "SELECT contributor, location, MAX(weight) FROM deployment_maps WHERE mission = ? "
            "AND year = ? AND known <= ? AND recorded <= ? AND NOT (superseded_known IS NOT NULL "
            "AND superseded_known <= ? AND superseded_recorded <= ?) "
            "GROUP BY contributor, location ORDER BY contributor, location",
            [mission, year, k, t, k, t],
        ).fetchall()
        weights: dict[str, dict[str, float]] = defaultdict(dict)
        for contributor, location, weight in found:
            weights[contributor][location] = float(weight)
        return {
            c: {loc: w / sum(ws.values()) for loc, w in ws.items()} for c, ws in weights.items()
        }

    def years(self, mission: str) -> list[int]:
        """The years the maps in force now cover."""
        found = self.db.execute(
            "SELECT DISTINCT year FROM deployment_maps WHERE mission = ? "
            "AND superseded_recorded IS NULL ORDER BY 1",
            [mission],
        )
        return [row[0] for row in found.fetchall()]


def spread(cells: Iterable[StrengthRow], maps: Maps) -> list[Placed]:
    """Where the method puts each part of strength: ``cells`` are the strength view's rows by
    contributor x location x personnel type on a date, ``maps`` the shares of that year. A
    located cell keeps its place; an unassigned one of troops, staff officers or no type, with
    a known figure, is split over its contributor's map, in whole people (the largest
    remainders get the odd ones), so that any grouping of the parts adds up the same; every
    other cell stays unassigned."""
    placed: list[Placed] = []
    for cell in cells:
        shares = maps.get(cell.contributor or "")
        if (
            cell.location is None
            and cell.personnel_type in SPREAD_TYPES
            and cell.strength
            and shares
        ):
            whole = whole_parts(cell.strength, list(shares.values()))
            placed += [
                Placed(cell, loc, n, True) for loc, n in zip(shares, whole, strict=True) if n
            ]
        else:
            placed.append(Placed(cell, cell.location, cell.known, False))
    return placed


def whole_parts(total: int, shares: list[float]) -> list[int]:
    """``total`` split in whole numbers in proportion to ``shares`` (which add up to 1): each
    share rounded down, then one more for the largest remainders (the first of equal ones)."""
    exact = [total * share for share in shares]
    parts = [math.floor(x + 1e-9) for x in exact]
    order = sorted(range(len(exact)), key=lambda i: -(exact[i] - parts[i]))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts
