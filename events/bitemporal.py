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

from events.timeline import Cell, Change, Interval, Level, Month, State, close_day, interval

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


@dataclass(frozen=True)
class BiInterval:
    """An interval row with the knowledge and recorded ranges in which it holds (``_to``
    exclusive; None: still)."""

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


CHECKPOINT_EVERY = 64  # changes between two saved fold states (tests set it lower)


@dataclass
class _Folder:
    """A fold that can go on: closed rows so far, open rows at the end of the last day, and
    the state saved every ``CHECKPOINT_EVERY`` changes (at the end of a day), so that a
    back-dated change or a supersession is refolded from the last saved state before it,
    not from the start."""

    contributor: str
    # months with an authoritative change among the active ones, shared with the states
    covered: set[Month] = field(default_factory=set)
    state: State = field(init=False)
    open_rows: dict[Cell, tuple[date, Level, str]] = field(default_factory=dict)
    closed: list[Interval] = field(default_factory=list)
    last: tuple[date, int] | None = None
    applied: int = 0  # changes of the active list applied so far
    # (changes applied, their last day, state, open rows, closed rows) after a day's close
    saved: list[tuple[int, date, State, dict[Cell, tuple[date, Level, str]], int]] = field(
        default_factory=list
    )

    def __post_init__(self) -> None:
        self.state = State(self.contributor, strict=False, covered=self.covered)

    def extend(self, changes: list[Change]) -> None:
        """Apply changes (sorted, all on days after the last one), closing each day."""
        since = self.saved[-1][0] if self.saved else 0
        for index, change in enumerate(changes):
            self.state.apply(change)
            self.applied += 1
            last_of_day = (
                index + 1 == len(changes) or changes[index + 1].effective != change.effective
            )
            if last_of_day:
                close_day(self.state, self.open_rows, self.closed, change.effective)
                if self.applied - since >= CHECKPOINT_EVERY:
                    self.saved.append(
                        (
                            self.applied,
                            change.effective,
                            self.state.copy(),
                            dict(self.open_rows),
                            len(self.closed),
                        )
                    )
                    since = self.applied
            self.last = change.sort_key

    def rewind(self, before: date) -> int:
        """Go back to the last saved state whose days all come before ``before``; return how
        many changes of the active list it had applied (0: the start)."""
        while self.saved and self.saved[-1][1] >= before:
            self.saved.pop()
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
        return self.applied

    def open(self) -> list[Row]:
        return [
            row_of(interval(cell, start, None, level, event_id))
            for cell, (start, level, event_id) in self.open_rows.items()
        ]


def sweep(
    contributor: str, items: Iterable[tuple[Change, Known]], t: str
) -> dict[Row, list[tuple[date, date | None]]]:
    """For recorded time ``t``: every row and the knowledge ranges in which it holds.

    Knowledge points in order; at each, the changes that start or stop counting there. The
    usual new knowledge is later in valid time than all before it: the fold goes on. A
    back-dated change or a supersession rewinds the fold to the last saved state before it."""
    starts: dict[date, list[Change]] = {}
    stops: dict[date, list[Change]] = {}
    for change, known in items:
        if known.recorded > t:
            continue
        stop = min((sk for sk, st in known.superseded_at if st <= t), default=None)
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
    authorities: Counter[Month] = Counter()  # active changes per month: authoritative ones
    claims: Counter[Month] = Counter()  # and the others
    for k in sorted(starts.keys() | stops.keys()):
        new = sorted(starts.get(k, ()), key=lambda c: c.sort_key)
        gone_changes = stops.get(k, ())
        for change, delta in [*((c, 1) for c in new), *((c, -1) for c in gone_changes)]:
            (authorities if change.authoritative else claims)[change.month] += delta
        covered = {month for month, n in authorities.items() if n > 0}
        # months whose claims start or stop counting (a cover without claims changes nothing)
        flipped = {month for month in covered ^ folder.covered if claims[month] > 0}
        folder.covered.clear()
        folder.covered.update(covered)
        for change in gone_changes:
            at = bisect_left(keys, change.sort_key)
            while active[at] is not change:
                at += 1
            del active[at], keys[at]
        for change in new:
            at = bisect_right(keys, change.sort_key)
            active.insert(at, change)
            keys.insert(at, change.sort_key)
        earliest = min(c.effective for c in [*new, *gone_changes])
        # A month that starts or stops being covered changes whether its claims count: the
        # fold goes back to that month's start.
        earliest = min([earliest, *(date(y, m, 1) for y, m in flipped)])
        last_day = folder.last[0] if folder.last else None
        closed_before, open_before = len(folder.closed), folder.open()
        if not gone_changes and not flipped and (last_day is None or earliest > last_day):
            folder.extend(new)  # appends: all after the last day folded
            old_tail: list[Row] = open_before
        else:
            old_closed = folder.closed[:]
            applied = folder.rewind(earliest)
            closed_before = len(folder.closed)
            old_tail = [row_of(i) for i in old_closed[closed_before:]] + open_before
            folder.extend(active[applied:])
        new_tail = [row_of(i) for i in folder.closed[closed_before:]] + folder.open()
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
