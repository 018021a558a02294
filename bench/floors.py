"""Floors: the least an import or a rebuild of the present design can cost, measured on the same
events as the product and its peers, so that a target can be told apart from what it asks of
the design (issue 19).

- ``import_floor``: only the work the issue asks of every event ("validated, invariant-checked
  and chained"): the log's lines read by the product's reader, each routed to its class and
  stream, validated in bulk (one pydantic ``TypeAdapter`` per class over each batch of 2,000
  records, the adapters made before the clock starts), each change checked by the product's
  own check of a contingent's invariants (``events.checked.Checked``, one per contingent, the
  part timed as ``check``), encoded as the product stores it, linked into the hash chain and
  written, all in one transaction. No aggregate, no check of places, corrections' targets or
  of what the store holds already, no stage, no stamping (the recorded time is known before
  the first event). The streams' opening events are not written (0.08% of the rows): in the
  floor's favour. Without its ``check`` part, it is the floor of any validated, chained import.
- ``rebuild_floor``: only the writes of the strength view the product derives: its rows
  (taken from a rebuilt view beforehand, untimed) written from Python in batches into the
  same tables, their indexes made after them, and the R*Tree filled by the product's own
  statement. No event is read or derived: the harness adds the raw read of the log (SQLite +
  ``json.loads``, its ``raw_read`` step), the least any rebuild must read. ``rows_by_sql_s``:
  the same rows copied by SQLite itself, the least their writing can cost whatever makes them.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BATCH = 2000  # records validated at a time (as the product holds events before it stages them)
VIEW_BATCH = 5000  # view rows written at a time


class Clock:
    """Wall and CPU seconds, summed over the parts that are timed."""

    def __init__(self) -> None:
        self.parts: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        self._at: tuple[float, float] | None = None

    def start(self) -> None:
        self._at = (time.perf_counter(), time.process_time())

    def stop(self, part: str) -> None:
        assert self._at is not None
        wall, cpu = self._at
        self.parts[part][0] += time.perf_counter() - wall
        self.parts[part][1] += time.process_time() - cpu
        self._at = None

    def result(self) -> dict[str, Any]:
        return {
            "seconds": sum(w for w, _ in self.parts.values()),
            "cpu_s": sum(c for _, c in self.parts.values()),
            "parts_s": {name: round(w, 3) for name, (w, _) in self.parts.items()},
            "parts_cpu_s": {name: round(c, 3) for name, (_, c) in self.parts.items()},
        }


def fresh(path: Path) -> None:
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()


def import_floor(log: Path, store: Path, target: Path) -> dict[str, Any]:
    """Validate, encode, chain and write every event of ``log`` into ``target``, a file with
    the tables of the product's store ``store`` (see the module's docstring)."""
    from eventsourcing.utils import get_topic
    from pydantic import TypeAdapter

    from events.base import encoded
    from events.checked import Checked
    from events.claims import superseded_target
    from events.contingent import Contingent, contingent_id
    from events.mission import mission_id
    from events.values import country_code
    from tracker.app.kinds import CONTINGENT_KINDS, MISSION_KINDS, SHARED_KINDS, kind_name
    from tracker.importers.jsonl import records
    from tracker.store.integrity import CHAIN_TABLE, GENESIS, links, stream_text

    fresh(target)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")  # as the library sets it on the store
    source = sqlite3.connect(store)
    for (ddl,) in source.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name IN ('stored_events', ?) "
        "AND sql IS NOT NULL ORDER BY type = 'trigger'",
        (CHAIN_TABLE,),
    ):
        conn.execute(ddl)
    source.close()
    classes = {*MISSION_KINDS.values(), *CONTINGENT_KINDS.values()}
    classes |= {c for pair in SHARED_KINDS.values() for c in pair}
    adapters = {cls: TypeAdapter(list[cls]) for cls in classes}
    topics = {cls: get_topic(cls) for cls in classes}
    insert = (
        "INSERT INTO stored_events (originator_id, originator_version, topic, state) "
        "VALUES (?, ?, ?, ?)"
    )
    now = datetime.now(UTC)
    versions: dict[Any, int] = defaultdict(lambda: 1)  # 1: the stream's opening
    checks: dict[Any, Checked] = {}
    changes: dict[str, Any] = {}  # the changes in force, by event id
    previous, position, count = GENESIS, 0, 0
    clock = Clock()

    def write(batch: list[tuple[type, dict[str, Any]]]) -> None:
        nonlocal previous, position, count
        clock.start()
        grouped: dict[type, list[dict[str, Any]]] = defaultdict(list)
        for cls, fields in batch:
            grouped[cls].append(fields)
        made = {cls: iter(adapters[cls].validate_python(items)) for cls, items in grouped.items()}
        events = [next(made[cls]) for cls, _ in batch]
        clock.stop("validate")
        clock.start()
        for event in events:
            if isinstance(event, Contingent.Event):
                check(event)
        clock.stop("check")
        clock.start()
        stored = [
            (e.originator_id, e.originator_version, topics[type(e)], encoded(e)) for e in events
        ]
        clock.stop("encode")
        clock.start()
        rows = [(stream_text(s[0]), s[1], s[2], s[3]) for s in stored]
        conn.executemany(insert, rows)
        positions = list(range(position + 1, position + len(rows) + 1))
        chained = links(previous, positions, [_Stored(*row) for row in rows])
        conn.executemany(f"INSERT INTO {CHAIN_TABLE} VALUES (?, ?)", chained)
        previous, position = chained[-1][1], positions[-1]
        count += len(rows)
        clock.stop("chain and write")

    def check(event: Any) -> None:
        as_change = getattr(event, "as_change", None)
        change = as_change() if as_change is not None else None
        target = superseded_target(event)
        removed = changes.pop(target, None) if target else None
        if change is None and removed is None:
            return
        checked = checks.get(event.originator_id)
        if checked is None:
            checked = checks[event.originator_id] = Checked(event.contributor)
        checked.check(change, removed)
        if removed is not None:
            checked.remove(removed)
        if change is not None:
            checked.add(change)
            changes[change.event_id] = change

    clock.start()
    conn.execute("BEGIN IMMEDIATE")
    clock.stop("chain and write")
    with log.open(encoding="utf-8") as lines:
        batch: list[tuple[type, dict[str, Any]]] = []
        clock.start()
        for _, kind, fields in records(lines, str(log)):
            kind = kind_name(kind)
            acronym = str(fields["mission"]).strip().upper()
            fields["mission"] = acronym
            contributor = fields.pop("contributor", None)
            if kind in CONTINGENT_KINDS or (kind in SHARED_KINDS and contributor):
                cls: type = CONTINGENT_KINDS.get(kind) or SHARED_KINDS[kind][0]
                code = country_code(contributor)
                stream: Any = contingent_id(acronym, code)
                fields["contributor"] = code
            else:
                cls = MISSION_KINDS.get(kind) or SHARED_KINDS[kind][1]
                stream = mission_id(acronym)
            versions[stream] += 1
            fields.update(originator_id=stream, originator_version=versions[stream])
            fields["timestamp"] = now
            batch.append((cls, fields))
            if len(batch) == BATCH:
                clock.stop("read and route")
                write(batch)
                batch = []
                clock.start()
        clock.stop("read and route")
    if batch:
        write(batch)
    clock.start()
    conn.execute("COMMIT")
    clock.stop("chain and write")
    conn.close()
    fresh(target)
    return {"events": count, **clock.result()}


class _Stored:
    """What ``links`` reads of a stored event."""

    def __init__(self, originator_id: str, version: int, topic: str, state: bytes) -> None:
        self.originator_id, self.originator_version = originator_id, version
        self.topic, self.state = topic, state


def rebuild_floor(view: Path, target: Path) -> dict[str, Any]:
    """Write the rows of the rebuilt strength view ``view`` into ``target`` as the product
    writes them (see the module's docstring)."""
    from projections.strength_boxes import box_values

    fresh(target)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode=TRUNCATE")  # as the product's view files
    conn.execute("PRAGMA synchronous=NORMAL")
    source = sqlite3.connect(view)
    tables = source.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE '_strength_box%' AND name NOT IN ('_projection', '_tracking')"
    ).fetchall()
    indexes = [
        sql
        for (sql,) in source.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    ]
    for _, ddl in tables:
        conn.execute(ddl)
    conn.execute(
        "CREATE VIRTUAL TABLE _strength_box USING rtree_i32(id, m0, m1, v0, v1, k0, k1, r0, r1)"
    )
    clock = Clock()
    rows = 0
    conn.execute("BEGIN")
    for name, _ in tables:
        if name == "_strength_mission":  # filled below, as the product fills it
            continue
        columns = [c[1] for c in source.execute(f"PRAGMA table_info({name})")]
        insert = f"INSERT INTO {name} VALUES ({', '.join('?' * len(columns))})"
        cursor = source.execute(f"SELECT * FROM {name} ORDER BY rowid")
        while chunk := cursor.fetchmany(VIEW_BATCH):
            clock.start()
            conn.executemany(insert, chunk)
            clock.stop("rows")
            rows += len(chunk)
    source.close()
    clock.start()
    for sql in indexes:
        conn.execute(sql)
    clock.stop("indexes")
    clock.start()
    conn.execute(
        "INSERT INTO _strength_mission (mission) "
        "SELECT DISTINCT mission FROM strength_intervals ORDER BY mission"
    )
    conn.execute(
        "INSERT INTO _strength_box SELECT i.rowid, m.id, m.id + 1, "
        f"{box_values('i')} FROM strength_intervals i "
        "JOIN _strength_mission m ON m.mission = i.mission ORDER BY m.id, i.valid_from"
    )
    conn.execute("COMMIT")
    clock.stop("R*Tree")
    boxes = conn.execute("SELECT COUNT(*) FROM _strength_box").fetchone()[0]
    conn.close()
    size = os.path.getsize(target)
    fresh(target)
    return {
        "rows": rows,
        "boxes": boxes,
        "view_mb": size / 2**20,
        **clock.result(),
        "rows_by_sql_s": rows_by_sql(view, target, [name for name, _ in tables]),
    }


def rows_by_sql(view: Path, target: Path, tables: list[str]) -> float:
    """The same rows copied by SQLite itself (``INSERT ... SELECT`` from the attached view):
    the least their writing can cost, whatever computes them. Wall seconds."""
    fresh(target)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA journal_mode=TRUNCATE")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("ATTACH ? AS view", (str(view),))
    for name in tables:
        (ddl,) = conn.execute(
            "SELECT sql FROM view.sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
        conn.execute(ddl)
    start = time.perf_counter()
    conn.execute("BEGIN")
    for name in tables:
        conn.execute(f"INSERT INTO main.{name} SELECT * FROM view.{name} ORDER BY rowid")
    conn.execute("COMMIT")
    took = time.perf_counter() - start
    conn.close()
    fresh(target)
    return took
