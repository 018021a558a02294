"""Three time axes: the indexed rows equal a naive replay for every (valid, known, recorded)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from events import bitemporal as bitemporal_module
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
    for n in range(1, draw(st.integers(min_value=1, max_value=16)) + 1):
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
            # some unlocated reports are the series of record: claims of their month step aside
            authoritative=kind == "report" and location is None and draw(st.booleans()),
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
    """Each cell's level on ``on``; exactly one row may hold for a cell on a date."""
    found = [
        ((r.location, r.personnel_type), (r.strength, r.approximate))
        for r in rows
        if r.valid_from <= on and (r.valid_to is None or r.valid_to > on)
    ]
    cells = [cell for cell, _ in found]
    assert len(cells) == len(set(cells)), f"two rows for one cell on {on}: {found}"
    return dict(found)


@settings(max_examples=300, deadline=None)
@given(histories(), DAYS, st.integers(-6, 60), st.integers(0, 10), st.sampled_from([1, 2, 3, 64]))
def test_indexed_rows_equal_a_naive_replay(
    items: list[tuple[Change, Known]], d: int, k: int, t: int, every: int
) -> None:
    """``every``: how often the fold saves its state (1: after every day's changes), so that
    rewinding to a saved state is exercised on these short histories."""
    try:
        fold("X", [c for c, _ in items])
    except InsufficientStrengthError:
        return  # the aggregate refuses such histories before they are stored
    saved_every = bitemporal_module.CHECKPOINT_EVERY
    bitemporal_module.CHECKPOINT_EVERY = every
    try:
        rows = bitemporal("X", items)
    finally:
        bitemporal_module.CHECKPOINT_EVERY = saved_every
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


# Through the whole stack: commands recorded one by one (each its own recorded time), then the
# SQL lookup of the strength view against a naive replay of the stored events.
from tests.helpers import source as make_source  # noqa: E402
from tracker import Tracker, TrackerError  # noqa: E402


@st.composite
def commands(draw: st.DrawFn) -> list[tuple[str, dict]]:
    steps = []
    for _ in range(draw(st.integers(min_value=2, max_value=10))):
        kind = draw(
            st.sampled_from(["strength-reported", "deployed", "withdrawn", "correct", "retract"])
        )
        valid = (BASE + timedelta(days=draw(DAYS))).isoformat()
        published = (BASE + timedelta(days=draw(st.integers(0, 60)))).isoformat()
        count = draw(st.integers(min_value=1, max_value=300))
        steps.append(
            (
                kind,
                {
                    "valid": valid,
                    "published": published,
                    "count": count,
                    "pick": draw(st.integers(0, 20)),
                    "who": draw(st.sampled_from(["BEN", "TCD"])),
                },
            )
        )
    return steps


def naive_total(
    tracker: Tracker, on: date, known_at: date, recorded_at: str
) -> dict[str, int | None]:
    """Replay the stored events, filtered by the two axes, with the same fold."""
    from events.bitemporal import Known as K
    from projections.strength import times_of

    by_contributor: dict[str, list] = {}
    notes = tracker.recorder.select_notifications(start=1, limit=10_000)
    events = [tracker.mapper.to_domain_event(n) for n in notes]
    superseded = {}
    for e in events:
        target = getattr(e, "retracts", None) or getattr(e, "corrects", None)
        if target:
            known, recorded = times_of(e)
            superseded[target] = (date.fromisoformat(known), recorded)
    for e in events:
        if hasattr(e, "as_change"):
            known, recorded = times_of(e)
            kn = K(
                date.fromisoformat(known),
                recorded,
                (superseded[e.event_id],) if e.event_id in superseded else (),
            )
            if kn.counts(known_at, recorded_at):
                by_contributor.setdefault(e.contributor, []).append(e.as_change())
    totals: dict[str, int | None] = {}
    for contributor, changes in by_contributor.items():
        rows = [
            r
            for r in fold(contributor, changes, strict=False)
            if r.valid_from <= on and (r.valid_to is None or r.valid_to > on)
        ]
        if rows:
            totals[contributor] = (
                None
                if any(r.strength is None for r in rows)
                else sum(r.strength or 0 for r in rows)
            )
    return totals


@settings(max_examples=60, deadline=None)
@given(commands(), DAYS, st.integers(0, 60), st.integers(0, 12))
def test_the_strength_view_equals_a_naive_replay_for_every_date_known_and_recorded(
    steps: list[tuple[str, dict]], d: int, k: int, t: int
) -> None:
    tracker = Tracker(":memory:")
    tracker.establish_mission(
        mission="TESTMIS",
        name="T",
        host="MLI",
        valid="2020-01-01",
        source=make_source("2020-01-01"),
    )
    recorded_times, accepted = [], []
    for kind, f in steps:
        at = {
            "mission": "TESTMIS",
            "contributor": f["who"],
            "valid": f["valid"],
            "source": make_source(f["published"]),
        }
        try:
            if kind == "strength-reported":
                done = tracker.report_strength(**at, strength=f["count"])
            elif kind == "deployed":
                done = tracker.deploy_contingent(**at, count=f["count"])
            elif kind == "withdrawn":
                done = tracker.withdraw_contingent(**at, count=f["count"])
            elif accepted and kind == "correct":
                done = tracker.correct_event(
                    accepted[f["pick"] % len(accepted)],
                    "wrong",
                    {"valid": f["valid"]},
                    make_source(f["published"]),
                )
            elif accepted:
                done = tracker.retract_event(accepted[f["pick"] % len(accepted)], "wrong")
            else:
                continue
        except TrackerError:
            continue
        accepted.append(done.event_id)
        recorded_times.append(
            tracker.recorder.select_notifications(
                start=tracker.recorder.max_notification_id() or 0, limit=1
            )[0]
        )
    stamps = sorted(
        {
            tracker.mapper.to_domain_event(n).timestamp.isoformat(timespec="microseconds")
            for n in recorded_times
        }
    )
    at_t = stamps[min(t, len(stamps) - 1)] if stamps and t < 12 else None
    on, known_at = BASE + timedelta(days=d), BASE + timedelta(days=k)
    answer = tracker.strength("TESTMIS", on, ["contributor"], known_at=known_at, recorded_at=at_t)
    got = {r.contributor: r.strength for r in answer.rows}
    assert got == naive_total(tracker, on, known_at, at_t or "~")
