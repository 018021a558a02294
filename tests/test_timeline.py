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

from events.checked import Checked  # noqa: E402

OPS = st.lists(
    st.tuples(
        st.sampled_from(["report", "deploy", "withdraw", "move", "remove"]),
        st.integers(0, 90),  # valid day (three months: the series of record covers months)
        st.sampled_from([(None, None), ("Gao", None), (None, "troops"), ("Gao", "troops")]),
        st.integers(1, 120),
        st.integers(0, 30),  # which accepted change a removal takes
        st.integers(0, 3),  # 0: a report of the series of record (the UN's), for unlocated ones
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
    for number, (kind, day, (location, personnel_type), count, pick, record) in enumerate(ops, 1):
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
                authoritative=kind == "report" and location is None and record == 0,
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


# Overlapping scopes and one authority per series (issue 15, item 3; issue 14, item 5) -------


def test_a_report_sets_its_scope_and_draws_only_the_difference() -> None:
    """1,000 unassigned; troops at Gao: 50 (drawn from them); Gao, all types: 50 (the same
    50 people): the total stays 1,000 (it was drawn twice: 950)."""
    rows = fold(
        "X",
        [
            change("report", "2022-01-31", 1000),
            change("report", "2022-02-10", 50, "Gao", "troops"),
            change("report", "2022-02-20", 50, "Gao"),
        ],
    )
    day = date(2022, 2, 20)
    in_force = [r for r in rows if r.valid_from <= day and (r.valid_to is None or r.valid_to > day)]
    assert sum(r.strength or 0 for r in in_force) == 1000
    assert level_on(rows, "2022-02-20", "Gao") == 50
    assert level_on(rows, "2022-02-20") == 950


def test_a_located_figure_draws_from_the_typed_unassigned_figures() -> None:
    """The UN gives figures by type and no place; a press figure for Gao is some of them."""
    rows = fold(
        "X",
        [
            change("report", "2022-01-31", 900, personnel_type="troops"),
            change("report", "2022-01-31", 100, personnel_type="formed_police_units"),
            change("report", "2022-02-10", 300, "Gao"),
        ],
    )
    day = date(2022, 2, 10)
    in_force = [r for r in rows if r.valid_from <= day and (r.valid_to is None or r.valid_to > day)]
    assert sum(r.strength or 0 for r in in_force) == 1000  # was 1,300: counted twice
    assert level_on(rows, "2022-02-10", "Gao") == 300


def un(on: str, count: int | None, personnel_type: str | None = None) -> Change:
    n = next(ORDER)
    return Change(f"T/X/{n}", date.fromisoformat(on), n, "report", count, None, personnel_type,
                  authoritative=True)  # fmt: skip


def total_on(rows: list[Interval], day: str) -> int | None:
    on = date.fromisoformat(day)
    found = [
        r.strength for r in rows if r.valid_from <= on and (r.valid_to is None or r.valid_to > on)
    ]
    return None if any(n is None for n in found) else sum(n or 0 for n in found)


def test_a_press_figure_between_two_un_reports_counts_until_the_next_takes_over() -> None:
    """ "About 1,100 Germans" on 2022-11-22 is the newest evidence on 2022-11-25, whether or not
    the UN's report of 2022-11-30 is known yet (one rule for the days between reports, issue
    27): it counts from its day, and the UN's 609 takes over on the 30th."""
    rows = fold(
        "DEU",
        [
            un("2022-10-31", 580, "troops"),
            change("report", "2022-11-22", 1100),
            un("2022-11-30", 609, "troops"),
        ],
    )
    assert total_on(rows, "2022-11-21") == 580
    assert total_on(rows, "2022-11-25") == 1100
    assert total_on(rows, "2022-11-30") == 609


def test_a_claim_on_the_day_of_a_un_report_is_a_claim_beside_it() -> None:
    """A press figure of the month (dated its last day, "2022-02") falls on the UN report's
    day: the UN's figure is the day's, the claim is shown beside it, not counted."""
    rows = fold(
        "DEU",
        [
            un("2022-01-31", 560, "troops"),
            change("report", "2022-02-28", 1170),
            un("2022-02-28", 539, "troops"),
        ],
    )
    assert total_on(rows, "2022-02-27") == 560
    assert total_on(rows, "2022-02-28") == 539


def test_a_press_figure_counts_where_the_un_published_no_breakdown() -> None:
    """July 2022 has no UN report: the press figure is the only evidence, and counts, until
    the UN's next month sets the contingent to its figures by type again."""
    rows = fold(
        "EGY",
        [
            un("2022-06-30", 1062, "troops"),
            un("2022-06-30", 165, "formed_police_units"),
            change("report", "2022-07-15", 1216),
            change("report", "2022-07-20", 300, "Gao"),
            un("2022-08-31", 1000, "troops"),
            un("2022-08-31", 160, "formed_police_units"),
        ],
    )
    assert total_on(rows, "2022-07-16") == 1216
    assert total_on(rows, "2022-07-31") == 1216  # the Gao figure is part of it
    assert total_on(rows, "2022-08-31") == 1160  # exactly the UN's: nothing of July left
    assert level_on(rows, "2022-08-31", "Gao") == "absent"


def test_a_claim_counts_again_when_the_un_report_of_its_day_is_withdrawn() -> None:
    checked = Checked("DEU")
    first, claim, report = (
        un("2022-10-31", 580),
        change("report", "2022-11-30", 1100),
        un("2022-11-30", 609),
    )
    for c in (first, claim, report):
        checked.check(c)
        checked.add(c)
    # the claim of 1,100 on the report's day is not counted: 609 there; a withdrawal that day
    # is a claim too, not counted, but it may not take more than there was
    checked.check(change("withdraw", "2022-11-30", 500))
    with pytest.raises(InsufficientStrengthError):
        checked.check(change("withdraw", "2022-11-30", 1000))
    checked.remove(report)
    with pytest.raises(InsufficientStrengthError):
        checked.check(change("withdraw", "2022-11-30", 1101))
    checked.check(change("withdraw", "2022-11-30", 1100))  # now the claim counts


SCOPES = [(None, None), ("Gao", None), ("Kidal", None), (None, "troops"), ("Gao", "troops"),
          (None, "formed_police_units"), ("Gao", "formed_police_units")]  # fmt: skip


def naive(changes: list[Change], on: date) -> dict[tuple, int | None]:
    """The rules of events/timeline.py's docstring, written out plainly (no saved states, no
    shortcuts): each cell's level at the end of ``on``. Reports and deployments only."""
    covered = {c.effective for c in changes if c.authoritative}
    cells: dict[tuple, int | None] = {}

    def within(scope: tuple, cell: tuple) -> bool:
        return all(s is None or s == x for s, x in zip(scope, cell, strict=True))

    def meets(scope: tuple, cell: tuple) -> bool:
        return all(s is None or x is None or s == x for s, x in zip(scope, cell, strict=True))

    for c in sorted(changes, key=lambda c: (c.effective, c.order)):
        if c.effective > on:
            break
        if not c.authoritative and c.effective in covered:
            continue  # a claim beside the day's figure of record
        scope = (c.location, c.personnel_type)
        if c.kind == "deploy":
            if scope not in cells:
                cells[scope] = c.count
            elif cells[scope] is not None:
                cells[scope] = (cells[scope] or 0) + (c.count or 0)
            continue
        if c.authoritative:
            for cell in list(cells):
                if cell != scope and (
                    within(scope, cell) or (cell[1] is None and scope[0] in (None, cell[0]))
                ):
                    del cells[cell]
            cells[scope] = c.count
            continue
        inside = [cell for cell in cells if within(scope, cell)]
        held = sum(cells[cell] or 0 for cell in inside)
        for cell in inside:
            if cell != scope:
                del cells[cell]
        if c.count is not None:
            need = c.count - held
            pools = [p for p in [(None, scope[1]), (scope[0], None), (None, None)]
                     if p != scope and within(p, scope) and p in cells]  # fmt: skip
            pools = list(dict.fromkeys(pools))
            rest = sorted((x for x in cells if x != scope and x not in pools and meets(scope, x)),
                          key=lambda x: (x[0] or "", x[1] or ""))  # fmt: skip
            for source in pools + rest:
                if cells[source] is None:
                    if source in pools:
                        del cells[source]
                    continue
                taken = min(max(need, 0), cells[source] or 0)
                if taken:
                    cells[source] = (cells[source] or 0) - taken
                    need -= taken
        cells[scope] = c.count
    return cells


@st.composite
def reports(draw: st.DrawFn) -> list[Change]:
    found = []
    for n in range(1, draw(st.integers(1, 14)) + 1):
        kind = draw(st.sampled_from(["report", "report", "report", "deploy"]))
        location, personnel_type = draw(st.sampled_from(SCOPES))
        authoritative = kind == "report" and location is None and draw(st.booleans())
        count = draw(st.integers(0, 300)) if kind == "report" and draw(st.integers(0, 6)) else None
        if kind == "deploy" or (count is None and not draw(st.booleans())):
            count = draw(st.integers(1, 300))
        day = date(2022, 1, 1) + timedelta(days=draw(st.integers(0, 75)))
        found.append(Change(f"M/X/{n}", day, n, kind, count, location, personnel_type,
                            authoritative=authoritative))  # fmt: skip
    return found


@settings(max_examples=400, deadline=None)
@given(reports(), st.integers(0, 80))
def test_the_fold_equals_the_rules_written_out_plainly(changes: list[Change], d: int) -> None:
    """Reports of overlapping scopes (a place, a type, both, neither), some of them the series
    of record, and deployments: every cell's level on every day equals the plain replay."""
    on = date(2022, 1, 1) + timedelta(days=d)
    rows = fold("X", changes)
    got = {
        (r.location, r.personnel_type): r.strength
        for r in rows
        if r.valid_from <= on and (r.valid_to is None or r.valid_to > on)
    }
    assert got == naive(changes, on)
