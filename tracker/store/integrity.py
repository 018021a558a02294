"""Tamper evidence and immutability of the stored log.

Every stored event gets a link in the ``event_chain`` table, written in the same transaction as
the event: ``link = sha256(previous link, position, stream, version, type, payload)``, the first
event's previous link being 32 zero bytes. The last link (the head) therefore covers the whole
history: anyone holding a head hash printed earlier (``tracker verify``, an export, a
``--stamp``ed answer) can check that nothing before it was changed since. ``verify`` recomputes
the chain and names the first event that does not match.

In the database itself, triggers refuse UPDATE and DELETE of stored events and of their links
(and TRUNCATE on PostgreSQL): the only way to change history is to append. Someone with the
file can drop the triggers; the chain is what makes that visible.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from events.errors import InvalidInputError, TrackerError
from projections.view_files import event_identity
from tracker.store.anchors import Anchor

GENESIS = bytes(32)
CHANGED = "its content or an earlier event was changed after it was written"
UNLINKED = (
    "it has no link in the chain: it was written around the tracker, or the chain was removed "
    "(a store made before the chain existed is linked only on request: 'tracker verify "
    "--adopt-unchained')"
)
IMMUTABLE = "stored events are immutable: record a correction or a retraction instead"
CHAIN_TABLE = "event_chain"
HEX_DIGITS = frozenset("0123456789abcdef")


def stream_text(originator_id: UUID | str) -> str:
    """The stream id as hashed: a UUID's 32 hex digits on every backend."""
    if isinstance(originator_id, UUID):
        return originator_id.hex
    return _stream_text(originator_id)


@lru_cache(maxsize=1 << 16)  # asked three times for every event written (issue 25)
def _stream_text(originator_id: str) -> str:
    if len(originator_id) == 32 and HEX_DIGITS.issuperset(originator_id):
        return originator_id  # as stored by SQLite: what UUID(...).hex would give
    try:
        return UUID(originator_id).hex
    except ValueError:
        return originator_id


def stored_stream(originator_id: Any) -> str:
    """The stream id as ``verify`` hashes it: as stored, character for character (issue
    "Hardening, round 3", 4: an id rewritten in upper case, or with dashes, was hashed as the
    same UUID and verified). The tracker and the library store a UUID as its 32 lower-case hex
    digits on SQLite (``stream_text``), and PostgreSQL's uuid column has one spelling: every
    store they wrote hashes as it always did, so no head hash changed and nothing migrates."""
    if isinstance(originator_id, UUID):
        return originator_id.hex
    return originator_id if isinstance(originator_id, str) else repr(originator_id)


def link(
    previous: bytes, position: int, stream: str, version: int, topic: str, state: bytes
) -> bytes:
    """The chain link of one stored event (lengths are fixed or prefixed: no ambiguity)."""
    stream_bytes, topic_bytes = stream.encode(), topic.encode()
    digest = hashlib.sha256(previous)
    digest.update(struct.pack(">qqII", position, version, len(stream_bytes), len(topic_bytes)))
    digest.update(stream_bytes)
    digest.update(topic_bytes)
    digest.update(state)
    return digest.digest()


def links(
    previous: bytes,
    positions: Sequence[int],
    stored_events: Sequence[StoredEvent],
    stream: Callable[[Any], str] = stream_text,
) -> list[tuple[int, bytes]]:
    """The links of events just stored at ``positions``, following ``previous`` (``stream``:
    their ids as stored; ``stored_stream`` for events read back from the store)."""
    rows = []
    for position, event in zip(positions, stored_events, strict=True):
        previous = link(
            previous,
            position,
            stream(event.originator_id),
            event.originator_version,
            event.topic,
            event.state,
        )
        rows.append((position, previous))
    return rows


@dataclass(frozen=True)
class Mismatch:
    """The first stored event whose link does not match what was stored."""

    position: int
    stream: str
    version: int
    event_id: str | None  # MISSION/CONTRIBUTOR/N when the payload still says so
    problem: str
    unlinked: bool = False  # the event has no link at all (rather than a wrong one)

    def describe(self) -> str:
        if not self.position:  # about the log as a whole, not one event
            return self.problem
        name = self.event_id or f"stream {self.stream} version {self.version}"
        return f"event {name} at position {self.position}: {self.problem}"


