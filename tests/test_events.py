"""Each event kind: what valid input records, and what invalid input is refused with."""

from __future__ import annotations

from typing import Any

import pytest

from events.contingent import Contingent
from events.errors import InvalidInputError, MissionExistsError, TrackerError
from tests.helpers import source
from tracker import Tracker

CONTINGENT = {"mission": "TESTMIS", "contributor": "CIV", "valid": "2022-11-14", "source": source()}
MISSION = {"mission": "TESTMIS", "valid": "2022-06-29", "source": source()}

GOOD: list[tuple[str, dict[str, Any]]] = [
    ("deployment-announced", {**CONTINGENT, "count": 1000, "increase": True, "target": "2022-03"}),
    ("withdrawal-announced", {**CONTINGENT, "full": True, "target": "2023-08"}),
    ("withdrawal-announced", {**CONTINGENT, "count": 136, "personnel_type": "formed_police_units"}),
    ("suspension-announced", {**CONTINGENT, "target": "2022-08-15"}),
    ("strength-reported", {**CONTINGENT, "strength": 900, "location": "Timbuktu"}),
    ("strength-reported", {**CONTINGENT, "strength": None}),
    ("deployed", {**CONTINGENT, "count": 150, "personnel_type": "troops", "location": "Menaka"}),
    ("incident-noted", {**CONTINGENT, "kind": "detention", "description": "d", "detained": 46}),
    ("incident-noted", {**MISSION, "kind": "other", "description": "rotations suspended"}),
    (
        "mandate-renewed",
        {**MISSION, "resolution": "2640", "ceilings": {"military": 13289, "police": 1920}},
    ),
    ("mandate-ended", {**MISSION, "resolution": "2690", "withdrawal_by": "2023-12-31"}),
    ("mission-closed", {**MISSION}),
]


@pytest.mark.parametrize(
    ("kind", "fields"), GOOD, ids=[f"{k}-{i}" for i, (k, _) in enumerate(GOOD)]
)
def test_valid_events_are_recorded(tracker: Tracker, kind: str, fields: dict[str, Any]) -> None:
    recorded = tracker.record(kind, fields)
    assert recorded.event_id.startswith("TESTMIS/")


BAD: list[tuple[str, dict[str, Any], str]] = [
    (
        "deployed",
        {**CONTINGENT, "count": -5},
        "field 'count': Input should be greater than or equal to 1",
    ),
    ("deployed", {**CONTINGENT, "count": 0}, "field 'count'"),
    (
        "deployed",
        {**CONTINGENT, "count": 10**9},
        "field 'count': Input should be less than or equal to 1000000",
    ),
    (
        "deployed",
        {**CONTINGENT, "contributor": "Atlantis", "count": 5},
        "field 'contributor': unknown country 'Atlantis'",
    ),
    (
        "deployed",
        {**CONTINGENT, "count": 5, "valid": "2023-02-30"},
        "field 'valid': '2023-02-30' is not a date",
    ),
    (
        "deployed",
        {**CONTINGENT, "count": 5, "location": "Atlantis"},
        "field 'location': unknown location 'Atlantis'",
    ),
    (
        "deployed",
        {**CONTINGENT, "count": 5, "personnel_type": "generals"},
        "field 'personnel_type'",
    ),
    (
        "deployed",
        {**CONTINGENT, "count": 5, "source": {"title": "t"}},
        "field 'source.published_on': Field required",
    ),
    (
        "deployed",
        {**CONTINGENT, "count": 5, "colour": "blue"},
        "field 'colour': Extra inputs are not permitted",
    ),
    ("strength-reported", {**CONTINGENT}, "field 'strength': Field required"),
    (
        "deployed",
        {**CONTINGENT, "count": True},
        "field 'count': give a number of personnel, not true or false",
    ),
    ("withdrawal-announced", {**CONTINGENT}, "a partial withdrawal needs a count"),
    (
        "moved",
        {**CONTINGENT, "count": 5, "location": "Gao", "to_location": "Gao"},
        "two different locations",
    ),
    ("incident-noted", {**CONTINGENT, "kind": "riot", "description": "d"}, "field 'kind'"),
    (
        "mandate-renewed",
        {**MISSION, "resolution": "1", "ceilings": {"generals": 3}},
        "field 'ceilings.generals.[key]'",
    ),
    (
        "mandate-renewed",
        {**MISSION, "contributor": "CIV", "resolution": "1"},
        "a mandate-renewed event has no contributor",
    ),
    (
        "deployed",
        {**CONTINGENT, "mission": "NOPE", "count": 5},
        "mission 'NOPE' is not in the store",
    ),
    ("teleported", {**CONTINGENT}, "unknown event type 'teleported'"),
]


@pytest.mark.parametrize(
    ("kind", "fields", "message"), BAD, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(BAD)]
)
def test_invalid_events_are_refused_with_the_field_named(
    tracker: Tracker, kind: str, fields: dict[str, Any], message: str
) -> None:
    before = tracker.recorder.max_notification_id()
    with pytest.raises(TrackerError) as raised:
        tracker.record(kind, fields)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
    assert tracker.recorder.max_notification_id() == before


def test_outputs_strength_reported_event(tracker: Tracker) -> None:
    recorded = tracker.report_strength(
        **{**CONTINGENT, "contributor": "Cote d'Ivoire"},
        strength=900,
        location="Timbuktu",
        approximate=True,
    )
    stored = tracker.repository.get(Contingent.create_id("TESTMIS", "CIV")).pending_events
    assert stored == []  # saved, nothing left pending
    event = tracker.events.get(Contingent.create_id("TESTMIS", "CIV"))
    *_, last = list(event)
    assert isinstance(last, Contingent.StrengthReported)
    assert (
        recorded.event_id,
        last.contributor,
        last.location,
        last.strength,
        last.approximate,
    ) == ("TESTMIS/CIV/2", "CIV", "Tombouctou", 900, True)
    assert last.source.published_on.start.isoformat() == "2022-11-30"


def test_recorded_time_is_the_stores_not_the_users(tracker: Tracker) -> None:
    with pytest.raises(InvalidInputError, match="field 'timestamp'"):
        tracker.record("deployed", {**CONTINGENT, "count": 5, "timestamp": "2001-01-01T00:00:00Z"})


def test_location_must_be_in_the_host_country(tracker: Tracker) -> None:
    tracker.establish_mission(
        mission="OTHER", name="Other", host="COD", valid="2020-01-01", source=source()
    )
    with pytest.raises(InvalidInputError, match="Gao is in MLI, not in OTHER's host country COD"):
        tracker.deploy_contingent(**{**CONTINGENT, "mission": "OTHER"}, count=5, location="Gao")


def test_a_mission_is_established_once(tracker: Tracker) -> None:
    with pytest.raises(MissionExistsError, match="already established"):
        tracker.establish_mission(
            mission="testmis", name="Again", host="MLI", valid="2020-01-01", source=source()
        )


def test_a_retraction_cannot_be_retracted_or_corrected(tracker: Tracker) -> None:
    report = tracker.report_strength(**CONTINGENT, strength=100)
    retraction = tracker.retract_event(report.event_id, reason="wrong")
    for attempt in (
        lambda: tracker.retract_event(retraction.event_id, reason="the retraction was wrong"),
        lambda: tracker.correct_event(retraction.event_id, reason="x", changes={"count": 5}),
    ):
        with pytest.raises(InvalidInputError, match="is a retraction, which cannot itself be"):
            attempt()
