"""The command group, its options, and how a failure becomes one line: a bad input
exits 2, a store problem 1, never a traceback."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
from contextlib import suppress
from typing import Any

import click
from eventsourcing.persistence import PersistenceError

from events.errors import TrackerError
from tracker.app import Tracker
from tracker.cli.options import progress_bar
from tracker.cli.terminal import console as console  # where the commands take it from
from tracker.cli.terminal import tolerant_output
from tracker.store.config import StoreConfig, choose_store


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
        except BrokenPipeError:  # the reader of our output went away: not the store's problem
            _quietly_cut_off()
        except (PersistenceError, sqlite3.Error, OSError) as error:
            raise click.ClickException(store_problem(error)) from None

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """As click's, but a usage error is one line too (with where to find help)."""
        kwargs["standalone_mode"] = False
        tolerant_output()
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


def _quietly_cut_off() -> None:
    """The output's reader left early (``tracker history M | head -1``): stop quietly, as
    other Unix tools do (killed by SIGPIPE: status 141). Whatever was recorded stays so.
    Standard output is pointed at /dev/null so the interpreter's last flush cannot complain."""
    with suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(128 + signal.SIGPIPE)


def open_tracker(ctx: click.Context, *, create: bool = False) -> Tracker:
    """The tracker of ``--db``, closed when the command ends. Only commands that write may
    create a store: a mistyped path for a query is an error, not a new empty store."""
    db: str | None = ctx.obj["db"]
    config = StoreConfig.resolve(db)
    shown, new = config.display(), create and not config.exists()
    if create and config.read_only():  # before anything is opened (issue 29, 11)
        raise click.ClickException(
            f"the store {shown!r} cannot be written (its file or its folder is read-only: a "
            "read-only mount, or permissions): nothing was written - to record into it, copy "
            f"it somewhere writable first (tracker copy-store --from {shown} --to COPY)"
        )
    try:
        tracker = Tracker(
            db, create=create, views_dir=ctx.obj["views_dir"], trust=ctx.obj.get("trust", ())
        )
    except (PersistenceError, sqlite3.Error, OSError) as error:
        raise click.ClickException(
            f"cannot open the store {shown!r}: {store_problem(error)}"
        ) from None
    if ctx.obj.get("store_note"):  # the store was chosen among several settings: say which
        click.echo(f"Note: {ctx.obj['store_note']}", err=True)
    ctx.call_on_close(lambda: _finish(tracker, wrote=create, new=new))
    return tracker


def _finish(tracker: Tracker, wrote: bool, new: bool = False) -> None:
    """After a command: bring every view up to date if it wrote (so the files an analyst
    opens are current), tell what happened behind it, close. The write is committed by then:
    a view that cannot be caught up now (its file locked, the disk full) is said in a note,
    and the command still succeeds; the view catches up on the next command. A store the
    command made, whose write was refused, is not left behind (nothing written)."""
    failed = sys.exc_info()[0] is not None
    if wrote and sys.exc_info()[0] is None:
        try:
            with progress_bar("bringing the views up to date") as progress:
                tracker.catch_up(progress)
        except (PersistenceError, sqlite3.Error, OSError) as error:
            click.echo(
                "Note: the events were recorded, but the views could not be brought up to "
                f"date ({' '.join(str(error).split())}); they catch up on the next command",
                err=True,
            )
    for notice in tracker.notices():
        click.echo(f"Note: {notice}", err=True)
    tracker.close()
    if new and failed:
        tracker.discard_if_empty()


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
@click.option(
    "--trust-folder",
    "trust",
    multiple=True,
    envvar="TRACKER_TRUST_FOLDERS",
    type=click.Path(file_okay=False),
    metavar="FOLDER",
    help="A folder whose projections, listed beside the store, may run for this command "
    "(repeatable; or TRACKER_TRUST_FOLDERS, separated by ':'). A store never runs code that "
    "came with it: a projection listed beside it runs only from a folder you trust - this "
    "one, one whose class you named with 'projections add' (kept in your own list, "
    "~/.config/peacekeeping-tracker/trusted-folders.json), or an installed package's.",
)
@click.pass_context
def cli(
    ctx: click.Context,
    db: str | None,
    database_url: str | None,
    views_dir: str | None,
    trust: tuple[str, ...],
) -> None:
    """Event-sourced tracker of UN peacekeeping troop strength by contributing country,
    location and personnel type, on any date."""
    given = {
        name: value
        for name in ("TRACKER_DATABASE_URL", "TRACKER_DB")
        if (value := os.environ.get(name))
    }
    for name, value in (("--db", db), ("--database-url", database_url)):
        key = name.lstrip("-").replace("-", "_")
        if value and ctx.get_parameter_source(key) == click.core.ParameterSource.COMMANDLINE:
            given[name] = value
    chosen, note = choose_store(given)
    ctx.obj = {"db": chosen, "views_dir": views_dir, "store_note": note, "trust": trust}
