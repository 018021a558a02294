"""Rendering answers as a table (rich), CSV or JSON. Pure functions of typed rows."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import date

    from events.reconcile import Gap
    from projections import StrengthRow
    from projections.audit import Presence
    from tracker.answers.forecast import Difference, Forecast
    from tracker.answers.ledger import LedgerRow
    from tracker.answers.records import MandateAnswer, ProjectionStatus

from rich import box
from rich.console import Console
from rich.table import Table

from events.values import country_name

if TYPE_CHECKING:
    from projections import HistoryRow
    from tracker.answers.records import StrengthAnswer

UNASSIGNED = {
    "location": "(unassigned)",
    "region": "(unassigned)",
    "personnel_type": "(unspecified)",
}


def strength_records(answer: StrengthAnswer) -> list[dict[str, Any]]:
    """The JSON contract: one object per group, its ``--by`` keys plus ``strength`` (an int, or
    null where unknown); no ``--by``: one object with the mission total (null if any part of
    it is unknown, or if nothing at all is known on that date)."""
    if not answer.by:
        if not answer.rows:
            return [{"strength": None}]
        return [{"strength": answer.rows[0].strength}]
    return [{**row.keys(answer.by), "strength": row.strength} for row in answer.rows]


def as_json(records: Any) -> str:
    return json.dumps(records, ensure_ascii=False)


def as_csv(records: list[dict[str, Any]], fields: list[str] | None = None) -> str:
    """CSV of plain records (header first); text a spreadsheet would run as a formula is
    quoted, and an unknown figure is an empty cell."""
    names = fields if fields is not None else list(records[0]) if records else []
    if not names:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else _safe_cell(v) for k, v in record.items()})
    return out.getvalue()


def _figure(strength: int | None, approximate: bool) -> str:
    if strength is None:
        return "unknown"
    return f"~{strength:,}" if approximate else f"{strength:,}"


def _since(day: date) -> str:
    return day.isoformat()


def _label(dimension: str, value: str | None) -> str:
    if value is None:
        return UNASSIGNED[dimension]
    if dimension == "contributor":
        return f"{value} {country_name(value)}"
    return value.replace("_", " ") if dimension == "personnel_type" else value


def strength_table(answer: StrengthAnswer, console: Console) -> None:
    axes = "".join(
        [
            f" as known at {answer.known_at}" if answer.known_at else "",
            f" as recorded at {answer.recorded_at}" if answer.recorded_at else "",
        ]
    )
    console.print(f"{answer.mission} strength on {answer.on.isoformat()}{axes}", highlight=False)
    table = Table(box=box.SIMPLE_HEAD)
    for dimension in answer.by or ("",):
        table.add_column(dimension.replace("_", " "))
    table.add_column("strength", justify="right")
    table.add_column("figure of", justify="right")
    # Rows at 0 (contributors or parts that left) are summed up below, not listed one by one.
    gone = [r for r in answer.rows if r.strength == 0]
    if answer.by:
        for row in answer.rows:
            if row not in gone:
                labels = [_label(d, getattr(row, d)) for d in answer.by]
                table.add_row(*labels, _figure(row.strength, row.approximate), _since(row.since))
        table.add_section()
    total = _figure(answer.total, answer.approximate) if answer.rows else "no figure"
    oldest = min((r.since for r in answer.rows if r.strength != 0), default=None)
    table.add_row("total", *[""] * (len(answer.by) - 1), total, _since(oldest) if oldest else "")
    console.print(table)
    for note in strength_notes(answer, gone):
        console.print(f"  {note}", highlight=False)


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
    if answer.unknown:
        names = ", ".join(answer.unknown)
        count = len(answer.unknown)
        notes.append(
            f"the total excludes {count} contributor(s) present with unknown strength: {names}"
        )
    place = next((d for d in answer.by if d in ("location", "region")), None)
    if place is not None and answer.rows:
        unassigned = sum(r.known for r in answer.rows if getattr(r, place) is None)
        notes.append(
            f"located: {answer.total - unassigned:,}; unassigned (no {place} in the sources): "
            f"{unassigned:,}"
        )
    if not answer.rows:
        notes.append("no strength figure is recorded for this date")
    reported = answer.reported_total
    if reported is not None:
        parts = [f"{k.replace('_', ' ')} {v:,}" for k, v in reported.categories.items()]
        figure = _figure(reported.strength, reported.approximate) if reported.strength else ""
        what = ", ".join(filter(None, [figure, *parts]))
        notes.append(
            f"reported for the whole mission on {reported.as_of}: {what} ({reported.event_id})"
        )
    return notes


def _safe_cell(value: Any) -> Any:
    """Keep spreadsheet programs from running a field as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


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
            # False: a claim in a month the UN reported, shown beside the UN's figure of that
            # month (``implied``, on ``implied_since``), not counted in strength
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
            f"; {claims} claim(s) beside the UN's figure of their month, not counted"
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
                else f"the UN reported this month ({g.since}) with no figure for this scope"
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


