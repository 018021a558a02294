"""Errors the domain raises. Each names the facts, so the message can say what to do."""

from __future__ import annotations

from datetime import date


class TrackerError(Exception):
    """Raised when a command or query cannot be carried out; the message is for the user."""


class InvalidInputError(TrackerError):
    """Raised when input (a field, a file line, an argument) is not valid."""


class InsufficientStrengthError(TrackerError):
    """Raised when a change would take away more personnel than were there on that date."""

    def __init__(
        self,
        contributor: str,
        on: date,
        available: int,
        asked: int,
        scope: str,
        *,
        later: bool = False,
    ) -> None:
        self.contributor, self.on, self.available, self.asked = contributor, on, available, asked
        self.scope = scope
        if later:
            message = (
                f"with this change {contributor} would have {available} {scope} on "
                f"{on.isoformat()}, fewer than the {asked} a later change takes away then"
            )
        else:
            message = (
                f"{contributor} had {available} {scope} on {on.isoformat()}, "
                f"fewer than the {asked} this would take away"
            )
        super().__init__(message)

    def happening_later(self) -> InsufficientStrengthError:
        """The same shortfall, said of a later change that the new one would break."""
        return InsufficientStrengthError(
            self.contributor, self.on, self.available, self.asked, self.scope, later=True
        )


class MissionNotFoundError(TrackerError):
    """Raised when a mission is not in the store: the message names the ones it has."""

    def __init__(self, mission: str, known: tuple[str, ...] = (), seeded: bool = False) -> None:
        self.mission, self.known = mission, known
        how = (
            f"'tracker seed --mission {mission}' loads its UN record"
            if seeded
            else f"'tracker import --format un-pdf' the UN's monthly reports that list {mission}"
        )
        if known:
            shown = ", ".join(known[:12]) + (
                f" and {len(known) - 12} more" if len(known) > 12 else ""
            )
            advice = f"the store has {shown} ('tracker missions' lists them); {how}"
        else:
            advice = f"the store has no mission yet: {how}"
        super().__init__(f"mission {mission!r} is not in the store - {advice}")


class MissionExistsError(TrackerError):
    """Raised when a mission is established twice."""

    def __init__(self, mission: str) -> None:
        super().__init__(f"mission {mission!r} is already established - nothing was written")


class EventNotFoundError(TrackerError):
    """Raised when an event id names no stored event."""

    def __init__(self, event_id: str) -> None:
        self.event_id = event_id
        super().__init__(
            f"no event {event_id!r} in the store - 'tracker history MISSION' lists event ids"
        )


class AlreadySupersededError(TrackerError):
    """Raised when an event that was already corrected or retracted is superseded again."""

    def __init__(self, event_id: str, by: str) -> None:
        super().__init__(
            f"event {event_id!r} was already superseded by {by!r} - correct or retract that one"
        )
