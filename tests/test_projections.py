"""The read models: rebuild equals catch-up, exactly once, rebuilt when their version changes."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from events.errors import TrackerError
from projections import StrengthProjection
from tests.helpers import source
from tracker import Tracker


def random_history(tracker: Tracker, steps: int, seed: int) -> int:
    """Record a deterministic jumble of reports, deployments, withdrawals, moves (back-dated
    ones among them) and retractions, checking strength after each accepted one (so the view
    catches up event by event). Refused commands are skipped. Returns how many were accepted."""
    rng = random.Random(seed)
    accepted: list[str] = []
    for _ in range(steps):
        contributor = rng.choice(["BEN", "TCD", "SWE"])
        valid = (date(2021, 1, 1) + timedelta(days=rng.randrange(0, 900))).isoformat()
        at = {"mission": "TESTMIS", "contributor": contributor, "valid": valid, "source": source()}
        location = rng.choice([None, "Gao", "Kidal", "Timbuktu"])
        kind = rng.choice(
            ["report", "deploy", "withdraw", "withdraw", "move", "retract", "announce", "mandate"]
        )
        try:
            if kind == "report":
                done = tracker.report_strength(
                    **at, strength=rng.randrange(0, 500), location=location
                )
            elif kind == "deploy":
                done = tracker.deploy_contingent(
                    **at, count=rng.randrange(1, 200), location=location
                )
            elif kind == "withdraw":
                done = tracker.withdraw_contingent(
                    **at, count=rng.randrange(1, 300), location=location
                )
            elif kind == "announce":
                done = tracker.announce_withdrawal(
                    **at, count=rng.randrange(1, 300), target="2023-06"
                )
            elif kind == "mandate":
                done = tracker.renew_mandate(
                    mission="TESTMIS",
                    valid=valid,
                    source=source(),
                    resolution=str(rng.randrange(2000, 2700)),
                    ceilings={"military": rng.randrange(1000, 20000)},
                )
            elif kind == "move":
                done = tracker.move_contingent(
                    **at, count=rng.randrange(1, 100), location=location, to_location="Ménaka"
                )
            elif accepted:
                done = tracker.retract_event(rng.choice(accepted), reason="test")
            else:
                continue
        except TrackerError:
            continue
        accepted.append(done.event_id)
        tracker.strength("TESTMIS", date.fromisoformat(valid))
    return len(accepted)


def test_rebuild_from_zero_equals_incremental_catch_up(tmp_path: Path) -> None:
    tracker = Tracker(tmp_path / "t.db")
    tracker.establish_mission(
        mission="TESTMIS", name="Test", host="MLI", valid="2020-01-01", source=source()
    )
    accepted = random_history(tracker, 300, seed=7)
    assert accepted > 100
    tracker.catch_up()
    for view in tracker.views():
        rebuilt = type(view)(tmp_path / f"rebuilt.{view.name}.db")
        applied = rebuilt.catch_up(tracker, batch_size=37)  # several batches
        assert applied == tracker.recorder.max_notification_id()
        assert dump(rebuilt) == dump(view), view.name
    assert len(tracker.strength_view.db.execute("SELECT * FROM strength_intervals").fetchall()) > 50
    assert (
        tracker.announcement_view.db.execute("SELECT COUNT(*) FROM announcements").fetchone()[0]
        > 10
    )
    assert tracker.mandate_view.db.execute("SELECT COUNT(*) FROM mandates").fetchone()[0] > 10


def dump(projection: Any) -> dict[str, list[tuple[Any, ...]]]:
    tables = [t for t in projection.db.table_names() if not t.startswith("_") and "_fts" not in t]
    found = {t: projection.db.execute(f"SELECT * FROM [{t}]").fetchall() for t in tables}
    return {t: sorted((tuple(r) for r in v), key=repr) for t, v in found.items()}


class Crash(Exception):
    pass


def test_exactly_once_after_crash_between_view_write_and_position(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker = Tracker(tmp_path / "t.db")
    tracker.establish_mission(
        mission="TESTMIS", name="Test", host="MLI", valid="2020-01-01", source=source()
    )
    tracker.report_strength(
        mission="TESTMIS", contributor="BEN", valid="2022-01-01", strength=250, source=source()
    )
    tracker.deploy_contingent(
        mission="TESTMIS", contributor="BEN", valid="2022-02-01", count=136, source=source()
    )
    view = tracker.strength_view
    original = StrengthProjection._record_position

    def crash(self: StrengthProjection, *args: Any) -> None:
        # The rows of the batch are written by now: prove it, then die before the position.
        # (a small last batch derives its contingents' rows in its own transaction)
        assert self.db.execute("SELECT COUNT(*) FROM strength_changes").fetchone()[0] > 0
        assert self.db.execute("SELECT COUNT(*) FROM strength_intervals").fetchone()[0] > 0
        raise Crash

    monkeypatch.setattr(StrengthProjection, "_record_position", crash)
    with pytest.raises(Crash):
        view.catch_up(tracker)
    # Nothing of the batch is left: no rows, no position.
    for table in ("strength_changes", "strength_dirty", "strength_intervals"):
        assert view.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
    assert view.position(tracker.name) == 0
    # Restarted: each event applied once, same as a clean rebuild.
    monkeypatch.setattr(StrengthProjection, "_record_position", original)
    reopened = StrengthProjection(tmp_path / "t.strength.db")
    assert reopened.catch_up(tracker) == tracker.recorder.max_notification_id()
    assert reopened.catch_up(tracker) == 0
    assert [r.strength for r in reopened.strength("TESTMIS", date(2022, 2, 1))] == [386]
    clean = StrengthProjection(tmp_path / "clean.db")
    clean.catch_up(tracker)
    assert dump(clean) == dump(reopened)


def test_position_that_moved_under_a_batch_rolls_it_back(tmp_path: Path) -> None:
    tracker = Tracker(tmp_path / "t.db")
    tracker.establish_mission(
        mission="TESTMIS", name="Test", host="MLI", valid="2020-01-01", source=source()
    )
    view = tracker.strength_view
    view.catch_up(tracker)
    with view.transaction(), pytest.raises(RuntimeError, match="position moved"):
        view._record_position(tracker.name, 0, 5, "x/1")


def test_a_new_projection_version_is_rebuilt_from_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker = Tracker(tmp_path / "t.db")
    tracker.establish_mission(
        mission="TESTMIS", name="Test", host="MLI", valid="2020-01-01", source=source()
    )
    tracker.report_strength(
        mission="TESTMIS", contributor="BEN", valid="2022-01-01", strength=250, source=source()
    )
    tracker.catch_up()
    monkeypatch.setattr(StrengthProjection, "version", StrengthProjection.version + 1)
    upgraded = StrengthProjection(tmp_path / "t.strength.db")
    assert upgraded.position(tracker.name) == 0
    assert upgraded.catch_up(tracker) == tracker.recorder.max_notification_id()
    assert [r.strength for r in upgraded.strength("TESTMIS", date(2022, 1, 1))] == [250]


def test_a_view_left_beside_another_store_is_rebuilt(tmp_path: Path) -> None:
    first = Tracker(tmp_path / "t.db")
    first.establish_mission(
        mission="TESTMIS", name="Test", host="MLI", valid="2020-01-01", source=source()
    )
    first.report_strength(
        mission="TESTMIS", contributor="BEN", valid="2022-01-01", strength=250, source=source()
    )
    assert [r.strength for r in first.strength("TESTMIS", date(2022, 1, 1)).rows] == [250]
    first.close()
    (tmp_path / "t.db").unlink()  # the store goes; its view file stays
    second = Tracker(tmp_path / "t.db")
    second.establish_mission(
        mission="TESTMIS", name="Test", host="MLI", valid="2020-01-01", source=source()
    )
    second.report_strength(
        mission="TESTMIS", contributor="BEN", valid="2022-01-01", strength=99, source=source()
    )
    assert [r.strength for r in second.strength("TESTMIS", date(2022, 1, 1)).rows] == [99]
    assert second.strength_view.rebuilt_because == (
        "it was built from another event store; it was kept as t.strength.db.aside"
    )


def test_appends_caught_up_one_by_one_equal_a_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The usual arrival (later in valid and knowledge time than all before) takes the short
    way, from the rows as known now; mixed with back-dated ones, which take the sweep, the
    view stays equal to a rebuild."""
    tracker = Tracker(tmp_path / "t.db")
    tracker.establish_mission(
        mission="TESTMIS", name="Test", host="MLI", valid="2020-01-01", source=source()
    )
    taken: list[str] = []
    original = StrengthProjection.append_one

    def counting(self: StrengthProjection, mission: str, contributor: str, last: str) -> bool:
        done = original(self, mission, contributor, last)
        taken.append("short" if done else "sweep")
        return done

    monkeypatch.setattr(StrengthProjection, "append_one", counting)
    cells = [(None, None), ("Gao", None), (None, "troops"), ("Kidal", "troops")]
    for n in range(40):
        location, personnel_type = cells[n % len(cells)]
        back = n % 7 == 6  # now and then a back-dated figure, published late
        day = date(2021, 1, 1) + timedelta(days=10 * n - (25 if back else 0))
        # published with the one before it now and then (one source, several figures)
        published = date(2021, 1, 5) + timedelta(days=10 * (n - (n % 5 == 1)))
        common = {
            "mission": "TESTMIS",
            "contributor": "BEN",
            "valid": day.isoformat(),
            "location": location,
            "source": source(published.isoformat()),
        }
        if n % 3 == 2:
            tracker.deploy_contingent(**common, count=5 + n, personnel_type=personnel_type)
        else:
            tracker.report_strength(**common, strength=100 + n, personnel_type=personnel_type)
        tracker.strength_view.catch_up(tracker)
    assert taken.count("short") > 20
    assert taken.count("sweep") > 3
    clean = StrengthProjection(tmp_path / "clean.db")
    clean.catch_up(tracker)
    assert dump(clean) == dump(tracker.strength_view)


