"""Turning checked UN monthly rows into events, against what the store already holds."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from events.contingent import Contingent
from events.errors import InvalidInputError
from events.mission import Mission
from tracker.importers import un_monthly

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    Record = Callable[[Contingent | Mission, Any, dict[str, Any]], None]


class UnitOfWork(Protocol):
    """What the import needs of the unit of work it records into (``tracker.app``'s)."""

    now: datetime

    def open_mission(self, acronym: str) -> Mission: ...

    def contingent(self, mission: str, contributor: str) -> Contingent: ...


TITLE = "UN: Contribution of Uniformed Personnel to UN by Mission, Country and Personnel Type"


@dataclass
class UNMonthlyImport:
    """What an import of UN monthly figures did: events written by kind, months written and
    months already in the store, what was normalised, and the aggregate checks."""

    name: str
    events: dict[str, int] = field(default_factory=dict)
    months_written: int = 0
    months_already_there: int = 0
    missions: int = 0
    rows: int = 0
    unknown_rows: int = 0
    inferred_zeros: int = 0
    encoding: str = "utf-8"
    apostrophes: int = 0
    repeats: int = 0
    leap_february_28: int = 0
    aggregates_checked: int = 0
    mismatches: list[un_monthly.Check] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(self.events.values())

    def lines(self, limit: int | None = None) -> list[str]:
        """The report an analyst reads after the import (at most ``limit`` mismatches)."""
        out = [
            f"Imported {self.count} events from {self.name}: {self.rows} contribution rows "
            f"({self.unknown_rows} with unpublished figures: unknown), {self.missions} missions",
            f"Mission-months: {self.months_written} written, "
            f"{self.months_already_there} already in the store",
        ]
        if self.count == 0:
            out.append("Nothing new: every month of this file is already in the store")
        out.append(
            f"Inferred departures (listed one month, not the next): {self.inferred_zeros} "
            "levels of 0"
        )
        if self.encoding != "utf-8":
            out.append(f"Read as {self.encoding} (not UTF-8)")
        if self.apostrophes or self.repeats:
            out.append(
                f"Normalised: {self.apostrophes} trailing apostrophes removed, "
                f"{self.repeats} repeated rows skipped"
            )
        if self.leap_february_28:
            out.append(
                f"{self.leap_february_28} rows dated 28 February of a leap year, the source's "
                "date for that month's report: kept as published"
            )
        out.append(
            f"Aggregate rows checked: {self.aggregates_checked}, mismatches: {len(self.mismatches)}"
        )
        shown = self.mismatches[:limit] if limit is not None else self.mismatches
        out += [f"  {m.describe()}" for m in shown]
        if len(shown) < len(self.mismatches):
            out.append(f"  ... and {len(self.mismatches) - len(shown)} more of the same kind")
        return out


def _source(url: str | None, day: date, quote: str) -> dict[str, Any]:
    """Month-end figures are published in the weeks after: the following month, to the month
    (the day is not in the data)."""
    published = (day + timedelta(days=1)).isoformat()[:7]
    return {"title": TITLE, "url": url, "published_on": published, "quote": quote}


def _reported_types(contingent: Contingent, day: str) -> dict[str | None, int | None]:
    """The levels a contingent's contributor-wide reports set on ``day``, by personnel type."""
    return {
        c.personnel_type: c.count
        for c in contingent.changes_on(date.fromisoformat(day))
        if c.kind == "report" and c.location is None
    }


def import_rows(
    batch: UnitOfWork, parsed: un_monthly.Parsed, name: str, url: str | None
) -> UNMonthlyImport:
    """Record the events of ``parsed`` in ``batch`` (saving is the caller's).

    Raises:
        InvalidInputError: a month already in the store with other figures.
    """
    result = UNMonthlyImport(
        name,
        encoding=parsed.encoding,
        apostrophes=parsed.apostrophes,
        repeats=parsed.repeats,
        leap_february_28=parsed.leap_february_28,
        rows=len(parsed.rows),
        unknown_rows=sum(1 for r in parsed.rows if r.unknown),
    )
    result.aggregates_checked, result.mismatches = un_monthly.check_aggregates(parsed)
    months: dict[str, dict[date, list[un_monthly.Row]]] = defaultdict(lambda: defaultdict(list))
    for row in parsed.rows:
        months[row.mission][row.date].append(row)
    result.missions = len(months)
    counts: dict[str, int] = defaultdict(int)

    def record(aggregate: Contingent | Mission, event_class: Any, fields: dict[str, Any]) -> None:
        aggregate.record(event_class, {**fields, "timestamp": batch.now})
        counts[event_class.__name__] += 1

    for acronym in sorted(months):
        mission = batch.open_mission(acronym)
        new_days: set[str] = set()
        for day in sorted(months[acronym]):
            rows = sorted(months[acronym][day], key=lambda r: r.contributor)
            key = day.isoformat()
            if key in mission.reports:
                _check_same(batch, mission, day, rows, name)
                result.months_already_there += 1
                continue
            new_days.add(key)
            result.months_written += 1
            _record_month(batch, mission, day, rows, name, url, record)
        result.inferred_zeros += _infer_departures(batch, mission, new_days, url, record)
    result.events = dict(counts)
    return result


def _record_month(
    batch: UnitOfWork,
    mission: Mission,
    day: date,
    rows: list[un_monthly.Row],
    name: str,
    url: str | None,
    record: Record,
) -> None:
    key = day.isoformat()
    lines = f"{name}, lines {rows[0].line}-{rows[-1].line}: {mission.acronym} on {key}"
    listed = {"valid": key, "contributors": [r.contributor for r in rows]}
    record(mission, Mission.ContributorsReported, {**listed, "source": _source(url, day, lines)})
    for row in rows:
        contingent = batch.contingent(mission.acronym, row.contributor)
        quote = f"{name}, line {row.line}: {row.name}, {mission.acronym}, {key}"
        source = _source(url, day, quote)
        if row.unknown:
            unknown: dict[str, Any] = {
                "valid": key,
                "strength": None,
                "authoritative": True,
                "source": source,
            }
            record(contingent, Contingent.StrengthReported, unknown)
        for personnel_type, figure in row.figures.items():
            fields: dict[str, Any] = {
                "valid": key,
                "strength": figure.total,
                "personnel_type": personnel_type,
                "male": figure.male,
                "female": figure.female,
                "authoritative": True,
                "source": source,
            }
            record(contingent, Contingent.StrengthReported, fields)


def _infer_departures(
    batch: UnitOfWork, mission: Mission, new_days: set[str], url: str | None, record: Record
) -> int:
    """A contributor (or a personnel type of one) listed in one report and not in the next has
    left: record a level of 0 on the later date, marked inferred. Only pairs of consecutive
    reports of which one is new in this import (the others were done before)."""
    inferred = 0
    for earlier, later in itertools.pairwise(sorted(mission.reports)):
        if earlier not in new_days and later not in new_days:
            continue
        present = set(mission.reports[later])
        for code in mission.reports[earlier]:
            contingent = batch.contingent(mission.acronym, code)
            gone: list[str | None] = [None]
            if code in present:
                before = _reported_types(contingent, earlier)
                after = _reported_types(contingent, later)
                if after.get(None, 0) is None:
                    continue  # listed, figures not published: unknown, never 0 (issue 15)
                gone = [t for t, n in before.items() if t is not None and n and t not in after]
            for personnel_type in gone:
                what = f"no {personnel_type.replace('_', ' ')}" if personnel_type else "not listed"
                quote = (
                    f"{code} listed in the {mission.acronym} report of {earlier}, "
                    f"{what} in that of {later}"
                )
                fields = {
                    "valid": later,
                    "strength": 0,
                    "personnel_type": personnel_type,
                    "inferred": True,
                    "authoritative": True,
                    "source": _source(url, date.fromisoformat(later), quote),
                }
                record(contingent, Contingent.StrengthReported, fields)
                inferred += 1
    return inferred


def _check_same(
    batch: UnitOfWork, mission: Mission, day: date, rows: list[un_monthly.Row], name: str
) -> None:
    """A month already in the store must come again with the same contributors and figures."""
    key = day.isoformat()
    stored = set(mission.reports[key])
    for row in rows:
        if row.contributor not in stored:
            raise InvalidInputError(
                f"{name}:{row.line}: {mission.acronym} {key} is already in the store without "
                f"{row.contributor} - a revised month is a correction, not a re-import"
            )
        have = _reported_types(batch.contingent(mission.acronym, row.contributor), key)
        expected: dict[str | None, int | None] = (
            {None: None} if row.unknown else {t: f.total for t, f in row.figures.items()}
        )
        if {t: n for t, n in have.items() if n != 0} != expected:
            raise InvalidInputError(
                f"{name}:{row.line}: {mission.acronym} {key} {row.contributor} is already in "
                f"the store with other figures - a revised month is a correction, not a re-import"
            )
    if len(stored) != len(rows):
        missing = ", ".join(sorted(stored - {r.contributor for r in rows}))
        raise InvalidInputError(
            f"{name}:{rows[0].line}: {mission.acronym} {key} is already in the store with "
            f"{missing} too - a revised month is a correction, not a re-import"
        )
