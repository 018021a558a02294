"""Catching a read model up with the event log, exactly once.

SQLite in eventsourcing 9.5 cannot push new events, so a projection pulls: it reads the
notifications after the position it recorded, applies them, and records the new position in the
same transaction as its rows. A batch that fails half way leaves nothing behind, and the next
catch-up starts again from the recorded position: every event is applied exactly once.

Each projection lives in its own SQLite file (two projections in one file would share the
library's single tracking row: see shared/notes/eventsourcing-9.5.md, pitfall 2).
"""

from __future__ import annotations

import os
import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from eventsourcing.utils import get_topic

from projections import side_by_side
from projections.files import Transaction, corrupt, moved
from projections.files import rows as rows  # the views import it from here
from projections.view_files import (
    ASIDE,
    CORRUPT,
    connect,
    drop_tables,
    foreign_note,
    kept_name,
    notification_identity,
    remove_journal,
)

if TYPE_CHECKING:
    import sqlite_utils
    from eventsourcing.application import Application
    from eventsourcing.persistence import Mapper, Notification

BATCH_SIZE = 1000  # notifications per view transaction: per-event commits cap replay at ~2,500/s
FILL_FROM = 5000  # events a view with nothing yet has to catch up before it fills in bulk
TRACKING_COLUMNS: dict[str, type] = {
    "application_name": str,
    "notification_id": int,
    "last_event": str,  # identity of the last event applied: see ``_belongs_to``
}
Progress = Callable[[int, int], None]  # (events applied so far, events to apply in all)
Handler = Callable[[Any, Any, int], None]


def handles(*event_classes: type) -> Callable[[Handler], Handler]:
    """Mark a projection method as the handler of these event classes (and their subclasses):

    @handles(Contingent.StrengthReported)
    def strength_reported(self, event, position): ...
    """

    def mark(method: Handler) -> Handler:
        method._handles = event_classes  # type: ignore[attr-defined]
        return method

    return mark


