"""A view's SQLite file: its connection (sqlite-utils only when tables are made), its
transactions, and what its errors mean."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

    import sqlite_utils


class LazyDatabase:
    """A view's connection, as a ``sqlite_utils.Database`` that is made only when something
    beyond ``execute`` is asked of it (making or changing tables). Importing sqlite-utils
    costs 0.1-0.4 s (it loads pandas when pandas is installed): a query does not pay it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._full: sqlite_utils.Database | None = None

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        return self.conn.execute(sql, parameters or ())

    def executemany(self, sql: str, parameters: Any) -> sqlite3.Cursor:
        return self.conn.executemany(sql, parameters)

    def close(self) -> None:
        self.conn.close()

    def _database(self) -> sqlite_utils.Database:
        if self._full is None:
            import sqlite_utils

            self._full = sqlite_utils.Database(self.conn)
        return self._full

    def __getattr__(self, name: str) -> Any:
        return getattr(self._database(), name)

    def __getitem__(self, name: str) -> Any:
        return self._database()[name]


def moved(error: sqlite3.DatabaseError) -> bool:
    """Whether SQLite refused a write because the file was replaced after it was opened."""
    return getattr(error, "sqlite_errorname", "") == "SQLITE_READONLY_DBMOVED"


def corrupt(error: sqlite3.DatabaseError) -> bool:
    """Whether the file itself is broken (not locked, read-only or full: those are not
    repaired by throwing the view away)."""
    said = str(error).lower()
    return "not a database" in said or "malformed" in said or "file is encrypted" in said


class Transaction:
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
