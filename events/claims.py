"""Fields shared by the events of both aggregates: what every claim about the world carries."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, model_validator

from events.base import Immutable
from events.errors import AlreadySupersededError, EventNotFoundError, InvalidInputError
from events.values import Count, Location, Source, ValidDate

if TYPE_CHECKING:
    from collections.abc import Mapping

    from events.by_version import ByVersion

IncidentKind = Literal["attack", "detention", "fatalities", "accident", "other"]
EventRef = Annotated[str, Field(min_length=3, max_length=80, pattern=r"^[A-Z0-9/-]+/\d+$")]
"""An event id: ``MISSION/CONTRIBUTOR/N`` (a contingent's N-th event) or ``MISSION/N``."""


class Claimed(Immutable):
    """A fact about the world: when it holds (valid time) and who says so (source).

    ``valid``: when it happened or takes effect, with its precision (day, month, year).
    ``source``: where it comes from; ``source.published_on`` is the knowledge time.
    ``corrects``: the id of an earlier event this one replaces; ``reason``: why.
    """

    valid: ValidDate
    source: Source
    corrects: EventRef | None = None
    reason: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _check_correction_has_reason(self) -> Claimed:
        if self.corrects and not self.reason:
            raise ValueError("a correction needs a reason: say why the earlier event was wrong")
        return self


class Incident(Immutable):
    """What an incident was and what it cost: ``kind``, ``description`` and, where the source
    gives them, the numbers ``killed``, ``injured`` and ``detained``, at ``location``."""

    kind: IncidentKind
    description: Annotated[str, Field(min_length=1, max_length=4000)]
    killed: Count | None = None
    injured: Count | None = None
    detained: Count | None = None
    location: Location = None


class Retraction(Immutable):
    """``retracts`` names the event withdrawn from the record; ``reason`` says why."""

    retracts: EventRef
    reason: Annotated[str, Field(min_length=1, max_length=2000)]
    source: Source | None = None


def latest_today() -> date:
    """Today where the date is latest on Earth (UTC+14): no source can be published later."""
    return _latest_date(int(time.time() // 60))


@lru_cache(maxsize=1)
def _latest_date(minute: int) -> date:  # once a minute, not once an event of an import
    return (datetime.fromtimestamp(minute * 60, UTC) + timedelta(hours=14)).date()


def check_published(event: object) -> None:
    """Refuse a source published after today: it would count in the plain answer and not as
    known today, a future no one can know yet (issue 15). Checked when an event is recorded,
    not when a stored one is read back.

    Raises:
        InvalidInputError
    """
    source = getattr(event, "source", None)
    if not isinstance(source, Source):
        return
    today = latest_today()
    if source.published_on.start > today:
        raise InvalidInputError(
            f"field 'source.published_on': {source.published_on} is after today ({today} "
            "anywhere on Earth): give the date the source was published, not a future one"
        )


def superseded_target(event: object) -> str | None:
    """The id of the event that ``event`` retracts or corrects, if any."""
    fields = getattr(event, "__dict__", None)
    if fields is not None:  # a model's fields: a missing one is no slow attribute error
        target: str | None = fields.get("retracts") or fields.get("corrects")
        return target  # (issue 19: the attribute errors were 7% of an import)
    return getattr(event, "retracts", None) or getattr(event, "corrects", None)


def check_supersedes(
    event: object, kinds: Mapping[str, str] | ByVersion[str], superseded: dict[str, str]
) -> None:
    """Refuse a correction or retraction of an event that is unknown, already superseded, or
    (for a correction) of another kind. ``kinds`` maps an aggregate's event ids to kinds.

    Raises:
        EventNotFoundError, AlreadySupersededError, InvalidInputError
    """
    target = superseded_target(event)
    if target is None:
        return
    if kinds.get(target, "Opened") == "Opened":
        contributor = getattr(event, "contributor", None)
        own = "/".join(filter(None, [getattr(event, "mission", None), contributor]))
        if own and target.rpartition("/")[0] != own:
            raise InvalidInputError(
                f"event {target!r} is not one of {own}'s: a correction or retraction names an "
                f"event of its own stream ({own}/N) - give the mission and contributor of "
                "the event it replaces"
            )
        raise EventNotFoundError(target)
    if target in superseded:
        raise AlreadySupersededError(target, superseded[target])
    if kinds[target] == "Retracted":
        raise InvalidInputError(
            f"event {target!r} is a retraction, which cannot itself be retracted or corrected: "
            "to put the retracted fact back, record it again (with the source that confirms it)"
        )
    if isinstance(event, Claimed) and kinds[target] != type(event).__name__:
        raise InvalidInputError(
            f"event {target!r} is a {kinds[target]}, not a {type(event).__name__}: "
            "a correction replaces an event with one of the same kind (retract it instead)"
        )
