"""Operational faults: a locked store, a read-only store, a full disk, a missing or corrupt view
file. Each gives one clear line and leaves no partial state; views repair themselves."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, SEEDS, copy_seeded
from tracker import Tracker
from tracker.cli import cli

UN_FILE = (
    ROOT.parent / "shared/data/un-monthly/un_contributions_by_mission_country_2009-11_2013-12.csv"
)
FAULTS: list[str] = []
RECORD = [
    "record",
    "withdrawn",
    "--mission",
    "MINUSMA",
    "--contributor",
    "TCD",
    "--count",
    "1",
    "--valid",
    "2023-06-01",
    "--source-title",
    "T",
    "--published-on",
    "2023-06-02",
]


@pytest.fixture
def seeded(
    tmp_path: Path, seed_templates: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    return copy_seeded(tmp_path / "t.db", seed_templates, tmp_path_factory)


def head(db: Path) -> tuple[int, str]:
    tracker = Tracker(db, create=False)
    try:
        result = tracker.verify()
        assert result.ok
        return result.events, result.head
    finally:
        tracker.close()


# strength MINUSMA --on 2013-12-31 --format csv of the seeds: the UN's figure, and its evidence
CSV_2013 = (
    "strength,figure_of,approximate,event_id,un_report,no_un_report_for,not_listed_in,"
    "not_yet_published,record_ends,newest_figure_of,known,missing_from_report\n"
    "6439,2013-12-31,False,MINUSMA/18,2013-12-31,,,,,2013-12-31,6439,\n"
)


def un_rows(lines: int) -> bytes:
    """The first lines of the UN's own file (real rows, used here only as input to import)."""
    if not UN_FILE.is_file():
        pytest.skip(f"the UN monthly file is not beside the project ({UN_FILE})")
    with UN_FILE.open("rb") as file:
        return b"".join(next(file) for _ in range(lines))


def test_a_locked_store_is_one_line_and_nothing_is_written(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = head(seeded)
    holder = sqlite3.connect(seeded, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a long import
    monkeypatch.setenv("TRACKER_LOCK_TIMEOUT", "1")
    result = CliRunner().invoke(cli, ["--db", str(seeded), *RECORD])
    holder.execute("ROLLBACK")
    holder.close()
    FAULTS.append("locked store")
    assert result.exit_code == 1
    assert result.output.startswith("Error: the store is locked by another process")
    assert result.output.count("\n") == 1
    assert head(seeded) == before
    # and a writer that waits long enough gets through once the lock is released
    monkeypatch.setenv("TRACKER_LOCK_TIMEOUT", "10")
    holder = sqlite3.connect(seeded, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.5, lambda: holder.execute("ROLLBACK"))
    timer.start()
    result = CliRunner().invoke(cli, ["--db", str(seeded), *RECORD])
    timer.join()
    holder.close()
    assert result.exit_code == 0, result.output
    assert head(seeded)[0] == before[0] + 1


def _make_read_only(path: Path) -> None:
    if os.geteuid() != 0:
        path.chmod(0o444)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode != 0:  # root ignores file modes: only the immutable attribute stops it
        pytest.skip(f"as root, a read-only file needs chattr +i, which failed: {done.stderr!r}")


def _make_writable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], check=False)
    path.chmod(0o644)


def test_a_read_only_store_answers_queries_and_refuses_writes(seeded: Path) -> None:
    before = head(seeded)
    _make_read_only(seeded)
    try:
        runner = CliRunner()
        query = runner.invoke(
            cli,
            ["--db", str(seeded), "strength", "MINUSMA", "--on", "2013-12-31", "--format", "csv"],
        )
        write = runner.invoke(cli, ["--db", str(seeded), *RECORD])
    finally:
        _make_writable(seeded)
    FAULTS.append("read-only store")
    assert query.exit_code == 0, query.output
    assert query.output == CSV_2013
    assert write.exit_code == 1
    assert write.output == (  # refused before it is opened (issue 29, 11)
        f"Error: the store {str(seeded)!r} cannot be written (its file or its folder is "
        "read-only: a read-only mount, or permissions): nothing was written - to record into "
        f"it, copy it somewhere writable first (tracker copy-store --from {seeded} --to COPY)\n"
    )
    assert head(seeded) == before


def _child_with_file_size_limit(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_during_an_import_leaves_the_store_as_it_was(
    seeded: Path, tmp_path: Path
) -> None:
    """The process may not grow any file past 1 MB (RLIMIT_FSIZE: no privileges needed); the
    store is 0.9 MB and 3,000 UN rows need several more."""
    before = head(seeded)
    data = tmp_path / "un.csv"
    data.write_bytes(un_rows(3000))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tracker",
            "--db",
            str(seeded),
            "import",
            str(data),
            "--format",
            "un-monthly",
        ],
        capture_output=True,
        text=True,
        preexec_fn=lambda: _child_with_file_size_limit(1_000_000),
        check=False,
        cwd=ROOT,
    )
    FAULTS.append("file size limit during import")
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("Error: writing to the disk failed (disk I/O error: is it full")
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert head(seeded) == before
    # with room again, the same import completes
    result = CliRunner().invoke(
        cli, ["--db", str(seeded), "import", str(data), "--format", "un-monthly"]
    )
    assert result.exit_code == 0, result.output
    assert head(seeded)[0] > before[0]


