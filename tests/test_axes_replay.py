"""Every answer on every time axis it accepts, against a naive replay (issue 15.4).

A random history of changes, reports and announcements (some retracted by a later commit) is
imported into one store in a few commits, each event with its own publication date. Then, for every knowledge date K and every
commit T, the store's answers "as known at K" and "as recorded at T" (and both at once) must
equal the answers of a *fresh* store that was given only those events: the ones published by K,
in the commits up to T. That is the meaning of the two axes, checked for strength by
contributor, the monthly series an export writes, the forecast, the announcements ledger and
the difference between two knowledge dates.

Event ids are positions in a stream, so a store given fewer events numbers them otherwise:
answers are compared with each event id replaced by the event's own quote (unique here)."""

from __future__ import annotations

import dataclasses
import itertools
import json
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, assume, event, given, settings
from hypothesis import strategies as st

from events.errors import TrackerError
from tracker import Tracker

MISSION = "TESTMIS"
CONTRIBUTORS = ("TCD", "SEN", "EGY")
PUBLISHED = (date(2021, 3, 1), date(2021, 9, 1), date(2022, 3, 1), date(2022, 9, 1))
QUESTIONS = (date(2021, 6, 30), date(2022, 1, 31), date(2022, 12, 31))
FIRST = date(2020, 7, 1)


def day_in(year_month: tuple[int, int], day: int) -> str:
    return f"{year_month[0]}-{year_month[1]:02d}-{day:02d}"


@st.composite
def histories(draw: st.DrawFn) -> list[list[dict[str, Any]]]:
    """A few commits of events: each with a valid day, a publication date on or after it, and
    a unique quote."""
    events: list[dict[str, Any]] = []
    count = draw(st.integers(4, 14))
    for number in range(count):
        contributor = draw(st.sampled_from(CONTRIBUTORS))
        month = draw(st.sampled_from([(2020, 9), (2021, 2), (2021, 5), (2021, 11), (2022, 4)]))
        valid = day_in(month, draw(st.integers(1, 28)))
        published = draw(st.sampled_from([p for p in PUBLISHED if p.isoformat() >= valid]))
        kind = draw(
            st.sampled_from(["deployed", "deployed", "strength-reported", "withdrawn", "announced"])
        )
        fields: dict[str, Any] = {"mission": MISSION, "contributor": contributor, "valid": valid}
        if kind == "deployed":
            fields["count"] = draw(st.integers(50, 400))
        elif kind == "withdrawn":
            fields["count"] = draw(st.integers(1, 30))
        elif kind == "strength-reported":
            fields["strength"] = draw(st.integers(0, 900))
        else:
            kind = draw(st.sampled_from(["deployment-announced", "withdrawal-announced"]))
            target = date.fromisoformat(valid) + timedelta(days=draw(st.integers(30, 400)))
            fields["target"] = target.isoformat()
            if kind == "withdrawal-announced" and draw(st.booleans()):
                fields["full"] = True
            else:
                fields["count"] = draw(st.integers(20, 300))
        fields["source"] = {
            "title": "Made-up source (test)",
            "url": "https://example.org/test",
            "published_on": published.isoformat(),
            "quote": f"e{number}",
        }
        events.append({"type": kind, **fields})
    cuts = sorted(draw(st.sets(st.integers(1, count - 1), min_size=1, max_size=2)))
    commits = [events[a:b] for a, b in zip([0, *cuts], [*cuts, count], strict=True)]
    # a later commit may retract an announcement of an earlier one
    for later in range(1, len(commits)):
        earlier = [e for c in commits[:later] for e in c if e["type"].endswith("-announced")]
        if earlier and draw(st.integers(0, 3)):  # 3 times in 4
            target = draw(st.sampled_from(earlier))
            # published later than its target where it can be: then a knowledge date between
            # the two sees the announcement and not yet its retraction
            after = [p for p in PUBLISHED if p.isoformat() > target["source"]["published_on"]]
            published = draw(st.sampled_from(after or [PUBLISHED[-1]]))
            commits[later].append(
                {"type": "retracted", "mission": MISSION, "contributor": target["contributor"],
                 "retracts": target["source"]["quote"], "reason": "made up (test)",
                 "source": {"title": "Made-up source (test)", "published_on": published.isoformat(),
                            "quote": f"r{later}"}}
            )  # fmt: skip
    return commits


def established() -> dict[str, Any]:
    return {
        "type": "mission-established", "mission": MISSION, "name": "Test mission",
        "host": "MLI", "valid": FIRST.isoformat(),
        "source": {"title": "Made-up source (test)", "published_on": "2020-07-01",
                   "quote": "established"},
    }  # fmt: skip


def lines(events: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(e) + "\n" for e in events).encode()


def commit(tracker: Tracker, events: list[dict[str, Any]], name: str) -> None:
    """Import ``events`` in one commit; a retraction names its target by the target's quote,
    replaced here by the target's id in this store (stores number events otherwise)."""
    retracting = any(e["type"] == "retracted" for e in events)
    ids = {row.quote: row.event_id for row in tracker.history(MISSION)} if retracting else {}
    given = [
        {**e, "retracts": ids[e["retracts"]]} if e["type"] == "retracted" else e for e in events
    ]
    tracker.import_jsonl(lines(given), name)


