"""The announcement ledger of the seeds judged on what the figures can show (issue 27, items 1
and 2, and the ledger's wordings of item 9).

Every announcement of the seeds has a test here, on 2023-06-30 (the mandate's end), 2023-12-31
(the mission's closure) and today (2026-12-08). Each test first reads from the store the
figures its judgement rests on (the level the day before the announcement, the levels after
it, the closure, a lifting) and says why they give the status; then it asks the ledger. The
store is seeded once for the module as a user seeds one: ``tracker seed --mission MINUSMA``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from tests.helpers import source
from tracker import Tracker
from tracker.answers.ledger import NOISE, STATUSES, LedgerRow
from tracker.cli import cli

if TYPE_CHECKING:
    from projections.announcements import Announcement

MISSION = "MINUSMA"
JUNE, CLOSE, TODAY = date(2023, 6, 30), date(2023, 12, 31), date(2026, 12, 8)
DATES = (JUNE, CLOSE, TODAY)
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store seeded with ``tracker seed --mission MINUSMA``, once for the module."""
    path = tmp_path_factory.mktemp("ledger") / "tracker.db"
    result = CliRunner().invoke(cli, ["--db", str(path), "seed", "--mission", MISSION])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def seeded(db: Path) -> Iterator[Tracker]:
    tracker = Tracker(str(db))
    yield tracker
    tracker.close()


# What the store says: figures, announcements, closure, history.


def level(t: Tracker, code: str, day: date, personnel_type: str | None = None) -> int | None:
    """``code``'s strength in MINUSMA on ``day`` (of one personnel type when given)."""
    by = ["contributor", "personnel_type"] if personnel_type else ["contributor"]
    rows = t.strength(MISSION, day, by, contributors=[code]).rows
    found = [r for r in rows if not personnel_type or r.personnel_type == personnel_type]
    return found[0].strength if found else None


def places(t: Tracker, code: str, day: date) -> set[str | None]:
    """The places the figures in force on ``day`` give ``code``'s personnel."""
    rows = t.strength(MISSION, day, ["contributor", "location"], contributors=[code]).rows
    return {r.location for r in rows if r.strength}


def month_ends(first: date, last: date) -> list[date]:
    """Every month end from ``first``'s month to ``last``."""
    found, day = [], first
    while True:
        end = (day.replace(day=28) + timedelta(days=4)).replace(day=1) - DAY
        if end > last:
            return found
        found.append(end)
        day = end + DAY


def announced(t: Tracker, code: str, kind: str, **terms: object) -> Announcement:
    """The one announcement of ``code`` of ``kind`` with ``terms``, as the store holds it."""
    t.announcement_view.catch_up(t)
    found = [
        a
        for a in t.announcement_view.announcements(MISSION)
        if a.contributor == code
        and a.kind == kind
        and all(getattr(a, k) == v for k, v in terms.items())
    ]
    assert len(found) == 1, found
    return found[0]


def judged(t: Tracker, event_id: str, on: date, known_at: date | None = None) -> LedgerRow:
    (row,) = [
        r for r in t.announcements(MISSION, on=on, known_at=known_at) if r.event_id == event_id
    ]
    return row


def closure(t: Tracker) -> date:
    closed = t.strength(MISSION, TODAY).closed
    assert closed is not None
    return closed[0]


def before(a: Announcement) -> date:
    """The day before the announcement's date (before the first day of a month's)."""
    first = date.fromisoformat(a.valid if len(a.valid) == 10 else f"{a.valid}-01")
    return first - DAY


def first_at_zero(t: Tracker, code: str, since: date, personnel_type: str | None = None) -> date:
    """The first month end from ``since`` at which ``code`` (of the type) is at 0."""
    return next(d for d in month_ends(since, TODAY) if level(t, code, d, personnel_type) == 0)


def test_every_announcement_of_the_seeds_is_judged_here(seeded: Tracker) -> None:
    """The tests below cover these announcements: one more in the seeds needs its own test."""
    seeded.announcement_view.catch_up(seeded)
    made = {
        (a.contributor, a.kind, a.valid) for a in seeded.announcement_view.announcements(MISSION)
    }
    assert made == {
        ("TCD", "DeploymentAnnounced", "2021-12-17"),
        ("SWE", "WithdrawalAnnounced", "2022-03"),
        ("BEN", "WithdrawalAnnounced", "2022-05-19"),  # two: formed police and troops
        ("EGY", "SuspensionAnnounced", "2022-07-15"),
        ("DEU", "SuspensionAnnounced", "2022-08-12"),
        ("GBR", "WithdrawalAnnounced", "2022-11-14"),
        ("DEU", "WithdrawalAnnounced", "2022-11-22"),
        ("CIV", "WithdrawalAnnounced", "2022-11"),
        ("SWE", "WithdrawalAnnounced", "2022-12-13"),
    }


