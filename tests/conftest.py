from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import source
from tracker import Tracker

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# .ci/run starts PostgreSQL and sets this; locally, without it, the PostgreSQL cases skip.
PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")


def _pg_problem() -> str | None:
    if not PG_URL:
        return "TRACKER_TEST_DATABASE_URL is not set (.ci/run sets it after starting PostgreSQL)"
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as error:  # any failure to reach the server is a reason to skip
        return f"PostgreSQL at TRACKER_TEST_DATABASE_URL cannot be reached: {type(error).__name__}"
    return None


PG_PROBLEM = _pg_problem()


def postgres_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh schema on the test server, as a store URL; its views in ``tmp_path``."""
    if PG_PROBLEM:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {PG_PROBLEM}")
        pytest.skip(PG_PROBLEM)
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    assert PG_URL is not None
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    monkeypatch.setenv("TRACKER_VIEWS_DIR", str(tmp_path))
    try:
        yield f"{PG_URL}?schema={schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """An empty event store: a SQLite file, and a PostgreSQL schema on a real server."""
    if request.param == "sqlite":
        yield str(tmp_path / "tracker.db")
    else:
        yield from postgres_store(tmp_path, monkeypatch)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def tracker(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Tracker]:
    """A tracker with a test mission (TESTMIS, hosted by Mali): in memory, on SQLite, on
    PostgreSQL."""
    if request.param == "postgres":
        stores: Iterator[str] = postgres_store(tmp_path, monkeypatch)
        db = next(stores)
    else:
        stores = iter(())
        db = ":memory:" if request.param == "memory" else str(tmp_path / "tracker.db")
    app = Tracker(db)
    app.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    yield app
    app.close()
    for _ in stores:  # drops the schema
        pass


@pytest.fixture
def seeded_db(store: str) -> str:
    """A store (SQLite, PostgreSQL) holding the seeds, as the --db the CLI takes."""
    tracker = Tracker(store)
    tracker.load_seeds(SEEDS)
    tracker.close()
    return store


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line saying how many PostgreSQL cases ran, so a CI log shows they ran for real."""
    counts = {
        outcome: sum(
            1
            for report in terminalreporter.stats.get(outcome, [])
            if "postgres" in getattr(report, "nodeid", "")
            and getattr(report, "when", "call") == "call"
        )
        for outcome in ("passed", "failed", "skipped")
    }
    terminalreporter.write_line(
        f"PostgreSQL cases: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['skipped']} skipped"
    )
