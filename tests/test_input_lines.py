"""Input that was accepted wrongly or refused wrongly (issue 15, items 12 and 14): each gets a
clear one-line answer, exit status 2 and nothing written, or is accepted as it should be."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from events.errors import InvalidInputError
from tests.conftest import copy_seeded
from tests.helpers import source
from tracker import Tracker
from tracker.cli import cli

MISSION = {
    "type": "mission-established",
    "mission": "TESTMIS",
    "name": "Test mission",
    "host": "MLI",
    "valid": "2020-01-01",
    "source": source(),
}


def line(**fields: Any) -> str:
    return json.dumps(fields, ensure_ascii=False)


def deployed(count: int = 50, **extra: Any) -> dict[str, Any]:
    return {
        "type": "deployed",
        "mission": "TESTMIS",
        "contributor": "BEN",
        "valid": "2021-03-01",
        "count": count,
        "personnel_type": "troops",
        "source": source(),
        **extra,
    }


def events_in(db: Path) -> int:
    if not db.exists():
        return 0
    tracker = Tracker(db, create=False)
    found = tracker.recorder.max_notification_id() or 0
    tracker.close()
    return found


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


# --- item 12: lines end at \n only -------------------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_a_valid_json_line_with_a_unicode_line_break_in_a_string_is_accepted(
    tmp_path: Path, separator: str, ending: str
) -> None:
    """str.splitlines cut the line at U+2028, U+2029 and U+0085 (valid inside a JSON
    string): the import said 'not valid JSON'."""
    description = f"convoy attacked{separator}two vehicles lost"
    incident = {
        "type": "incident-noted",
        "mission": "TESTMIS",
        "kind": "attack",
        "description": description,
        "valid": "2021-03-02",
        "source": source(),
    }
    path = tmp_path / "events.jsonl"
    path.write_bytes(ending.join([line(**MISSION), line(**incident), ""]).encode())
    db = tmp_path / "t.db"
    code, out, err = run(db, "import", str(path))
    assert (code, err) == (0, "")
    assert out == f"Imported 2 events from {path}: 1 Established, 1 IncidentNoted\n"
    tracker = Tracker(db, create=False)
    stored = tracker.get_event("TESTMIS/3")
    tracker.close()
    assert getattr(stored, "description", None) == description


def test_a_bad_line_after_a_unicode_line_break_is_named_by_its_number(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    incident = {
        "type": "incident-noted",
        "mission": "TESTMIS",
        "kind": "attack",
        "description": "one\u2028two\u2029three",
        "valid": "2021-03-02",
        "source": source(),
    }
    path.write_text("\n".join([line(**MISSION), line(**incident), "{not json", ""]), "utf-8")
    code, _, err = run(tmp_path / "t.db", "import", str(path))
    assert code == 2
    assert err.startswith(f"Error: {path}:3: not valid JSON")
    assert events_in(tmp_path / "t.db") == 0


# --- item 14: duplicate keys, a future source, a mandate ending before it begins ----------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('"count": 50, "count": 5000', "count"),
        (
            '"count": 50, "source": {"title": "A", "title": "B", "published_on": "2022-11-30"}',
            "title",
        ),
    ],
)
def test_a_key_given_twice_in_one_object_is_refused(tmp_path: Path, text: str, key: str) -> None:
    """JSON readers silently keep the last of two equal keys: 50 or 5,000 deployed?"""
    fields = deployed()
    del fields["count"]
    if key == "title":
        del fields["source"]
    body = json.dumps(fields)[:-1] + ", " + text + "}"
    path = tmp_path / "events.jsonl"
    path.write_text(line(**MISSION) + "\n" + body + "\n", "utf-8")
    code, out, err = run(tmp_path / "t.db", "import", str(path))
    assert (code, out) == (2, "")
    assert err == (
        f"Error: {path}:2: key {key!r} appears twice in one object - keep one (JSON readers "
        "would silently take the last)\n"
    )
    assert events_in(tmp_path / "t.db") == 0


def record_deployed(db: Path, published_on: str) -> tuple[int, str, str]:
    return run(
        db,
        "record",
        "deployed",
        "--mission",
        "TESTMIS",
        "--contributor",
        "BEN",
        "--valid",
        "2021-03-01",
        "--count",
        "50",
        "--source-title",
        "Test source",
        "--published-on",
        published_on,
    )


@pytest.fixture
def mission_db(tmp_path: Path) -> Path:
    db = tmp_path / "t.db"
    tracker = Tracker(db)
    tracker.establish_mission(**{k: v for k, v in MISSION.items() if k != "type"})
    tracker.close()
    return db


def test_a_source_published_after_today_is_refused(mission_db: Path) -> None:
    """It counted in the plain answer but not 'as known today': a future no one knows yet."""
    today = (datetime.now(UTC) + timedelta(hours=14)).date()  # the latest date on Earth
    later = today + timedelta(days=1)
    code, out, err = record_deployed(mission_db, later.isoformat())
    assert (code, out) == (2, "")
    assert err == (
        f"Error: field 'source.published_on': {later} is after today ({today} anywhere on "
        "Earth): give the date the source was published, not a future one\n"
    )
    code, _, err = record_deployed(mission_db, "2099-12")
    assert code == 2
    assert "field 'source.published_on': 2099-12 is after today" in err
    assert events_in(mission_db) == 2  # the mission's two events, nothing more
    # published today (anywhere on Earth), or this month: accepted
    code, out, _ = record_deployed(mission_db, datetime.now(UTC).date().isoformat())
    assert (code, out) == (0, "Recorded TESTMIS/BEN/2 (Deployed)\n")
    code, out, _ = record_deployed(mission_db, datetime.now(UTC).date().isoformat()[:7])
    assert (code, out) == (0, "Recorded TESTMIS/BEN/3 (Deployed)\n")


def test_an_import_with_a_future_source_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(
        "\n".join([line(**MISSION), line(**deployed(source=source("2099-01-01")))]), "utf-8"
    )
    code, _, err = run(tmp_path / "t.db", "import", str(path))
    assert code == 2
    assert err.startswith(f"Error: {path}:2: field 'source.published_on': 2099-01-01 is after")
    assert events_in(tmp_path / "t.db") == 0


def test_a_mandate_that_ends_before_it_begins_is_refused(mission_db: Path) -> None:
    base = ["record", "mandate-renewed", "--mission", "TESTMIS", "--resolution", "2640"]
    base += ["--ceiling", "military=13289", "--source-title", "UNSC", "--published-on", "2022-06"]
    code, out, err = run(mission_db, *base, "--valid", "2022-06-29", "--until", "2022-05")
    assert (code, out) == (2, "")
    assert err == (
        "Error: field 'until': the mandate ends (2022-05) before it begins (2022-06-29) - give "
        "the end of the mandate period\n"
    )
    assert events_in(mission_db) == 2
    code, out, _ = run(mission_db, *base, "--valid", "2022-06-29", "--until", "2023-06-30")
    assert (code, out) == (0, "Recorded TESTMIS/3 (MandateRenewed)\n")


# --- item 14: --limit, and a reader that leaves early -----------------------------------------


@pytest.mark.parametrize("limit", ["99999999999999999999", "0", "-1", "10001"])
def test_search_limit_out_of_range_is_one_line(mission_db: Path, limit: str) -> None:
    """A limit past 64 bits reached SQLite, which said 'datatype mismatch'."""
    code, out, err = run(mission_db, "search", "test", "--limit", limit)
    assert (code, out) == (2, "")
    assert err == (
        f"Error: Invalid value for '--limit': {limit} is not in the range 1<=x<=10000. "
        "(see 'tracker search --help')\n"
    )
    tracker = Tracker(mission_db, create=False)
    with pytest.raises(InvalidInputError, match=r"--limit .*: give a number from 1 to 10,000"):
        tracker.search("test", limit=int(limit))
    assert tracker.search("test", limit=10_000)  # the largest is fine
    tracker.close()


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory, seed_templates: dict[str, Any]) -> Path:
    db = tmp_path_factory.mktemp("seeded") / "t.db"
    return copy_seeded(db, seed_templates, tmp_path_factory)


def cut_off(db: Path, *args: str) -> tuple[int, bytes]:
    """Run a command whose reader closes the pipe at once (``| head -0``)."""
    command = [sys.executable, "-m", "tracker", "--db", str(db), *args]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ}
    )
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdout.close()
    error = process.stderr.read()
    return process.wait(timeout=120), error


def test_a_reader_that_leaves_early_is_not_an_error(seeded_file: Path, tmp_path: Path) -> None:
    """'tracker history MINUSMA | head -1' said 'Error: the store could not be used: [Errno 32]
    Broken pipe' (exit 1); an import said so after it had committed."""
    code, error = cut_off(seeded_file, "history", "MINUSMA", "--format", "csv")
    assert (code, error) == (141, b"")  # as a Unix tool killed by SIGPIPE, quietly
    for table in (["--by", "contributor"], ["--by", "contributor", "--known-at", "2022-12-31"]):
        # a table, by the read path and by the full command (rich's own exit was 1)
        code, error = cut_off(seeded_file, "strength", "MINUSMA", "--on", "2022-11-30", *table)
        assert (code, error) == (141, b"")
    path = tmp_path / "more.jsonl"
    record = deployed(valid="2021-04-01")
    path.write_text(line(**MISSION) + "\n" + line(**record) + "\n", "utf-8")
    db = tmp_path / "new.db"
    code, error = cut_off(db, "import", str(path))
    assert (code, error) == (141, b"")
    assert events_in(db) == 4  # committed: the mission's two events and the contingent's two
