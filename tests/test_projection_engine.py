"""The projection engine: user projections, side-by-side rebuilds, exactly once under SIGKILL,
and positions that are never shared."""

from __future__ import annotations

import calendar
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from events.contingent import Contingent
from projections import Projection
from projections.engine import handles
from tests.conftest import ROOT, minusma_csv_2013
from tests.helpers import source
from tests.test_un_monthly_input import HEADER
from tracker import Tracker
from tracker.cli import cli


class ByGender(Projection):
    """UN-reported personnel by mission, month end, contributor, type and gender."""

    name = "by_gender_test"
    version = 1

    def create_tables(self) -> None:
        self.db.table("by_gender").create(
            {
                "mission": str,
                "day": str,
                "contributor": str,
                "personnel_type": str,
                "male": int,
                "female": int,
                "total": int,
            },
            pk=("mission", "day", "contributor", "personnel_type"),
            if_not_exists=True,
        )

    @handles(Contingent.StrengthReported)
    def strength_reported(self, event: Contingent.StrengthReported, position: int) -> None:
        if event.personnel_type and event.strength is not None and not event.inferred:
            self.db.table("by_gender").upsert(
                {
                    "mission": event.mission,
                    "day": str(event.valid),
                    "contributor": event.contributor,
                    "personnel_type": event.personnel_type,
                    "male": event.male,
                    "female": event.female,
                    "total": event.strength,
                },
                pk=("mission", "day", "contributor", "personnel_type"),
            )


class Counter(Projection):
    """Counts events by kind: a second user projection for the position tests."""

    name = "counter_test"

    def create_tables(self) -> None:
        self.db.table("counts").create({"kind": str, "n": int}, pk="kind", if_not_exists=True)

    def process(self, event: Any, position: int) -> None:
        self.db.execute(
            "INSERT INTO counts VALUES (?, 1) ON CONFLICT(kind) DO UPDATE SET n = n + 1",
            [type(event).__name__],
        )


@pytest.fixture
def seeded(seeded_db: str) -> Iterator[Tracker]:
    tracker = Tracker(seeded_db)
    yield tracker
    tracker.close()


def test_a_user_projection_replays_the_seeded_log(seeded: Tracker, tmp_path: Path) -> None:
    projection, count = seeded.replay("tests.test_projection_engine:ByGender", tmp_path / "g.db")
    assert count == seeded.recorder.max_notification_id()
    got = {
        (r["day"], r["contributor"], r["personnel_type"]): (r["male"], r["female"], r["total"])
        for r in projection.db.table("by_gender").rows
    }
    # The UN's own figures of Jul-Dec 2013 (its CSV file): every typed figure, gender as given.
    lines = minusma_csv_2013().decode().splitlines()[1:]
    expected = {}
    for line in lines:
        cells = line.split(",")
        for offset, personnel_type in (
            (4, "individual_police"),
            (7, "formed_police_units"),
            (10, "military_experts"),
            (13, "troops"),
        ):
            male, female, total = cells[offset : offset + 3]
            if total != "NA":
                expected[(cells[0], cells[2], personnel_type)] = (
                    None if male == "NA" else int(male),
                    None if female == "NA" else int(female),
                    int(total),
                )
    assert {k: v for k, v in got.items() if k[0].startswith("2013")} == expected
    # and every later month of the record, and Benin's typed figures from the press
    assert {"2022-05-19", "2022-11-30", "2024-11-30"} <= {k[0] for k in got}


def test_registered_projection_is_kept_caught_up_and_listed(
    seeded: Tracker, tmp_path: Path
) -> None:
    runner = CliRunner()
    db = str(seeded.config.db)
    result = runner.invoke(
        cli, ["--db", db, "projections", "add", "tests.test_projection_engine:Counter"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Added tests.test_projection_engine:Counter: ")
    registry = seeded.config.registry_path()
    assert registry is not None
    assert registry.exists()
    runner.invoke(
        cli,
        [
            "--db",
            db,
            "record",
            "deployed",
            "--mission",
            "MINUSMA",
            "--contributor",
            "TCD",
            "--valid",
            "2023-01-01",
            "--count",
            "5",
            "--source-title",
            "Test",
            "--published-on",
            "2023-01-02",
        ],
    )
    reopened = Tracker(db)
    counter = reopened.view("counter_test")
    assert counter.db.execute("SELECT n FROM counts WHERE kind = 'Deployed'").fetchone()[0] == 1
    listed = {s.name: s for s in reopened.projections()}
    assert (listed["counter_test"].behind, listed["counter_test"].built_in) == (0, False)
    again = runner.invoke(
        cli, ["--db", db, "projections", "add", "tests.test_projection_engine:Counter"]
    )
    assert (again.exit_code, again.output) == (
        2,
        "Error: projection name 'counter_test' is taken: give the class another\n",
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nocolon", "write it as module:Class"),
        ("no_such_module:X", "cannot import 'no_such_module'"),
        ("tests.test_projection_engine:Tracker", "is not a subclass of projections.Projection"),
    ],
)
def test_bad_projection_specs_are_one_line_errors(seeded: Tracker, spec: str, message: str) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(seeded.config.db), "replay", "--projection", spec]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert result.output.count("\n") == 1


