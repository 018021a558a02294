"""A strength answer made from the strength view's tables: the rows on a date, the total and
what it leaves out, the whole-mission figure in force and the record around the date. Built
here, once, for ``Tracker.strength`` and for the read path that answers from a current view
without loading the domain (``tracker.cli.quick``, issue 19)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tracker.answers.records import StrengthAnswer

if TYPE_CHECKING:
    from datetime import date

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
        rows = view.strength(acronym, on, dims, None, known_at, at, among)
    by_contributor = (
        rows
        if dims == ("contributor",)  # the same question: asked once
        else view.strength(acronym, on, ("contributor",), None, known_at, at, among)
    )
    unknown = [row.contributor or "" for row in by_contributor if row.strength is None]
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
        **record_around(view, acronym, on, known_at, at),
    )


def record_around(
    view: StrengthQueries, acronym: str, on: date, known_at: date | None, at: str | None
) -> dict[str, Any]:
    """The answer's evidence of the record: the latest report of record on or before ``on``,
    the month asked when it is a gap, and the closure before ``on``."""
    latest, month_reported, last = view.reports(acronym, on, known_at, at)
    closure = view.closed_on(acronym, known_at, at)
    closed = closure if closure is not None and closure[0] < on else None
    over = closed is not None and last is not None and on > last
    gap = on.isoformat()[:7] if latest and not month_reported and not over else None
    return {"un_report": latest, "gap": gap, "closed": closed}
