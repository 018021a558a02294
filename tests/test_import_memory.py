"""What an import holds until its commit (issue 19: import peak memory): each change made once
and kept once, its parts shared, the ids it answers packed, and no PDF reader or pandas loaded
for a file of events. Each test counts objects or bytes, so it fails without the path; the
peak memory of a million-event import is bench/'s."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from datetime import date
from pathlib import Path

import pytest

from events.contingent import Contingent
from tracker.answers.records import EventIds

SOURCE = {"title": "Test source (made up)", "published_on": "2020-02"}


def report(count: int, day: str = "2020-01-31", **more: object) -> dict[str, object]:
    fields = {"valid": day, "strength": count, "personnel_type": "troops", "source": SOURCE}
    return fields | more


def test_each_change_is_made_once_for_its_check_and_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []
    as_change = Contingent.ChangeEvent.as_change

    def counting(self: Contingent.ChangeEvent) -> object:
        made.append(self)
        return as_change(self)

    monkeypatch.setattr(Contingent.ChangeEvent, "as_change", counting)
    contingent = Contingent.open("TESTMIS", "BEN")
    for n in range(1, 11):
        contingent.record(Contingent.StrengthReported, report(1000 + n, f"2020-{n:02}-28"))
    assert len(made) == 10  # not once for the check and again when it is kept
    (first, *_) = contingent.changes
    assert first is contingent._checked.changes[0]
    assert first.event_id == "TESTMIS/BEN/2"  # made from its stream and version when asked


def test_the_parts_of_changes_are_shared_between_events() -> None:
    one, other = Contingent.open("TESTMIS", "BEN"), Contingent.open("TESTMIS", "TGO")
    for contingent in (one, other):
        for n in range(300):  # versions past 256: ints that Python does not share itself
            contingent.record(Contingent.StrengthReported, report(1300 + n % 3))
    a, b = one._checked.changes, other._checked.changes
    assert a[-1].effective is b[-1].effective  # one date object for "2020-01-31"
    assert a[-1].order is b[-1].order  # version 301 of each stream
    assert a[-1].count is b[-4].count  # the figure 1,300 + 299 % 3
    assert a[-1].personnel_type is b[0].personnel_type


def test_an_import_holds_a_change_in_under_220_bytes() -> None:
    days = [f"20{y:02}-{m:02}-28" for y in range(10, 30) for m in range(1, 13)]
    Contingent.open("TESTMIS", "MLI").record(Contingent.StrengthReported, report(1))  # warm
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        contingents = [Contingent.open("TESTMIS", c) for c in ("BEN", "TGO", "SEN", "NER")]
        for n in range(1000):
            for contingent in contingents:
                figure = 900 + n % 50  # a contingent's figure varies by tens, not thousands
                contingent.record(Contingent.StrengthReported, report(figure, days[n // 5]))
                contingent.pending_events.clear()  # staged by the import as it goes
        held = (tracemalloc.get_traced_memory()[0] - before) / 4000
    finally:
        tracemalloc.stop()
    # 433 bytes before issue 19's second round (an id string and an int per change for four
    # maps, a key tuple and a date object per change, a map of days, two dicts keyed by id);
    # 190 after (the change, 120 bytes, and a slot in three lists)
    assert held < 220, f"{held:.0f} bytes per change"


def test_the_ids_an_import_answers_are_packed() -> None:
    ids = [f"TESTMIS/BEN/{n}" for n in range(2, 20_002)] + ["TESTMIS/1", "TESTMIS/2"]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        packed = EventIds(ids)
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert held / len(ids) < 20  # a list of the strings: about 75 bytes each
    assert packed == ids
    assert list(packed) == ids
    assert len(packed) == len(ids)
    assert packed[-1] == "TESTMIS/2"
    assert packed[:2] == ["TESTMIS/BEN/2", "TESTMIS/BEN/3"]
    assert packed != ids[:-1]
    assert packed != "TESTMIS/BEN/2"


def test_an_import_of_events_loads_no_pdf_reader_nor_pandas(tmp_path: Path) -> None:
    log = tmp_path / "events.jsonl"
    first = {"type": "mission-established", "mission": "TESTMIS", "name": "Test mission"}
    first |= {"host": "MLI", "valid": "2020-01-01"}
    deployed = {"type": "deployed", "mission": "TESTMIS", "contributor": "BEN", "count": 5}
    lines = [first | {"source": SOURCE}, deployed | {"valid": "2020-01-05", "source": SOURCE}]
    log.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    script = (
        "import sys; from tracker import Tracker; "
        f"t = Tracker({str(tmp_path / 't.db')!r}); t.import_events(open({str(log)!r}), 'x'); "
        "import datetime; t.strength('TESTMIS', datetime.date(2020, 2, 1)); "
        "print(sorted(m for m in ('pdfplumber', 'pdfminer', 'pandas', 'numpy') "
        "if m in sys.modules)); "
        "import pandas, sqlite_utils; print(pandas.DataFrame([{'a': 1}]).shape)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    # none loaded (40 MB and 0.3 s), and pandas still imports afterwards
    assert done.stdout.split("\n")[:2] == ["[]", "(1, 1)"]


def test_an_import_lets_its_aggregates_go_before_moving_its_events_into_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc
    import weakref

    from tracker import Tracker
    from tracker.app import unit_of_work
    from tracker.store.sqlite import SQLiteStage

    monkeypatch.setattr(unit_of_work, "SPILL_EVERY", 10)  # staged as it goes
    held: list[weakref.ref[object]] = []
    alive_at_commit: list[int] = []
    spill, commit = unit_of_work.UnitOfWork._spill, SQLiteStage.commit

    def spilling(self: unit_of_work.UnitOfWork) -> None:
        held.extend(weakref.ref(a) for a in self.aggregates.values())
        spill(self)

    def committing(self: SQLiteStage) -> None:
        gc.collect()
        alive_at_commit.append(sum(ref() is not None for ref in held))
        commit(self)

    monkeypatch.setattr(unit_of_work.UnitOfWork, "_spill", spilling)
    monkeypatch.setattr(SQLiteStage, "commit", committing)
    first = {"type": "mission-established", "mission": "TESTMIS", "name": "Test mission"}
    lines = [first | {"host": "MLI", "valid": "2020-01-01", "source": SOURCE}]
    for n in range(1, 41):
        day = f"2020-01-{n % 28 + 1:02}"
        fields = {"contributor": ("BEN", "TGO")[n % 2], "count": n, "valid": day}
        lines.append({"type": "deployed", "mission": "TESTMIS", "source": SOURCE} | fields)
    tracker = Tracker(str(tmp_path / "t.db"))
    result = tracker.import_events([json.dumps(line) for line in lines], "x")
    assert result.count == 41
    assert len(held) > 0
    assert alive_at_commit == [0]  # none of the mission and its two contingents is held
    assert tracker.strength("TESTMIS", date(2020, 2, 1)).rows[0].strength == sum(range(1, 41))
