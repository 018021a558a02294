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
    from projections import Dimension, HistoryRow, StrengthProjection, StrengthRow
    from projections.announcements import Announcement

Cell = tuple[str, str | None, str | None]  # contributor, location, personnel type
CELL_BY: tuple[Dimension, ...] = ("contributor", "location", "personnel_type")


@dataclass(frozen=True)
class ForecastRow:
    """One group: its ``--by`` keys, the strength from changes alone and the forecast; the
    evidence of its figures (``figure_of``: the oldest day a part's figure was set, its
    ``event_id``, ``approximate``) and the ``announcements`` applied to it."""

    keys: dict[str, Any]
    from_changes: int | None
    forecast: int | None
    figure_of: date | None = None
    event_id: str | None = None
    approximate: bool = False
    announcements: tuple[str, ...] = ()


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
) -> dict[Cell, StrengthRow]:
    found = view.strength(mission, on, CELL_BY, known_at=known_at, recorded_at=at)
    return {(r.contributor or "", r.location, r.personnel_type): r for r in found}


def _matches(cell: Cell, a: Announcement) -> bool:
    contributor, location, personnel_type = cell
    return (
        contributor == a.contributor
        and (a.location is None or location == a.location)
        and (a.personnel_type is None or personnel_type == a.personnel_type)
    )


def _apply(cells: dict[Cell, int | None], a: Announcement, by: dict[Cell, list[str]]) -> bool:
    """Apply one announcement as if it happened; return whether any figure changed (and note
    it in ``by`` for each cell it changed)."""
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
    for cell in cells:
        if cells[cell] != before.get(cell, "absent"):
            by.setdefault(cell, []).append(a.event_id)
    return cells != before


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
    rows = _cells(view, mission, on, known_at, at)
    base = {cell: row.strength for cell, row in rows.items()}
    cells = dict(base)
    changed: dict[Cell, list[str]] = {}
    # ``announcements`` as known at ``known_at`` and recorded by ``at`` (the view's answer):
    # those retracted or corrected by then are out
    known = [a for a in announcements if a.kind != "SuspensionAnnounced" and not a.superseded_by]
    pending = [
        a for a in known if not _revised(a, known) and not _carried_out(view, a, known_at, at, on)
    ]
    applied = []
    for a in sorted(
        (a for a in pending if a.target_end and date.fromisoformat(a.target_end) <= on),
        key=lambda a: (a.target_end or "", a.position),
    ):
        if _apply(cells, a, changed):
            applied.append(a)
    undated = [a for a in pending if a.target_end is None]
    grouped = _group(rows, base, cells, changed, by)
    return Forecast(mission, on, known_at, by, grouped, applied, undated)


def _group(
    rows: dict[Cell, StrengthRow],
    base: dict[Cell, int | None],
    cells: dict[Cell, int | None],
    changed: dict[Cell, list[str]],
    by: tuple[Dimension, ...],
) -> list[ForecastRow]:
    groups: dict[tuple[Any, ...], list[Cell]] = defaultdict(list)
    for cell in sorted(set(base) | set(cells), key=repr):
        values = {"contributor": cell[0], "location": cell[1], "personnel_type": cell[2]}
        values["region"] = region_of(cell[1])
        groups[tuple(values[d] for d in by)].append(cell)

    def total(parts: list[int | None]) -> int | None:
        return None if any(p is None for p in parts) else sum(p or 0 for p in parts)

    found = []
    for key, parts in sorted(
        groups.items(), key=lambda kv: tuple("" if k is None else k for k in kv[0])
    ):
        evidence = [rows[c] for c in parts if c in rows]
        # as strength tells how current a figure is: by the oldest part that counts (a part
        # at 0 is not a figure of the group's strength); all at 0: the day the last went
        counting = [r for r in evidence if r.strength != 0]
        oldest = (
            min(counting, key=_evidence_order)
            if counting
            else max(evidence, key=_evidence_order, default=None)
        )
        found.append(
            ForecastRow(
                dict(zip(by, key, strict=True)),
                total([base.get(c) for c in parts]),
                total([cells.get(c) for c in parts]),
                oldest.since if oldest else None,
                oldest.event_id if oldest else None,
                any(r.approximate for r in evidence),
                tuple(dict.fromkeys(e for c in parts for e in changed.get(c, ()))),
            )
        )
    return found


def _evidence_order(row: StrengthRow) -> tuple[date, str]:
    return (row.since, row.event_id or "")


@dataclass(frozen=True)
class Difference:
    """One contributor and location whose strength differs between two states, and the
    events that became known (or were recorded) in between."""

    contributor: str
    location: str | None
    before: int | None
    after: int | None
    events: list[HistoryRow] = field(default_factory=list)
