"""Events the store already holds, recognised by their content (issue 15, item 13): an import
of a file recorded before skips the events it already holds, as the UN imports do by month.

Identical means the same kind and the same fields, source included; the fields the store sets
(stream, version, recorded time) do not count. Each stream's contents are read once, when an
import first needs them (a multiset of digests of the events stored before the unit of work
began), so an import of N events into streams of L events costs O(N + L), not O(N x L). Each
stored event matches one line: a file holding the same event twice (two deployments of 50 on
one day from one source) records it twice, and a re-import then skips both.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import TYPE_CHECKING, Any

import pydantic_core

from events.contingent import Contingent
from events.mission import Mission

if TYPE_CHECKING:
    from uuid import UUID

    from eventsourcing.domain import BaseAggregate

    from tracker.app.core import TrackerCore

STORE_SET = {"originator_id", "originator_version", "timestamp", "originator_topic"}


def content_key(event: Any) -> bytes:
    """A digest of an event's kind and of the fields it was given (not those the store sets)."""
    fields = event.model_dump(mode="json", exclude=STORE_SET)
    digest = hashlib.blake2b(type(event).__qualname__.encode(), digest_size=16)
    digest.update(pydantic_core.to_json(fields))
    return digest.digest()


class KnownEvents:
    """The stored contents of the streams a unit of work touches, read on first need."""

    def __init__(self, tracker: TrackerCore) -> None:
        self.tracker = tracker
        self.versions: dict[UUID, int] = {}  # stream -> its version when loaded from the store
        self.contents: dict[UUID, Counter[bytes]] = {}
        self.skipped = 0

    def loaded(self, aggregate: BaseAggregate[UUID]) -> None:
        """An aggregate was loaded from the store at this version (later ones are ours)."""
        self.versions[aggregate.id] = aggregate.version

    def take(self, aggregate: Any, event_class: Any, values: dict[str, Any]) -> bool:
        """Whether the store holds an event identical to this one, not matched yet; if so,
        it is matched now (and counted as skipped)."""
        if aggregate.id not in self.versions:  # a stream new to the store: nothing to match
            return False
        stored = self._contents(aggregate.id)
        if not stored:
            return False
        owner = (
            {"mission": aggregate.acronym}
            if isinstance(aggregate, Mission)
            else {"mission": aggregate.mission, "contributor": aggregate.contributor}
        )
        candidate = event_class(
            originator_id=aggregate.id,
            originator_version=aggregate.version + 1,
            **owner,
            **values,
        )
        key = content_key(candidate)
        if stored[key] <= 0:
            return False
        stored[key] -= 1
        self.skipped += 1
        return True

    def _contents(self, stream: UUID) -> Counter[bytes]:
        if stream not in self.contents:
            events = self.tracker.events.get(stream, lte=self.versions[stream])
            self.contents[stream] = Counter(
                content_key(event)
                for event in events
                if not isinstance(event, Mission.Opened | Contingent.Opened)
            )
        return self.contents[stream]
