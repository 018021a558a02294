"""A shared store: several writers at once, a follower, moving a store between backends, and
a password that never shows. Runs on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, postgres_store
from tests.helpers import source
from tracker import Tracker
from tracker.cli import cli

WRITER = textwrap.dedent("""
    import sys
    from tracker import Tracker
    from tests.helpers import source
    tracker = Tracker(sys.argv[1])
    for n in range(int(sys.argv[3])):
        tracker.deploy_contingent(mission="TESTMIS", contributor=sys.argv[2],
                                  valid=f"2022-{1 + n % 12:02d}-01", count=1, source=source())
    tracker.close()
""")
FOLLOWER = textwrap.dedent("""
    import sys, time
    from tracker import Tracker
    tracker = Tracker(sys.argv[1], views_dir=sys.argv[2])
    done = __import__("pathlib").Path(sys.argv[3])
    deadline = time.time() + 300
    while time.time() < deadline and not done.exists():  # follows while the writers write
        tracker.catch_up()
        time.sleep(0.05)
    tracker.catch_up()
    print(tracker.strength_view.position(tracker.name), flush=True)
""")


def spawn(script: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
    )


def dump(tracker: Tracker) -> dict[str, list[tuple[object, ...]]]:
    out = {}
    for view in tracker.views():
        for table in view.db.table_names():
            if not table.startswith("_") and "_fts" not in table:
                out[f"{view.name}.{table}"] = sorted(
                    (tuple(r) for r in view.db.execute(f"SELECT * FROM [{table}]")), key=repr
                )
    return out


def test_four_writers_and_a_follower(store: str, tmp_path: Path) -> None:
    setup = Tracker(store)
    setup.establish_mission(
        mission="TESTMIS", name="T", host="MLI", valid="2020-01-01", source=source()
    )
    start = setup.recorder.max_notification_id() or 0
    setup.close()
    # Two writers on the same contingent (they race for its versions), two on others.
    expected = start + 4 * 500 + 3  # + the streams opened for the three contributors
    done = tmp_path / "writers-done"
    follower = spawn(FOLLOWER, store, str(tmp_path / "follower"), str(done))
    writers = [spawn(WRITER, store, who, "500") for who in ("TCD", "TCD", "BEN", "NER")]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
    done.touch()
    out, err = follower.communicate(timeout=300)
    assert follower.returncode == 0, err
    tracker = Tracker(store)
    notes = tracker.recorder.select_notifications(start=1, limit=10_000)
    # PostgreSQL's positions may skip numbers (a lost race rolls back); no event is missing.
    assert len(notes) == expected
    deployed = dict.fromkeys(("TCD", "BEN", "NER"), 0)
    for note in notes:
        if note.topic.endswith("Deployed"):
            deployed[tracker.mapper.to_domain_event(note).contributor] += 1
    assert deployed == {"TCD": 1000, "BEN": 500, "NER": 500}  # all 2,000 present
    # The follower saw every position once: its views equal a clean rebuild.
    assert int(out) == notes[-1].id
    follower_views = Tracker(store, views_dir=tmp_path / "follower")
    for view in tracker.views():
        view.rebuild(tracker)
    assert dump(follower_views) == dump(tracker)
    assert {
        r.contributor: r.strength
        for r in tracker.strength(
            "TESTMIS", __import__("datetime").date(2023, 1, 1), ["contributor"]
        ).rows
    } == {"BEN": 500, "NER": 500, "TCD": 1000}


def test_copy_store_round_trip_gives_identical_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import SEEDS

    first = tmp_path / "first.db"
    seeded = Tracker(first)
    seeded.load_seeds(SEEDS, missions=["MINUSMA"])
    count = seeded.recorder.max_notification_id() or 0
    seeded.close()
    stores = postgres_store(tmp_path / "pg", monkeypatch)
    url = next(stores)
    back = tmp_path / "back.db"
    runner = CliRunner()
    for origin, target in ((str(first), url), (url, str(back))):
        result = runner.invoke(cli, ["copy-store", "--from", origin, "--to", target])
        assert result.exit_code == 0, result.output
        assert result.output.startswith(f"Copied {count:,} events to ")
        assert "tracker-test-password" not in result.output
    answers = []
    for db in (str(first), url, str(back)):
        outputs = []
        for args in (
            [
                "strength",
                "MINUSMA",
                "--on",
                "2023-06-30",
                "--by",
                "contributor",
                "--by",
                "location",
                "--format",
                "json",
            ],
            ["history", "MINUSMA", "--format", "json"],
            ["announcements", "MINUSMA", "--on", "2023-06-30", "--format", "json"],
        ):
            result = runner.invoke(cli, ["--db", db, *args])
            assert result.exit_code == 0
            outputs.append(result.stdout)
        answers.append(outputs)
    assert answers[0] == answers[1] == answers[2]
    assert json.loads(answers[0][1])[0]["recorded_at"]  # recorded times travel with the events
    again = runner.invoke(cli, ["copy-store", "--from", str(first), "--to", str(back)])
    assert again.exit_code == 2
    assert "is not empty - copy into a new one" in again.output
    for _ in stores:  # drops the schema
        pass


def test_the_password_never_shows(tmp_path: Path) -> None:
    runner = CliRunner()
    help_text = runner.invoke(
        cli, ["--help"], env={"TRACKER_DATABASE_URL": "postgresql://u:s3cr3t@127.0.0.1:9/db"}
    ).output
    assert "s3cr3t" not in help_text
    result = runner.invoke(
        cli,
        [
            "--database-url",
            "postgresql://u:s3cr3t@127.0.0.1:9/db",
            "strength",
            "X",
            "--on",
            "2022-01-01",
        ],
    )
    assert result.exit_code != 0
    assert "s3cr3t" not in result.output
    assert "postgresql://u:***@127.0.0.1:9/db" in result.output
    assert result.output.count("\n") == 1


def test_follow_stops_cleanly_on_ctrl_c(store: str, tmp_path: Path) -> None:
    setup = Tracker(store)
    setup.establish_mission(
        mission="TESTMIS", name="T", host="MLI", valid="2020-01-01", source=source()
    )
    setup.close()
    follower = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tracker",
            "--db",
            store,
            "--views-dir",
            str(tmp_path),
            "follow",
            "--interval",
            "0.1",
        ],
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    time.sleep(2)
    writer = Tracker(store)
    writer.deploy_contingent(
        mission="TESTMIS", contributor="TCD", valid="2022-01-01", count=5, source=source()
    )
    writer.close()
    time.sleep(2)
    follower.send_signal(signal.SIGINT)
    out, err = follower.communicate(timeout=30)
    assert (follower.returncode, err) == (0, "")
    assert "Applied" in out
    assert out.splitlines()[-1] == "Stopped; every view is caught up to its recorded position"