class Projection(ABC):
    """A read model: its own tables in its own SQLite file, a ``name``, a ``version``, and one
    handler per event type it cares about (methods marked ``@handles(EventClass)``; or
    override ``process``). ``create_tables`` makes its tables; ``flush`` runs once per batch,
    before the position is recorded. Events without a handler are skipped (the position
    still moves past them)."""

    name: ClassVar[str]
    version: ClassVar[int] = 1
    rebuilt_because: str | None = None  # set when the view was thrown away to be rebuilt
    _file: tuple[int, int] = (0, 0)  # (device, inode) of the file the connection has open
    # (recorder, position, identity) of an event found in that recorder's log: not looked up again
    _verified: tuple[Any, int, str | None] | None = None
    _handlers: ClassVar[dict[type, str]] = {}
    _topics: ClassVar[frozenset[str] | None] = None  # None: every event goes to process()
    _filling = False  # a side file being built: it fills from the log as it is

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handlers: dict[type, str] = {}
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                for event_class in getattr(value, "_handles", ()):
                    handlers[event_class] = attr
        cls._handlers = handlers
        # Only handlers, no process() of its own: events of other types need not be decoded.
        # (Event classes are defined before projections; a subclass made later is not seen.)
        if "process" not in vars(cls) and all(
            "process" not in vars(k) for k in cls.__mro__[1:] if k is not Projection
        ):
            cls._topics = frozenset(
                get_topic(c) for handled in handlers for c in _with_subclasses(handled)
            )
        else:
            cls._topics = None

    def __init__(self, path: str | Path | None) -> None:
        """``path`` None keeps the view in memory (tests)."""
        self.path = None if path is None else Path(path)
        self.rebuilt_because = None
        try:
            self.db = self._connect()
            self._prepare()
        except sqlite3.DatabaseError as error:
            if not corrupt(error) or self.path is None:
                raise
            self._set_aside(f"its file could not be read ({error})", CORRUPT)

    def _set_aside(self, why: str, suffix: str = ASIDE) -> None:
        """Move the view's file aside (kept, for whoever wants to look: a view of a longer log
        is evidence, ``tracker verify`` reads it) and start again empty, to be rebuilt from the
        log; ``rebuilt_because`` says why, and where the old file is."""
        assert self.path is not None
        with suppress(Exception):
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")
            self.db.close()
        kept = None
        # (a file this connection never opened is its own; else another process may have set
        # it aside first: then its new file is used)
        if self._file == (0, 0) or not self._replaced():
            kept = kept_name(self.path, suffix)
            os.replace(self.path, kept)
            journal = self.path.with_name(self.path.name + "-journal")
            if suffix == CORRUPT:
                journal.unlink(missing_ok=True)
            elif journal.exists():  # the kept file's: SQLite finds it by the kept name
                os.replace(journal, kept.with_name(kept.name + "-journal"))
        self.db = self._connect()
        self._prepare()
        self._verified = None
        where = f"it was kept as {kept.name}" if kept else "another process set it aside"
        self.rebuilt_because = f"{why}; {where}"

    def _connect(self) -> sqlite_utils.Database:
        db, self._file = connect(self.path)  # which file this is (a rebuild replaces it)
        return db

    def _ready(self) -> bool:
        """Whether the file already holds this projection, at this version, with its tables
        (then nothing needs making: a query opens it without loading sqlite-utils)."""
        try:
            stored = self.db.execute("SELECT name, version FROM _projection").fetchall()
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(_tracking)")}
        except sqlite3.OperationalError:  # no such table (yet)
            return False
        return stored == [(self.name, self.version)] and columns == set(TRACKING_COLUMNS)

    def _prepare(self) -> None:
        if self._ready():
            return
        with self.transaction():  # one process makes the tables; the others wait, find them
            if self._ready():
                return
            info = self.db.table("_projection")
            stored = next(iter(info.rows), None) if info.exists() else None
            tracking = self.db.table("_tracking")
            why = None
            if stored and (stored["name"], stored["version"]) != (self.name, self.version):
                why = (
                    f"version {stored['version']} -> {self.version}"
                    if stored["name"] == self.name
                    else f"its file is the {stored['name']!r} view's"
                )
            elif tracking.exists() and set(tracking.columns_dict) != set(TRACKING_COLUMNS):
                why = "its bookkeeping is of an older kind"
            if why is None or self.path is None:
                if why is not None:
                    self.reset(why)
                    stored = None
                self.create_tables()
                if stored is None:
                    info.insert({"name": self.name, "version": self.version})
                self.db.table("_tracking").create(
                    TRACKING_COLUMNS,
                    pk="application_name",
                    if_not_exists=True,
                )
                return
        # A file of another version or kind is kept as it is (never dropped table by table:
        # a search index of another version broke every command, issue "Hardening, round 3",
        # 1); the view starts afresh in a new file.
        self._set_aside(why)

    def reset(self, why: str) -> None:
        """Throw the view away, to be rebuilt from position 0; say so once."""
        self.drop_tables()
        for table in ("_tracking", "_projection"):
            self.db.table(table).drop(ignore=True)
        self.rebuilt_because = why

    def close(self) -> None:
        self._remove_journal()
        self.db.close()

    def _remove_journal(self) -> None:
        remove_journal(self.db, None if self.path is None or self._replaced() else self.path)

    @abstractmethod
    def create_tables(self) -> None:
        """Create this projection's tables and indexes if they do not exist."""

    def drop_tables(self) -> None:
        """Drop this projection's tables (when its version changed): ``drop_tables``."""
        drop_tables(self.db)

    def process(self, event: Any, position: int) -> None:
        """Apply one domain event, at log ``position``: call its handler, if any."""
        for klass in type(event).__mro__:
            attr = self._handlers.get(klass)
            if attr is not None:
                getattr(self, attr)(event, position)
                return

    def process_stored(self, mapper: Mapper[Any], notification: Notification) -> None:
        """Decode one stored event and apply it (``process``). A view that needs a few fields
        of many events may read them from the stored state instead (issue 19)."""
        self.process(mapper.to_domain_event(notification), notification.id)

    def flush(self) -> None:
        """Finish a batch, in its transaction (write what it gathered)."""
        return None

    def settle(self) -> None:
        """In the last batch's transaction: work left to the end, when it is small."""
        return None

    def begin_bulk(self) -> None:
        """Filling an empty side file from position 0 (a rebuild): per-row upkeep that can
        be done in one pass at the end (``finish``) may be left until then."""
        return None

    def finish(self) -> None:
        """After a catch-up has applied every event there was: work left to the end (derived
        rows), in transactions of its own. It must be safe to run again after a crash."""
        return None

    def position(self, application_name: str) -> int:
        row = self.db.execute(
            "SELECT notification_id FROM _tracking WHERE application_name = ?",
            [application_name],
        ).fetchone()
        return int(row[0]) if row else 0

    def _tracked(self, application_name: str) -> tuple[int, str | None]:
        """The recorded position and the identity of the event at it (one read)."""
        row = self.db.execute(
            "SELECT notification_id, last_event FROM _tracking WHERE application_name = ?",
            [application_name],
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else (0, None)

    def _record_position(self, application_name: str, old: int, new: int, last_event: str) -> None:
        if old == 0 and self.position(application_name) == 0:
            self.db.execute(
                "INSERT INTO _tracking (application_name, notification_id, last_event) "
                "VALUES (?, ?, ?)",
                [application_name, new, last_event],
            )
            return
        cursor = self.db.execute(
            "UPDATE _tracking SET notification_id = ?, last_event = ? "
            "WHERE application_name = ? AND notification_id = ?",
            [new, last_event, application_name, old],
        )
        if cursor.rowcount != 1:  # someone else moved it: this batch must not count twice
            raise RuntimeError(f"{self.name}: position moved under us, batch rolled back")

    def _belongs_to(self, app: Application[Any]) -> bool:
        """Whether the last event this view applied is in ``app``'s log at the same place: a
        view left beside another store (or an older copy of this one) is not used."""
        position, last_event = self._tracked(app.name)
        if position == 0 or self._verified == (app.recorder, position, last_event):
            return True  # the log is append-only: an event found at a position stays there
        found = app.recorder.select_notifications(start=position, limit=1)
        if not found or found[0].id != position or notification_identity(found[0]) != last_event:
            return False
        self._verified = (app.recorder, position, last_event)
        return True

    def transaction(self) -> Transaction:
        return Transaction(self.db.conn)

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One read transaction: an answer read in it is of one state of the view (and its
        statements take the file's lock once, not each)."""
        self.db.conn.execute("BEGIN")
        try:
            yield
        finally:
            if self.db.conn.in_transaction:
                self.db.conn.execute("COMMIT")

    def catch_up(
        self,
        app: Application[Any],
        batch_size: int = BATCH_SIZE,
        progress: Progress | None = None,
    ) -> int:
        """Apply every event after the recorded position; return how many were applied. A
        file that a rebuild (in this process or another) put in place of the one open here
        is opened first: the old one is no longer there to be written."""
        if self._replaced():
            self._reopen()
        try:
            return self._catch_up(app, batch_size, progress)
        except sqlite3.DatabaseError as error:
            if moved(error) and self.path is not None:  # replaced while catching up
                self._reopen()
                return self._catch_up(app, batch_size, progress)
            if not corrupt(error) or self.path is None:
                raise
            self._set_aside(f"its file could not be read ({error})", CORRUPT)
            return self._catch_up(app, batch_size, progress)

    def _replaced(self) -> bool:
        """Whether the view's file is no longer the one this connection has open."""
        if self.path is None:
            return False
        try:
            found = self.path.stat()
        except FileNotFoundError:
            return True
        return (found.st_dev, found.st_ino) != self._file

    def _reopen(self) -> None:
        with suppress(sqlite3.Error):
            self.db.close()
        self.db = self._connect()
        self._prepare()

    def _catch_up(self, app: Application[Any], batch_size: int, progress: Progress | None) -> int:
        if not self._belongs_to(app):
            why = self._foreign_to(app)
            if self.path is None:
                self.reset(why)
                self._prepare()
            else:  # kept: a view of a longer log is the evidence that the log was cut short
                self._set_aside(why)
        applied = 0
        head = app.recorder.max_notification_id() or 0
        done = self.position(app.name)
        todo = max(head - done, 0)
        empty = done == 0 and self.path is not None and not self._filling
        if empty and todo >= FILL_FROM:
            filled = side_by_side.fill(self, app, progress)
            if filled is not None:
                self._verified = None
                return filled
        # Only the events it handles, when it says which (the others need not be read at
        # all: a view of announcements reads a few hundred of the UN record's 150,000
        # events, issue 25); the log as stored, when the recorder can give it so.
        topics = sorted(self._topics) if self._topics is not None else ()
        read = getattr(app.recorder, "read_log", None)
        while todo:  # nothing new (the usual query): no write transaction at all
            with self.transaction():
                start = self.position(app.name)
                if read is not None:
                    notifications = read(start, batch_size, head, topics)
                else:
                    notifications = app.recorder.select_notifications(
                        start=start, limit=batch_size, stop=head, topics=topics,
                        inclusive_of_start=False,
                    )  # fmt: skip
                for notification in notifications:
                    self.process_stored(app.mapper, notification)
                self.flush()
                last_batch = len(notifications) < batch_size  # the end of what was to read
                if last_batch:
                    self.settle()
                if last_batch and (not notifications or notifications[-1].id != head):
                    # past the events it skipped, to the head as it was read
                    at_head = app.recorder.select_notifications(start=head, limit=1)
                    if not at_head or at_head[0].id != head:
                        raise RuntimeError(f"{self.name}: position {head} is not in the log")
                    last = at_head[0]
                else:
                    last = notifications[-1]
                identity = notification_identity(last)
                self._record_position(app.name, start, last.id, identity)
                self._verified = (app.recorder, last.id, identity)
            applied += last.id - start
            if progress is not None:
                progress(applied, max(todo, applied))
            if last_batch:  # what arrived since is the next catch-up's
                break
        self.finish()
        return applied

    def rebuild(self, app: Application[Any], progress: Progress | None = None) -> int:
        """Rebuild from position 0 side by side (``side_by_side.rebuild``): queries keep the
        old file until the new one is whole; return how many events were applied. A file
        that is not of this log (another store's, or of a log since cut short) is set aside
        first, kept, and the rebuild says so."""
        if self.path is not None and not self._belongs_to(app):
            self._set_aside(self._foreign_to(app))
        why = self.rebuilt_because  # a file set aside (here or on opening it) is said
        applied = side_by_side.rebuild(self, app, progress)
        self.rebuilt_because = why
        return applied

    def _foreign_to(self, app: Application[Any]) -> str:
        """Why this view is not of ``app``'s log (``_belongs_to`` said it is not)."""
        return foreign_note(self._tracked(app.name)[0], app.recorder.max_notification_id() or 0)


def _with_subclasses(cls: type) -> list[type]:
    found: list[type] = [cls]
    children: list[type] = type.__subclasses__(cls)
    for child in children:
        found += _with_subclasses(child)
    return found
