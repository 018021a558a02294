"""The fast paths of issue 19 that are not a read path of their own (tests/test_quick.py): each
test counts the work a path does, so it fails without the path (timings are bench/'s)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from events import timeline
from events.checked import Checked
from events.contingent import contingent_id
from events.errors import InsufficientStrengthError
from events.mission import mission_id
from events.places import _fold
from events.timeline import Change


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


@pytest.fixture
def applied(monkeypatch: pytest.MonkeyPatch) -> list[Change]:
    """Every change the fold applies from now on."""
    seen: list[Change] = []
    apply = timeline.State.apply

    def counting(self: timeline.State, change: Change) -> None:
        seen.append(change)
        apply(self, change)

    monkeypatch.setattr(timeline.State, "apply", counting)
    return seen


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
