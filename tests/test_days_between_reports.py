"""One rule for the days between two UN reports (issue 27): a sourced figure or change dated
after the latest UN report on or before D counts on D, as not the UN's, until the next UN
report takes over; one dated on a report's day is a claim beside it. The same rule whatever is
known (``--known-at``) or recorded (``--recorded-at``) by then, so knowing more never gives an
older figure.

Random histories of UN month-end reports (the series of record, published the month after or
later) and claims between and on them (deployments, withdrawals, press figures; some of a
month's precision, which fall on its last day), imported in a few commits. For every date,
knowledge date and commit, each contributor's strength must equal a naive replay of the rule
written out here, over the events published by then in the commits up to then; and the day of
its newest figure never goes back when more is known or recorded."""

from __future__ import annotations

import calendar
import json
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, assume, event, given, settings
from hypothesis import strategies as st

from events.errors import TrackerError
from tracker import Tracker

MISSION = "TESTMIS"
CONTRIBUTORS = ("SEN", "BEN")
MONTHS = [(2022, 9), (2022, 10), (2022, 11), (2022, 12)]
PUBLISHED = [date(2022, 10, 20), date(2022, 11, 20), date(2022, 12, 20), date(2023, 1, 20)]
QUESTIONS = [date(2022, 9, 30), date(2022, 10, 15), date(2022, 10, 31), date(2022, 11, 20),
             date(2022, 11, 30), date(2022, 12, 12), date(2022, 12, 31)]  # fmt: skip
KNOWN = [None, *PUBLISHED]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def source(published: date, quote: str) -> dict[str, Any]:
    return {"title": "Made-up source (test)", "url": "https://example.org/test",
            "published_on": published.isoformat(), "quote": quote}  # fmt: skip


@st.composite
def histories(draw: st.DrawFn) -> list[list[dict[str, Any]]]:
    """Events in order of import: a contributor's UN report of a month (troops, at its last
    day), and claims on distinct days between (or a month's, at its last day)."""
    events: list[dict[str, Any]] = []
    for contributor in CONTRIBUTORS:
        used: set[date] = set()
        for year, month in MONTHS:
            end = month_end(year, month)
            if draw(st.integers(0, 3)):  # the UN reports 3 months in 4
                later = [p for p in PUBLISHED if p > end]
                events.append({
                    "type": "strength-reported", "mission": MISSION, "contributor": contributor,
                    "valid": end.isoformat(), "strength": draw(st.integers(300, 900)),
                    "personnel_type": "troops", "authoritative": True,
                    "source": source(draw(st.sampled_from(later)), ""),
                })  # fmt: skip
            for _ in range(draw(st.integers(0, 2))):
                whole_month = draw(st.integers(0, 4)) == 0
                day = end if whole_month else date(year, month, draw(st.integers(1, 28)))
                if day in used:
                    continue
                used.add(day)
                kind = draw(st.sampled_from(["deployed", "withdrawn", "strength-reported"]))
                fields: dict[str, Any] = {
                    "mission": MISSION,
                    "contributor": contributor,
                    "valid": f"{year}-{month:02d}" if whole_month else day.isoformat(),
                }
                if kind == "deployed":
                    fields["count"] = draw(st.integers(10, 200))
                elif kind == "withdrawn":
                    fields["count"] = draw(st.integers(1, 40))
                else:
                    fields["strength"] = draw(st.integers(100, 900))
                published = draw(st.sampled_from([p for p in PUBLISHED if p >= day]))
                events.append({"type": kind, **fields, "source": source(published, "")})
    assume(events)
    order = draw(st.permutations(range(len(events))))
    for number, index in enumerate(order):
        events[index]["source"]["quote"] = f"e{number}"
    shuffled = [events[i] for i in order]
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(events) - 1)), max_size=2)))
    cuts = [c for c in cuts if 0 < c < len(events)]
    return [shuffled[a:b] for a, b in zip([0, *cuts], [*cuts, len(events)], strict=True)]


def effective(event: dict[str, Any]) -> date:
    valid = event["valid"]
    return date.fromisoformat(valid) if len(valid) == 10 else month_end(*map(int, valid.split("-")))


