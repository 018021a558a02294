"""The command line: parse, call one ``Tracker`` method, render. Nothing else lives here."""

from __future__ import annotations

import importlib.util
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import types
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from eventsourcing.persistence import PersistenceError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress

from events.errors import TrackerError
from events.values import EARLIEST, LATEST, ValidDate
from projections import DIMENSIONS
from projections.engine import Progress
from tracker import render
from tracker.application import Tracker
from tracker.charts import announced_vs_actual_chart, strength_chart, strength_map
from tracker.config import StoreConfig
from tracker.integrity import restore_sqlite
from tracker.kinds import CONTINGENT_KINDS, MISSION_KINDS, SHARED_KINDS
from tracker.ledger import STATUSES
from tracker.web import datasette_command

FIELD_HELP = {
    "valid": "When it happened or takes effect (valid time)",
    "corrects": "Id of an earlier event of the same kind that this one corrects",
    "reason": "Why (required with --corrects)",
    "count": "Number of personnel",
    "strength": "Reported level (leave out: present, figure not published)",
    "personnel_type": "UN personnel type (leave out when the source gives a total)",
    "location": "Location (aliases accepted: Timbuktu, Menaka)",
    "to_location": "Destination location",
    "approximate": "The source rounded the figure ('about 1,100')",
    "inferred": "Inferred from the source rather than stated by it",
    "target": "Target date (by when, or from when)",
    "full": "The whole contingent",
    "increase": "A reinforcement of a contingent already there",
    "kind": "Kind of incident",
    "description": "What happened",
    "killed": "Number killed",
    "injured": "Number injured",
    "detained": "Number detained",
    "resolution": "Security Council resolution number",
    "ceilings": "Authorised ceiling",
    "until": "End of the mandate period",
    "withdrawal_by": "Date by which the withdrawal is to be done",
    "name": "Full name of the mission",
    "host": "Host country: ISO 3166 alpha-3 code or name",
    "retracts": "Id of the event withdrawn from the record",
}
BASE_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic"}
SOURCE_OPTIONS = ("source_title", "source_url", "published_on", "quote")


class UserError(click.ClickException):
    """Bad input or a refused command: one line, exit status 2, nothing written."""

    exit_code = 2


def store_problem(error: BaseException) -> str:
    """What a failure of the store or a view's file means, and what to do about it."""
    said = " ".join(str(error).split()) or type(error).__name__
    low = said.lower()
    if "locked" in low or "lock timeout" in low:
        return (
            f"the store is locked by another process ({said}): nothing was written; try again "
            "when it has finished"
        )
    if "readonly" in low or "read-only" in low or "permission denied" in low:
        return f"the store or its views cannot be written ({said}): nothing was written"
    if "full" in low or "file too large" in low or "no space" in low:
        return (
            f"the disk is full ({said}): nothing was written; free some space and run the "
            "command again"
        )
    if "disk i/o error" in low:
        return (
            f"writing to the disk failed ({said}: is it full, or failing?): nothing was "
            "written; free some space and run the command again"
        )
    if "not a database" in low or "malformed" in low:
        return f"a file is not a tracker database ({said}): check --db, or restore a backup"
    return f"the store could not be used: {said}"


class TrackerGroup(click.Group):
    """Turns expected failures into one line: input errors exit 2, store errors exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrackerError as error:
            raise UserError(str(error)) from None
        except (PersistenceError, sqlite3.Error, OSError) as error:
            raise click.ClickException(store_problem(error)) from None

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """As click's, but a usage error is one line too (with where to find help)."""
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx else "tracker"
            message = " ".join(error.format_message().split())
            click.echo(f"Error: {message} (see '{command} --help')", err=True)
            sys.exit(error.exit_code)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


