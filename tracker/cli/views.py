"""The read models: list, rebuild, add your own, replay into one."""

from __future__ import annotations

from dataclasses import asdict

import click

from tracker.cli.base import cli, console, open_tracker
from tracker.cli.options import (
    emit,
    format_option,
    progress_bar,
    rate,
    timer,
)
from tracker.faces import render


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
