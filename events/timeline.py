"""Strength of one contingent as a step function of valid time.

One pure function, ``fold``, turns a contingent's changes (reports, deployments, withdrawals,
moves) into its levels on every date. The aggregate uses it to refuse a change that would take
away personnel who were not there (back-dated changes included); the strength projection uses it
to write interval rows. One function for both, so the rule and the read model cannot drift.

The state is a set of *cells*, keyed by (location, personnel type); ``None`` in a key means "not
given by the source" (unassigned location, unspecified type). A cell's level is an int, or
``None`` when it is unknown (a withdrawal from a scope no report or deployment ever set, or a
report of a contributor present whose figures were not published). Unknown is never guessed as 0.

Rules, in valid-time order (ties in the order recorded):
- one rule for the days between reports (issue 27): a sourced change dated after the
  latest *authoritative* report (the UN's month-end figure) counts from its day until the
  next authoritative report takes over, whether or not that next report is known yet: so
  knowing more never gives an older figure (the December report, once known, does not undo a
  withdrawal of 11 December on the 20th). A change dated on a day of an authoritative report
  (a month-precision claim falls on the month's last day) is a claim beside it, not counted:
  the report's figure is the day's. A claim still may not take away more than there was. An
  authoritative report of (L, T) = n replaces every cell of its scope and every cell of no
  given type in its location scope: after a day of the UN's reports by type, the contingent is
  exactly the UN's figures (the claims before it are taken over).
- a *report* of (L, T) = n sets the level of its scope to n: the cells it covers (more
  specific: L's types when T is not given, T's locations when L is not given) are replaced by
  it, and only the difference between n and what they held is drawn from the rest: from the
  less specific pools first (a figure for Gao while the contingent's figure is unassigned),
  then from the other cells that may hold its personnel, in name order (none below 0); a less
  specific cell whose level is unknown is replaced by it. A report below what its scope held
  does not give people back: they are no longer counted.
- a *deployment* adds to its cell.
- a *withdrawal* of n takes from its own cell first, then from the less specific pools
  ((None, T), (L, None), (None, None)), then from the more specific cells it covers, in name
  order. Taking more than there is, is refused. A withdrawal with no count takes everything in
  its scope: the cells of its scope that hold personnel go to 0; where none does but
  others might hold some of them (all at Gao gone, while the UN's figures place no one),
  nothing can be taken and nothing changes (the claim does not count as a figure).
- a *move* is a withdrawal from one location and a deployment to another.
- the mission's *closure* ends every cell (0) the day after it closed; only a later report
  (the UN's liquidation remnant) sets a level again. It is the mission's fact, never a claim.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal, NamedTuple

from events.errors import InsufficientStrengthError

Cell = tuple[str | None, str | None]
ChangeKind = Literal["report", "deploy", "withdraw", "move", "close"]


@dataclass(frozen=True, slots=True)  # slots: an import holds every change (issue 19)
class Change:
    """One change to a contingent's strength, as the fold needs it. ``ident``: its event's id;
    or, ``numbered``, its stream's part of it, the id being ``f"{ident}/{order}"`` (a
    contingent's own changes: an import holds every one of them, and the string made when
    asked is 64 bytes less per change held, issue 19)."""

    ident: str
    effective: date
    order: int
    kind: ChangeKind
    count: int | None
    location: str | None = None
    personnel_type: str | None = None
    to_location: str | None = None
    approximate: bool = False
    authoritative: bool = False  # the series of record (the UN's month-end figures)
    numbered: bool = False

    @property
    def event_id(self) -> str:
        return f"{self.ident}/{self.order}" if self.numbered else self.ident

    @property
    def sort_key(self) -> tuple[date, int]:
        return (self.effective, self.order)


def covered_days(changes: Iterable[Change]) -> set[date]:
    """The days on which some change is authoritative: the others of those days are claims
    beside it."""
    return {c.effective for c in changes if c.authoritative}


class Level(NamedTuple):
    """A cell's level (a tuple: made for every change the fold applies, issue 19)."""

    strength: int | None
    approximate: bool = False


class Interval(NamedTuple):
    """A cell's level from ``valid_from`` (inclusive) to ``valid_to`` (exclusive, None: open).
    A tuple: a rebuild makes one for every row it derives (issue 19)."""

    location: str | None
    personnel_type: str | None
    valid_from: date
    valid_to: date | None
    strength: int | None
    approximate: bool
    event_id: str


def scope(location: str | None, personnel_type: str | None) -> str:
    what = (personnel_type or "personnel").replace("_", " ")
    return f"{what} at {location}" if location else what


def covers(outer: Cell, inner: Cell) -> bool:
    """True when every person counted in ``inner`` is also in scope ``outer``."""
    return (outer[0] is None or outer[0] == inner[0]) and (outer[1] is None or outer[1] == inner[1])


