"""A stored event's fields as the fold needs them, read from its stored state without
validating it again (it was validated when it was written): for readers of many events that
trust the log, the strength view's rebuild and an import's look at the streams it extends
(issue 25: an import loads no aggregate through the library's repository)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from events.timeline import Change
from events.values import ValidDate

if TYPE_CHECKING:
    from events.contingent import Contingent


def stored_change(cls: type[Contingent.ChangeEvent], state: dict[str, Any]) -> Change:
    """``as_change`` of a change's stored state (a field not stored has its default)."""
    version = state["originator_version"]
    get = state.get
    count, location, personnel_type, to_location, approximate, authoritative = _change_fields(cls)
    return Change(
        f"{state['mission']}/{state['contributor']}",  # the id: f"{stream}/{version}"
        period_end(state["valid"]),
        version,
        cls.change_kind,
        get(*count),
        get(*location),
        get(*personnel_type),
        get(*to_location),
        get(*approximate),
        get(*authoritative),
        numbered=True,
    )


@cache
def _change_fields(cls: type[Contingent.ChangeEvent]) -> tuple[tuple[str, Any], ...]:
    """The fields a change is made of, each with its value when it is not stored (the
    field's default; a field the class does not have: what ``as_change`` takes for it)."""
    count = "strength" if cls.change_kind == "report" else "count"
    wanted: list[tuple[str, Any]] = [(count, None), ("location", None), ("personnel_type", None)]
    wanted += [("to_location", None), ("approximate", False), ("authoritative", False)]
    found = cls.model_fields
    return tuple(
        (name, absent)
        if name not in found or found[name].is_required()
        else (name, found[name].get_default(call_default_factory=True))
        for name, absent in wanted
    )


@lru_cache(maxsize=4096)
def period_end(text: str) -> date:
    """The last day of a stored date of any precision (``ValidDate.end``, its ``effective``)."""
    return ValidDate.parse(text).end


@lru_cache(maxsize=256)
def recorded(text: str) -> tuple[str, str]:
    """A stored timestamp as the views keep it, and its day."""
    moment = datetime.fromisoformat(text)
    return moment.isoformat(timespec="microseconds"), moment.date().isoformat()


def stored_times(state: dict[str, Any]) -> tuple[str, str]:
    """The knowledge day (the end of the source's publication period; the recorded day when
    it has no source) and the recorded time of an event's stored state, as the views keep
    them (``projections.strength_tables.times_of`` of the event)."""
    at, day = recorded(state["timestamp"])
    source = state.get("source")
    return (period_end(source["published_on"]).isoformat() if source else day), at