def open_tracker(ctx: click.Context, *, create: bool = False) -> Tracker:
    """The tracker of ``--db``, closed when the command ends. Only commands that write may
    create a store: a mistyped path for a query is an error, not a new empty store."""
    db: str | None = ctx.obj["db"]
    shown = StoreConfig.resolve(db).display()
    try:
        tracker = Tracker(db, create=create, views_dir=ctx.obj["views_dir"])
    except (PersistenceError, sqlite3.Error, OSError) as error:
        raise click.ClickException(
            f"cannot open the store {shown!r}: {store_problem(error)}"
        ) from None
    ctx.call_on_close(lambda: _finish(tracker, wrote=create))
    return tracker


def _finish(tracker: Tracker, wrote: bool) -> None:
    """After a command: bring every view up to date if it wrote (so the files an analyst
    opens are current), tell what happened behind it, close."""
    if wrote and sys.exc_info()[0] is None:
        try:
            tracker.catch_up()
        except (PersistenceError, sqlite3.Error, OSError) as error:
            tracker.close()
            raise click.ClickException(
                "the events were recorded, but the views could not be brought up to date "
                f"({' '.join(str(error).split())}); they catch up on the next command"
            ) from None
    for notice in tracker.notices():
        click.echo(f"Note: {notice}", err=True)
    tracker.close()


@click.group(cls=TrackerGroup, name="tracker")
@click.version_option(package_name="peacekeeping-tracker")
@click.option(
    "--db",
    envvar="TRACKER_DB",
    type=click.Path(dir_okay=False),
    help="SQLite file of the event store (default: $TRACKER_DB, else ./tracker.db). "
    "Views are kept beside it.",
)
@click.option(
    "--database-url",
    envvar="TRACKER_DATABASE_URL",
    metavar="URL",
    help="A shared event store on PostgreSQL: postgresql://user:password@host:port/database "
    "(or set TRACKER_DATABASE_URL, which keeps the password off the command line).",
)
@click.option(
    "--views-dir",
    envvar="TRACKER_VIEWS_DIR",
    type=click.Path(file_okay=False),
    help="Where the views of a PostgreSQL store live (default: the current folder).",
)
@click.pass_context
def cli(
    ctx: click.Context, db: str | None, database_url: str | None, views_dir: str | None
) -> None:
    """Event-sourced tracker of UN peacekeeping troop strength by contributing country,
    location and personnel type, on any date."""
    ctx.obj = {"db": database_url or db, "views_dir": views_dir}


def console() -> Console:
    """Tables at the terminal's width; 120 columns in a pipe (rich would take 80)."""
    return Console(width=None if sys.stdout.isatty() else 120)


def contributor_option(f: Any) -> Any:
    return click.option("--contributor", help="Only this contributor (ISO 3166 alpha-3 or name).")(
        f
    )


def asked(
    command: str,
    mission: str,
    on: datetime,
    by: tuple[str, ...],
    known: date | None,
    recorded_at: str | None,
) -> dict[str, Any]:
    """The query, as a stamp records it."""
    return {
        "command": command,
        "mission": mission,
        "on": on.date().isoformat(),
        "by": list(by),
        "known_at": known.isoformat() if known else None,
        "recorded_at": recorded_at,
    }


def emit(
    records: list[dict[str, Any]],
    fmt: str,
    stamp: dict[str, Any] | None = None,
    fields: list[str] | None = None,
) -> None:
    """Print plain records as JSON (one array; with a stamp, {"stamp": ..., "rows": [...]}) or
    CSV (with a stamp, '# stamp: {...}' first)."""
    if fmt == "json":
        click.echo(
            render.as_json(records)
            if stamp is None
            else render.as_json({"stamp": stamp, "rows": records})
        )
        return
    if stamp is not None:
        click.echo(f"# stamp: {render.as_json(stamp)}")
    click.echo(render.as_csv(records, fields), nl=False)