def overlaps(a: Cell, b: Cell) -> bool:
    """True when some person could be counted in both scopes."""
    return (a[0] is None or b[0] is None or a[0] == b[0]) and (
        a[1] is None or b[1] is None or a[1] == b[1]
    )


@dataclass
class State:
    """A contingent's cells at one moment of the fold."""

    contributor: str
    cells: dict[Cell, Level] = field(default_factory=dict)
    last_event: dict[Cell, str] = field(default_factory=dict)
    # strict: a shortfall raises (commands). Not strict: the level becomes unknown, for
    # states of partial knowledge, where the record as then known may contradict itself.
    strict: bool = True
    # Days with an authoritative report among the changes folded: shared by reference with
    # whoever drives the fold, which goes back before a day whose cover changes.
    covered: set[date] = field(default_factory=set)
    # The cells set or taken away since the last ``close_day``, which looks at those only (a
    # rebuild closes every day of every contingent: issue 19); all of ``cells`` when given.
    # None: not kept, for a fold whose days are never closed (a command's check).
    touched: dict[Cell, None] | None = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.touched is not None and self.cells and not self.touched:
            self.touched.update(dict.fromkeys(self.cells))

    def copy(self) -> State:
        touched = None if self.touched is None else dict(self.touched)
        copied = State(self.contributor, {}, {}, self.strict, self.covered, touched)
        copied.cells, copied.last_event = dict(self.cells), dict(self.last_event)
        return copied

    def counts(self, change: Change) -> bool:
        """False for a claim on a day of a report of the series of record."""
        return (
            change.authoritative or change.kind == "close" or change.effective not in self.covered
        )

    def set(self, cell: Cell, level: Level, event_id: str) -> None:
        self.cells[cell] = level
        self.last_event[cell] = event_id
        if self.touched is not None:
            self.touched[cell] = None

    def _drop(self, cell: Cell) -> None:
        del self.cells[cell], self.last_event[cell]
        if self.touched is not None:
            self.touched[cell] = None

    def apply(self, change: Change) -> None:
        if not self.counts(change):
            # A claim beside the series of record: not counted, but it may still not take
            # away more than there was (a withdrawal of 2,000 from 1,216 is refused).
            if self.strict and change.kind in ("withdraw", "move") and change.count is not None:
                self.copy()._take((change.location, change.personnel_type), change.count, change)
            return
        cell: Cell = (change.location, change.personnel_type)
        if change.kind == "report":
            self._report(cell, change)
        elif change.kind == "deploy":
            self._add(cell, change.count or 0, change)
        elif change.kind == "withdraw":
            self._take(cell, change.count, change)
        elif change.kind == "close":  # the mission closed: nobody is left, as far as known
            for other in self.cells:
                if self.cells[other].strength != 0:
                    self.set(other, Level(0), change.event_id)
        else:
            self._take(cell, change.count, change)
            self._add((change.to_location, change.personnel_type), change.count or 0, change)

    def _report(self, cell: Cell, change: Change) -> None:
        if change.authoritative:
            location = cell[0]
            for other in [
                c
                for c in self.cells
                if c != cell and (covers(cell, c) or (c[1] is None and location in (None, c[0])))
            ]:
                self._drop(other)
            self.set(cell, Level(change.count, change.approximate), change.event_id)
            return
        covered = self._covered(cell)
        held = sum(self.cells[c].strength or 0 for c in [cell, *covered] if c in self.cells)
        for other in covered:  # its personnel are counted in the new figure
            self._drop(other)
        if change.count is not None:
            new = change.count - held  # only the difference comes from the rest
            pools = self._pools(cell)
            # Nothing to draw: only a placeholder pool goes (the rest need not be sorted).
            sources = self._overlapping(cell, pools) if new > 0 else pools
            for source in sources:
                level = self.cells[source]
                if level.strength is None:
                    if source in pools:
                        # "Present, figure unknown" was a placeholder: a published figure for
                        # part of it replaces it (a contributor's figures appear again).
                        self._drop(source)
                    continue
                if new <= 0:
                    continue
                drawn = min(new, level.strength)
                self.set(source, Level(level.strength - drawn, level.approximate), change.event_id)
                new -= drawn
        self.set(cell, Level(change.count, change.approximate), change.event_id)

    def level(self, cell: Cell) -> int | None:
        found = self.cells.get(cell)
        return found.strength if found else None

    def _pools(self, cell: Cell) -> list[Cell]:
        """Less specific cells present that may hold the personnel of ``cell``."""
        location, personnel_type = cell
        candidates: list[Cell] = [(None, personnel_type), (location, None), (None, None)]
        seen: list[Cell] = []
        for pool in candidates:
            if pool != cell and pool not in seen and covers(pool, cell) and pool in self.cells:
                seen.append(pool)
        return seen

    def _add(self, cell: Cell, count: int, change: Change) -> None:
        current = self.cells.get(cell)
        if current is None:
            self.set(cell, Level(count, change.approximate), change.event_id)
        elif current.strength is None:
            self.set(cell, current, change.event_id)
        else:
            approximate = current.approximate or change.approximate
            self.set(cell, Level(current.strength + count, approximate), change.event_id)

    def _take(self, cell: Cell, count: int | None, change: Change) -> None:
        if count is None:  # everything in scope leaves: what was there, if anything
            held = [c for c in [cell, *self._covered(cell)] if c in self.cells]
            for other in held or ([cell] if self._overlapping(cell) == [] else []):
                self.set(other, Level(0), change.event_id)
            return
        sources = [c for c in [cell, *self._overlapping(cell)] if c in self.cells]
        if not sources or any(self.cells[c].strength is None for c in sources):
            # Strength unknown on that date: record the change, keep the level unknown.
            self.set(cell, Level(None), change.event_id)
            return
        available = sum(self.cells[c].strength or 0 for c in sources)
        if count > available and not self.strict:
            for source in sources:
                self.set(source, Level(None), change.event_id)
            return
        if count > available:
            raise InsufficientStrengthError(
                self.contributor, change.effective, available, count, scope(*cell)
            )
        left = count
        for source in sources:
            level = self.cells[source]
            taken = min(left, level.strength or 0)
            if taken or source == cell:
                remaining = Level((level.strength or 0) - taken, level.approximate)
                self.set(source, remaining, change.event_id)
            left -= taken

    def _covered(self, cell: Cell) -> list[Cell]:
        """Other cells present whose personnel are all in ``cell``'s scope. None when ``cell``
        names both a location and a personnel type: no cell is more specific (the scan of
        every cell was a fifth of checking a change: issue 19)."""
        if cell[0] is not None and cell[1] is not None:
            return []
        return [c for c in self.cells if c != cell and covers(cell, c)]

    def _overlapping(self, cell: Cell, pools: list[Cell] | None = None) -> list[Cell]:
        """Other cells that may hold personnel of ``cell``'s scope: the less specific pools
        first, then the rest in name order. When ``cell`` names both a location and a
        personnel type, every cell that overlaps it covers it, so is one of its pools."""
        if pools is None:
            pools = self._pools(cell)
        if cell[0] is not None and cell[1] is not None:
            return list(pools)
        rest = sorted(
            (c for c in self.cells if c != cell and c not in pools and overlaps(cell, c)),
            key=lambda c: (c[0] or "", c[1] or ""),
        )
        return pools + rest


