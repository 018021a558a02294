"""A mission: its establishment, mandates with authorised ceilings, reported totals, end and
closure, and the periodic reports that list its contributors."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Annotated, Any, Literal, NewType
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import Field, model_validator

from events.base import Aggregate
from events.claims import (
    Claimed,
    Incident,
    Retraction,
    check_published,
    check_supersedes,
    superseded_target,
)
from events.errors import InvalidInputError
from events.values import Count, Country, MissionAcronym, ValidDate

MissionID = NewType("MissionID", UUID)
Category = Literal[
    "military",
    "police",
    "troops",
    "staff_officers",
    "military_experts",
    "individual_police",
    "formed_police_units",
]


@cache  # asked for every event of an import: a uuid5 is a SHA-1 (issue 19)
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

    class Opened(Event, Aggregate.Created):
        """The tracker started a stream for this mission. Bookkeeping: it claims nothing about
        the world; made with the mission's first real event (its establishment, or the first
        report that names it)."""

    class Established(Event, Claimed):
        """The mission was established (``valid``: when it began operating, or the date of
        the resolution that established it where the source gives no other), with its full
        ``name`` and ``host`` country (ISO 3166 alpha-3); ``hosts``: every host country, where
        it has several (the first is ``host``); ``resolution``: the Security Council
        resolution that established it; ``predecessor``: the mission it took over from."""

        name: Annotated[str, Field(min_length=1, max_length=300)]
        host: Country
        hosts: list[Country] = Field(default_factory=list, max_length=20)
        resolution: Annotated[str, Field(min_length=1, max_length=100)] | None = None
        predecessor: MissionAcronym | None = None

        @model_validator(mode="after")
        def _check_host_among_hosts(self) -> Mission.Established:
            if self.hosts and self.hosts[0] != self.host:
                raise ValueError(
                    f"field 'hosts': the host ({self.host}) comes first among the hosts, "
                    f"not {self.hosts[0]}"
                )
            return self

        @property
        def every_host(self) -> list[str]:
            """The host countries: ``hosts``, or the one ``host``."""
            return list(self.hosts) or [self.host]

    class NotListed(Event, Claimed):
        """A periodic report of contributions as of ``valid`` (the UN's month-end report)
        covered other missions but did not list this one while it was running: its figures
        for that month are unknown (not 0: no contributor left for it; and not a gap in the
        record, which is a month with no report at all)."""

    class ContributorsReported(Event, Claimed):
        """A periodic report of contributions as of ``valid`` (such as the UN's month-end
        figures) listed these ``contributors`` (ISO 3166 alpha-3) for the mission. A
        contributor listed in one report and missing from the next has left."""

        contributors: list[Country]

    class TotalReported(Event, Claimed):
        """A figure for the whole mission on ``valid``: ``strength`` uniformed personnel (where
        the source gives that total), ``categories`` where it gives parts (``military``,
        ``police``, ``troops``...), and the number of ``contributors``. ``approximate``:
        rounded by the source."""

        strength: Count | None = None
        categories: dict[Category, Count] = Field(default_factory=dict)
        contributors: Count | None = None
        approximate: bool = False

        @model_validator(mode="after")
        def _check_has_a_figure(self) -> Mission.TotalReported:
            if self.strength is None and not self.categories:
                raise ValueError("a reported total needs a strength or categories")
            return self

    class MandateRenewed(Event, Claimed):
        """The Security Council set or renewed the mandate by ``resolution``, from ``valid``
        to ``until``, with authorised ``ceilings`` by category (``military``, ``police``, or
        the UN personnel types)."""

        resolution: Annotated[str, Field(min_length=1, max_length=100)]
        ceilings: dict[Category, Count] = Field(default_factory=dict)
        until: ValidDate | None = None

    class MandateEnded(Event, Claimed):
        """The mandate ended on ``valid`` by ``resolution``; withdrawal follows, to be done by
        ``withdrawal_by`` where the resolution sets it."""

        resolution: Annotated[str, Field(min_length=1, max_length=100)]
        withdrawal_by: ValidDate | None = None

    class Closed(Event, Claimed):
        """The mission ended on ``valid``: it finished its withdrawal, or handed over to its
        ``successor`` (liquidation may follow); ``resolution``: the Security Council
        resolution that ended it, where the source gives it. Every contingent the UN does
        not report again after it is at 0."""

        resolution: Annotated[str, Field(min_length=1, max_length=100)] | None = None
        successor: MissionAcronym | None = None

    class IncidentNoted(Event, Claimed, Incident):
        """An incident concerning the mission as a whole (no one contributor): it never
        changes strength but belongs in the history."""

    class Retracted(Event, Retraction):
        """An earlier mission event is withdrawn from the record. Nothing is deleted."""

    def __init__(self, mission: str) -> None:
        self.acronym = mission
        self.name: str | None = None
        self.host: str | None = None
        self.hosts: list[str] = []
        self.established = False
        self.established_on: str | None = None  # ISO date it began, as recorded
        self._closures: dict[str, str] = {}  # closures in force: event id -> ISO date
        self.not_listed: set[str] = set()  # report dates (ISO) that did not list it
        self.kinds: dict[str, str] = {}
        self.superseded: dict[str, str] = {}
        self.reports: dict[str, list[str]] = {}  # report date -> contributors listed

    @staticmethod
    def create_id(mission: str) -> UUID:
        return mission_id(mission)

    @classmethod
    def open(cls, mission: str, timestamp: datetime | None = None) -> Mission:
        """Start a mission's stream (before its first real event)."""
        return cls._create(cls.Opened, mission=mission, timestamp=timestamp)

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
        check_published(event)
        check_supersedes(event, self.kinds, self.superseded)
        self.check_mandate_period(event)
        event.mutate(self)
        self.pend(event)
        return event

    @staticmethod
    def check_mandate_period(event: Event) -> None:
        """Refuse a mandate that ends before it begins (``until`` before ``valid``)."""
        if not isinstance(event, Mission.MandateRenewed) or event.until is None:
            return
        if event.until.end < event.valid.start:
            raise InvalidInputError(
                f"field 'until': the mandate ends ({event.until}) before it begins "
                f"({event.valid}) - give the end of the mandate period"
            )

    def track(self, event: Event) -> None:
        self.kinds[event.event_id] = type(event).__name__
        target = superseded_target(event)
        if target:
            self.superseded[target] = event.event_id
            self._closures.pop(target, None)
        if isinstance(event, Mission.Established):
            self.name, self.host, self.established = event.name, event.host, True
            self.hosts = event.every_host
            self.established_on = event.valid.effective.isoformat()
        elif isinstance(event, Mission.ContributorsReported):
            self.reports[event.valid.effective.isoformat()] = event.contributors
        elif isinstance(event, Mission.NotListed):
            self.not_listed.add(event.valid.effective.isoformat())
        elif isinstance(event, Mission.Closed):
            self._closures[event.event_id] = event.valid.effective.isoformat()

    @property
    def closed(self) -> str | None:
        """The day it closed (ISO), by the latest closure in force; None: it runs."""
        return max(self._closures.values(), default=None)

    def running_on(self, day: str) -> bool:
        """Whether it was established by ``day`` (ISO) and had not closed before it."""
        closed = self.closed
        return (
            self.established_on is not None
            and self.established_on <= day
            and (closed is None or day <= closed)
        )

    def previous_report(self, before: str) -> tuple[str, list[str]] | None:
        """The last report of contributors dated before ``before`` (ISO date), if any."""
        earlier = [day for day in self.reports if day < before]
        return (max(earlier), self.reports[max(earlier)]) if earlier else None
