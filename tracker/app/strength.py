"""Questions of strength: on a date, as a series, with the announcements applied
(forecast), and against the mandate's ceilings."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from tracker.answers.estimate import Method, check_estimable, estimated_strength
from tracker.answers.forecast import Forecast, forecast
from tracker.answers.gaps import missing_in, report_gaps
from tracker.answers.records import CATEGORY_TYPES, CeilingCheck, MandateAnswer, StrengthAnswer
from tracker.answers.strength import no_blank_zeros, record_around, strength_answer
from tracker.app.core import TrackerCore
from tracker.app.times import series_dates
from tracker.app.unit_of_work import contributor_code

if TYPE_CHECKING:
    from collections.abc import Iterable

    from projections import Dimension


class StrengthQuestions(TrackerCore):
    """Strength on any date, on every time axis."""

    def strength(
        self,
        mission: str,
        on: date,
        by: Iterable[Dimension] = (),
        known_at: date | None = None,
        recorded_at: datetime | str | None = None,
        contributors: Iterable[str] = (),
        estimate: bool = False,
    ) -> StrengthAnswer:
        """Strength of ``mission`` on ``on`` (valid time), grouped by ``by`` (contributor,
        location, region, personnel_type), from the strength view caught up first.

        Args:
            known_at: only what had been published by that day (its sources' dates).
            contributors: only these (ISO codes or names).
            recorded_at: what this store said at that time (a datetime, or an ISO date or
                time: a date means the end of that day, UTC).
            estimate: place the unassigned part by the estimate from the deployment maps
                (``projections.estimate``; ``by`` must name location or region): the rows
                are ``EstimatedRow``, and the answer's ``method`` says how.
        """
        acronym = self.known_mission(mission)
        dims = tuple(dict.fromkeys(by))
        at = self.recorded_bound(recorded_at)
        among = tuple(dict.fromkeys(contributor_code(c) for c in contributors))
        if estimate:
            check_estimable(dims)
        self.strength_view.catch_up(self)
        if estimate:
            self.estimate_view.catch_up(self)
        view = self.strength_view
        with view.reading():  # the position and the answer of one state of the view
            position = view.position(self.name)
            rows = None
            if estimate:
                rows = estimated_strength(
                    view, self.estimate_view, acronym, on, dims, known_at, at, among
                )
            return strength_answer(
                view, acronym, on, dims, known_at, at, among, position, view.version,
                rows=rows, method=Method() if estimate else None,
            )  # fmt: skip

    def _record_around(
        self, acronym: str, on: date, known_at: date | None, at: str | None
    ) -> dict[str, Any]:
        return record_around(self.strength_view, acronym, on, known_at, at)

    def strength_series(
        self,
        mission: str,
        start: date,
        end: date,
        every: str = "month",
        by: Iterable[Dimension] = (),
        known_at: date | None = None,
        recorded_at: datetime | str | None = None,
        estimate: bool = False,
        contributors: Iterable[str] = (),
        present_only: bool = False,
    ) -> list[dict[str, Any]]:
        """Strength as a tidy time series: one plain row per date x group (``date``, the
        ``by`` keys, ``strength``: None where unknown, and the evidence of the figure:
        ``figure_of``, ``approximate``, ``event_id``; ``un_report``, the mission's latest UN
        report then, ``no_un_report_for``, ``not_listed_in`` and ``not_yet_published``, the
        months since it with no UN report, with one that did not list the mission and with
        one not yet published as known at ``known_at``, ``record_ends``, and
        ``newest_figure_of``, the day its newest figure was set, and ``known``, the sum of
        its figures that are known; ``missing_from_report``, the row's contributors missing
        from that report, near 0 in it and back in the next: a reporting gap), on
        every month end (``every`` = "month"), year end ("year") or day ("day") from
        ``start`` to ``end``, as known at ``known_at`` and recorded by ``recorded_at``. Loads
        straight into pandas: ``pandas.DataFrame(rows)``. With ``estimate``, the places of the
        estimate from the deployment maps (as ``strength``), and on every row ``estimated``,
        ``method`` and ``method_version``. Of the ``contributors`` only (ISO codes or names;
        several: summed, unless ``by`` names contributor), when given; with ``present_only``,
        without the groups at 0 on every date (``present_groups``: a contributor long gone)."""
        acronym = self.known_mission(mission)
        dims = tuple(dict.fromkeys(by))
        among = tuple(dict.fromkeys(contributor_code(c) for c in contributors))
        days = series_dates(start, end, every)
        at = self.recorded_bound(recorded_at)
        if estimate:
            check_estimable(dims)
            self.estimate_view.catch_up(self)
        self.strength_view.catch_up(self)  # once; then one indexed lookup a date
        rows: list[dict[str, Any]] = []
        method = Method()
        gaps: dict[date | None, set[str]] = {}  # by report: its contributors missing from it
        for day in days:
            found: list[Any] = (
                estimated_strength(
                    self.strength_view, self.estimate_view, acronym, day, dims, known_at, at, among
                )
                if estimate
                else no_blank_zeros(
                    self.strength_view.strength(acronym, day, dims, None, known_at, at, among),
                    dims,
                )
            )
            around = self._record_around(acronym, day, known_at, at)
            report = around["un_report"]
            if report not in gaps:
                found_gaps = report_gaps(self.strength_view, acronym, report, known_at, at)
                gaps[report] = {gap.contributor for gap in found_gaps}
            missing = gaps[report] & set(among) if among else gaps[report]
            evidence = {
                "un_report": report.isoformat() if report else None,
                "no_un_report_for": around["gap"],
                "not_listed_in": around["not_listed"],
                "not_yet_published": around["unpublished"],
                "record_ends": around["record_ends"],
            }
            rows += [
                {
                    "date": day.isoformat(),
                    **r.keys(dims),
                    "strength": r.strength,
                    "figure_of": r.since.isoformat(),
                    "approximate": r.approximate,
                    "event_id": r.event_id,
                    **evidence,
                    "newest_figure_of": r.newest_day.isoformat(),
                    "known": r.known,
                    "missing_from_report": missing_in(getattr(r, "contributor", None), missing),
                    **(
                        {
                            "estimated": r.estimated,
                            "method": method.name,
                            "method_version": method.version,
                        }
                        if estimate
                        else {}
                    ),
                }
                for r in found
            ]
        return present_groups(rows, dims) if present_only else rows

    def forecast(
        self,
        mission: str,
        on: date,
        by: Iterable[Dimension] = (),
        known_at: date | None = None,
        recorded_at: datetime | str | None = None,
    ) -> Forecast:
        """Strength on ``on`` if every pending announcement (as known at ``known_at``) happens
        on its target date, next to the strength from changes alone."""
        acronym = self.known_mission(mission)
        at = self.recorded_bound(recorded_at)
        self.strength_view.catch_up(self)
        self.announcement_view.catch_up(self)
        return forecast(
            self.strength_view,
            acronym,
            self.announcement_view.announcements(acronym, known_at, at),
            on,
            tuple(dict.fromkeys(by)),
            known_at,
            at,
        )

    def mandate(self, mission: str, on: date) -> MandateAnswer:
        """The authorised ceilings in force on ``on`` against the strength by category."""
        acronym = self.known_mission(mission)
        self.strength_view.catch_up(self)
        self.mandate_view.catch_up(self)
        mandate, lapsed = self.mandate_view.in_force(acronym, on), None
        if mandate is not None and (
            (mandate.ended_on is not None and mandate.ended_on < on)
            or (mandate.until is not None and mandate.until < on)
        ):
            mandate, lapsed = None, mandate  # ended, or ran out with no renewal recorded
        by_type = {
            row.personnel_type: row
            for row in self.strength_view.strength(acronym, on, ("personnel_type",))
        }
        reported = self.strength_view.reported_total(acronym, on)
        checks = []
        for category, ceiling in (mandate.ceilings if mandate else {}).items():
            parts = [by_type[t] for t in CATEGORY_TYPES.get(category, (category,)) if t in by_type]
            actual = None if any(p.strength is None for p in parts) else sum(p.known for p in parts)
            from_report = reported.categories.get(category) if reported else None
            checks.append(CeilingCheck(category, ceiling, actual, from_report))
        unspecified = by_type[None].known if None in by_type else 0
        return MandateAnswer(acronym, on, mandate, checks, unspecified, reported, lapsed)


def present_groups(rows: list[dict[str, Any]], by: tuple[str, ...]) -> list[dict[str, Any]]:
    """The rows of a series without the groups (their ``by`` keys) at 0 on every date: a
    contributor long gone is 0 every month (1,868 rows of 24 months, issue 27). A group
    whose figure is unknown on some date is kept (unknown is not 0)."""
    present = {tuple(r[d] for d in by) for r in rows if r["strength"] != 0}
    return [r for r in rows if tuple(r[d] for d in by) in present]