def test_benin_formed_police_at_kidal_judged_on_its_formed_police_and_fulfilled(
    seeded: Tracker,
) -> None:
    a = announced(seeded, "BEN", "WithdrawalAnnounced", personnel_type="formed_police_units")
    assert (a.location, a.count) == ("Kidal", 136)
    # The figures never place Benin's formed police: no figure at Kidal the day before...
    assert "Kidal" not in places(seeded, "BEN", before(a))
    # ... so they are judged on Benin's formed police in MINUSMA: 133 then, 131 in November
    # 2022, 11 in December, 0 from April 2023. 136 announced is more than were there: done
    # when none is left, which is after the target (5 Nov 2022): late, not missed.
    then = level(seeded, "BEN", before(a), "formed_police_units")
    assert then is not None
    assert then < a.count
    gone = first_at_zero(seeded, "BEN", before(a), "formed_police_units")
    assert level(seeded, "BEN", gone - DAY, "formed_police_units")
    assert gone > date.fromisoformat(a.target_end)
    assert gone < closure(seeded)
    for on in DATES:
        row = judged(seeded, a.event_id, on)
        assert row.status == "fulfilled", on
        assert (row.fulfilled_on, row.late, row.level_then) == (gone, True, then)
        assert row.summary == "withdrawal of 136 formed police at Kidal announced by 2022-11-05"
        assert row.note == (
            "no figure places Benin's formed police at Kidal: judged on Benin's formed police "
            "in MINUSMA"
        )


def test_benin_troops_at_bamako_pending_then_fulfilled_by_the_last_report(seeded: Tracker) -> None:
    a = announced(seeded, "BEN", "WithdrawalAnnounced", personnel_type="troops")
    count, target = a.count, date.fromisoformat(a.target_end)
    assert "Bamako" not in places(seeded, "BEN", before(a))
    then = level(seeded, "BEN", before(a), "troops")
    assert then == count  # the whole company of 250
    # 2023-06-30: 249, a move of 1 is no start (5% of 250 is 12.5), and the target (2023-11)
    # has not passed: pending.
    june = level(seeded, "BEN", JUNE, "troops")
    assert june is not None
    assert then - june < NOISE * count
    assert target > JUNE
    assert judged(seeded, a.event_id, JUNE).status == "pending"
    # 2023-12-15 (the "OVERDUE"): the 223 withdrawn on 2023-12-11 count until the
    # December report: some of it happened, the target passed: partly done.
    mid = level(seeded, "BEN", date(2023, 12, 15), "troops")
    assert mid is not None
    assert then - mid >= NOISE * count
    assert mid > 0
    row = judged(seeded, a.event_id, date(2023, 12, 15))
    assert row.status == "partly done"
    # 2023-12-31: the UN's last report has them at 0 ("27 to follow by 31 Dec"): done that
    # day, after its target.
    gone = first_at_zero(seeded, "BEN", JUNE, "troops")
    assert gone == CLOSE
    assert level(seeded, "BEN", gone - DAY, "troops")
    for on in (CLOSE, TODAY):
        row = judged(seeded, a.event_id, on)
        assert (row.status, row.fulfilled_on, row.late) == ("fulfilled", gone, True), on
        assert "judged on Benin's troops in MINUSMA" in row.note


def test_egypt_suspension_under_way_until_it_ends_with_the_mission(seeded: Tracker) -> None:
    a = announced(seeded, "EGY", "SuspensionAnnounced")
    start, closed = date.fromisoformat(a.target_end), closure(seeded)
    # Nothing says Egypt took its activities up again...
    assert "SuspensionLifted" not in {r.kind for r in seeded.history(MISSION, "EGY")}
    # ... and its figures never reach 0 while the mission runs (1,104 in June 2023, 138 in
    # November): the suspension is in force until the mission closes (2023-12-31).
    assert JUNE < closed <= CLOSE
    assert all(level(seeded, "EGY", d) for d in [start, *month_ends(start, closed - DAY)])
    assert judged(seeded, a.event_id, JUNE).status == "under way"
    for on in (CLOSE, TODAY):  # never "under way" after the closure (it read so in 2026)
        row = judged(seeded, a.event_id, on)
        assert row.status == "ended with the mission", on
        assert f"in force when the mission closed on {closed}" in row.note


