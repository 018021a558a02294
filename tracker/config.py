"""Where the store and the views live. Configuration alone chooses the backend."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from eventsourcing.utils import get_topic

from events.base import PydanticJSONTranscoder, PydanticMapper

DEFAULT_DB = "tracker.db"
MEMORY = ":memory:"


@dataclass(frozen=True)
class StoreConfig:
    """``db``: the SQLite file of the event store, or ``:memory:`` (tests: nothing on disk).
    Views live beside the store: ``tracker.db`` -> ``tracker.strength.db``, ``tracker.audit.db``.
    A PostgreSQL URL comes in a later step; this is the seam for it."""

    db: str

    @classmethod
    def resolve(cls, db: str | Path | None = None) -> StoreConfig:
        """``db`` if given, else the ``TRACKER_DB`` variable, else ``./tracker.db``."""
        return cls(str(db) if db is not None else os.environ.get("TRACKER_DB") or DEFAULT_DB)

    @property
    def in_memory(self) -> bool:
        return self.db == MEMORY

    def exists(self) -> bool:
        return self.in_memory or Path(self.db).is_file()

    def event_store_env(self) -> dict[str, str]:
        env = {
            "MAPPER_TOPIC": get_topic(PydanticMapper),
            "TRANSCODER_TOPIC": get_topic(PydanticJSONTranscoder),
        }
        if self.in_memory:
            env["PERSISTENCE_MODULE"] = "eventsourcing.popo"
        else:
            env["PERSISTENCE_MODULE"] = "eventsourcing.sqlite"
            env["SQLITE_DBNAME"] = self.db
            env["SQLITE_LOCK_TIMEOUT"] = "30"
        return env

    def registry_path(self) -> Path | None:
        """Where the user projections of this store are listed."""
        if self.in_memory:
            return None
        store = Path(self.db)
        return store.with_name(f"{store.stem}.projections.json")

    def view_path(self, name: str) -> Path | None:
        if self.in_memory:
            return None
        store = Path(self.db)
        return store.with_name(f"{store.stem}.{name}.db")
