"""Use cases through the Tracker API, told as stories."""

from __future__ import annotations

from datetime import date

import pytest

from events.errors import (
    AlreadySupersededError,
    EventNotFoundError,
    InsufficientStrengthError,
    InvalidInputError,
    MissionNotFoundError,
)
from tests.helpers import source
from tracker import Tracker

AT = {"mission": "TESTMIS", "contributor": "BEN"}


def total(tracker: Tracker, day: str) -> int | None:
    rows = tracker.strength("TESTMIS", date.fromisoformat(day)).rows
    return rows[0].strength if rows else None


def test_strength_is_a_step_function_of_valid_time(tracker: Tracker) -> None:
    # A report, a deployment and a withdrawal, recorded out of valid-time order.
    tracker.withdraw_contingent(**AT, valid="2022-11-05", count=136, source=source())
    tracker.report_strength(**AT, valid="2022-05-19", strength=386, source=source())
    tracker.deploy_contingent(**AT, valid="2022-08", count=14, source=source())
    # Before, on, between and after each change.
    assert [
        total(tracker, d)
        for d in (
            "2022-05-18",
            "2022-05-19",
            "2022-08-30",
            "2022-08-31",
            "2022-11-04",
            "2022-11-05",
            "2030-01-01",
        )
    ] == [None, 386, 386, 400, 400, 264, 264]


def test_backdated_withdrawal_that_would_break_a_later_one_is_refused(tracker: Tracker) -> None:
    tracker.report_strength(**AT, valid="2022-01-01", strength=300, source=source())
    tracker.withdraw_contingent(**AT, valid="2022-06-01", count=250, source=source())
    before = tracker.recorder.max_notification_id()
    # Taking 100 in March leaves 200 for June's 250: refused, with the facts in the message.
    with pytest.raises(
        InsufficientStrengthError,
        match=r"BEN would have 200 personnel on 2022-06-01, fewer than the 250",
    ):
        tracker.withdraw_contingent(**AT, valid="2022-03-01", count=100, source=source())
    assert tracker.recorder.max_notification_id() == before
    # Taking 50 is fine, and the later level follows.
    tracker.withdraw_contingent(**AT, valid="2022-03-01", count=50, source=source())
    assert total(tracker, "2022-06-01") == 0


def test_withdrawal_above_strength_names_contributor_date_and_amounts(tracker: Tracker) -> None:
    tracker.report_strength(
        **AT, valid="2022-01-01", strength=250, personnel_type="troops", source=source()
    )
    with pytest.raises(
        InsufficientStrengthError,
        match="BEN had 250 troops on 2022-02-01, fewer than the 300 this would take away",
    ):
        tracker.withdraw_contingent(
            **AT, valid="2022-02-01", count=300, personnel_type="troops", source=source()
        )


def test_change_before_any_figure_is_recorded_and_strength_stays_unknown(tracker: Tracker) -> None:
    tracker.withdraw_contingent(**AT, valid="2022-01-01", count=300, source=source())
    answer = tracker.strength("TESTMIS", date(2022, 2, 1), ["contributor"])
    assert [(r.contributor, r.strength) for r in answer.rows] == [("BEN", None)]
    assert answer.unknown == ["BEN"]
    assert total(tracker, "2022-02-01") is None


def test_retraction_stops_counting_an_event_from_then_on(tracker: Tracker) -> None:
    tracker.report_strength(**AT, valid="2022-01-01", strength=300, source=source())
    wrong = tracker.deploy_contingent(**AT, valid="2022-02-01", count=1000, source=source())
    assert total(tracker, "2022-03-01") == 1300
    tracker.retract_event(wrong.event_id, reason="the source counted the whole battalion twice")
    assert total(tracker, "2022-03-01") == 300
    with pytest.raises(AlreadySupersededError, match="already superseded by 'TESTMIS/BEN/4'"):
        tracker.retract_event(wrong.event_id, reason="again")
    with pytest.raises(EventNotFoundError, match="no event 'TESTMIS/BEN/99'"):
        tracker.retract_event("TESTMIS/BEN/99", reason="none")
    history = tracker.history("TESTMIS", "BEN")
    assert [(h.event_id, h.superseded_by, h.supersedes) for h in history][-2:] == [
        ("TESTMIS/BEN/3", "TESTMIS/BEN/4", None),
        ("TESTMIS/BEN/4", None, "TESTMIS/BEN/3"),
    ]


