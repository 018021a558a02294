"""A strength answer made from the strength view's tables: the rows on a date, the total and
what it leaves out, the whole-mission figure in force and the record around the date. Built
here, once, for ``Tracker.strength`` and for the read path that answers from a current view
without loading the domain (``tracker.cli.quick``, issue 19)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tracker.answers.gaps import report_gaps
from tracker.answers.records import StrengthAnswer

if TYPE_CHECKING:
    from projections.strength_queries import Dimension, StrengthQueries
    from tracker.answers.estimate import Method


def strength_answer(
    view: StrengthQueries,
    acronym: str,
    on: date,
    dims: tuple[Dimension, ...],
    known_at: date | None,
    at: str | None,
    among: tuple[str, ...],
    position: int,
    version: int,
    *,
    rows: list[Any] | None = None,
    method: Method | None = None,
) -> StrengthAnswer:
    """Strength of ``acronym`` on ``on`` grouped by ``dims``, as known at ``known_at`` and
    recorded by ``at``, of the contributors ``among`` (all when empty), from ``view`` at log
    ``position`` (the view's ``version``). ``rows``: the rows already made (an estimate's,
    whose ``method`` the answer names); else the view's."""
    if rows is None:
        rows = no_blank_zeros(view.strength(acronym, on, dims, None, known_at, at, among), dims)
    by_contributor = (
        rows
        if dims == ("contributor",)  # the same question: asked once
        else view.strength(acronym, on, ("contributor",), None, known_at, at, among)
    )
    unknown = [row.contributor or "" for row in by_contributor if row.strength is None]
    around = record_around(view, acronym, on, known_at, at)
    present = {row.contributor for row in by_contributor}
    missing = [
        gap
        for gap in report_gaps(view, acronym, around["un_report"], known_at, at)
        if gap.contributor in present
    ]
    return StrengthAnswer(
        mission=acronym,
        on=on,
        by=dims,
        rows=rows,
        total=sum(row.known for row in by_contributor),
        unknown=unknown,
        approximate=any(row.approximate for row in by_contributor),
        contributors=sum(1 for row in by_contributor if row.strength != 0),
        reported_total=view.reported_total(acronym, on, known_at, at),
        known_at=known_at,
        recorded_at=at,
        position=position,
        version=version,
        method=method,
        missing=tuple(missing),
        **around,
    )


def no_blank_zeros(rows: list[Any], dims: tuple[Dimension, ...]) -> list[Any]:
    """Rows by personnel type without those of no type at 0: a contributor that left is at 0
    in every type it had (a level of 0 with no type), which says nothing of a type (issue
    26: exports by type had thousands of such rows, one for each departure)."""
    if "personnel_type" not in dims:
        return rows
    return [r for r in rows if not (r.personnel_type is None and r.strength == 0)]


def record_around(
    view: StrengthQueries, acronym: str, on: date, known_at: date | None, at: str | None
) -> dict[str, Any]:
    """The answer's evidence of the record: the latest report of record on or before ``on``
    that lists the mission; the months after it whose report was due by ``on`` (its month
    has ended) with no UN report at all (``gap``), those whose report did not list the
    mission (``not_listed``) and, asked as known at a date, those whose report the store
    holds but the UN had not yet published then (``unpublished``), as ranges; and the
    closure before ``on`` (after it and the last report, no month is due: the mission had
    ended)."""
    latest, unlisted, last = view.reports(acronym, on, known_at, at)
    closure = view.closed_on(acronym, known_at, at)
    closed = closure if closure is not None and closure[0] < on else None
    over = closed is not None and (last is None or on > last)
    due = [] if latest is None or over else months_due(latest, on)
    later: set[str] = set()
    if due and known_at is not None:
        later = view.reports_known_after(acronym, latest, on, known_at, at)
    # after the last report the store holds of any mission (as recorded: one not yet
    # published at ``known_at`` is within it): beyond its record, not a gap
    end = view.last_report_of_any(None, at) if due else None
    ends = end.isoformat()[:7] if end else ""
    within = [m for m in due if m <= ends]
    missing = [m for m in within if m not in later]
    return {
        "un_report": latest,
        "report": view.report_source(acronym, latest, known_at, at) if latest else None,
        "gap": month_ranges([m for m in missing if m not in unlisted]),
        "not_listed": month_ranges([m for m in missing if m in unlisted]),
        "unpublished": month_ranges([m for m in within if m in later]),
        "record_ends": ends if len(within) < len(due) else None,
        "closed": closed,
    }


def months_due(after: date, on: date) -> list[str]:
    """The months (YYYY-MM) after ``after``'s whose end is on or before ``on``: those whose
    UN report was due by then (a report is of the month's end)."""
    found: list[str] = []
    year, month = after.year, after.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
        if end > on:
            return found
        found.append(f"{year:04d}-{month:02d}")


def month_ranges(months: list[str]) -> str | None:
    """Months (YYYY-MM, in order) as ranges: "2015-03", "2018-03..2019-08, 2020-06"; None
    for none."""
    if not months:
        return None
    runs: list[list[str]] = []
    for month in months:
        if runs and _next_month(runs[-1][-1]) == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]}..{run[-1]}" for run in runs)


def _next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"
