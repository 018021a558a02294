"""Recorded time (issue 15, items 5 and 6): the store's own time axis answers for every date a
command accepts, and an answer "as recorded at T" never changes once T has passed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import copy_seeded
from tests.helpers import source
from tracker import Tracker

DAY = date(2013, 12, 31)


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory, seed_templates: dict[str, Any]) -> Path:
    db = tmp_path_factory.mktemp("seeded") / "t.db"
    return copy_seeded(db, seed_templates, tmp_path_factory)


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


def test_events_recorded_after_2068_answer_on_the_recorded_axis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store's own clock past 2068 (the R*Tree's seconds ran out then)."""
    from tracker.store import stamping  # the store's clock (on main: no such module)

    tracker = Tracker(tmp_path / "t.db")
    tracker.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    monkeypatch.setattr(stamping, "clock", lambda: datetime(2070, 3, 1, 12, tzinfo=UTC))
    tracker.deploy_contingent(
        mission="TESTMIS", contributor="BEN", valid="2021-01-01", count=50, source=source()
    )
    answers = {
        at: tracker.strength("TESTMIS", date(2021, 6, 30), recorded_at=at).total
        for at in ("2070-03-01T11:59:00", "2070-03-01T12:00:00", "2070-03-02", "2099-12-31")
    }
    tracker.close()
    assert answers == {
        "2070-03-01T11:59:00": 0,
        "2070-03-01T12:00:00": 50,
        "2070-03-02": 50,
        "2099-12-31": 50,
    }


# --- item 5: recorded time is the commit's ---------------------------------------------------

CONTRIBUTORS = ["BEN", "BFA", "CIV", "EGY", "GIN", "NER", "SEN", "TCD", "TGO", "BGD", "NPL"]


def big_import(path: Path, months: int) -> int:
    """A JSON Lines file of monthly strength reports: long enough to take seconds."""
    lines = []
    for n in range(months):
        year, month = 2014 + n // 12, 1 + n % 12
        day = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).isoformat()
        for i, contributor in enumerate(CONTRIBUTORS):
            for personnel_type in ("troops", "staff_officers", "individual_police"):
                fields = {
                    "type": "strength-reported",
                    "mission": "TESTMIS",
                    "contributor": contributor,
                    "personnel_type": personnel_type,
                    "valid": day,
                    "strength": 100 + i + n,
                    "source": source("2024-01-01"),
                }
                lines.append(json.dumps(fields))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def tracker_command(store: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "tracker", "--db", store, *args]


RECORD = [
    "record",
    "deployed",
    "--mission",
    "TESTMIS",
    "--contributor",
    "SWE",
    "--valid",
    "2015-01-01",
    "--count",
    "7",
    "--source-title",
    "Test",
    "--published-on",
    "2015-01-02",
]


def test_as_recorded_at_t_never_changes_once_t_has_passed(store: str, tmp_path: Path) -> None:
    """A unit of work took its recorded time when it began and committed later: a question
    asked at T during an import answered without it, and asked again after the commit, with
    it. Here a reader asks "as recorded now" over and over while another process imports
    (and a third records one event meanwhile); afterwards every one of those questions is
    asked again and must get the same answer."""
    setup = Tracker(store)
    setup.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2013-01-01", source=source()
    )
    setup.close()
    count = big_import(tmp_path / "big.jsonl", 60)
    importer = subprocess.Popen(
        tracker_command(store, "import", str(tmp_path / "big.jsonl")),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    reader = Tracker(store, create=False, views_dir=tmp_path / "reader")
    asked: list[tuple[str, int | None]] = []
    writer: subprocess.Popen[bytes] | None = None
    while importer.poll() is None:
        at = datetime.now(UTC).isoformat()
        asked.append((at, reader.strength("TESTMIS", DAY_AFTER, recorded_at=at).total))
        if writer is None:  # another writer, while the import goes on
            writer = subprocess.Popen(tracker_command(store, *RECORD), stdout=subprocess.PIPE)
        time.sleep(0.01)
    out, err = importer.communicate()
    assert importer.returncode == 0, err.decode()
    assert out.decode().startswith(f"Imported {count} events")
    assert writer is not None
    assert writer.wait(timeout=120) == 0
    final = reader.strength("TESTMIS", DAY_AFTER).total
    again = [(at, reader.strength("TESTMIS", DAY_AFTER, recorded_at=at).total) for at, _ in asked]
    reader.close()
    assert len(asked) >= 10, "the import ended before the reader could ask"
    assert {total for _, total in asked} <= {0, 7, final - 7, final}
    assert [pair for pair in again if pair not in asked] == []
    # Recorded times follow the log: one time per commit, each commit later than the last.
    times = recorded_times(store)
    assert times == sorted(times)
    commits = [t for i, t in enumerate(times) if i == 0 or t != times[i - 1]]
    assert len(commits) == len(set(commits)) == 3  # the mission, the import, the deployment


DAY_AFTER = date(2019, 12, 31)


def recorded_times(store: str) -> list[str]:
    tracker = Tracker(store, create=False)
    found = [
        json.loads(n.state)["timestamp"]
        for n in tracker.recorder.select_notifications(start=1, limit=1_000_000)
    ]
    tracker.close()
    return found
