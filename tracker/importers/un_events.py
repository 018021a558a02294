"""Turning the UN's checked monthly figures (from the CSV form or the PDF reports) into
events, against what the store already holds: one authoritative level per mission x
contributor x personnel type at the month end, the contributors each report lists, and a level
of 0 for a contributor (or a type of one) listed in one report and not in the next."""

from __future__ import annotations

import functools
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from events.contingent import Contingent
from events.errors import InvalidInputError
from events.mission import Mission
from tracker.importers import un_monthly
from tracker.importers.un_coverage import listed_in as listed_in
from tracker.importers.un_coverage import not_listed

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    Record = Callable[[Contingent | Mission, Any, dict[str, Any]], None]


class UnitOfWork(Protocol):
    """What the import needs of the unit of work it records into (``tracker.app``'s)."""

    now: datetime

    def open_mission(self, acronym: str) -> Mission: ...

    def contingent(self, mission: str, contributor: str) -> Contingent: ...

    def missions_known(self) -> list[Mission]:
        """Every mission of the store and of this unit of work."""
        ...


TITLE = "UN: Contribution of Uniformed Personnel to UN by Mission, Country and Personnel Type"
# Until April 2017 the UN counted staff officers inside troops (its own split starts 2017-05).
STAFF_INSIDE_TROOPS_UNTIL = date(2017, 4, 30)
STAFF_NOTE = "troops include staff officers, as the UN counted them until 2017-04"


@dataclass(frozen=True)
class Contribution:
    """One contributor's personnel in one mission at a month end, as a UN report gives it:
    ``figures`` by personnel type (none: listed, figures not published: unknown). ``where``:
    the place in the file for quotes ("line 12", "page 7"); ``at``: for errors
    ("file.csv:12", "file.pdf, page 7")."""

    where: str
    at: str
    date: date
    mission: str
    contributor: str
    name: str
    figures: dict[str, un_monthly.Figure]

    @property
    def unknown(self) -> bool:
        return not self.figures


@dataclass
class Written:
    """What recording a set of UN figures wrote."""

    events: dict[str, int] = field(default_factory=dict)
    months_written: int = 0
    months_already_there: int = 0
    missions: int = 0
    inferred_zeros: int = 0
    not_listed: int = 0  # mission-months a report of the import did not list
    revised: list[str] = field(default_factory=list)  # kept revised: "MINUSMA 2022-11-30 DEU (..)"

    @property
    def count(self) -> int:
        return sum(self.events.values())


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
    not_listed: int = 0
    revised: list[str] = field(default_factory=list)
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
        out += revised_lines(self.revised)
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


def revised_lines(revised: list[str]) -> list[str]:
    """What an import says of the months the store holds revised: kept, named."""
    if not revised:
        return []
    said = f"{len(revised)} contributor-month(s) the store holds corrected or retracted"
    return [f"Kept in force: {said}, which the file gives otherwise: {', '.join(revised)}"]


def _source(url: str | None, day: date, quote: str, title: str = TITLE) -> dict[str, Any]:
    """Month-end figures are published in the weeks after: the following month, to the month
    (the day is not in the data)."""
    published = (day + timedelta(days=1)).isoformat()[:7]
    return {"title": title, "url": url, "published_on": published, "quote": quote}


def _reported_types(contingent: Contingent, day: str) -> dict[str | None, int | None]:
    """The levels a contingent's contributor-wide reports of record in force set on ``day``,
    by personnel type: a claim of that day (the press, a month-precision date) is not the
    UN's figure, and never blocks it (issue 29, 7)."""
    return {
        c.personnel_type: c.count
        for c in contingent.changes_on(date.fromisoformat(day))
        if c.kind == "report" and c.location is None and c.authoritative
    }