def test_a_really_full_filesystem(tmp_path: Path) -> None:
    """A 3 MB tmpfs, filled by the store: ENOSPC, as on a real full disk."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"mounting a small tmpfs needs privileges this run lacks: {done.stderr!r}")
    try:
        db = mount / "t.db"
        tracker = Tracker(db)  # the mission only: the seeds alone are larger than 3 MB
        tracker.import_jsonl((SEEDS / "minusma-mission.jsonl").read_bytes(), "mission.jsonl")
        tracker.close()
        before = head(db)
        data = tmp_path / "un.csv"
        data.write_bytes(un_rows(6000))
        result = CliRunner().invoke(
            cli, ["--db", str(db), "import", str(data), "--format", "un-monthly"]
        )
        FAULTS.append("full tmpfs during import")
        assert result.exit_code == 1, result.output
        assert "full" in result.output or "disk I/O error" in result.output
        assert result.output.count("\n") == 1
        for view in mount.glob("t.*.db"):  # make room: the views are caches
            view.unlink()
        assert head(db) == before
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_missing_view_file_is_rebuilt_from_the_log(seeded: Path) -> None:
    view = seeded.with_name("t.strength.db")
    view.unlink()
    result = CliRunner().invoke(
        cli, ["--db", str(seeded), "strength", "MINUSMA", "--on", "2013-12-31", "--format", "csv"]
    )
    FAULTS.append("missing view file")
    assert result.exit_code == 0, result.output
    assert result.output == CSV_2013
    assert view.is_file()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty-header"])
def test_a_corrupt_view_file_is_set_aside_and_rebuilt(seeded: Path, damage: str) -> None:
    view = seeded.with_name("t.strength.db")
    if damage == "garbage":
        view.write_bytes(b"this is not a database\n" * 1000)
    elif damage == "truncated":
        view.write_bytes(view.read_bytes()[:1000])
    else:
        data = bytearray(view.read_bytes())
        data[:16] = b"\x00" * 16
        view.write_bytes(bytes(data))
    result = CliRunner().invoke(
        cli, ["--db", str(seeded), "strength", "MINUSMA", "--on", "2013-12-31", "--format", "csv"]
    )
    FAULTS.append(f"corrupt view file ({damage})")
    assert result.exit_code == 0, result.output
    assert result.stdout == CSV_2013
    assert "the strength view was rebuilt from the event log: its file could not be read" in (
        result.stderr
    )
    assert seeded.with_name("t.strength.db.corrupt").is_file()


def test_a_view_that_cannot_be_caught_up_after_a_write_says_the_events_were_kept(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills between the import's commit and the views' catch-up."""
    before = head(seeded)

    def full(self: Tracker, progress: object = None) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Tracker, "catch_up", full)
    result = CliRunner().invoke(cli, ["--db", str(seeded), *RECORD])
    monkeypatch.undo()
    FAULTS.append("disk full during the views' catch-up")
    assert result.exit_code == 0  # the write was committed (issue 15, item 9)
    assert result.stdout.startswith("Recorded MINUSMA/TCD/")
    assert result.stderr == (
        "Note: the events were recorded, but the views could not be brought up to date "
        "(database or disk is full); they catch up on the next command\n"
    )
    assert head(seeded)[0] == before[0] + 1
    tracker = Tracker(seeded, create=False)
    tracker.catch_up()
    assert tracker.audit_view.position(tracker.name) == before[0] + 1
    tracker.close()


def test_a_locked_view_file_is_one_line_and_nothing_is_written(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = head(seeded)
    holder = sqlite3.connect(seeded.with_name("t.audit.db"), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # an analyst's tool holding the view
    monkeypatch.setenv("TRACKER_LOCK_TIMEOUT", "1")
    result = CliRunner().invoke(cli, ["--db", str(seeded), *RECORD])
    holder.execute("ROLLBACK")
    holder.close()
    FAULTS.append("locked view file")
    assert result.exit_code == 1
    assert "the store is locked by another process" in result.output
    assert result.output.count("\n") == 1
    assert head(seeded) == before


def test_faults_simulated() -> None:
    if not FAULTS:
        pytest.skip("run with the fault tests of this file (it reports their count)")
    print(f"\nfaults simulated: {len(FAULTS)}: {', '.join(FAULTS)}")
    assert len(FAULTS) >= 8
