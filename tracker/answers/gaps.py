"""Reporting gaps: a contributor that falls to 0 or near it in one UN report and is back in the
next is missing from that report (a page left out, a rotation between two counts), not a
withdrawal and a return (issue 27: the UN's October 2021 report omits Chad's troops, 1,466 ->
39 -> 1,425). The figures stay the UN's; the answers, exports and charts say so."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from projections.strength_queries import StrengthQueries

NEAR = 0.1  # "near 0": at most a tenth of the lower of the two reports around it
LEAST = 50  # and a fall of at least this many: a small contingent's ups and downs are not one


@dataclass(frozen=True)
class ReportGap:
    """``contributor`` at ``level`` in the report of ``report``, between ``before`` (the report
    before) and ``after`` (the one after)."""

    contributor: str
    report: date
    level: int
    before: int
    after: int

    def text(self, name: str) -> str:
        return (
            f"{name}: {self.level:,} in the UN's report of {self.report}, {self.before:,} "
            f"before and {self.after:,} after: missing from that report (a reporting gap), "
            "not a withdrawal"
        )


def _levels(
    view: StrengthQueries,
    mission: str,
    day: date,
    known_at: date | None,
    at: str | None,
    among: tuple[str, ...] = (),
) -> dict[str, int]:
    rows = view.strength(mission, day, ("contributor",), None, known_at, at, among)
    return {r.contributor or "": r.strength for r in rows if r.strength is not None}


def _fell(before: int, level: int) -> bool:
    """Whether a fall from ``before`` to ``level`` is one a gap is made of (the report after
    must then be as high, ``report_gaps``)."""
    return before - level >= LEAST and level <= NEAR * before


def report_gaps(
    view: StrengthQueries,
    mission: str,
    report: date | None,
    known_at: date | None = None,
    at: str | None = None,
) -> list[ReportGap]:
    """The contributors missing from the mission's report of ``report`` (as known and recorded
    then): near 0 in it, back in the next report, as many as before. The report after is read
    only for those that fell (on most dates none did: every answer asks this)."""
    if report is None:
        return []
    days = view.listed_reports(mission, known_at, at)
    at_report = bisect_left(days, report)
    if not 0 < at_report < len(days) - 1 or days[at_report] != report:
        return []  # the first, the last or no report: nothing to tell a gap by
    before = _levels(view, mission, days[at_report - 1], known_at, at)
    now = _levels(view, mission, report, known_at, at)
    fell = tuple(sorted(c for c, n in before.items() if _fell(n, now.get(c, 0))))
    if not fell:
        return []
    after = _levels(view, mission, days[at_report + 1], known_at, at, fell)
    found = []
    for contributor in fell:
        if contributor not in after:
            continue
        low = min(before[contributor], after[contributor])
        level = now.get(contributor, 0)
        if low - level >= LEAST and level <= NEAR * low:
            found.append(
                ReportGap(contributor, report, level, before[contributor], after[contributor])
            )
    return found


def missing_in(contributor: str | None, missing: set[str]) -> str | None:
    """Of the contributors missing from the UN's report a row rests on, those of the row (its
    ``contributor``; a row not by contributor: all of them), comma-separated; None when none
    is (issue 27)."""
    found = sorted(missing & {contributor} if contributor else missing)
    return ",".join(found) or None
