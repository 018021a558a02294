"""Hardening, round 3, item 11: a store on a read-only mount can be read.

Every command failed "unreadable (unable to open database file), not an event store": the
store is in WAL mode, and SQLite could not make the WAL's index (``-shm``) in a folder it cannot
write. Now questions and ``verify`` answer (the store read as it is on disk, its views copied
into a temporary folder and brought up to date there), and a command that writes says in one
line why it cannot, before anything is opened.

How the read-only mount is simulated: as root (where ``chmod`` stops nothing), the command runs
in a mount namespace of its own (``unshare -m``) in which the store's folder is bind-mounted
onto itself read-only, a real read-only mount that no other process sees; as any other user,
the folder and its files are made read-only with ``chmod``. Either way the command first
checks that it cannot write into the folder (else the test is skipped, saying why)."""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers import source
from tracker import Tracker

AT = {"mission": "TESTMIS", "contributor": "BEN"}
CANNOT_SIMULATE = 97  # the runner's status when the folder turned out writable
NO_MOUNT = 98  # and when no read-only mount could be made


def make_store(folder: Path, *, views: bool = True) -> Path:
    """A small store in ``folder``: a mission and two figures of Benin's; its views current
    (``views``), or never made (the store file alone, as received)."""
    folder.mkdir(parents=True, exist_ok=True)
    store = Tracker(folder / "tracker.db")
    store.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    store.deploy_contingent(**AT, valid="2022-01-01", count=100, source=source())
    store.report_strength(**AT, valid="2022-05-19", strength=386, source=source())
    if views:
        store.catch_up()
    store.close()
    if not views:
        for path in folder.glob("tracker.*.db"):
            path.unlink()
    return folder / "tracker.db"


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[object]:
    """``run(folder, *args)``: ``python -m tracker *args`` of this checkout, from ``folder``,
    with ``folder`` read-only (see the module's docstring); its temporary files in a folder of
    the test's own, which must be empty afterwards."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    made_read_only: list[Path] = []

    def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
        env.update(PYTHONPATH=str(ROOT), TMPDIR=str(scratch))
        env["TRACKER_CONFIG_DIR"] = str(tmp_path / "config")
        command = [sys.executable, "-m", "tracker", *args]
        probe = f'if touch "{folder}/.probe" 2>/dev/null; then exit {CANNOT_SIMULATE}; fi'
        if os.geteuid() == 0:
            if not shutil.which("unshare"):
                pytest.skip("running as root, and no 'unshare' to make a read-only mount")
            script = (  # into the folder once it is mounted (the folder under it is writable)
                f'{{ mount --bind "{folder}" "{folder}" && mount -o remount,ro,bind "{folder}"; '
                f'}} || exit {NO_MOUNT}; cd "{folder}" && {probe} && exec {shlex.join(command)}'
            )
            argv = ["unshare", "-m", "--propagation", "private", "sh", "-c", script]
        else:
            for path in [*folder.iterdir(), folder]:
                path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
            made_read_only.append(folder)
            argv = ["sh", "-c", f'cd "{folder}" && {probe} && exec {shlex.join(command)}']
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode == CANNOT_SIMULATE:
            pytest.skip("the folder stayed writable: a read-only store cannot be simulated here")
        if os.geteuid() == 0 and (
            done.returncode == NO_MOUNT or done.stderr.startswith("unshare:")
        ):
            pytest.skip(f"no read-only mount can be made here: {done.stderr.strip()}")
        return done

    yield run
    for folder in made_read_only:
        for path in [folder, *folder.iterdir()]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    assert list(scratch.iterdir()) == []  # the views' copies are gone with the command


@pytest.mark.parametrize("views", [True, False], ids=["views current", "store file alone"])
def test_questions_are_answered_from_a_read_only_store(
    tmp_path: Path, read_only: object, views: bool
) -> None:
    assert callable(read_only)
    folder = make_store(tmp_path / "mounted", views=views).parent
    before, count = digest(folder), events_in(folder / "tracker.db")
    verified = read_only(folder, "--db", "tracker.db", "verify")
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.startswith(f"Verified {count} events; head ")
    answered = read_only(
        folder, "--db", "tracker.db", "strength", "TESTMIS", "--on", "2022-06-01", "--json"
    )
    assert answered.returncode == 0, answered.stderr
    assert '"strength": 386' in answered.stdout
    history = read_only(folder, "--db", "tracker.db", "history", "TESTMIS")
    assert history.returncode == 0, history.stderr
    assert history.stdout.splitlines()[0] == "TESTMIS history, in valid-time order: 3 event(s)"
    notes = [line for line in answered.stderr.splitlines() if line.startswith("Note:")]
    if views:
        assert notes == []
    else:  # said, each time: nothing of that work is kept
        assert notes == [
            "Note: the store is read-only: its views strength, audit, announcements, mandates, "
            "estimate were behind its log and were brought up to date for this command only, "
            "in a temporary copy"
        ]
    assert digest(folder) == before


def test_a_write_says_in_one_line_why_it_cannot(tmp_path: Path, read_only: object) -> None:
    assert callable(read_only)
    folder = make_store(tmp_path / "mounted").parent
    before = digest(folder)
    done = read_only(
        folder, "--db", "tracker.db", "record", "deployed", "--mission", "TESTMIS",
        "--contributor", "TCD", "--valid", "2023-01-01", "--count", "5", "--source-title",
        "Test", "--published-on", "2023-01-02",
    )  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        "Error: the store 'tracker.db' cannot be written (its file or its folder is read-only: "
        "a read-only mount, or permissions): nothing was written - to record into it, copy it "
        "somewhere writable first (tracker copy-store --from tracker.db --to COPY)\n",
    )
    assert digest(folder) == before


def test_a_store_whose_writer_left_its_wal_is_read_with_its_latest_events(
    tmp_path: Path, read_only: object
) -> None:
    """Copied while others had it open: the newest events are in ``tracker.db-wal`` (read as
    it is on disk, the file alone, they would be missed)."""
    assert callable(read_only)
    origin = tmp_path / "origin"
    db = make_store(origin, views=False)
    folded = events_in(db)
    reader = sqlite3.connect(db, isolation_level=None)  # a reader in the middle of a read:
    reader.execute("BEGIN")  # the WAL is not folded into the file past what it reads
    reader.execute("SELECT COUNT(*) FROM stored_events").fetchone()
    try:
        store = Tracker(db)
        store.report_strength(**AT, valid="2022-11-30", strength=250, source=source())
        store.close()
        copied = tmp_path / "mounted"
        copied.mkdir()
        for name in ("tracker.db", "tracker.db-wal", "tracker.db-shm"):
            shutil.copyfile(origin / name, copied / name)
    finally:
        reader.close()
    latest = events_in(db)
    assert latest > folded
    done = read_only(copied, "--db", "tracker.db", "verify")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"Verified {latest} events; head ")
    os.remove(copied / "tracker.db-shm")
    missing = read_only(copied, "--db", "tracker.db", "verify")
    assert (missing.returncode, missing.stderr) == (
        2,
        "Error: tracker.db: its latest events are in tracker.db-wal, whose index "
        "(tracker.db-shm) is missing and cannot be made in a folder that cannot be written - "
        "copy the store's files to a writable folder and open it there\n",
    )


def events_in(db: Path) -> int:
    with sqlite3.connect(db) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM stored_events").fetchone()
    connection.close()
    return int(count)
