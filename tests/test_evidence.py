"""Answers carry their evidence (issue 16): the day each figure was set, whether its source
rounded it, the event that set it, and the UN report it rests on or the gap in the record, in
every format; a mission's life ends; exports load in pandas as they are."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from tests.helpers import source
from tracker import Tracker
from tracker.cli import cli

UN_TITLE = "UN: Contribution of Uniformed Personnel to UN by Mission, Country and Personnel Type"


def un_month(tracker: Tracker, day: str, figures: dict[str, int]) -> None:
    """A made-up month-end report of record for TESTMIS: the contributors listed and one
    authoritative level each (a test fixture, never presented as real data)."""
    published = source(day[:7], UN_TITLE)
    tracker.record(
        "contributors-reported",
        {"mission": "TESTMIS", "valid": day, "contributors": list(figures), "source": published},
    )
    for code, n in figures.items():
        tracker.report_strength(
            mission="TESTMIS",
            contributor=code,
            valid=day,
            strength=n,
            personnel_type="troops",
            authoritative=True,
            source=published,
        )


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """TESTMIS with reports of record for 2022-01..03 and 2022-05 (April is a gap), a press
    figure in the gap month, and its closure on 2022-06-30."""
    db = tmp_path / "tracker.db"
    tracker = Tracker(db)
    tracker.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    un_month(tracker, "2022-01-31", {"BEN": 400, "TCD": 1000})
    un_month(tracker, "2022-02-28", {"BEN": 410, "TCD": 990})
    un_month(tracker, "2022-03-31", {"BEN": 420, "TCD": 980})
    tracker.report_strength(
        mission="TESTMIS",
        contributor="BEN",
        valid="2022-04-20",
        strength=300,
        approximate=True,
        source=source("2022-04-21", "Press: about 300 Beninese"),
    )
    un_month(tracker, "2022-05-31", {"BEN": 250, "TCD": 900})
    tracker.announce_withdrawal(
        mission="TESTMIS",
        contributor="TCD",
        valid="2022-03-01",
        full=True,
        target="2022-09-30",
        source=source("2022-03-01", "Press: Chad to leave"),
    )
    tracker.renew_mandate(
        mission="TESTMIS",
        resolution="9999",
        ceilings={"military": 2000},
        valid="2021-07-01",
        until="2022-06-30",
        source=source("2021-07-01", "Test resolution"),
    )
    tracker.close_mission(
        mission="TESTMIS", valid="2022-06-30", source=source("2022-07-01", "Test closure")
    )
    tracker.close()
    return db


def ask(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("fmt", ["json", "csv", "ndjson"])
def test_every_row_of_every_format_carries_its_evidence(store: Path, fmt: str) -> None:
    out = ask(
        store, "strength", "TESTMIS", "--on", "2022-03-31", "--by", "contributor", "--format", fmt
    )
    if fmt == "json":
        rows = json.loads(out)
    elif fmt == "ndjson":
        rows = [json.loads(line) for line in out.splitlines()]
    else:
        rows = pd.read_csv(io.StringIO(out)).to_dict("records")
    by = {r["contributor"]: r for r in rows}
    assert by["BEN"]["strength"] == 420
    assert by["BEN"]["figure_of"] == "2022-03-31"
    assert by["BEN"]["event_id"].startswith("TESTMIS/BEN/")
    assert by["BEN"]["approximate"] in (False, "False")
    assert by["BEN"]["un_report"] == "2022-03-31"


def test_the_table_and_the_machine_formats_show_a_gap_month(store: Path) -> None:
    """April 2022 has no report of record: the answer says so, and gives the press figure
    of the month (the only evidence there is) with its date."""
    table = ask(store, "strength", "TESTMIS", "--on", "2022-04-30", "--by", "contributor")
    assert "no UN report for 2022-04; figures of 2022-03-31" in table
    assert "~300" in table
    # The total says so too: it is not the UN's figure of 2022-03-31 alone (it said it was)
    whole = ask(store, "strength", "TESTMIS", "--on", "2022-04-30")
    assert "figures of 2022-03-31 and the claims since, to 2022-04-20" in whole
    (total,) = json.loads(
        ask(store, "strength", "TESTMIS", "--on", "2022-04-30", "--format", "json")
    )
    assert total == {
        "strength": 1280,
        "figure_of": "2022-03-31",
        "approximate": True,
        "event_id": total["event_id"],
        "un_report": "2022-03-31",
        "no_un_report_for": "2022-04",
        "not_listed_in": None,
        "not_yet_published": None,
        "record_ends": None,
        "newest_figure_of": "2022-04-20",  # the press figure of the month
        "known": 1280,
        "missing_from_report": None,
    }
    (may,) = json.loads(ask(store, "strength", "TESTMIS", "--on", "2022-05-31", "--format", "json"))
    assert may["no_un_report_for"] is None
    assert may["strength"] == 1150


def test_after_the_closure_every_contingent_is_at_0_and_the_closure_is_named(store: Path) -> None:
    tracker = Tracker(store)
    answer = tracker.strength("TESTMIS", date(2022, 8, 31), ["contributor"])
    assert answer.total == 0
    assert answer.closed is not None
    assert answer.closed[0] == date(2022, 6, 30)
    assert {r.event_id for r in answer.rows} == {answer.closed[1]}  # the closure ended them
    on_the_day = tracker.strength("TESTMIS", date(2022, 6, 30), ["contributor"])
    assert on_the_day.total == 1150  # closed that day: gone the day after
    tracker.close()
    table = ask(store, "strength", "TESTMIS", "--on", "2022-08-31")
    assert f"the mission closed on 2022-06-30 ({answer.closed[1]})" in table


def test_no_announcement_is_overdue_after_its_mission_closed(store: Path) -> None:
    tracker = Tracker(store)
    (row,) = tracker.announcements("TESTMIS", on=date(2022, 12, 31))
    assert row.status == "overtaken by closure"
    assert not tracker.announcements("TESTMIS", status=["overdue"], on=date(2023, 6, 30))
    (before,) = tracker.announcements("TESTMIS", on=date(2022, 5, 31))
    assert before.status == "under way"  # 1,000 -> 900: some of it, target not passed
    tracker.close()


def test_mandates_after_the_end_say_none_is_in_force(store: Path) -> None:
    answer = Tracker(store).mandate("TESTMIS", date(2022, 8, 31))
    assert answer.mandate is None
    assert answer.checks == []
    assert answer.lapsed_on == date(2022, 6, 30)
    assert "no mandate in force" in ask(store, "mandates", "TESTMIS", "--on", "2022-08-31")
    (record,) = json.loads(ask(store, "mandates", "TESTMIS", "--on", "2022-08-31", "--json"))
    assert record["in_force"] is False
    assert record["ended_on"] == "2022-06-30"


def test_export_loads_in_pandas_as_it_is(store: Path, tmp_path: Path) -> None:
    base = [
        "export",
        "TESTMIS",
        "--from",
        "2022-01-01",
        "--to",
        "2022-08-31",
        "--by",
        "contributor",
    ]
    csv_file, json_file, nd_file = (tmp_path / f"e.{x}" for x in ("csv", "json", "ndjson"))
    ask(store, *base, "--format", "csv", "-o", str(csv_file))
    ask(store, *base, "--format", "json", "-o", str(json_file))
    ask(store, *base, "--format", "ndjson", "-o", str(nd_file))
    frames = [pd.read_csv(csv_file), pd.read_json(json_file), pd.read_json(nd_file, lines=True)]
    columns = ["date", "contributor", "strength", "figure_of", "approximate", "event_id"]
    for frame in frames:
        assert list(frame.columns[:6]) == columns
        assert len(frame) == 16  # 8 month ends x 2 contributors
        # Jan-Mar, April (the press figure for BEN), May, June (closed on the 30th), then 0
        assert frame["strength"].sum() == 1400 + 1400 + 1400 + 300 + 980 + 1150 + 1150
        assert set(frame["no_un_report_for"].dropna()) == {"2022-04"}  # no report
        # 2022-06: after the store's last report (of May): beyond its record, not a gap
        assert set(frame["record_ends"].dropna()) == {"2022-05"}
    # the typed load the README gives: nullable integers, dates as dates
    typed = pd.read_csv(
        csv_file, parse_dates=["date", "figure_of", "un_report"], dtype_backend="numpy_nullable"
    )
    assert str(typed["strength"].dtype) == "Int64"
    assert str(typed["date"].dtype).startswith("datetime64")
    assert str(typed["figure_of"].dtype).startswith("datetime64")
    # the stamp travels beside the data
    stamp = json.loads((tmp_path / "e.csv.stamp.json").read_text())
    assert stamp["log_position"] > 0
    assert len(stamp["chain_hash"]) == 64
    assert stamp["query"]["to"] == "2022-08-31"


def test_a_stamp_asked_for_is_columns_and_still_loads(store: Path) -> None:
    out = ask(
        store,
        "strength",
        "TESTMIS",
        "--on",
        "2022-03-31",
        "--by",
        "contributor",
        "--csv",
        "--stamp",
    )
    frame = pd.read_csv(io.StringIO(out))
    assert {"log_position", "chain_hash", "view_version"} <= set(frame.columns)
    assert frame["strength"].tolist() == [420, 980]
    lines = ask(store, "strength", "TESTMIS", "--on", "2022-03-31", "--nl", "--stamp")
    assert pd.read_json(io.StringIO(lines), lines=True)["strength"].tolist() == [1400]


def test_forecast_rows_carry_their_evidence_in_every_format(store: Path) -> None:
    (row,) = json.loads(ask(store, "forecast", "TESTMIS", "--on", "2022-05-31", "--format", "json"))
    assert row["strength"] == 1150
    assert row["figure_of"] == "2022-05-31"
    assert row["event_id"].startswith("TESTMIS/")
    frame = pd.read_csv(
        io.StringIO(
            ask(store, "forecast", "TESTMIS", "--on", "2022-05-31", "--by", "contributor", "--csv")
        )
    )
    assert set(frame.columns) >= {
        "contributor",
        "strength",
        "from_changes",
        "figure_of",
        "event_id",
    }


def test_missions_lists_the_store_and_an_unknown_one_is_answered_with_them(store: Path) -> None:
    (mission,) = json.loads(ask(store, "missions", "--json"))
    assert mission["mission"] == "TESTMIS"
    assert (mission["first_report"], mission["last_report"], mission["reports"]) == (
        "2022-01-31",
        "2022-05-31",
        4,
    )
    assert mission["closed"] == "2022-06-30"
    assert mission["contributors"] == 2
    result = CliRunner().invoke(
        cli, ["--db", str(store), "strength", "MINUSCA", "--on", "2022-01-31"]
    )
    assert result.exit_code == 2
    assert (
        "mission 'MINUSCA' is not in the store - the store has TESTMIS ('tracker missions' lists them)"
        in result.output
    )
    # a mission the seeds hold: how to get it
    assert "'tracker seed --mission MINUSCA' loads its UN record" in result.output


def test_strength_narrows_to_some_contributors_by_name_or_code(store: Path) -> None:
    (row,) = json.loads(
        ask(store, "strength", "TESTMIS", "--on", "2022-03-31", "--contributor", "Benin", "--json")
    )
    assert row["strength"] == 420
    rows = json.loads(
        ask(
            store,
            "strength",
            "TESTMIS",
            "--on",
            "2022-03-31",
            "--by",
            "contributor",
            "--contributor",
            "BEN",
            "--contributor",
            "Chad",
            "--json",
        )
    )
    assert [r["contributor"] for r in rows] == ["BEN", "TCD"]


def test_a_total_of_nothing_known_is_unknown_not_0(store: Path) -> None:
    """Benin present with no figure published: the total of Benin alone is 'unknown' (it
    said 0, beside the note that Benin's unknown strength is not in it); the mission's
    total still adds up what is known, and says what it leaves out."""
    tracker = Tracker(store)
    tracker.report_strength(
        mission="TESTMIS",
        contributor="BEN",
        valid="2022-04-25",
        strength=None,
        source=source("2022-04-26", "Press: Benin present, figure not given"),
    )
    tracker.close()
    alone = ask(store, "strength", "TESTMIS", "--on", "2022-04-30", "--contributor", "BEN")
    assert re.search(r"total +unknown", alone)
    assert not re.search(r"total +0 ", alone)
    whole = ask(store, "strength", "TESTMIS", "--on", "2022-04-30")
    assert re.search(r"total +980 ", whole)
    assert "the total excludes 1 contributor(s) present with unknown strength: BEN" in whole
    # the machine formats too: strength null (some part unknown), beside what is known
    (total,) = json.loads(
        ask(store, "strength", "TESTMIS", "--on", "2022-04-30", "--format", "json")
    )
    assert (total["strength"], total["known"]) == (None, 980)
    series = pd.read_csv(
        io.StringIO(ask(store, "export", "TESTMIS", "--from", "2022-03-01", "--to", "2022-04-30"))
    )
    assert series["strength"].isna().tolist() == [False, True]
    assert series["known"].tolist() == [1400, 980]