def fresh(folder: Path, name: str, events: list[dict[str, Any]]) -> Tracker:
    """A new store given only ``events``: the events, then the retractions of some of them."""
    tracker = Tracker(folder / f"{name}.db")
    commit(tracker, [established(), *(e for e in events if e["type"] != "retracted")], name)
    retractions = [e for e in events if e["type"] == "retracted"]
    if retractions:
        commit(tracker, retractions, name)
    return tracker


# Where and when a store keeps a row, not what the answer says: differs between stores.
BOOKKEEPING = {"position", "version", "recorded_at", "known_at", "recorded", "superseded_recorded"}


def plain(value: Any, ids: dict[str, str]) -> Any:
    """An answer as plain data, every event id replaced by its event's quote."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: plain(v, ids) for k, v in value.items() if k not in BOOKKEEPING}
    if isinstance(value, list | tuple):
        return [plain(v, ids) for v in value]
    if isinstance(value, str) and value in ids:
        return ids[value]
    return value


def answers(
    tracker: Tracker, known_at: date | None = None, recorded_at: datetime | None = None
) -> dict[str, Any]:
    ids = {row.event_id: row.quote or "" for row in tracker.history(MISSION)}
    axes: dict[str, Any] = {"known_at": known_at, "recorded_at": recorded_at}
    found: dict[str, Any] = {}
    for on in QUESTIONS:
        strength = tracker.strength(MISSION, on, ("contributor",), **axes)
        found[f"strength {on}"] = plain((strength.rows, strength.total, strength.unknown), ids)
        found[f"forecast {on}"] = plain(
            tracker.forecast(MISSION, on, ("contributor",), **axes), ids
        )
        found[f"announcements {on}"] = plain(tracker.announcements(MISSION, on=on, **axes), ids)
    found["series"] = plain(
        tracker.strength_series(MISSION, FIRST, QUESTIONS[-1], "month", ("contributor",), **axes),
        ids,
    )
    return found


def published_by(events: list[dict[str, Any]], known_at: date) -> list[dict[str, Any]]:
    return [e for e in events if e["source"]["published_on"] <= known_at.isoformat()]


@settings(
    max_examples=15,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: 15 stores a try; it took minutes
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(commits=histories())
def test_answers_on_every_axis_equal_a_fresh_replay_of_what_was_known_then(
    commits: list[list[dict[str, Any]]],
) -> None:
    retracted = sum(e["type"] == "retracted" for c in commits for e in c)
    event(f"{len(commits)} commit(s), {retracted} retraction(s)")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store = Tracker(folder / "store.db")
        recorded: list[datetime] = []
        try:
            store.import_jsonl(lines([established()]), "established")
            for number, events in enumerate(commits):
                commit(store, events, f"commit {number}")
                time.sleep(0.002)
                recorded.append(datetime.now(UTC))
                time.sleep(0.002)
            # Every store the answers are compared with must accept its events (a withdrawal
            # published before the deployment it draws on is refused on its own).
            replays: dict[tuple[date | None, int], Tracker] = {}
            for known_at in (None, *PUBLISHED):
                for upto in range(len(commits)):
                    given_ = [e for c in commits[: upto + 1] for e in c]
                    if known_at is not None:
                        given_ = published_by(given_, known_at)
                    replays[(known_at, upto)] = fresh(folder, f"r{known_at}{upto}", given_)
        except TrackerError:
            assume(False)
        last = len(commits) - 1
        for (known_at, upto), replay in replays.items():
            at = recorded[upto] if upto < last else None
            if known_at is None and at is None:
                continue
            mine, theirs = answers(store, known_at, at), answers(replay)
            for question, answer in mine.items():
                assert answer == theirs[question], (question, known_at, upto)
        # diff between two knowledge dates: what differs between the two replays, per
        # contributor and location (a row that is there in one only counts, unknown or not)
        by = ("contributor", "location")
        for early, late in itertools.pairwise(PUBLISHED):
            for on in QUESTIONS:
                differences = store.diff(MISSION, on, known=(early, late))
                before = replays[(early, last)].strength(MISSION, on, by).rows
                after = replays[(late, last)].strength(MISSION, on, by).rows
                then = {(r.contributor, r.location): r.strength for r in before}
                now = {(r.contributor, r.location): r.strength for r in after}
                expected = {
                    (key, then.get(key, "absent"), now.get(key, "absent"))
                    for key in then.keys() | now.keys()
                    if then.get(key, "absent") != now.get(key, "absent")
                }
                assert {
                    ((d.contributor, d.location), then.get((d.contributor, d.location), "absent"),
                     now.get((d.contributor, d.location), "absent"))
                    for d in differences
                } == expected, (early, late, on)  # fmt: skip
                for d in differences:
                    key = (d.contributor, d.location)
                    assert (d.before, d.after) == (then.get(key), now.get(key))
        for tracker in (store, *replays.values()):
            tracker.close()
