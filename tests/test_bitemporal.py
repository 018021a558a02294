"""Three time axes: the indexed rows equal a naive replay for every (valid, known, recorded)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from events.bitemporal import Known, bitemporal
from events.errors import InsufficientStrengthError
from events.timeline import Change, fold

DAYS = st.integers(min_value=0, max_value=40)
CELLS = st.sampled_from(
    [(None, None), ("Gao", None), (None, "troops"), ("Gao", "troops"), ("Kidal", None)]
)
BASE = date(2022, 1, 1)


@st.composite
def histories(draw: st.DrawFn) -> list[tuple[Change, Known]]:
    items: list[tuple[Change, Known]] = []
    for n in range(1, draw(st.integers(min_value=1, max_value=12)) + 1):
        kind = draw(st.sampled_from(["report", "report", "deploy", "withdraw", "move"]))
        location, personnel_type = draw(CELLS)
        count = (
            draw(st.one_of(st.none(), st.integers(min_value=1, max_value=300)))
            if kind in ("report", "withdraw")
            else draw(st.integers(min_value=1, max_value=300))
        )
        valid = BASE + timedelta(days=draw(DAYS))
        change = Change(
            f"M/X/{n}",
            valid,
            n,
            kind,
            count,
            location,
            personnel_type,
            "Ménaka" if kind == "move" else None,
        )
        known = valid + timedelta(
            days=draw(st.integers(min_value=-5, max_value=30))
        )  # back-dated or late news
        recorded = f"2026-01-{draw(st.integers(min_value=1, max_value=9)):02d}"
        items.append((change, Known(known, recorded)))
    # Some are superseded (a correction or retraction, known and recorded later).
    for index in draw(
        st.lists(st.integers(min_value=0, max_value=len(items) - 1), max_size=3, unique=True)
    ):
        change, known = items[index]
        later = (
            known.known + timedelta(days=draw(st.integers(0, 20))),
            f"2026-01-{draw(st.integers(1, 9)):02d}",
        )
        items[index] = (change, Known(known.known, known.recorded, (later,)))
    return items


def level(rows: list, on: date) -> dict:
    return {
        (r.location, r.personnel_type): (r.strength, r.approximate)
        for r in rows
        if r.valid_from <= on and (r.valid_to is None or r.valid_to > on)
    }


@settings(max_examples=150, deadline=None)
@given(histories(), DAYS, st.integers(-6, 60), st.integers(0, 10))
def test_indexed_rows_equal_a_naive_replay(
    items: list[tuple[Change, Known]], d: int, k: int, t: int
) -> None:
    try:
        fold("X", [c for c, _ in items])
    except InsufficientStrengthError:
        return  # the aggregate refuses such histories before they are stored
    rows = bitemporal("X", items)
    on, known_at, recorded_at = (
        BASE + timedelta(days=d),
        BASE + timedelta(days=k),
        f"2026-01-{t:02d}~",
    )
    chosen = [
        r.interval
        for r in rows
        if r.known_from <= known_at
        and (r.known_to is None or r.known_to > known_at)
        and r.recorded_from <= recorded_at
        and (r.recorded_to is None or r.recorded_to > recorded_at)
    ]
    naive = fold("X", [c for c, kn in items if kn.counts(known_at, recorded_at)], strict=False)
    assert level(chosen, on) == level(naive, on)