class Day(click.ParamType):  # type: ignore[type-arg]
    """A day, YYYY-MM-DD, within the dates the tracker holds (1945 to 2099): 0025-01-01 or
    2023-02-30 are errors, not empty answers. Given as a datetime, as click.DateTime does."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        try:
            parsed = datetime.strptime(text, "%Y-%m-%d")
        except ValueError:
            self.fail(f"{text[:40]!r} is not a date: give YYYY-MM-DD (a real day)", param, ctx)
        if not EARLIEST <= parsed.date() <= LATEST:
            self.fail(f"{text!r}: give a date from {EARLIEST} to {LATEST}", param, ctx)
        return parsed


DAY = Day()


def from_to(f: Any) -> Any:
    """--from and --to: the first and last dates of a series."""
    day = DAY
    f = click.option("--to", "end", required=True, type=day, help="Last date.")(f)
    return click.option("--from", "start", required=True, type=day, help="First date.")(f)


def on_option(f: Any) -> Any:
    return click.option(
        "--on",
        "on",
        required=True,
        type=DAY,
        help="The date (valid time), YYYY-MM-DD.",
    )(f)


def format_option(f: Any) -> Any:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json"]),
        default="table",
        show_default=True,
        help="Output format.",
    )(f)


def by_option(f: Any) -> Any:
    return click.option(
        "--by",
        multiple=True,
        type=click.Choice([d.replace("_", "-") for d in DIMENSIONS]),
        help="Group by this; repeat to group by several.",
    )(f)


def time_axes(f: Any) -> Any:
    """--known-at and --recorded-at: the knowledge and recorded time axes."""
    f = click.option(
        "--recorded-at",
        help="What this store said at that time (ISO date or date and time; a date means the "
        "end of that day, UTC).",
    )(f)
    return click.option(
        "--known-at",
        type=DAY,
        help="Only what had been published by that day (sources' publication dates).",
    )(f)


def stamp_option(f: Any) -> Any:
    return click.option(
        "--stamp",
        is_flag=True,
        help="With json or csv: add the log position, the hash chain's link there, the "
        "projection and the query, so the figures can be derived again exactly and the history "
        "behind them checked ('tracker verify --expect').",
    )(f)


@cli.command()
@click.argument("mission")
@on_option
@by_option
@time_axes
@format_option
@stamp_option
@click.pass_context
def strength(
    ctx: click.Context,
    mission: str,
    on: datetime,
    by: tuple[str, ...],
    known_at: datetime | None,
    recorded_at: str | None,
    fmt: str,
    stamp: bool,
) -> None:
    """Strength of MISSION on a date, in total or by contributor, location, region and
    personnel type; as then known (--known-at) or as this store said (--recorded-at). Unknown
    figures are shown as unknown (null in JSON), never as 0."""
    dims = tuple(typing.cast("Any", d.replace("-", "_")) for d in by)
    known = known_at.date() if known_at else None
    tracker = open_tracker(ctx)
    answer = tracker.strength(mission, on.date(), dims, known, recorded_at)
    records = render.strength_records(answer)
    if fmt == "table":
        render.strength_table(answer, console())
        return
    query = asked("strength", answer.mission, on, dims, known, answer.recorded_at)
    stamped = tracker.stamp(answer.position, "strength", answer.version, query)
    emit(records, fmt, stamped if stamp else None, [*dims, "strength"])


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
        click.echo(render.forecast_text(answer))
        return
    records = [{**row.keys, "strength": row.forecast} for row in answer.rows]
    if not dims:
        records = records or [{"strength": None}]
    query = asked("forecast", answer.mission, on, dims, known, recorded_at)
    view = tracker.strength_view
    stamped = tracker.stamp(view.position(tracker.name), view.name, view.version, query)
    emit(records, fmt, stamped if stamp else None, [*dims, "strength"])


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
@format_option
@click.pass_context
def announcements(
    ctx: click.Context,
    mission: str,
    contributor: str | None,
    status: tuple[str, ...],
    on: datetime | None,
    fmt: str,
) -> None:
    """Every announcement of MISSION with its source, target and status against what the
    record shows happened: pending, under way, fulfilled, overdue, revised, retracted."""
    day = on.date() if on else date.today()
    rows = open_tracker(ctx).announcements(mission, contributor, status, day)
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


@cli.command()
@click.argument("text")
@click.option("--mission", help="Only this mission.")
@click.option("--limit", default=50, show_default=True, help="At most this many events.")
@format_option
@click.pass_context
def search(ctx: click.Context, text: str, mission: str | None, limit: int, fmt: str) -> None:
    """Search the audit trail for TEXT (words, "a phrase", OR, prefix*): ids, kinds,
    contributors, summaries, sources, quotes and reasons, best match first."""
    rows = open_tracker(ctx).search(text, mission, limit)
    if fmt == "table":
        click.echo(render.history_text(f"search {text!r}, best match first", rows))
    else:
        emit([asdict(row) for row in rows], fmt)


@cli.group()
def projections() -> None:
    """The read models: list them, rebuild one, add your own."""


@projections.command(name="list")
@format_option
@click.pass_context
def projections_list(ctx: click.Context, fmt: str) -> None:
    """Each projection: version, file, position, the log's head and how far behind it is."""
    statuses = open_tracker(ctx.find_root()).projections()
    if fmt == "table":
        render.projections_table(statuses, console())
    else:
        emit([asdict(s) for s in statuses], fmt)


