"""The fast paths of issue 19 that are not a read path of their own (tests/test_quick.py): each
test counts the work a path does, so it fails without the path (timings are bench/'s)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events import timeline
from events.checked import Checked
from events.contingent import contingent_id
from events.errors import InsufficientStrengthError
from events.mission import mission_id
from events.places import _fold
from events.timeline import Change, fold
from tracker import Tracker


def monthly(count: int) -> list[Change]:
    """A contingent's monthly figure for troops at Gao, ``count`` months of it."""
    return [
        Change(
            f"M/BEN/{n}",
            date(1990, 1, 31) + timedelta(days=30 * n),
            n,
            "report",
            100 + n % 7,
            "Gao",
            "troops",
            None,
        )
        for n in range(1, count + 1)
    ]


def test_a_back_dated_figure_is_folded_only_until_the_fold_is_as_before(
    applied: list[Change],
) -> None:
    checked = Checked("BEN")
    history = monthly(1000)
    for change in history:
        checked.add(change)
    checked.end_state()
    applied.clear()
    # a revised figure for month 10: the report of month 11 sets the cell again, so from the
    # next saved state on the fold is the one checked before; the 990 later months are not
    # folded again
    revised = Change("M/BEN/1001", history[9].effective, 1001, "report", 500, "Gao", "troops", None)
    checked.check(revised)
    assert len(applied) <= 2 * Checked.EVERY + 1
    # a back-dated figure that leaves a later withdrawal short is still refused
    day = history[500].effective
    later = Change(
        "M/BEN/1002", day + timedelta(days=10), 1002, "withdraw", 90, "Gao", "troops", None
    )
    checked.check(later)
    checked.add(later)
    lower = Change("M/BEN/1003", day + timedelta(days=5), 1003, "report", 20, "Gao", "troops", None)
    with pytest.raises(InsufficientStrengthError, match="90"):
        checked.check(lower)


def test_stream_ids_and_folded_names_are_worked_out_once() -> None:
    # every event of an import asks for its mission's and contingent's stream ids (a SHA-1
    # each) and folds its country and places' names: each is worked out once per value
    for cached in (mission_id, contingent_id, _fold):
        cached.cache_clear()  # type: ignore[attr-defined]
    for _ in range(3):
        mission_id("MINUSMA")
        contingent_id("MINUSMA", "TCD")
        _fold("Côte d'Ivoire")
    for cached in (mission_id, contingent_id, _fold):
        info = cached.cache_info()  # type: ignore[attr-defined]
        assert (info.hits, info.misses) == (2, 1)


# The saved states kept through back-dated changes, corrections and retractions agree with
# folding the whole history: refusals, messages and the end state itself.
OPS = st.lists(
    st.tuples(
        st.sampled_from(["report", "report", "deploy", "withdraw", "move", "correct", "remove"]),
        st.integers(0, 120),  # valid day: four months (the series of record covers months)
        st.sampled_from([("Gao", "troops"), ("Kidal", "troops"), (None, None), ("Gao", None)]),
        st.integers(1, 120),
        st.integers(0, 60),  # which accepted change a correction or removal replaces
        st.integers(0, 4),  # 0: a report of the series of record, for unlocated ones
    ),
    min_size=1,
    max_size=60,
)


def end_of(changes: list[Change]) -> timeline.State:
    ordered = sorted(changes, key=lambda c: c.sort_key)
    state = timeline.State("BEN", covered=timeline.covered_days(ordered))
    for change in ordered:
        state.apply(change)
    return state


