"""Strength answers as a person reads them (a table with its notes) and as a machine does
(plain records with the evidence of every figure)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table

from events.places import country_name

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from projections import StrengthRow
    from tracker.answers.records import StrengthAnswer

UNASSIGNED = {
    "location": "(unassigned)",
    "region": "(unassigned)",
    "personnel_type": "(unspecified)",
}


EVIDENCE = (
    "figure_of",
    "approximate",
    "event_id",
    "un_report",
    "no_un_report_for",
    "not_listed_in",
    "not_yet_published",
    "record_ends",
    "newest_figure_of",
    "known",
)
# On every row of an answer placed by the estimate (``--estimate``), after the evidence.
ESTIMATE_FIELDS = ("estimated", "method", "method_version")


def record_note(
    gap: str | None,
    not_listed: str | None,
    un_report: date | None,
    newest: date | None,
    record_ends: str | None = None,
    unpublished: str | None = None,
    known_at: date | None = None,
) -> str | None:
    """What an answer says of the record behind it: the months since the mission's last UN
    report with no UN report at all (``gap``), those whose report left the mission out
    (``not_listed``), those whose report was not yet published as known at ``known_at``
    (``unpublished``), where the store's record ends when the date is after it
    (``record_ends``); the report it rests on, and the claims since it (``newest``: the day
    the newest figure was set), which are not the UN's (issue 27). One wording for the table,
    the web view and every other face (issue 26); None when the answer is the UN's report of
    its month alone."""
    later = un_report is not None and newest is not None and newest > un_report
    claims = f" and the claims since, to {newest} (not the UN's)" if later else ""
    if not gap and not not_listed and not record_ends and not unpublished:
        return f"figures of the UN's report of {un_report}{claims}" if later else None
    published = f" as known at {known_at}" if known_at else ""
    missing = [
        *([f"no UN report for {months_text(gap)}"] if gap else []),
        *([f"not listed in the UN's report of {months_text(not_listed)}"] if not_listed else []),
        *(
            [f"the UN's report of {months_text(unpublished)} not yet published{published}"]
            if unpublished
            else []
        ),
        *([f"the store holds no UN report after {record_ends}"] if record_ends else []),
    ]
    since = f"figures of {un_report}" if un_report else "no earlier report"
    return f"{'; '.join(missing)}; {since}{claims}"


def months_text(ranges: str) -> str:
    """Month ranges as a note says them: "2018-03..2019-08" -> "2018-03 to 2019-08"."""
    return ranges.replace("..", " to ")


def strength_fields(answer: StrengthAnswer) -> list[str]:
    """The fields of ``strength_records``, in order."""
    extra = ESTIMATE_FIELDS if answer.method else ()
    return [*answer.by, "strength", *EVIDENCE, *extra]


def method_label(answer: StrengthAnswer) -> str:
    """How the table names an estimate: "estimate (deployment maps, Geo-PKO)"."""
    return f"estimate ({answer.method.name})" if answer.method else ""


def strength_records(answer: StrengthAnswer) -> list[dict[str, Any]]:
    """The JSON contract: one object per group, its ``--by`` keys plus ``strength`` (an int, or
    null where unknown); no ``--by``: one object with the mission total (null if any part of
    it is unknown, or if nothing at all is known on that date). Beside them, the evidence of
    every figure: ``figure_of`` (the day it was set; a total: its oldest figure),
    ``approximate`` (rounded by its source), ``event_id`` (the event that set it: its source
    is in the audit trail), ``un_report`` (the mission's latest UN report on or before the
    date that lists the mission: the answer rests on its figures), ``no_un_report_for``
    (the months since that report, to the date, for which the UN published no report at
    all: "2015-03", "2018-03..2019-08"; null when none), ``not_listed_in`` (the months since
    it whose report covered other missions but not this one: its figures then are unknown),
    ``not_yet_published`` (asked as known at a date: the months since it whose report the
    store holds but the UN had not yet published then),
    ``record_ends`` (the last month of the store's record, its latest UN report of any
    mission, when the date is after it: the UN's later reports are not in the store) and
    ``newest_figure_of`` (the day its newest figure was set: after ``un_report``, a claim
    since the UN's report changed it), ``known`` (the sum of its figures that are known:
    ``strength`` is null when some part is unknown, as the table's total leaves it out).
    An answer of the estimate (``--estimate``) adds ``estimated`` (true: some of the row was
    placed by the method), ``method`` and ``method_version`` to every row."""
    around = {
        "un_report": answer.un_report.isoformat() if answer.un_report else None,
        "no_un_report_for": answer.gap,
        "not_listed_in": answer.not_listed,
        "not_yet_published": answer.unpublished,
        "record_ends": answer.record_ends,
    }
    if answer.method and answer.by:
        how = {"method": answer.method.name, "method_version": answer.method.version}
        return [
            {
                **row.keys(answer.by),
                "strength": row.strength,
                "figure_of": row.since.isoformat(),
                "approximate": row.approximate,
                "event_id": row.event_id,
                **around,
                "newest_figure_of": row.newest_day.isoformat(),
                "known": row.known,
                "estimated": bool(getattr(row, "estimated", False)),
                **how,
            }
            for row in answer.rows
        ]
    if not answer.by:
        if not answer.rows:
            return [
                {
                    "strength": None,
                    **dict.fromkeys(EVIDENCE[:3]),
                    **around,
                    "newest_figure_of": None,
                    "known": None,
                }
            ]
        row = answer.rows[0]
        return [
            {
                "strength": row.strength,
                "figure_of": row.since.isoformat(),
                "approximate": row.approximate,
                "event_id": row.event_id,
                **around,
                "newest_figure_of": row.newest_day.isoformat(),
                "known": row.known,
            }
        ]
    return [
        {
            **row.keys(answer.by),
            "strength": row.strength,
            "figure_of": row.since.isoformat(),
            "approximate": row.approximate,
            "event_id": row.event_id,
            **around,
            "newest_figure_of": row.newest_day.isoformat(),
            "known": row.known,
        }
        for row in answer.rows
    ]


def figure_text(strength: int | None, approximate: bool) -> str:
    if strength is None:
        return "unknown"
    return f"~{strength:,}" if approximate else f"{strength:,}"


def since_text(day: date) -> str:
    return day.isoformat()


NOT_THE_UNS = "*"  # the table's mark of a figure changed by a claim since the UN's report


def claimed(answer: StrengthAnswer, newest: date) -> bool:
    """Whether a figure whose newest part was set on ``newest`` is not the UN's: a claim
    dated after the UN's report it rests on changed it (issue 27)."""
    return answer.un_report is not None and newest > answer.un_report


def figure_of_text(answer: StrengthAnswer, row: StrengthRow) -> str:
    """The table's "figure of": the day the figure was set, or the day of the claim since
    the UN's report that changed it, marked as not the UN's."""
    if claimed(answer, row.newest_day):
        return f"{since_text(row.newest_day)}{NOT_THE_UNS}"
    return since_text(row.since)




def label_of(dimension: str, value: str | None, name: Callable[[str], str] = country_name) -> str:
    if value is None:
        return UNASSIGNED[dimension]
    if dimension == "contributor":
        return f"{value} {name(value)}"
    return value.replace("_", " ") if dimension == "personnel_type" else value


def strength_table(
    answer: StrengthAnswer, console: Console, name: Callable[[str], str] = country_name
) -> None:
    """The answer as a table with its notes; ``name``: a country's name from its code (the
    read path takes them from the view's own table of names, rather than load pycountry)."""
    axes = "".join(
        [
            f" as known at {answer.known_at}" if answer.known_at else "",
            f" as recorded at {answer.recorded_at}" if answer.recorded_at else "",
        ]
    )
    method = f", {method_label(answer)}" if answer.method else ""
    console.print(
        f"{answer.mission} strength on {answer.on.isoformat()}{axes}{method}", highlight=False
    )
    table = Table(box=box.SIMPLE_HEAD)
    for dimension in answer.by or ("",):
        table.add_column(dimension.replace("_", " "))
    table.add_column("strength", justify="right")
    table.add_column("figure of", justify="right")
    if answer.method:
        table.add_column("placed by")
    # Rows at 0 (contributors or parts that left) are summed up below, not listed one by one.
    gone = [r for r in answer.rows if r.strength == 0]
    if answer.by:
        for row in answer.rows:
            if row not in gone:
                labels = [label_of(d, getattr(row, d), name) for d in answer.by]
                placed = [_placed_by(answer, row)] if answer.method else []
                table.add_row(
                    *labels,
                    figure_text(row.strength, row.approximate),
                    figure_of_text(answer, row),
                    *placed,
                )
        table.add_section()
    total = figure_text(answer.total, answer.approximate) if answer.rows else "no figure"
    if answer.unknown and not any(r.known for r in answer.rows):
        total = "unknown"  # not 0: nothing known to add up
    oldest = min((r.since for r in answer.rows if r.strength != 0), default=None)
    newest = max((r.newest_day for r in answer.rows), default=None)
    mark = NOT_THE_UNS if newest is not None and claimed(answer, newest) else ""
    table.add_row(
        "total",
        *[""] * (len(answer.by) - 1),
        total,
        f"{since_text(oldest)}{mark}" if oldest else "",
        *([""] if answer.method else []),
    )
    console.print(table)
    for note in strength_notes(answer, gone):
        console.print(f"  {note}", highlight=False)


def _placed_by(answer: StrengthAnswer, row: StrengthRow) -> str:
    """Who put a row's personnel there: the estimate, the sources, or nobody."""
    if getattr(row, "estimated", False):
        return "estimate"
    return "" if any(getattr(row, d) is None for d in answer.by if d in PLACES) else "sources"


PLACES = ("location", "region")


def estimate_notes(answer: StrengthAnswer, place: str) -> list[str]:
    """What an estimate's reader must know: it is one, how it was made, what it left."""
    method = answer.method
    if method is None:
        return []
    unassigned = sum(r.known for r in answer.rows if getattr(r, place) is None)
    estimated = sum(r.known for r in answer.rows if getattr(r, "estimated", False))
    sources = answer.total - unassigned - estimated
    year = answer.on.year
    return [
        f"{method_label(answer)}, version {method.version}: a model, not a count",
        f"troops and staff officers spread over their units' places on the {year} maps, by "
        "coded size",
        f"placed by the estimate: {estimated:,}; by the sources: {sources:,}; unassigned "
        f"(police, experts, contributors no {year} map shows): {unassigned:,}",
    ]


def strength_notes(answer: StrengthAnswer, gone: list[StrengthRow]) -> list[str]:
    """What the reader of the table must know to read the total right."""
    notes = []
    if answer.rows:
        notes.append(f"total of the {answer.contributors} contributor(s) present on this date")
    if gone and answer.by == ("contributor",):
        notes.append(f"at 0 (left): {', '.join(r.contributor or '' for r in gone)}")
    elif gone:
        notes.append(f"{len(gone)} row(s) at 0 not listed (left); --format csv lists them")
    stale = [r for r in answer.rows if (answer.on - r.since).days > 365 and r.strength]
    if stale:
        notes.append(
            f"{len(stale)} row(s) rest on figures over a year older than {answer.on} (the last "
            "known, not current): see 'figure of'"
        )
    if answer.approximate:
        notes.append("~ some figures were rounded by their source")
    if any(claimed(answer, r.newest_day) for r in answer.rows):
        notes.append(
            f"{NOT_THE_UNS} not the UN's: changed since its report of {answer.un_report} by a "
            "claim of the day shown (tracker reconcile lists them)"
        )
    if answer.unknown:
        names = ", ".join(answer.unknown)
        count = len(answer.unknown)
        notes.append(
            f"the total excludes {count} contributor(s) present with unknown strength: {names}"
        )
    place = next((d for d in answer.by if d in ("location", "region")), None)
    if answer.method and place is not None and answer.rows:
        notes += estimate_notes(answer, place)
    elif place is not None and answer.rows:
        unassigned = sum(r.known for r in answer.rows if getattr(r, place) is None)
        notes.append(
            f"located: {answer.total - unassigned:,}; unassigned (no {place} in the sources): "
            f"{unassigned:,}"
        )
    if not answer.rows:
        notes.append("no strength figure is recorded for this date")
    newest = max((r.newest_day for r in answer.rows), default=None)
    note = record_note(
        answer.gap,
        answer.not_listed,
        answer.un_report,
        newest,
        answer.record_ends,
        answer.unpublished,
        answer.known_at,
    )
    if note:
        notes.append(note)
    if answer.closed:
        day, event_id = answer.closed
        remnant = f": the UN still reports {answer.total:,} (liquidation)" if answer.total else ""
        notes.append(
            f"the mission closed on {day} ({event_id}); contingents the closure ended are at "
            f"0{remnant}"
        )
    reported = answer.reported_total
    # a whole-mission figure older than the UN figures the answer rests on is not news
    old_news = (
        reported is not None
        and answer.un_report is not None
        and (reported.as_of < answer.un_report)
    )
    if reported is not None and not old_news:
        parts = [f"{k.replace('_', ' ')} {v:,}" for k, v in reported.categories.items()]
        figure = figure_text(reported.strength, reported.approximate) if reported.strength else ""
        what = ", ".join(filter(None, [figure, *parts]))
        notes.append(
            f"reported for the whole mission on {reported.as_of}: {what} ({reported.event_id})"
        )
    return notes