def test_germany_suspension_lifted_by_the_resumption_of_september_2022(seeded: Tracker) -> None:
    a = announced(seeded, "DEU", "SuspensionAnnounced")
    start = date.fromisoformat(a.target_end)
    (lifting,) = [r for r in seeded.history(MISSION, "DEU") if r.kind == "SuspensionLifted"]
    lifted = date.fromisoformat(lifting.valid or "")
    # Its source (the Bundeswehr, 7 Sep 2022): taken up again on 6 September, after the
    # suspension began and long before the closure, with Germany's figures above 0 between.
    assert lifting.source_url
    assert lifting.published_on
    assert start <= lifted < closure(seeded)
    assert all(level(seeded, "DEU", d) for d in [start, *month_ends(start, lifted)])
    assert judged(seeded, a.event_id, lifted - DAY).status == "under way"
    for on in (lifted, *DATES):
        row = judged(seeded, a.event_id, on)
        assert row.status == "lifted", on
        assert row.note == f"taken up again on {lifted} ({lifting.event_id})"
    # As known before its source was published, nothing had lifted it.
    known = date.fromisoformat(lifting.published_on) - DAY
    assert judged(seeded, a.event_id, JUNE, known).status == "under way"


def test_germany_withdrawal_pending_in_june_then_done_before_its_target(seeded: Tracker) -> None:
    a = announced(seeded, "DEU", "WithdrawalAnnounced")
    target = date.fromisoformat(a.target_end)
    # Measured from the figure of the day before (the UN's 627 of October 2022), not from
    # the "about 1,100" the announcement's own article gives, a claim of the whole national
    # deployment.
    then = level(seeded, "DEU", before(a))
    assert then is not None
    june = level(seeded, "DEU", JUNE)
    assert june is not None
    assert then - june < NOISE * then  # 627 -> 616: no start; drawdown "from summer 2023"
    row = judged(seeded, a.event_id, JUNE)
    assert (row.status, row.level_then, row.level_now) == ("pending", then, june)
    gone = first_at_zero(seeded, "DEU", JUNE)
    assert level(seeded, "DEU", gone - DAY)
    assert gone <= CLOSE < target
    for on in (CLOSE, TODAY):
        row = judged(seeded, a.event_id, on)
        assert (row.status, row.fulfilled_on, row.late) == ("fulfilled", gone, False), on


def test_chad_increase_never_seen_and_overtaken_by_the_closure(seeded: Tracker) -> None:
    a = announced(seeded, "TCD", "DeploymentAnnounced")
    then = level(seeded, "TCD", before(a))
    assert then is not None
    closed = closure(seeded)
    # 1,455 the day before; never 5% of the 1,000 more at any report while the mission ran.
    peak = max(level(seeded, "TCD", d) or 0 for d in month_ends(before(a), closed - DAY))
    assert peak - then < NOISE * a.count
    assert a.target is None
    assert judged(seeded, a.event_id, JUNE).status == "pending"
    for on in (CLOSE, TODAY):
        assert judged(seeded, a.event_id, on).status == "overtaken by closure", on


@pytest.mark.parametrize("valid", ["2022-03", "2022-12-13"])
def test_sweden_withdrawals_fulfilled_before_their_target(seeded: Tracker, valid: str) -> None:
    a = announced(seeded, "SWE", "WithdrawalAnnounced", valid=valid)
    target = date.fromisoformat(a.target_end)
    gone = first_at_zero(seeded, "SWE", before(a))
    assert level(seeded, "SWE", gone - DAY)
    assert gone <= JUNE <= target  # 0 from 2023-04-30, the target 2023-06-30
    for on in DATES:
        row = judged(seeded, a.event_id, on)
        # the later announcement (no number, same terms) confirms the first: not "revised"
        assert (row.status, row.fulfilled_on, row.late) == ("fulfilled", gone, False), on


def test_uk_withdrawal_partly_done_in_june_and_fulfilled_late(seeded: Tracker) -> None:
    a = announced(seeded, "GBR", "WithdrawalAnnounced")
    target = date.fromisoformat(a.target_end)
    then, june = level(seeded, "GBR", before(a)), level(seeded, "GBR", JUNE)
    assert then is not None
    assert june is not None
    # 253 -> 4 (the staff officers stayed): much of it, not all, and the target (2023-05)
    # passed.
    assert 0 < june <= then - NOISE * a.count
    assert target < JUNE
    assert judged(seeded, a.event_id, JUNE).status == "partly done"
    gone = first_at_zero(seeded, "GBR", JUNE)
    assert level(seeded, "GBR", gone - DAY)
    for on in (CLOSE, TODAY):
        row = judged(seeded, a.event_id, on)
        assert (row.status, row.fulfilled_on, row.late) == ("fulfilled", gone, True), on


