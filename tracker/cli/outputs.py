"""Exports, charts, the map and the web view."""

from __future__ import annotations

import importlib.util
import io
import typing
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from tracker.cli.base import UserError, cli, console, open_tracker
from tracker.cli.options import (
    by_option,
    chart_estimate_option,
    contributors_option,
    estimate_option,
    format_option_csv,
    from_to,
    map_estimate_option,
    on_option,
    stamp_option,
    time_axes,
)
from tracker.faces import render
from tracker.faces.charts import announced_vs_actual_chart, strength_chart
from tracker.faces.exports import export_rows, export_text, write_export
from tracker.faces.maps import strength_map
from tracker.faces.record_text import NO_PLACES


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
@contributors_option
@click.option(
    "--present-only",
    is_flag=True,
    help="Leave out the groups at 0 on every date asked (a contributor long gone).",
)
@time_axes
@estimate_option
@format_option_csv
@stamp_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="A file to write, beside and then renamed into place (default: standard output); "
    "never the store or one of its views. Its stamp goes beside it, in FILE.stamp.json (not "
    "for a pipe or a device, which are written through).",
)
@click.pass_context
def export(
    ctx: click.Context,
    mission: str,
    start: datetime,
    end: datetime,
    every: str,
    by: tuple[str, ...],
    contributors: tuple[str, ...],
    present_only: bool,
    known_at: datetime | None,
    recorded_at: str | None,
    estimate: bool,
    fmt: str,
    stamp: bool,
    output: str,
) -> None:
    """Strength of MISSION as a tidy time series (one row per date and group), with the
    evidence of every figure (the day it was set, whether rounded, the event that set it, the
    UN report it rests on or the gap); loads as it is in pandas (read_csv, read_json,
    read_json(lines=True)). CSV is safe to open in a spreadsheet (no cell runs as a formula).
    With -o the stamp (log position, chain hash, query) is written beside the file."""
    dims = tuple(typing.cast("Any", d.replace("-", "_")) for d in by)
    tracker = open_tracker(ctx)
    if output != "-":
        tracker.check_output(output, "-o")  # before the work, not only after it
    known = known_at.date() if known_at else None
    rows, fields, stamped = export_rows(
        tracker, mission, start.date(), end.date(), every, dims, known, recorded_at, estimate,
        contributors, present_only,
    )  # fmt: skip
    if fmt == "table" and output == "-":
        render.records_table(rows, fields, console())
        return
    if fmt == "table":  # into the file, as the terminal would show it (it was not written)
        buffer = io.StringIO()
        render.records_table(rows, fields, Console(file=buffer, width=200, color_system=None))
        text = buffer.getvalue()
    else:
        text = export_text(rows, fields, fmt, stamped if stamp else None)
    if output == "-":
        click.echo(text, nl=False)
    else:
        write_export(tracker, Path(output), text, stamped)


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
@chart_estimate_option
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
    estimate: bool,
    output: str,
) -> None:
    """Chart MISSION's strength month by month as a stacked area, with the mandate's ceiling,
    the UN-reported total and the announcements labelled above the time axis; or, with
    --announced-vs-actual --contributor ISO3, one contributor's announced path against what
    happened. A source line is under every chart."""
    if contributor and not announced_vs_actual:
        raise UserError("--contributor is for --announced-vs-actual (one contributor's chart)")
    if estimate and announced_vs_actual:
        raise UserError(
            "--estimate is for strength by location or region, not --announced-vs-actual"
        )
    tracker = open_tracker(ctx)
    tracker.check_output(output, "-o")  # before the drawing, not only after it
    if announced_vs_actual:
        if not contributor:
            raise UserError("--announced-vs-actual needs --contributor ISO3")
        path = announced_vs_actual_chart(
            tracker, mission, contributor, start.date(), end.date(), Path(output)
        )
        click.echo(f"Wrote {path}")
        return
    dimension = typing.cast("Any", by.replace("-", "_"))
    path = strength_chart(
        tracker, mission, start.date(), end.date(), dimension, top, Path(output), estimate
    )
    click.echo(f"Wrote {path}")


@cli.command(name="map")
@click.argument("mission")
@on_option
@map_estimate_option
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="A .png or .svg file."
)
@click.pass_context
def map_command(
    ctx: click.Context, mission: str, on: datetime, estimate: bool, output: str
) -> None:
    """Map MISSION's strength by admin-1 region on a date, on the host country's outline and
    regions: a circle per region sized by strength, labelled with its figure, and the part no
    source locates stated under the map (with --estimate, placed by the estimate from the UN's
    deployment maps, and said so). No network when drawing: the boundaries are built once from
    Natural Earth's (make boundaries)."""
    tracker = open_tracker(ctx)
    tracker.check_output(output, "-o")
    path = strength_map(tracker, mission, on.date(), Path(output), estimate)
    click.echo(f"Wrote {path}")
    if not estimate and any(
        row.region is None and row.known
        for row in tracker.strength(mission, on.date(), by=["region"]).rows
    ):
        click.echo(f"Note: {NO_PLACES}", err=True)


@cli.command()
@click.option("--port", default=8001, show_default=True, help="Port to serve on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind to.")
@click.pass_context
def serve(ctx: click.Context, port: int, host: str) -> None:
    """Serve the read models in a web browser, read-only, with Datasette (pip install
    '.[web]'): a home page of the questions it answers, canned queries with checked dates
    (strength on a date by contributor and by location, announcements with their status,
    search of the audit trail), country names, totals, and every figure linked to its source.
    It follows the store: new events and rebuilt views show without a restart. Ctrl-C or
    SIGTERM stops it."""
    if importlib.util.find_spec("datasette") is None:
        raise UserError(
            "the web view needs Datasette: pip install '.[web]' in the tracker's folder (as the "
            "README says; make demo installs it)"
        )
    from tracker.faces.web_serve import serve as serve_views  # Datasette loads only when asked for

    tracker = open_tracker(ctx)
    shown = tracker.config.display()
    with suppress(KeyboardInterrupt):
        serve_views(
            tracker,
            host,
            port,
            ready=lambda url: click.echo(f"Serving {shown} on {url} (Ctrl-C stops)"),
        )
