"""Crash safety: an import or a rebuild killed with SIGKILL at a random moment leaves all or
none of each transaction; the next run completes with the same result as an uninterrupted one,
and every view equals a clean rebuild. 20 runs of each."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, SEEDS, copy_seeded
from tests.test_projection_engine import dump
from tracker import Tracker

RUNS = 20
UN_FILE = (
    ROOT.parent / "shared/data/un-monthly/un_contributions_by_mission_country_2009-11_2013-12.csv"
)
OUTCOMES: Counter[str] = Counter()


def events(db: Path) -> list[tuple[Any, ...]]:
    """Every stored event as (stream, version, topic, payload without its recorded time):
    what two runs of the same import must agree on."""
    tracker = Tracker(db, create=False)
    rows = []
    for n in tracker.recorder.select_notifications(start=1, limit=10**9):
        payload = json.loads(n.state)
        payload.pop("timestamp", None)
        rows.append((str(n.originator_id), n.originator_version, n.topic, json.dumps(payload)))
    tracker.close()
    return rows


def caught_up(db: Path) -> dict[str, Any]:
    """What every view of the store holds once caught up."""
    tracker = Tracker(db, create=False)
    tracker.catch_up()
    found = {view.name: dump(view) for view in tracker.views()}
    tracker.close()
    return found


def clean_rebuild(db: Path) -> dict[str, Any]:
    """What every view holds when built from position 0 (a copy of the log, no view files)."""
    clean = db.with_name("clean")
    shutil.rmtree(clean, ignore_errors=True)
    clean.mkdir()
    shutil.copy(db, clean / db.name)
    return caught_up(clean / db.name)


def views_equal_a_clean_rebuild(db: Path) -> bool:
    return caught_up(db) == clean_rebuild(db)


@pytest.fixture(scope="module")
def base(
    tmp_path_factory: pytest.TempPathFactory, seed_templates: dict[str, Any]
) -> tuple[Path, Path]:
    """A seeded store (views caught up), whose rebuilds are killed, and 1,000 rows of the UN
    file to import."""
    if not UN_FILE.is_file():
        pytest.skip(f"the UN monthly file is not beside the project ({UN_FILE})")
    folder = tmp_path_factory.mktemp("crash")
    db = copy_seeded(folder / "base.db", seed_templates, tmp_path_factory)
    data = folder / "un.csv"
    with UN_FILE.open("rb") as file:
        data.write_bytes(b"".join(line for _, line in zip(range(1000), file, strict=False)))
    return db, data


def copy_store(db: Path, folder: Path) -> Path:
    folder.mkdir()
    for path in db.parent.glob(f"{db.stem}*"):
        if path.is_file():
            shutil.copy(path, folder / path.name)
    return folder / db.name


def command(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "tracker", "--db", str(db), *args]


@pytest.fixture(scope="module")
def small(base: tuple[Path, Path]) -> Path:
    """A store of the mission's life and its 2021-2023 events (views caught up): what an
    import is killed on. The whole record is not needed for that, and checking every view
    against a clean rebuild 20 times on it took most of this test's 287 s."""
    db = base[0].with_name("small.db")
    tracker = Tracker(db)
    for name in ("minusma-mission.jsonl", "minusma-2021-2023.jsonl"):
        tracker.import_jsonl((SEEDS / name).read_bytes(), name)
    tracker.catch_up()
    tracker.close()
    return db


def test_import_killed_at_20_random_moments(
    base: tuple[Path, Path], small: Path, tmp_path: Path
) -> None:
    db, data = small, base[1]
    reference = copy_store(db, tmp_path / "reference")
    started = time.perf_counter()
    subprocess.run(
        command(reference, "import", str(data), "--format", "un-monthly"),
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    took = time.perf_counter() - started
    expected, before = events(reference), events(db)
    assert len(expected) > len(before) + 800
    rng = random.Random(20)
    for run in range(RUNS):
        store = copy_store(db, tmp_path / f"run{run}")
        child = subprocess.Popen(
            command(store, "import", str(data), "--format", "un-monthly"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        time.sleep(rng.uniform(0.1, took))  # start-up, parsing, the commit, the views' catch-up
        child.send_signal(signal.SIGKILL)
        child.wait()
        after_kill = events(store)
        # all or none of the import's one transaction, and a chain that still verifies
        assert after_kill in (before, expected), f"run {run}: a partial import"
        assert Tracker(store, create=False).verify().ok
        OUTCOMES["import killed before its commit" if after_kill == before else "after"] += 1
        # the next run completes (an import already done adds nothing)
        again = Tracker(store, create=False)
        again.import_un_monthly(data.read_bytes(), str(data))
        again.close()
        assert events(store) == expected, f"run {run}: lost or duplicated events"
        assert views_equal_a_clean_rebuild(store), f"run {run}: a view differs from a rebuild"
        OUTCOMES["import runs survived"] += 1
    assert OUTCOMES["import runs survived"] == RUNS


def test_rebuild_killed_at_20_random_moments(base: tuple[Path, Path], tmp_path: Path) -> None:
    db, data = base
    store = copy_store(db, tmp_path / "store")
    tracker = Tracker(store, create=False)
    tracker.import_un_monthly(data.read_bytes(), str(data))
    tracker.catch_up()
    answers = {
        view.name: dump(view) for view in tracker.views()
    }  # what each view holds before any rebuild
    tracker.close()
    # a rebuild writes no event: the clean rebuild is the same for every run, made once
    clean = clean_rebuild(store)
    rng = random.Random(21)
    names = ["strength", "audit", "announcements", "mandates"]
    took = {}
    for name in ("strength", "audit"):  # the two slow ones; the others take under a second
        started = time.perf_counter()
        subprocess.run(
            command(store, "projections", "rebuild", name),
            check=True,
            cwd=ROOT,
            capture_output=True,
        )
        took[name] = time.perf_counter() - started
    for run in range(RUNS):
        name = names[run % len(names)]
        child = subprocess.Popen(
            command(store, "projections", "rebuild", name),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
        )
        time.sleep(rng.uniform(0.1, took.get(name, 1.0)))
        child.send_signal(signal.SIGKILL)
        child.wait()
        OUTCOMES["rebuild killed" if child.returncode == -signal.SIGKILL else "rebuild done"] += 1
        # the old file (or the new one, if the rename happened) answers, whole
        tracker = Tracker(store, create=False)
        tracker.catch_up()
        assert dump(tracker.view(name)) == answers[name], f"run {run}: {name} changed"
        tracker.close()
        assert caught_up(store) == clean, f"run {run}: a view differs from a rebuild"
        OUTCOMES["rebuild runs survived"] += 1
    print(f"\ncrash runs: {dict(sorted(OUTCOMES.items()))}")
    assert OUTCOMES["rebuild runs survived"] == RUNS
