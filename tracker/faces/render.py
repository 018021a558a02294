"""The other answers as text and as plain records: history, reconcile, the announcement
ledger, presence, projections, mandates, forecast, diff. (Strength: ``strength_text``; the
formats: ``formats``.)"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table

from events.places import country_name
from tracker.faces.formats import as_csv, as_json
from tracker.faces.strength_text import (
    EVIDENCE,
    UNASSIGNED,
    figure_text,
    label_of,
    strength_fields,
    strength_notes,
    strength_records,
    strength_table,
)

if TYPE_CHECKING:
    from datetime import date

    from events.reconcile import Gap
    from projections import HistoryRow
    from projections.audit import Presence
    from tracker.answers.forecast import Difference, Forecast
    from tracker.answers.ledger import LedgerRow
    from tracker.answers.records import MandateAnswer, ProjectionStatus

__all__ = [
    "EVIDENCE",
    "UNASSIGNED",
    "as_csv",
    "as_json",
    "strength_fields",
    "strength_notes",
    "strength_records",
    "strength_table",
]


def history_text(title: str, rows: list[HistoryRow]) -> str:
    """Events as blocks of lines (readable at 80 columns, and in a pipe), under ``title``."""
    lines = [f"{title}: {len(rows)} event(s)"]
    for row in rows:
        lines.append("")
        lines.append(f"{row.valid or '-':<11} {row.event_id}  {row.kind}: {row.summary}")
        source = row.source_title or "(no source)"
        if row.published_on:
            source += f" (published {row.published_on})"
        lines.append(f"{'':<11} source: {source}")
        if row.source_url:
            lines.append(f"{'':<11} {row.source_url}")
        if row.quote:
            lines.append(f'{"":<11} "{row.quote}"')
        if row.supersedes:
            lines.append(f"{'':<11} supersedes {row.supersedes}: {row.reason or ''}")
        if row.superseded_by:
            lines.append(f"{'':<11} superseded by {row.superseded_by}")
        lines.append(f"{'':<11} recorded {row.recorded_at[:19].replace('T', ' ')} UTC")
    return "\n".join(lines)


def reconcile_records(gaps: list[Gap]) -> list[dict[str, Any]]:
    return [
        {
            "valid": g.effective.isoformat(),
            "event_id": g.event_id,
            "contributor": g.contributor,
            "location": g.location,
            "personnel_type": g.personnel_type,
            "implied": g.implied if g.present else None,
            "implied_since": g.since.isoformat() if g.since else None,
            "reported": g.reported,
            "difference": g.difference,
            # False: a claim dated on the day of a UN report, shown beside the UN's figure of
            # that day (``implied``, on ``implied_since``), not counted in strength
            "counted": g.counted,
        }
        for g in gaps
    ]


def reconcile_text(mission: str, gaps: list[Gap], gaps_only: bool) -> str:
    shown = [g for g in gaps if not gaps_only or g.difference]
    counted = [g for g in gaps if g.counted]
    claims = len(gaps) - len(counted)
    lines = [
        f"{mission}: {len(counted)} report(s); {sum(1 for g in counted if g.difference)} with an "
        "unexplained difference from what the earlier events implied"
        + (
            f"; {claims} claim(s) dated on a UN report's day, beside its figure, not counted"
            if claims
            else ""
        )
    ]
    for g in shown:
        scope = " ".join(
            filter(None, [g.personnel_type, f"at {g.location}" if g.location else None])
        )
        if not g.counted:
            reported = "unknown" if g.reported is None else f"{g.reported:,}"
            beside = (
                f"the UN's figure of {g.since}: {g.implied:,}"
                if g.present and g.implied is not None
                else f"the UN reported that day ({g.since}) with no figure for this scope"
            )
            diff = f" (difference {g.difference:+,})" if g.difference is not None else ""
            lines.append(
                f"{g.effective}  {g.contributor} {scope or 'all personnel'}: claim {reported}, "
                f"not counted; {beside}{diff}  [{g.event_id}]"
            )
            continue
        if not g.present:
            before = "nothing recorded before"
        elif g.implied is None:
            before = "unknown before"
        else:
            before = f"implied {g.implied:,} (since {g.since})"
        reported = "unknown" if g.reported is None else f"{g.reported:,}"
        diff = f"  difference {g.difference:+,}" if g.difference is not None else ""
        lines.append(
            f"{g.effective}  {g.contributor} {scope or 'all personnel'}: {before}, "
            f"reported {reported}{diff}  [{g.event_id}]"
        )
    return "\n".join(lines)


def ledger_records(rows: list[LedgerRow]) -> list[dict[str, Any]]:
    return [
        {**asdict(r), "fulfilled_on": r.fulfilled_on.isoformat() if r.fulfilled_on else None}
        for r in rows
    ]


def _levels(r: LedgerRow, on: date) -> str | None:
    """The levels a row rests on, in words ("no figure" where there is none); None when
    there is neither: the row's note says why."""
    if r.level_then is None and r.level_now is None:
        return None
    then = "no figure" if r.level_then is None else f"{r.level_then:,}"
    now = "no figure" if r.level_now is None else f"{r.level_now:,}"
    return f"strength in its scope {then} then, {now} on {on}"


