"""A contingent: one contributing country's personnel in one mission, and what happened to it.

Announcements (intentions) and changes (what happened on the ground) are both recorded here,
but only changes move strength. Invariants are checked against *valid* time: a withdrawal may
not take more than was there on its date, and a back-dated change may not leave any later
withdrawal short (see ``events.timeline``).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, NewType, get_args
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import BeforeValidator, Field, model_validator

from events.base import Aggregate
from events.by_version import ByVersion
from events.checked import Checked
from events.claims import (
    Claimed,
    Incident,
    Retraction,
    check_published,
    check_supersedes,
    superseded_target,
)
from events.deferred import Deferred
from events.stored import stored_change
from events.timeline import Change, ChangeKind, fold
from events.values import (
    MAX_COUNT,
    Contributor,
    Count,
    Location,
    MissionAcronym,
    PersonnelType,
    ValidDate,
    not_a_flag,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from events.timeline import Interval

ContingentID = NewType("ContingentID", UUID)
# The UN monthly import's source title before reports said they were authoritative.
UN_MONTHLY_TITLE = (
    "UN: Contribution of Uniformed Personnel to UN by Mission, Country and Personnel Type"
)
PositiveCount = Annotated[int, BeforeValidator(not_a_flag), Field(ge=1, le=MAX_COUNT)]


@cache  # asked for every event of an import: a uuid5 is a SHA-1 (issue 19)
def contingent_id(mission: str, contributor: str) -> ContingentID:
    return ContingentID(uuid5(NAMESPACE_URL, f"/peacekeeping-tracker/{mission}/{contributor}"))


class Contingent(Aggregate):
    """One mission x contributor stream of events."""

    class Event(Aggregate.Event):
        """Every contingent event names its mission and contributor (ISO 3166 alpha-3)."""

        mission: MissionAcronym
        contributor: Contributor

        @property
        def event_id(self) -> str:
            return f"{self.mission}/{self.contributor}/{self.originator_version}"

        def apply(self, aggregate: Any) -> None:
            aggregate._track(self)

    class Opened(Event, Aggregate.Created):
        """The tracker started a stream for this contributor in this mission. Bookkeeping: it
        claims nothing about the world and is made with the contingent's first real event."""

    class DeploymentAnnounced(Event, Claimed):
        """A deployment (or, with ``increase``, a reinforcement) was announced. An intention:
        it changes no strength. ``count`` personnel of ``personnel_type`` to ``location``,
        by ``target`` where the source gives one."""

        count: Count | None = None
        personnel_type: PersonnelType | None = None
        location: Location = None
        target: ValidDate | None = None
        increase: bool = False

    class WithdrawalAnnounced(Event, Claimed):
        """A withdrawal was announced: ``full`` (the whole contingent) or partial (``count``
        personnel of ``personnel_type`` from ``location``), to be done by ``target``.
        An intention: it changes no strength."""

        full: bool = False
        count: Count | None = None
        personnel_type: PersonnelType | None = None
        location: Location = None
        target: ValidDate | None = None

        @model_validator(mode="after")
        def _check_partial_has_count(self) -> Contingent.WithdrawalAnnounced:
            if not self.full and self.count is None:
                raise ValueError("a partial withdrawal needs a count (or say it is full)")
            return self

    class SuspensionAnnounced(Event, Claimed):
        """The contributor announced it suspends its contingent's activities (or rotations)
        from ``target``. An intention: it changes no strength."""

        count: Count | None = None
        personnel_type: PersonnelType | None = None
        location: Location = None
        target: ValidDate | None = None

    class ChangeEvent(Event, Claimed):
        """Base of the events that move strength: each knows its place in the fold."""

        change_kind: ClassVar[ChangeKind]

        def as_change(self) -> Change:
            fields = vars(self)
            count = fields["strength"] if self.change_kind == "report" else fields["count"]
            kind = fields["personnel_type"]
            return Change(
                _stream(self.mission, self.contributor),  # the id: f"{stream}/{version}"
                self.valid.effective,
                _shared(self.originator_version),
                self.change_kind,
                None if count is None else _shared(count),
                fields["location"],  # a place's own name: one string for every event
                _TYPES.get(kind, kind),  # one string per type, not one per event (issue 19)
                fields.get("to_location"),
                fields.get("approximate", False),
                fields.get("authoritative", False),
                numbered=True,
            )

    class Deployed(ChangeEvent):
        """``count`` personnel of ``personnel_type`` arrived at ``location`` on ``valid``."""

        change_kind = "deploy"

        count: PositiveCount
        personnel_type: PersonnelType | None = None
        location: Location = None

    class Withdrawn(ChangeEvent):
        """``count`` personnel of ``personnel_type`` left ``location`` (the mission, when no
        location is given) on ``valid``. No ``count``: everyone in that scope left."""

        change_kind = "withdraw"

        count: PositiveCount | None = None
        personnel_type: PersonnelType | None = None
        location: Location = None

    class Moved(ChangeEvent):
        """``count`` personnel of ``personnel_type`` moved from ``location`` to
        ``to_location`` on ``valid``; the contingent's strength is unchanged."""

        change_kind = "move"

        count: PositiveCount
        personnel_type: PersonnelType | None = None
        location: Location = None
        to_location: Location

        @model_validator(mode="after")
        def _check_places_differ(self) -> Contingent.Moved:
            if self.to_location is None:
                raise ValueError("a move needs a destination (to_location)")
            if self.location == self.to_location:
                raise ValueError(
                    f"a move needs two different locations, not {self.location!r} twice"
                )
            return self

    class StrengthReported(ChangeEvent):
        """An authoritative level: ``strength`` personnel of ``personnel_type`` (all types,
        when not given) at ``location`` (anywhere in the mission, when not given) on
        ``valid``. ``strength`` None: present, but the figure was not published (unknown,
        which is neither 0 nor absent). ``approximate``: the source rounded it ("about
        1,100"). ``inferred``: not stated by the source but inferred from it (a contributor
        missing from a monthly report has left). ``male``/``female``: as the source gives
        them; they need not add up to ``strength`` (gender is not given for everyone).
        ``authoritative``: the series of record (the UN's month-end figures): it takes over
        from the contingent's figures and changes before it; one dated on its day is a claim
        shown beside it, not counted; one dated after it counts, as not the UN's, until the
        next report of record."""

        change_kind = "report"
        class_version: ClassVar[int] = 2  # 2: ``authoritative``

        strength: Count | None
        personnel_type: PersonnelType | None = None
        location: Location = None
        approximate: bool = False
        inferred: bool = False
        male: Count | None = None
        female: Count | None = None
        authoritative: bool = False

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Reports stored before ``authoritative`` existed: the UN monthly import's are."""
            title = (state.get("source") or {}).get("title") or ""
            state["authoritative"] = title == UN_MONTHLY_TITLE

    class PresenceEstimated(Event, Claimed):
        """An estimate that the contributor had personnel at ``location`` during ``valid``
        (usually a year), with ``troops`` the size the estimate gives (Geo-PKO infers it from
        unit symbols on UN deployment maps: a company about 150, a battalion about 850-950).
        An estimate of *where*, not a count: it never changes strength."""

        location: Location
        troops: Count | None = None

        @model_validator(mode="after")
        def _check_has_location(self) -> Contingent.PresenceEstimated:
            if self.location is None:
                raise ValueError("a presence estimate needs a location")
            return self

    class IncidentNoted(Event, Claimed, Incident):
        """An incident involving the contingent: an attack, a detention, fatalities. It never
        changes strength (a detention is not a withdrawal) but belongs in the history."""

    class Retracted(Event, Retraction):
        """An earlier event of this contingent is withdrawn from the record (it was wrong, or
        its source was). Nothing is deleted: views stop counting it from now on."""

    def __init__(self, mission: str, contributor: str) -> None:
        self.mission = mission
        self.contributor = contributor
        stream = f"{mission}/{contributor}"  # every event id is f"{stream}/{version}"
        self.changes: ByVersion[Change] = ByVersion(stream)  # the changes in force
        self.kinds: ByVersion[str] = ByVersion(stream)  # every event's kind
        self.superseded: dict[str, str] = {}
        self.revised_on: dict[date, list[str]] = {}  # a day's corrections and retractions
        # the changes in valid-time order, checkable (or, in a batch, checked at its end)
        self._checked: Checked | Deferred = Checked(contributor)
        # The change ``record`` made of the event it checked, for ``_track`` to keep (made
        # once, not twice: issue 19).
        self._made: tuple[Contingent.Event, Change | None] | None = None

    @staticmethod
    def create_id(mission: str, contributor: str) -> UUID:
        return contingent_id(mission, contributor)

    @classmethod
    def open(cls, mission: str, contributor: str, timestamp: datetime | None = None) -> Contingent:
        """Start a contingent's stream (before its first real event)."""
        return cls._create(
            cls.Opened, mission=mission, contributor=contributor, timestamp=timestamp
        )

    @classmethod
    def restore(
        cls, mission: str, contributor: str, stored: Iterable[tuple[type[Any], dict[str, Any]]]
    ) -> Contingent:
        """The contingent of a stream's stored events (each event's class and stored state,
        in version order: ``PydanticMapper.read_state``), read without validating them again
        (they were when written); its changes are checked once per batch (``defer_checks``).
        For an import, which only appends to the stream (issue 25)."""
        found = cls.open(mission, contributor)
        found.collect_events()  # the stream is open already: its first stored event
        found.defer_checks()
        stream = f"{mission}/{contributor}"
        version = 0
        for event_class, state in stored:
            version = state["originator_version"]
            found.kinds.put(version, _KIND_NAMES.setdefault(event_class, event_class.__name__))
            target = state.get("retracts") or state.get("corrects")
            if target:
                found.superseded[target] = f"{stream}/{version}"
                removed = found.changes.pop(target)
                if removed is not None:
                    found._checked.remove(removed)
                    found.revised_on.setdefault(removed.effective, []).append(f"{stream}/{version}")
            if issubclass(event_class, Contingent.ChangeEvent):
                change = stored_change(event_class, state)
                found._checked.add(change)
                found.changes.put(version, change)
        found.version = version
        return found

    def defer_checks(self) -> None:
        """Check this contingent's invariants once, at the end of a batch (``verify``), not
        event by event: an import's way (issue 25). Only before its first change."""
        if isinstance(self._checked, Deferred):
            return
        deferred = Deferred(self.contributor)
        for change in self.changes:
            deferred.load(change)
        self._checked = deferred

    def verify(self) -> None:
        """The batch's check (``defer_checks``): every change in force folded once.

        Raises:
            InsufficientStrengthError: some change takes more personnel than were there.
        """
        if isinstance(self._checked, Deferred):
            self._checked.verify()

    def record(self, event_class: type[Contingent.Event], fields: dict[str, Any]) -> Event:
        """The one command: validate, check the invariants, append one event.

        Raises:
            pydantic.ValidationError: a field is not valid.
            InsufficientStrengthError: the change takes more personnel than were there.
            EventNotFoundError, AlreadySupersededError: a bad ``corrects``/``retracts``.
        """
        event = event_class(
            originator_id=self.id,
            originator_version=self.version + 1,
            mission=self.mission,
            contributor=self.contributor,
            **fields,
        )
        check_published(event)
        check_supersedes(event, self.kinds, self.superseded)
        change = _change(event)
        self.check_strength_holds(event, change)
        self._made = (event, change)
        try:
            event.mutate(self)
        finally:
            self._made = None
        self.pend(event)
        return event

    def check_strength_holds(self, event: Event, change: Change | None) -> None:
        target = superseded_target(event)
        removed = self.changes.get(target) if target else None
        if change is None and removed is None:
            return
        self._checked.check(change, removed)

    def intervals(self) -> list[Interval]:
        """Every cell's levels over valid time, from the changes still in force."""
        return fold(self.contributor, self.changes)

    def latest_day(self) -> date:
        """The valid day of the latest change in force (the earliest date: none)."""
        return max((c.effective for c in self.changes), default=date.min)

    def changes_on(self, day: date) -> list[Change]:
        """The changes in force whose valid date is ``day``, in the order recorded."""
        return self._checked.on(day)

    def _track(self, event: Event) -> None:
        """Keep the aggregate's view of its changes up to date (called by every event)."""
        made = self._made
        # the change ``record`` checked, or an event read back from the store
        change = made[1] if made is not None and made[0] is event else _change(event)
        version = event.originator_version
        self.kinds.put(version, _KIND_NAMES.setdefault(type(event), type(event).__name__))
        target = superseded_target(event)
        if target:
            self.superseded[target] = event.event_id
            removed = self.changes.pop(target)
            if removed is not None:
                self._checked.remove(removed)
                self.revised_on.setdefault(removed.effective, []).append(event.event_id)
        if change is not None:
            self._checked.add(change)
            self.changes.put(version, change)


_KIND_NAMES: dict[type, str] = {}  # one string for every event's kind
_TYPES: dict[str | None, str | None] = {kind: kind for kind in get_args(PersonnelType)}


_COUNTS: dict[int, int] = {}


def _shared(count: int) -> int:
    """One int object for each figure or version (an int above 256 is 28 bytes, and a log
    repeats them): at most 65,536 of them kept (issue 19: import memory)."""
    found = _COUNTS.get(count)
    if found is None:
        if len(_COUNTS) >= 1 << 16:
            return count
        found = _COUNTS[count] = count
    return found


@cache
def _stream(mission: str, contributor: str) -> str:
    return f"{mission}/{contributor}"


def _change(event: object) -> Change | None:
    as_change = getattr(event, "as_change", None)
    return as_change() if as_change else None
