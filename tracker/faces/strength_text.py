"""Strength answers as a person reads them (a table with its notes) and as a machine does
(plain records with the evidence of every figure)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table

from events.places import country_name

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date

    from projections import StrengthRow
    from tracker.answers.gaps import missing_in
from tracker.answers.gaps import missing_in
from tracker.answers.records import StrengthAnswer
from tracker.faces.record_text import (
    NO_PLACES,
    NOT_THE_UNS,
    claimed,
    figure_of_text,
    record_note,
)

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
    "missing_from_report",
)
# On every row of an answer placed by the estimate (``--estimate``), after the evidence.
ESTIMATE_FIELDS = ("estimated", "method", "method_version")


def strength_fields(answer: StrengthAnswer) -> list[str]:
    """The fields of ``strength_records``, in order."""
    extra = ESTIMATE_FIELDS if answer.method else ()
    return [*answer.by, "strength", *EVIDENCE, *extra]


def method_label(answer: StrengthAnswer) -> str:
    """How the table names an estimate: "estimate (deployment maps, Geo-PKO)"."""
    return f"estimate ({answer.method.name})" if answer.method else ""


def strength_records(answer: StrengthAnswer) -> list[dict[str, Any]]:
    """The JSON contract: one object per group, its ``--by`` keys plus ``strength`` (an int, or null
    where unknown); no ``--by``: one object with the mission total (null if any part of it is
    unknown, or if nothing at all is known on that date). Beside them, the evidence of every
    figure: ``figure_of`` (the day it was set; a total: its oldest figure), ``approximate``
    (rounded by its source), ``event_id`` (the event that set it: its source is in the audit
    trail; the mission total's: the event of the UN report it rests on, which names the report,
    its file and pages), ``un_report`` (the mission's latest UN report on or before the date
    that lists the mission: the answer rests on its figures), ``no_un_report_for`` (the months
    since that report, to the date, for which the UN published no report at all: "2015-03",
    "2018-03..2019-08"; null when none), ``not_listed_in`` (the months since it whose report
    covered other missions but not this one: its figures then are unknown),
    ``not_yet_published`` (asked as known at a date: the months since it whose report the store
    holds but the UN had not yet published then), ``record_ends`` (the last month of the store's
    record, its latest UN report of any mission, when the date is after it: the UN's later
    reports are not in the store) and ``newest_figure_of`` (the day its newest figure was set:
    after ``un_report``, a claim since the UN's report changed it), ``known`` (the sum of its
    figures that are known: ``strength`` is null when some part is unknown, as the table's total
    leaves it out), ``missing_from_report`` (the row's contributors, comma-separated, that the
    UN's report it rests on leaves at or near 0 while the reports before and after list them: a
    reporting gap, not a withdrawal; null when none). An answer of the estimate (``--estimate``)
    adds ``estimated`` (true: some of the row was placed by the method), ``method`` and
    ``method_version`` to every row."""
    around = {
        "un_report": answer.un_report.isoformat() if answer.un_report else None,
        "no_un_report_for": answer.gap,
        "not_listed_in": answer.not_listed,
        "not_yet_published": answer.unpublished,
        "record_ends": answer.record_ends,
    }
    missing = {gap.contributor for gap in answer.missing}
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
                    "missing_from_report": None,
                }
            ]
        row = answer.rows[0]
        return [
            {
                "strength": row.strength,
                "figure_of": row.since.isoformat(),
                "approximate": row.approximate,
                # a total's evidence is the UN report it rests on, not one of its rows
                "event_id": answer.report.event_id if answer.report else row.event_id,
                **around,
                "newest_figure_of": row.newest_day.isoformat(),
                "known": row.known,
                "missing_from_report": missing_in(None, missing),
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
            "missing_from_report": missing_in(row.contributor, missing),
        }
        for row in answer.rows
    ]


def figure_text(strength: int | None, approximate: bool) -> str:
    if strength is None:
        return "unknown"
    return f"~{strength:,}" if approximate else f"{strength:,}"


def since_text(day: date) -> str:
    return day.isoformat()


def label_of(dimension: str, value: str | None, name: Callable[[str], str] = country_name) -> str:
    if value is None:
        return UNASSIGNED[dimension]
    if dimension == "contributor":
        return f"{value} {name(value)}"
    return value.replace("_", " ") if dimension == "personnel_type" else value


def strength_table(
    answer: StrengthAnswer,
    console: Console,
    name: Callable[[str], str] = country_name,
    show_all: bool = False,
    among: Sequence[str] = (),
) -> None:
    """The answer as a table with its notes; ``name``: a country's name from its code (the
    read path takes them from the view's own table of names, rather than load pycountry);
    ``show_all``: the rows at 0 listed too; ``among``: the contributors asked for (ISO codes),
    whose sum the total is."""
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
    gone = [] if show_all else [r for r in answer.rows if r.strength == 0]
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
    for note in strength_notes(answer, gone, among, name):
        console.print(f"  {note}", highlight=False)


def whose_total(
    answer: StrengthAnswer, among: Sequence[str], name: Callable[[str], str] = country_name
) -> str:
    """Whose figures the total adds up; a sum of several contributors asked for says it is
    one, and of whom (issue 27: it summed them silently)."""
    if len(among) > 1 and "contributor" not in answer.by:
        who = ", ".join(label_of("contributor", code, name) for code in among)
        return f"the sum of {len(among)} contributors: {who} (--by contributor gives each)"
    count = answer.contributors
    if count == 0:
        return "no contributor present on this date: every figure is 0"
    who = "the one contributor" if count == 1 else f"the {count:,} contributors"
    return f"total of {who} present on this date"


GROUP_NAMES = {
    "contributor": ("contributor", "contributors"),
    "location": ("location", "locations"),
    "region": ("region", "regions"),
    "personnel_type": ("personnel type", "personnel types"),
}


def gone_note(
    answer: StrengthAnswer, gone: list[StrengthRow], name: Callable[[str], str] = country_name
) -> str:
    """The rows at 0 the table leaves out, said plainly (issue 27: after 2023 ~70 ISO codes
    "at 0 (left)"): how many of what, which when they are few, and how to list them."""
    count = len(gone)
    (dimension,) = answer.by if len(answer.by) == 1 else (None,)
    one, many = GROUP_NAMES[dimension] if dimension else ("row", "rows")
    what = f"{count:,} {one if count == 1 else many} at 0"
    if dimension and count <= 3:
        what += f" ({', '.join(label_of(dimension, getattr(r, dimension), name) for r in gone)})"
    left = (" (it left)" if count == 1 else " (they left)") if dimension == "contributor" else ""
    return f"{what}, not listed{left}: --all lists {'it' if count == 1 else 'them'}"


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


def strength_notes(
    answer: StrengthAnswer,
    gone: list[StrengthRow],
    among: Sequence[str] = (),
    name: Callable[[str], str] = country_name,
) -> list[str]:
    """What the reader of the table must know to read the total right."""
    notes = []
    if answer.rows:
        notes.append(whose_total(answer, among, name))
    if gone and answer.by:
        notes.append(gone_note(answer, gone, name))
    stale = [r for r in answer.rows if (answer.on - r.since).days > 365 and r.strength]
    if stale:
        notes.append(
            f"{len(stale)} row(s) rest on figures over a year older than {answer.on} (the last "
            "known, not current): see 'figure of'"
        )
    if answer.approximate:
        notes.append("~ some figures were rounded by their source")
    notes += [gap.text(label_of("contributor", gap.contributor, name)) for gap in answer.missing]
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
        if unassigned:
            notes.append(NO_PLACES)
    if not answer.rows:
        notes.append("no strength figure is recorded for this date")
    newest = max((r.newest_day for r in answer.rows), default=None)
    if answer.report is not None:
        notes.append(f"source of the UN's figures: {answer.report.text()}")
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
