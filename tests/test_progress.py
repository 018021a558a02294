"""Progress on long work (issue 17.5): imports, seeds and catch-ups report how far they are;
the command line draws a bar with events per second on a terminal and nothing in a pipe."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.conftest import minusma_csv_2013
from tests.helpers import source
from tracker import Tracker


def events_file(path: Path, count: int) -> Path:
    """A made-up mission and ``count`` deployments of one contributor, as JSON Lines."""
    lines = [
        {"type": "mission-established", "mission": "TESTMIS", "name": "Test mission",
         "host": "MLI", "valid": "2000-01-01", "source": source("2000-01-01")},
    ]  # fmt: skip
    day = 0
    while len(lines) < count:
        year, rest = divmod(day, 365)
        valid = f"{2001 + year}-01-01"
        lines.append(
            {"type": "deployed", "mission": "TESTMIS", "contributor": "TCD",
             "valid": f"{valid[:4]}-{1 + rest // 31 % 12:02d}-{1 + rest % 28:02d}",
             "count": 1 + day % 7, "source": source("2025-01-01")}
        )  # fmt: skip
        day += 1
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_jsonl_import_reports_each_stretch_of_lines(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    tracker = Tracker(tmp_path / "tracker.db")
    data = events_file(tmp_path / "events.jsonl", 1000).read_bytes()
    result = tracker.import_jsonl(data, "events.jsonl", lambda *call: calls.append(call))
    assert result.count == 1000
    assert calls == [(250, 1000), (500, 1000), (750, 1000), (1000, 1000), (1000, 1000)]


def test_a_catch_up_reports_every_view_it_brings_up_to_date(tmp_path: Path) -> None:
    tracker = Tracker(tmp_path / "tracker.db")
    tracker.import_jsonl(events_file(tmp_path / "events.jsonl", 600).read_bytes(), "events")
    head = tracker.recorder.max_notification_id() or 0
    behind = sum(head - view.position(tracker.name) for view in tracker.views())
    calls: list[tuple[int, int]] = []
    applied = tracker.catch_up(lambda *call: calls.append(call))
    assert applied == behind > 0
    assert calls[-1] == (behind, behind)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert {total for _, total in calls} == {behind}


def test_a_un_csv_import_reports_its_rows(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    tracker = Tracker(tmp_path / "tracker.db")
    tracker.import_un_monthly(minusma_csv_2013(), "un.csv", None, lambda *c: calls.append(c))
    rows = calls[-1][1]
    assert calls[-1] == (rows, rows)
    assert rows > 100
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def tracker_command(db: Path, *args: str, terminal: bool) -> tuple[int, str]:
    """Run ``tracker`` with its standard error on a terminal (a pty) or in a pipe; the exit
    status and what reached standard error."""
    env = {**os.environ, "TRACKER_PROGRESS_AFTER": "0", "COLUMNS": "120"}
    command = [sys.executable, "-m", "tracker", "--db", str(db), *args]
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        return done.returncode, done.stderr
    parent, child = pty.openpty()
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=child, env=env) as process:
        os.close(child)
        seen = b""
        while True:
            try:
                chunk = os.read(parent, 65536)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            seen += chunk
        os.close(parent)
    return process.returncode, seen.decode("utf-8", "replace")


def test_on_a_terminal_a_bar_with_events_per_second_and_in_a_pipe_nothing(
    tmp_path: Path,
) -> None:
    events = events_file(tmp_path / "events.jsonl", 3000)
    status, shown = tracker_command(tmp_path / "a.db", "import", str(events), terminal=True)
    assert status == 0, shown
    assert "importing events.jsonl" in shown
    assert "events/s" in shown
    assert "bringing the views up to date" in shown
    status, piped = tracker_command(tmp_path / "b.db", "import", str(events), terminal=False)
    assert (status, piped) == (0, "")


def test_seeds_report_events_across_their_files(tmp_path: Path) -> None:
    """Issue 17.5: the seeds' progress counted files (5 steps for 11,000 events)."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    whole = events_file(tmp_path / "all.jsonl", 900).read_text(encoding="utf-8").splitlines(True)
    (folder / "a.jsonl").write_text("".join(whole[:400]), encoding="utf-8")
    (folder / "b.jsonl").write_text("".join(whole[400:]), encoding="utf-8")
    (folder / "seeds.toml").write_text(
        '[[file]]\npath = "a.jsonl"\nformat = "jsonl"\n\n'
        '[[file]]\npath = "b.jsonl"\nformat = "jsonl"\n',
        encoding="utf-8",
    )
    calls: list[tuple[int, int]] = []
    Tracker(tmp_path / "tracker.db").load_seeds(folder, lambda *call: calls.append(call))
    assert calls == [
        (250, 900), (400, 900), (650, 900), (900, 900), (900, 900),
    ]  # fmt: skip
