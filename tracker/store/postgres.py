"""The PostgreSQL event recorder: the library's, with the hash chain and triggers that refuse
UPDATE, DELETE and TRUNCATE, the commit's time as every event's recorded time (the server's
clock, under the table lock: ``tracker.store.stamping``), and a stage for large imports.

Events are inserted with ``executemany`` rather than as one ``unnest`` of a composite array: in
eventsourcing 9.5.6 the array form slows down far faster than the number of events in one
transaction (5,535 events: 0.8 s; 20,000: not done after 10 minutes, measured here), while
``executemany`` with RETURNING inserts 20,000 rows in 0.3 s. The library's database function
(``POSTGRES_ENABLE_DB_FUNCTIONS``) is never used: it writes no links and takes no table lock.
Everything else (the EXCLUSIVE table lock that keeps positions in commit order, NOTIFY, one
transaction per save) is the library's. Loaded only for a PostgreSQL store.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    PersistenceError,
    StoredEvent,
)
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import retry
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier, Literal

from events.errors import TrackerError
from tracker.store.integrity import GENESIS, IMMUTABLE, Verification, check, links
from tracker.store.stamping import as_utc, commit_time, recorded_time, stamped

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from psycopg import Connection, Cursor
    from psycopg.rows import DictRow

    from tracker.store.anchors import Anchor

STAGE_BATCH = 5000  # staged events moved into the log at a time


class ChainedPostgresApplicationRecorder(PostgresApplicationRecorder):
    """Events in commit order (the table lock), each linked into the chain in the inserting
    transaction while it holds that lock (so the previous link is the last committed one)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.datastore.enable_db_functions:  # the configuration fixes it off: never
            raise TrackerError("POSTGRES_ENABLE_DB_FUNCTIONS is on: the chain needs it off")
        schema = Identifier(self.datastore.schema)
        self.chain_table = f"{self.events_table_name}_chain"
        chain = SQL("{}.{}").format(schema, Identifier(self.chain_table))
        events = SQL("{}.{}").format(schema, Identifier(self.events_table_name))
        refuse = SQL("{}.{}").format(schema, Identifier(f"{self.events_table_name}_immutable"))
        self.sql_create_statements += [
            SQL(
                "CREATE TABLE IF NOT EXISTS {} (position bigint PRIMARY KEY, link bytea NOT NULL)"
            ).format(chain),
            SQL(
                "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS "
                "$$BEGIN RAISE EXCEPTION {}; END$$"
            ).format(refuse, Literal(IMMUTABLE)),
        ]
        for table, name in ((events, self.events_table_name), (chain, self.chain_table)):
            self.sql_create_statements.append(
                SQL(
                    "CREATE OR REPLACE TRIGGER {} BEFORE UPDATE OR DELETE OR TRUNCATE ON {} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION {}()"
                ).format(Identifier(f"{name}_immutable"), table, refuse)
            )
        self.select_head = SQL(
            "SELECT position, link FROM {} ORDER BY position DESC LIMIT 1"
        ).format(chain)
        self.insert_links = SQL("INSERT INTO {} (position, link) VALUES (%s, %s)").format(chain)
        self.select_link = SQL("SELECT link FROM {} WHERE position = %s").format(chain)
        self.count_links = SQL("SELECT COUNT(*) AS n FROM {}").format(chain)
        self.select_chained = SQL(
            "SELECT e.notification_id, e.originator_id, e.originator_version, e.topic, e.state, "
            "c.link FROM {} e LEFT JOIN {} c ON c.position = e.notification_id "
            "ORDER BY e.notification_id"
        ).format(events, chain)
        self.select_unlinked_before = SQL(
            "SELECT 1 FROM {} WHERE notification_id > %s AND notification_id < %s LIMIT 1"
        ).format(events)
        self.select_unlinked = SQL(
            "SELECT notification_id, originator_id, originator_version, topic, state FROM {} "
            "WHERE notification_id > %s ORDER BY notification_id"
        ).format(events)
        self.insert_values = SQL(
            "INSERT INTO {} (originator_id, originator_version, topic, state) "
            "VALUES (%s, %s, %s, %s) RETURNING notification_id"
        ).format(events)
        self.select_clock_and_last = SQL(
            "SELECT clock_timestamp() AS now, (SELECT state FROM {} "
            "ORDER BY notification_id DESC LIMIT 1) AS last"
        ).format(events)

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            at = self._lock_for_writing(curs)
            return self._write(curs, stamped(stored_events, at))

    def _lock_for_writing(self, curs: Cursor[DictRow]) -> datetime:
        """Take the table lock, and the commit's time under it (the server's clock)."""
        self._lock_table(curs)
        self._notify_channel(curs)
        now, last = self._clock_and_last(curs)
        return commit_time(last, now)

    def _clock_and_last(self, curs: Cursor[DictRow]) -> tuple[datetime, datetime | None]:
        curs.execute(self.select_clock_and_last)
        row = curs.fetchone()
        assert row is not None
        last = bytes(row["last"]) if row["last"] is not None else None
        # psycopg gives a timestamptz in the session's time zone (PGTZ, the server's
        # ``timezone``): stored as it came, a recorded time said +14:00 (issue "Hardening,
        # round 3", 2). The instant, in UTC, whatever the zone.
        return as_utc(row["now"]), recorded_time(last)

    def _write(self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent]) -> list[int]:
        """Insert events whose recorded time is set, and their links (the lock is held)."""
        curs.executemany(
            self.insert_values,
            [(e.originator_id, e.originator_version, e.topic, e.state) for e in stored_events],
            returning=True,
        )
        ids: list[int] = []
        while True:  # one result per row
            if curs.description is not None:
                ids += [row["notification_id"] for row in curs.fetchall()]
            if not curs.nextset():
                break
        head, previous = self._head(curs)
        curs.execute(self.select_unlinked_before, (head, ids[0]))
        if curs.fetchone() is not None:  # the chain was cut short or removed: never extend it
            raise TrackerError(
                f"the event chain ends at position {head} but the log holds events after it: "
                "nothing was written; run 'tracker verify'"
            )
        curs.executemany(self.insert_links, links(previous, ids, stored_events))
        return ids

    def stage(self) -> PostgresStage:
        """A stage for the events of one large unit of work (see ``PostgresStage``)."""
        return PostgresStage(self)

    def settle(self, at: datetime) -> None:
        """Before answering "as recorded at ``at``": if a commit in flight might still be
        stamped with a time before ``at`` (after the last one recorded, and ``at`` passed
        already on the server's clock), wait for it by taking the table lock once."""
        with self.datastore.transaction(commit=False) as curs:
            now, last = self._clock_and_last(curs)
        if (last is not None and at <= last) or at > now:
            return
        with self.datastore.transaction(commit=False) as curs:
            self._lock_table(curs)

    def adopt_unchained(self) -> list[int]:
        """Link the events stored after the chain's head without a link (a store made before
        the chain existed): never done on its own, since it would equally cover events
        edited after the chain was removed. Returns their positions."""
        with self.datastore.transaction(commit=True) as curs:
            self._lock_table(curs)
            position, previous = self._head(curs)
            curs.execute(self.select_unlinked, (position,))
            rows = curs.fetchall()
            events = [
                StoredEvent(r["originator_id"], r["originator_version"], r["topic"], r["state"])
                for r in rows
            ]
            positions = [r["notification_id"] for r in rows]
            curs.executemany(self.insert_links, links(previous, positions, events))
            return positions

    def _head(self, curs: Cursor[DictRow]) -> tuple[int, bytes]:
        curs.execute(self.select_head)
        row = curs.fetchone()
        return (0, GENESIS) if row is None else (row["position"], bytes(row["link"]))

    def verify(self, expect: str | None = None, anchors: Sequence[Anchor] = ()) -> Verification:
        """Recompute the chain over the whole log, read through a server-side cursor, holding
        it to the ``anchors`` this machine saw of it."""
        with self.datastore.get_connection() as conn, conn.transaction():
            with conn.cursor() as count:
                count.execute(self.count_links)
                row = count.fetchone()
                assert row is not None
                stored = row["n"]
            with conn.cursor(name="tracker_verify", row_factory=tuple_row) as curs:
                curs.itersize = 2000
                curs.execute(self.select_chained)
                return check(curs, stored, expect, anchors)

    def link_at(self, position: int) -> str | None:
        """The chain's link (hex) at a log position, if there is one."""
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self.select_link, (position,))
            row = curs.fetchone()
            return None if row is None else bytes(row["link"]).hex()

    def head(self) -> tuple[int, str]:
        """The number of links and the head hash (hex), without recomputing anything."""
        with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
            _, previous = self._head(curs)
            curs.execute(self.count_links)
            row = curs.fetchone()
            assert row is not None
            return row["n"], previous.hex()


