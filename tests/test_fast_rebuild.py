"""The fast paths of the strength view's rebuild (issue 19): each test counts the work a path
does, or compares it with the slow way, so that it fails without the path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
from eventsourcing.persistence import StoredEvent

from events.contingent import UN_MONTHLY_TITLE, Contingent
from projections.engine import Projection
from projections.strength import StrengthProjection, stored_change, stored_times, times_of
from tests.helpers import source
from tracker import Tracker

TABLES = ("strength_changes", "strength_intervals", "mission_totals", "mission_closures")


@pytest.fixture
def history(tmp_path: Path) -> Iterator[Tracker]:
    """A SQLite store with a change of every kind, a correction, a retraction and events that
    change no strength, of two contingents and their mission (closed)."""
    tracker = Tracker(str(tmp_path / "tracker.db"))
    at = {"mission": "TESTMIS", "source": source("2021-02")}
    tracker.establish_mission(**at, name="Test mission", host="MLI", valid="2020-01-01")
    tracker.deploy_contingent(**at, contributor="BEN", valid="2020-03", count=400)
    tracker.report_strength(
        **at, contributor="BEN", valid="2020-04-30", strength=390, location="Gao"
    )
    tracker.report_strength(
        **at, contributor="BEN", valid="2020-05-31", strength=380, approximate=True
    )
    tracker.move_contingent(
        **at, contributor="BEN", valid="2020-06-10", count=50, location="Gao", to_location="Kidal"
    )
    wrong = tracker.withdraw_contingent(**at, contributor="BEN", valid="2020-07-01", count=30)
    tracker.correct_event(wrong.event_id, "it was 20", {"count": 20})
    tracker.deploy_contingent(**at, contributor="TCD", valid="2020-02-01", count=1200)
    retracted = tracker.report_strength(
        **{**at, "source": source("2020-09-30")}, contributor="TCD", valid="2020-08", strength=9
    )
    tracker.retract_event(retracted.event_id, "not what the source says")
    tracker.announce_withdrawal(**at, contributor="TCD", valid="2020-09-01", full=True)
    tracker.withdraw_contingent(**at, contributor="TCD", valid="2020-10-01")
    tracker.record("total-reported", {**at, "valid": "2020-10-31", "strength": 1500})
    tracker.close_mission(**at, valid="2021-01-31")
    yield tracker
    tracker.close()


def tables(tracker: Tracker) -> dict[str, list[Any]]:
    db = tracker.view("strength").db
    return {t: sorted(map(repr, db.execute(f"SELECT * FROM {t}"))) for t in TABLES}


def test_the_view_reads_a_contingents_events_without_validating_them_again(
    history: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    validated: list[type] = []
    init = pydantic.BaseModel.__init__

    def counting(self: pydantic.BaseModel, **data: Any) -> None:
        validated.append(type(self))
        init(self, **data)

    monkeypatch.setattr(pydantic.BaseModel, "__init__", counting)
    assert history.rebuild_projection("strength") == 17
    fast = tables(history)
    assert validated, "the mission's events are decoded in full"
    assert not [c for c in validated if issubclass(c, Contingent.Event)]
    # The same view from every event decoded and validated (the engine's default).
    monkeypatch.setattr(StrengthProjection, "process_stored", Projection.process_stored)
    history.rebuild_projection("strength")
    assert [c for c in validated if issubclass(c, Contingent.Event)]
    assert tables(history) == fast
    assert len(fast["strength_changes"]) == 9
    assert len(fast["strength_intervals"]) > 9


def stored(history: Tracker) -> list[StoredEvent]:
    return list(history.recorder.select_notifications(start=1, limit=100))


def edited(event: StoredEvent, edit: Any) -> StoredEvent:
    state = json.loads(event.state)
    edit(state)
    return StoredEvent(
        event.originator_id, event.originator_version, event.topic, json.dumps(state).encode()
    )


def older(state: dict[str, Any]) -> None:
    """A report as stored before ``authoritative`` existed (class version 1), by the UN
    monthly import, with no location stored (a field given its default)."""
    del state["class_version"], state["authoritative"], state["location"]
    state["source"]["title"] = UN_MONTHLY_TITLE


def test_a_change_read_from_its_stored_state_is_the_change_of_the_event(
    history: Tracker,
) -> None:
    mapper = history.mapper
    notes = stored(history)
    reports = [n for n in notes if n.topic.endswith("StrengthReported")]
    notes += [edited(n, older) for n in reports]
    changes = 0
    for note in notes:
        cls, state = mapper.read_state(note)
        event: Any = mapper.to_domain_event(note)
        if not issubclass(cls, Contingent.Event):
            continue
        assert stored_times(state) == times_of(event)
        assert (state.get("retracts") or state.get("corrects")) == (
            getattr(event, "retracts", None) or getattr(event, "corrects", None)
        )
        if issubclass(cls, Contingent.ChangeEvent):
            assert stored_change(cls, state) == event.as_change()
            changes += 1
    upcast = [mapper.read_state(edited(n, older))[1] for n in reports]
    assert {s["authoritative"] for s in upcast} == {True}  # the upcast ran on the state
    assert changes == 9 + len(reports)
