"""The read path of ``tracker strength`` (tracker/cli/quick.py, issue 19): from a current view
it prints exactly what the full command line prints, without loading the domain; whenever the
view is not current (behind the log, rows to derive, another version, another store's) or the
question is one it does not take, it answers nothing and the full command line runs."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from events.values import EARLIEST, LATEST
from tests.helpers import source
from tracker import Tracker
from tracker.cli import quick
from tracker.cli.options import DAY
from tracker.store.config import APP_NAME, DEFAULT_DB, StoreConfig

ROOT = Path(__file__).resolve().parent.parent
ASKED = ["strength", "MINUSMA", "--on", "2013-12-31"]
# modules the full path loads and the read path must not: the domain, its validation library,
# the event store library's application, the other commands
HEAVY = ("events.contingent", "pydantic", "eventsourcing.application", "tracker.cli.base")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("quick") / "tracker.db"
    tracker = Tracker(db)
    tracker.load_seeds(missions=["MINUSMA"])
    tracker.catch_up()
    tracker.close()
    return db


def run(
    code: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


QUICK = "from tracker.cli.quick import main; main()"
FULL = "from tracker.cli import cli; cli()"


@pytest.mark.parametrize(
    "extra",
    [
        ["--by", "contributor"],
        [],
        ["--by", "location"],
        ["--by", "personnel-type", "--by", "region"],
        ["--by", "contributor", "--known-at", "2013-11-30"],
        ["--by", "contributor", "--by", "location"],
    ],
)
def test_the_read_path_prints_what_the_full_command_prints(seeded: Path, extra: list[str]) -> None:
    args = ["--db", str(seeded), *ASKED, *extra]
    assert quick.parse(args, {}) is not None  # a question the read path takes
    mine, full = run(QUICK, *args), run(FULL, *args)
    assert mine.returncode == full.returncode == 0, mine.stderr + full.stderr
    assert mine.stdout == full.stdout
    assert "MINUSMA strength on 2013-12-31" in mine.stdout


def test_the_read_path_loads_no_domain(seeded: Path) -> None:
    code = (
        "import sys; from tracker.cli.quick import answered; "
        "assert answered(sys.argv[1:]); print(' '.join(sys.modules))"
    )
    done = run(code, "--db", str(seeded), *ASKED, "--by", "contributor")
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split("\n")[-2].split())
    assert not {m for m in loaded if m.startswith(HEAVY)}, sorted(loaded)


def test_a_view_behind_the_log_is_not_answered_from(seeded: Path, tmp_path: Path) -> None:
    db = tmp_path / "behind.db"
    tracker = Tracker(db)
    tracker.load_seeds(missions=["MINUSMA"])
    tracker.catch_up()
    question = quick.parse(["--db", str(db), *ASKED, "--by", "contributor"], {})
    assert question is not None
    assert quick.answer_from_view(question) is not None  # current
    # a new figure in the store, the view not caught up: the full path catches it up
    tracker.report_strength(
        mission="MINUSMA",
        contributor="TCD",
        valid="2013-12-31",
        strength=1200,
        personnel_type="troops",
        source=source("2014-01-15"),
    )
    assert quick.answer_from_view(question) is None
    answer = tracker.strength("MINUSMA", date(2013, 12, 31), by=["contributor"])  # catches up
    found = quick.answer_from_view(question)
    assert found is not None
    assert found[0] == answer  # the same answer, the same position
    tracker.close()


def test_a_view_with_rows_to_derive_or_of_another_version_is_not_used(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    tracker = Tracker(db)
    tracker.load_seeds(missions=["MINUSMA"])
    tracker.catch_up()
    tracker.close()
    question = quick.parse(["--db", str(db), *ASKED], {})
    assert question is not None
    view = sqlite3.connect(quick.view_path(db))
    view.execute("INSERT INTO strength_dirty VALUES ('MINUSMA', 'TCD', '2013-01-01')")
    view.commit()
    assert quick.answer_from_view(question) is None
    view.execute("DELETE FROM strength_dirty")
    view.execute("UPDATE _projection SET version = version - 1")
    view.commit()
    assert quick.answer_from_view(question) is None
    view.execute("UPDATE _projection SET version = version + 1")
    view.commit()
    assert quick.answer_from_view(question) is not None
    view.close()


def test_a_view_of_another_store_is_not_used(seeded: Path, tmp_path: Path) -> None:
    # the same number of events, but not the same last event: the view is not this store's
    db = tmp_path / "other.db"
    tracker = Tracker(db)
    tracker.load_seeds(missions=["MINUSMA"])
    tracker.close()
    (tmp_path / "other.strength.db").write_bytes(quick.view_path(seeded).read_bytes())
    question = quick.parse(["--db", str(db), *ASKED], {})
    assert question is not None
    assert quick.answer_from_view(question) is None


@pytest.mark.parametrize(
    "args",
    [
        [*ASKED, "--format", "json"],
        [*ASKED, "--recorded-at", "2026-01-01"],
        [*ASKED, "--contributor", "TCD"],
        [*ASKED, "--on", "2014-01-01"],  # twice
        [*ASKED, "--by", "personnel_type"],  # click's choice is personnel-type
        ["strength", "MINUSMA", "--on", "1900-01-01"],
        ["strength", "MINUSMA", "--on", "2013-02-30"],
        ["strength", "MINUSMA!", "--on", "2013-12-31"],
        ["strength", "--help"],
        ["history", "MINUSMA"],
        ["--db", ":memory:", *ASKED],
        ["--views-dir", "x", *ASKED],
    ],
)
def test_other_questions_go_to_the_full_command_line(args: list[str]) -> None:
    assert quick.parse(args, {}) is None


def test_a_postgresql_store_goes_to_the_full_command_line() -> None:
    env = {"TRACKER_DATABASE_URL": "postgresql://u@h/d"}
    assert quick.parse(ASKED, env) is None
    assert quick.parse(ASKED, {"TRACKER_DB": "x.db"}) == quick.Question(
        Path("x.db"), "MINUSMA", date(2013, 12, 31), (), None
    )


def test_the_read_path_reads_as_the_full_path_does(tmp_path: Path) -> None:
    # the same names, defaults, dates, choices and file names as the full command line's
    assert (quick.APP_NAME, quick.DEFAULT_DB) == (APP_NAME, DEFAULT_DB)
    assert (quick.FIRST_DAY, quick.LAST_DAY) == (EARLIEST, LATEST)
    store = tmp_path / "a.b.db"
    config = StoreConfig.resolve(store)
    assert quick.view_path(store) == config.view_path("strength")
    assert quick.registry_path(store) == config.registry_path()
    assert DAY.convert("2013-1-5", None, None).date() == quick._day("2013-1-5")
    from events.values import _mission_acronym

    for text in ("MINUSMA", "unmiss", " UNIFIL ", "M", "MINUSMA!", "1UN", "ÉTÉ", "A" * 21):
        try:
            expected: str | None = _mission_acronym(text)
        except ValueError:
            expected = None
        got = text.strip().upper() if quick._acronym(text.strip().upper()) else None
        assert got == expected, text


def test_the_tracker_command_starts_on_the_read_path() -> None:
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["tracker"] == "tracker.cli.quick:main"
