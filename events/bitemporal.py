"""Strength on three time axes: valid time (when), knowledge time (what had been published by
then) and recorded time (what this store said then).

For one contingent, ``bitemporal`` folds the changes in force in every (knowledge, recorded)
state and returns interval rows, each with the rectangle of knowledge and recorded times in which
it holds. "Strength on D as known at K, recorded by T" is then one indexed lookup of the rows
whose three ranges contain (D, K, T): no replay at query time. A state of partial knowledge may
contradict itself (a withdrawal published before the deployment it drew on): there the level
becomes unknown rather than negative or refused.

A change counts in a state when its source was published by K (``known``: the last day of the
publication's period) and it was recorded by T, and nothing that supersedes it (a correction or
retraction) counts there too. Most new knowledge is later in valid time than what was known
before (a month's figures come out the month after), so the fold goes on incrementally from
state to state; a back-dated fact or a supersession refolds that state from scratch.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import NamedTuple

from events.timeline import Cell, Change, Interval, Level, State, close_day

Row = tuple[str | None, str | None, date, date | None, int | None, bool, str]


@dataclass(frozen=True)
class Known:
    """When a change counts: published by ``known``, recorded at ``recorded`` (ISO datetime),
    until one of ``superseded_at`` ((known, recorded) of what corrected or retracted it)."""

    known: date
    recorded: str
    superseded_at: tuple[tuple[date, str], ...] = ()

    def counts(self, k: date, t: str) -> bool:
        return (
            self.known <= k
            and self.recorded <= t
            and not any(sk <= k and st <= t for sk, st in self.superseded_at)
        )


class BiInterval(NamedTuple):
    """An interval row with the knowledge and recorded ranges in which it holds (``_to``
    exclusive; None: still). A tuple, made for every row (issue 19)."""

    interval: Interval
    known_from: date
    known_to: date | None
    recorded_from: str
    recorded_to: str | None


def row_of(i: Interval) -> Row:
    """An interval as the tuple rows are compared by."""
    return (
        i.location,
        i.personnel_type,
        i.valid_from,
        i.valid_to,
        i.strength,
        i.approximate,
        i.event_id,
    )


def _interval(row: Row) -> Interval:
    return Interval(*row)


CHECKPOINT_EVERY = 8  # changes between two saved fold states (tests set it lower)

Saved = tuple[int, date, State, dict[Cell, tuple[date, Level, str]], int]


@dataclass
class _Before:
    """What a fold held before it was rewound: the saved states it dropped (``saved``), the
    closed rows it dropped (``closed``, from index ``base``), its end (``state``,
    ``open_rows``, ``last``, ``applied``); ``shift``: how many more changes the active list
    has now; ``after``: the last day the changes that arrived (or left) can affect."""

    saved: list[Saved]
    closed: list[Interval]
    base: int
    state: State
    open_rows: dict[Cell, tuple[date, Level, str]]
    last: tuple[date, int] | None
    applied: int
    shift: int
    after: date


@dataclass
class _Folder:
    """A fold that can go on: closed rows so far, open rows at the end of the last day, and
    the state saved every ``CHECKPOINT_EVERY`` changes (at the end of a day), so that a
    back-dated change or a supersession is refolded from the last saved state before it,
    not from the start, and only until the fold is in a state it was in before."""

    contributor: str
    # days with an authoritative change among the active ones, shared with the states
    covered: set[date] = field(default_factory=set)
    state: State = field(init=False)
    open_rows: dict[Cell, tuple[date, Level, str]] = field(default_factory=dict)
    closed: list[Interval] = field(default_factory=list)
    last: tuple[date, int] | None = None
    applied: int = 0  # changes of the active list applied so far
    # (changes applied, their last day, state, open rows, closed rows) after a day's close
    saved: list[Saved] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.state = State(self.contributor, strict=False, covered=self.covered)

    def extend(
        self, changes: list[Change], start: int = 0, before: _Before | None = None
    ) -> tuple[int, int] | None:
        """Apply ``changes[start:]`` (sorted, all on days after the last one), closing each
        day. After a rewind (``before``): at the end of a day past ``before.after`` on which
        the fold before had saved the very same state and open rows, the rest would be
        folded as it was (the same changes from the same state), so it is taken over
        instead. Returns the number of closed rows before what was taken over, now and
        before (None: folded to the end)."""
        since = self.saved[-1][0] if self.saved else 0
        dropped = before.saved if before is not None else []
        candidate = 0
        for index in range(start, len(changes)):
            change = changes[index]
            self.state.apply(change)
            self.applied += 1
            day = change.effective
            if index + 1 < len(changes) and changes[index + 1].effective == day:
                continue
            close_day(self.state, self.open_rows, self.closed, day)
            self.last = change.sort_key
            if before is not None and day > before.after:
                while candidate < len(dropped) and dropped[candidate][1] < day:
                    candidate += 1
                if (
                    candidate < len(dropped)
                    and dropped[candidate][1] == day
                    and self._same(dropped[candidate], before.shift)
                ):
                    return self._take_over(before, candidate)
            if self.applied - since >= CHECKPOINT_EVERY:
                self.saved.append(
                    (self.applied, day, self.state.copy(), dict(self.open_rows), len(self.closed))
                )
                since = self.applied
        return None

    def _same(self, saved: Saved, shift: int) -> bool:
        applied, _, state, open_rows, _ = saved
        return (
            applied + shift == self.applied
            and state.cells == self.state.cells
            and state.last_event == self.state.last_event
            and open_rows == self.open_rows
        )

    def _take_over(self, before: _Before, at: int) -> tuple[int, int]:
        """Go on as the fold before did from its saved state ``before.saved[at]``."""
        kept = len(self.closed)
        old_kept = before.saved[at][4]
        self.closed.extend(before.closed[old_kept - before.base :])
        for applied, day, state, open_rows, closed in before.saved[at:]:
            self.saved.append(
                (applied + before.shift, day, state, open_rows, closed - old_kept + kept)
            )
        self.state, self.open_rows, self.last = before.state, before.open_rows, before.last
        self.applied = before.applied + before.shift
        return kept, old_kept

    def rewind(self, to: date, after: date, shift: int) -> _Before:
        """Go back to the last saved state whose days all come before ``to``; return what the
        fold held before (``after``, ``shift``: see ``_Before``)."""
        dropped: list[Saved] = []
        while self.saved and self.saved[-1][1] >= to:
            dropped.append(self.saved.pop())
        dropped.reverse()
        base = self.saved[-1][4] if self.saved else 0
        before = _Before(
            dropped,
            self.closed[base:],
            base,
            self.state,
            self.open_rows,
            self.last,
            self.applied,
            shift,
            after,
        )
        if self.saved:
            applied, day, state, open_rows, closed = self.saved[-1]
            self.state, self.open_rows = state.copy(), dict(open_rows)
            del self.closed[closed:]
            self.applied, self.last = applied, (day, 10**18)  # after every change of that day
        else:
            self.state = State(self.contributor, strict=False, covered=self.covered)
            self.open_rows = {}
            self.closed.clear()
            self.applied, self.last = 0, None
        return before


_SORT_KEY = attrgetter("effective", "order")  # Change.sort_key, without a property's call


def _open_row(cell: Cell, held: tuple[date, Level, str]) -> Row:
    start, level, event_id = held
    return (cell[0], cell[1], start, None, level.strength, level.approximate, event_id)


def sweep(
    contributor: str, items: Iterable[tuple[Change, Known]], t: str
) -> dict[Row, list[tuple[date, date | None]]]:
    """For recorded time ``t``: every row and the knowledge ranges in which it holds.

    Knowledge points in order; at each, the changes that start or stop counting there. The
    usual new knowledge is later in valid time than all before it: the fold goes on. A
    back-dated change or a supersession rewinds the fold to the last saved state before it,
    and folds again until it is in a state it was in before. Only the rows that differ
    from the knowledge point before are compared: the closed rows folded again and the
    open rows that changed. A history known in valid-time order throughout is one fold
    (``_in_order``)."""
    items = items if isinstance(items, list) else list(items)
    in_order = _in_order(contributor, items, t)
    if in_order is not None:
        return in_order
    starts: dict[date, list[Change]] = {}
    stops: dict[date, list[Change]] = {}
    for change, known in items:
        if known.recorded > t:
            continue
        stop = (
            min((sk for sk, st in known.superseded_at if st <= t), default=None)
            if known.superseded_at
            else None
        )
        if stop is not None and stop <= known.known:
            continue  # superseded before it was known: never counts
        starts.setdefault(known.known, []).append(change)
        if stop is not None:
            stops.setdefault(stop, []).append(change)
    active: list[Change] = []  # sorted by sort_key
    keys: list[tuple[date, int]] = []
    present: dict[Row, date] = {}
    ranges: dict[Row, list[tuple[date, date | None]]] = {}
    folder = _Folder(contributor)
    authorities: Counter[date] = Counter()  # active changes per day: authoritative ones
    claims: Counter[date] = Counter()  # and the others
    for k in sorted(starts.keys() | stops.keys()):
        new = sorted(starts.get(k, ()), key=_SORT_KEY)
        gone_changes = stops.get(k, ())
        for change in new:
            (authorities if change.authoritative else claims)[change.effective] += 1
        for change in gone_changes:
            (authorities if change.authoritative else claims)[change.effective] -= 1
        # days whose claims start or stop counting (a cover without claims changes nothing)
        flipped: set[date] = set()
        for day in {c.effective for c in [*new, *gone_changes] if c.authoritative}:
            if (authorities[day] > 0) != (day in folder.covered):
                if authorities[day] > 0:
                    folder.covered.add(day)
                else:
                    folder.covered.discard(day)
                if claims[day] > 0:
                    flipped.add(day)
        for change in gone_changes:
            at = bisect_left(keys, _SORT_KEY(change))
            while active[at] is not change:
                at += 1
            del active[at], keys[at]
        for change in new:
            at = bisect_right(keys, _SORT_KEY(change))
            active.insert(at, change)
            keys.insert(at, _SORT_KEY(change))
        # A day that starts or stops being covered changes whether its claims count: the
        # fold goes back to that day.
        earliest = min([*(c.effective for c in [*new, *gone_changes]), *flipped])
        last_day = folder.last[0] if folder.last else None
        held = dict(folder.open_rows)
        closed_before = len(folder.closed)
        old_closed: list[Interval] = []
        if not gone_changes and not flipped and (last_day is None or earliest > last_day):
            folder.extend(new)  # appends: all after the last day folded
            new_closed = folder.closed[closed_before:]
        else:
            # what arrived within the days folded (the rest comes after all of them)
            within = [c for c in new if last_day is None or c.effective <= last_day]
            affected = max([*(c.effective for c in [*within, *gone_changes]), *flipped])
            before = folder.rewind(earliest, affected, len(within) - len(gone_changes))
            closed_before = before.base
            taken = folder.extend(active, folder.applied, before)
            if taken is None:
                old_closed, new_closed = before.closed, folder.closed[closed_before:]
            else:  # the same rows as before from there on, then what came after them
                resumed = len(folder.closed)
                folder.extend(active, folder.applied)
                old_closed = before.closed[: taken[1] - before.base]
                new_closed = folder.closed[closed_before : taken[0]] + folder.closed[resumed:]
        now = folder.open_rows
        old_tail = [row_of(i) for i in old_closed] + [
            _open_row(cell, v) for cell, v in held.items() if now.get(cell) != v
        ]
        new_tail = [row_of(i) for i in new_closed] + [
            _open_row(cell, v) for cell, v in now.items() if held.get(cell) != v
        ]
        old_set, new_set = set(old_tail), set(new_tail)
        for r in old_tail:
            if r not in new_set and r in present:
                ranges.setdefault(r, []).append((present.pop(r), k))
        for r in new_tail:
            if r not in old_set and r not in present:
                present[r] = k
    for r, k_from in present.items():
        ranges.setdefault(r, []).append((k_from, None))
    return ranges


def _in_order(
    contributor: str, items: list[tuple[Change, Known]], t: str
) -> dict[Row, list[tuple[date, date | None]]] | None:
    """``sweep`` of a history known in valid-time order (None: it is not): what counts at
    each knowledge point is then a prefix of the changes in valid-time order, so the rows
    known at K are those of one fold of every change, up to the last day known at K. A row
    opened on a day known at K1 and closed on a later day known at K2 holds, open, from K1
    to K2 (if K1 < K2) and, closed, from K2 on. The usual history (a UN report each month,
    known the month after, issue 25) is one fold, not one per knowledge point.

    Such a history: recorded by ``t`` and superseded by nothing recorded by then; each
    change known no earlier than the changes before it in valid time, and the changes of
    one day known together; no day with both a change of the series of record and a
    claim (whose counting would then change as the record becomes known)."""
    active: list[tuple[Change, date]] = []
    for change, times in items:
        if times.recorded > t:
            continue
        if any(st <= t for _, st in times.superseded_at):
            return None
        active.append((change, times.known))
    active.sort(key=lambda item: (item[0].effective, item[0].order))
    record: set[date] = set()
    claims: set[date] = set()
    last: tuple[date, date] | None = None  # (day, known) of the change before
    for change, known in active:
        if last is not None:
            day, before = last
            if known < before or (change.effective == day and known != before):
                return None
        last = (change.effective, known)
        if change.authoritative:
            record.add(change.effective)
        elif change.kind != "close":
            claims.add(change.effective)
    if record & claims:
        return None
    state = State(contributor, strict=False, covered=record)
    open_rows: dict[Cell, tuple[date, Level, str]] = {}
    since: dict[Cell, date] = {}  # the knowledge date from which each open row holds
    closed: list[Interval] = []
    ranges: dict[Row, list[tuple[date, date | None]]] = {}
    for index, (change, known) in enumerate(active):
        state.apply(change)
        day = change.effective
        if index + 1 < len(active) and active[index + 1][0].effective == day:
            continue
        held = dict(open_rows)
        close_day(state, open_rows, closed, day)
        for interval in closed:
            ranges[row_of(interval)] = [(known, None)]
        closed.clear()
        for cell, value in held.items():
            if open_rows.get(cell) != value and since[cell] < known:
                ranges.setdefault(_open_row(cell, value), []).append((since[cell], known))
        for cell, value in open_rows.items():
            if held.get(cell) != value:
                since[cell] = known
    for cell, value in open_rows.items():
        ranges.setdefault(_open_row(cell, value), []).append((since[cell], None))
    return ranges


def bitemporal(contributor: str, items: Iterable[tuple[Change, Known]]) -> list[BiInterval]:
    """Every row of a contingent's strength with its knowledge and recorded ranges."""
    items = list(items)
    times = sorted(
        {k.recorded for _, k in items} | {st for _, k in items for _, st in k.superseded_at}
    )
    opened: dict[tuple[Row, date, date | None], str] = {}
    out: list[BiInterval] = []
    for t in times:
        current = {(r, a, b) for r, spans in sweep(contributor, items, t).items() for a, b in spans}
        for key in [key for key in opened if key not in current]:
            out.append(BiInterval(_interval(key[0]), key[1], key[2], opened.pop(key), t))
        for key in current:
            opened.setdefault(key, t)
    out += [
        BiInterval(_interval(key[0]), key[1], key[2], t_from, None)
        for key, t_from in opened.items()
    ]
    return out
