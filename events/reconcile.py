"""Each report against what the earlier changes implied for its scope: where the record is
incomplete (an unexplained difference), and the claims beside the series of record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from events.timeline import Cell, Change, Interval, State, covered_days, covers, fold


@dataclass(frozen=True)
class Gap:
    """A report against what the earlier changes implied for its scope just before it.
    ``implied`` None: unknown; ``present`` False: nothing at all was recorded for the scope;
    ``since``: the day the implied level was last set. ``counted`` False: a claim on a day of a
    report of the series of record, shown beside it: ``implied`` is then the authoritative
    figure for its scope that day (``since``), and the claim is not counted."""

    contributor: str
    event_id: str
    effective: date
    location: str | None
    personnel_type: str | None
    implied: int | None
    present: bool
    reported: int | None
    since: date | None
    counted: bool = True

    @property
    def difference(self) -> int | None:
        """Reported minus implied: what the record does not explain (None when unknowable)."""
        if self.reported is None or self.implied is None or not self.present:
            return None
        return self.reported - self.implied


def _scope_level(rows: list[Interval], cell: Cell, on: date) -> tuple[int | None, bool]:
    """The level of scope ``cell`` on ``on`` from interval rows (the cells within it), and
    whether any is there."""
    found = [
        r.strength
        for r in rows
        if r.valid_from <= on
        and (r.valid_to is None or r.valid_to > on)
        and covers(cell, (r.location, r.personnel_type))
    ]
    if any(n is None for n in found):
        return None, bool(found)
    return sum(n or 0 for n in found), bool(found)


def reconcile(contributor: str, changes: Iterable[Change]) -> list[Gap]:
    """Replay ``changes`` and, at each report, compare its level with what came before; a
    claim on a day of a report of the series of record is compared with that report's figure."""
    ordered = sorted(changes, key=lambda c: c.sort_key)
    state = State(contributor, covered=covered_days(ordered))
    record: list[Interval] | None = None  # the fold's rows, for the claims beside it
    set_on: dict[Cell, date] = {}
    gaps = []
    for change in ordered:
        cell: Cell = (change.location, change.personnel_type)
        if change.kind == "report" and not state.counts(change):
            record = record if record is not None else fold(contributor, ordered, strict=False)
            end = change.effective
            figure, present = _scope_level(record, cell, end)
            gaps.append(
                Gap(
                    contributor,
                    change.event_id,
                    change.effective,
                    change.location,
                    change.personnel_type,
                    figure,
                    present,
                    change.count,
                    end,
                    counted=False,
                )
            )
            continue
        if change.kind == "report":
            covered = [c for c in state.cells if covers(cell, c)]
            levels = [state.cells[c].strength for c in covered]
            implied = None if any(n is None for n in levels) else sum(n or 0 for n in levels)
            since = max((set_on[c] for c in covered if c in set_on), default=None)
            gaps.append(
                Gap(
                    contributor,
                    change.event_id,
                    change.effective,
                    change.location,
                    change.personnel_type,
                    implied,
                    bool(covered),
                    change.count,
                    since,
                )
            )
        before = dict(state.cells)
        state.apply(change)
        for c, level in state.cells.items():
            if before.get(c) != level:
                set_on[c] = change.effective
    return gaps
