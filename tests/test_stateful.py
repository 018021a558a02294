"""A rule-based state machine: random commands against a real SQLite store, checked against a
plain model of each contributor's strength.

The commands are deployments, withdrawals, moves, strength reports (back-dated ones among them,
and some with month or year precision), announcements, mandate renewals, retractions,
corrections and deliberately invalid input. The model (``Model``, below) is a list of
effective changes per contributor that knows nothing of the tracker's code: it says on its own
whether each command must be refused (does some level fall below zero, on any date, once the
change is applied?) and what the strength is on any date. After every step:

- the tracker accepted the command iff the model says it is valid, and gave it the id the model
  expects (a refused command uses up no version);
- a refused command left the store as it was: same head hash and log position, the chain still
  verifies, and the same strength answers;
- strength by contributor equals the model's on the dates around the change (on every date the
  model knows of, every few steps), and no contributor is ever negative;
- every few steps, and at the end: strength as known at each publication date and as recorded
  after earlier commands equals the model's then (sources are published on varied dates; a
  state of partial knowledge may contradict itself, and a shortfall there is unknown); every
  view equals a rebuild of it from the log; the hash chain verifies.

The model covers the tracker's rules for a contingent's *total*, which is exact here because
deployments, withdrawals and reports are unlocated and moves only go from the unassigned
figure to a place (see ``events/timeline.py``):

- a report sets the level (None: present, figure unknown);
- a deployment adds to it (nothing known before: the level is the count; unknown: unknown);
- a withdrawal of n takes n, and is refused when fewer than n are there; before any figure,
  or from an unknown level, it leaves the level unknown; a withdrawal with no count leaves 0;
- a move takes n from the unassigned figure to a location: refused like a withdrawal, but the
  total stays; before any figure, or from an unknown level, the level is unknown;
- changes apply in valid-time order (a month- or year-precise one at the end of its period),
  ties in the order recorded; a retracted or corrected change no longer counts.
"""

from __future__ import annotations

import calendar
import enum
import itertools
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from events.errors import (
    AlreadySupersededError,
    EventNotFoundError,
    InsufficientStrengthError,
    InvalidInputError,
    MissionNotFoundError,
    TrackerError,
)
from events.values import ValidDate
from tests.helpers import source
from tracker import Tracker

MISSION = "TESTMIS"
CONTRIBUTORS = ("GHA", "SEN", "CHN")
FIRST, LAST = date(2020, 1, 1), date(2023, 12, 31)
BEFORE_ALL, AFTER_ALL = date(2019, 12, 31), date(2024, 6, 30)
LOCATIONS = ("Gao", "Kidal", "Tombouctou")
# publication dates of the sources (day, month and year precision): the knowledge axis
PUBLISHED = ("2022-11-30", "2021-06-15", "2022-03", "2023", "2020-08-01")