class PostgresStage:
    """The events of one large unit of work, staged in a TEMP table of one connection (memory
    stays flat, the log is not locked meanwhile), then moved into the log in one transaction
    under the table lock, stamped with the commit's time: all or nothing."""

    def __init__(self, recorder: ChainedPostgresApplicationRecorder) -> None:
        self.recorder = recorder
        self.done = False
        self.stack = ExitStack()
        self.conn: Connection[DictRow] = self.stack.enter_context(
            recorder.datastore.get_connection()
        )
        with self.conn.transaction():
            self.conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS tracker_staged (seq bigserial PRIMARY KEY, "
                "originator_id uuid, originator_version bigint, topic text, state bytea)"
            )
            self.conn.execute("TRUNCATE tracker_staged")

    def add(self, stored_events: Sequence[StoredEvent]) -> None:
        try:
            with self.conn.transaction(), self.conn.cursor() as curs:
                curs.executemany(
                    "INSERT INTO tracker_staged (originator_id, originator_version, topic, "
                    "state) VALUES (%s, %s, %s, %s)",
                    [
                        (e.originator_id, e.originator_version, e.topic, e.state)
                        for e in stored_events
                    ],
                )
        except psycopg.Error as error:
            raise PersistenceError(str(error)) from error

    def commit(self) -> None:
        """Move every staged event into the log, in one transaction.

        Raises:
            IntegrityError: another writer appended to one of the streams first.
        """
        try:
            with self.conn.transaction(), self.conn.cursor() as curs:
                at = self.recorder._lock_for_writing(curs)
                with self.conn.cursor(name="tracker_staged_read", row_factory=tuple_row) as staged:
                    staged.execute(
                        "SELECT originator_id, originator_version, topic, state "
                        "FROM tracker_staged ORDER BY seq"
                    )
                    while rows := staged.fetchmany(STAGE_BATCH):
                        events = [StoredEvent(r[0], r[1], r[2], bytes(r[3])) for r in rows]
                        self.recorder._write(curs, stamped(events, at))
        except psycopg.IntegrityError as error:
            raise IntegrityError(str(error)) from error
        except psycopg.Error as error:  # the library's kind, as its own recorder raises
            raise PersistenceError(str(error)) from error
        finally:
            self.discard()

    def discard(self) -> None:
        """Throw the staged events away and give the connection back."""
        if self.done:
            return
        self.done = True
        try:
            if not self.conn.closed:
                self.conn.execute("DROP TABLE IF EXISTS tracker_staged")
        except psycopg.Error:  # the connection goes back to the pool either way
            pass
        finally:
            self.stack.close()
