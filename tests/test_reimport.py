"""Importing again (issue 15, items 10 and 13): a JSON Lines file imported twice adds
nothing, as the UN imports do; an import that loses a race with another writer is tried
again, all or nothing, as 'tracker record' is."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import SEEDS
from tests.helpers import source
from tracker import Tracker
from tracker.app.unit_of_work import UnitOfWork
from tracker.cli import cli

PRESENCE = SEEDS / "minusma-presence-geopko-2014-2024.jsonl"


def count(store: str) -> int:
    tracker = Tracker(store, create=False)
    found = tracker.recorder.max_notification_id() or 0
    tracker.close()
    return found


def run(store: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", store, *args])
    return result.exit_code, result.output


def test_a_file_imported_again_adds_nothing_and_says_so(seeded_db: str) -> None:
    """The presence seed imported a second time was recorded again: 548 events twice."""
    before = count(seeded_db)
    code, out = run(seeded_db, "import", str(PRESENCE))
    assert (code, out) == (
        0,
        f"Imported 0 events from {PRESENCE}; 548 events already in the store, skipped\n",
    )
    assert count(seeded_db) == before
    # the seeds as a whole, loaded again: nothing new, and each file says why
    code, out = run(seeded_db, "seed", "--mission", "MINUSMA", str(SEEDS))
    assert code == 0, out
    assert out.splitlines()[-2:] == [
        f"Loaded {PRESENCE}: 0 events (548 already in the store, skipped)",
        f"Loaded {SEEDS / 'minusma-corrections.jsonl'}: 0 events (1 already in the store, skipped)",
    ]
    assert count(seeded_db) == before


def deployment(count: int = 50, **extra: Any) -> str:
    fields = {
        "type": "deployed",
        "mission": "TESTMIS",
        "contributor": "BEN",
        "valid": "2021-03-01",
        "count": count,
        "personnel_type": "troops",
        "source": source(),
        **extra,
    }
    return json.dumps(fields)


def test_the_same_event_twice_in_one_file_is_two_events(tracker: Tracker) -> None:
    """Two deployments of 50 on one day from one source are two events; importing the file
    again matches each stored one to one line, so it still adds nothing."""
    twice = [deployment(), deployment()]
    first = tracker.import_events(twice)
    assert (first.count, first.skipped) == (2, 0)
    again = tracker.import_events(twice)
    assert (again.count, again.skipped) == (0, 2)
    thrice = tracker.import_events([*twice, deployment()])  # one more than the store holds
    assert (thrice.count, thrice.skipped) == (1, 2)
    assert tracker.strength("TESTMIS", __import__("datetime").date(2021, 3, 31)).total == 150


@pytest.mark.parametrize(
    "changed",
    [
        {"count": 51},
        {"valid": "2021-03-02"},
        {"personnel_type": "staff_officers"},
        {"source": source(title="Another source")},
        {"source": source(published_on="2022-12-01")},
    ],
)
def test_an_event_that_differs_in_any_field_is_recorded(tracker: Tracker, changed: dict) -> None:
    tracker.import_events([deployment()])
    result = tracker.import_events([json.dumps({**json.loads(deployment()), **changed})])
    assert (result.count, result.skipped) == (1, 0)


def test_recognising_known_events_reads_each_stream_once(
    tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import of N events into a stream of L must cost N + L digests, not N x L."""
    import tracker.app.known as known  # (on main: no such module)

    stream = [
        deployment(count=1, valid=f"2021-{1 + n % 12:02d}-{1 + n % 28:02d}") for n in range(600)
    ]
    tracker.import_events(stream)
    digests = [0]
    real = known.content_key

    def counted(event: Any) -> bytes:
        digests[0] += 1
        return real(event)

    monkeypatch.setattr(known, "content_key", counted)
    new = [deployment(count=2, valid=f"2022-01-{1 + n % 28:02d}") for n in range(300)]
    result = tracker.import_events(new + stream)
    assert (result.count, result.skipped) == (300, 600)
    assert digests[0] == 600 + 900  # the stream read once, each line of the file once


def test_an_import_that_loses_a_race_is_tried_again(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer changes the same contingent between the import's checks and its
    commit: the import used to fail at once ('run the command again')."""
    setup = Tracker(store)
    setup.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    setup.deploy_contingent(
        mission="TESTMIS", contributor="BEN", valid="2021-01-01", count=100, source=source()
    )
    importer = Tracker(store)
    saves = [0]
    real_save = UnitOfWork.save

    def racing_save(self: UnitOfWork) -> None:
        if self.tracker is not importer:
            return real_save(self)
        saves[0] += 1
        if saves[0] == 1:  # the other writer gets there first, once
            setup.withdraw_contingent(
                mission="TESTMIS", contributor="BEN", valid="2021-02-01", count=10, source=source()
            )
        real_save(self)

    monkeypatch.setattr(UnitOfWork, "save", racing_save)
    result = importer.import_events([deployment(count=5, valid="2021-03-01")] * 3)
    monkeypatch.undo()
    assert saves[0] == 2
    assert result.count == 3
    assert result.event_ids == ["TESTMIS/BEN/4", "TESTMIS/BEN/5", "TESTMIS/BEN/6"]
    on = __import__("datetime").date(2021, 3, 31)
    assert importer.strength("TESTMIS", on).total == 100 - 10 + 15
    assert importer.verify().ok
    setup.close()
    importer.close()


def test_two_importers_of_the_same_contingents_both_succeed(store: str, tmp_path: Path) -> None:
    """Real processes: two imports into the same contingents at once; each is tried again
    until it wins, and the store ends with every event of both, once."""
    setup = Tracker(store)
    setup.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    setup.close()
    files = []
    for n in range(2):
        lines = [
            deployment(count=1 + n, contributor=code, valid=f"2021-{1 + day % 12:02d}-01")
            for code in ("BEN", "TCD", "SEN", "NER")
            for day in range(300)
        ]
        path = tmp_path / f"import{n}.jsonl"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    command = [sys.executable, "-m", "tracker", "--db", store, "import"]
    children = [
        subprocess.Popen([*command, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for path in files
    ]
    outcomes = [(child.wait(timeout=600), child.stderr.read().decode()) for child in children]  # type: ignore[union-attr]
    assert outcomes == [(0, ""), (0, "")]
    tracker = Tracker(store, create=False)
    verified = tracker.verify()  # (PostgreSQL's positions may skip numbers after a lost race)
    tracker.close()
    assert (verified.ok, verified.events) == (True, 2 + 4 + 2 * 1200)  # mission, Opened, files