FULL_CHECK_EVERY = 8  # steps between checks of strength on every date the model knows of
REBUILD_EVERY = 25  # steps between comparisons of every view with a rebuild from the log
SETTINGS = settings(
    max_examples=35,
    stateful_step_count=40,
    deadline=None,
    derandomize=True,  # the same examples on every run, here and in CI
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# What the runs did, printed at the end so a passing run shows it was not vacuous.
COUNTS: Counter[str] = Counter()


# The model ---------------------------------------------------------------------------------


class Absent(enum.Enum):
    """No figure at all yet: the tracker shows no row (not a row of 0, not unknown)."""

    ABSENT = "absent"


ABSENT = Absent.ABSENT
Level = int | None | Absent  # None: present, figure unknown


@dataclass(frozen=True)
class Step:
    """One change in the model: ``count`` None is an unknown report or a withdrawal of all."""

    event_id: str
    contributor: str
    effective: date
    seq: int  # the order recorded (global, so it orders each contributor's events too)
    kind: str  # report, deploy, withdraw, move
    count: int | None
    known: date  # knowledge time: the last day of its source's publication period


def fold(
    steps: Iterable[Step], *, strict: bool = True
) -> tuple[list[tuple[date, Level]], Step | None]:
    """The level at the end of each day with changes, and the first change that would take
    more than there was (None: every change holds). Not ``strict`` (a state of partial
    knowledge, which may contradict itself): such a change leaves the level unknown."""
    level: Level = ABSENT
    days: list[tuple[date, Level]] = []
    for step in sorted(steps, key=lambda s: (s.effective, s.seq)):
        if step.kind == "report":
            level = step.count
        elif step.kind == "deploy":
            assert step.count is not None
            level = step.count if level is ABSENT else None if level is None else level + step.count
        elif step.count is None:  # a withdrawal of everyone in scope
            level = 0
        elif level is ABSENT or level is None:
            level = None  # taken from a level nobody knew: unknown from then on
        elif step.count > level and strict:
            return days, step
        elif step.count > level:
            level = None
        elif step.kind == "withdraw":
            level -= step.count
        # a move from the unassigned figure to a place leaves the total as it was
        if days and days[-1][0] == step.effective:
            days[-1] = (step.effective, level)
        else:
            days.append((step.effective, level))
    return days, None


def level_on(days: list[tuple[date, Level]], on: date) -> Level:
    level: Level = ABSENT
    for day, value in days:
        if day > on:
            break
        level = value
    return level


class Model:
    """What the store should hold: every accepted event's kind, the changes in force, and the
    next version of each stream (a contingent's first event is its version 2, after the
    stream's bookkeeping 'Opened'; the mission's 'Established' is version 2)."""

    def __init__(self) -> None:
        self.in_force: dict[str, Step] = {}
        self.every_change: dict[str, Step] = {}  # superseded ones too
        self.kinds: dict[str, str] = {}  # event id -> change, announcement, mandate, retraction
        self.superseded: set[str] = set()
        self.versions: Counter[str] = Counter({MISSION: 2})  # stream -> last version
        self.events = 2  # position of the log's head: 'Opened' and 'Established'
        self.seq = 0
        self.days_seen: set[date] = set()  # every effective date ever used (retracted too)
        self.superseded_known: dict[str, date] = {}  # knowledge time of what superseded it
        # (recorded time just after, the changes then in force) after every accepted command
        self.snapshots: list[tuple[datetime, dict[str, Step]]] = []

    def next_id(self, contributor: str | None) -> str:
        if contributor is None:
            return f"{MISSION}/{self.versions[MISSION] + 1}"
        return f"{MISSION}/{contributor}/{max(self.versions[contributor], 1) + 1}"

    def steps(self, contributor: str) -> list[Step]:
        return [s for s in self.in_force.values() if s.contributor == contributor]

    def days(self, contributor: str) -> list[tuple[date, Level]]:
        days, short = fold(self.steps(contributor))
        assert short is None, "the model holds a change that falls short"
        return days

    def level(self, contributor: str, on: date) -> Level:
        return level_on(self.days(contributor), on)

    def expected(
        self, on: date, known_at: date | None = None, in_force: dict[str, Step] | None = None
    ) -> dict[str, int | None]:
        """Strength by contributor on ``on``: no entry for a contributor with no figure. As
        known at ``known_at``: the changes published by then that nothing published by then
        superseded (a partial state: a shortfall is unknown). ``in_force``: the changes in
        force at an earlier recorded time instead of now."""
        if known_at is None:
            steps = list((self.in_force if in_force is None else in_force).values())
        else:
            steps = [
                s
                for s in self.every_change.values()
                if s.known <= known_at < self.superseded_known.get(s.event_id, date.max)
            ]
        found = {
            c: level_on(fold([s for s in steps if s.contributor == c], strict=False)[0], on)
            for c in CONTRIBUTORS
        }
        return {c: level for c, level in found.items() if level is not ABSENT}

    def shortfall(
        self, contributor: str, new: Step | None = None, without: str | None = None
    ) -> Step | None:
        """The change that would fall short with ``new`` added and ``without`` taken away."""
        kept = [s for s in self.steps(contributor) if s.event_id != without]
        return fold(kept + ([new] if new else []))[1]

    def latest(self, contributor: str) -> date | None:
        return max((s.effective for s in self.steps(contributor)), default=None)

    def new_step(
        self, contributor: str, effective: date, kind: str, count: int | None, known: date
    ) -> Step:
        event_id = self.next_id(contributor)
        return Step(event_id, contributor, effective, self.seq + 1, kind, count, known)

    def accept(self, event_id: str, stream: str, kind: str, step: Step | None = None) -> None:
        """Record an accepted event: its stream's version, its kind, its change if any."""
        self.versions[stream] = max(self.versions[stream], 1) + 1
        self.events += 1 + (1 if self.versions[stream] == 2 and stream != MISSION else 0)
        self.seq += 1
        self.kinds[event_id] = kind
        if step is not None:
            self.in_force[event_id] = step
            self.every_change[event_id] = step
            self.days_seen.add(step.effective)

    def supersede(self, event_id: str, known: date) -> None:
        self.superseded.add(event_id)
        self.superseded_known[event_id] = known
        self.in_force.pop(event_id, None)

    def snapshot(self) -> None:
        """What the store says now, for 'recorded at' questions later."""
        self.snapshots.append((datetime.now(UTC), dict(self.in_force)))


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _fields(contributor: str, valid: str = "2021-06-01", **extra: Any) -> dict[str, Any]:
    return {
        "mission": MISSION,
        "contributor": contributor,
        "valid": valid,
        "source": source(),
        **extra,
    }


# Each: what is wrong, the Tracker method, its fields for a contributor. Only one thing is
# wrong in each, so the refusal must come from that.
INVALID: list[tuple[str, str, Callable[[str], dict[str, Any]]]] = [
    ("unknown country", "deploy_contingent", lambda c: _fields("Atlantis", count=5)),
    ("unknown ISO code", "deploy_contingent", lambda c: _fields("ZZZ", count=5)),
    ("negative count", "deploy_contingent", lambda c: _fields(c, count=-5)),
    ("count of 0", "deploy_contingent", lambda c: _fields(c, count=0)),
    ("count too large", "deploy_contingent", lambda c: _fields(c, count=2_000_000)),
    ("count not a number", "withdraw_contingent", lambda c: _fields(c, count="many")),
    ("negative withdrawal", "withdraw_contingent", lambda c: _fields(c, count=-1)),
    ("negative strength", "report_strength", lambda c: _fields(c, strength=-1)),
    ("impossible date", "deploy_contingent", lambda c: _fields(c, "2023-02-30", count=5)),
    ("29 February of 2021", "report_strength", lambda c: _fields(c, "2021-02-29", strength=5)),
    ("month 13", "withdraw_contingent", lambda c: _fields(c, "2022-13", count=1)),
    ("not a date", "deploy_contingent", lambda c: _fields(c, "yesterday", count=5)),
    ("unknown place", "move_contingent", lambda c: _fields(c, count=1, to_location="Atlantis")),
    ("move to nowhere", "move_contingent", lambda c: _fields(c, count=1)),
    ("unknown location", "deploy_contingent", lambda c: _fields(c, count=5, location="Narnia")),
    ("recorded time given", "deploy_contingent", lambda c: _fields(c, count=5, timestamp="2021")),
    (
        "impossible publication date",
        "deploy_contingent",
        lambda c: {**_fields(c, count=5), "source": source(published_on="2023-02-30")},
    ),
    (
        "source without a title",
        "deploy_contingent",
        lambda c: {**_fields(c, count=5), "source": {"published_on": "2022-01-01"}},
    ),
    ("no source", "deploy_contingent", lambda c: {**_fields(c, count=5), "source": None}),
    ("partial withdrawal announced without a count", "announce_withdrawal", lambda c: _fields(c)),
    ("no mission", "deploy_contingent", lambda c: {**_fields(c, count=5), "mission": ""}),
    ("count given as true", "deploy_contingent", lambda c: _fields(c, count=True)),
    ("strength given as false", "report_strength", lambda c: _fields(c, strength=False)),
]
OTHER_REFUSALS = ("bad correction", "unknown mission", "unknown event id")


# The machine -------------------------------------------------------------------------------


class TrackerMachine(RuleBasedStateMachine):
    """Random commands against ``Tracker`` on a SQLite file, next to ``Model``."""

    def __init__(self) -> None:
        super().__init__()
        COUNTS["examples"] += 1
        self.folder = Path(tempfile.mkdtemp(prefix="stateful-"))
        self.tracker = Tracker(self.folder / "tracker.db")
        self.tracker.establish_mission(
            mission=MISSION, name="Test mission", host="MLI", valid="2020-01-01", source=source()
        )
        self.model = Model()
        self.steps_taken = 0
        self.focus: set[date] = {AFTER_ALL}  # dates the last command touched
        self.rebuilds = 0
        self.clean = True  # False while a check runs: a failed one skips the teardown checks

    def teardown(self) -> None:
        try:
            if self.clean:
                self.check_every_date()
                self.check_time_travel()
                self.check_views_equal_rebuilds()
                self.check_store_intact()
        finally:
            self.tracker.close()
            shutil.rmtree(self.folder, ignore_errors=True)

    # Drawing commands ------------------------------------------------------------------------

    def draw_when(self, data: st.DataObject, contributor: str) -> tuple[str, date]:
        """A valid date as the user gives it and its effective day: often back-dated (before
        the contributor's latest change), sometimes on the same day as one (ties go in the
        order recorded), sometimes month- or year-precise (effective at the period's end)."""
        latest = self.model.latest(contributor)
        existing = sorted({s.effective for s in self.model.steps(contributor)})
        # the first day with a known figure: a change before it, or on an unknown level,
        # leaves the level unknown rather than being refused
        figures = [d for d, level in self.model.days(contributor) if isinstance(level, int)]
        modes = ["any"]
        if latest is not None:
            modes += ["before", "before", "tie", "after"]
        if figures and latest is not None and figures[0] < latest:
            modes += ["among figures", "among figures"]  # back-dated, where the rule bites
        mode = data.draw(st.sampled_from(modes), label="when")
        if mode == "before" and latest is not None and latest > FIRST:
            day = data.draw(st.dates(FIRST, latest - timedelta(days=1)))
        elif mode == "among figures" and latest is not None:
            day = data.draw(st.dates(figures[0], latest - timedelta(days=1)))
        elif mode == "tie":  # same day as a change already there: ties go in recorded order
            day = data.draw(st.sampled_from(existing))
            return day.isoformat(), day
        elif mode == "after" and latest is not None and latest < LAST:
            day = data.draw(st.dates(latest + timedelta(days=1), LAST))
        else:
            day = data.draw(st.dates(FIRST, LAST))
        precision = data.draw(st.sampled_from(["day"] * 6 + ["month", "year"]), label="precision")
        if precision == "month":
            return day.strftime("%Y-%m"), month_end(day)
        if precision == "year":
            return str(day.year), date(day.year, 12, 31)
        return day.isoformat(), day

    def headroom(self, contributor: str, effective: date) -> int | None:
        """The fewest personnel known to be there on ``effective`` or any later change day:
        the most a change on that day may take away (None: no known figure)."""
        days = self.model.days(contributor)
        levels = [level_on(days, effective)] + [v for d, v in days if d > effective]
        known = [v for v in levels if isinstance(v, int)]
        return min(known) if known else None

    def draw_count(self, data: st.DataObject, contributor: str, effective: date) -> int:
        """A count for a change that takes personnel away: just within what is there, just
        over it, or anything."""
        room = self.headroom(contributor, effective)
        near = [st.integers(1, 400)]
        if room is not None:
            near += [
                st.just(max(room, 1)),
                st.just(room + 1),
                st.integers(max(room - 3, 1), room + 3),
            ]
        return data.draw(st.one_of(near), label="count")

    def draw_published(self, data: st.DataObject) -> tuple[str, date]:
        """A publication date as a source gives it, and the knowledge time it stands for."""
        published = data.draw(st.sampled_from(PUBLISHED), label="published")
        return published, ValidDate.parse(published).end

    def at(self, contributor: str, valid: str, published: str) -> dict[str, Any]:
        return {
            "mission": MISSION,
            "contributor": contributor,
            "valid": valid,
            "source": source(published_on=published),
        }

    # Running commands ------------------------------------------------------------------------

    def attempt(
        self,
        what: str,
        call: Callable[[], Any],
        *,
        valid: bool,
        expected_id: str,
        refusal: type[TrackerError] = TrackerError,
        on_accept: Callable[[], None] = lambda: None,
        dates: Iterable[date] = (),
    ) -> bool:
        """Run one command; check the tracker accepted it iff the model says ``valid``, and
        that a refused one changed nothing. Returns whether it was accepted."""
        self.clean = False
        COUNTS["commands"] += 1
        probe = sorted({*dates, AFTER_ALL, BEFORE_ALL})
        head, position = self.tracker.head(), self.tracker.recorder.max_notification_id()
        answers = [self.answer(day) for day in probe] if not valid else []
        error: TrackerError | None = None
        try:
            recorded = call()
        except TrackerError as caught:
            error = caught
        if error is not None:
            assert not valid, f"the tracker refused {what}, which the model accepts: {error}"
            assert isinstance(error, refusal), f"{what}: {type(error).__name__}: {error}"
            COUNTS["refused"] += 1
            # A refused command writes nothing: not an event, not a link, not a view row.
            assert self.tracker.head() == head, f"{what} was refused but the head moved"
            assert self.tracker.recorder.max_notification_id() == position
            assert self.tracker.verify().ok, f"{what} was refused but the chain is broken"
            assert [self.answer(day) for day in probe] == answers, f"{what} changed answers"
            self.clean = True
            return False
        assert valid, f"the tracker accepted {what}, which the model refuses"
        assert recorded.event_id == expected_id, (what, recorded)
        COUNTS["accepted"] += 1
        on_accept()
        self.model.snapshot()
        self.focus = set(dates)
        self.clean = True
        return True

    def answer(self, day: date) -> Any:
        """The whole answer (rows, total, unknown, position...), for before/after checks."""
        return self.tracker.strength(MISSION, on=day, by=("contributor",))

    def change(
        self,
        what: str,
        call: Callable[[], Any],
        contributor: str,
        effective: date,
        kind: str,
        count: int | None,
        known: date,
    ) -> None:
        """A change to strength: the model decides whether it must be refused."""
        step = self.model.new_step(contributor, effective, kind, count, known)
        short = self.model.shortfall(contributor, new=step)
        if short is not None:
            COUNTS["refused: too few personnel"] += 1
        latest = self.model.latest(contributor)
        if latest is not None and effective < latest:
            COUNTS["back-dated"] += 1
            if short is not None:
                COUNTS["back-dated refused"] += 1
        if short is not None and short is not step:
            COUNTS["refused: a later change would fall short"] += 1
        self.attempt(
            f"{what} ({contributor}, effective {effective})",
            call,
            valid=short is None,
            expected_id=step.event_id,
            refusal=InsufficientStrengthError,
            on_accept=lambda: self.model.accept(step.event_id, contributor, "change", step),
            dates=around(effective),
        )

    # Rules: changes --------------------------------------------------------------------------

    @rule(contributor=st.sampled_from(CONTRIBUTORS), count=st.integers(1, 300), data=st.data())
    def deploy(self, contributor: str, count: int, data: st.DataObject) -> None:
        valid, effective = self.draw_when(data, contributor)
        published, known = self.draw_published(data)
        fields = {**self.at(contributor, valid, published), "count": count}
        self.change(
            f"deploy {count}",
            lambda: self.tracker.deploy_contingent(**fields),
            contributor,
            effective,
            "deploy",
            count,
            known,
        )

    @rule(contributor=st.sampled_from(CONTRIBUTORS), data=st.data())
    def withdraw(self, contributor: str, data: st.DataObject) -> None:
        valid, effective = self.draw_when(data, contributor)
        everyone = data.draw(st.sampled_from([False] * 9 + [True]), label="everyone")
        count = None if everyone else self.draw_count(data, contributor, effective)
        published, known = self.draw_published(data)
        fields = {
            **self.at(contributor, valid, published),
            **({} if count is None else {"count": count}),
        }
        self.change(
            f"withdraw {count if count is not None else 'everyone'}",
            lambda: self.tracker.withdraw_contingent(**fields),
            contributor,
            effective,
            "withdraw",
            count,
            known,
        )

    @rule(contributor=st.sampled_from(CONTRIBUTORS), data=st.data())
    def report(self, contributor: str, data: st.DataObject) -> None:
        valid, effective = self.draw_when(data, contributor)
        room = self.headroom(contributor, effective)
        unknown = data.draw(st.sampled_from([False] * 9 + [True]), label="unknown")
        options = [st.none() if unknown else st.integers(0, 400)]
        if room is not None and not unknown:
            # a figure lower than a later withdrawal needs is refused: just below, just enough
            options += [st.integers(0, 3), st.just(room), st.just(max(room - 1, 0))]
        strength = data.draw(st.one_of(options), label="strength")
        published, known = self.draw_published(data)
        fields = {**self.at(contributor, valid, published), "strength": strength}
        self.change(
            f"report {strength}",
            lambda: self.tracker.report_strength(**fields),
            contributor,
            effective,
            "report",
            strength,
            known,
        )

    @rule(
        contributor=st.sampled_from(CONTRIBUTORS),
        to_location=st.sampled_from(LOCATIONS),
        data=st.data(),
    )
    def move(self, contributor: str, to_location: str, data: st.DataObject) -> None:
        valid, effective = self.draw_when(data, contributor)
        count = self.draw_count(data, contributor, effective)
        published, known = self.draw_published(data)
        fields = {
            **self.at(contributor, valid, published),
            "count": count,
            "to_location": to_location,
        }
        self.change(
            f"move {count} to {to_location}",
            lambda: self.tracker.move_contingent(**fields),
            contributor,
            effective,
            "move",
            count,
            known,
        )

    # Rules: what never changes strength ------------------------------------------------------

    @rule(
        contributor=st.sampled_from(CONTRIBUTORS),
        kind=st.sampled_from(["withdrawal", "full withdrawal", "deployment", "suspension"]),
        count=st.integers(1, 2000),
        data=st.data(),
    )
    def announce(self, contributor: str, kind: str, count: int, data: st.DataObject) -> None:
        valid, effective = self.draw_when(data, contributor)
        target = data.draw(st.dates(effective, LAST), label="target").strftime("%Y-%m")
        published, _ = self.draw_published(data)
        fields = {**self.at(contributor, valid, published), "target": target}
        if kind == "withdrawal":
            call = lambda: self.tracker.announce_withdrawal(**fields, count=count)  # noqa: E731
        elif kind == "full withdrawal":
            call = lambda: self.tracker.announce_withdrawal(**fields, full=True)  # noqa: E731
        elif kind == "deployment":
            call = lambda: self.tracker.announce_deployment(**fields, count=count)  # noqa: E731
        else:
            call = lambda: self.tracker.announce_suspension(**fields)  # noqa: E731
        event_id = self.model.next_id(contributor)
        COUNTS["announcements"] += 1
        self.attempt(
            f"announce a {kind} ({contributor})",
            call,
            valid=True,  # intentions: never refused for want of personnel, never move strength
            expected_id=event_id,
            on_accept=lambda: self.model.accept(event_id, contributor, "announcement"),
            dates=around(effective),
        )

    @rule(valid=st.dates(FIRST, LAST), ceiling=st.integers(1000, 20000))
    def renew_mandate(self, valid: date, ceiling: int) -> None:
        event_id = self.model.next_id(None)
        self.attempt(
            f"renew the mandate on {valid}",
            lambda: self.tracker.renew_mandate(
                mission=MISSION,
                valid=valid.isoformat(),
                source=source(),
                resolution=str(2000 + ceiling % 700),
                ceilings={"military": ceiling},
            ),
            valid=True,
            expected_id=event_id,
            on_accept=lambda: self.model.accept(event_id, MISSION, "mandate"),
        )

    # Rules: retractions and corrections ------------------------------------------------------

    def retractable(self) -> list[str]:
        """Events in force that may be retracted: not retractions themselves, which the
        tracker refuses (``retract_a_retraction``)."""
        return sorted(
            e
            for e, kind in self.model.kinds.items()
            if kind != "retraction" and e not in self.model.superseded
        )

    def retractions(self) -> list[str]:
        return sorted(e for e, kind in self.model.kinds.items() if kind == "retraction")

    @precondition(lambda self: self.retractions())
    @rule(data=st.data(), correct=st.booleans())
    def retract_a_retraction(self, data: st.DataObject, correct: bool) -> None:
        """A retraction cannot itself be retracted or corrected: the retracted fact is
        recorded again instead. Refused, and the store unchanged."""
        target = data.draw(st.sampled_from(self.retractions()), label="retraction")
        COUNTS["retract or correct a retraction"] += 1
        call = (
            (lambda: self.tracker.correct_event(target, reason="again", changes={"count": 1}))
            if correct
            else (lambda: self.tracker.retract_event(target, reason="the retraction was wrong"))
        )
        self.attempt(
            f"{'correct' if correct else 'retract'} the retraction {target}",
            call,
            valid=False,
            expected_id="",
            refusal=InvalidInputError,
        )

    @precondition(lambda self: self.retractable())
    @rule(data=st.data())
    def retract(self, data: st.DataObject) -> None:
        target = data.draw(st.sampled_from(self.retractable()), label="target")
        parts = target.split("/")
        stream = parts[1] if len(parts) == 3 else MISSION
        step = self.model.in_force.get(target)
        short = self.model.shortfall(stream, without=target) if step is not None else None
        event_id = self.model.next_id(None if stream == MISSION else stream)
        COUNTS["retractions"] += 1
        if step is not None and step.effective < (self.model.latest(stream) or step.effective):
            COUNTS["back-dated"] += 1  # it changes the levels from a date before the latest
        if short is not None:
            COUNTS["refused: too few personnel"] += 1
            COUNTS["refused: a later change would fall short"] += 1
        # With no source, a retraction is known from the day it is recorded.
        published = data.draw(st.sampled_from([None, *PUBLISHED]), label="published")
        retraction_source = source(published_on=published) if published else None

        def accepted() -> None:
            self.model.accept(event_id, stream, "retraction")
            recorded_on = self.tracker.get_event(event_id).timestamp.astimezone(UTC).date()
            known = ValidDate.parse(published).end if published else recorded_on
            self.model.supersede(target, known)

        self.attempt(
            f"retract {target}",
            lambda: self.tracker.retract_event(
                target, reason="stateful test: retracted", source=retraction_source
            ),
            valid=short is None,
            expected_id=event_id,
            refusal=InsufficientStrengthError,
            on_accept=accepted,
            dates=around(step.effective) if step else (),
        )

    @precondition(lambda self: self.model.superseded)
    @rule(data=st.data(), count=st.integers(1, 50))
    def supersede_again(self, data: st.DataObject, count: int) -> None:
        """An event already retracted or corrected cannot be retracted or corrected again."""
        target = data.draw(st.sampled_from(sorted(self.model.superseded)), label="target")
        step = self.model.every_change.get(target)
        COUNTS["superseded again"] += 1
        if step is not None and data.draw(st.booleans(), label="correct it"):
            field = "strength" if step.kind == "report" else "count"
            what = f"correct {target}, already superseded"
            call = lambda: self.tracker.correct_event(  # noqa: E731
                target, reason="again", changes={field: count}
            )
        else:
            what = f"retract {target} again"
            call = lambda: self.tracker.retract_event(target, reason="again")  # noqa: E731
        self.attempt(what, call, valid=False, expected_id="", refusal=AlreadySupersededError)

    @precondition(lambda self: self.model.in_force)
    @rule(data=st.data())
    def correct(self, data: st.DataObject) -> None:
        target = data.draw(st.sampled_from(sorted(self.model.in_force)), label="target")
        old = self.model.in_force[target]
        changes: dict[str, Any] = {}
        effective = old.effective
        if data.draw(st.booleans(), label="new date"):
            valid, effective = self.draw_when(data, old.contributor)
            changes["valid"] = valid
        count = old.count
        if old.kind == "report":
            count = data.draw(st.one_of(st.integers(0, 400), st.none()), label="strength")
            changes["strength"] = count
        elif old.count is not None:  # a withdrawal of everyone stays one
            taking = old.kind in ("withdraw", "move")
            drawn = self.draw_count(data, old.contributor, effective) if taking else None
            count = drawn if drawn is not None else data.draw(st.integers(1, 300), label="count")
            changes["count"] = count
        # The correction's source: by default the original's (so its knowledge time too).
        published = data.draw(st.sampled_from([None, *PUBLISHED]), label="published")
        known = ValidDate.parse(published).end if published else old.known
        correction_source = source(published_on=published) if published else None
        step = self.model.new_step(old.contributor, effective, old.kind, count, known)
        short = self.model.shortfall(old.contributor, new=step, without=target)
        COUNTS["corrections"] += 1
        if effective < (self.model.latest(old.contributor) or effective):
            COUNTS["back-dated"] += 1
        if short is not None:
            COUNTS["refused: too few personnel"] += 1
        if short is not None and short is not step:
            COUNTS["refused: a later change would fall short"] += 1

        def accepted() -> None:
            self.model.accept(step.event_id, old.contributor, "change", step)
            self.model.supersede(target, known)

        self.attempt(
            f"correct {target} with {changes}, source published {published}",
            lambda: self.tracker.correct_event(
                target, reason="stateful test", changes=changes, source=correction_source
            ),
            valid=short is None,
            expected_id=step.event_id,
            refusal=InsufficientStrengthError,
            on_accept=accepted,
            dates=[*around(old.effective), *around(effective)],
        )

    # Rules: input that is never valid --------------------------------------------------------

    @rule(
        contributor=st.sampled_from(CONTRIBUTORS),
        case=st.integers(0, len(INVALID) + len(OTHER_REFUSALS) - 1),
        data=st.data(),
    )
    def invalid(self, contributor: str, case: int, data: st.DataObject) -> None:
        """Bad input is refused with InvalidInputError whatever the state of the store; an
        unknown mission or event id, with their own errors."""
        COUNTS["invalid"] += 1
        if case < len(INVALID):
            name, method, fields = INVALID[case]
            self.attempt(
                f"invalid input: {name}",
                lambda: getattr(self.tracker, method)(**fields(contributor)),
                valid=False,
                expected_id="",
                refusal=InvalidInputError,
            )
            return
        name = OTHER_REFUSALS[case - len(INVALID)]
        if name == "bad correction" and self.model.in_force:
            target = data.draw(st.sampled_from(sorted(self.model.in_force)), label="target")
            reason, changes = data.draw(
                st.sampled_from(
                    [
                        ("", {"valid": "2021-01-01"}),  # a correction needs a reason
                        ("bad date", {"valid": "2023-02-30"}),
                        ("bad field", {"timestamp": "2021-01-01T00:00:00+00:00"}),
                    ]
                ),
                label="correction",
            )
            self.attempt(
                f"invalid correction of {target}: {reason!r} {changes}",
                lambda: self.tracker.correct_event(target, reason=reason, changes=changes),
                valid=False,
                expected_id="",
                refusal=InvalidInputError,
            )
        elif name == "unknown mission":
            self.attempt(
                "deploy to an unknown mission",
                lambda: self.tracker.deploy_contingent(
                    **{**self.at(contributor, "2021-01-01", "2022"), "mission": "NOSUCHMIS"},
                    count=5,
                ),
                valid=False,
                expected_id="",
                refusal=MissionNotFoundError,
            )
        else:  # an id the store never gave (the next one, or far beyond)
            version = data.draw(
                st.sampled_from([max(self.model.versions[contributor], 1) + 1, 99]),
                label="version",
            )
            self.attempt(
                f"retract unknown {MISSION}/{contributor}/{version}",
                lambda: self.tracker.retract_event(
                    f"{MISSION}/{contributor}/{version}", reason="x"
                ),
                valid=False,
                expected_id="",
                refusal=EventNotFoundError,
            )

    # Invariants ------------------------------------------------------------------------------

    @invariant()
    def log_matches_the_model(self) -> None:
        """Every accepted event is in the log, chained, and nothing else is."""
        self.clean = False
        count, _ = self.tracker.head()
        assert count == self.tracker.recorder.max_notification_id() == self.model.events
        self.clean = True

    @invariant()
    def strength_matches_the_model(self) -> None:
        """Around the last change every step; on every known date every few steps; every view
        against a rebuild every REBUILD_EVERY steps."""
        self.clean = False
        self.steps_taken += 1
        if self.steps_taken % FULL_CHECK_EVERY == 0:
            self.check_every_date()
        else:
            self.check_dates(self.focus | {AFTER_ALL})
        if self.steps_taken % REBUILD_EVERY == 0:
            self.check_time_travel()
            self.check_views_equal_rebuilds()
            self.check_store_intact()
        self.clean = True

    # Checks ----------------------------------------------------------------------------------

    def check_dates(
        self,
        dates: Iterable[date],
        known_at: date | None = None,
        recorded: tuple[datetime, dict[str, Step]] | None = None,
    ) -> None:
        """Strength by contributor on each of ``dates`` equals the model's (as known at
        ``known_at``; as recorded at an earlier time, with the changes then in force)."""
        for day in sorted(set(dates)):
            answer = self.tracker.strength(
                MISSION,
                on=day,
                by=("contributor",),
                known_at=known_at,
                recorded_at=recorded[0] if recorded else None,
            )
            found = {row.contributor: row.strength for row in answer.rows}
            expected = self.model.expected(day, known_at, recorded[1] if recorded else None)
            when = f"on {day}" + (f" as known at {known_at}" if known_at else "")
            when += f" as recorded at {recorded[0]}" if recorded else ""
            assert found == expected, f"strength {when}: tracker {found}, model {expected}"
            assert all(n is None or n >= 0 for n in found.values()), f"negative {when}"
            unknown = sorted(c for c, n in expected.items() if n is None)
            assert answer.unknown == unknown, (day, answer.unknown)
            if not unknown:
                assert answer.total == sum(n or 0 for n in expected.values()), (day, answer)
            COUNTS["strength checks"] += 1

    def check_every_date(self) -> None:
        """Every day a change took effect (retracted ones too), the days either side, a day
        between each two, before everything and after everything."""
        days = sorted(self.model.days_seen)
        between = [a + (b - a) / 2 for a, b in itertools.pairwise(days) if b - a > timedelta(1)]
        self.check_dates(
            [d for day in days for d in around(day)] + between + [BEFORE_ALL, AFTER_ALL]
        )
        COUNTS["full checks"] += 1

    def check_time_travel(self) -> None:
        """As known at each publication date and the day before it (a retraction with no
        source is known from the day it was recorded); as recorded just after a few earlier
        commands: the first, one halfway, the last two."""
        days = [*sorted(self.model.days_seen), AFTER_ALL]
        published = {ValidDate.parse(p).end for p in PUBLISHED} | set(
            self.model.superseded_known.values()
        )
        for known_at in sorted(published | {k - timedelta(days=1) for k in published}):
            self.check_dates(days, known_at=known_at)
        snapshots = self.model.snapshots
        for index in sorted({0, len(snapshots) // 2, len(snapshots) - 2, len(snapshots) - 1}):
            if 0 <= index < len(snapshots):
                self.check_dates(days, recorded=snapshots[index])
        COUNTS["time-travel checks"] += 1

    def check_views_equal_rebuilds(self) -> None:
        """Every view, caught up step by step, holds the rows a rebuild from position 0 gives."""
        self.tracker.catch_up()
        self.rebuilds += 1
        for view in self.tracker.views():
            rebuilt = type(view)(self.folder / f"rebuilt-{self.rebuilds}.{view.name}.db")
            try:
                # small batches, so a retraction is sometimes in the batch of what it retracts
                applied = rebuilt.catch_up(self.tracker, batch_size=3 + self.rebuilds % 5)
                assert applied == self.model.events
                assert dump(rebuilt) == dump(view), f"the {view.name} view differs from a rebuild"
            finally:
                rebuilt.close()
        COUNTS["rebuild checks"] += 1

    def check_store_intact(self) -> None:
        verification = self.tracker.verify()
        assert verification.ok, verification
        assert verification.events == self.model.events
        assert verification.head == self.tracker.head()[1]


def around(day: date) -> list[date]:
    return [day - timedelta(days=1), day, day + timedelta(days=1)]


def dump(projection: Any) -> dict[str, list[tuple[Any, ...]]]:
    """A view's rows, table by table (bookkeeping and full-text index tables left out)."""
    tables = [t for t in projection.db.table_names() if not t.startswith("_") and "_fts" not in t]
    found = {t: projection.db.execute(f"SELECT * FROM [{t}]").fetchall() for t in tables}
    return {t: sorted((tuple(r) for r in v), key=repr) for t, v in found.items()}


def test_random_commands_keep_the_invariants() -> None:
    COUNTS.clear()
    started = time.perf_counter()
    run_state_machine_as_test(TrackerMachine, settings=SETTINGS)
    took = time.perf_counter() - started
    print(
        f"\nstateful: {COUNTS['examples']} examples, {COUNTS['commands']} commands "
        f"({COUNTS['accepted']} accepted, {COUNTS['refused']} refused, "
        f"{COUNTS['refused: too few personnel']} of them for too few personnel), "
        f"{COUNTS['back-dated']} back-dated ({COUNTS['back-dated refused']} of them refused), "
        f"{COUNTS['refused: a later change would fall short']} refused for a later change, "
        f"{COUNTS['invalid']} invalid, {COUNTS['retractions']} retractions, "
        f"{COUNTS['corrections']} corrections, {COUNTS['superseded again']} superseded again, "
        f"{COUNTS['announcements']} announcements; {COUNTS['strength checks']} strength checks, "
        f"{COUNTS['full checks']} full, {COUNTS['time-travel checks']} time travel, "
        f"{COUNTS['rebuild checks']} rebuilds compared; {took:.1f} s"
    )
    # Not vacuous: each kind of case happened.
    for key in (
        "commands",
        "accepted",
        "refused",
        "refused: too few personnel",
        "back-dated",
        "back-dated refused",
        "refused: a later change would fall short",
        "invalid",
        "retractions",
        "corrections",
        "superseded again",
        "rebuild checks",
    ):
        assert COUNTS[key] > 0, f"no {key} in the whole run"