@projections.command(name="rebuild")
@click.argument("name")
@click.pass_context
def projections_rebuild(ctx: click.Context, name: str) -> None:
    """Rebuild projection NAME from the start of the log, side by side: queries keep the old
    one until the new one replaces it in one step; a failed rebuild leaves the old one."""
    tracker = open_tracker(ctx.find_root())
    with progress_bar(f"rebuilding {name}") as progress, timer() as took:
        count = tracker.rebuild_projection(name, progress)
    click.echo(f"Rebuilt {name}: {count:,} events in {took():.1f} s ({rate(count, took())})")


@projections.command(name="add")
@click.argument("spec", metavar="MODULE:CLASS")
@click.pass_context
def projections_add(ctx: click.Context, spec: str) -> None:
    """Register your projection class MODULE:CLASS for this store, replay the log into it, and
    keep it caught up from then on like the built-in ones."""
    tracker = open_tracker(ctx.find_root())
    with progress_bar(f"replaying into {spec}") as progress, timer() as took:
        count = tracker.add_projection(spec, progress)
    click.echo(f"Added {spec}: {count:,} events in {took():.1f} s ({rate(count, took())})")


@cli.command()
@click.option("--projection", "spec", required=True, metavar="MODULE:CLASS", help="Your class.")
@click.option("--into", type=click.Path(dir_okay=False), help="The SQLite file to build.")
@click.pass_context
def replay(ctx: click.Context, spec: str, into: str | None) -> None:
    """Replay the whole event log into your own projection class MODULE:CLASS (any module
    importable from here), into a file of its own."""
    tracker = open_tracker(ctx)
    with progress_bar(f"replaying into {spec}") as progress, timer() as took:
        projection, count = tracker.replay(spec, into, progress)
    click.echo(
        f"Replayed {count:,} events into {projection.path} in {took():.1f} s "
        f"({rate(count, took())})"
    )


@contextmanager
def progress_bar(label: str) -> Iterator[Progress | None]:
    """A bar with events per second on a terminal; nothing when not on one."""
    if not sys.stderr.isatty():
        yield None
        return
    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
    )
    with RichProgress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None, rate="")
        start = time.monotonic()

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, rate=rate(done, time.monotonic() - start))

        yield update


@contextmanager
def timer() -> Iterator[Callable[[], float]]:
    start = time.monotonic()
    end: list[float] = []
    yield lambda: (end[0] if end else time.monotonic()) - start
    end.append(time.monotonic())


def rate(count: int, seconds: float) -> str:
    return f"{count / max(seconds, 1e-6):,.0f} events/s"


