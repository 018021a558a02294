"""The fast paths of a strength question (issue 19): the R*Tree's search, the checks before an
answer, a read of the new events only. Each test counts the work a path does, so it fails
without the path (the timings are bench/'s)."""

from __future__ import annotations

import itertools
import json
import operator
import struct
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from events.errors import MissionNotFoundError
from projections import StrengthProjection
from projections.files import Transaction
from projections.strength_boxes import box_filter
from projections.strength_tables import INTERVAL_COLUMNS
from tests.helpers import source
from tracker import Tracker

OPS: dict[str, Callable[[int, int], bool]] = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
}


def nodes_searched(db: Any, condition: str, values: list[int]) -> tuple[int, int]:
    """How many of the R*Tree's nodes a search for ``condition`` (``box_filter``'s SQL, with
    its ``values``) reads, and how many nodes there are: the tree walked as SQLite walks it,
    down every cell whose box meets each bound (nodes as the rtree module stores them: depth,
    cell count, then each cell's id and its coordinates as big-endian 32-bit integers)."""
    columns = ["m0", "m1", "v0", "v1", "k0", "k1", "r0", "r1"]
    bounds = []
    for term, value in zip(condition.split(" AND "), values, strict=True):
        column, op, _ = term.split()
        bounds.append((columns.index(column), OPS[op], value))
    nodes = dict(db.execute("SELECT nodeno, data FROM _strength_box_node").fetchall())
    depth = int.from_bytes(nodes[1][:2], "big")
    cell = struct.Struct(f">q{len(columns)}i")
    read = 0

    def walk(number: int, level: int) -> None:
        nonlocal read
        read += 1
        data = nodes[number]
        for n in range(int.from_bytes(data[2:4], "big")):
            child, *box = cell.unpack_from(data, 4 + n * cell.size)
            # an interior cell's box bounds its children's: max of the ends, min of the starts
            if level < depth and all(op(box[i], value) for i, op, value in bounds):
                walk(child, level + 1)

    walk(1, 0)
    return read, len(nodes)