def import_rows(
    batch: UnitOfWork,
    parsed: un_monthly.Parsed,
    name: str,
    url: str | None,
    progress: Callable[[int, int], None] | None = None,
    listed: dict[date, set[str]] | None = None,
    scope: set[str] | None = None,
) -> UNMonthlyImport:
    """Record the events of a checked UN CSV file in ``batch`` (saving is the caller's);
    ``progress(rows done, rows)`` as each mission's month is taken; ``listed`` and
    ``scope`` as ``record_contributions`` takes them (by default: the missions of the rows).

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
    rows = [
        Contribution(
            f"line {r.line}",
            f"{name}:{r.line}",
            r.date,
            r.mission,
            r.contributor,
            r.name,
            r.figures,
        )
        for r in parsed.rows
    ]
    if listed is None:
        listed = listed_in(parsed.rows)
    written = record_contributions(batch, rows, name, url, TITLE, progress, listed, scope)
    result.events, result.missions = written.events, written.missions
    result.not_listed = written.not_listed
    result.revised = written.revised
    result.months_written = written.months_written
    result.months_already_there = written.months_already_there
    result.inferred_zeros = written.inferred_zeros
    return result


def record_contributions(
    batch: UnitOfWork,
    rows: list[Contribution],
    name: str,
    url: str | None,
    title: str,
    progress: Callable[[int, int], None] | None = None,
    listed: dict[date, set[str]] | None = None,
    scope: set[str] | None = None,
) -> Written:
    """Record UN figures in ``batch``: per mission and month, the contributors listed and each
    one's levels by type; months already in the store must come again the same (they add
    nothing); departures inferred between consecutive reports of which one is new.
    ``progress(rows done, rows)`` as each mission's month is taken. ``listed``: every
    mission each report lists (the rows may be of some only): a mission of the store (of
    ``scope``, when given) running then and not among them is recorded as not listed in it.

    Raises:
        InvalidInputError: a month already in the store with other figures.
    """
    months: dict[str, dict[date, list[Contribution]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        months[row.mission][row.date].append(row)
    result = Written(missions=len(months))
    counts: dict[str, int] = defaultdict(int)
    done = 0

    def record(aggregate: Contingent | Mission, event_class: Any, fields: dict[str, Any]) -> None:
        aggregate.record(event_class, {**fields, "timestamp": batch.now})
        counts[event_class.__name__] += 1

    for acronym in sorted(months):
        mission = batch.open_mission(acronym)
        new_days: set[str] = set()
        for day in sorted(months[acronym]):
            found = sorted(months[acronym][day], key=lambda r: r.contributor)
            done += len(found)
            if progress is not None:
                progress(done, len(rows))
            key = day.isoformat()
            if key in mission.reports:
                result.revised += _check_same(batch, mission, day, found)
                result.months_already_there += 1
                continue
            new_days.add(key)
            result.months_written += 1
            _record_month(batch, mission, day, found, name, url, title, record)
        result.inferred_zeros += _infer_departures(batch, mission, new_days, url, title, record)
    if listed:
        said = functools.partial(_source, url, title=title)
        result.not_listed = not_listed(
            batch, listed, scope, name, lambda day, quote: said(day, quote), record
        )
    result.events = dict(counts)
    return result


def _record_month(
    batch: UnitOfWork,
    mission: Mission,
    day: date,
    rows: list[Contribution],
    name: str,
    url: str | None,
    title: str,
    record: Record,
) -> None:
    key = day.isoformat()
    listed = {"valid": key, "contributors": [r.contributor for r in rows]}
    quote = f"{name}, {_span(rows)}: {mission.acronym} on {key}"
    source = _source(url, day, quote, title)
    record(mission, Mission.ContributorsReported, {**listed, "source": source})
    note = f" ({STAFF_NOTE})" if day <= STAFF_INSIDE_TROOPS_UNTIL else ""
    for row in rows:
        contingent = batch.contingent(mission.acronym, row.contributor)
        said = f"{name}, {row.where}: {row.name}, {mission.acronym}, {key}"
        if row.unknown:
            unknown: dict[str, Any] = {
                "valid": key,
                "strength": None,
                "authoritative": True,
                "source": _source(url, day, f"{said}: listed, figures not published", title),
            }
            record(contingent, Contingent.StrengthReported, unknown)
        for personnel_type, figure in row.figures.items():
            extra = note if personnel_type == "troops" else ""
            fields: dict[str, Any] = {
                "valid": key,
                "strength": figure.total,
                "personnel_type": personnel_type,
                "male": figure.male,
                "female": figure.female,
                "authoritative": True,
                "source": _source(url, day, f"{said}{extra}", title),
            }
            record(contingent, Contingent.StrengthReported, fields)


def _span(rows: list[Contribution]) -> str:
    """Where a month's rows are: "line 12", "lines 12-40", "pages 7-9"."""
    kind = rows[0].where.split(" ", 1)[0]
    numbers = sorted({int(r.where.rsplit(" ", 1)[1]) for r in rows})
    if len(numbers) == 1:
        return f"{kind} {numbers[0]}"
    return f"{kind}s {numbers[0]}-{numbers[-1]}"


def _infer_departures(
    batch: UnitOfWork,
    mission: Mission,
    new_days: set[str],
    url: str | None,
    title: str,
    record: Record,
) -> int:
    """A contributor (or a personnel type of one) listed in one report and not in the next has
    left: record a level of 0 on the later date, marked inferred. Only pairs of consecutive
    reports of which one is new in this import (the others were done before). A contributor
    listed with unpublished figures is unknown, never 0."""
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
                # in name order: the changes of a day are a set (the same import, the same
                # events, on every run)
                gone = [
                    *sorted(t for t, n in before.items() if t is not None and n and t not in after)
                ]
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
                    "source": _source(url, date.fromisoformat(later), quote, title),
                }
                record(contingent, Contingent.StrengthReported, fields)
                inferred += 1
    return inferred


def _check_same(
    batch: UnitOfWork, mission: Mission, day: date, rows: list[Contribution]
) -> list[str]:
    """A month already in the store must come again with the same contributors and figures,
    those of record in force; a contributor whose figures of that day the store holds
    corrected or retracted is kept as it is, and named (issue 29, 18: the correction stays in
    force, the file adds nothing)."""
    key = day.isoformat()
    stored = set(mission.reports[key])
    revised: list[str] = []
    for row in rows:
        if row.contributor not in stored:
            raise InvalidInputError(
                f"{row.at}: {mission.acronym} {key} is already in the store without "
                f"{row.contributor} - a revised month is a correction, not a re-import"
            )
        contingent = batch.contingent(mission.acronym, row.contributor)
        have = _reported_types(contingent, key)
        expected: dict[str | None, int | None] = (
            {None: None}
            if row.unknown
            else {t: f.total for t, f in row.figures.items() if f.total != 0}
        )
        if {t: n for t, n in have.items() if n != 0} != expected:
            if contingent.revised_on.get(day):
                by = ", ".join(contingent.revised_on[day])
                revised.append(f"{mission.acronym} {key} {row.contributor} ({by})")
                continue
            raise InvalidInputError(
                f"{row.at}: {mission.acronym} {key} {row.contributor} is already in "
                f"the store with other figures - a revised month is a correction, not a re-import"
            )
    if len(stored) != len(rows):
        missing = ", ".join(sorted(stored - {r.contributor for r in rows}))
        raise InvalidInputError(
            f"{rows[0].at}: {mission.acronym} {key} is already in the store with "
            f"{missing} too - a revised month is a correction, not a re-import"
        )
    return revised
