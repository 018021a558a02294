"""Questions: strength, forecast, diff, history, reconcile, announcements, presence,
mandates, search. Each parses, calls one Tracker method, renders."""

from __future__ import annotations

import typing
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

import click

from events.values import country_code
from tracker.answers.ledger import STATUSES
from tracker.cli.base import UserError, cli, console, open_tracker
from tracker.cli.options import (
    DAY,
    asked,
    by_option,
    contributor_option,
    contributors_option,
    emit,
    estimate_option,
    format_option,
    on_option,
    stamp_option,
    time_axes,
)
from tracker.faces import render


@cli.command()
@format_option
@click.pass_context
def missions(ctx: click.Context, fmt: str) -> None:
    """The missions in the store: name, host country, established and closed, how many
    contributors the record names, and the first and last UN report."""
    rows = [asdict(m) for m in open_tracker(ctx).missions()]
    if fmt == "table":
        for row in rows:  # every host, where a mission has several
            row["host"] = ", ".join(row.pop("hosts")) or row["host"]
        fields = ["mission", "name", "host", "established", "closed", "successor"]
        fields += ["first_report", "last_report"]  # (contributors and reports: CSV, JSON)
        render.records_table(rows, fields, console(), wrap=("name", "host"))
        if not rows:
            click.echo("  the store has no mission yet: 'tracker seed' loads MINUSMA's record")
        return
    emit(rows, fmt)


@cli.command()
@click.argument("mission")
@on_option
@by_option
@contributors_option
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="In the table, list the rows at 0 too (contributors that left); CSV and JSON always do.",
)
@time_axes
@estimate_option
@format_option
@stamp_option
@click.pass_context
def strength(
    ctx: click.Context,
    mission: str,
    on: datetime,
    by: tuple[str, ...],
    contributors: tuple[str, ...],
    show_all: bool,
    known_at: datetime | None,
    recorded_at: str | None,
    estimate: bool,
    fmt: str,
    stamp: bool,
) -> None:
    """Strength of MISSION on a date, in total or by contributor, location, region and
    personnel type; as then known (--known-at) or as this store said (--recorded-at). Unknown
    figures are shown as unknown (null in JSON), never as 0. Every row carries the day its
    figure was set, whether the source rounded it, and the event that set it. With
    --estimate, what no source locates is placed by the estimate from the UN's deployment maps,
    and every row says whether it was."""
    dims = tuple(typing.cast("Any", d.replace("-", "_")) for d in by)
    known = known_at.date() if known_at else None
    tracker = open_tracker(ctx)
    answer = tracker.strength(
        mission, on.date(), dims, known, recorded_at, contributors, estimate=estimate
    )
    records = render.strength_records(answer)
    if fmt == "table":
        among = tuple(dict.fromkeys(country_code(c) for c in contributors))  # valid: answered
        render.strength_table(answer, console(), show_all=show_all, among=among)
        return
    query = asked("strength", answer.mission, on, dims, known, answer.recorded_at)
    if contributors:
        query["contributors"] = list(contributors)
    if answer.method:
        query["estimate"] = {"method": answer.method.name, "version": answer.method.version}
    stamped = tracker.stamp(answer.position, "strength", answer.version, query)
    emit(records, fmt, stamped if stamp else None, render.strength_fields(answer))


@cli.command()
@click.argument("mission")
@on_option
@by_option
@time_axes
@format_option
@stamp_option
@click.pass_context
def forecast(
    ctx: click.Context,
    mission: str,
    on: datetime,
    by: tuple[str, ...],
    known_at: datetime | None,
    recorded_at: str | None,
    fmt: str,
    stamp: bool,
) -> None:
    """Strength of MISSION on a date if every pending announcement (as known at --known-at)
    happens on its target date, next to the strength from changes alone, with the
    announcements that make the difference. JSON and CSV as for strength."""
    dims = tuple(typing.cast("Any", d.replace("-", "_")) for d in by)
    known = known_at.date() if known_at else None
    tracker = open_tracker(ctx)
    answer = tracker.forecast(mission, on.date(), dims, known, recorded_at)
    if fmt == "table":
        render.forecast_table(answer, console())
        return
    records = render.forecast_records(answer)
    query = asked("forecast", answer.mission, on, dims, known, recorded_at)
    view = tracker.strength_view
    stamped = tracker.stamp(view.position(tracker.name), view.name, view.version, query)
    fields = [*dims, "strength", *render.FORECAST_EVIDENCE]
    emit(records, fmt, stamped if stamp else None, fields)


@cli.command()
@click.argument("mission")
@on_option
@click.option("--known-at", type=DAY, help="First knowledge date.")
@click.option("--recorded-at", help="First store time (ISO date or date and time).")
@click.option("--vs", "other", required=True, help="The second date (or time) to compare with.")
@format_option
@click.pass_context
def diff(
    ctx: click.Context,
    mission: str,
    on: datetime,
    known_at: datetime | None,
    recorded_at: str | None,
    other: str,
    fmt: str,
) -> None:
    """What changed: every contributor and location of MISSION whose strength on a date
    differs as known at --known-at and at --vs (or as recorded at --recorded-at and at --vs),
    with the events, and their sources, that explain each difference."""
    tracker = open_tracker(ctx)
    if (known_at is None) == (recorded_at is None):
        raise UserError("give either --known-at or --recorded-at, and --vs")
    if known_at is not None:
        try:
            second = date.fromisoformat(other)
        except ValueError:
            raise UserError(f"--vs {other!r}: give a date, YYYY-MM-DD") from None
        differences = tracker.diff(mission, on.date(), known=(known_at.date(), second))
    else:
        differences = tracker.diff(mission, on.date(), recorded=(recorded_at or "", other))
    if fmt == "table":
        click.echo(render.diff_text(mission.upper(), on.date(), differences))
    else:
        emit(render.diff_records(differences), fmt)