def ledger_text(mission: str, rows: list[LedgerRow], on: date) -> str:
    """Each announcement in three lines or more: its status and summary; the number announced
    (where one was: a suspension has none, a full withdrawal may give none) and the levels it
    was judged on; how it was judged (``note``, issue 27); its source."""
    lines = [f"{mission} announcements as of {on}: {len(rows)}"]
    for r in rows:
        lines.append("")
        lines.append(
            f"{r.valid:<11} {r.contributor}  {r.status.upper()}: {r.summary}  [{r.event_id}]"
        )
        parts = []
        if r.announced is not None:
            parts.append(f"announced {r.announced:,}")
        elif r.kind != "SuspensionAnnounced":
            parts.append("number not given")
        levels = _levels(r, on)
        if levels:
            parts.append(levels)
        done = f", done on {r.fulfilled_on}" if r.fulfilled_on else ""
        if r.late:
            done += f", after its target ({r.target})"
        if parts:
            lines.append(f"{'':<11} {'; '.join(parts)}{done}")
        if r.note:
            lines.append(f"{'':<11} note: {r.note}")
        published = f" (published {r.published_on})" if r.published_on else ""
        lines.append(f"{'':<11} source: {r.source_title}{published}")
        if r.source_url:
            lines.append(f"{'':<11} {r.source_url}")
    return "\n".join(lines)


def presence_text(mission: str, rows: list[Presence]) -> str:
    """Estimates by year and location: who, and the size the estimate gives."""
    lines = [f"{mission}: where contributors were, as estimated (sizes are coded unit sizes)"]
    current: tuple[int, str] | None = None
    for row in rows:
        if current is None or current[0] != row.year:
            lines.append(f"{row.year}")
        if current != (row.year, row.location):
            lines.append(f"  {row.location}:")
            current = (row.year, row.location)
        size = f"~{row.troops:,}" if row.troops is not None else "size not coded"
        lines.append(f"    {row.contributor} {country_name(row.contributor)}: {size}")
    if not rows:
        lines.append("no estimates recorded")
    return "\n".join(lines)


def projections_table(statuses: list[ProjectionStatus], console: Console) -> None:
    table = Table(box=box.SIMPLE_HEAD)
    for name in ("projection", "version", "position", "head", "behind", "file"):
        table.add_column(name, justify="left" if name in ("projection", "file") else "right")
    for s in statuses:
        label = s.name if s.built_in else f"{s.name} (yours)"
        table.add_row(
            label, str(s.version), f"{s.position:,}", f"{s.head:,}", f"{s.behind:,}", s.path
        )
    console.print(table)


