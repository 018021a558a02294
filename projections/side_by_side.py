"""Building a view side by side: into a new file, which then replaces the view's own in one
rename, so that queries keep the old file until the new one is whole. A rebuild does it
(``rebuild``), and so does the first catch-up of an empty view from a long log (``_fill``,
issue 25); both fill the new file in bulk (``Projection.begin_bulk``)."""

from __future__ import annotations

import os
import sqlite3
from contextlib import suppress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from eventsourcing.application import Application

    from projections.engine import Progress, Projection


def rebuild(view: Projection, app: Application[Any], progress: Progress | None = None) -> int:
    """Rebuild from position 0 *side by side*: into a new file, which then replaces the
    view's own in one rename. Queries keep the old file until then; a rebuild that fails or is
    killed leaves it in place (and its half-built file is started afresh next time)."""
    if view.path is None:
        view.reset("rebuild asked for")
        view._prepare()
        return view.catch_up(app, progress=progress)
    partial = view.path.with_name(view.path.name + ".rebuild")
    for leftover in (partial, partial.with_name(partial.name + "-journal")):
        leftover.unlink(missing_ok=True)
    applied = _build(view, app, partial, progress)
    view.rebuilt_because = None
    return applied


def fill(view: Projection, app: Application[Any], progress: Progress | None) -> int | None:
    """Fill a view that has nothing yet from a long log as a rebuild does, side by side
    and in bulk (its indexes after its rows; issue 25: the first catch-up of a seeded
    store is 150,000 events). None: another process is filling it already (its side file
    is there), or left one half-built: then it is caught up event by event."""
    assert view.path is not None
    partial = view.path.with_name(view.path.name + ".rebuild")
    try:
        os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return None
    try:
        return _build(view, app, partial, progress)
    except BaseException:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise


def _build(
    view: Projection, app: Application[Any], partial: Path, progress: Progress | None
) -> int:
    """Build the view from position 0 into ``partial``, then put it in place of the
    view's own file in one rename."""
    assert view.path is not None
    fresh = type(view)(partial)
    fresh._filling = True
    # A half-built file is thrown away if anything goes wrong, so it need not reach the
    # disk transaction by transaction: once, before it replaces the old one.
    fresh.db.execute("PRAGMA synchronous = OFF")
    fresh.begin_bulk()
    applied = fresh.catch_up(app, progress=progress)
    fresh.close()
    partial.with_name(partial.name + "-journal").unlink(missing_ok=True)  # empty
    with partial.open("rb+") as file:
        os.fsync(file.fileno())
    # The old file's write lock, held across the rename: no other process is half way
    # through a transaction on it (its journal, named after the path, would then lie
    # beside the new file), and after the rename SQLite refuses writes to the old one
    # (SQLITE_READONLY_DBMOVED): they open the new file and go on (``catch_up``).
    if view._replaced():
        view._reopen()
    view.db.execute("BEGIN IMMEDIATE")
    try:
        os.replace(partial, view.path)
        for stale in ("-wal", "-shm", "-journal"):  # left by an older WAL-mode file
            view.path.with_name(view.path.name + stale).unlink(missing_ok=True)
    finally:
        with suppress(sqlite3.Error):
            view.db.execute("ROLLBACK")
        view.close()
    view.db = view._connect()
    return applied
