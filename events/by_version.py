"""A stream's values by event id, held in a list by version: an import holds every event's
kind and every change of the contingents it touches to the end, 8 bytes each in a list rather
than about 40 in a dict keyed by id (issue 19: import memory)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar, overload

T = TypeVar("T")
D = TypeVar("D")


class ByVersion(Generic[T]):
    """``event id -> value`` for the ids of one stream, ``"{prefix}/{version}"``; an id of
    another stream, or not spelled as the stream spells its ids, is not in it."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix + "/"
        self.values: list[T | None] = []  # values[v - 1]: the value of version v, if any

    def version(self, event_id: str) -> int | None:
        """The version ``event_id`` names in this stream, if it names one."""
        if not event_id.startswith(self.prefix):
            return None
        tail = event_id[len(self.prefix) :]
        if not (tail.isascii() and tail.isdigit()) or tail[0] == "0":
            return None  # "007" is not how version 7 is spelled
        return int(tail)

    def put(self, version: int, value: T | None) -> None:
        missing = version - len(self.values)
        if missing > 0:
            self.values.extend([None] * missing)
        self.values[version - 1] = value

    @overload
    def get(self, event_id: str) -> T | None: ...

    @overload
    def get(self, event_id: str, default: D) -> T | D: ...

    def get(self, event_id: str, default: object = None) -> object:
        version = self.version(event_id)
        if version is None or version > len(self.values):
            return default
        found = self.values[version - 1]
        return default if found is None else found

    def __getitem__(self, event_id: str) -> T:
        found = self.get(event_id)
        if found is None:
            raise KeyError(event_id)
        return found

    def __contains__(self, event_id: object) -> bool:
        return isinstance(event_id, str) and self.get(event_id) is not None

    def pop(self, event_id: str) -> T | None:
        """The value of ``event_id`` (None when it has none), now taken out."""
        found = self.get(event_id)
        if found is not None:
            version = self.version(event_id)
            assert version is not None
            self.values[version - 1] = None
        return found

    def __iter__(self) -> Iterator[T]:
        """The values, by version."""
        return (value for value in self.values if value is not None)
