"""The announcement ledger: each announcement, and what the record shows happened after it.

Status, as of a date:
- retracted: withdrawn from the record; revised: corrected, or followed by an announcement of
  the same kind, contributor and scope with other terms;
- fulfilled: the announced level was reached (a full withdrawal: 0; a partial one: the number
  gone, or everyone of its scope gone; a deployment or increase: the number arrived), on the
  day given;
- under way: some of it happened, and the target date has not passed (or there is none);
- partly done: the target date has passed (or the mission closed) and some of it happened
  (at the closure: at any time while the mission ran, as every contingent is at 0 after it);
- overdue: the target date has passed and nothing of it happened, the mission still open (the
  record may simply lack the event: the ledger says what the record shows, not more);
- overtaken by closure: the mission closed before it was carried out (a contingent the
  closure ended, or a target never reached);
- cannot be judged: no figure of the contributor, in any scope, on the dates it turns on (the
  row's ``note`` says which); never "overdue" for want of a figure (issue 27);
- pending: nothing of it recorded yet, target not passed.

A suspension is pending until its start and under way from then until it ends: "lifted" (a
``SuspensionLifted`` of its contingent says it was taken up again), "ended with the mission"
(the mission closed while it was in force) or "ended" (the contributor's figures reached 0:
no one was left to suspend), whichever came first. So none is "under way" after the mission
closed, however long ago (issue 27: Egypt's read "under way" in 2026).

How the record is read (issue 27):
- The scope: an announcement names a place or a personnel type the figures may never give
  (the UN's monthly figures carry no places: Benin's formed police "at Kidal"). It is judged
  in the narrowest scope with a figure on the dates it turns on (its place and type, else its
  type in the whole mission, else all the contributor's personnel), and the row's ``note``
  says so: "no figure places Benin's formed police at Kidal: judged on Benin's formed police
  in MINUSMA".
- The level "then" is the one of the day before the announcement's date (before the first
  day of a month- or year-precise date): the figure the announcement's own article gives
  ("about 1,100 Germans in Mali": often the whole national deployment, not the UN's count)
  would otherwise be the baseline that the UN's next figure is measured against, and read
  as a withdrawal of 500 that never happened.
- Done means the record shows the level reached, not that a withdrawal event was recorded: a
  sourced "223 troops withdrawn" of 250 (Benin, 2023-12-11) moves the level, and the
  withdrawal is done on the day the level shows all 250 gone (the UN's figure of
  2023-12-31: 0), as the same source says ("27 to follow by 31 Dec").
- Some of it happened when the level moved by at least ``NOISE`` of the number announced (of
  the level then, for a full withdrawal): month-end figures move by a few per cent with
  rotations and leave (Benin's troops read 247 to 250 for 18 months), which is no start.
- The mission's closure counts from its day (2023-12-31: withdrawal completed), as the
  closure's own source dates it.

As of a date D only what was announced by D counts (a later announcement neither appears nor
revises an earlier one), as known at K and recorded by T when asked (``known_at``,
``recorded_at``): every level is the strength view's answer on the same axes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from events.places import country_name
from events.values import ValidDate
from projections.announcements import PERSONNEL

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
    "lifted",
    "ended with the mission",
    "ended",
    "cannot be judged",
    "revised",
    "retracted",
)
NOISE = 0.05  # the least move that counts as some of it done: 5% of the number announced


@dataclass(frozen=True)
class LedgerRow:
    """One announcement and what followed. ``announced``: the number announced (None: not
    given); ``level_then``/``level_now``: the strength in the scope it is judged on, the day
    before the announcement and on the ledger's date (None: unknown or nothing recorded);
    ``fulfilled_on``: the day the record shows it done; ``late``: done after its target
    date; ``note``: how it was judged, in words, where that is not plain (another scope than
    the announcement's, why it cannot be judged, how a suspension ended)."""

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
    note: str | None = None


def level(
    view: StrengthProjection,
    a: Announcement,
    on: date,
    known_at: date | None = None,
    recorded_at: str | None = None,
) -> int | None:
    """The strength in the announcement's own scope on ``on`` (as known and recorded then)."""
    where: dict[Any, str] = {"contributor": a.contributor}
    if a.location:
        where["location"] = a.location
    if a.personnel_type:
        where["personnel_type"] = a.personnel_type
    found = view.strength(a.mission, on, (), where, known_at, recorded_at)
    return found[0].strength if found else None


def done(a: Announcement, then: int | None, now: int | None) -> bool:
    """Whether the record shows the announcement carried out between ``then`` and ``now``: a
    partial withdrawal is done when its number is gone, or when no one of its scope is left
    (Benin's "136 formed police" leave from the UN's 133: at 0 they are all gone)."""
    if now is None:
        return False
    if a.kind == "WithdrawalAnnounced":
        if now == 0:
            return True
        return not a.full and then is not None and a.count is not None and then - now >= a.count
    if a.kind == "DeploymentAnnounced":
        if a.count is None:
            return now > (then or 0)
        return now - (then or 0) >= a.count if a.increase else now >= a.count
    return False


@dataclass(frozen=True)
class Axes:
    """The knowledge and recorded times a ledger is asked on (None: now)."""

    known_at: date | None = None
    recorded_at: str | None = None


@dataclass(frozen=True)
class Scope:
    """Where and whom an announcement is judged on: its contributor's personnel of
    ``personnel_type`` at ``location`` (None: every type, the whole mission)."""

    location: str | None
    personnel_type: str | None


@dataclass(frozen=True)
class Record:
    """The strength view as the ledger reads it for one announcement, on its axes."""

    view: StrengthProjection
    a: Announcement
    axes: Axes

    def figure(self, scope: Scope, day: date) -> int | None:
        """The strength of the contributor in ``scope`` on ``day`` (None: no figure)."""
        where: dict[Any, str] = {"contributor": self.a.contributor}
        if scope.location:
            where["location"] = scope.location
        if scope.personnel_type:
            where["personnel_type"] = scope.personnel_type
        k, t = self.axes.known_at, self.axes.recorded_at
        found = self.view.strength(self.a.mission, day, (), where, k, t)
        return found[0].strength if found else None

    def level(self, scope: Scope, day: date) -> int | None:
        """``figure``, or 0 where the scope has none but the contributor is at 0 in all: a
        report of a contributor's total only (the UN's after the mission) leaves no one in
        any of its parts."""
        found = self.figure(scope, day)
        if (
            found is None
            and scope != Scope(None, None)
            and self.figure(Scope(None, None), day) == 0
        ):
            return 0
        return found

    def days(self, first: date, until: date) -> list[date]:
        """``first`` and every day after it, to ``until``, on which the level may change."""
        k, t = self.axes.known_at, self.axes.recorded_at
        later = self.view.change_days(self.a.mission, self.a.contributor, first, k, t)
        return [first, *(day for day in later if day <= until)] if first <= until else []


@dataclass(frozen=True)
class Judgement:
    """What the record shows of one announcement: a status, the levels it rests on, the day
    it was done, and a note saying how it was judged."""

    status: str
    then: int | None = None
    now: int | None = None
    fulfilled_on: date | None = None
    note: str | None = None


def words(a: Announcement, scope: Scope) -> str:
    """The scope in words: "Benin's formed police at Kidal", "Benin's personnel in MINUSMA"."""
    what = PERSONNEL.get(scope.personnel_type or "", "personnel")
    where = f"at {scope.location}" if scope.location else f"in {a.mission}"
    return f"{country_name(a.contributor)}'s {what} {where}"


def scopes(a: Announcement) -> list[Scope]:
    """The scopes to judge ``a`` in, narrowest first: its own, its type in the whole
    mission, all its contributor's personnel."""
    found = [Scope(a.location, a.personnel_type), Scope(None, a.personnel_type), Scope(None, None)]
    return list(dict.fromkeys(found))


def judged_scope(record: Record, before: date, on: date) -> tuple[Scope | None, str | None]:
    """The narrowest scope with a figure on the day before the announcement (a deployment's,
    where nothing was there yet: else on ``on``), and a note when it is not the
    announcement's own; None and the reason when no scope has one. A withdrawal needs its
    figure before: what left can only be told from the level it left from. The scope is
    chosen once, on those days, so a later report that gives fewer details (the UN's totals
    after the mission) does not change what the announcement is measured in."""
    a = record.a
    found = scopes(a)
    days = [before] if a.kind == "WithdrawalAnnounced" else [before, on]
    for day in days:
        for scope in found:
            if record.figure(scope, day) is not None:
                return scope, (None if scope == found[0] else _wider_note(a, scope))
    widest = words(a, found[-1])
    if a.kind == "WithdrawalAnnounced":
        return None, f"no figure of {widest} before the announcement ({before})"
    return None, f"no figure of {widest} on {before} or {on}"


def _wider_note(a: Announcement, scope: Scope) -> str:
    country = country_name(a.contributor)
    what = PERSONNEL.get(a.personnel_type or "", "personnel")
    missing = []
    if a.location and scope.location is None:
        missing.append(f"places {country}'s {what} at {a.location}")
    if a.personnel_type and scope.personnel_type is None:
        missing.append(f"gives {country}'s {what}")
    return f"no figure {' or '.join(missing)}: judged on {words(a, scope)}"


def moved(a: Announcement, then: int | None, now: int | None) -> bool:
    """Whether some of it happened between ``then`` and ``now``: a move in its direction of
    at least ``NOISE`` of the number announced (of ``then`` when none is given)."""
    if now is None or then is None:
        return False
    change = then - now if a.kind == "WithdrawalAnnounced" else now - then
    return change >= max(1.0, NOISE * (a.count or then))


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


def baseline(a: Announcement) -> date:
    """The day whose level the announcement is measured from: the day before its date."""
    return ValidDate.parse(a.valid).start - timedelta(days=1)


def _plan(record: Record, on: date, closed: date | None) -> Judgement:
    """A deployment or withdrawal, judged in the scope the figures can show. Without a
    figure to judge it by it is pending until it is due (its target passed, or the mission
    closed), and then "cannot be judged", never overdue."""
    a, before = record.a, baseline(record.a)
    closed_by = closed if closed is not None and closed <= on else None
    target_end = date.fromisoformat(a.target_end) if a.target_end else None
    unjudged = "cannot be judged" if closed_by or (target_end and target_end < on) else "pending"
    scope, note = judged_scope(record, before, on)
    if scope is None:
        return Judgement(unjudged, note=note)
    then, now = record.level(scope, before), record.level(scope, on)
    start = ValidDate.parse(a.valid).start
    fulfilled_on = next(
        (day for day in record.days(start, on) if done(a, then, record.level(scope, day))), None
    )
    if fulfilled_on is not None:
        ended_by_closure = closed is not None and fulfilled_on > closed
        status = "overtaken by closure" if ended_by_closure else "fulfilled"
    elif now is None:
        missing = f"no figure of {words(a, scope)} on {on}"
        return Judgement(unjudged, then, now, note="; ".join(filter(None, [note, missing])))
    elif closed_by is not None:
        # what happened while the mission ran: on the closure's day every contingent is at 0,
        # which says nothing of a deployment that arrived before it
        ran = record.days(start, closed_by - timedelta(days=1))
        some = any(moved(a, then, record.level(scope, day)) for day in ran)
        status = "partly done" if some else "overtaken by closure"
    elif target_end is not None and target_end < on:
        status = "partly done" if moved(a, then, now) else "overdue"
    else:
        status = "under way" if moved(a, then, now) else "pending"
    return Judgement(status, then, now, fulfilled_on, note)


def _suspension(record: Record, on: date, closed: tuple[date, str] | None) -> Judgement:
    """A suspension: in force from its start (its target, else the day announced) until it is
    lifted, the mission closes, or its contributor's figures reach 0, whichever is first."""
    a = record.a
    start = date.fromisoformat(a.target_end or a.announced_on)
    scope, note = judged_scope(record, baseline(a), on)
    seen = scope or Scope(None, None)
    then, now = record.level(seen, baseline(a)), record.level(seen, on)
    ends: list[tuple[date, int, str, str]] = []
    if a.lifted_on and date.fromisoformat(a.lifted_on) <= on:
        when = "on" if ValidDate.parse(str(a.lifted_valid)).precision == "day" else "in"
        lifted = f"taken up again {when} {a.lifted_valid} ({a.lifted_by})"
        ends.append((date.fromisoformat(a.lifted_on), 0, "lifted", lifted))
    if closed is not None and start <= closed[0] <= on:
        closure = f"in force when the mission closed on {closed[0]} ({closed[1]})"
        ends.append((closed[0], 1, "ended with the mission", closure))
    until = min([on, *(end[0] for end in ends)])  # no need to look past an earlier end
    days = record.days(start, until) if scope is not None else []
    zero = next((day for day in days if record.level(seen, day) == 0), None)
    if zero is not None:
        ends.append((zero, 2, "ended", f"{words(a, seen)}: 0 on {zero}, none left to suspend"))
    if ends:
        _, _, status, how = min(ends)
        return Judgement(status, then, now, note="; ".join(filter(None, [note, how])))
    if closed is not None and closed[0] <= on:
        return Judgement("overtaken by closure", then, now, note=note)
    return Judgement("under way" if start <= on else "pending", then, now, note=note)


def _judge(
    record: Record, later: list[Announcement], on: date, closed: tuple[date, str] | None
) -> Judgement:
    """The judgement of the record (kept for its levels when the announcement was retracted
    or revised: the status then says only that)."""
    a = record.a
    if a.kind == "SuspensionAnnounced":
        judged = _suspension(record, on, closed)
    else:
        judged = _plan(record, on, closed[0] if closed else None)
    if a.superseded_by:
        return replace(judged, status="retracted" if a.superseded_how == "retracted" else "revised")
    return replace(judged, status="revised") if _revised_later(a, later) else judged


def _row(a: Announcement, judged: Judgement) -> LedgerRow:
    target_end = date.fromisoformat(a.target_end) if a.target_end else None
    fulfilled_on = judged.fulfilled_on
    return LedgerRow(
        event_id=a.event_id,
        contributor=a.contributor,
        kind=a.kind,
        valid=a.valid,
        target=a.target,
        summary=a.summary,
        status=judged.status,
        announced=a.count,
        level_then=judged.then,
        level_now=judged.now,
        fulfilled_on=fulfilled_on,
        late=bool(fulfilled_on and target_end and fulfilled_on > target_end),
        source_title=a.source_title,
        source_url=a.source_url,
        published_on=a.published_on,
        note=judged.note,
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
    found = []
    for a in made:
        later = [b for b in made if b.position > a.position]
        found.append(_row(a, _judge(Record(view, a, axes), later, on, closed)))
    return found