def test_cote_divoire_withdrawal_under_way_in_june_and_fulfilled_late(seeded: Tracker) -> None:
    a = announced(seeded, "CIV", "WithdrawalAnnounced")
    target = date.fromisoformat(a.target_end)
    then, june = level(seeded, "CIV", before(a)), level(seeded, "CIV", JUNE)
    assert then is not None
    assert june is not None
    assert 0 < june <= then - NOISE * then  # 896 -> 651, target 2023-08 still ahead
    assert target > JUNE
    assert judged(seeded, a.event_id, JUNE).status == "under way"
    gone = first_at_zero(seeded, "CIV", JUNE)
    assert level(seeded, "CIV", gone - DAY)
    assert gone > target
    for on in (CLOSE, TODAY):
        row = judged(seeded, a.event_id, on)
        assert (row.status, row.fulfilled_on, row.late) == ("fulfilled", gone, True), on


def test_senegal_announced_nothing_its_withdrawal_and_correction_are_changes(
    seeded: Tracker,
) -> None:
    kinds = [r.kind for r in seeded.history(MISSION, "SEN") if r.valid == "2023-09-16"]
    assert kinds == ["Withdrawn", "Withdrawn"]  # the withdrawal and its correction
    assert not seeded.history(MISSION, "SEN", ["announcement"])
    for on in DATES:
        assert seeded.announcements(MISSION, "Senegal", on=on) == []


def test_nothing_under_way_pending_or_overdue_after_the_closure(seeded: Tracker) -> None:
    closed = closure(seeded)
    for on in [closed, *month_ends(closed + DAY, TODAY)[::6], TODAY]:
        statuses = {r.status for r in seeded.announcements(MISSION, on=on)}
        assert not statuses & {"under way", "pending", "overdue"}, on


def test_overdue_only_where_the_figures_show_nothing_happened(seeded: Tracker) -> None:
    for on in month_ends(date(2022, 5, 1), CLOSE):  # from the first target on
        for row in seeded.announcements(MISSION, status=["overdue"], on=on):
            assert row.level_then is not None
            assert row.level_now is not None
            assert row.level_then - row.level_now < NOISE * (row.announced or row.level_then)


# The rules on made-up records (TESTMIS): what the seeds do not show.

AT = {"mission": "TESTMIS", "contributor": "BEN"}


@pytest.fixture
def fresh() -> Iterator[Tracker]:
    tracker = Tracker(":memory:")
    tracker.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    yield tracker
    tracker.close()


def test_no_figure_at_all_cannot_be_judged_never_overdue(fresh: Tracker) -> None:
    # Benin announces it withdraws 100, though no figure of Benin exists before it.
    a = fresh.announce_withdrawal(
        **AT, valid="2022-02-01", count=100, target="2022-06", source=source("2022-02-01")
    )
    fresh.report_strength(**AT, valid="2022-04-30", strength=150, source=source("2022-05-01"))
    (row,) = fresh.announcements("TESTMIS", on=date(2022, 5, 1))
    assert (row.event_id, row.status) == (a.event_id, "pending")
    (row,) = fresh.announcements("TESTMIS", on=date(2022, 8, 1))
    assert row.status == "cannot be judged"
    assert (
        row.note == "no figure of Benin's personnel in TESTMIS before the announcement (2022-01-31)"
    )


def test_a_suspension_ends_when_its_contributors_figures_reach_0(fresh: Tracker) -> None:
    fresh.report_strength(**AT, valid="2022-01-31", strength=300, source=source("2022-02-01"))
    fresh.announce_suspension(**AT, valid="2022-02-10", source=source("2022-02-10"))
    fresh.withdraw_contingent(**AT, valid="2022-05-20", source=source("2022-05-21"))
    statuses = [
        r.status
        for on in ("2022-05-19", "2022-05-20")
        for r in fresh.announcements("TESTMIS", on=date.fromisoformat(on))
    ]
    assert statuses == ["under way", "ended"]
    (row,) = fresh.announcements("TESTMIS", on=date(2022, 9, 1))
    assert row.note == "Benin's personnel in TESTMIS: 0 on 2022-05-20, none left to suspend"


