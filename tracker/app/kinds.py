"""The kinds of event a user can record, by the name the CLI and the importer use."""

from __future__ import annotations

import re

from events.contingent import Contingent
from events.errors import InvalidInputError
from events.mission import Mission
from events.suspension import SuspensionLifted

MISSION_KINDS: dict[str, type[Mission.Event]] = {
    "mission-established": Mission.Established,
    "mandate-renewed": Mission.MandateRenewed,
    "mandate-ended": Mission.MandateEnded,
    "mission-closed": Mission.Closed,
    "total-reported": Mission.TotalReported,
    "contributors-reported": Mission.ContributorsReported,
    "mission-not-listed": Mission.NotListed,
}
CONTINGENT_KINDS: dict[str, type[Contingent.Event]] = {
    "deployment-announced": Contingent.DeploymentAnnounced,
    "withdrawal-announced": Contingent.WithdrawalAnnounced,
    "suspension-announced": Contingent.SuspensionAnnounced,
    "suspension-lifted": SuspensionLifted,  # issue 27: a suspension's end, where sourced
    "deployed": Contingent.Deployed,
    "withdrawn": Contingent.Withdrawn,
    "moved": Contingent.Moved,
    "strength-reported": Contingent.StrengthReported,
    "presence-estimated": Contingent.PresenceEstimated,
}
# Incidents and retractions belong to a contingent when a contributor is named, else the mission.
SHARED_KINDS: dict[str, tuple[type[Contingent.Event], type[Mission.Event]]] = {
    "incident-noted": (Contingent.IncidentNoted, Mission.IncidentNoted),
    "retracted": (Contingent.Retracted, Mission.Retracted),
}
KINDS: tuple[str, ...] = (*MISSION_KINDS, *CONTINGENT_KINDS, *SHARED_KINDS)


_NAMED: dict[str, str] = {}  # spellings seen -> their kind


def kind_name(value: str) -> str:
    """The canonical kind for 'strength-reported', 'StrengthReported' or 'strength_reported'."""
    known = _NAMED.get(value) if isinstance(value, str) else None
    if known is not None:  # asked for every line of an import (issue 19)
        return known
    folded = re.sub(r"[^a-z]", "", str(value).lower())
    for kind in KINDS:
        if kind.replace("-", "") == folded:
            if isinstance(value, str) and len(_NAMED) < 1000:
                _NAMED[value] = kind
            return kind
    raise InvalidInputError(f"unknown event type {value!r}: use one of {', '.join(KINDS)}")


def kind_of(event: object) -> str:
    """The kind name of a stored event (the name ``record`` and the importer take)."""
    for kind, event_class in {**MISSION_KINDS, **CONTINGENT_KINDS}.items():
        if type(event) is event_class:
            return kind
    for kind, classes in SHARED_KINDS.items():
        if type(event) in classes:
            return kind
    raise InvalidInputError(f"{type(event).__name__} is not a kind of event a user records")