def mandate_records(answer: MandateAnswer) -> list[dict[str, Any]]:
    """One record per ceiling of the mandate in force, with the day it began and the end of
    its period (``until``: None when none is recorded); none in force: one record saying so
    (``in_force`` false, the last mandate's resolution and the day it ended)."""
    mandate = answer.mandate
    if mandate is None:
        lapsed = answer.lapsed
        return [
            {
                "category": None,
                "ceiling": None,
                "actual": None,
                "reported": None,
                "resolution": lapsed.resolution if lapsed else None,
                "in_force": False,
                "ended_on": answer.lapsed_on.isoformat() if answer.lapsed_on else None,
            }
        ]
    return [
        {
            "category": c.category,
            "ceiling": c.ceiling,
            "actual": c.actual,
            "reported": c.reported,
            "resolution": mandate.resolution,
            "in_force": True,
            "ended_on": None,
            "valid_from": mandate.valid_from.isoformat(),
            "until": mandate.until.isoformat() if mandate.until else None,
        }
        for c in answer.checks
    ]


def mandate_text(answer: MandateAnswer) -> str:
    mandate = answer.mandate
    if mandate is None and answer.lapsed is not None:
        how = "ended" if answer.lapsed.ended_on else "ran to the end of its period"
        return (
            f"{answer.mission} on {answer.on}: no mandate in force - resolution "
            f"{answer.lapsed.resolution}'s mandate {how} on {answer.lapsed_on}, and no later "
            "one is recorded"
        )
    if mandate is None:
        return f"{answer.mission} on {answer.on}: no mandate with ceilings is recorded"
    until = f" to {mandate.until}" if mandate.until else ""
    lines = [
        f"{answer.mission} on {answer.on}: resolution {mandate.resolution}, from "
        f"{mandate.valid_from}{until}"
    ]
    if mandate.ended_on:
        lines.append(f"  the mandate ended on {mandate.ended_on}")
    age = mandate.unrenewed_years(answer.on)
    if age:
        lines.append(
            f"  no end is recorded for it, nor any renewal since: these ceilings are the last "
            f"recorded, {age} year(s) old (a mandate is usually renewed every year)"
        )
    for c in answer.checks:
        actual = "unknown" if c.actual is None else f"{c.actual:,}"
        share = f" ({c.share:.0%} of the ceiling)" if c.share is not None else ""
        when = f" on {answer.reported_total.as_of}" if answer.reported_total else ""
        reported = (
            f"; reported for the mission{when}: {c.reported:,}" if c.reported is not None else ""
        )
        lines.append(
            f"  {c.category.replace('_', ' ')}: ceiling {c.ceiling:,}; from the contributors' "
            f"figures {actual}{share}{reported}"
        )
    if answer.unspecified:
        lines.append(
            f"  {answer.unspecified:,} personnel of no given type (totals from the press) are "
            "in no category"
        )
    return "\n".join(lines)


FORECAST_EVIDENCE = ("from_changes", "figure_of", "approximate", "event_id", "announcements")


def forecast_records(answer: Forecast) -> list[dict[str, Any]]:
    """As strength's records: the ``--by`` keys and ``strength`` (the forecast), then the
    strength from changes alone, the evidence of the figures it starts from, and the
    announcements applied to the group (ids, ``;``-separated)."""
    records = [
        {
            **row.keys,
            "strength": row.forecast,
            "from_changes": row.from_changes,
            "figure_of": row.figure_of.isoformat() if row.figure_of else None,
            "approximate": row.approximate,
            "event_id": row.event_id,
            "announcements": ";".join(row.announcements) or None,
        }
        for row in answer.rows
    ]
    if not answer.by and not records:
        records = [{"strength": None, **dict.fromkeys(FORECAST_EVIDENCE)}]
    return records


