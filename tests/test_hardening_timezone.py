"""Issue "Hardening, round 3", item 2: a recorded time is UTC whatever the time zone of the
process (``TZ``), of the PostgreSQL session (``PGTZ``) or of the server. With the session in
Pacific/Kiritimati (UTC+14) the store wrote recorded times with +14:00, so ``--recorded-at``
answers were empty or partial and ``history`` printed local time labelled UTC.

The time-axis property test (``tests/test_axes_replay.py``) runs whole in a process whose
``TZ`` and ``PGTZ`` are Kiritimati's, once on SQLite and once with the store under test on
PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import PG_PROBLEM, PG_URL
from tests.helpers import source
from tracker import Tracker
from tracker.cli import cli

ZONE = "Pacific/Kiritimati"  # UTC+14: a shifted time moves to another day
INNER = "TRACKER_TEST_TIME_ZONE_BACKEND"  # set in the process the property test runs in
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def kiritimati(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process and every PostgreSQL session it opens from now on in Kiritimati."""
    monkeypatch.setenv("TZ", ZONE)
    monkeypatch.setenv("PGTZ", ZONE)
    time.tzset()
    assert time.localtime().tm_gmtoff == 14 * 3600
    yield
    monkeypatch.undo()
    time.tzset()


def test_recorded_times_are_utc_in_a_session_and_process_of_another_zone(
    store: str, kiritimati: None
) -> None:
    tracker = Tracker(store)
    if store.startswith("postgres"):  # the session is in Kiritimati indeed
        with tracker.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
            assert conn.execute("SHOW timezone").fetchone()["TimeZone"] == ZONE
    before = datetime.now(UTC)
    tracker.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    tracker.report_strength(
        mission="TESTMIS", contributor="DEU", valid="2021-06-30", strength=250, source=source()
    )
    after = datetime.now(UTC)
    stored = tracker.recorder.select_notifications(start=1, limit=10)
    for notification in stored:
        moment = datetime.fromisoformat(json.loads(notification.state)["timestamp"])
        assert moment.utcoffset() == timedelta(0)
        assert before <= moment <= after
    recorded = datetime.fromisoformat(json.loads(stored[-1].state)["timestamp"])
    tracker.close()
    # "as recorded at" a moment just after the commit, given in UTC: the figure is in it
    on = ["strength", "TESTMIS", "--on", "2021-12-31", "--format", "json"]
    at = after.isoformat()
    answer = CliRunner().invoke(cli, ["--db", store, *on, "--recorded-at", at])
    assert answer.exit_code == 0, answer.output
    assert [row["strength"] for row in json.loads(answer.stdout)] == [250]
    # a moment just before it, in UTC: nothing recorded then
    early = CliRunner().invoke(cli, ["--db", store, *on, "--recorded-at", before.isoformat()])
    assert early.exit_code == 0, early.output
    assert [row["strength"] for row in json.loads(early.stdout)] == [None]
    # and history prints the time in UTC, labelled so
    history = CliRunner().invoke(cli, ["--db", store, "history", "TESTMIS"])
    assert history.exit_code == 0, history.output
    assert f"recorded {recorded:%Y-%m-%d %H:%M:%S} UTC" in history.stdout


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_time_axis_property_test_holds_in_another_time_zone(backend: str) -> None:
    """The whole property test, in a process in Kiritimati (its sessions too)."""
    if backend == "postgres" and PG_PROBLEM:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {PG_PROBLEM}")
        pytest.skip(PG_PROBLEM)
    env = {**os.environ, "TZ": ZONE, "PGTZ": ZONE, INNER: backend}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
         f"{Path(__file__).relative_to(ROOT)}::test_time_axes_in_this_process"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "1 passed" in done.stdout, done.stdout[-2000:]


def test_time_axes_in_this_process() -> None:
    backend = os.environ.get(INNER)
    if not backend:
        pytest.skip(
            "run by test_the_time_axis_property_test_holds_in_another_time_zone, in a process "
            f"whose TZ and PGTZ are {ZONE}"
        )
    assert time.localtime().tm_gmtoff == 14 * 3600  # this process is in Kiritimati
    import tests.test_axes_replay as axes

    made: list[str] = []
    real = axes.Tracker
    if backend == "postgres":
        axes.Tracker = on_postgres(real, made)  # type: ignore[misc]
    try:
        axes.test_answers_on_every_axis_equal_a_fresh_replay_of_what_was_known_then()
    finally:
        axes.Tracker = real  # type: ignore[misc]
        drop(made)
    assert backend == "sqlite" or made  # the store under test was on PostgreSQL


def on_postgres(real: type[Tracker], made: list[str]) -> Any:
    """``Tracker`` as the property test calls it, its store under test (``store.db``) put on
    a new PostgreSQL schema, the views in its folder; the replays it compares with stay on
    SQLite."""
    import psycopg

    def tracker(db: Any, *args: Any, **kwargs: Any) -> Tracker:
        if Path(str(db)).name != "store.db":
            return real(db, *args, **kwargs)
        schema = f"tz_{uuid.uuid4().hex[:12]}"
        assert PG_URL is not None
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            assert conn.execute("SHOW timezone").fetchone()[0] == ZONE
            conn.execute(f"CREATE SCHEMA {schema}")
        made.append(schema)
        return real(f"{PG_URL}?schema={schema}", views_dir=Path(str(db)).parent)

    return tracker


def drop(schemas: list[str]) -> None:
    if not schemas:
        return
    import psycopg

    assert PG_URL is not None
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        for schema in schemas:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
