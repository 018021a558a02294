"""Tamper evidence and immutability: the hash chain, the triggers, verify, backup and restore."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker import Tracker
from tracker.cli import cli
from tracker.store.integrity import GENESIS, IMMUTABLE, link


def test_the_chain_covers_every_event_and_verify_recomputes_it(seeded_db: str) -> None:
    tracker = Tracker(seeded_db, create=False)
    result = tracker.verify()
    assert result.ok
    assert result.events == tracker.recorder.max_notification_id()
    assert tracker.head() == (result.events, result.head)
    # recomputed here, independently of the recorder: the head is the last of the links
    previous = GENESIS
    for notification in tracker.recorder.select_notifications(start=1, limit=100_000):
        previous = link(
            previous,
            notification.id,
            notification.originator_id.hex,  # type: ignore[union-attr]
            notification.originator_version,
            notification.topic,
            notification.state,
        )
    assert previous.hex() == result.head
    tracker.close()


def test_new_events_extend_the_chain_and_a_stamp_carries_its_link(seeded_db: str) -> None:
    tracker = Tracker(seeded_db, create=False)
    before = tracker.verify()
    tracker.import_events(
        [
            json.dumps(
                {
                    "type": "withdrawn",
                    "mission": "MINUSMA",
                    "contributor": "TCD",
                    "valid": "2023-06-01",
                    "count": 1,
                    "source": {"title": "Test", "published_on": "2023-06-02"},
                }
            )
        ]
    )
    after = tracker.verify(expect=before.head)  # the old head is on the new chain
    assert after.ok
    assert after.events == before.events + 1
    assert after.head != before.head
    answer = tracker.strength("MINUSMA", tracker_date("2023-06-30"))
    stamp = tracker.stamp(answer.position, "strength", answer.version, {})
    assert stamp["chain_hash"] == after.head
    assert not tracker.verify(expect="ab" * 32).ok  # a hash this log never had
    tracker.close()


def tracker_date(text: str):  # type: ignore[no-untyped-def]
    from datetime import date

    return date.fromisoformat(text)


def test_sqlite_refuses_update_and_delete_of_events_and_links(seeded_file_copy: Path) -> None:
    db = seeded_file_copy
    connection = sqlite3.connect(db)
    for statement in (
        "UPDATE stored_events SET topic = 'x' WHERE rowid = 5",
        "DELETE FROM stored_events WHERE rowid = 5",
        "UPDATE event_chain SET link = x'00' WHERE position = 5",
        "DELETE FROM event_chain",
    ):
        with pytest.raises(sqlite3.IntegrityError, match=IMMUTABLE):
            connection.execute(statement)
    connection.close()


def test_postgres_refuses_update_delete_and_truncate(seeded_db: str) -> None:
    if not seeded_db.startswith("postgresql"):
        pytest.skip("the PostgreSQL triggers: this case is the SQLite store")
    import psycopg

    url, schema = seeded_db.split("?schema=")
    for statement in (
        f"UPDATE {schema}.tracker_events SET topic = 'x'",
        f"DELETE FROM {schema}.tracker_events",
        f"TRUNCATE {schema}.tracker_events",
        f"TRUNCATE {schema}.tracker_events_chain",
        f"DELETE FROM {schema}.tracker_events_chain",
    ):
        with psycopg.connect(url) as conn, pytest.raises(psycopg.errors.RaiseException):
            conn.execute(statement)
    assert Tracker(seeded_db, create=False).verify().ok
    with psycopg.connect(url) as conn:  # an attacker with the server's rights
        conn.execute(f"ALTER TABLE {schema}.tracker_events DISABLE TRIGGER USER")
        conn.execute(
            f"UPDATE {schema}.tracker_events SET state = convert_to(replace(convert_from(state, "
            "'UTF8'), '\"timestamp\":\"2', '\"timestamp\":\"1'), 'UTF8') "
            "WHERE notification_id = 321"
        )
    result = Tracker(seeded_db, create=False).verify()
    assert result.mismatch is not None
    assert result.mismatch.position == 321
    assert result.mismatch.event_id is not None


def _tamper_sqlite(db: Path, position: int) -> None:
    """What an attacker with the file does: drop the trigger, change one byte."""
    connection = sqlite3.connect(db)
    connection.execute("DROP TRIGGER stored_events_no_update")
    state = bytearray(
        connection.execute(
            "SELECT state FROM stored_events WHERE rowid = ?", (position,)
        ).fetchone()[0]
    )
    offset = state.index(b'"valid"')
    while not chr(state[offset]).isdigit():  # the first digit of the valid date
        offset += 1
    state[offset] = ord("1") if state[offset] != ord("1") else ord("2")
    connection.execute(
        "UPDATE stored_events SET state = ? WHERE rowid = ?", (bytes(state), position)
    )
    connection.commit()
    connection.close()


def test_one_changed_byte_is_named_by_verify(
    tmp_path: Path, seeded_file_copy: Path, runner: CliRunner
) -> None:
    db = seeded_file_copy
    tracker = Tracker(db)
    head = tracker.verify().head
    row = tracker.history("MINUSMA", contributor="TCD")[3]
    name, position = row.event_id, row.position
    tracker.close()
    _tamper_sqlite(db, position)
    result = runner.invoke(cli, ["--db", str(db), "verify"])
    assert result.exit_code == 1
    assert f"event {name} at position {position}" in result.output
    assert "changed after it was written" in result.output
    # and a backup of it is refused; a stamp's old hash no longer verifies either
    result = runner.invoke(cli, ["--db", str(db), "backup", str(tmp_path / "b.db")])
    assert result.exit_code == 2
    assert "does not verify" in result.output
    assert not (tmp_path / "b.db").exists()
    result = runner.invoke(cli, ["--db", str(db), "verify", "--expect", head])
    assert result.exit_code == 1


def test_deleted_events_and_events_written_around_the_tracker_are_found(
    seeded_file_copy: Path,
) -> None:
    db = seeded_file_copy
    connection = sqlite3.connect(db)
    connection.execute("DROP TRIGGER stored_events_no_delete")
    connection.execute("DELETE FROM stored_events WHERE rowid = 500")
    connection.commit()
    result = Tracker(db, create=False).verify()
    assert result.mismatch is not None
    assert result.mismatch.position == 501
    connection.execute(
        "INSERT INTO stored_events SELECT originator_id, 999, topic, state FROM stored_events "
        "WHERE rowid = 2"
    )
    connection.commit()
    connection.close()
    result = Tracker(db, create=False).verify()
    assert result.mismatch is not None
    assert result.mismatch.position == 501


def _attack(store: str, statements: list[str]) -> None:
    """Run SQL on the store as someone holding the file (or the server's rights) would."""
    if store.startswith("postgresql"):
        import psycopg

        url, schema = store.split("?schema=")
        with psycopg.connect(url) as conn:
            conn.execute(f"SET search_path TO {schema}")
            for statement in statements:
                conn.execute(statement)
        return
    connection = sqlite3.connect(store)
    for statement in statements:
        connection.execute(statement)
    connection.commit()
    connection.close()


def _edit_and_drop_the_chain(store: str, position: int) -> list[str]:
    """An event's publication moved a year (a change that still reads back as valid), and
    the chain dropped."""
    was, now = '"published_on":"2013', '"published_on":"2014'
    if store.startswith("postgresql"):
        return [
            "ALTER TABLE tracker_events DISABLE TRIGGER USER",
            "UPDATE tracker_events SET state = convert_to(replace(convert_from(state, 'UTF8'), "
            f"'{was}', '{now}'), 'UTF8') WHERE notification_id = {position}",
            "DROP TABLE tracker_events_chain",
        ]
    return [
        "DROP TRIGGER stored_events_no_update",
        # as the sqlite3 shell does it: replace() leaves the payload stored as text
        f"UPDATE stored_events SET state = replace(state, '{was}', '{now}') "
        f"WHERE rowid = {position}",
        "DROP TABLE event_chain",
    ]


RECORD = [
    "record",
    "withdrawn",
    "--mission",
    "MINUSMA",
    "--contributor",
    "TCD",
    "--valid",
    "2023-06-01",
    "--count",
    "1",
    "--source-title",
    "Test",
    "--published-on",
    "2023-06-02",
]


def test_a_removed_chain_fails_verify_until_adopted_on_request(
    seeded_db: str, runner: CliRunner
) -> None:
    """Drop the triggers, edit an event, drop the chain: the store was chained again silently
    when next opened, and 'tracker verify' passed over the edit."""
    events = Tracker(seeded_db, create=False).verify().events
    _attack(seeded_db, _edit_and_drop_the_chain(seeded_db, 13))
    result = runner.invoke(cli, ["--db", seeded_db, "verify"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: verify failed: event MINUSMA/1 at position 1: it has no "
    )
    assert result.stderr.count("\n") == 1
    assert "'tracker verify --adopt-unchained'" in result.stderr
    # and nothing is written on top of it: the chain would start in the middle of the log
    result = runner.invoke(cli, ["--db", seeded_db, *RECORD])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: the event chain ends at position 0 but the log holds events after it: "
        "nothing was written; run 'tracker verify'\n"
        if seeded_db.startswith("postgresql")
        else f"Error: the event chain ends at position 0 but the new events start at "
        f"{events + 1}: nothing was written; run 'tracker verify'\n"
    )
    tracker = Tracker(seeded_db, create=False)
    assert tracker.recorder.max_notification_id() == events
    assert not tracker.verify().ok  # still: opening it does not chain it
    tracker.close()
    # linking the unlinked events is a command of its own, which says what it does
    result = runner.invoke(cli, ["--db", seeded_db, "verify", "--adopt-unchained"])
    assert result.exit_code == 0, result.output
    head = Tracker(seeded_db, create=False).head()[1]
    assert result.stdout == (
        f"Adopted {events:,} events stored without a link (positions 1 to {events:,}) into the "
        "chain: it covers them from now on, but cannot show whether they were changed before\n"
        f"Verified {events:,} events; head {head}\n"
    )
    assert runner.invoke(cli, ["--db", seeded_db, *RECORD]).exit_code == 0
    assert Tracker(seeded_db, create=False).verify().events == events + 1


def test_a_chain_cut_short_fails_verify_and_adopting_links_only_the_rest(
    seeded_db: str, runner: CliRunner
) -> None:
    events = Tracker(seeded_db, create=False).verify().events
    kept = events - 10
    postgres = seeded_db.startswith("postgresql")
    chain = "tracker_events_chain" if postgres else "event_chain"
    _attack(
        seeded_db,
        [
            f"ALTER TABLE {chain} DISABLE TRIGGER USER"
            if postgres
            else "DROP TRIGGER event_chain_no_delete",
            f"DELETE FROM {chain} WHERE position > {kept}",
        ],
    )
    result = Tracker(seeded_db, create=False).verify()
    assert result.mismatch is not None
    assert (result.mismatch.position, result.mismatch.unlinked) == (kept + 1, True)
    assert runner.invoke(cli, ["--db", seeded_db, *RECORD]).exit_code == 2
    result = runner.invoke(cli, ["--db", seeded_db, "verify", "--adopt-unchained"])
    assert result.exit_code == 0
    assert result.stdout.startswith(
        f"Adopted 10 events stored without a link (positions {kept + 1:,} to {events:,})"
    )
    assert Tracker(seeded_db, create=False).verify().ok


def test_adopting_refuses_a_chain_that_does_not_verify(seeded_db: str, runner: CliRunner) -> None:
    """An edited event with its link still there is not covered up by adopting the rest."""
    postgres = seeded_db.startswith("postgresql")
    edit, _drop = _edit_and_drop_the_chain(seeded_db, 13)[:2]
    chain = "tracker_events_chain" if postgres else "event_chain"
    _attack(
        seeded_db,
        [
            edit,
            _drop,
            f"ALTER TABLE {chain} DISABLE TRIGGER USER"
            if postgres
            else "DROP TRIGGER event_chain_no_delete",
            f"DELETE FROM {chain} WHERE position > 500",
        ],
    )
    result = runner.invoke(cli, ["--db", seeded_db, "verify", "--adopt-unchained"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: verify failed before the unlinked events (event ")
    assert result.stderr.endswith(
        "at position 13: its content or an earlier event was changed after it was written): "
        "nothing was adopted\n"
    )
    assert Tracker(seeded_db, create=False).head()[0] == 500


def test_backup_while_a_writer_goes_on_then_restore_verifies(
    tmp_path: Path, seeded_file_copy: Path, runner: CliRunner
) -> None:
    db = seeded_file_copy
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        writer = Tracker(db, create=False)
        day = 1
        while not stop.is_set() and day < 28:
            writer.report_strength(
                mission="MINUSMA",
                contributor="TCD",
                valid=f"2023-07-{day:02d}",
                strength=200 + day,
                source={"title": "Test", "published_on": "2023-07-28"},
            )
            written.append(day)
            day += 1
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    deadline = time.monotonic() + 30
    while not written and time.monotonic() < deadline:  # the writer is under way first
        time.sleep(0.01)
    backups = []
    for number in range(3):
        target = tmp_path / f"backup-{number}.db"
        result = runner.invoke(cli, ["--db", str(db), "backup", str(target)])
        assert result.exit_code == 0, result.output
        backups.append(target)
    stop.set()
    thread.join()
    assert written  # the writer did write while backups were taken
    for backup in backups:
        restored = tmp_path / f"restored-{backup.name}"
        result = runner.invoke(cli, ["--db", str(restored), "restore", str(backup)])
        assert result.exit_code == 0, result.output
        tracker = Tracker(restored, create=False)
        assert tracker.verify().ok
        assert tracker.strength("MINUSMA", tracker_date("2013-12-31")).total == 6439
        tracker.close()
    result = runner.invoke(cli, ["--db", str(db), "restore", str(backups[0])])
    assert result.exit_code == 2
    assert "already there" in result.output
    result = runner.invoke(cli, ["--db", str(db), "backup", str(backups[0])])
    assert result.exit_code == 2
    assert "exists" in result.output


def test_backup_of_postgres_and_verify_of_memory_are_clear_errors(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--db", ":memory:", "verify"])
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output
    result = runner.invoke(cli, ["--db", "postgresql://u:p@127.0.0.1:1/x", "backup", "b.db"])
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output
