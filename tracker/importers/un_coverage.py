"""What a UN report covers: every mission it lists. A mission the report leaves out while it
runs (established by the report's date, not closed before it) is not listed in it: its
figures that month are unknown, which is neither a gap in the record (a month with no report
at all) nor a departure of its contributors (issue 26)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from events.contingent import Contingent
from events.mission import Mission

if TYPE_CHECKING:
    from collections.abc import Callable

    from tracker.importers import un_monthly
    from tracker.importers.un_events import Record, UnitOfWork


def listed_in(rows: list[un_monthly.Row]) -> dict[date, set[str]]:
    """The missions each month's report lists, from its rows."""
    found: dict[date, set[str]] = defaultdict(set)
    for row in rows:
        found[row.date].add(row.mission)
    return dict(found)


def not_listed(
    batch: UnitOfWork,
    listed: dict[date, set[str]],
    scope: set[str] | None,
    name: str,
    source_of: Callable[[date, str], dict[str, Any]],
    record: Record,
) -> int:
    """A report lists every mission it covers: a mission established by its date and not
    closed before it that the report leaves out is not listed in it (its figures that month
    are unknown, which is neither a gap in the record nor a departure). A mission with no
    recorded establishment has no known life: nothing is said of it. A mission that closed
    and was still reported after (a liquidation's remnant) has ended when a report leaves
    it out: its remnant is at 0 from then (``_remnant_gone``)."""
    count = 0
    for mission in batch.missions_known():
        if scope is not None and mission.acronym not in scope:
            continue
        for day in sorted(listed):
            key = day.isoformat()
            if mission.acronym in listed[day] or key in mission.reports:
                continue
            if not mission.running_on(key):
                _remnant_gone(batch, mission, day, name, source_of, record)
                continue
            if key in mission.not_listed:
                continue
            quote = (
                f"{name}: the UN's report of {key} lists {len(listed[day])} missions, "
                f"not {mission.acronym}"
            )
            fields = {"valid": key, "source": source_of(day, quote)}
            record(mission, Mission.NotListed, fields)
            count += 1
    return count


def _remnant_gone(
    batch: UnitOfWork,
    mission: Mission,
    day: date,
    name: str,
    source_of: Callable[[date, str], dict[str, Any]],
    record: Record,
) -> None:
    """A closed mission left out of the report of ``day`` after the reports that still
    listed it when it had closed: every contributor of the last of them, at 0 on ``day``
    (inferred, as a contributor that vanishes from a report has left), once."""
    key = day.isoformat()
    closed = mission.closed
    earlier = mission.previous_report(key)
    if closed is None or earlier is None or earlier[0] <= closed:
        return  # not closed, or its closure ended everyone already
    last, contributors = earlier
    quote = (
        f"{name}: {mission.acronym}, closed on {closed}, listed in the UN's report of {last} "
        f"and not in that of {key}: its remnant has left"
    )
    for code in contributors:
        contingent = batch.contingent(mission.acronym, code)
        if contingent.latest_day() > date.fromisoformat(last):
            continue  # said already (an earlier report that left it out)
        fields = {
            "valid": key,
            "strength": 0,
            "inferred": True,
            "authoritative": True,
            "source": source_of(day, quote),
        }
        record(contingent, Contingent.StrengthReported, fields)
