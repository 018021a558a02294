"""Recorded time (issue 15, items 5 and 6): the store's own time axis answers for every date a
command accepts, and an answer "as recorded at T" never changes once T has passed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tracker import Tracker

DAY = date(2013, 12, 31)


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("seeded") / "t.db"
    tracker = Tracker(db)
    tracker.load_seeds(SEEDS)
    tracker.close()
    return db


@pytest.mark.parametrize(
    "recorded_at",
    ["2068-01-18", "2068-01-19T03:14:08", "2068-01-20", "2075-06-30T12:00:00", "2099-12-31"],
)
def test_recorded_times_to_2099_answer_as_now(seeded_file: Path, recorded_at: str) -> None:
    """Seconds since 2000 overflowed the R*Tree's 32 bits on 2068-01-19 (03:14:08): every
    later recorded time answered nothing at all (strength null)."""
    tracker = Tracker(seeded_file, create=False)
    now = tracker.strength("MINUSMA", DAY, ["contributor"])
    then = tracker.strength("MINUSMA", DAY, ["contributor"], recorded_at=recorded_at)
    tracker.close()
    assert now.total == 6439
    assert [(r.contributor, r.strength) for r in then.rows] == [
        (r.contributor, r.strength) for r in now.rows
    ]
    assert then.total == now.total