def test_two_projections_never_share_a_position(seeded: Tracker, tmp_path: Path) -> None:
    a, _ = seeded.replay("tests.test_projection_engine:Counter", tmp_path / "a.db")
    b = Counter(tmp_path / "b.db")
    assert (a.position(seeded.name), b.position(seeded.name)) == (
        seeded.recorder.max_notification_id(),
        0,
    )
    assert b.catch_up(seeded) == seeded.recorder.max_notification_id()
    built_in = [v.path for v in seeded.views()]
    assert len(set(built_in)) == len(built_in)  # each view in its own file


def test_rebuild_is_side_by_side_and_equals_catch_up(seeded: Tracker) -> None:
    seeded.catch_up()
    days = [date(2013, 7, 31), date(2013, 12, 31), date(2016, 6, 30), date(2022, 11, 30)]

    def answers() -> list[Any]:
        return [
            (
                seeded.strength("MINUSMA", d, ["contributor", "location"]).rows,
                seeded.strength("MINUSMA", d, ["contributor"], known_at=date(2014, 1, 1)).rows,
            )
            for d in days
        ]

    before_answers = answers()
    assert any(rows for rows, _ in before_answers)
    for view in seeded.views():
        before = dump(view)
        assert seeded.rebuild_projection(view.name) == seeded.recorder.max_notification_id()
        assert dump(seeded.view(view.name)) == before, view.name
        assert not Path(str(view.path) + ".rebuild").exists()
    assert answers() == before_answers  # the rebuilt view's R*Tree finds the same rows


def dump(view: Projection) -> dict[str, list[tuple[Any, ...]]]:
    tables = [t for t in view.db.table_names() if not t.startswith("_") and "_fts" not in t]
    return {
        t: sorted((tuple(r) for r in view.db.execute(f"SELECT * FROM [{t}]")), key=repr)
        for t in tables
    }


# A helper run in a child process, killed with SIGKILL part way through.
CHILD = textwrap.dedent("""
    import sys, time
    from tracker import Tracker
    tracker = Tracker(sys.argv[1])
    def slow(done, total):
        print(done, flush=True)
        time.sleep(0.5)
    view = tracker.view("strength")
    if sys.argv[2] == "rebuild":
        view.rebuild(tracker, slow)
    else:
        view.catch_up(tracker, batch_size=500, progress=slow)
""")


def big_store(path: Path, months: int = 12) -> Tracker:
    """A store with some thousands of events (made-up monthly figures for a test mission)."""
    rows = [HEADER]
    for month in range(months):
        year, number = 2010 + month // 12, month % 12 + 1
        day = date(year, number, calendar.monthrange(year, number)[1]).isoformat()
        for n, code in enumerate(
            ["TCD", "BEN", "NER", "SEN", "TGO", "BFA", "GIN", "NGA", "GHA", "BGD"] * 30
        ):
            mission = f"TEST{n // 10}"
            troops = 100 + (n * 7 + month * 13) % 400
            rows.append(
                f"{day},X,{code},{mission},NA,NA,NA,NA,NA,NA,NA,NA,NA,{troops},0,{troops},{troops},0,{troops}"
            )
    tracker = Tracker(path)
    tracker.import_un_monthly("\n".join(rows).encode(), "big.csv")
    return tracker


def run_and_kill(db: Path, mode: str) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db), mode],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    assert int(child.stdout.readline()) > 0  # one batch done
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL


def test_sigkill_during_rebuild_leaves_the_old_view_answering(tmp_path: Path) -> None:
    tracker = big_store(tmp_path / "big.db")
    tracker.catch_up()
    head = tracker.recorder.max_notification_id()
    assert head is not None
    assert head > 3000
    before = dump(tracker.strength_view)
    answer = tracker.strength("TEST0", date(2010, 6, 30), ["contributor"]).rows
    tracker.close()
    run_and_kill(tmp_path / "big.db", "rebuild")
    assert (tmp_path / "big.strength.db.rebuild").exists()  # the half-built file, not swapped in
    again = Tracker(tmp_path / "big.db")
    assert again.strength("TEST0", date(2010, 6, 30), ["contributor"]).rows == answer
    assert again.rebuild_projection("strength") == head
    assert dump(again.strength_view) == before


def test_sigkill_during_catch_up_resumes_exactly_once(tmp_path: Path) -> None:
    tracker = big_store(tmp_path / "big.db")
    head = tracker.recorder.max_notification_id()
    tracker.close()
    run_and_kill(tmp_path / "big.db", "catch-up")
    resumed = Tracker(tmp_path / "big.db")
    done = resumed.strength_view.position(resumed.name)
    assert head is not None
    assert 0 < done < head
    assert done % 500 == 0
    assert resumed.strength_view.catch_up(resumed) == head - done  # the rest, each once
    clean = Tracker(tmp_path / "big.db")
    clean.strength_view.rebuild(clean)
    assert dump(resumed.strength_view) == dump(clean.strength_view)


