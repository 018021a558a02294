"""Hardening, round 3, items 7 and 18: a claim or a revision in the store never blocks the UN's
own report. A press claim of the report's month stays a claim; a correction or retraction of
a UN figure stays in force and is named; the rest of the report imports (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.conftest import SHARED
from tracker import Tracker

PDFS = SHARED / "un-monthly-pdf" / "pdf"


def _germany(t: Tracker, day: date) -> int | None:
    return t.strength("MINUSMA", day, by=["contributor"], contributors=["DEU"]).rows[0].strength


@pytest.mark.parametrize("store", ["sqlite", "postgres"], indirect=True)
def test_a_press_claim_of_the_month_does_not_block_the_uns_report(seeded_db: str) -> None:
    t = Tracker(seeded_db)
    try:
        # the seeds hold Germany's press claim of February 2022 (a month-precision date,
        # the report's day) beside the UN's figure of that month
        claims = [g for g in t.reconcile("MINUSMA", "Germany") if not g.counted]
        assert date(2022, 2, 28) in {g.effective for g in claims}
        before = t.strength("MINUSMA", date(2022, 2, 28)).total
        done = t.import_un_pdfs([PDFS / "UN_country_contributions_2022_02.pdf"])
        # every other mission of the report is written; MINUSMA's month is there already
        assert (done.written.months_written, done.written.months_already_there) == (21, 1)
        assert t.strength("MINUSMA", date(2022, 2, 28)).total == before
        still = [g for g in t.reconcile("MINUSMA", "Germany") if not g.counted]
        assert {g.event_id for g in still} == {g.event_id for g in claims}  # still a claim
    finally:
        t.close()


@pytest.mark.parametrize("store", ["sqlite", "postgres"], indirect=True)
def test_a_correction_or_retraction_stays_in_force_and_is_named(seeded_db: str) -> None:
    t = Tracker(seeded_db)
    try:
        day = date(2022, 11, 30)
        germany = t.get_event("MINUSMA/DEU/241")
        ghana = t.get_event("MINUSMA/GHA/222")
        fields: Any = (germany.valid.effective, ghana.valid.effective)
        assert fields == (day, day)  # both UN figures of the November 2022 report
        fixed = t.correct_event("MINUSMA/DEU/241", "test: a revised figure", {"strength": 600})
        gone = t.retract_event("MINUSMA/GHA/222", "test: withdrawn")
        done = t.import_un_pdfs([PDFS / "UN_country_contributions_2022_11.pdf"])
        kept = " ".join(done.lines())
        assert f"MINUSMA 2022-11-30 DEU ({fixed.event_id})" in kept
        assert f"MINUSMA 2022-11-30 GHA ({gone.event_id})" in kept
        assert done.written.months_written > 10  # the other missions of the report
        # the correction is what the store answers, not the file's figure
        by_type = t.strength(
            "MINUSMA", day, by=["contributor", "personnel_type"], contributors=["DEU"]
        )
        assert 600 in {r.strength for r in by_type.rows}
    finally:
        t.close()