def interval_rows(missions: int, contributors: int, months: int) -> list[list[Any]]:
    """A view's rows as a long record makes them: every contingent's monthly level, each month
    first recorded open-ended and then closed by the next report (a superseded recorded time),
    and every other month first known at another figure (a superseded knowledge date)."""
    found = []
    for m, c, n in itertools.product(range(missions), range(contributors), range(months)):
        valid = date(1990, 1, 31) + timedelta(days=30 * n)
        after, day = (valid + timedelta(days=30)).isoformat(), valid.isoformat()
        recorded = f"2020-01-01T00:{n // 60:02d}:{n % 60:02d}.000000+00:00"
        later = None if n == months - 1 else f"2020-01-01T01:{n // 60:02d}:{n % 60:02d}+00:00"
        cell, event = [f"M{m}", f"C{c:02d}", "Gao", "Gao", "troops", day], f"E/{m}/{c}/{n}"
        found.append([*cell, None, 100 + n, 0, event, day, None, recorded, later])
        if later is not None:
            found.append([*cell, after, 100 + n, 0, event, day, None, later, None])
        if n % 2:
            known_to = (valid + timedelta(days=3)).isoformat()
            found.append([*cell, after, 90 + n, 0, f"{event}/early", day, known_to, recorded, None])
    assert all(len(r) == len(INTERVAL_COLUMNS) for r in found)
    return found


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "rebuild"])
@pytest.mark.parametrize("known", [False, True], ids=["now", "known at"])
def test_the_rtree_reads_few_nodes_for_a_date(bulk: bool, known: bool) -> None:
    # Every mission's boxes have a width (the span [id, id + 1)): with none, each box had no
    # volume, the tree could not choose where a box grows least, and its nodes held rows of
    # every recorded time (a date's search read 28x the nodes at 100,000 events).
    view = StrengthProjection(None)
    if bulk:
        view.begin_bulk()
    view.db.conn.executemany(
        f"INSERT INTO strength_intervals ({', '.join(INTERVAL_COLUMNS)}) "
        f"VALUES ({', '.join('?' for _ in INTERVAL_COLUMNS)})",
        interval_rows(missions=4, contributors=12, months=120),
    )
    if bulk:
        view.finish()
    (mission,) = view.db.execute("SELECT id FROM _strength_mission WHERE mission = 'M2'").fetchone()
    read_in_all = 0
    for n in range(12):
        on = date(1990, 3, 15) + timedelta(days=300 * n)
        known_at = on + timedelta(days=2) if known else None
        condition, values = box_filter(mission, on, known_at, None)
        read, nodes = nodes_searched(view.db, condition, values)
        read_in_all += read
        found = view.db.execute(f"SELECT COUNT(*) FROM _strength_box WHERE {condition}", values)
        assert found.fetchone()[0] == 12  # one box a contingent (a node holds ~70)
        rows = view.strength("M2", on, ("contributor",), known_at=known_at)
        assert [(r.contributor, r.strength) for r in rows] == [
            (f"C{c:02d}", 100 + (on - date(1990, 1, 31)).days // 30) for c in range(12)
        ]
    assert read_in_all / 12 <= 12, f"{read_in_all / 12:.0f} of {nodes} nodes read a date"


@pytest.fixture
def counted(tracker: Tracker, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """The log reads and the view's write transactions from now on, by name (a read of the
    log as stored, ``read_log``, counts as one of notifications)."""
    seen: Counter[str] = Counter()
    for name in ("select_notifications", "select_events", "max_notification_id", "read_log"):
        method = getattr(tracker.recorder, name, None)
        if method is None:  # a recorder that reads the log only through the library
            continue
        key = "select_notifications" if name == "read_log" else name

        def counting(*args: Any, _method: Any = method, _name: str = key, **kw: Any) -> Any:
            seen[_name] += 1
            return _method(*args, **kw)

        monkeypatch.setattr(tracker.recorder, name, counting)
    begin = Transaction.__enter__

    def writing(self: Transaction) -> Any:
        seen["view write transaction"] += 1
        return begin(self)

    monkeypatch.setattr(Transaction, "__enter__", writing)
    return seen


def report(tracker: Tracker, contributor: str, valid: str, strength: int) -> None:
    tracker.report_strength(
        mission="TESTMIS",
        contributor=contributor,
        valid=valid,
        strength=strength,
        location="Gao",
        source=source(published_on=max(valid, "2022-11-30")),
    )


def test_a_question_on_a_current_view_looks_at_the_log_once(
    tracker: Tracker, counted: Counter[str]
) -> None:
    report(tracker, "BEN", "2021-01-31", 300)
    report(tracker, "TCD", "2021-01-31", 200)
    on = date(2021, 2, 1)
    tracker.strength("TESTMIS", on)  # catches up (the log read, the rows derived)
    counted.clear()
    for _ in range(3):
        assert tracker.strength("TESTMIS", on, by=["contributor"]).total == 500
    # the log's head, once a question: the mission is known, the view's last event was found
    # where it stands already (the log is append-only), and nothing new means no transaction
    assert counted == {"max_notification_id": 3}


def test_one_new_event_is_read_in_one_transaction(tracker: Tracker, counted: Counter[str]) -> None:
    report(tracker, "BEN", "2021-01-31", 300)
    on = date(2021, 3, 1)
    tracker.strength("TESTMIS", on)
    report(tracker, "BEN", "2021-02-28", 250)
    counted.clear()
    assert tracker.strength("TESTMIS", on, by=["contributor"]).total == 250
    # its batch, the end of the log: no second look for more
    assert counted == {
        "max_notification_id": 1,
        "select_notifications": 1,
        "view write transaction": 1,
    }


def test_a_mission_the_log_has_not_heard_of_is_still_refused(tracker: Tracker) -> None:
    tracker.strength("TESTMIS", date(2021, 1, 1))
    with pytest.raises(MissionNotFoundError):
        tracker.strength("NOSUCH", date(2021, 1, 1))


def test_a_contingents_rows_are_stored_in_valid_time_order(tracker: Tracker) -> None:
    # the rows in force on a date then lie on a few pages, not one page each
    for month in range(1, 25):
        valid = (date(2021, 1, 1) + timedelta(days=31 * month)).isoformat()
        for location in ("Gao", "Kidal", "Timbuktu"):
            tracker.report_strength(
                mission="TESTMIS",
                contributor="BEN",
                valid=valid,
                strength=100 + month,
                location=location,
                source=source(),
            )
    in_force = (date(2022, 6, 1) - date(2021, 1, 1)).days // 31  # the month reported last
    assert tracker.strength("TESTMIS", date(2022, 6, 1)).total == 3 * (100 + in_force)
    stored = [
        row[0]
        for row in tracker.strength_view.db.execute(
            "SELECT valid_from FROM strength_intervals WHERE contributor = 'BEN' "
            "AND recorded_to IS NULL ORDER BY rowid"
        )
    ]
    assert len(stored) == 3 * 24
    assert stored == sorted(stored)


def test_a_views_commit_keeps_its_journal_and_syncs_it_once(tmp_path: Path) -> None:
    # Deleting the journal at every commit cost its creation, a sync of its folder, a second
    # sync of its header and its removal: waits of a catch-up's commit on the disk
    tracker = Tracker(tmp_path / "t.db")
    tracker.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    report(tracker, "BEN", "2021-01-31", 300)
    assert tracker.strength("TESTMIS", date(2021, 2, 1)).total == 300
    journal = tmp_path / "t.strength.db-journal"
    assert journal.exists()
    assert journal.stat().st_size == 0  # truncated: an empty journal is never played back
    for view in tracker.views():
        assert view.db.execute("PRAGMA journal_mode").fetchone() == ("truncate",)
        assert view.db.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    tracker.rebuild_projection("strength")
    assert not (tmp_path / "t.strength.db.rebuild-journal").exists()
    report(tracker, "BEN", "2021-02-28", 200)
    assert tracker.strength("TESTMIS", date(2021, 3, 1)).total == 200
    tracker.close()


def reports(contributor: str, count: int) -> list[str]:
    """``count`` reports of one contingent at Gao, every third day from 2020-02-01."""
    lines = []
    for n in range(count):
        valid = (date(2020, 2, 1) + timedelta(days=3 * n)).isoformat()
        event = {
            "type": "strength-reported",
            "mission": "TESTMIS",
            "contributor": contributor,
            "valid": valid,
            "strength": 100 + n % 50,
            "location": "Gao",
            "source": source(published_on=valid),
        }
        lines.append(json.dumps(event))
    return lines


def test_one_new_change_is_derived_without_reading_the_contingents_history(
    tracker: Tracker,
) -> None:
    # the checks that the change comes after all others read what the last derivation kept
    # (strength_derived), not every change of the contingent: three reads of a contingent of
    # 3,000 changes were 2.1 ms of a 1M-event catch-up
    tracker.import_events([*reports("BEN", 600), *reports("TCD", 20)], "reports.jsonl")
    on = date(2026, 1, 1)
    tracker.strength("TESTMIS", on)  # catches up
    steps = Counter[str]()
    for contributor in ("BEN", "TCD"):
        report(tracker, contributor, "2025-12-31", 77)
        tracker.strength_view.db.conn.set_progress_handler(
            lambda name=contributor: steps.update([name]) and 0, 100
        )
        rows = tracker.strength("TESTMIS", on, by=["contributor"]).rows
        tracker.strength_view.db.conn.set_progress_handler(None, 0)
        assert {r.contributor: r.strength for r in rows}[contributor] == 77
    # a history 30 times as long is not twice the work (it was 13 times: the reads of every
    # change; what is left differs by the R*Tree's shape, which the recorded times change)
    assert steps["BEN"] <= 2 * steps["TCD"], steps


def test_an_answer_is_read_in_one_transaction(tracker: Tracker) -> None:
    # its position, rows, reported total and record of one state of the view (and the file
    # locked once, not at each statement)
    report(tracker, "BEN", "2021-01-31", 300)
    on = date(2021, 2, 1)
    tracker.strength("TESTMIS", on)
    conn = tracker.strength_view.db.conn
    outside: list[str] = []
    conn.set_trace_callback(lambda sql: None if conn.in_transaction else outside.append(sql))
    assert tracker.strength("TESTMIS", on, by=["contributor"]).total == 300
    conn.set_trace_callback(None)
    read = [sql for sql in outside if "strength_intervals" in sql or "mission_" in sql]
    assert read == []
    assert outside[-1] == "BEGIN"  # the catch-up's look (nothing new) comes before it