def test_correction_replaces_the_figure_it_names(tracker: Tracker) -> None:
    first = tracker.report_strength(**AT, valid="2022-01-01", strength=3000, source=source())
    tracker.report_strength(
        **AT,
        valid="2022-01-01",
        strength=300,
        corrects=first.event_id,
        reason="a zero too many",
        source=source("2022-12-01"),
    )
    assert total(tracker, "2022-01-01") == 300


def test_retraction_that_leaves_a_later_withdrawal_short_is_refused(tracker: Tracker) -> None:
    tracker.report_strength(**AT, valid="2022-01-01", strength=50, source=source())
    deployed = tracker.deploy_contingent(**AT, valid="2022-01-02", count=100, source=source())
    tracker.withdraw_contingent(**AT, valid="2022-02-01", count=120, source=source())
    with pytest.raises(
        InsufficientStrengthError, match="would have 50 personnel on 2022-02-01, fewer than the 120"
    ):
        tracker.retract_event(deployed.event_id, reason="never happened")


def test_retracting_the_only_figure_makes_strength_unknown_not_zero(tracker: Tracker) -> None:
    deployed = tracker.deploy_contingent(**AT, valid="2022-01-01", count=100, source=source())
    tracker.withdraw_contingent(**AT, valid="2022-02-01", count=80, source=source())
    tracker.retract_event(deployed.event_id, reason="never happened")
    assert total(tracker, "2022-02-01") is None


def test_unknown_mission_is_a_clear_error(tracker: Tracker) -> None:
    with pytest.raises(MissionNotFoundError, match="mission 'NOPE' is not in the store"):
        tracker.strength("NOPE", date(2022, 1, 1))


def test_by_location_and_region_keep_unassigned_personnel(tracker: Tracker) -> None:
    tracker.report_strength(**AT, valid="2022-01-01", strength=500, source=source())
    tracker.report_strength(
        **AT, valid="2022-02-01", strength=140, location="Tessalit", source=source()
    )
    tracker.report_strength(
        **AT, valid="2022-02-01", strength=60, location="Kidal", source=source()
    )
    answer = tracker.strength("TESTMIS", date(2022, 2, 1), ["region"])
    assert [(r.region, r.strength) for r in answer.rows] == [(None, 300), ("Kidal", 200)]
    by_location = tracker.strength("TESTMIS", date(2022, 2, 1), ["location"])
    assert sum(r.strength or 0 for r in by_location.rows) == answer.total == 500


def test_history_is_in_valid_time_order_with_all_three_times(tracker: Tracker) -> None:
    tracker.announce_withdrawal(
        **AT, valid="2022-05-19", full=True, target="2023-11", source=source("2022-05-19")
    )
    tracker.report_strength(**AT, valid="2022-01", strength=386, source=source("2022-02-03"))
    rows = tracker.history("TESTMIS", "Benin")
    assert [(r.valid, r.kind, r.published_on) for r in rows] == [
        ("2022-01", "StrengthReported", "2022-02-03"),
        ("2022-05-19", "WithdrawalAnnounced", "2022-05-19"),
    ]
    assert all(r.recorded_at.startswith(str(date.today().year)) for r in rows)
    assert [r.kind for r in tracker.history("TESTMIS", "BEN", ["announcement"])] == [
        "WithdrawalAnnounced"
    ]


