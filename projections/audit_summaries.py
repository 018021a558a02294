"""One line saying what an event claims, for people reading the history: the audit trail's
``summary`` of each kind of event (from the event, or from its stored fields)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _people(count: int | None, personnel_type: str | None) -> str:
    what = (personnel_type or "personnel").replace("_", " ")
    return f"{count:,} {what}" if count is not None else what


def _where(event: Any) -> str:
    location = getattr(event, "location", None)
    return f" at {location}" if location else ""


def _by(event: Any) -> str:
    target = getattr(event, "target", None)
    return f" by {target}" if target else ""


def _report(e: Any) -> str:
    level = "unknown (not published)" if e.strength is None else f"{e.strength:,}"
    about = "about " if e.approximate else ""
    inferred = " (inferred)" if e.inferred else ""
    return f"strength {about}{level} {_people(None, e.personnel_type)}{_where(e)}{inferred}"


def _withdrawal_announced(e: Any) -> str:
    people = _people(e.count, e.personnel_type)
    scope = (
        ("full withdrawal" + (f" ({people})" if e.count else ""))
        if e.full
        else f"withdrawal of {people}"
    )
    return f"{scope}{_where(e)} announced{_by(e)}"


def _incident(e: Any) -> str:
    tolls = [
        f"{n} {label}"
        for n, label in ((e.killed, "killed"), (e.injured, "injured"), (e.detained, "detained"))
        if n is not None
    ]
    return f"{e.kind}{_where(e)}: {e.description}" + (f" ({', '.join(tolls)})" if tolls else "")


def _mandate(e: Any) -> str:
    ceilings = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in e.ceilings.items())
    until = f" until {e.until}" if e.until else ""
    return f"mandate renewed by resolution {e.resolution}{until}" + (
        f"; ceilings {ceilings}" if ceilings else ""
    )


def _total(e: Any) -> str:
    parts = [f"{k.replace('_', ' ')} {v:,}" for k, v in e.categories.items()]
    if e.strength is not None:
        parts.insert(0, f"{e.strength:,} uniformed")
    who = f" ({e.contributors} contributors)" if e.contributors is not None else ""
    return f"mission figures {'about ' if e.approximate else ''}{', '.join(parts)}{who}"


SUMMARIES: dict[str, Callable[[Any], str]] = {
    "StrengthReported": _report,
    "DeploymentAnnounced": lambda e: (
        f"{'increase' if e.increase else 'deployment'} of {_people(e.count, e.personnel_type)}"
        f"{_where(e)} announced{_by(e)}"
    ),
    "WithdrawalAnnounced": _withdrawal_announced,
    "SuspensionAnnounced": lambda e: (
        "suspension announced" + (f" from {e.target}" if e.target else "")
    ),
    "SuspensionLifted": lambda e: "suspension lifted: activities taken up again",
    "Deployed": lambda e: f"{_people(e.count, e.personnel_type)} deployed{_where(e)}",
    "Withdrawn": lambda e: (
        ("" if e.count else "all ") + f"{_people(e.count, e.personnel_type)} withdrawn{_where(e)}"
    ),
    "Moved": lambda e: (
        f"{_people(e.count, e.personnel_type)} moved"
        f" from {e.location or 'unassigned'} to {e.to_location}"
    ),
    "IncidentNoted": _incident,
    "PresenceEstimated": lambda e: (
        f"estimated at {e.location}"
        + (f" with about {e.troops:,} troops" if e.troops is not None else " (size not coded)")
    ),
    "Retracted": lambda e: f"retracts {e.retracts}: {e.reason}",
    "Established": lambda e: (
        f"mission established: {e.name} "
        + (f"(hosts {', '.join(e.hosts)})" if len(e.hosts or ()) > 1 else f"(host {e.host})")
        + (f" by resolution {e.resolution}" if e.resolution else "")
        + (f", after {e.predecessor}" if e.predecessor else "")
    ),
    "MandateRenewed": _mandate,
    "MandateEnded": lambda e: (
        f"mandate ended by resolution {e.resolution}"
        + (f"; withdrawal by {e.withdrawal_by}" if e.withdrawal_by else "")
    ),
    "Closed": lambda e: (
        "mission closed"
        + (f" by resolution {e.resolution}" if e.resolution else "")
        + (f"; succeeded by {e.successor}" if e.successor else "")
    ),
    "ContributorsReported": lambda e: f"report lists {len(e.contributors)} contributors",
    "NotListed": lambda e: f"not listed in the report of {e.valid}",
    "TotalReported": _total,
}


def summarise(event: Any) -> str:
    """One line saying what the event claims, for people reading the history."""
    return summarise_as(type(event).__name__, event)


def summarise_as(kind: str, event: Any) -> str:
    """``summarise`` of an event of ``kind`` (or of its stored ``Fields``)."""
    return SUMMARIES[kind](event) if kind in SUMMARIES else kind
