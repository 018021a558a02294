"""Exports, charts, the map and the web view."""

from __future__ import annotations

import importlib.util
import subprocess
import tempfile
import typing
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from tracker.cli.base import UserError, cli, open_tracker
from tracker.cli.options import (
    DAY,
    asked,
    by_option,
    from_to,
    on_option,
)
from tracker.faces import render
from tracker.faces.charts import announced_vs_actual_chart, strength_chart
from tracker.faces.maps import strength_map
from tracker.faces.web import datasette_command


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
    type=click.Choice(["contributor", "location", "region", "personnel-type"]),
    default="contributor",
    show_default=True,
    help="What the areas are.",
)
@click.option(
    "--top",
    default=8,
    show_default=True,
    type=click.IntRange(min=1),
    help="The largest groups shown, each in its own colour; the rest as one.",
)
@click.option(
    "--contributor",
    help="With --announced-vs-actual: the contributor (ISO 3166 alpha-3 or name).",
)
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
    """Chart MISSION's strength month by month as a stacked area, with the mandate's ceiling,
    the UN-reported total and the announcements labelled above the time axis; or, with
    --announced-vs-actual --contributor ISO3, one contributor's announced path against what
    happened. A source line is under every chart."""
    if contributor and not announced_vs_actual:
        raise UserError("--contributor is for --announced-vs-actual (one contributor's chart)")
    if announced_vs_actual:
        if not contributor:
            raise UserError("--announced-vs-actual needs --contributor ISO3")
        tracker = open_tracker(ctx)
        path = announced_vs_actual_chart(
            tracker, mission, contributor, start.date(), end.date(), Path(output)
        )
        click.echo(f"Wrote {path}")
        return
    dimension = typing.cast("Any", by.replace("-", "_"))
    tracker = open_tracker(ctx)
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
    """Map MISSION's strength by admin-1 region on a date, on the host country's outline and
    regions: a circle per region sized by strength, labelled with its figure, and the part no
    source locates stated under the map. No network: the boundaries ship with the tracker."""
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