def answers(view: StrengthProjection, times: list[str]) -> list[Any]:
    """Strength on many dates, as known and recorded at many times, by every grouping."""
    found = []
    for n in range(0, 1000, 23):
        on = date(2021, 1, 1) + timedelta(days=n)
        for known_at in (None, on, on + timedelta(days=90)):
            for recorded_at in (None, *times):
                for by in ((), ("contributor",), ("contributor", "location")):
                    found.append(
                        view.strength("TESTMIS", on, by, known_at=known_at, recorded_at=recorded_at)
                    )
    return found


def test_a_rebuilds_grouped_boxes_answer_as_boxes_of_one_row(tmp_path: Path) -> None:
    """A rebuild puts up to BOX_ROWS rows of one contingent in one box of the R*Tree (issue
    25); rows caught up one by one have a box each. Both views answer alike on every axis,
    and still do after more events (rows of a group ended in recorded time, rows added)."""
    tracker = Tracker(tmp_path / "t.db")
    tracker.establish_mission(
        mission="TESTMIS", name="Test", host="MLI", valid="2020-01-01", source=source()
    )
    assert random_history(tracker, 300, seed=11) > 100
    rebuilt = StrengthProjection(tmp_path / "rebuilt.strength.db")
    rebuilt.rebuild(tracker)
    boxes = rebuilt.db.execute("SELECT COUNT(*), SUM(hi > id) FROM _strength_box").fetchone()
    rows = rebuilt.db.execute("SELECT COUNT(*) FROM strength_intervals").fetchone()[0]
    assert boxes[1] > 0  # groups
    assert boxes[0] < rows / 2  # far fewer boxes than rows
    one_by_one = tracker.strength_view.db.execute(
        "SELECT COUNT(*), SUM(hi > id) FROM _strength_box"
    ).fetchone()
    assert one_by_one == (rows, 0)
    times = [r[0] for r in rebuilt.db.execute("SELECT DISTINCT recorded FROM strength_changes")]
    assert len(times) > 100
    sampled = times[::40]
    assert answers(rebuilt, sampled) == answers(tracker.strength_view, sampled)
    random_history(tracker, 120, seed=12)  # corrections, retractions, back-dated changes
    tracker.catch_up()
    rebuilt.catch_up(tracker)
    times = [r[0] for r in rebuilt.db.execute("SELECT DISTINCT recorded FROM strength_changes")]
    sampled = times[::40] + times[-3:]
    assert answers(rebuilt, sampled) == answers(tracker.strength_view, sampled)
