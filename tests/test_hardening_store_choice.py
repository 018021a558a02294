"""Hardening, round 3, item 14: an explicit --db wins over TRACKER_DATABASE_URL, giving both on
the command line is refused in one line, and a command whose store was chosen among several
settings names the store it used."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import PG_PROBLEM, postgres_store
from tests.test_integrity import RECORD
from tracker import Tracker
from tracker.cli import cli
from tracker.store.config import StoreConfig

# a PostgreSQL server nobody listens on: a command that uses it fails to connect
ELSEWHERE = "postgresql://someone:s3cr3t@127.0.0.1:9/elsewhere"


def head(db: str) -> int:
    tracker = Tracker(db, create=False)
    try:
        return tracker.recorder.max_notification_id() or 0
    finally:
        tracker.close()


def test_an_explicit_db_wins_over_the_database_url_of_the_environment(
    seeded_db: str, runner: CliRunner
) -> None:
    before = head(seeded_db)
    shown = StoreConfig.resolve(seeded_db).display()
    # a write goes into the store --db names, not into the environment's
    result = runner.invoke(
        cli, ["--db", seeded_db, *RECORD], env={"TRACKER_DATABASE_URL": ELSEWHERE}
    )
    assert result.exit_code == 0, result.output
    assert head(seeded_db) == before + 1
    # and says so, naming the store it used and the setting it left aside (never a password)
    assert f"Note: the store used is {shown} (--db); TRACKER_DATABASE_URL" in result.stderr
    assert "s3cr3t" not in result.output
    # verify verifies the store --db names
    result = runner.invoke(
        cli, ["--db", seeded_db, "verify"], env={"TRACKER_DATABASE_URL": ELSEWHERE}
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Verified {before + 1:,} events; head ")
    assert f"the store used is {shown} (--db)" in result.stderr


@pytest.mark.skipif(bool(PG_PROBLEM), reason=str(PG_PROBLEM))
def test_a_local_db_is_written_not_the_shared_store_of_the_environment(
    seeded_file_copy: Path, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The attack as found: ``tracker --db local.db record ...`` wrote into PostgreSQL."""
    stores = postgres_store(tmp_path / "views", monkeypatch)
    shared = next(stores)
    try:
        (tmp_path / "views").mkdir()
        Tracker(shared).close()  # an empty shared store, reachable
        local = str(seeded_file_copy)
        before = head(local)
        result = runner.invoke(cli, ["--db", local, *RECORD], env={"TRACKER_DATABASE_URL": shared})
        assert result.exit_code == 0, result.output
        assert (head(local), head(shared)) == (before + 1, 0)
        assert f"Note: the store used is {local} (--db)" in result.stderr
    finally:
        for _ in stores:  # drops the schema
            pass


def test_db_and_database_url_both_given_is_refused_in_one_line(
    seeded_db: str, runner: CliRunner
) -> None:
    before = head(seeded_db)
    result = runner.invoke(cli, ["--db", seeded_db, "--database-url", ELSEWHERE, *RECORD])
    assert result.exit_code == 2
    assert result.output == ("Error: --db and --database-url both name a store: give one of them\n")
    assert head(seeded_db) == before


def test_the_environment_alone_names_the_store_when_it_holds_two(
    seeded_db: str, runner: CliRunner, tmp_path: Path
) -> None:
    """TRACKER_DATABASE_URL wins over TRACKER_DB (as documented), and the command says which
    store it used."""
    shown = StoreConfig.resolve(seeded_db).display()
    env = {"TRACKER_DATABASE_URL": seeded_db, "TRACKER_DB": str(tmp_path / "other.db")}
    result = runner.invoke(cli, ["strength", "MINUSMA", "--on", "2022-11-30"], env=env)
    assert result.exit_code == 0, result.output
    assert "14,084" in result.stdout
    assert f"Note: the store used is {shown} (TRACKER_DATABASE_URL); TRACKER_DB" in result.stderr


def test_one_setting_alone_adds_no_note(seeded_db: str, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--db", seeded_db, "strength", "MINUSMA", "--on", "2022-11-30"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
