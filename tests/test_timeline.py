"""The fold's rules, one behaviour per test (events.timeline)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from events.errors import InsufficientStrengthError
from events.timeline import Change, Interval, fold

ORDER = iter(range(1, 10_000))


def change(
    kind: str,
    on: str,
    count: int | None,
    location: str | None = None,
    personnel_type: str | None = None,
    to: str | None = None,
) -> Change:
    n = next(ORDER)
    return Change(
        f"T/X/{n}",
        date.fromisoformat(on),
        n,
        kind,
        count,
        location,  # type: ignore[arg-type]
        personnel_type,
        to,
    )


def level_on(
    rows: list[Interval], day: str, location: str | None = None, personnel_type: str | None = None
) -> int | str | None:
    on = date.fromisoformat(day)
    found = [
        r
        for r in rows
        if r.valid_from <= on
        and (r.valid_to is None or r.valid_to > on)
        and r.location == location
        and r.personnel_type == personnel_type
    ]
    return found[0].strength if found else "absent"


def test_report_then_deploy_then_withdraw_is_a_step_function() -> None:
    rows = fold(
        "X",
        [
            change("report", "2022-01-01", 100),
            change("deploy", "2022-02-01", 50),
            change("withdraw", "2022-03-01", 120),
        ],
    )
    assert [
        level_on(rows, d)
        for d in (
            "2021-12-31",
            "2022-01-01",
            "2022-01-31",
            "2022-02-01",
            "2022-03-01",
            "2030-01-01",
        )
    ] == ["absent", 100, 100, 150, 30, 30]


def test_withdrawal_above_strength_is_refused() -> None:
    with pytest.raises(
        InsufficientStrengthError, match="X had 100 personnel on 2022-02-01, fewer than the 101"
    ):
        fold("X", [change("report", "2022-01-01", 100)], new=change("withdraw", "2022-02-01", 101))


def test_backdated_change_that_breaks_a_later_withdrawal_is_refused() -> None:
    history = [change("report", "2022-01-01", 100), change("withdraw", "2022-06-01", 80)]
    with pytest.raises(
        InsufficientStrengthError, match="with this change X would have 50 personnel on 2022-06-01"
    ):
        fold("X", history, new=change("withdraw", "2022-03-01", 50))


def test_withdrawal_before_any_figure_leaves_strength_unknown_not_zero() -> None:
    rows = fold("X", [change("withdraw", "2022-01-01", 300)])
    assert level_on(rows, "2022-01-02") is None
    assert level_on(rows, "2021-12-31") == "absent"


def test_a_report_sets_the_level_again_after_an_unknown_change() -> None:
    rows = fold("X", [change("withdraw", "2022-01-01", 300), change("report", "2022-02-01", 40)])
    assert (level_on(rows, "2022-01-15"), level_on(rows, "2022-02-01")) == (None, 40)


def test_report_of_unpublished_figure_is_unknown() -> None:
    rows = fold("X", [change("report", "2022-01-01", None)])
    assert level_on(rows, "2022-01-01") is None


def test_located_report_draws_from_the_unassigned_pool() -> None:
    rows = fold(
        "X",
        [
            change("report", "2022-01-01", 1100),
            change("report", "2022-03-01", 1000, location="Gao"),
        ],
    )
    assert (level_on(rows, "2022-03-01"), level_on(rows, "2022-03-01", "Gao")) == (100, 1000)


def test_withdrawal_from_a_location_may_take_from_unassigned_personnel() -> None:
    rows = fold(
        "X",
        [
            change("report", "2022-01-01", 900, personnel_type="troops"),
            change("withdraw", "2022-02-01", 100, location="Tombouctou"),
        ],
    )
    assert level_on(rows, "2022-02-01", None, "troops") == 800


def test_full_withdrawal_takes_everything_in_scope() -> None:
    rows = fold(
        "X",
        [
            change("report", "2022-01-01", 250, "Bamako", "troops"),
            change("report", "2022-01-01", 136, "Kidal", "formed_police_units"),
            change("withdraw", "2022-11-05", None, "Kidal", "formed_police_units"),
        ],
    )
    assert level_on(rows, "2022-11-05", "Kidal", "formed_police_units") == 0
    assert level_on(rows, "2022-11-05", "Bamako", "troops") == 250


def test_move_keeps_the_total() -> None:
    rows = fold(
        "X",
        [
            change("deploy", "2022-01-01", 200, "Gao"),
            change("move", "2022-02-01", 50, "Gao", to="Ménaka"),
        ],
    )
    assert (level_on(rows, "2022-02-01", "Gao"), level_on(rows, "2022-02-01", "Ménaka")) == (
        150,
        50,
    )


def test_coarser_report_replaces_finer_rows_without_claiming_zero() -> None:
    rows = fold(
        "X", [change("deploy", "2022-01-01", 200, "Gao"), change("report", "2022-05-01", 180)]
    )
    assert level_on(rows, "2022-05-01", "Gao") == "absent"
    assert level_on(rows, "2022-05-01") == 180


def test_changes_on_one_day_show_only_the_end_of_day_level() -> None:
    rows = fold("X", [change("report", "2022-01-01", 100), change("withdraw", "2022-01-01", 30)])
    assert [(r.valid_from, r.strength) for r in rows] == [(date(2022, 1, 1), 70)]


def test_a_published_figure_replaces_an_unknown_placeholder() -> None:
    rows = fold(
        "X",
        [
            change("report", "2012-01-31", None),
            change("report", "2012-02-29", 120, personnel_type="troops"),
            change("report", "2012-02-29", 3, personnel_type="individual_police"),
        ],
    )
    assert level_on(rows, "2012-02-29") == "absent"
    assert (
        level_on(rows, "2012-02-29", None, "troops"),
        level_on(rows, "2012-02-29", None, "individual_police"),
    ) == (120, 3)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from events.timeline import Checked  # noqa: E402

OPS = st.lists(
    st.tuples(
        st.sampled_from(["report", "deploy", "withdraw", "move", "remove"]),
        st.integers(0, 60),  # valid day
        st.sampled_from([(None, None), ("Gao", None), (None, "troops"), ("Gao", "troops")]),
        st.integers(1, 120),
        st.integers(0, 30),  # which accepted change a removal takes
    ),
    min_size=1,
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(OPS, st.sampled_from([1, 2, 3, 256]))
def test_checked_changes_agree_with_a_full_fold(ops: list, every: int) -> None:
    """The aggregate's check from saved states refuses exactly what folding the whole
    history again refuses, with the same message, whatever the interval of saved states."""
    checked = Checked("BEN")
    checked.EVERY = every
    accepted: list[Change] = []
    for number, (kind, day, (location, personnel_type), count, pick) in enumerate(ops, 1):
        new: Change | None = None
        removed: Change | None = None
        if kind == "remove":
            if not accepted:
                continue
            removed = accepted[pick % len(accepted)]
        else:
            new = Change(
                f"M/BEN/{number}",
                date(2022, 1, 1) + timedelta(days=day),
                number,
                kind,
                count,
                location,
                personnel_type,
                "Kidal" if kind == "move" else None,
            )
        kept = [c for c in accepted if c is not removed]
        try:
            fold("BEN", kept, new=new)
            expected = None
        except InsufficientStrengthError as error:  # a removal leaves a later change short
            expected = str(error if new is not None else error.happening_later())
        try:
            checked.check(new, removed)
            actual = None
        except InsufficientStrengthError as error:
            actual = str(error)
        assert actual == expected
        if expected is None:
            if removed is not None:
                checked.remove(removed)
                accepted.remove(removed)
            if new is not None:
                checked.add(new)
                accepted.append(new)
        assert checked.changes == sorted(accepted, key=lambda c: c.sort_key)
