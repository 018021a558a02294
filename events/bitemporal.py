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

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from events.timeline import Cell, Change, Interval, Level, State, close_day, interval

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


def _row(i: Interval) -> Row:
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


@dataclass
class _Folder:
    """A fold that can go on: closed rows so far, open rows at the end of the last day."""

    contributor: str
    state: State = field(init=False)
    open_rows: dict[Cell, tuple[date, Level, str]] = field(default_factory=dict)
    closed: list[Interval] = field(default_factory=list)
    last: tuple[date, int] | None = None

    def __post_init__(self) -> None:
        self.state = State(self.contributor, strict=False)

    def extend(self, changes: list[Change]) -> None:
        """Apply changes (sorted, all on days after the last one), closing each day."""
        for index, change in enumerate(changes):
            self.state.apply(change)
            last_of_day = (
                index + 1 == len(changes) or changes[index + 1].effective != change.effective
            )
            if last_of_day:
                close_day(self.state, self.open_rows, self.closed, change.effective)
            self.last = change.sort_key

    def open(self) -> list[Row]:
        return [
            _row(interval(cell, start, None, level, event_id))
            for cell, (start, level, event_id) in self.open_rows.items()
        ]


def _sweep(
    contributor: str, items: list[tuple[Change, Known]], t: str
) -> dict[Row, list[tuple[date, date | None]]]:
    """For recorded time ``t``: every row and the knowledge ranges in which it holds."""
    recorded = [(c, k) for c, k in items if k.recorded <= t]
    points = sorted(
        {k.known for _, k in recorded}
        | {sk for _, k in recorded for sk, st in k.superseded_at if st <= t}
    )
    present: dict[Row, date] = {}
    ranges: dict[Row, list[tuple[date, date | None]]] = {}
    folder = _Folder(contributor)
    active: set[str] = set()
    for k in points:
        now = sorted((c for c, kn in recorded if kn.counts(k, t)), key=lambda c: c.sort_key)
        ids = {c.event_id for c in now}
        new = [c for c in now if c.event_id not in active]
        appends = active <= ids and all(
            folder.last is None or (c.effective > folder.last[0]) for c in new
        )
        if appends and not new:
            continue
        if appends:
            closed_before, open_before = len(folder.closed), folder.open()
            folder.extend(new)
            added = [_row(i) for i in folder.closed[closed_before:]]
            open_now = folder.open()
            gone = [r for r in open_before if r not in open_now]
            added += [r for r in open_now if r not in open_before]
        else:  # a back-dated fact or a supersession: this state from scratch
            folder = _Folder(contributor)
            folder.extend(now)
            rows = {_row(i) for i in folder.closed} | set(folder.open())
            gone = [r for r in present if r not in rows]
            added = [r for r in rows if r not in present]
        for r in gone:
            ranges.setdefault(r, []).append((present.pop(r), k))
        for r in added:
            present[r] = k
        active = ids
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
        current = {
            (r, a, b) for r, spans in _sweep(contributor, items, t).items() for a, b in spans
        }
        for key in [key for key in opened if key not in current]:
            out.append(BiInterval(_interval(key[0]), key[1], key[2], opened.pop(key), t))
        for key in current:
            opened.setdefault(key, t)
    out += [
        BiInterval(_interval(key[0]), key[1], key[2], t_from, None)
        for key, t_from in opened.items()
    ]
    return out
