"""The announcement ledger: each announcement, and what the record shows happened after it.

Status, as of a date:
- retracted: withdrawn from the record; revised: corrected, or followed by an announcement of
  the same kind, contributor and scope with other terms;
- fulfilled: the announced level was reached (a full withdrawal: 0; a partial one: the number
  gone; a deployment or increase: the number arrived), on the day given;
- under way: some of it happened, and the target date has not passed (or there is none);
- partly done: the target date has passed (or the mission closed) and some of it happened;
- overdue: the target date has passed and nothing of it happened, the mission still open (the
  record may simply lack the event: the ledger says what the record shows, not more);
- overtaken by closure: the mission closed before it was carried out (a contingent the
  closure ended, or a target never reached);
- pending: nothing of it recorded yet, target not passed. A suspension is pending until its
  start and under way from then.

As of a date D only what was announced by D counts (a later announcement neither appears nor
revises an earlier one), as known at K and recorded by T when asked (``known_at``,
``recorded_at``): every level is the strength view's answer on the same axes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from projections import StrengthProjection
    from projections.announcements import Announcement

STATUSES = (
    "pending",
    "under way",
    "fulfilled",
    "partly done",
    "overdue",
    "overtaken by closure",
    "revised",
    "retracted",
)


@dataclass(frozen=True)
class LedgerRow:
    """One announcement and what followed. ``announced``: the number announced (None: not
    given); ``level_then``/``level_now``: the strength in its scope on the announcement's day
    and on the ledger's date (None: unknown or nothing recorded); ``fulfilled_on``: the day
    the record shows it done; ``late``: done after its target date."""

    event_id: str
    contributor: str
    kind: str
    valid: str
    target: str | None
    summary: str
    status: str
    announced: int | None
    level_then: int | None
    level_now: int | None
    fulfilled_on: date | None
    source_title: str | None
    source_url: str | None
    published_on: str | None
    late: bool = False


def level(
    view: StrengthProjection,
    a: Announcement,
    on: date,
    known_at: date | None = None,
    recorded_at: str | None = None,
) -> int | None:
    """The strength in the announcement's scope on ``on`` (as known and recorded then)."""
    where: dict[Any, str] = {"contributor": a.contributor}
    if a.location:
        where["location"] = a.location
    if a.personnel_type:
        where["personnel_type"] = a.personnel_type
    found = view.strength(a.mission, on, (), where, known_at, recorded_at)
    return found[0].strength if found else None


def done(a: Announcement, then: int | None, now: int | None) -> bool:
    """Whether the record shows the announcement carried out between ``then`` and ``now``."""
    if now is None:
        return False
    if a.kind == "WithdrawalAnnounced":
        if a.full:
            return now == 0
        return then is not None and a.count is not None and then - now >= a.count
    if a.kind == "DeploymentAnnounced":
        if a.count is None:
            return now > (then or 0)
        return now - (then or 0) >= a.count if a.increase else now >= a.count
    return False


def _moved(a: Announcement, then: int | None, level: int | None) -> bool:
    if level is None or then is None:
        return False
    return level < then if a.kind == "WithdrawalAnnounced" else level > then


def _revised_later(a: Announcement, later: list[Announcement]) -> bool:
    """A later announcement of the same kind, contributor and scope, with other terms (a later
    one that only leaves out the number confirms rather than revises)."""
    for b in later:
        if (b.kind, b.contributor, b.location, b.personnel_type) != (
            a.kind,
            a.contributor,
            a.location,
            a.personnel_type,
        ) or b.superseded_by:
            continue
        other_count = None not in (a.count, b.count) and a.count != b.count
        if other_count or (b.target, b.full) != (a.target, a.full):
            return True
    return False


@dataclass(frozen=True)
class Axes:
    """The knowledge and recorded times a ledger is asked on (None: now)."""

    known_at: date | None = None
    recorded_at: str | None = None


def _status(
    view: StrengthProjection,
    a: Announcement,
    later: list[Announcement],
    on: date,
    axes: Axes,
    closed: tuple[date, str] | None,
) -> LedgerRow:
    start = date.fromisoformat(a.announced_on)
    target_end = date.fromisoformat(a.target_end) if a.target_end else None
    k, t = axes.known_at, axes.recorded_at
    then, now = level(view, a, start, k, t), level(view, a, on, k, t)
    fulfilled_on = None
    for day in [start, *view.change_days(a.mission, a.contributor, start, k, t)]:
        if day > on:
            break
        if done(a, then, level(view, a, day, k, t)):
            fulfilled_on = day
            break
    closed_by = closed[0] if closed is not None and closed[0] < on else None
    ended_by_closure = fulfilled_on is not None and closed is not None and fulfilled_on > closed[0]
    if a.superseded_by:
        status = "retracted" if a.superseded_how == "retracted" else "revised"
    elif _revised_later(a, later):
        status = "revised"
    elif a.kind == "SuspensionAnnounced":
        status = "under way" if target_end is None or target_end <= on else "pending"
        if closed_by is not None and status == "pending":
            status = "overtaken by closure"
    elif fulfilled_on is not None:
        status = "overtaken by closure" if ended_by_closure else "fulfilled"
    elif closed_by is not None:
        moved = _moved(a, then, level(view, a, closed_by, k, t))
        status = "partly done" if moved else "overtaken by closure"
    elif target_end is not None and target_end < on:
        status = "partly done" if _moved(a, then, now) else "overdue"
    elif _moved(a, then, now):
        status = "under way"
    else:
        status = "pending"
    return LedgerRow(
        event_id=a.event_id,
        contributor=a.contributor,
        kind=a.kind,
        valid=a.valid,
        target=a.target,
        summary=a.summary,
        status=status,
        announced=a.count,
        level_then=then,
        level_now=now,
        fulfilled_on=fulfilled_on,
        late=bool(fulfilled_on and target_end and fulfilled_on > target_end),
        source_title=a.source_title,
        source_url=a.source_url,
        published_on=a.published_on,
    )


def ledger(
    view: StrengthProjection,
    announcements: list[Announcement],
    on: date,
    axes: Axes | None = None,
) -> list[LedgerRow]:
    """The status of each announcement made by ``on`` (oldest first) as of ``on``, against
    the strength view, on the axes given (``announcements`` as known and recorded then)."""
    axes = axes or Axes()
    made = [a for a in announcements if date.fromisoformat(a.announced_on) <= on]
    closed = view.closed_on(made[0].mission, axes.known_at, axes.recorded_at) if made else None
    return [
        _status(view, a, [b for b in made if b.position > a.position], on, axes, closed)
        for a in made
    ]
