"""What this machine already holds of the log's past: anchors ``tracker verify`` holds it to.

The chain shows that nothing before its head was changed, but not that its end is still there:
a log cut short at its end, triggers dropped and put back, verifies as a shorter log (issue
"Hardening, round 3", 3). Whatever saw the log at some position vouches that the log reaches
it, with that event there:

- each view's file records its position and which event it last applied (``_tracking``:
  stream, version and a digest of the stored state), and so does every view file set aside
  (``NAME.aside``, ``NAME.aside-2``, ...: kept when its view was rebuilt);
- each stamp an export wrote beside its file (``FILE.stamp.json``) carries a position and the
  chain's hash there; the export notes it in ``<store>.stamps.jsonl``, beside the views, so
  it counts wherever the file went.

``verify`` fails naming the first anchor the log no longer reaches, or reaches with another
event or hash at its position.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from projections.view_files import ASIDE

if TYPE_CHECKING:
    from collections.abc import Iterable

    from projections.engine import Projection
    from tracker.store.config import StoreConfig

STAMPS = ".stamps.jsonl"  # beside the views: the stamps the exports of this store wrote


@dataclass(frozen=True)
class Anchor:
    """A position of the log something on this machine saw: with the event it saw there
    (``identity``, a view's) or the chain's hash there (``link``, a stamp's)."""

    position: int
    what: str  # "the strength view (tracker.strength.db)", "the stamp of out.csv (...)"
    identity: str | None = None
    link: str | None = None


def stamps_path(config: StoreConfig) -> Path | None:
    """Where the stamps the exports of this store wrote are noted (None: in memory)."""
    registry = config.registry_path()
    if registry is None:
        return None
    return registry.with_name(registry.name.removesuffix(".projections.json") + STAMPS)


def remember_stamp(config: StoreConfig, written: Path, stamp: dict[str, Any]) -> None:
    """Note the stamp an export wrote at ``written`` (one line appended: a line is written
    whole by one call, even by processes at the same time)."""
    path = stamps_path(config)
    position, link = stamp.get("log_position"), stamp.get("chain_hash")
    if path is None or not position or not isinstance(link, str):
        return
    line = json.dumps(
        {"log_position": position, "chain_hash": link, "stamp": str(Path(written).resolve())}
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        os.write(descriptor, (line + "\n").encode())
    finally:
        os.close(descriptor)


def stamp_anchors(config: StoreConfig) -> list[Anchor]:
    """The stamps noted for this store (a line that is not one of ours is left out)."""
    path = stamps_path(config)
    if path is None or not path.is_file():
        return []
    found = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            noted = json.loads(line)
            position, link, where = noted["log_position"], noted["chain_hash"], noted["stamp"]
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(position, int) and position > 0 and isinstance(link, str):
            found.append(Anchor(position, f"the stamp {where}", link=link.lower()))
    return found


def view_anchors(views: Iterable[Projection], application: str) -> list[Anchor]:
    """The position and last event of every view's file, and of every file set aside."""
    found = []
    for view in views:
        if view.path is None:
            continue
        kept = sorted(
            p for p in view.path.parent.glob(f"{view.path.name}{ASIDE}*") if _not_journal(p)
        )
        for path in [view.path, *kept]:
            seen = _tracked(path, application)
            if seen is None:
                continue
            shown = (
                f"the {view.name} view ({path})"
                if path == view.path
                else f"the {view.name} view set aside ({path})"
            )
            found.append(Anchor(seen[0], shown, identity=seen[1]))
    return found


def _not_journal(path: Path) -> bool:
    return not path.name.endswith(("-journal", "-wal", "-shm"))


def _tracked(path: Path, application: str) -> tuple[int, str | None] | None:
    """A view file's recorded position and last event, read only (None: none recorded, or
    not a view's file that can be read)."""
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(_tracking)")}
        last = "last_event" if "last_event" in columns else "NULL"  # an older kind: position
        row = connection.execute(
            f"SELECT notification_id, {last} FROM _tracking WHERE application_name = ?",
            [application],
        ).fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    if row is None or not isinstance(row[0], int) or row[0] <= 0:
        return None
    return row[0], (str(row[1]) if row[1] is not None else None)
