"""The library we build on, as a peer: the eventsourcing library's own ``Application.save`` of
the same events in plain aggregates (no validation, no invariants, no hash chain), and its
``select_notifications`` + mapper decode of what it wrote.

The events are the store's own rows (the JSON each event is stored as, with the fields the
library sets itself taken out): one plain aggregate per stream of the store, created by the
stream's first event and given each later one in log order, saved in batches of 1,000 events
into a SQLite file with the library's default mapper and transcoder. Its notification read
then decodes every event back into its class (``Application.mapper.to_domain_event``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

LIBRARY_FIELDS = ("originator_id", "originator_version", "timestamp")
BATCH = 1000


class Stream(Aggregate):
    """A plain aggregate: it keeps nothing and checks nothing; each event carries the payload
    of one of the store's events."""

    @event("Opened")
    def __init__(self, payload: dict[str, Any]) -> None:
        pass

    @event("Happened")
    def happen(self, payload: dict[str, Any]) -> None:
        pass


class Plain(Application[UUID]):
    """The library's application, with nothing of the tracker's (default mapper/transcoder)."""


def application(db: Path) -> Plain:
    return Plain(
        env={
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(db),
            "IS_SNAPSHOTTING_ENABLED": "n",
        }
    )


def payloads(store: Path) -> list[tuple[str, str]]:
    """The store's rows in log order: (stream id, stored JSON)."""
    import sqlite3

    conn = sqlite3.connect(store)
    rows = conn.execute("SELECT originator_id, state FROM stored_events ORDER BY rowid").fetchall()
    conn.close()
    return [(str(oid), bytes(state).decode()) for oid, state in rows]


def save(store: Path, target: Path) -> dict[str, Any]:
    """``Application.save`` of every event of ``store`` (timed: decoding each stored JSON,
    making the event on its aggregate, saving every 1,000 events)."""
    rows = payloads(store)
    for stale in target.parent.glob(target.name + "*"):
        stale.unlink()
    app = application(target)
    streams: dict[str, Stream] = {}
    pending: dict[str, Stream] = {}  # the aggregates with events to save, once each
    start, cpu = time.perf_counter(), time.process_time()
    for n, (oid, state) in enumerate(rows, start=1):
        payload = json.loads(state)
        for key in LIBRARY_FIELDS:
            payload.pop(key, None)
        stream = streams.get(oid)
        if stream is None:
            stream = streams[oid] = Stream(payload)
        else:
            stream.happen(payload)
        pending[oid] = stream
        if n % BATCH == 0:
            app.save(*pending.values())
            pending.clear()
    if pending:
        app.save(*pending.values())
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    app.close()
    return {"events": len(rows), "seconds": took, "cpu_s": cpu, "batch": BATCH}


def read(target: Path, page: int = 1000) -> dict[str, Any]:
    """``select_notifications`` from the start, page by page, each decoded by the mapper."""
    app = application(target)
    recorder, mapper = app.recorder, app.mapper
    count = 0
    start, cpu = time.perf_counter(), time.process_time()
    position: int | None = None
    while True:
        notifications = recorder.select_notifications(
            position, page, inclusive_of_start=position is None
        )
        for notification in notifications:
            mapper.to_domain_event(notification)
        count += len(notifications)
        if len(notifications) < page:
            break
        position = notifications[-1].id
    took, cpu = time.perf_counter() - start, time.process_time() - cpu
    app.close()
    return {"events": count, "seconds": took, "cpu_s": cpu, "page": page}
