"""The store itself: copy, verify, back up, restore, follow."""

from __future__ import annotations

import signal

import click

from tracker.app import Tracker
from tracker.cli.base import UserError, cli, open_tracker
from tracker.cli.options import progress_bar
from tracker.store.config import StoreConfig
from tracker.store.integrity import restore_sqlite

MIN_INTERVAL, MAX_INTERVAL = 0.1, 3600  # seconds between two pulls of ``follow``


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
@click.option(
    "--adopt-unchained",
    is_flag=True,
    help="Link the events stored after the chain's head without a link (a store made before "
    "the chain existed), then verify. The chain covers them from then on; it cannot show "
    "whether they were changed before.",
)
@click.option(
    "--views",
    "views",
    is_flag=True,
    help="Then derive every view again from the log and compare it with its file, row by "
    "row: fail naming the first row that differs (a view edited by hand, whose answers a "
    "stamp's hash does not vouch for).",
)
@click.pass_context
def verify(ctx: click.Context, expect: str | None, adopt_unchained: bool, views: bool) -> None:
    """Recompute the hash chain over every stored event and hold it to what this machine saw
    of it (the views' files, the stamps of exports): exit 0 with the count and head hash, or
    exit 1 naming the first event or anchor that does not match."""
    tracker = open_tracker(ctx)
    if adopt_unchained:
        positions, _ = tracker.adopt_unchained()
        if positions:
            click.echo(
                f"Adopted {len(positions):,} events stored without a link (positions "
                f"{positions[0]:,} to {positions[-1]:,}) into the chain: it covers them from "
                "now on, but cannot show whether they were changed before"
            )
        else:
            click.echo("Every event is linked already: nothing to adopt")
    result = tracker.verify(expect)
    if result.mismatch is not None:
        raise click.ClickException(f"verify failed: {result.mismatch.describe()}")
    passed = f"; passes through {expect.strip().lower()}" if expect else ""
    if views:
        with progress_bar("checking the views against the log", "views") as progress:
            differences = tracker.verify_views(progress)
        if differences:
            others = [d.view for d in differences[1:]]
            also = f" (the {', '.join(others)} views differ too)" if others else ""
            raise click.ClickException(f"verify failed: {differences[0].describe()}{also}")
        passed += "; every view is what the log gives"
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
    # -1 ended in a traceback, 0 spun a core (issue "Hardening, round 3", 19)
    if not MIN_INTERVAL <= interval <= MAX_INTERVAL:  # NaN too
        raise UserError(
            f"--interval {interval:g}: give the seconds between two pulls, from "
            f"{MIN_INTERVAL:g} to {MAX_INTERVAL:,}"
        )
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