@dataclass(frozen=True)
class Verification:
    """What ``verify`` found: how many events, the head hash, and the first mismatch."""

    events: int
    head: str  # hex of the last link (of the zero link for an empty store)
    mismatch: Mismatch | None = None

    @property
    def ok(self) -> bool:
        return self.mismatch is None


def event_name(state: bytes, version: int) -> str | None:
    """MISSION/CONTRIBUTOR/N (or MISSION/N) read from a payload, without trusting it."""
    try:
        payload = json.loads(state)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("mission"), str):
        return None
    contributor = payload.get("contributor")
    if isinstance(contributor, str):
        return f"{payload['mission']}/{contributor}/{version}"
    return f"{payload['mission']}/{version}"


def check(
    rows: Iterable[tuple[Any, ...]],
    links_stored: int,
    expect: str | None = None,
    anchors: Sequence[Anchor] = (),
) -> Verification:
    """Recompute the chain over ``(position, stream, version, topic, state, stored link)``
    rows in position order (the stored link None where an event has none); ``links_stored`` is
    the number of rows of the chain table (a link with no event means a deleted event).
    ``expect``: a hash printed earlier, which the recomputed chain must pass through.
    ``anchors``: what this machine saw of the log (``tracker.store.anchors``): the log must
    reach each, with the same event or hash at its position."""
    previous, count, seen = GENESIS, 0, expect is None or expect == GENESIS.hex()
    wanted = bytes.fromhex(expect) if expect and not seen else None
    names: dict[str, str] = {}  # a stream's mission/contributor, to name a broken payload
    waiting = sorted(anchors, key=lambda anchor: anchor.position)
    met = 0  # the anchors passed so far
    last = 0
    for position, originator_id, version, topic, raw_state, stored in rows:
        count += 1
        stream, state = stored_stream(originator_id), as_bytes(raw_state)
        try:
            expected = link(previous, position, stream, version, str(topic), state)
        except (TypeError, struct.error):  # a column changed to another type or range
            expected = b""
        name = event_name(state, version)
        if name is not None:
            names.setdefault(stream, name.rsplit("/", 1)[0])
        if stored is None or bytes(stored) != expected:
            known = name or (f"{names[stream]}/{version}" if stream in names else None)
            problem = UNLINKED if stored is None else CHANGED
            if stored is not None and stream != stream_text(stream):  # not as anyone writes it
                problem = (
                    f"its stream id is stored as {stream!r}, not as it was written "
                    f"({stream_text(stream)}): it was changed after it was written"
                )
            return Verification(
                count,
                previous.hex(),
                Mismatch(position, stream, version, known, problem, unlinked=stored is None),
            )
        while met < len(waiting) and waiting[met].position <= position:
            anchor, met = waiting[met], met + 1
            wrong = _anchor_problem(anchor, position, originator_id, version, state)
            if wrong is None and anchor.link not in (None, expected.hex()):
                wrong = (
                    f"{anchor.what} gives the chain's hash here as {anchor.link}: the history "
                    "it stamped was changed"
                )
            if wrong is not None:
                known = name or (f"{names[stream]}/{version}" if stream in names else None)
                return Verification(
                    count, previous.hex(), Mismatch(position, stream, version, known, wrong)
                )
        previous, last = expected, position
        seen = seen or expected == wanted
    if met < len(waiting):  # the log ends before what was seen of it
        anchor = waiting[met]
        problem = (
            f"the log ends at position {last:,}, but {anchor.what} saw it to position "
            f"{anchor.position:,}: events were removed from its end{_or_another(anchor)}"
        )
        return Verification(count, previous.hex(), Mismatch(0, "", 0, None, problem))
    if links_stored != count:
        problem = f"the chain has {links_stored} links for {count} events: events were deleted"
        return Verification(count, previous.hex(), Mismatch(0, "", 0, None, problem))
    if not seen:
        problem = f"no event of this log has the hash {expect}: the history it stamped differs"
        return Verification(count, previous.hex(), Mismatch(0, "", 0, None, problem))
    return Verification(count, previous.hex())


