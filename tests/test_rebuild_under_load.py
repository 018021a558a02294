"""Commands during 'tracker projections rebuild' (issue 15, item 9): queries keep answering,
and a write that was committed exits 0. Real processes: one rebuilds the views over and over
while others ask and record."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, copy_seeded
from tracker import Tracker

QUERY = ["strength", "MINUSMA", "--on", "2013-12-31", "--format", "json"]
SEARCH = ["search", "Gao", "--limit", "5", "--format", "json"]


def record(n: int) -> list[str]:
    return [
        "record",
        "strength-reported",
        "--mission",
        "MINUSMA",
        "--contributor",
        "TCD",
        "--valid",
        f"2023-05-{1 + n:02d}",
        "--strength",
        str(200 + n),
        "--source-title",
        "Test",
        "--published-on",
        "2023-06-02",
    ]


def tracker(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracker", "--db", str(db), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


@pytest.fixture
def seeded(
    tmp_path: Path, seed_templates: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    return copy_seeded(tmp_path / "t.db", seed_templates, tmp_path_factory)


def test_queries_and_writes_during_rebuilds_all_succeed(seeded: Path) -> None:
    """During rebuilds, 2 of 13 queries failed ('attempt to write a readonly database': the
    file they had open was replaced under them) and 19 of 75 'tracker record' commands exited
    1 although their events were written."""
    done = threading.Event()
    rebuilds: list[subprocess.CompletedProcess[str]] = []
    before = Tracker(seeded, create=False)
    seeded_events = before.verify().events
    before.close()

    def rebuild_until_done() -> None:
        views = ["strength", "audit", "announcements", "mandates"]
        while not done.is_set():
            rebuilds.append(tracker(seeded, "projections", "rebuild", views[len(rebuilds) % 4]))

    rebuilder = threading.Thread(target=rebuild_until_done)
    rebuilder.start()
    results: dict[str, list[subprocess.CompletedProcess[str]]] = {"query": [], "record": []}

    def ask(kind: str, commands: list[list[str]]) -> None:
        for command in commands:
            results[kind].append(tracker(seeded, *command))

    askers = [
        threading.Thread(target=ask, args=("query", [QUERY, SEARCH] * 8)),
        threading.Thread(target=ask, args=("record", [record(n) for n in range(16)])),
    ]
    for thread in askers:
        thread.start()
    for thread in askers:
        thread.join()
    done.set()
    rebuilder.join()
    assert len(rebuilds) >= 4, "the rebuilds did not overlap the other commands"
    assert [r.stderr for r in rebuilds if r.returncode != 0] == []
    failed = [
        (r.args[5:7], r.returncode, r.stderr)
        for kind in results
        for r in results[kind]
        if r.returncode != 0 or r.stderr.startswith("Error")
    ]
    assert failed == []
    assert {json.loads(r.stdout)[0]["strength"] for r in results["query"][::2]} == {6439}
    notes = {line for r in results["record"] for line in r.stderr.splitlines()}
    assert all(line.startswith("Note: ") for line in notes), notes
    # every write is in the store once, and every view ends equal to the log
    store = Tracker(seeded, create=False)
    assert store.verify().events == seeded_events + 16
    store.catch_up()
    assert {view.name: view.position(store.name) for view in store.views()} == {
        view.name: seeded_events + 16 for view in store.views()
    }
    store.close()