@settings(max_examples=300, deadline=None)
@given(OPS, st.sampled_from([1, 2, 3, 5, 64]))
def test_kept_states_agree_with_a_full_fold(ops: list, every: int) -> None:
    checked = Checked("BEN")
    checked.EVERY = every
    accepted: list[Change] = []
    for number, (kind, day, (location, personnel_type), count, pick, record) in enumerate(ops, 1):
        removed = (
            accepted[pick % len(accepted)] if kind in ("correct", "remove") and accepted else None
        )
        if kind in ("correct", "remove") and removed is None:
            continue
        new = None
        if kind != "remove":
            new = Change(
                f"M/BEN/{number}",
                (removed.effective if removed else date(2022, 1, 1) + timedelta(days=day)),
                number,
                removed.kind if removed else kind,
                count,
                location,
                personnel_type,
                "Kidal" if (removed.kind if removed else kind) == "move" else None,
                authoritative=kind == "report" and location is None and record == 0,
            )
        kept = [c for c in accepted if c is not removed]
        try:
            fold("BEN", kept, new=new)
            expected = None
        except InsufficientStrengthError as error:
            expected = str(error if new is not None else error.happening_later())
        try:
            checked.check(new, removed)
            actual = None
        except InsufficientStrengthError as error:
            actual = str(error)
        assert actual == expected
        if expected is None:
            if removed is not None:  # as the contingent does: the old one out, the new one in
                checked.remove(removed)
                accepted.remove(removed)
            if new is not None:
                checked.add(new)
                accepted.append(new)
        want = end_of(accepted)
        got = checked.end_state()
        assert (got.cells, got.last_event) == (want.cells, want.last_event)
        assert got.covered == want.covered


def test_a_change_after_all_others_is_folded_once(applied: list[Change]) -> None:
    # checked against the end state, then added: the state the check made is the new end
    checked = Checked("BEN")
    for change in monthly(200):
        checked.check(change)
        checked.add(change)
    assert len(applied) == 200
    assert checked.end_state().cells[("Gao", "troops")].strength == 100 + 200 % 7


def test_the_replaced_event_is_read_from_the_fields_not_by_attribute_errors() -> None:
    from pydantic import BaseModel

    from events.claims import superseded_target

    asked: list[str] = []

    class Claim(BaseModel):
        corrects: str | None = None

        def __getattr__(self, name: str) -> object:
            asked.append(name)  # pydantic's slow path for a name that is not a field
            return super().__getattr__(name)  # type: ignore[misc]

    assert superseded_target(Claim(corrects="M/BEN/1")) == "M/BEN/1"
    assert superseded_target(Claim()) is None
    assert asked == []


def test_an_import_from_a_file_reads_it_again_rather_than_holding_its_lines(
    tmp_path: Path,
) -> None:
    from tracker.app.importing import _rereadable

    path = tmp_path / "events.jsonl"
    path.write_text("one\ntwo\n", encoding="utf-8")
    with path.open(encoding="utf-8") as file:
        file.readline()  # from where it stands
        again = _rereadable(file)
        assert again() is file  # the file itself, not a list of its lines
        assert list(again()) == ["two\n"]
        assert list(again()) == ["two\n"]  # a retry reads the same lines again
    lines = iter(["one\n", "two\n"])  # what cannot seek is kept
    kept = _rereadable(lines)
    assert list(kept()) == list(kept()) == ["one\n", "two\n"]


