"""A view's SQLite file: its connection (sqlite-utils only when tables are made), its
transactions, and what its errors mean."""

from __future__ import annotations

import importlib
import sqlite3
import sys
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
            self._full = _sqlite_utils().Database(self.conn)
        return self._full

    def __getattr__(self, name: str) -> Any:
        return getattr(self._database(), name)

    def __getitem__(self, name: str) -> Any:
        return self._database()[name]


def _sqlite_utils() -> Any:
    """sqlite-utils, imported without pandas and numpy unless they are loaded already: it
    imports them (when installed) only to convert their values on insert, and the views insert
    none; together they are 40 MB and 0.3 s of every import (issue 19: import memory)."""
    if "sqlite_utils" not in sys.modules:
        blocked = [name for name in ("pandas", "numpy") if name not in sys.modules]
        for name in blocked:  # None: "not installed", for this import only
            sys.modules[name] = None  # type: ignore[assignment]
        try:
            importlib.import_module("sqlite_utils")
        finally:
            for name in blocked:
                if sys.modules.get(name, False) is None:
                    del sys.modules[name]
    return sys.modules["sqlite_utils"]


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
