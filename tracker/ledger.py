"""The announcement ledger: each announcement, and what the record shows happened after it.

Status, as of a date:
- retracted: withdrawn from the record; revised: corrected, or followed by an announcement of
  the same kind for the same contributor with another target or number;
- fulfilled: the announced level was reached (a full withdrawal: 0; a partial one: the number
  gone; a deployment or increase: the number arrived), on the day given;
- under way: some of it happened, and the target date has not passed (or there is none);
- overdue: the target date has passed and it was not fulfilled (the record may simply lack
  the event: the ledger says what the record shows, not more);
- pending: nothing of it recorded yet, target not passed. A suspension is pending until its
  start and under way from then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from events.values import ValidDate

if TYPE_CHECKING:
    from projections import HistoryRow, StrengthProjection

STATUSES = ("pending", "under way", "fulfilled", "overdue", "revised", "retracted")


@dataclass(frozen=True)
class LedgerRow:
    """One announcement and what followed. ``announced``: the number announced (None: not
    given); ``level_then``/``level_now``: the strength in its scope on the announcement's day
    and on the ledger's date (None: unknown or nothing recorded); ``fulfilled_on``: the day
    the record shows it done."""

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


def _level(view: StrengthProjection, mission: str, payload: dict[str, Any], on: date) -> int | None:
    where: dict[Any, str] = {"contributor": payload["contributor"]}
    for key in ("location", "personnel_type"):
        if payload.get(key):
            where[key] = payload[key]
    found = view.strength(mission, on, (), where)
    return found[0].strength if found else None


def _done(kind: str, payload: dict[str, Any], then: int | None, level: int | None) -> bool:
    if level is None:
        return False
    count: int | None = payload.get("count")
    if kind == "WithdrawalAnnounced":
        if payload.get("full"):
            return level == 0
        return then is not None and count is not None and then - level >= count
    if kind == "DeploymentAnnounced":
        if count is None:
            return level > (then or 0)
        return level - (then or 0) >= count if payload.get("increase") else level >= count
    return False


def _moved(kind: str, then: int | None, level: int | None) -> bool:
    if level is None or then is None:
        return False
    return level < then if kind == "WithdrawalAnnounced" else level > then


def ledger(
    view: StrengthProjection,
    mission: str,
    events: list[HistoryRow],
    payloads: dict[str, str],
    on: date,
) -> list[LedgerRow]:
    """The ledger of the announcement ``events`` (history rows, oldest first), as of ``on``."""
    rows = []
    for event in events:
        if event.category != "announcement":
            continue
        payload = json.loads(payloads[event.event_id])
        start = ValidDate.parse(payload["valid"]).end
        target = payload.get("target")
        target_end = ValidDate.parse(target).end if target else None
        then = _level(view, mission, payload, start)
        now = _level(view, mission, payload, on)
        fulfilled_on = None
        for day in [start, *view.change_days(mission, event.contributor or "", start)]:
            if day > on:
                break
            if _done(event.kind, payload, then, _level(view, mission, payload, day)):
                fulfilled_on = day
                break
        if event.superseded_by:
            retracted = _is_retraction(events, event.superseded_by)
            status = "retracted" if retracted else "revised"
        elif _revised_later(event, events, payloads, payload):
            status = "revised"
        elif event.kind == "SuspensionAnnounced":
            status = "under way" if target_end is None or target_end <= on else "pending"
        elif fulfilled_on is not None:
            status = "fulfilled"
        elif target_end is not None and target_end < on:
            status = "overdue"
        elif _moved(event.kind, then, now):
            status = "under way"
        else:
            status = "pending"
        rows.append(
            LedgerRow(
                event_id=event.event_id,
                contributor=event.contributor or "",
                kind=event.kind,
                valid=event.valid or "",
                target=target,
                summary=event.summary,
                status=status,
                announced=payload.get("count"),
                level_then=then,
                level_now=now,
                fulfilled_on=fulfilled_on,
                source_title=event.source_title,
                source_url=event.source_url,
                published_on=event.published_on,
            )
        )
    return rows


def _is_retraction(events: list[HistoryRow], event_id: str) -> bool:
    return any(e.event_id == event_id and e.kind == "Retracted" for e in events)


def _revised_later(
    event: HistoryRow, events: list[HistoryRow], payloads: dict[str, str], payload: dict[str, Any]
) -> bool:
    """A later announcement of the same kind, contributor and scope, with other terms (a
    later one that only leaves out the number confirms rather than revises)."""

    def scope(p: dict[str, Any]) -> tuple[Any, ...]:
        return (p.get("location"), p.get("personnel_type"))

    def other_terms(p: dict[str, Any]) -> bool:
        counts = (p.get("count"), payload.get("count"))
        other_count = None not in counts and counts[0] != counts[1]
        return other_count or (p.get("target"), p.get("full")) != (
            payload.get("target"),
            payload.get("full"),
        )

    later = [
        json.loads(payloads[e.event_id])
        for e in events
        if e.kind == event.kind
        and e.contributor == event.contributor
        and e.position > event.position
        and not e.superseded_by
    ]
    return any(scope(p) == scope(payload) and other_terms(p) for p in later)
