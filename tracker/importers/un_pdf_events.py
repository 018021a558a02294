"""Turning the UN's checked monthly PDF reports into events: each report's figures, one
contribution per mission x contributor, recorded as the CSV's are (``un_events``), with the
report's own title, month and page in every event's source."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from events.errors import InvalidInputError
from tracker.importers import un_monthly
from tracker.importers.un_events import (
    Contribution,
    UnitOfWork,
    Written,
    record_contributions,
    revised_lines,
)
from tracker.importers.un_pdf import PdfRow, Report
from tracker.importers.un_pdf.checker import in_bounds
from tracker.importers.un_pdf.pages import LayoutError


@dataclass
class UNReportImport:
    """What an import of UN monthly PDF reports did: per file, the report's own date, title
    and layout and how many printed totals its rows were checked against; in all, the events
    written by kind and the mission-months written or already in the store; ``by_country``:
    the files among several that give figures by country and post only (no mission column:
    nothing in them to import per mission)."""

    reports: list[Report] = field(default_factory=list)
    written: Written = field(default_factory=Written)
    by_country: list[str] = field(default_factory=list)
    # the reports that added nothing, every mission-month of them in the store already:
    # (file, its date, the file of this import whose report of that date came first, if one)
    copies: list[tuple[str, date, str | None]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return self.written.count

    def lines(self) -> list[str]:
        """The report an analyst reads after the import."""
        out = []
        for report in self.reports:
            dated = "" if report.date_printed else " (no date printed: the date given)"
            missions = len({r.mission for r in report.rows})
            checked = (
                f"{report.checks:,} printed totals checked, all equal to the rows"
                if report.checks
                else "it prints no totals to check them against"
            )
            out.append(
                f"Read {report.file}: the UN's report of {report.date}{dated}, "
                f'"{report.title}" (layout {report.layout}, {report.pages} pages): '
                f"{len(report.rows):,} figures in {missions} missions, {checked}"
            )
        if self.by_country:
            out.append(
                f"Skipped {len(self.by_country)} report(s) by country and post only, with no "
                f"mission column (nothing to import per mission): {', '.join(self.by_country)}"
            )
        if self.copies:
            named = ", ".join(
                f"{file} (of {day}, as {same})" if same else f"{file} (of {day}, imported before)"
                for file, day, same in self.copies
            )
            out.append(
                f"Already in the store, adding nothing ({len(self.copies)} report(s) of a "
                f"month the store holds, the same figures): {named}"
            )
        w = self.written
        out.append(f"Imported {w.count:,} events")
        out.append(
            f"Mission-months: {w.months_written:,} written, {w.months_already_there:,} already in "
            "the store"
        )
        out += revised_lines(w.revised)
        if w.count == 0:
            out.append("Nothing new: every month of these reports is already in the store")
        out.append(
            f"Inferred departures (listed one month, not the next): {w.inferred_zeros:,} levels "
            "of 0"
        )
        return out


def report_title(report: Report) -> str:
    """The events' source title: the UN as publisher, the report's own title and month."""
    return f"UN: {report.title}, {report.date:%B %Y}"


def contributions_of(report: Report, missions: set[str] | None = None) -> list[Contribution]:
    """A checked report's figures as contributions (one per mission x contributor), of the
    ``missions`` given (None: all).

    Raises:
        InvalidInputError: a figure no event may hold, naming the file, page and row.
    """
    try:  # a report made otherwise than by the reader is held to the reader's bound too
        in_bounds(report.rows)
    except LayoutError as error:
        raise InvalidInputError(
            f"{report.file}, page {error.page}: {error}; nothing was imported"
        ) from None
    grouped: dict[tuple[str, str], list[PdfRow]] = defaultdict(list)
    for row in report.rows:
        if missions is None or row.mission in missions:
            grouped[(row.mission, row.contributor)].append(row)
    found = []
    for (mission, contributor), rows in sorted(grouped.items()):
        page = min(r.page for r in rows)
        figures = {
            r.personnel_type: un_monthly.Figure(r.total, r.male, r.female)
            for r in sorted(rows, key=lambda r: r.page)
        }
        found.append(
            Contribution(
                f"page {page}",
                f"{report.file}, page {page}",
                report.date,
                mission,
                contributor,
                rows[0].name,
                figures,
            )
        )
    return found


def _named_for(report: Report) -> bool:
    """Whether the file's name says the report's month ("..._2015_04.pdf" of 2015-04-30)."""
    found = re.search(r"(\d{4})[_-](\d{2})(?!\d)", report.file)
    return found is not None and (int(found[1]), int(found[2])) == (
        report.date.year,
        report.date.month,
    )


def record_reports(
    batch: UnitOfWork,
    reports: list[Report],
    missions: set[str] | None = None,
    url: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> UNReportImport:
    """Record checked reports in ``batch``, oldest first (saving is the caller's);
    ``progress(reports recorded, reports)`` after each.

    Raises:
        InvalidInputError: a month already in the store with other figures.
    """
    # oldest first; of two files of one report, the one named for its month first (the
    # UN's 2015_03 file is the April report: the copy is the one misnamed)
    result = UNReportImport(sorted(reports, key=lambda r: (r.date, not _named_for(r), r.file)))
    total = Written()
    first: dict[date, str] = {}  # the first file of each report date
    for number, report in enumerate(result.reports, start=1):
        rows = contributions_of(report, missions)
        listed = {report.date: {r.mission for r in report.rows}}  # all of them, before a scope
        written = record_contributions(
            batch, rows, report.file, url, report_title(report), None, listed, missions
        )
        for kind, n in written.events.items():
            total.events[kind] = total.events.get(kind, 0) + n
        total.missions = max(total.missions, written.missions)
        total.months_written += written.months_written
        total.months_already_there += written.months_already_there
        total.inferred_zeros += written.inferred_zeros
        total.not_listed += written.not_listed
        total.revised += written.revised
        if written.months_already_there and not written.months_written:
            result.copies.append((report.file, report.date, first.get(report.date)))
        first.setdefault(report.date, report.file)
        if progress is not None:
            progress(number, len(result.reports))
    result.written = total
    return result