@cli.command()
@click.argument("mission")
@contributor_option
@click.option(
    "--only",
    multiple=True,
    type=click.Choice(["announcement", "change", "incident", "mission", "retraction"]),
    help="Only events of this category; repeat for several.",
)
@format_option
@click.pass_context
def history(
    ctx: click.Context, mission: str, contributor: str | None, only: tuple[str, ...], fmt: str
) -> None:
    """The audit trail of MISSION: every event in valid-time order, with its recorded time,
    source, and what it superseded."""
    rows = open_tracker(ctx).history(mission, contributor, only)
    if fmt == "table":
        click.echo(render.history_text(f"{mission.upper()} history, in valid-time order", rows))
    else:
        emit([asdict(row) for row in rows], fmt)


@cli.command()
@click.argument("mission")
@contributor_option
@click.option("--gaps-only", is_flag=True, help="Only the reports the record does not explain.")
@format_option
@click.pass_context
def reconcile(
    ctx: click.Context, mission: str, contributor: str | None, gaps_only: bool, fmt: str
) -> None:
    """Each report of MISSION against the strength the earlier events implied: the
    unexplained difference shows where the record is incomplete."""
    gaps = open_tracker(ctx).reconcile(mission, contributor)
    if fmt == "table":
        click.echo(render.reconcile_text(mission.upper(), gaps, gaps_only))
        return
    emit([r for r in render.reconcile_records(gaps) if not gaps_only or r["difference"]], fmt)


@cli.command()
@click.argument("mission")
@contributor_option
@click.option(
    "--status",
    multiple=True,
    type=click.Choice(list(STATUSES)),
    help="Only announcements with this status; repeat for several.",
)
@click.option(
    "--on",
    "on",
    type=DAY,
    help="Status as of this date (default: today).",
)
@time_axes
@format_option
@click.pass_context
def announcements(
    ctx: click.Context,
    mission: str,
    contributor: str | None,
    status: tuple[str, ...],
    on: datetime | None,
    known_at: datetime | None,
    recorded_at: str | None,
    fmt: str,
) -> None:
    """Every announcement of MISSION made by a date, with its source, target and status
    against what the record shows happened: pending, under way, fulfilled, partly done,
    overdue, overtaken by closure, revised, retracted; a suspension is under way until it is
    lifted (a source says it was taken up again), ended with the mission (in force when the
    mission closed) or ended (its contributor's figures at 0); cannot be judged: no figure
    to judge it by, never overdue for want of one. Each row's note says how it was judged
    (the figures give no places: judged on the contributor's personnel of that type)."""
    day = on.date() if on else date.today()
    known = known_at.date() if known_at else None
    rows = open_tracker(ctx).announcements(mission, contributor, status, day, known, recorded_at)
    if fmt == "table":
        click.echo(render.ledger_text(mission.upper(), rows, day))
        return
    emit(render.ledger_records(rows), fmt)


@cli.command()
@click.argument("mission")
@click.option("--year", type=int, help="Only this year.")
@contributor_option
@format_option
@click.pass_context
def presence(
    ctx: click.Context, mission: str, year: int | None, contributor: str | None, fmt: str
) -> None:
    """Where contributors of MISSION were, year by year, as estimated (Geo-PKO's coding of
    UN deployment maps): where, not how many; estimates never change strength."""
    rows = open_tracker(ctx).presence(mission, year, contributor)
    if fmt == "table":
        click.echo(render.presence_text(mission.upper(), rows))
    else:
        emit([asdict(row) for row in rows], fmt)


@cli.command()
@click.argument("mission")
@on_option
@format_option
@click.pass_context
def mandates(ctx: click.Context, mission: str, on: datetime, fmt: str) -> None:
    """The mandate of MISSION in force on a date: its authorised ceilings against the strength
    the contributors' figures give, and against the mission-wide figure reported."""
    answer = open_tracker(ctx).mandate(mission, on.date())
    if fmt == "table":
        click.echo(render.mandate_text(answer))
    else:
        emit(render.mandate_records(answer), fmt)


MOST_EVENTS = 10_000  # a search lists at most (Tracker.search's MAX_LIMIT)


@cli.command()
@click.argument("text")
@click.option("--mission", help="Only this mission.")
@click.option(
    "--limit",
    default=50,
    show_default=True,
    type=click.IntRange(1, MOST_EVENTS),
    help="At most this many events (1 to 10,000).",
)
@format_option
@click.pass_context
def search(ctx: click.Context, text: str, mission: str | None, limit: int, fmt: str) -> None:
    """Search the audit trail for TEXT (words, "a phrase", OR, prefix*): ids, kinds,
    contributors, summaries, sources, quotes and reasons; a country by any of its names
    (Ivory Coast, CIV). The announcements first, then what happened (withdrawals,
    deployments, incidents), then the monthly figures, best match first in each; it says
    when more matched than --limit."""
    found = open_tracker(ctx).search(text, mission, limit)
    more = (
        f"--limit {found.matched} lists them all"
        if found.matched <= MOST_EVENTS
        else f"--limit {MOST_EVENTS} lists the first {MOST_EVENTS:,}; add words or --mission "
        "to narrow it"
    )
    notes = found.notes(more)
    if fmt == "table":
        title = f"search {text!r}, announcements first, then events, then figures"
        click.echo(render.history_text(title, list(found)))
        if notes:
            click.echo("")
        for note in notes:
            click.echo(f"  {note}")
    else:
        emit([asdict(row) for row in found], fmt)
        if found.cut:  # where the list was cut, beside the data (the countries: in the rows)
            click.echo(f"Note: {notes[-1]}", err=True)
