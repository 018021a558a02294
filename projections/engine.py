"""Catching a read model up with the event log, exactly once.

SQLite in eventsourcing 9.5 cannot push new events, so a projection pulls: it reads the
notifications after the position it recorded, applies them, and records the new position in the
same transaction as its rows. A batch that fails half way leaves nothing behind, and the next
catch-up starts again from the recorded position: every event is applied exactly once.

Each projection lives in its own SQLite file (two projections in one file would share the
library's single tracking row: see shared/notes/eventsourcing-9.5.md, pitfall 2).
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import sqlite_utils

if TYPE_CHECKING:
    from collections.abc import Iterator

    from eventsourcing.application import Application

BATCH_SIZE = 1000  # notifications per view transaction: per-event commits cap replay at ~2,500/s


class Projection(ABC):
    """A read model: its own tables in its own SQLite file, a name, a version, and a handler
    for the events it cares about. Subclasses define ``name``, ``version``, ``create_tables``
    and ``process``; ``flush`` runs once per batch, before the position is recorded."""

    name: ClassVar[str]
    version: ClassVar[int] = 1

    def __init__(self, path: str | Path | None) -> None:
        """``path`` None keeps the view in memory (tests)."""
        self.path = None if path is None else Path(path)
        self.db = self._connect()
        self._prepare()

    def _connect(self) -> sqlite_utils.Database:
        # isolation_level=None: we open and close transactions ourselves (``transaction``).
        if self.path is None:
            return sqlite_utils.Database(sqlite3.connect(":memory:", isolation_level=None))
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        return sqlite_utils.Database(conn)

    def _prepare(self) -> None:
        info = self.db.table("_projection")
        stored = next(iter(info.rows), None) if info.exists() else None
        if stored and (stored["name"], stored["version"]) != (self.name, self.version):
            self.drop_tables()  # older version: rebuilt from the log on next catch-up
            self.db.table("_tracking").drop(ignore=True)
            info.drop()
            stored = None
        self.create_tables()
        if stored is None:
            self.db.table("_projection").insert({"name": self.name, "version": self.version})
        self.db.table("_tracking").create(
            {"application_name": str, "notification_id": int},
            pk="application_name",
            if_not_exists=True,
        )

    def close(self) -> None:
        self.db.close()

    @abstractmethod
    def create_tables(self) -> None:
        """Create this projection's tables and indexes if they do not exist."""

    def drop_tables(self) -> None:
        """Drop this projection's tables (when its version changed)."""
        for table in self.db.table_names():
            if not table.startswith("_"):
                self.db[table].drop()

    @abstractmethod
    def process(self, event: Any, position: int) -> None:
        """Apply one domain event, at log ``position``, to the tables."""

    def flush(self) -> None:
        """Finish a batch (derived rows computed once per batch)."""
        return None

    def position(self, application_name: str) -> int:
        row = self.db.execute(
            "SELECT notification_id FROM _tracking WHERE application_name = ?",
            [application_name],
        ).fetchone()
        return int(row[0]) if row else 0

    def _record_position(self, application_name: str, old: int, new: int) -> None:
        if old == 0 and self.position(application_name) == 0:
            self.db.execute(
                "INSERT INTO _tracking (application_name, notification_id) VALUES (?, ?)",
                [application_name, new],
            )
            return
        cursor = self.db.execute(
            "UPDATE _tracking SET notification_id = ? "
            "WHERE application_name = ? AND notification_id = ?",
            [new, application_name, old],
        )
        if cursor.rowcount != 1:  # someone else moved it: this batch must not count twice
            raise RuntimeError(f"{self.name}: position moved under us, batch rolled back")

    def transaction(self) -> _Transaction:
        return _Transaction(self.db.conn)

    def catch_up(self, app: Application[Any], batch_size: int = BATCH_SIZE) -> int:
        """Apply every event after the recorded position; return how many were applied."""
        applied = 0
        while True:
            with self.transaction():
                start = self.position(app.name)
                notifications = app.recorder.select_notifications(
                    start=start, limit=batch_size, inclusive_of_start=False
                )
                if not notifications:
                    return applied
                for notification in notifications:
                    self.process(app.mapper.to_domain_event(notification), notification.id)
                self.flush()
                self._record_position(app.name, start, notifications[-1].id)
            applied += len(notifications)


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any error. sqlite-utils calls
    inside nest as savepoints (``Database.atomic``), so nothing commits half a batch."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


def rows(db: sqlite_utils.Database, sql: str, params: list[Any]) -> Iterator[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=True))