def test_a_changed_version_is_rebuilt_on_next_use_and_says_so(
    seeded: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    from projections import StrengthProjection

    seeded.catch_up()
    seeded.close()
    monkeypatch.setattr(StrengthProjection, "version", StrengthProjection.version + 1)
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(seeded.config.db),
            "strength",
            "MINUSMA",
            "--on",
            "2013-12-31",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["strength"] == 6439
    assert result.stderr == (
        f"Note: the strength view was rebuilt from the event log: version {StrengthProjection.version - 1} "
        f"-> {StrengthProjection.version}; it was kept as "
        f"{seeded.config.view_path('strength').name}.aside\n"  # type: ignore[union-attr]
    )


def test_a_registered_projection_that_cannot_be_loaded_does_not_lock_the_store(
    seeded: Tracker,
) -> None:
    assert seeded.registry.path is not None
    seeded.registry.path.write_text('["gone_module:Gone"]')
    reopened = Tracker(seeded.config.db)
    assert [v.name for v in reopened.views()] == [
        "strength",
        "audit",
        "announcements",
        "mandates",
        "estimate",
    ]
    assert reopened.notices()[0].startswith(
        "projection 'gone_module:Gone': cannot import 'gone_module'"
    )
    assert reopened.strength("MINUSMA", date(2013, 12, 31)).total == 6439


def test_a_projection_added_in_one_folder_runs_from_any_other(tmp_path: Path) -> None:
    """Issue 17: 'projections add' worked only from the folder it was run in; the registry
    now records where the class was found."""
    mine, elsewhere = tmp_path / "my-views", tmp_path / "elsewhere"
    mine.mkdir()
    elsewhere.mkdir()
    (mine / "myviews.py").write_text(
        "from projections import Projection\n\n\n"
        "class Kinds(Projection):\n"
        "    name = 'kinds_test'\n\n"
        "    def create_tables(self):\n"
        "        self.db.execute('CREATE TABLE IF NOT EXISTS seen (kind TEXT)')\n\n"
        "    def process(self, event, position):\n"
        "        self.db.execute('INSERT INTO seen VALUES (?)', [type(event).__name__])\n",
        encoding="utf-8",
    )
    db = tmp_path / "store" / "tracker.db"
    db.parent.mkdir()
    store = Tracker(db)
    store.establish_mission(
        mission="TESTMIS", name="T", host="MLI", valid="2020-01-01", source=source()
    )
    store.close()

    def tracker(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        return subprocess.run(
            [sys.executable, "-m", "tracker", "--db", str(db), *args],
            cwd=cwd, capture_output=True, text=True, check=False, env=env,
        )  # fmt: skip

    added = tracker(mine, "projections", "add", "myviews:Kinds")
    assert added.returncode == 0, added.stderr
    recorded = tracker(
        elsewhere, "record", "deployed", "--mission", "TESTMIS", "--contributor", "TCD",
        "--valid", "2021-01-01", "--count", "5", "--source-title", "Test", "--published-on",
        "2021-01-02",
    )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    assert "cannot import" not in recorded.stderr
    listed = tracker(elsewhere, "projections", "list", "--json")
    kinds = {p["name"]: p for p in json.loads(listed.stdout)}["kinds_test"]
    assert kinds["behind"] == 0
    with sqlite3.connect(db.with_name("tracker.kinds_test.db")) as conn:
        seen = [row[0] for row in conn.execute("SELECT kind FROM seen")]
    assert "Deployed" in seen


def test_views_made_by_two_at_once_are_made_once(tmp_path: Path, monkeypatch: Any) -> None:
    """Two commands opening a store whose views are not made yet: one makes them, the other
    waits and finds them (they made them both, one failing on 'UNIQUE constraint failed:
    locations.name', or a second bookkeeping row that threw the view away later)."""
    import threading
    import time

    from projections import StrengthProjection

    path = tmp_path / "s.strength.db"
    first_in = threading.Event()
    make = StrengthProjection.create_tables

    def slowly(self: StrengthProjection) -> None:
        if threading.current_thread().name == "first":
            first_in.set()
            time.sleep(0.5)  # the second opens the file meanwhile
        make(self)

    monkeypatch.setattr(StrengthProjection, "create_tables", slowly)
    errors: list[BaseException] = []

    def open_view() -> None:
        try:
            StrengthProjection(path).close()
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    first = threading.Thread(target=open_view, name="first")
    first.start()
    assert first_in.wait(10)
    second = threading.Thread(target=open_view, name="second")
    second.start()
    first.join(30)
    second.join(30)
    assert errors == []
    connection = sqlite3.connect(path)
    assert connection.execute("SELECT name, version FROM _projection").fetchall() == [
        ("strength", StrengthProjection.version)
    ]
    (places,) = connection.execute("SELECT COUNT(DISTINCT name) = COUNT(*) FROM locations")
    assert places == (1,)
    connection.close()
