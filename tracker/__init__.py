"""Event-sourced peacekeeping force tracker: the application service, configuration and CLI."""

from events.errors import InsufficientStrengthError, InvalidInputError, TrackerError
from tracker.application import ImportResult, Recorded, StrengthAnswer, Tracker

__all__ = [
    "ImportResult",
    "InsufficientStrengthError",
    "InvalidInputError",
    "Recorded",
    "StrengthAnswer",
    "Tracker",
    "TrackerError",
]