@cli.command()
@click.argument("mission")
@from_to
@click.option(
    "--every",
    type=click.Choice(["day", "month", "year"]),
    default="month",
    show_default=True,
    help="Dates: every day, month end or year end.",
)
@by_option
@click.option("--known-at", type=DAY, help="As then known.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "ndjson"]),
    default="csv",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.File("w", encoding="utf-8"),
    default="-",
    help="A file to write (default: standard output).",
)
@click.pass_context
def export(
    ctx: click.Context,
    mission: str,
    start: datetime,
    end: datetime,
    every: str,
    by: tuple[str, ...],
    known_at: datetime | None,
    fmt: str,
    output: typing.TextIO,
) -> None:
    """Strength of MISSION as a tidy time series (one row per date and group), stamped with
    the log position; CSV is safe to open in a spreadsheet (no cell runs as a formula)."""
    dims = tuple(typing.cast("Any", d.replace("-", "_")) for d in by)
    tracker = open_tracker(ctx)
    known = known_at.date() if known_at else None
    rows = tracker.strength_series(mission, start.date(), end.date(), every, dims, known)
    view = tracker.strength_view
    query = asked("export", mission.upper(), start, dims, known, None)
    query.update(to=end.date().isoformat(), every=every)
    stamped = tracker.stamp(view.position(tracker.name), view.name, view.version, query)
    if fmt == "json":
        output.write(render.as_json({"stamp": stamped, "rows": rows}) + "\n")
    elif fmt == "ndjson":
        output.write(render.as_json({"stamp": stamped}) + "\n")
        output.writelines(render.as_json(row) + "\n" for row in rows)
    else:
        output.write(f"# stamp: {render.as_json(stamped)}\n")
        output.write(render.as_csv(rows, ["date", *dims, "strength"]))


@cli.command()
@click.argument("mission")
@from_to
@click.option(
    "--by",
    type=click.Choice(["contributor", "location", "personnel-type"]),
    default="contributor",
    show_default=True,
    help="What the areas are.",
)
@click.option(
    "--top", default=8, show_default=True, help="The largest groups shown; the rest as one."
)
@click.option("--contributor", help="With --announced-vs-actual: the contributor.")
@click.option(
    "--announced-vs-actual",
    is_flag=True,
    help="Chart one contributor's announced path against what happened.",
)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="A .png or .svg file."
)
@click.pass_context
def chart(
    ctx: click.Context,
    mission: str,
    start: datetime,
    end: datetime,
    by: str,
    top: int,
    contributor: str | None,
    announced_vs_actual: bool,
    output: str,
) -> None:
    """Chart MISSION's strength month by month as a stacked area, with the mandate's ceiling
    and the announcements marked on the time axis; or, with --announced-vs-actual
    --contributor ISO3, one contributor's announced path against what happened."""
    tracker = open_tracker(ctx)
    if announced_vs_actual:
        if not contributor:
            raise UserError("--announced-vs-actual needs --contributor ISO3")
        path = announced_vs_actual_chart(
            tracker, mission, contributor, start.date(), end.date(), Path(output)
        )
        click.echo(f"Wrote {path}")
        return
    dimension = typing.cast("Any", by.replace("-", "_"))
    path = strength_chart(tracker, mission, start.date(), end.date(), dimension, top, Path(output))
    click.echo(f"Wrote {path}")


@cli.command(name="map")
@click.argument("mission")
@on_option
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="A .png or .svg file."
)
@click.pass_context
def map_command(ctx: click.Context, mission: str, on: datetime, output: str) -> None:
    """Map MISSION's strength by location on a date: markers sized by strength at each
    location's coordinates, labelled, with the part no source locates stated."""
    path = strength_map(open_tracker(ctx), mission, on.date(), Path(output))
    click.echo(f"Wrote {path}")