def forecast_table(answer: Forecast, console: Console) -> None:
    known = f" as known at {answer.known_at}" if answer.known_at else ""
    console.print(f"{answer.mission} forecast for {answer.on}{known}", highlight=False)
    table = Table(box=box.SIMPLE_HEAD)
    for dimension in answer.by or ("",):
        table.add_column(dimension.replace("_", " "))
    for name in ("from changes", "forecast", "figure of"):
        table.add_column(name, justify="right")
    table.add_column("announcements applied")
    for row in answer.rows:
        if answer.by and row.from_changes == row.forecast:
            continue  # groups no announcement changes are summed up below, not listed
        keys = [label_of(d, row.keys[d]) for d in answer.by] or ["total"]
        table.add_row(
            *keys,
            figure_text(row.from_changes, row.approximate),
            figure_text(row.forecast, row.approximate),
            row.figure_of.isoformat() if row.figure_of else "",
            ", ".join(row.announcements),
        )
    console.print(table)
    notes = []
    if answer.by:
        notes.append("groups that no announcement changes are not listed (--format csv lists them)")
    notes.append(f"announcements that make the difference: {len(answer.applied)}")
    for a in answer.applied:
        notes.append(f"  {a.valid:<11} {a.contributor}  {a.summary}  [{a.event_id}]")
        notes.append(f"  {'':<11} source: {source_text(a.source_title, a.published_on)}")
    if answer.undated:
        names = ", ".join(f"{a.contributor} {a.event_id}" for a in answer.undated)
        notes.append(f"pending with no target date (not applied): {names}")
    for note in notes:
        console.print(f"  {note}", highlight=False)


def source_text(title: str | None, published_on: object) -> str:
    """An event's source as a line says it (an event recorded without one says so)."""
    if not title:
        return "none given"
    return f"{title} (published {published_on})" if published_on else title


def diff_records(differences: list[Difference]) -> list[dict[str, Any]]:
    return [
        {
            "contributor": d.contributor,
            "location": d.location,
            "before": d.before,
            "after": d.after,
            "events": [e.event_id for e in d.events],
        }
        for d in differences
    ]


def diff_text(mission: str, on: date, differences: list[Difference]) -> str:
    lines = [f"{mission} strength on {on}: {len(differences)} difference(s)"]
    for d in differences:
        where = f" at {d.location}" if d.location else ""
        lines.append(
            f"{d.contributor}{where}: {figure_text(d.before, False)} -> "
            f"{figure_text(d.after, False)}"
        )
        for e in d.events:
            lines.append(f"    {e.valid or '-':<11} {e.event_id}  {e.kind}: {e.summary}")
            lines.append(f"    {'':<11} source: {source_text(e.source_title, e.published_on)}")
        if not d.events:
            lines.append("    (no event of that contributor in between: a change elsewhere)")
    return "\n".join(lines)


def records_table(
    records: list[dict[str, Any]],
    fields: list[str],
    console: Console,
    wrap: tuple[str, ...] = (),
) -> None:
    """Plain records as a terminal table (unknown: "unknown"; a missing key: blank); given
    ``wrap`` (a name, say), only those fields wrap in a narrow terminal: the others, dates
    and codes, are never cut."""
    table = Table(box=box.SIMPLE_HEAD)
    for name in fields:
        widest = max((len(str(r.get(name) or "")) for r in records), default=0)
        kept = bool(wrap) and name not in wrap
        table.add_column(name.replace("_", " "), no_wrap=kept, min_width=widest if kept else None)
    for record in records:
        cells = []
        for name in fields:
            value = record.get(name)
            if name == "strength":
                cells.append(figure_text(value, bool(record.get("approximate"))))
            elif name in ("contributor", "location", "region", "personnel_type"):
                cells.append(label_of(name, value))
            else:
                cells.append("" if value is None else str(value))
        table.add_row(*cells)
    console.print(table)
