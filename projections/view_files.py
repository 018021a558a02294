"""A view's file: how it is opened (a rollback journal, not WAL; synced once), how long a
locked one is waited for, where it is kept when set aside, and how a stored event is known
again (its identity, which a view records with its position)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, cast
from uuid import UUID

from events.errors import InvalidInputError
from projections.files import LazyDatabase

if TYPE_CHECKING:
    import sqlite_utils
    from eventsourcing.persistence import Notification

ASIDE = ".aside"  # a view's file set aside, kept, before the view was rebuilt
CORRUPT = ".corrupt"  # a view's file that could not be read, kept


def lock_timeout() -> int:
    """Seconds a writer waits for another's transaction: ``TRACKER_LOCK_TIMEOUT``, else 30."""
    text = os.environ.get("TRACKER_LOCK_TIMEOUT", "30").strip()
    if not text.isdigit():
        raise InvalidInputError(
            f"TRACKER_LOCK_TIMEOUT {text[:20]!r}: give a whole number of seconds, such as 30"
        )
    return int(text)


def connect(path: Path | None) -> tuple[sqlite_utils.Database, tuple[int, int]]:
    """The view's database at ``path`` (None: in memory), and which file it is (device and
    inode: a rebuild replaces the file). isolation_level=None: the view opens and closes its
    transactions itself."""
    if path is None:
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        return cast("sqlite_utils.Database", LazyDatabase(conn)), (0, 0)
    # check_same_thread=False: the library may close an application (and so its views) from
    # the garbage collector's thread; the views are not shared between threads otherwise.
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(
        path, isolation_level=None, timeout=lock_timeout(), check_same_thread=False
    )
    # A rollback journal, not WAL: a rebuilt file can then replace this one atomically, with
    # no -wal file left over to be replayed onto it. Truncated at a commit, not deleted (an
    # empty journal is never played back), and synced once (NORMAL): a commit then waits for
    # two syncs, not for five and the journal's removal (its creation, its folder, its header
    # twice, the file: 18 ms of a catch-up at 1M events on a busy disk). Atomic still: the
    # journal is synced before the file is written (and a view is derived: one found broken
    # is rebuilt from the log).
    conn.execute("PRAGMA journal_mode=TRUNCATE")
    conn.execute("PRAGMA synchronous=NORMAL")
    found = path.stat()
    return cast("sqlite_utils.Database", LazyDatabase(conn)), (found.st_dev, found.st_ino)


def event_identity(stream: UUID | str, version: int, state: bytes) -> str:
    """Which stored event this is: stream, version and a digest of its state (which holds its
    recorded time), so the same ids in another store do not pass for it. A view records it
    with its position: ``tracker verify`` holds the log to it (``tracker.store.anchors``)."""
    digest = hashlib.sha256(state).hexdigest()[:16]
    if not isinstance(stream, UUID):  # read as stored (``read_log``): as the library says it
        stream = UUID(str(stream))
    return f"{stream}/{version}/{digest}"


def kept_name(path: Path, suffix: str = ASIDE) -> Path:
    """Where a view's file is kept when it is set aside: NAME.aside, else NAME.aside-2, ...
    (never over one kept before: each may be the evidence of another change); a corrupt
    file, which no one can read, replaces the one kept before."""
    kept = path.with_name(path.name + suffix)
    number = 1
    while suffix != CORRUPT and kept.exists():
        number += 1
        kept = path.with_name(f"{path.name}{suffix}-{number}")
    return kept


def remove_journal(db: sqlite_utils.Database, path: Path | None) -> None:
    """The view's journal removed as it is closed: a commit leaves it empty (TRUNCATE, see
    ``connect``), and five empty ``-journal`` files stayed beside the store after every
    command (issue 27). Leaving TRUNCATE for DELETE is how SQLite removes it: under the write
    lock (never while another connection writes: then it stays, harmlessly), and only now,
    after the last commit, so no commit pays for it. ``path`` None: nothing to remove (in
    memory, or another file was put in place of the one open here: its journal is the new
    file's)."""
    if path is None or not path.with_name(path.name + "-journal").exists():
        return
    with suppress(sqlite3.Error):  # (closed already: nothing to do)
        if not db.conn.in_transaction:
            db.execute("PRAGMA journal_mode=DELETE")


def drop_tables(db: sqlite_utils.Database) -> None:
    """Drop a view's own tables (not its bookkeeping): virtual tables first, whose own tables
    (a search index's) go with them."""
    found = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' "
        "ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY sql NOT LIKE 'CREATE VIRTUAL%'"
    ).fetchall()
    for (table,) in found:
        db.execute(f"DROP TABLE IF EXISTS [{table}]")


def notification_identity(notification: Notification) -> str:
    """``event_identity`` of a notification of the log."""
    return event_identity(
        notification.originator_id, notification.originator_version, notification.state
    )


def foreign_note(position: int, head: int) -> str:
    """Why a view that had seen the log to ``position`` is not of a log whose head is
    ``head``."""
    if position > head:
        return (
            f"it had seen the log to position {position:,}, but the log ends at {head:,} "
            "(events were removed from its end, or the view is another store's): run "
            "'tracker verify'"
        )
    return "it was built from another event store"