@cli.command()
@click.option("--port", default=8001, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind to.")
@click.pass_context
def serve(ctx: click.Context, port: int, host: str) -> None:
    """Serve the read models, read-only, with Datasette (pip install '.[web]'): tables with
    their meanings, and canned queries (strength on a date by contributor and by location,
    announcements of a contributor, audit trail search). Stop with Ctrl-C."""
    if importlib.util.find_spec("datasette") is None:
        raise UserError("the web view needs Datasette: pip install 'peacekeeping-tracker[web]'")
    tracker = open_tracker(ctx)
    with tempfile.TemporaryDirectory() as folder:
        command = datasette_command(tracker, Path(folder) / "metadata.json", host, port)
        click.echo(f"Serving {tracker.config.display()} on http://{host}:{port}/ (Ctrl-C stops)")
        with suppress(KeyboardInterrupt):
            subprocess.run(command, check=False)


@cli.command(name="copy-store")
@click.option("--from", "source", required=True, metavar="STORE", help="A SQLite file or URL.")
@click.option("--to", "target", required=True, metavar="STORE", help="An empty one (file or URL).")
@click.pass_context
def copy_store_command(ctx: click.Context, source: str, target: str) -> None:
    """Copy every event of one store into another, empty one (SQLite to PostgreSQL, or back),
    in order and with their recorded times; then check both match event for event."""
    origin = Tracker(source, create=False, views_dir=ctx.obj["views_dir"])
    try:
        report = origin.copy_to(target, ctx.obj["views_dir"])
    finally:
        origin.close()
    shown = StoreConfig.resolve(target).display()
    click.echo(f"Copied {report.events:,} events to {shown}; checked: identical, in order")


@cli.command()
@click.option(
    "--expect",
    metavar="HASH",
    help="A hash printed earlier (by verify, or a stamp's chain_hash): the chain must pass "
    "through it, i.e. the history it covered is unchanged.",
)
@click.pass_context
def verify(ctx: click.Context, expect: str | None) -> None:
    """Recompute the hash chain over every stored event: exit 0 with the count and head hash,
    or exit 1 naming the first event that does not match."""
    tracker = open_tracker(ctx)
    result = tracker.verify(expect)
    if result.mismatch is not None:
        raise click.ClickException(f"verify failed: {result.mismatch.describe()}")
    passed = f"; passes through {expect.strip().lower()}" if expect else ""
    click.echo(f"Verified {result.events:,} events; head {result.head}{passed}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def backup(ctx: click.Context, file: str) -> None:
    """Copy the SQLite store into the new FILE with SQLite's online backup (consistent while
    others write), then verify the copy."""
    result = open_tracker(ctx).backup(file)
    click.echo(f"Backed up {result.events:,} events to {file}; verified, head {result.head}")


@cli.command()
@click.argument("backup_file", metavar="BACKUP", type=click.Path(dir_okay=False))
@click.pass_context
def restore(ctx: click.Context, backup_file: str) -> None:
    """Verify BACKUP and put it in place as the store --db (which must not exist yet); the
    views rebuild themselves from it on first use."""
    config = StoreConfig.resolve(ctx.obj["db"])
    if config.postgres or config.in_memory:
        raise UserError("restore writes a SQLite store: give --db a file path")
    result = restore_sqlite(backup_file, config.db)
    click.echo(f"Restored {result.events:,} events into {config.db}; verified, head {result.head}")


@cli.command()
@click.option("--interval", default=0.5, show_default=True, help="Seconds between two pulls.")
@click.pass_context
def follow(ctx: click.Context, interval: float) -> None:
    """Keep every view of this store caught up while others write to it (a shared
    PostgreSQL store, typically); stop with Ctrl-C."""
    tracker = open_tracker(ctx)
    stopping: list[bool] = []

    def stop(signum: int, frame: object) -> None:
        stopping.append(True)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    head = tracker.recorder.max_notification_id() or 0
    click.echo(f"Following {tracker.config.display()}: log head {head:,}")

    def applied(count: int) -> None:
        position = tracker.strength_view.position(tracker.name)
        click.echo(f"Applied {count:,} events; position {position:,}")

    tracker.follow(interval, lambda: bool(stopping), applied)
    click.echo("Stopped; every view is caught up to its recorded position")


@cli.command(name="import")
@click.argument("file", type=click.File("rb"))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "un-monthly"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one event object per line, with a 'type' field. un-monthly: the UN's "
    "monthly contributions by mission, country and personnel type (IPI's CSV form).",
)
@click.option("--source-url", help="un-monthly: the address the file was published at.")
@click.pass_context
def import_(ctx: click.Context, file: typing.BinaryIO, fmt: str, source_url: str | None) -> None:
    """Import the events in FILE, all or nothing: a bad line is named and nothing is written.
    Importing the same UN monthly file again adds nothing."""
    data = file.read()
    tracker = open_tracker(ctx, create=True)
    if fmt == "un-monthly":
        report = tracker.import_un_monthly(data, file.name, source_url)
        for line in report.lines(limit=10):
            click.echo(line)
        return
    result = tracker.import_jsonl(data, file.name)
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(result.kinds.items()))
    click.echo(f"Imported {result.count} events from {file.name}: {kinds}")


