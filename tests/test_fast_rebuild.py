"""The fast paths of the strength view's rebuild (issue 19): each test counts the work a path
does, or compares it with the slow way, so that it fails without the path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pydantic
import pytest
from eventsourcing.persistence import StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st

from events import bitemporal
from events.bitemporal import Known, sweep
from events.contingent import UN_MONTHLY_TITLE, Contingent
from events.timeline import Change, fold
from projections.engine import Projection
from projections.strength import StrengthProjection, stored_change, stored_times, times_of
from tests.helpers import source
from tracker import Tracker

TABLES = ("strength_changes", "strength_intervals", "mission_totals", "mission_closures")


@pytest.fixture
def history(tmp_path: Path) -> Iterator[Tracker]:
    """A SQLite store with a change of every kind, a correction, a retraction and events that
    change no strength, of two contingents and their mission (closed)."""
    tracker = Tracker(str(tmp_path / "tracker.db"))
    at = {"mission": "TESTMIS", "source": source("2021-02")}
    tracker.establish_mission(**at, name="Test mission", host="MLI", valid="2020-01-01")
    tracker.deploy_contingent(**at, contributor="BEN", valid="2020-03", count=400)
    tracker.report_strength(
        **at, contributor="BEN", valid="2020-04-30", strength=390, location="Gao"
    )
    tracker.report_strength(
        **at, contributor="BEN", valid="2020-05-31", strength=380, approximate=True
    )
    tracker.move_contingent(
        **at, contributor="BEN", valid="2020-06-10", count=50, location="Gao", to_location="Kidal"
    )
    wrong = tracker.withdraw_contingent(**at, contributor="BEN", valid="2020-07-01", count=30)
    tracker.correct_event(wrong.event_id, "it was 20", {"count": 20})
    tracker.deploy_contingent(**at, contributor="TCD", valid="2020-02-01", count=1200)
    retracted = tracker.report_strength(
        **{**at, "source": source("2020-09-30")}, contributor="TCD", valid="2020-08", strength=9
    )
    tracker.retract_event(retracted.event_id, "not what the source says")
    tracker.announce_withdrawal(**at, contributor="TCD", valid="2020-09-01", full=True)
    tracker.withdraw_contingent(**at, contributor="TCD", valid="2020-10-01")
    tracker.record("total-reported", {**at, "valid": "2020-10-31", "strength": 1500})
    tracker.close_mission(**at, valid="2021-01-31")
    yield tracker
    tracker.close()


def tables(tracker: Tracker) -> dict[str, list[Any]]:
    db = tracker.view("strength").db
    return {t: sorted(map(repr, db.execute(f"SELECT * FROM {t}"))) for t in TABLES}


def test_the_view_reads_a_contingents_events_without_validating_them_again(
    history: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated: list[type] = []
    init = pydantic.BaseModel.__init__

    def counting(self: pydantic.BaseModel, **data: Any) -> None:
        validated.append(type(self))
        init(self, **data)

    monkeypatch.setattr(pydantic.BaseModel, "__init__", counting)
    assert history.rebuild_projection("strength") == 17
    fast = tables(history)
    assert validated, "the mission's events are decoded in full"
    assert not [c for c in validated if issubclass(c, Contingent.Event)]
    # The same view from every event decoded and validated (the engine's default).
    monkeypatch.setattr(StrengthProjection, "process_stored", Projection.process_stored)
    history.rebuild_projection("strength")
    assert [c for c in validated if issubclass(c, Contingent.Event)]
    assert tables(history) == fast
    assert len(fast["strength_changes"]) == 9
    assert len(fast["strength_intervals"]) > 9


def stored(history: Tracker) -> list[StoredEvent]:
    return list(history.recorder.select_notifications(start=1, limit=100))


def edited(event: StoredEvent, edit: Any) -> StoredEvent:
    state = json.loads(event.state)
    edit(state)
    return StoredEvent(
        event.originator_id, event.originator_version, event.topic, json.dumps(state).encode()
    )


def older(state: dict[str, Any]) -> None:
    """A report as stored before ``authoritative`` existed (class version 1), by the UN
    monthly import, with no location stored (a field given its default)."""
    del state["class_version"], state["authoritative"], state["location"]
    state["source"]["title"] = UN_MONTHLY_TITLE


def test_a_change_read_from_its_stored_state_is_the_change_of_the_event(
    history: Tracker,
) -> None:
    mapper = history.mapper
    notes = stored(history)
    reports = [n for n in notes if n.topic.endswith("StrengthReported")]
    notes += [edited(n, older) for n in reports]
    changes = 0
    for note in notes:
        cls, state = mapper.read_state(note)
        event: Any = mapper.to_domain_event(note)
        if not issubclass(cls, Contingent.Event):
            continue
        assert stored_times(state) == times_of(event)
        assert (state.get("retracts") or state.get("corrects")) == (
            getattr(event, "retracts", None) or getattr(event, "corrects", None)
        )
        if issubclass(cls, Contingent.ChangeEvent):
            assert stored_change(cls, state) == event.as_change()
            changes += 1
    upcast = [mapper.read_state(edited(n, older))[1] for n in reports]
    assert {s["authoritative"] for s in upcast} == {True}  # the upcast ran on the state
    assert changes == 9 + len(reports)


BASE = date(2022, 1, 1)
CELLS = st.sampled_from([(None, None), ("Gao", None), (None, "troops"), ("Gao", "troops")])


@st.composite
def long_histories(draw: st.DrawFn) -> list[tuple[Change, Known]]:
    """Mostly reports of a few cells, known soon after, some of them late (back-dated), some
    superseded: long enough for the fold to save states, rewind and meet a saved state again."""
    items: list[tuple[Change, Known]] = []
    for n in range(1, draw(st.integers(min_value=1, max_value=40)) + 1):
        kind = draw(st.sampled_from(["report"] * 4 + ["deploy", "withdraw", "move"]))
        location, personnel_type = draw(CELLS)
        count = draw(st.integers(min_value=1, max_value=300))
        valid = BASE + timedelta(days=draw(st.integers(0, 120)))
        change = Change(
            f"M/X/{n}",
            valid,
            n,
            kind,
            None if kind == "report" and draw(st.integers(0, 9)) == 0 else count,
            location,
            personnel_type,
            "Ménaka" if kind == "move" else None,
            authoritative=kind == "report" and location is None and draw(st.booleans()),
        )
        late = draw(st.sampled_from([1, 2, 3, 5, 8, 13, 40, 90]))
        superseded = ((valid + timedelta(days=late + draw(st.integers(0, 30))), "T"),)
        items.append((change, Known(valid + timedelta(days=late), "T", superseded[:0])))
        if draw(st.integers(0, 9)) == 0:
            items[-1] = (change, Known(valid + timedelta(days=late), "T", superseded))
    return items


def naive_sweep(items: list[tuple[Change, Known]]) -> dict[Any, list[Any]]:
    """By definition: at each knowledge point, the rows of a fold of what counts there."""
    points = sorted(
        {kn.known for _, kn in items} | {sk for _, kn in items for sk, _ in kn.superseded_at}
    )
    held: list[set[Any]] = [
        {
            bitemporal.row_of(i)
            for i in fold("X", [c for c, kn in items if kn.counts(k, "T")], strict=False)
        }
        for k in points
    ]
    ranges: dict[Any, list[Any]] = {}
    for index, rows in enumerate(held):
        for row in rows:
            if index == 0 or row not in held[index - 1]:
                end = next((i for i in range(index, len(held)) if row not in held[i]), None)
                ranges.setdefault(row, []).append((points[index], end and points[end]))
    return ranges


@settings(max_examples=300, deadline=None)
@given(long_histories(), st.sampled_from([1, 2, 3, 8, 64]))
def test_the_sweep_is_a_fold_at_every_knowledge_point(
    items: list[tuple[Change, Known]], every: int
) -> None:
    """Row for row, with its knowledge ranges, whatever the fold takes over from before
    (``every``: how often it saves its state)."""
    saved_every, bitemporal.CHECKPOINT_EVERY = bitemporal.CHECKPOINT_EVERY, every
    try:
        found = sweep("X", items, "T")
    finally:
        bitemporal.CHECKPOINT_EVERY = saved_every
    assert {row: sorted(spans) for row, spans in found.items()} == naive_sweep(items)


def test_a_back_dated_change_is_folded_again_only_until_the_fold_is_as_before(
    applied: list[Change],
) -> None:
    """500 monthly figures, each known the month after; one of month 10 is known at month 400:
    the fold goes back to month 10 and is as before by month 11, not folded to the end."""
    start = date(1990, 1, 31)
    items = [
        (
            Change(f"M/X/{n}", start + timedelta(days=30 * n), n, "report", 100 + n % 7, "Gao"),
            Known(start + timedelta(days=30 * n + 30), "T"),
        )
        for n in range(1, 501)
    ]
    late = Change("M/X/501", start + timedelta(days=30 * 10 + 1), 501, "report", 7, "Gao")
    items.append((late, Known(start + timedelta(days=30 * 400), "T")))
    rows = sweep("X", items, "T")
    assert (("Gao", None, late.effective, items[10][0].effective, 7, False, "M/X/501")) in rows
    assert len(applied) < 500 + 2 * bitemporal.CHECKPOINT_EVERY + 2


def indexes(db: Any) -> list[str]:
    return sorted(
        sql
        for (sql,) in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = "
            "'strength_intervals' AND sql IS NOT NULL"
        )
    )


def test_a_rebuild_makes_the_rows_indexes_after_the_rows(
    history: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = indexes(history.view("strength").db)
    seen: list[list[str]] = []
    derive_all = StrengthProjection.derive_all

    def watching(self: StrengthProjection, marked: list[tuple[str, str]]) -> None:
        seen.append(indexes(self.db))
        assert len(marked) == 2  # the two contingents, in one pass
        derive_all(self, marked)

    monkeypatch.setattr(StrengthProjection, "derive_all", watching)
    history.rebuild_projection("strength")
    assert len(kept) == 4  # three, and the partial index of the open rows
    assert seen == [[]]  # none while the two contingents' rows were written
    assert indexes(history.view("strength").db) == kept


@st.composite
def histories_known_in_order(draw: st.DrawFn) -> list[tuple[Change, Known]]:
    """Changes known in valid-time order (the UN's month-end figures, each known the month
    after: issue 25), the changes of a day known together; a month has figures of record or
    claims, never both."""
    items: list[tuple[Change, Known]] = []
    day, known = BASE, BASE
    record_months: set[tuple[int, int]] = set()
    claim_months: set[tuple[int, int]] = set()
    for n in range(1, draw(st.integers(min_value=1, max_value=40)) + 1):
        if n == 1 or draw(st.integers(0, 3)):  # a later day (or more changes the same day)
            day += timedelta(days=draw(st.integers(1, 45)))
            known = max(known, day + timedelta(days=draw(st.sampled_from([0, 1, 20, 31, 60]))))
        month = (day.year, day.month)
        kind = draw(st.sampled_from(["report"] * 4 + ["deploy", "withdraw", "move", "close"]))
        location, personnel_type = draw(CELLS)
        authoritative = kind == "report" and month not in claim_months and draw(st.booleans())
        if not authoritative and month in record_months:
            kind, authoritative = "report", True
        if kind == "close":
            change = Change(f"M/{n}", day, 0, "close", None)
        else:
            change = Change(
                f"M/X/{n}",
                day,
                n,
                kind,
                None
                if kind == "report" and not draw(st.integers(0, 9))
                else draw(st.integers(min_value=1, max_value=300)),
                location,
                personnel_type,
                "Ménaka" if kind == "move" else None,
                authoritative=authoritative,
            )
        (record_months if authoritative else claim_months).add(month)
        items.append((change, Known(known, "T")))
    return items


@settings(max_examples=300, deadline=None)
@given(histories_known_in_order())
def test_a_history_known_in_order_is_one_fold_with_the_same_rows(
    items: list[tuple[Change, Known]],
) -> None:
    """The one-fold way (``bitemporal._in_order``) gives row for row, with its knowledge
    ranges, what a fold at every knowledge point gives, and is the way such a history takes."""
    in_order = bitemporal._in_order("X", items, "T")
    assert in_order is not None
    assert {row: sorted(spans) for row, spans in in_order.items()} == naive_sweep(items)


def test_a_history_known_out_of_order_takes_the_sweep() -> None:
    """A figure known before one earlier in valid time, a superseded change, or a claim on a
    day of the record: the one fold would be wrong, so it is not taken; a claim between two
    reports is in order (it counts till the next, known or not)."""
    first = Change("M/X/1", BASE, 1, "report", 10, authoritative=True)
    later = Change("M/X/2", BASE + timedelta(days=31), 2, "report", 12, authoritative=True)
    claim = Change("M/X/3", BASE, 3, "report", 99)
    between = Change("M/X/4", BASE + timedelta(days=3), 4, "report", 99)
    early, late = Known(BASE + timedelta(days=40), "T"), Known(BASE + timedelta(days=70), "T")
    superseded = Known(early.known, "T", ((late.known, "T"),))
    assert bitemporal._in_order("X", [(first, early), (later, late)], "T") is not None
    assert bitemporal._in_order("X", [(first, late), (later, early)], "T") is None
    assert bitemporal._in_order("X", [(first, superseded), (later, late)], "T") is None
    assert bitemporal._in_order("X", [(first, early), (claim, early)], "T") is None
    assert bitemporal._in_order("X", [(first, early), (between, early), (later, late)], "T")