def _number(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def ledger_text(mission: str, rows: list[LedgerRow], on: date) -> str:
    lines = [f"{mission} announcements as of {on}: {len(rows)}"]
    for r in rows:
        lines.append("")
        lines.append(
            f"{r.valid:<11} {r.contributor}  {r.status.upper()}: {r.summary}  [{r.event_id}]"
        )
        done = f", done on {r.fulfilled_on}" if r.fulfilled_on else ""
        lines.append(
            f"{'':<11} announced {_number(r.announced)}; strength in its scope "
            f"{_number(r.level_then)} then, {_number(r.level_now)} on {on}{done}"
        )
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
    mandate = answer.mandate
    return [
        {
            "category": c.category,
            "ceiling": c.ceiling,
            "actual": c.actual,
            "reported": c.reported,
            "resolution": mandate.resolution if mandate else None,
        }
        for c in answer.checks
    ]


def mandate_text(answer: MandateAnswer) -> str:
    mandate = answer.mandate
    if mandate is None:
        return f"{answer.mission} on {answer.on}: no mandate with ceilings is recorded"
    until = f" to {mandate.until}" if mandate.until else ""
    lines = [
        f"{answer.mission} on {answer.on}: resolution {mandate.resolution}, from "
        f"{mandate.valid_from}{until}"
    ]
    if mandate.ended_on:
        lines.append(f"  the mandate ended on {mandate.ended_on}")
    for c in answer.checks:
        actual = "unknown" if c.actual is None else f"{c.actual:,}"
        share = f" ({c.share:.0%} of the ceiling)" if c.share is not None else ""
        reported = f"; reported for the mission: {c.reported:,}" if c.reported is not None else ""
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


def forecast_text(answer: Forecast) -> str:
    known = f" as known at {answer.known_at}" if answer.known_at else ""
    lines = [f"{answer.mission} forecast for {answer.on}{known}"]
    header = [*(d.replace("_", " ") for d in answer.by), "from changes", "forecast"]
    lines.append("  " + " | ".join(header))
    for row in answer.rows:
        keys = [_label(d, row.keys[d]) for d in answer.by]
        numbers = [_figure(row.from_changes, False), _figure(row.forecast, False)]
        if row.from_changes != row.forecast or not answer.by:
            lines.append("  " + " | ".join([*keys, *numbers]))
    if answer.by:
        lines.append("  (groups that no announcement changes are not listed)")
    lines.append(f"announcements that make the difference: {len(answer.applied)}")
    for a in answer.applied:
        lines.append(f"  {a.valid:<11} {a.contributor}  {a.summary}  [{a.event_id}]")
        lines.append(f"  {'':<11} source: {a.source_title} (published {a.published_on})")
    if answer.undated:
        names = ", ".join(f"{a.contributor} {a.event_id}" for a in answer.undated)
        lines.append(f"pending with no target date (not applied): {names}")
    return "\n".join(lines)


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
            f"{d.contributor}{where}: {_figure(d.before, False)} -> {_figure(d.after, False)}"
        )
        for e in d.events:
            lines.append(f"    {e.valid or '-':<11} {e.event_id}  {e.kind}: {e.summary}")
            lines.append(f"    {'':<11} source: {e.source_title} (published {e.published_on})")
        if not d.events:
            lines.append("    (no event of that contributor in between: a change elsewhere)")
    return "\n".join(lines)
