"""The SQLite event recorder: the library's, plus the hash chain and the triggers that refuse
UPDATE and DELETE (``tracker.store.integrity``), one ``executemany`` for a batch of events, the
commit's time as every event's recorded time (``tracker.store.stamping``), and a stage for
large imports: their events wait in a TEMP table of one connection and move into the log in
the one transaction that commits them."""

from __future__ import annotations

import sqlite3
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import Notification, StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteTransaction

from events.errors import TrackerError
from tracker.store import stamping
from tracker.store.integrity import (
    CHAIN_TABLE,
    GENESIS,
    IMMUTABLE,
    Verification,
    as_bytes,
    links,
    stored_stream,
    stream_text,
    verify_sqlite,
)
from tracker.store.stamping import commit_time, recorded_time, stamped

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from tracker.store.anchors import Anchor

STAGE_BATCH = 5000  # staged events moved into the log at a time


class ChainedSQLiteApplicationRecorder(SQLiteApplicationRecorder):
    """Events in commit order with contiguous positions (the write lock is held, rows are
    never deleted), each linked into the chain in the same transaction."""

    def construct_create_table_statements(self) -> list[str]:
        table = self.events_table_name
        statements = super().construct_create_table_statements()
        statements.append(
            f"CREATE TABLE IF NOT EXISTS {CHAIN_TABLE} ("
            "position INTEGER PRIMARY KEY, link BLOB NOT NULL)"
        )
        for target in (table, CHAIN_TABLE):
            for action in ("UPDATE", "DELETE"):
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {target}_no_{action.lower()} "
                    f"BEFORE {action} ON {target} "
                    f"BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END"
                )
        return statements

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # IMMEDIATE: the write lock first, so the commit's time is taken under it
        with self.datastore.get_connection(commit=True) as conn, _Immediate(conn) as c, c:
            return self._insert_events(c, stored_events, **kwargs)

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **_: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        return self._write(c, stamped(stored_events, self._commit_time(c)))

    def _commit_time(self, c: SQLiteCursor) -> datetime:
        """Under the write lock: now, or just after the last event recorded."""
        c.execute(f"SELECT state FROM {self.events_table_name} ORDER BY rowid DESC LIMIT 1")
        row = c.fetchone()
        return commit_time(recorded_time(bytes(row[0]) if row else None), stamping.clock())

    def _write(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent]) -> list[int]:
        """Insert events whose recorded time is set, and their links."""
        c.executemany(
            self.insert_events_statement,
            [
                (stream_text(s.originator_id), s.originator_version, s.topic, s.state)
                for s in stored_events
            ],
        )
        c.execute(f"SELECT MAX(rowid) FROM {self.events_table_name}")
        last = c.fetchone()[0]
        positions = list(range(last - len(stored_events) + 1, last + 1))
        head, previous = self._head(c)
        if head != positions[0] - 1:  # the chain was cut short or removed: never extend it
            raise TrackerError(
                f"the event chain ends at position {head} but the new events start at "
                f"{positions[0]}: nothing was written; run 'tracker verify'"
            )
        c.executemany(
            f"INSERT INTO {CHAIN_TABLE} VALUES (?, ?)", links(previous, positions, stored_events)
        )
        return positions

    def _head(self, c: SQLiteCursor) -> tuple[int, bytes]:
        c.execute(f"SELECT position, link FROM {CHAIN_TABLE} ORDER BY position DESC LIMIT 1")
        row = c.fetchone()
        return (0, GENESIS) if row is None else (row[0], bytes(row[1]))

    def read_log(
        self, after: int, limit: int, stop: int | None = None, topics: Sequence[str] = ()
    ) -> list[Notification]:
        """The notifications after position ``after`` (to ``stop``, of ``topics`` when
        given), as the views read the log: ``select_notifications``' own, with the stream
        ids as stored (hex text), not parsed into UUIDs for every event (a third of a view's
        read of the log, issue 25)."""
        sql = (
            "SELECT rowid, originator_id, originator_version, topic, state "
            f"FROM {self.events_table_name} WHERE rowid > ?"
        )
        params: list[Any] = [after]
        if stop is not None:
            sql += " AND rowid <= ?"
            params.append(stop)
        if topics:
            sql += f" AND topic IN ({', '.join('?' for _ in topics)})"
            params += topics
        sql += " ORDER BY rowid LIMIT ?"
        params.append(limit)
        with self.datastore.transaction(commit=False) as c:
            c.execute(sql, params)
            rows = c.fetchall()
        return [
            Notification(
                id=r[0], originator_id=r[1], originator_version=r[2], topic=r[3], state=r[4]
            )
            for r in rows
        ]

    def stage(self) -> SQLiteStage:
        """A stage for the events of one large unit of work (see ``SQLiteStage``)."""
        return SQLiteStage(self)

    def settle(self, at: datetime) -> None:
        """Before answering "as recorded at ``at``": if a commit in flight might still be
        stamped with a time before ``at`` (after the last one recorded, and ``at`` passed
        already), wait for it by taking the write lock once."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT state FROM {self.events_table_name} ORDER BY rowid DESC LIMIT 1")
            row = c.fetchone()
        last = recorded_time(bytes(row[0])) if row else None
        if (last is not None and at <= last) or at > stamping.clock():
            return
        with self.datastore.get_connection(commit=True) as conn, _Immediate(conn, False) as c, c:
            pass

    def adopt_unchained(self) -> list[int]:
        """Link the events stored after the chain's head without a link (a store made before
        the chain existed): never done on its own, since it would equally cover events
        edited after the chain was removed. Returns their positions."""
        with self.datastore.get_connection(commit=True) as conn, _Immediate(conn) as c, c:
            position, previous = self._head(c)
            c.execute(
                "SELECT rowid, originator_id, originator_version, topic, state "
                f"FROM {self.events_table_name} WHERE rowid > ? ORDER BY rowid",
                (position,),
            )
            rows = c.fetchall()
            # (a payload edited by hand may have been stored as text: linked as its bytes)
            events = [StoredEvent(r[1], r[2], r[3], as_bytes(r[4])) for r in rows]
            positions = [r[0] for r in rows]
            linked = links(previous, positions, events, stored_stream)  # ids as stored
            c.executemany(f"INSERT INTO {CHAIN_TABLE} VALUES (?, ?)", linked)
            return positions

    def verify(self, expect: str | None = None, anchors: Sequence[Anchor] = ()) -> Verification:
        """Recompute the chain over the whole log (streamed: constant memory), holding it to
        the ``anchors`` this machine saw of it."""
        with self.datastore.transaction(commit=False) as c:
            return verify_sqlite(c.sqlite_cursor, expect, self.events_table_name, anchors)

    def link_at(self, position: int) -> str | None:
        """The chain's link (hex) at a log position, if there is one."""
        with self.datastore.transaction(commit=False) as c:
            c.execute(f"SELECT link FROM {CHAIN_TABLE} WHERE position = ?", (position,))
            row = c.fetchone()
            return None if row is None else bytes(row[0]).hex()

    def head(self) -> tuple[int, str]:
        """The number of events and the head hash (hex), without recomputing anything."""
        with self.datastore.transaction(commit=False) as c:
            _, link_ = self._head(c)
            c.execute(f"SELECT COUNT(*) FROM {CHAIN_TABLE}")
            return c.fetchone()[0], link_.hex()