def test_ledger_says_retracted_and_revised(tracker: Tracker) -> None:
    first = tracker.announce_withdrawal(
        **AT, valid="2022-01-10", full=True, target="2022-06", source=source()
    )
    tracker.announce_withdrawal(
        **AT, valid="2022-02-10", full=True, target="2022-12", source=source()
    )
    wrong = tracker.announce_deployment(**AT, valid="2022-03-01", count=500, source=source())
    tracker.retract_event(wrong.event_id, reason="misread: another contributor")
    statuses = {r.event_id: r.status for r in tracker.announcements("TESTMIS", on=date(2022, 7, 1))}
    assert statuses[first.event_id] == "revised"
    assert statuses[wrong.event_id] == "retracted"
    assert list(statuses.values()).count("pending") == 1


def test_ledger_fulfilled_when_the_record_shows_it(tracker: Tracker) -> None:
    tracker.report_strength(
        **AT,
        valid="2022-01-01",
        strength=140,
        personnel_type="formed_police_units",
        source=source(),
    )
    announced = tracker.announce_withdrawal(
        **AT,
        valid="2022-05-19",
        count=140,
        personnel_type="formed_police_units",
        target="2022-11-05",
        source=source(),
    )
    assert [r.status for r in tracker.announcements("TESTMIS", on=date(2022, 6, 1))] == ["pending"]
    tracker.withdraw_contingent(
        **AT, valid="2022-09-01", count=100, personnel_type="formed_police_units", source=source()
    )
    assert [r.status for r in tracker.announcements("TESTMIS", on=date(2022, 10, 1))] == [
        "under way"
    ]
    tracker.withdraw_contingent(
        **AT, valid="2022-10-20", count=40, personnel_type="formed_police_units", source=source()
    )
    (row,) = tracker.announcements("TESTMIS", on=date(2022, 12, 1))
    assert (row.event_id, row.status, row.fulfilled_on, row.level_then, row.level_now) == (
        announced.event_id,
        "fulfilled",
        date(2022, 10, 20),
        140,
        0,
    )


def test_forecast_does_not_count_twice_what_was_already_done(tracker: Tracker) -> None:
    tracker.report_strength(**AT, valid="2022-01-01", strength=400, source=source("2022-01-02"))
    tracker.announce_withdrawal(
        **AT, valid="2022-02-01", count=150, target="2022-12", source=source("2022-02-01")
    )
    # Before anything happened, the forecast takes the 150 away.
    (row,) = tracker.forecast("TESTMIS", date(2023, 1, 1), known_at=date(2022, 3, 1)).rows
    assert (row.from_changes, row.forecast) == (400, 250)
    # Once the record shows them gone, the forecast is the record: not 100.
    tracker.withdraw_contingent(**AT, valid="2022-06-01", count=150, source=source("2022-06-02"))
    answer = tracker.forecast("TESTMIS", date(2023, 1, 1), known_at=date(2022, 7, 1))
    (row,) = answer.rows
    assert (row.from_changes, row.forecast, answer.applied) == (250, 250, [])


def test_a_large_import_writes_as_it_goes_and_is_still_all_or_nothing(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past SPILL_EVERY events an import stages them for its one commit (here every 40, so
    the 900-odd seed events are staged in many pieces): a bad line at the very end still
    leaves nothing, and a good import gives the same store as one written at once."""
    import tracker.app.unit_of_work as application
    from tests.conftest import SEEDS

    monkeypatch.setattr(application, "SPILL_EVERY", 40)
    lines = (SEEDS / "minusma-presence-geopko-2014-2024.jsonl").read_bytes()
    mission = (SEEDS / "minusma-mission.jsonl").read_bytes()
    tracker = Tracker(store)
    tracker.import_jsonl(mission, "mission.jsonl")
    before = tracker.head()
    with pytest.raises(InvalidInputError, match=r"^bad\.jsonl:549: "):
        tracker.import_jsonl(lines + b'{"type": "deployed", "mission": "MINUSMA"}\n', "bad.jsonl")
    assert tracker.head() == before
    assert tracker.verify().ok
    result = tracker.import_jsonl(lines, "good.jsonl")
    assert result.count == 548
    added = tracker.verify().events - before[0]
    assert 548 < added <= 548 + 60  # and each new contingent's stream starts with an Opened
    assert len(tracker.presence("MINUSMA", 2016)) > 0
    tracker.close()