def naive(events: list[dict[str, Any]], on: date) -> dict[str, int | None]:
    """The rule written out for this test's histories (troops reported by the UN; claims of the
    whole contingent): each contributor's total at the end of ``on``, in valid-time order
    (same-day: in the order imported). A report of record sets the total; a claim on a day
    with a report of record is beside it; a claim after it counts: a deployment adds, a
    withdrawal takes (more than there is, or from an unknown figure: unknown), a press figure
    sets the total."""
    found: dict[str, int | None] = {}
    for contributor in CONTRIBUTORS:
        mine = sorted(
            ((effective(e), i, e) for i, e in enumerate(events) if e["contributor"] == contributor),
            key=lambda item: item[:2],
        )
        record_days = {day for day, _, e in mine if e.get("authoritative")}
        total: int | None = None
        present = False
        for day, _, e in mine:
            if day > on:
                break
            if e.get("authoritative"):
                total, present = e["strength"], True
            elif day in record_days:
                continue  # a claim beside the report of its day
            elif e["type"] == "strength-reported":
                total, present = e["strength"], True
            elif e["type"] == "deployed":
                total = (
                    e["count"] if not present else (None if total is None else total + e["count"])
                )
                present = True
            else:  # withdrawn
                total = (
                    None
                    if not present or total is None or e["count"] > total
                    else total - e["count"]
                )
                present = True
        if present and total != 0:
            found[contributor] = total
    return found


def established() -> dict[str, Any]:
    return {"type": "mission-established", "mission": MISSION, "name": "Test mission",
            "host": "MLI", "valid": "2022-01-01", "source": source(date(2022, 1, 1), "est")}  # fmt: skip


def lines(events: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(e) + "\n" for e in events).encode()


@settings(
    max_examples=25,
    phases=[Phase.explicit, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(commits=histories())
def test_knowing_more_never_gives_an_older_figure(commits: list[list[dict[str, Any]]]) -> None:
    event(f"{len(commits)} commit(s)")
    with tempfile.TemporaryDirectory() as name:
        store = Tracker(Path(name) / "store.db")
        recorded: list[datetime] = []
        try:
            store.import_jsonl(lines([established()]), "established")
            for number, events in enumerate(commits):
                try:
                    store.import_jsonl(lines(events), f"commit {number}")
                except TrackerError:  # a withdrawal of more than there was, as recorded
                    assume(False)
                time.sleep(0.002)
                recorded.append(datetime.now(UTC))
                time.sleep(0.002)
            for upto, at in enumerate(recorded):
                given_ = [e for c in commits[: upto + 1] for e in c]
                for on in QUESTIONS:
                    newest: dict[str, date] = {}
                    for known_at in [*KNOWN[1:], None]:
                        seen = [
                            e for e in given_
                            if known_at is None or e["source"]["published_on"] <= known_at.isoformat()
                        ]  # fmt: skip
                        answer = store.strength(
                            MISSION, on, ("contributor",), known_at=known_at, recorded_at=at
                        )
                        rows = {r.contributor: r for r in answer.rows if r.strength != 0}
                        assert {c: r.strength for c, r in rows.items()} == naive(seen, on), (
                            on,
                            known_at,
                            upto,
                        )
                        for contributor, row in rows.items():
                            before = newest.get(contributor)
                            assert before is None or row.newest_day >= before, (
                                f"{contributor} on {on}: knowing more ({known_at}) gave the "
                                f"figure of {row.newest_day}, older than {before}"
                            )
                            newest[contributor] = row.newest_day
                    # recording more never gives an older figure either
                    if upto:
                        earlier = store.strength(
                            MISSION, on, ("contributor",), recorded_at=recorded[upto - 1]
                        )
                        now = store.strength(MISSION, on, ("contributor",), recorded_at=at)
                        then = {r.contributor: r.newest_day for r in earlier.rows}
                        for row in now.rows:
                            if row.strength and row.contributor in then:
                                assert row.newest_day >= then[row.contributor], (on, upto)
        finally:
            store.close()
