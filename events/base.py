"""Glue between pydantic v2 and the eventsourcing library (9.5.x).

Events are frozen pydantic models, validated when they are made and again when they are read back.
The library's default mapper builds events without calling ``__init__`` and its JSON transcoder
cannot encode nested models, so we bring our own mapper and transcoder, in the shape of the
library's ``examples/aggregate7`` and ``examples/aggregate8`` (written here for 9.5.6, which
ships no pydantic support).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pydantic_core
from eventsourcing.domain import (
    BaseAggregate,
    CanInitAggregate,
    CanMutateAggregate,
    datetime_now_with_tzinfo,
)
from eventsourcing.persistence import Mapper, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from eventsourcing.domain import DomainEventProtocol


class Immutable(BaseModel):
    """A frozen pydantic model that refuses unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class DomainEvent(Immutable):
    """Base of every stored event. ``timestamp`` is the *recorded time*: set by the store's
    clock when the event is made, never by the user."""

    originator_id: UUID
    originator_version: int
    timestamp: datetime = Field(default_factory=datetime_now_with_tzinfo)


class Aggregate(BaseAggregate[UUID]):
    """Base aggregate whose events are pydantic models. ``sink``: where a batch keeps every
    event its aggregates record, in the order recorded (None: not in one)."""

    sink: list[Any] | None = None

    def pend(self, event: Any) -> None:
        """An event recorded: pending, to be saved (and in the batch's sink, if any)."""
        self.pending_events.append(event)
        if self.sink is not None:
            self.sink.append(event)

    class Event(DomainEvent, CanMutateAggregate[UUID]):
        pass

    class Created(Event, CanInitAggregate[UUID]):
        originator_topic: str


class PydanticJSONTranscoder(Transcoder):
    """JSON by pydantic-core: dates, UUIDs and nested models need no registered transcodings."""

    def encode(self, obj: Any) -> bytes:
        return pydantic_core.to_json(obj)

    def decode(self, data: bytes) -> Any:
        return pydantic_core.from_json(data)


STORE_KEYS = {"originator_id", "originator_version"}  # the stored event's own columns


def encoded(event: BaseModel) -> bytes:
    """An event's stored state: its fields but the stream and version, as JSON, with its class
    version when above 1 (needed for upcasting later, eventsourcing issue #302). One pass of
    pydantic-core's serializer, not a dict made and encoded again (issue 19: import)."""
    kind = type(event)
    data = kind.__pydantic_serializer__.to_json(event, exclude=STORE_KEYS)
    class_version = getattr(kind, "class_version", 1)
    if class_version > 1:  # the object's last key, as a dict's would be
        data = b'%s,"class_version":%d}' % (data[:-1], class_version)
    return data


class PydanticMapper(Mapper[UUID]):
    """Maps pydantic events to stored events and back, validating on the way back."""

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        assert isinstance(domain_event, BaseModel)
        data = encoded(domain_event)
        if self.compressor:
            data = self.compressor.compress(data)
        if self.cipher:
            data = self.cipher.encrypt(data)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(type(domain_event)),
            state=data,
        )

    def read_state(self, stored_event: StoredEvent) -> tuple[type[Any], dict[str, Any]]:
        """An event's class and its fields as stored (upcast to the class's version), not
        validated: for a reader that needs a few fields of many events and trusts what was
        validated when it was written (the strength view's rebuild, issue 19)."""
        data = stored_event.state
        if self.cipher:
            data = self.cipher.decrypt(data)
        if self.compressor:
            data = self.compressor.decompress(data)
        state: dict[str, Any] = self.transcoder.decode(data)
        state["originator_id"] = stored_event.originator_id
        state["originator_version"] = stored_event.originator_version
        cls = resolve_topic(stored_event.topic)
        version = state.pop("class_version", 1)
        while version < getattr(cls, "class_version", 1):
            getattr(cls, f"upcast_v{version}_v{version + 1}")(state)
            version += 1
        return cls, state

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        cls, state = self.read_state(stored_event)
        event: DomainEventProtocol[UUID] = cls(**state)
        return event