def fold(
    contributor: str,
    changes: Iterable[Change],
    *,
    new: Change | None = None,
    strict: bool = True,
) -> list[Interval]:
    """Apply ``changes`` in valid-time order and return every cell's levels as intervals.

    Raises:
        InsufficientStrengthError: a withdrawal or move takes more than there was; when the
            offending change is not ``new`` itself, the message says it happens later.
    """
    ordered = sorted([*changes, *([new] if new else [])], key=lambda c: c.sort_key)
    state = State(contributor, strict=strict, covered=covered_days(ordered))
    open_rows: dict[Cell, tuple[date, Level, str]] = {}
    rows: list[Interval] = []
    for index, change in enumerate(ordered):
        try:
            state.apply(change)
        except InsufficientStrengthError as error:
            if new is not None and change is not new:
                raise error.happening_later() from None
            raise
        is_last_of_day = (
            index + 1 == len(ordered) or ordered[index + 1].effective != change.effective
        )
        if is_last_of_day:
            close_day(state, open_rows, rows, change.effective)
    for cell, (start, level, event_id) in open_rows.items():
        rows.append(interval(cell, start, None, level, event_id))
    return sorted(rows, key=lambda r: (r.valid_from, r.location or "", r.personnel_type or ""))


def interval(cell: Cell, start: date, end: date | None, level: Level, event_id: str) -> Interval:
    return Interval(cell[0], cell[1], start, end, level.strength, level.approximate, event_id)


def close_day(
    state: State,
    open_rows: dict[Cell, tuple[date, Level, str]],
    rows: list[Interval],
    on: date,
) -> None:
    touched: Iterable[Cell] | None = state.touched
    if touched is None:  # not kept: every cell
        touched = set(open_rows) | set(state.cells)
    else:
        state.touched = {}
    for cell in touched:  # the others are as their open rows say
        level = state.cells.get(cell, Level(0))
        current = open_rows.get(cell)
        if current is not None and current[1] == level and current[2] == state.last_event.get(cell):
            continue  # untouched today (a new report of the same level starts a new row)
        if current is not None and current[0] < on:
            rows.append(interval(cell, current[0], on, current[1], current[2]))
        if cell in state.cells:
            open_rows[cell] = (on, level, state.last_event[cell])
        elif current is not None:  # replaced by a less specific figure: its row ends, no 0
            del open_rows[cell]  # is claimed for it