@pytest.mark.parametrize("tracker", ["sqlite"], indirect=True)
def test_the_stored_state_is_encoded_in_one_pass_as_it_was_in_two(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The mapper serializes an event straight to JSON (issue 19); the bytes are those the
    dict-then-JSON encoding wrote before, class version included, for every kind of event."""
    import pydantic_core

    from events.base import encoded
    from tests.test_events import GOOD

    for kind, fields in GOOD:
        tracker.record(kind, fields)
    stored = [*tracker.events.get(contingent_id("TESTMIS", "CIV"))]
    stored += tracker.events.get(mission_id("TESTMIS"))
    assert len({type(e).__name__ for e in stored}) >= 10
    for event in stored:
        state = event.model_dump(mode="json", exclude={"originator_id", "originator_version"})
        if getattr(type(event), "class_version", 1) > 1:
            state["class_version"] = type(event).class_version
        assert encoded(event) == pydantic_core.to_json(state)

    def no_dict(*_: object, **__: object) -> None:
        raise AssertionError("the event was made a dict before its JSON")

    monkeypatch.setattr(type(stored[-1]), "model_dump", no_dict)
    assert tracker.mapper.to_stored_event(stored[-1]).state == encoded(stored[-1])


def test_a_day_is_closed_by_looking_at_the_cells_it_changed_only() -> None:
    """``close_day`` looks at the cells set or taken away that day, not at every cell the
    contingent has (issue 19: a rebuild closes every day of every contingent)."""

    class Counting(dict[timeline.Cell, timeline.Level]):
        asked = 0

        def get(self, *args: Any) -> Any:
            Counting.asked += 1
            return super().get(*args)

    state = timeline.State("BEN")
    state.cells = Counting()
    for n in range(50):
        state.set((f"L{n}", None), timeline.Level(n), f"M/BEN/{n}")
    open_rows: dict[timeline.Cell, tuple[date, timeline.Level, str]] = {}
    rows: list[timeline.Interval] = []
    timeline.close_day(state, open_rows, rows, date(2020, 1, 1))
    assert (Counting.asked, len(open_rows), rows) == (50, 50, [])
    Counting.asked = 0
    state.set(("L3", None), timeline.Level(99), "M/BEN/99")
    state._drop(("L4", None))
    timeline.close_day(state, open_rows, rows, date(2020, 1, 2))
    assert Counting.asked == 2  # not 50
    first = date(2020, 1, 1)
    assert rows == [
        timeline.Interval("L3", None, first, date(2020, 1, 2), 3, False, "M/BEN/3"),
        timeline.Interval("L4", None, first, date(2020, 1, 2), 4, False, "M/BEN/4"),
    ]
    assert open_rows[("L3", None)] == (date(2020, 1, 2), timeline.Level(99), "M/BEN/99")
    assert ("L4", None) not in open_rows


PARTS = st.sampled_from([None, "Gao", "Kidal"]), st.sampled_from([None, "troops", "police"])
CELLS = st.tuples(*PARTS)


@settings(max_examples=300, deadline=None)
@given(present=st.sets(CELLS, max_size=9), cell=CELLS)
def test_the_cells_a_scope_covers_or_overlaps_are_what_a_scan_of_every_cell_finds(
    present: set, cell: tuple
) -> None:
    """A cell naming both a location and a personnel type covers no other cell and overlaps
    only its pools, so the fold no longer scans every cell for it (issue 19); for every cell,
    the answer is what the scan by the definitions (``covers``, ``overlaps``) finds."""
    state = timeline.State("BEN")
    for n, each in enumerate(sorted(present, key=str)):
        state.set(each, timeline.Level(10 + n), f"M/BEN/{n}")
    covered = [c for c in state.cells if c != cell and timeline.covers(cell, c)]
    assert state._covered(cell) == covered
    pools = state._pools(cell)
    rest = sorted(
        (c for c in state.cells if c != cell and c not in pools and timeline.overlaps(cell, c)),
        key=lambda c: (c[0] or "", c[1] or ""),
    )
    assert state._overlapping(cell) == pools + rest


def test_a_figure_for_a_located_type_looks_at_no_other_cell(monkeypatch: Any) -> None:
    """Reporting troops at Gao, with 40 other cells present, asks neither ``covers`` nor
    ``overlaps`` of any of them (it asked both of every one)."""
    state = timeline.State("BEN")
    for n in range(40):
        state.set((f"Place{n}", "troops"), timeline.Level(5), f"M/BEN/{n}")
    state.set(("Gao", "troops"), timeline.Level(5), "M/BEN/40")
    asked: list[str] = []
    for name in ("covers", "overlaps"):
        real = getattr(timeline, name)
        monkeypatch.setattr(
            timeline, name, lambda a, b, real=real, name=name: asked.append(name) or real(a, b)
        )
    report = Change("M/BEN/41", date(2020, 1, 31), 41, "report", 9, "Gao", "troops")
    state.apply(report)
    withdrawal = Change("M/BEN/42", date(2020, 2, 5), 42, "withdraw", 3, "Gao", "troops")
    state.apply(withdrawal)
    assert state.level(("Gao", "troops")) == 6
    assert asked.count("covers") <= 6  # the three pool candidates, for each of the two
    assert "overlaps" not in asked