def test_a_retracted_lifting_lifts_nothing(fresh: Tracker) -> None:
    fresh.report_strength(**AT, valid="2022-01-31", strength=300, source=source("2022-02-01"))
    fresh.announce_suspension(**AT, valid="2022-02-10", source=source("2022-02-10"))
    lifting = fresh.record(
        "suspension-lifted", {**AT, "valid": "2022-03", "source": source("2022-04-02")}
    )
    (row,) = fresh.announcements("TESTMIS", on=date(2022, 3, 15))
    assert row.status == "under way"  # lifted some day in March: surely by its end only
    (row,) = fresh.announcements("TESTMIS", on=date(2022, 4, 5))
    assert (row.status, row.note) == ("lifted", f"taken up again in 2022-03 ({lifting.event_id})")
    fresh.retract_event(lifting.event_id, reason="misread: another contingent")
    (row,) = fresh.announcements("TESTMIS", on=date(2022, 4, 5))
    assert row.status == "under way"


def test_a_deployment_that_began_is_partly_done_at_the_closure(fresh: Tracker) -> None:
    fresh.report_strength(**AT, valid="2022-01-31", strength=100, source=source("2022-02-01"))
    fresh.announce_deployment(
        **AT, valid="2022-02-10", count=400, increase=True, source=source("2022-02-10")
    )
    fresh.report_strength(**AT, valid="2022-04-30", strength=300, source=source("2022-05-01"))
    fresh.withdraw_contingent(**AT, valid="2022-06-20", source=source("2022-06-21"))
    fresh.close_mission(mission="TESTMIS", valid="2022-06-30", source=source("2022-07-01"))
    # 200 of the 400 came (half of it), then the mission ended: partly done, not "overtaken".
    (row,) = fresh.announcements("TESTMIS", on=date(2022, 8, 1))
    assert row.status == "partly done"


# What the ledger says to its readers: the CLI's text and JSON, the web's rows, the help.


def ledger_cli(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), "announcements", MISSION, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_table_says_each_note_and_no_question_marks(db: Path) -> None:
    out = ledger_cli(db, "--on", "2023-12-31")
    rows = json.loads(ledger_cli(db, "--on", "2023-12-31", "--format", "json"))
    assert "withdrawal of 136 formed police at Kidal announced by 2022-11-05" in out
    assert "units" not in out  # 136 police, not 136 units
    assert "announced ?" not in out
    assert "? then" not in out

    def lines(row: dict[str, object]) -> list[str]:
        """The lines under a row's first, to the row's source."""
        block = out.split(f"[{row['event_id']}]\n", 1)[1].split("\n\n", 1)[0]
        return block.splitlines()[: -2 if row["source_url"] else -1]

    for row in rows:
        levels = (
            f"strength in its scope {row['level_then']:,} then, {row['level_now']:,} on 2023-12-31"
        )
        done = f", done on {row['fulfilled_on']}" if row["fulfilled_on"] else ""
        done += f", after its target ({row['target']})" if row["late"] else ""
        if row["kind"] == "SuspensionAnnounced":  # nothing "announced": a suspension has no number
            first = f"            {levels}{done}"
        elif row["announced"] is None:  # a full withdrawal of all there were, no number given
            first = f"            number not given; {levels}{done}"
        else:
            first = f"            announced {row['announced']:,}; {levels}{done}"
        note = [f"            note: {row['note']}"] if row["note"] else []
        assert lines(row) == [first, *note]


def test_json_and_web_rows_carry_the_note(db: Path, seeded: Tracker) -> None:
    from tracker.faces.web import TrackerWeb
    from tracker.faces.web_queries import ANNOUNCEMENT_COLUMNS

    rows = json.loads(ledger_cli(db, "--on", "2023-12-31", "--format", "json"))
    notes = {r["event_id"]: r["note"] for r in rows}
    web = json.loads(TrackerWeb(seeded).announcements_json(MISSION, "", "2023-12-31", ""))
    assert "note" in ANNOUNCEMENT_COLUMNS
    assert {r["event_id"]: r["note"] for r in web} == notes
    assert sum(1 for n in notes.values() if n) == 4  # Benin's two, Egypt's, Germany's suspension


def test_every_status_is_explained_where_statuses_are_listed(db: Path) -> None:
    from tracker.faces.web_queries import QUERIES

    result = CliRunner().invoke(cli, ["announcements", "--help"])
    help_text = " ".join(result.output.split())
    (query,) = [q for q in QUERIES if q.name == "announcements_of"]
    (status,) = [p for p in query.params if p.name == "status"]
    for word in STATUSES:
        assert word in help_text, word
        assert word in query.description, word
        assert word in status.help, word