class SQLiteStage:
    """The events of one large unit of work, staged in a TEMP table of one connection (so
    memory stays flat and the log is not locked meanwhile), then moved into the log in one
    transaction, under the write lock, stamped with the commit's time: all or nothing. A
    stage that is discarded, or a process that dies, leaves nothing in the log."""

    def __init__(self, recorder: ChainedSQLiteApplicationRecorder) -> None:
        self.recorder = recorder
        self.done = False
        self.stack = ExitStack()
        self.conn = self.stack.enter_context(recorder.datastore.get_connection(commit=True))
        cursor = self.conn.cursor()
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS tracker_staged (seq INTEGER PRIMARY KEY, "
            "originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB)"
        )
        cursor.execute("DELETE FROM temp.tracker_staged")

    def add(self, stored_events: Sequence[StoredEvent]) -> None:
        self.conn.cursor().executemany(
            "INSERT INTO temp.tracker_staged (originator_id, originator_version, topic, state) "
            "VALUES (?, ?, ?, ?)",
            [
                (stream_text(s.originator_id), s.originator_version, s.topic, s.state)
                for s in stored_events
            ],
        )

    def commit(self) -> None:
        """Move every staged event into the log, in one transaction.

        Raises:
            IntegrityError: another writer appended to one of the streams first.
        """
        try:
            with _Immediate(self.conn) as c, c:
                at = self.recorder._commit_time(c)
                staged = self.conn.cursor().sqlite_cursor
                staged.execute(
                    "SELECT originator_id, originator_version, topic, state "
                    "FROM temp.tracker_staged ORDER BY seq"
                )
                while rows := staged.fetchmany(STAGE_BATCH):
                    events = [StoredEvent(r[0], r[1], r[2], r[3]) for r in rows]
                    self.recorder._write(c, stamped(events, at))
        finally:
            self.discard()

    def discard(self) -> None:
        """Throw the staged events away and give the connection back."""
        if self.done:
            return
        self.done = True
        try:
            self.conn.cursor().execute("DELETE FROM temp.tracker_staged")
        except sqlite3.Error:  # the connection is going back to the pool either way
            pass
        finally:
            self.stack.close()


class _Immediate(SQLiteTransaction):
    """The library's transaction (it turns SQLite's errors into the library's), begun
    IMMEDIATE: the write lock is taken first, so what is read in it still holds when it
    writes (a deferred one that read first may not write at all)."""

    def __init__(self, connection: Any, commit: bool = True) -> None:
        super().__init__(connection, commit=commit)

    def __enter__(self) -> SQLiteCursor:
        cursor = self.connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        return cursor