@cli.command()
@click.argument("directory", default="seeds", type=click.Path(file_okay=False, exists=True))
@click.pass_context
def seed(ctx: click.Context, directory: str) -> None:
    """Load the seed files listed in DIRECTORY/seeds.toml (default: seeds), in order."""
    for line in open_tracker(ctx, create=True).load_seeds(directory):
        click.echo(f"Loaded {line}")


def source_options(f: Any) -> Any:
    for name, text in reversed(
        [
            ("--source-title", "Source: title or publisher."),
            ("--source-url", "Source: web address."),
            (
                "--published-on",
                "Source: publication date (knowledge time): YYYY-MM-DD, YYYY-MM or YYYY.",
            ),
            ("--quote", "Source: a short quote or note."),
        ]
    ):
        f = click.option(name, help=text)(f)
    return f


def source_of(options: dict[str, Any]) -> dict[str, Any] | None:
    """The --source-* options as a source, or None when none was given."""
    if not (options.get("source_title") or options.get("published_on")):
        return None
    return {
        "title": options.get("source_title"),
        "url": options.get("source_url"),
        "published_on": options.get("published_on"),
        "quote": options.get("quote"),
    }


@cli.command()
@click.argument("event_id")
@click.option("--reason", required=True, help="Why the event was wrong.")
@source_options
@click.pass_context
def retract(ctx: click.Context, /, event_id: str, reason: str, **source: Any) -> None:
    """Withdraw EVENT_ID from the record (it was wrong): nothing is deleted; every view stops
    counting it from the retraction's own time on."""
    recorded = open_tracker(ctx, create=True).retract_event(event_id, reason, source_of(source))
    click.echo(f"Recorded {recorded.event_id} ({recorded.kind}): retracts {event_id.upper()}")


@cli.command()
@click.argument("event_id")
@click.option("--reason", required=True, help="Why the event was wrong.")
@click.option(
    "--set",
    "changes",
    multiple=True,
    metavar="FIELD=VALUE",
    help="A corrected field, such as strength=300 or valid=2022-11; repeat for several.",
)
@source_options
@click.pass_context
def correct(
    ctx: click.Context, /, event_id: str, reason: str, changes: tuple[str, ...], **source: Any
) -> None:
    """Record a correction of EVENT_ID: the same event with the fields given by --set, naming
    the one it replaces (the source is the original's unless given)."""
    fields: dict[str, Any] = {}
    for change in changes:
        name, sep, value = change.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--set {change!r}: write FIELD=VALUE, such as strength=300")
        fields[name.strip().replace("-", "_")] = None if value == "" else value
    tracker = open_tracker(ctx, create=True)
    recorded = tracker.correct_event(event_id, reason, fields, source_of(source))
    click.echo(f"Recorded {recorded.event_id} ({recorded.kind}): corrects {event_id.upper()}")


@cli.group()
def record() -> None:
    """Record one event. Each kind has its own fields; every claim needs a source."""


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside ``X | None``, and whether None was allowed."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0], True
    return annotation, False


