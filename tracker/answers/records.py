"""The records answers are made of: what a command wrote, strength on a date, a mandate
against strength, where a projection stands. Plain frozen dataclasses, so any face (table,
CSV, JSON, the web view) can render them."""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, overload

if TYPE_CHECKING:  # in annotations only: the records load without the views (issue 19)
    from datetime import date

    from projections.mandates import MandateInForce
    from projections.strength_queries import Dimension, ReportedTotal, ReportSource, StrengthRow
    from tracker.answers.estimate import Method
    from tracker.answers.gaps import ReportGap


@dataclass(frozen=True)
class Recorded:
    """What a command wrote: the new event's id and kind."""

    event_id: str
    kind: str


class EventIds(Sequence[str]):
    """Event ids ("MINUSMA/BEN/4") in the order written, held as their streams and versions:
    a million ids in about 12 bytes each rather than 70 (issue 19: import memory)."""

    def __init__(self, ids: Sequence[str] = ()) -> None:
        self._names: list[str] = []  # each stream's id prefix, once
        self._numbers: dict[str, int] = {}
        self._streams = array("I")
        self._versions = array("Q")
        for event_id in ids:
            self.append(event_id)

    def append(self, event_id: str) -> None:
        stream, _, version = event_id.rpartition("/")
        number = self._numbers.get(stream)
        if number is None:
            number = self._numbers[stream] = len(self._names)
            self._names.append(stream)
        self._streams.append(number)
        self._versions.append(int(version))

    def __len__(self) -> int:
        return len(self._versions)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return f"{self._names[self._streams[index]]}/{self._versions[index]}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable, like a list

    def __repr__(self) -> str:
        return f"EventIds({list(self)!r})"


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote: how many events, of which kinds, and their ids; and how many of
    its events the store held already (identical ones: skipped)."""

    count: int
    kinds: dict[str, int]
    event_ids: Sequence[str] = field(repr=False)
    skipped: int = 0


CATEGORY_TYPES: dict[str, tuple[str, ...]] = {
    "military": ("troops", "staff_officers", "military_experts"),
    "police": ("individual_police", "formed_police_units"),
}


@dataclass(frozen=True)
class CeilingCheck:
    """One authorised ceiling against strength: ``actual`` from the contributors' figures by
    personnel type (None: some part unknown), ``reported`` from the whole-mission figure in
    force for the same category (None: none reported)."""

    category: str
    ceiling: int
    actual: int | None
    reported: int | None

    @property
    def share(self) -> float | None:
        return None if self.actual is None or not self.ceiling else self.actual / self.ceiling


@dataclass(frozen=True)
class MandateAnswer:
    """The mandate in force on ``on`` and its ceilings against strength. ``unspecified``:
    personnel whose type the sources do not give, so in no category. ``lapsed``: the last
    mandate begun before ``on`` when none is in force that day (it ended, or its period ran
    out with no renewal recorded)."""

    mission: str
    on: date
    mandate: MandateInForce | None
    checks: list[CeilingCheck]
    unspecified: int
    reported_total: ReportedTotal | None
    lapsed: MandateInForce | None = None

    @property
    def lapsed_on(self) -> date | None:
        """The last day of the lapsed mandate."""
        if self.lapsed is None:
            return None
        return self.lapsed.ended_on or self.lapsed.until


@dataclass(frozen=True)
class ProjectionStatus:
    """Where one projection stands against the log."""

    name: str
    version: int
    path: str
    position: int
    head: int
    behind: int
    built_in: bool


@dataclass(frozen=True)
class StrengthAnswer:
    """Strength of a mission on a date, grouped by ``by``. ``total`` is the sum of the known
    figures; ``unknown`` lists the contributors present whose figure is unknown (not in it);
    ``contributors`` counts the contributors present that day (not at 0);
    ``reported_total`` is the latest whole-mission figure reported on or before that day."""

    mission: str
    on: date
    by: tuple[Dimension, ...]
    rows: list[StrengthRow]
    total: int
    unknown: list[str]
    approximate: bool
    contributors: int
    reported_total: ReportedTotal | None = None
    known_at: date | None = None
    recorded_at: str | None = None
    position: int = 0  # the log position the answer reflects
    version: int = 0  # of the strength projection that gave it
    # The record around ``on``: the mission's latest report of record (the UN's month end) on
    # or before it that lists the mission; the months since it, to ``on``, with no UN report
    # at all (``gap``: "2015-03", "2018-03..2019-08") and those whose report did not list the
    # mission (``not_listed``), None when there are none: the answer rests on the figures of
    # ``un_report`` until the next; ``closed``: the day the mission closed, and the
    # closure's event id, when that was before ``on``.
    un_report: date | None = None
    report: ReportSource | None = None  # the source of ``un_report``: title, file and pages
    gap: str | None = None
    not_listed: str | None = None
    # asked as known at a date: the months since ``un_report`` whose report the store holds
    # but the UN had not yet published then (their figures were not yet known)
    unpublished: str | None = None
    # the contributors missing from ``un_report``: near 0 in it, back in the next report
    missing: tuple[ReportGap, ...] = ()
    # the last month of the store's record (its latest UN report of any mission), when the
    # date lies after it: the UN's later reports are not in the store (not a gap)
    record_ends: str | None = None
    closed: tuple[date, str] | None = None
    # The method that placed the rows (``--estimate``: ``EstimatedRow`` rows); None: the
    # places are the sources' own.
    method: Method | None = None

    @property
    def figure_of(self) -> date | None:
        """The oldest figure the total rests on (all at 0: the day the last went to 0)."""
        return min((r.since for r in self.rows if r.strength != 0), default=None) or max(
            (r.since for r in self.rows), default=None
        )


@dataclass(frozen=True)
class MissionSummary:
    """One mission in the store: its name and host country (``hosts``: all of them, where it
    has several), the days it was established and closed, the missions it took over from and
    handed over to, how many contributors its record names, and its first and last report of
    record (the UN's month-end reports) and how many there are."""

    mission: str
    name: str | None
    host: str | None
    established: date | None
    closed: date | None
    contributors: int
    first_report: date | None
    last_report: date | None
    reports: int
    hosts: list[str] = field(default_factory=list)
    predecessor: str | None = None
    successor: str | None = None
