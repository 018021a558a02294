"""The canned queries' parameters, checked before the query runs: a date that is not a real
YYYY-MM-DD day, an unknown mission, country or status, or search text FTS5 cannot read is a
one-line problem shown on the page (the query then answers nothing, never the latest state);
a parameter left out gets its default. And the two answers the queries take from the tracker
(the announcement ledger, the search), read from the views as they stand."""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta
from typing import TYPE_CHECKING

from events.errors import InvalidInputError, TrackerError
from events.values import EARLIEST, LATEST, country_code
from tracker.answers.ledger import STATUSES, LedgerRow, ledger
from tracker.app.record import search_view

if TYPE_CHECKING:
    from tracker.app import Tracker
    from tracker.app.record import SearchHits
    from tracker.faces.web_queries import Param, Query

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


def missions(tracker: Tracker) -> list[str]:
    """The missions with strength figures in the store's view."""
    found = tracker.strength_view.db.execute(
        "SELECT mission FROM _strength_mission ORDER BY mission"
    ).fetchall()
    return [str(row[0]) for row in found]


def latest_month_end(tracker: Tracker, mission: str) -> date:
    """The latest month end on or before the last day a figure above 0 was set for
    ``mission`` (a mission's last rows are often its closure, at 0 everywhere); today's month
    end before that when there is none."""
    found = tracker.strength_view.db.execute(
        "SELECT max(valid_from) FROM strength_intervals WHERE mission = ? AND strength > 0 "
        "AND known_to IS NULL AND recorded_to IS NULL",
        [mission.upper()],
    ).fetchone()
    day = date.fromisoformat(found[0]) if found and found[0] else date.today()
    if (day + timedelta(days=1)).day == 1:
        return day
    return day.replace(day=1) - timedelta(days=1)


def default(param: Param, tracker: Tracker, given: dict[str, str]) -> str | None:
    """What ``param`` is when left out (None: it stays empty)."""
    if not param.required:
        return None
    if param.kind == "mission":
        known = missions(tracker)
        return known[0] if known else None
    if param.kind == "day":
        mission = given.get("mission", "").strip() or next(iter(missions(tracker)), "")
        return latest_month_end(tracker, mission).isoformat() if mission else None
    if param.kind == "today":
        return date.today().isoformat()
    return None


def defaults(query: Query, tracker: Tracker, given: dict[str, str]) -> dict[str, str]:
    """The parameters of ``query`` left out or empty in ``given`` that have a default."""
    filled: dict[str, str] = {}
    for param in query.params:
        if not given.get(param.name, "").strip():
            value = default(param, tracker, {**given, **filled})
            if value is not None:
                filled[param.name] = value
    return filled


def check_day(name: str, text: str) -> str | None:
    """The problem with ``text`` as a date, if any."""
    value = text.strip()
    if _DAY.fullmatch(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return f"{name}: {value!r} is not a real day: give a date as YYYY-MM-DD"
        if not EARLIEST <= day <= LATEST:
            return f"{name}: {value!r}: give a date from {EARLIEST} to {LATEST}"
        return None
    example = "2013-12-31"
    written = _DAY_MONTH_YEAR.fullmatch(value)
    if written:
        first, second, year = written.groups()
        example = f"{year}-{int(second):02d}-{int(first):02d}"
    return f"{name}: {value[:40]!r} is not a date: write it as YYYY-MM-DD, such as {example}"


def problem(param: Param, tracker: Tracker, value: str) -> str | None:
    """What is wrong with ``value`` for ``param`` (None: nothing)."""
    text = value.strip()
    if not text:  # search text not typed yet is a form to fill, not a mistake
        required = param.required and param.kind != "text"
        return f"{param.name}: give {param.help}" if required else None
    if param.kind in ("day", "today"):
        return check_day(param.name, text)
    if param.kind == "mission":
        try:
            tracker.known_mission(text)
        except TrackerError:
            listed = ", ".join(missions(tracker)) or "none yet"
            return (
                f"mission: {text[:40]!r} is not a mission of this store: the missions with "
                f"figures are {listed}"
            )
    if param.kind == "country":
        try:
            country_code(text)
        except ValueError as error:
            return f"{param.name}: {error}"
    if param.kind == "status" and text not in STATUSES:
        return f"status: {text[:40]!r} is not a status: use one of {', '.join(STATUSES)}, or none"
    return None


def problems(query: Query, tracker: Tracker, given: dict[str, str]) -> list[str]:
    """Every problem with the parameters ``given`` to ``query``, one line each."""
    found = [problem(p, tracker, given.get(p.name, "")) for p in query.params]
    said = [line for line in found if line]
    if query.name == "audit_search" and not said:
        try:
            search(tracker, given.get("q", ""), given.get("mission", ""), limit=1)
        except TrackerError as error:
            said.append(f"q: {error}")
    return said


# Tracker.search and Tracker.announcements, without the catch-up they begin with: the web view
# caught the views up before the request, and a catch-up from inside Datasette's reading of the
# same file would wait on that reading's lock.


def search(tracker: Tracker, text: str, mission: str, limit: int) -> SearchHits:
    """The audit trail's events matching ``text``, as ``Tracker.search`` finds them."""
    acronym = tracker.known_mission(mission) if mission else None
    try:
        return search_view(tracker.audit_view, text, acronym, limit)
    except sqlite3.OperationalError as error:
        raise InvalidInputError(
            f"{text[:60]!r}: {error} - close every double quote, or search plain words"
        ) from None


def announcements(
    tracker: Tracker, mission: str, contributor: str, on: date, status: str
) -> list[LedgerRow]:
    """The announcement ledger as ``Tracker.announcements`` gives it."""
    acronym = tracker.known_mission(mission)
    rows = ledger(tracker.strength_view, tracker.announcement_view.announcements(acronym), on)
    code = country_code(contributor) if contributor else None
    return [
        r
        for r in rows
        if (code is None or r.contributor == code) and (not status or r.status == status)
    ]
