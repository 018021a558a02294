"""A mission: its establishment, mandates with authorised ceilings, end and closure."""

from __future__ import annotations

from typing import Annotated, Any, Literal, NewType
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import Field

from events.base import Aggregate
from events.claims import Claimed, Incident, Retraction, check_supersedes, superseded_target
from events.values import Count, Country, MissionAcronym, ValidDate

MissionID = NewType("MissionID", UUID)
CeilingCategory = Literal[
    "military",
    "police",
    "troops",
    "staff_officers",
    "military_experts",
    "individual_police",
    "formed_police_units",
]


def mission_id(mission: str) -> MissionID:
    return MissionID(uuid5(NAMESPACE_URL, f"/peacekeeping-tracker/{mission}"))


class Mission(Aggregate):
    """A UN operation, identified by its acronym."""

    class Event(Aggregate.Event):
        """Every mission event names its mission."""

        mission: MissionAcronym

        @property
        def event_id(self) -> str:
            return f"{self.mission}/{self.originator_version}"

        def apply(self, aggregate: Any) -> None:
            aggregate.track(self)

    class Established(Event, Claimed, Aggregate.Created):
        """The mission was established (``valid``: when it started operating), with its
        full ``name`` and ``host`` country (ISO 3166 alpha-3)."""

        name: Annotated[str, Field(min_length=1, max_length=300)]
        host: Country

    class MandateRenewed(Event, Claimed):
        """The Security Council set or renewed the mandate by ``resolution``, from ``valid``
        to ``until``, with authorised ``ceilings`` by category (``military``, ``police``, or
        the UN personnel types)."""

        resolution: Annotated[str, Field(min_length=1, max_length=100)]
        ceilings: dict[CeilingCategory, Count] = Field(default_factory=dict)
        until: ValidDate | None = None

    class MandateEnded(Event, Claimed):
        """The mandate ended on ``valid`` by ``resolution``; withdrawal follows, to be done by
        ``withdrawal_by`` where the resolution sets it."""

        resolution: Annotated[str, Field(min_length=1, max_length=100)]
        withdrawal_by: ValidDate | None = None

    class Closed(Event, Claimed):
        """The mission finished its withdrawal on ``valid`` (liquidation may follow)."""

    class IncidentNoted(Event, Claimed, Incident):
        """An incident concerning the mission as a whole (no one contributor): it never
        changes strength but belongs in the history."""

    class Retracted(Event, Retraction):
        """An earlier mission event is withdrawn from the record. Nothing is deleted."""

    def __init__(self, mission: str, name: str, host: str) -> None:
        self.acronym = mission
        self.name = name
        self.host = host
        self.kinds: dict[str, str] = {}
        self.superseded: dict[str, str] = {}

    @staticmethod
    def create_id(mission: str) -> UUID:
        return mission_id(mission)

    @classmethod
    def establish(cls, fields: dict[str, Any]) -> Mission:
        """Start a mission's stream with its ``Established`` event (fields validated)."""
        return cls._create(cls.Established, **fields)

    def record(self, event_class: type[Mission.Event], fields: dict[str, Any]) -> Event:
        """Validate and append one event.

        Raises:
            pydantic.ValidationError: a field is not valid.
            EventNotFoundError, AlreadySupersededError: a bad ``corrects``/``retracts``.
        """
        event = event_class(
            originator_id=self.id,
            originator_version=self.version + 1,
            mission=self.acronym,
            **fields,
        )
        check_supersedes(event, self.kinds, self.superseded)
        event.mutate(self)
        self.pending_events.append(event)
        return event

    def track(self, event: Event) -> None:
        self.kinds[event.event_id] = type(event).__name__
        target = superseded_target(event)
        if target:
            self.superseded[target] = event.event_id
