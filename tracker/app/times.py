"""The time arguments questions take: a series' dates, and a recorded-time bound."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime
from datetime import time as day_time

from events.errors import InvalidInputError
from events.values import EARLIEST, LATEST


def series_dates(start: date, end: date, every: str) -> list[date]:
    """Every month end, year end or day from ``start`` to ``end`` (both included)."""
    if end < start:
        raise InvalidInputError(f"the series ends ({end}) before it starts ({start})")
    days: list[date] = []
    if every == "day":
        days = [date.fromordinal(n) for n in range(start.toordinal(), end.toordinal() + 1)]
    elif every in ("month", "year"):
        year, month = start.year, start.month if every == "month" else 12
        while True:
            last = calendar.monthrange(year, month)[1]
            day = date(year, month, last)
            if day > end:
                break
            if day >= start:
                days.append(day)
            year, month = (
                (year + 1, 1 if every == "month" else 12) if month == 12 else (year, month + 1)
            )
    else:
        raise InvalidInputError(f"--every {every!r}: use day, month or year")
    if len(days) > 20_000:
        raise InvalidInputError(f"{len(days)} dates is too many for one series: ask for fewer")
    return days


def recorded_instant(value: datetime | str | None) -> str | None:
    """A recorded-time bound as stored (ISO, UTC, microseconds): a date alone means the end of
    that day."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                value = datetime.combine(date.fromisoformat(text), day_time.max, tzinfo=UTC)
            else:
                value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInputError(
                f"recorded time {text!r}: give YYYY-MM-DD or an ISO date and time"
            ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    if not EARLIEST <= value.date() <= LATEST:
        raise InvalidInputError(
            f"recorded time {value.date()}: give a time from {EARLIEST} to {LATEST}"
        )
    return value.astimezone(UTC).isoformat(timespec="microseconds")