def _option_for(name: str, field: Any) -> click.Option:
    annotation, optional = _unwrap(field.annotation)
    flag = "--" + name.replace("_", "-")
    required = field.is_required() and not optional
    if annotation is bool:
        return click.Option([flag], is_flag=True, default=None, help=FIELD_HELP.get(name))
    if typing.get_origin(annotation) is dict:
        return click.Option(
            [flag.removesuffix("s"), name],
            multiple=True,
            metavar="CATEGORY=N",
            help=f"{FIELD_HELP.get(name, name)}, as CATEGORY=N; repeat for several.",
        )
    if typing.get_origin(annotation) is typing.Literal:
        kind: click.ParamType[Any] = click.Choice(typing.get_args(annotation))
    elif annotation is int:
        kind = click.INT
    else:
        kind = click.STRING
    hint = ": YYYY-MM-DD, YYYY-MM or YYYY" if annotation is ValidDate else ""
    return click.Option(
        [flag], type=kind, required=required, help=f"{FIELD_HELP.get(name, name)}{hint}."
    )


def _pairs(name: str, values: tuple[str, ...]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for value in values:
        key, sep, number = value.partition("=")
        if not sep or not number.strip().isdigit():
            raise UserError(
                f"--{name.removesuffix('s')} {value!r}: write CATEGORY=N, such as military=13289"
            )
        found[key.strip()] = int(number)
    return found


def _make_record_command(kind: str, event_class: type[Any], contributor: str) -> click.Command:
    """A ``tracker record KIND`` command whose options are the event's own fields."""
    fields = {
        n: f
        for n, f in event_class.model_fields.items()
        if n not in BASE_FIELDS | {"mission", "contributor", "source"}
    }
    params: list[click.Parameter] = [
        click.Option(["--mission"], required=True, help="Mission acronym, such as MINUSMA."),
    ]
    if contributor != "none":
        params.append(
            click.Option(
                ["--contributor"],
                required=contributor == "required",
                help="Contributing country: ISO 3166 alpha-3 code or name."
                + (
                    " Leave out for an event of the whole mission."
                    if contributor == "optional"
                    else ""
                ),
            )
        )
    params += [_option_for(name, field) for name, field in fields.items()]
    source_required = (
        "source" in event_class.model_fields and event_class.model_fields["source"].is_required()
    )
    params += [
        click.Option(
            ["--source-title"], required=source_required, help="Source: title or publisher."
        ),
        click.Option(["--source-url"], help="Source: web address."),
        click.Option(
            ["--published-on"],
            required=source_required,
            help="Source: publication date (knowledge time).",
        ),
        click.Option(["--quote"], help="Source: a short quote or note."),
    ]

    @click.pass_context
    def callback(ctx: click.Context, /, **options: Any) -> None:
        values = {k: v for k, v in options.items() if v is not None and k not in SOURCE_OPTIONS}
        for name, field in fields.items():
            if typing.get_origin(_unwrap(field.annotation)[0]) is dict:
                values[name] = _pairs(name, options[name])
        if options["source_title"] or options["published_on"]:
            values["source"] = {
                "title": options["source_title"],
                "url": options["source_url"],
                "published_on": options["published_on"],
                "quote": options["quote"],
            }
        recorded = open_tracker(ctx.find_root(), create=True).record(kind, values)
        click.echo(f"Recorded {recorded.event_id} ({recorded.kind})")

    doc = " ".join((event_class.__doc__ or "").replace("``", "'").split())
    return click.Command(kind, params=params, callback=callback, help=doc)


for _kind, _mission_class in MISSION_KINDS.items():
    record.add_command(_make_record_command(_kind, _mission_class, "none"))
for _kind, _contingent_class in CONTINGENT_KINDS.items():
    record.add_command(_make_record_command(_kind, _contingent_class, "required"))
for _kind, (_contingent_class, _) in SHARED_KINDS.items():
    record.add_command(_make_record_command(_kind, _contingent_class, "optional"))