def _anchor_problem(
    anchor: Anchor, position: int, originator_id: Any, version: Any, state: bytes
) -> str | None:
    """What is wrong with the event at ``position`` (the first at or after the anchor's) as
    the anchor saw it (None: nothing)."""
    if anchor.position < position:  # (PostgreSQL's positions may have gaps, never seen ones)
        return (
            f"no event is at position {anchor.position:,} any more, where {anchor.what} saw "
            f"one: events were removed{_or_another(anchor)}"
        )
    if anchor.identity is None:
        return None
    try:
        found = event_identity(str(originator_id), int(version), state)
    except (TypeError, ValueError):
        found = None
    if found == anchor.identity:
        return None
    return (
        f"{anchor.what} saw another event at this position: the log was changed after it"
        f"{_or_another(anchor)}"
    )


def _or_another(anchor: Anchor) -> str:
    if anchor.identity is None and anchor.link is not None:
        return ""  # a stamp names the store it came from
    return " (or that file is another store's view: then remove it)"


def as_bytes(value: Any) -> bytes:
    """A stored payload as bytes (someone editing the file may have stored it as text)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return b"" if value is None else str(value).encode()


def _is_hash(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def checked_hash(value: str | None) -> str | None:
    """A hash given by a user, lower-cased, or a clear error."""
    if value is None:
        return None
    value = value.strip().lower()
    if not _is_hash(value):
        raise InvalidInputError(
            f"--expect {value[:80]!r}: give a head hash as printed by 'tracker verify' "
            "(64 hexadecimal digits)"
        )
    return value


def verify_sqlite(
    cursor: sqlite3.Cursor,
    expect: str | None = None,
    table: str = "stored_events",
    anchors: Sequence[Anchor] = (),
) -> Verification:
    """Recompute the chain of a SQLite store through ``cursor`` (streamed: constant memory)."""
    cursor.execute(f"SELECT COUNT(*) FROM {CHAIN_TABLE}")
    stored = cursor.fetchone()[0]
    cursor.execute(
        "SELECT e.rowid, e.originator_id, e.originator_version, e.topic, e.state, "
        f"c.link FROM {table} e "
        f"LEFT JOIN {CHAIN_TABLE} c ON c.position = e.rowid ORDER BY e.rowid"
    )
    return check(fetched(cursor), stored, expect, anchors)


def verify_sqlite_file(path: str | Path, expect: str | None = None) -> Verification:
    """``verify_sqlite`` on a store file, opened read-only (a backup, say)."""
    if not Path(path).is_file():
        raise InvalidInputError(f"{path}: no such file - give a store or a backup file")
    try:
        connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise InvalidInputError(f"{path}: cannot be opened ({error})") from None
    try:
        return verify_sqlite(connection.cursor(), expect)
    except sqlite3.DatabaseError as error:
        raise InvalidInputError(f"{path}: not a tracker store ({error})") from None
    finally:
        connection.close()


def backup_sqlite(source: str | Path, target: str | Path) -> Verification:
    """Copy the SQLite store ``source`` into the new file ``target`` with SQLite's online
    backup (one read transaction: consistent while writers go on), then verify the copy.
    The copy is written beside ``target`` and renamed into place: all or nothing."""
    target = Path(target)
    if target.exists():
        raise InvalidInputError(f"{target}: exists - give a new file name for the backup")
    if not target.parent.is_dir():
        raise InvalidInputError(f"{target}: no such folder - create {target.parent} first")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)  # all pages in one step, under one read transaction
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    verification = verify_sqlite_file(partial)
    if not verification.ok:
        partial.unlink(missing_ok=True)
        assert verification.mismatch is not None
        raise TrackerError(
            f"the backup does not verify ({verification.mismatch.describe()}): nothing was "
            "kept; run 'tracker verify' on the store"
        )
    os.replace(partial, target)
    return verification


def restore_sqlite(backup: str | Path, target: str | Path) -> Verification:
    """Put the backup file ``backup`` in place as the SQLite store ``target`` (which must not
    exist), after verifying it; the views beside ``target`` rebuild themselves on first use."""
    target = Path(target)
    if target.exists():
        raise InvalidInputError(
            f"{target}: a store is already there - move it away or restore to another --db"
        )
    verification = verify_sqlite_file(backup)
    if not verification.ok:
        assert verification.mismatch is not None
        raise InvalidInputError(
            f"{backup}: does not verify ({verification.mismatch.describe()}) - not restored"
        )
    backup_sqlite(backup, target)
    return verification


def fetched(cursor: Any, size: int = 2000) -> Iterator[tuple[Any, ...]]:
    cursor = getattr(cursor, "sqlite_cursor", cursor)  # the library's wrapper has no fetchmany
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            return
        yield from (tuple(row) for row in rows)
