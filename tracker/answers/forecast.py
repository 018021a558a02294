"""Announced futures and what changed: the strength on a date if every pending announcement
happens on its target date, and the difference between two states of knowledge (or of the
store), with the events that explain it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from events.values import region_of
from tracker.answers.ledger import done, level

if TYPE_CHECKING:
    from projections import Dimension, HistoryRow, StrengthProjection
    from projections.announcements import Announcement

Cell = tuple[str, str | None, str | None]  # contributor, location, personnel type
CELL_BY: tuple[Dimension, ...] = ("contributor", "location", "personnel_type")


@dataclass(frozen=True)
class ForecastRow:
    """One group: its ``--by`` keys, the strength from changes alone and the forecast."""

    keys: dict[str, Any]
    from_changes: int | None
    forecast: int | None


@dataclass(frozen=True)
class Forecast:
    """Strength on ``on`` as known at ``known_at``, from changes alone and if the ``applied``
    announcements happen on their target dates; ``undated``: pending ones with no target."""

    mission: str
    on: date
    known_at: date | None
    by: tuple[Dimension, ...]
    rows: list[ForecastRow]
    applied: list[Announcement]
    undated: list[Announcement]


def _cells(
    view: StrengthProjection, mission: str, on: date, known_at: date | None, at: str | None
) -> dict[Cell, int | None]:
    found = view.strength(mission, on, CELL_BY, known_at=known_at, recorded_at=at)
    return {(r.contributor or "", r.location, r.personnel_type): r.strength for r in found}


def _matches(cell: Cell, a: Announcement) -> bool:
    contributor, location, personnel_type = cell
    return (
        contributor == a.contributor
        and (a.location is None or location == a.location)
        and (a.personnel_type is None or personnel_type == a.personnel_type)
    )


def _apply(cells: dict[Cell, int | None], a: Announcement) -> bool:
    """Apply one announcement as if it happened; return whether any figure changed."""
    before = dict(cells)
    scope = [c for c in cells if _matches(c, a)]
    if a.kind == "WithdrawalAnnounced" and a.full:
        for cell in scope:
            cells[cell] = 0
    elif a.kind == "WithdrawalAnnounced":
        left = a.count or 0
        for cell in sorted(scope, key=lambda c: -(cells[c] or 0)):
            if cells[cell] is None:
                continue
            taken = min(left, cells[cell] or 0)
            cells[cell] = (cells[cell] or 0) - taken
            left -= taken
    elif a.kind == "DeploymentAnnounced" and a.count is not None:
        target: Cell = (a.contributor, a.location, a.personnel_type)
        current = cells.get(target, 0)
        cells[target] = None if current is None else current + a.count
    return cells != before


def _in_force(a: Announcement, known_at: date | None) -> bool:
    if known_at is None:
        return a.superseded_by is None
    known = date.fromisoformat(a.known) <= known_at
    superseded = (
        a.superseded_known is not None and date.fromisoformat(a.superseded_known) <= known_at
    )
    return known and not superseded


def _carried_out(
    view: StrengthProjection, a: Announcement, known_at: date | None, at: str | None, on: date
) -> bool:
    """Already done by the record (as known at ``known_at``): applying it again would count it
    twice (a partial withdrawal, say)."""
    start = date.fromisoformat(a.announced_on)
    until = min(on, known_at) if known_at else on
    if until < start:
        return False
    then = level(view, a, start, known_at, at)
    return done(a, then, level(view, a, until, known_at, at))


def _revised(a: Announcement, others: list[Announcement]) -> bool:
    """A later announcement in force for the same contributor, kind and scope replaces it."""
    return any(
        b.position > a.position
        and (b.kind, b.contributor, b.location, b.personnel_type)
        == (a.kind, a.contributor, a.location, a.personnel_type)
        for b in others
    )


def forecast(
    view: StrengthProjection,
    mission: str,
    announcements: list[Announcement],
    on: date,
    by: tuple[Dimension, ...],
    known_at: date | None,
    at: str | None,
) -> Forecast:
    base = _cells(view, mission, on, known_at, at)
    cells = dict(base)
    known = [a for a in announcements if a.kind != "SuspensionAnnounced" and _in_force(a, known_at)]
    pending = [
        a for a in known if not _revised(a, known) and not _carried_out(view, a, known_at, at, on)
    ]
    applied = []
    for a in sorted(
        (a for a in pending if a.target_end and date.fromisoformat(a.target_end) <= on),
        key=lambda a: (a.target_end or "", a.position),
    ):
        if _apply(cells, a):
            applied.append(a)
    undated = [a for a in pending if a.target_end is None]
    return Forecast(mission, on, known_at, by, _group(base, cells, by), applied, undated)


def _group(
    base: dict[Cell, int | None], cells: dict[Cell, int | None], by: tuple[Dimension, ...]
) -> list[ForecastRow]:
    groups: dict[tuple[Any, ...], list[tuple[int | None, int | None]]] = defaultdict(list)
    for cell in sorted(set(base) | set(cells), key=repr):
        values = {"contributor": cell[0], "location": cell[1], "personnel_type": cell[2]}
        values["region"] = region_of(cell[1])
        groups[tuple(values[d] for d in by)].append((base.get(cell), cells.get(cell)))

    def total(parts: list[int | None]) -> int | None:
        return None if any(p is None for p in parts) else sum(p or 0 for p in parts)

    return [
        ForecastRow(
            dict(zip(by, key, strict=True)),
            total([b for b, _ in parts]),
            total([f for _, f in parts]),
        )
        for key, parts in sorted(
            groups.items(), key=lambda kv: tuple("" if k is None else k for k in kv[0])
        )
    ]


@dataclass(frozen=True)
class Difference:
    """One contributor and location whose strength differs between two states, and the
    events that became known (or were recorded) in between."""

    contributor: str
    location: str | None
    before: int | None
    after: int | None
    events: list[HistoryRow] = field(default_factory=list)
