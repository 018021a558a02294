"""Strength by location or region as the estimate gives it (``projections.estimate``): the
strength view's figures on a date spread over that year's deployment maps, grouped like any
strength answer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from events.errors import InvalidInputError
from events.values import region_of
from projections.estimate import METHOD, EstimatedRow, EstimateProjection, Placed, spread

if TYPE_CHECKING:
    from datetime import date

    from projections import Dimension, StrengthProjection

CELL: tuple[Dimension, ...] = ("contributor", "location", "personnel_type")


@dataclass(frozen=True)
class Method:
    """How an answer's places were estimated: the method's ``name`` and ``version``."""

    name: str = METHOD
    version: int = EstimateProjection.version


def check_estimable(by: tuple[Dimension, ...]) -> None:
    """An estimate says where: it needs location or region among the ``by`` dimensions.

    Raises:
        InvalidInputError
    """
    if "location" not in by and "region" not in by:
        raise InvalidInputError(
            "the estimate spreads strength over places: give --by location or --by region "
            "with --estimate"
        )


def estimated_strength(
    strength: StrengthProjection,
    estimate: EstimateProjection,
    mission: str,
    on: date,
    by: tuple[Dimension, ...],
    known_at: date | None = None,
    recorded_at: str | None = None,
    among: tuple[str, ...] = (),
) -> list[EstimatedRow]:
    """``mission``'s strength on ``on`` by ``by`` (which names location or region), placed
    by the estimate, as known at ``known_at`` and recorded by ``recorded_at``."""
    check_estimable(by)
    cells = strength.strength(mission, on, CELL, None, known_at, recorded_at, among)
    maps = estimate.maps(mission, on.year, known_at, recorded_at)
    return grouped(spread(cells, maps), by)


def _key(part: Placed, dimension: Dimension) -> str | None:
    if dimension == "location":
        return part.location
    if dimension == "region":
        return region_of(part.location)
    value: str | None = getattr(part.cell, dimension)
    return value


def grouped(placed: list[Placed], by: tuple[Dimension, ...]) -> list[EstimatedRow]:
    """The parts (whole people) added up by ``by``."""
    groups: dict[tuple[str | None, ...], list[Placed]] = defaultdict(list)
    for part in placed:
        groups[tuple(_key(part, d) for d in by)].append(part)
    keys = sorted(groups, key=lambda key: [(k is not None, k or "") for k in key])
    found = []
    for key in keys:
        parts = groups[key]
        known = sum(p.amount for p in parts)
        unknown = sum(1 for p in parts if p.cell.strength is None)
        counting = [p for p in parts if p.cell.strength is None or p.cell.strength != 0] or parts
        oldest = min(counting, key=lambda p: (p.cell.since, p.cell.event_id or ""))
        values: dict[str, Any] = dict(zip(by, key, strict=True))
        found.append(
            EstimatedRow(
                strength=None if unknown else known,
                known=known,
                unknown_parts=unknown,
                approximate=any(p.cell.approximate for p in parts),
                since=oldest.cell.since,
                event_id=oldest.cell.event_id,
                estimated=any(p.estimated for p in parts),
                **values,
            )
        )
    return found
