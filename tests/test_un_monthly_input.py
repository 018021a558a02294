"""The UN monthly importer on small files: artefacts it normalises, rows it refuses, and
months that continue a history. The figures here are made up for the tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from events.errors import InvalidInputError
from tracker import Tracker
from tracker.cli import cli
from tracker.faces.render import strength_records

HEADER = (
    "Date,Contributor,Contributor_ISO-3,Mission,Individual_Police_Male,Individual_Police_Female,"
    "Individual_Police_Total,Formed_Police_Units_Male,Formed_Police_Units_Female,Formed_Police_Units_Total,"
    "Experts_on_Mission_Male,Experts_on_Mission_Female,Experts_on_Mission_Total,Troops_Male,Troops_Female,"
    "Troops_Total,Total_Male,Total_Female,Total_Total"
)


def row(
    day: str,
    name: str,
    code: str,
    mission: str,
    police: str = "NA",
    troops: str = "NA",
    total: str | None = None,
) -> str:
    def triple(value: str) -> str:
        return "NA,NA,NA" if value == "NA" else f"{value},0,{value}"

    if total is None:
        numbers = [int(v) for v in (police, troops) if v != "NA"]
        total = str(sum(numbers)) if numbers else "NA"
    return ",".join(
        [
            day,
            name,
            code,
            mission,
            triple(police),
            "NA,NA,NA",
            "NA,NA,NA",
            triple(troops),
            triple(total),
        ]
    )


def csv_bytes(*rows: str, newline: str = "\n") -> bytes:
    return (newline.join([HEADER, *rows]) + newline).encode("utf-8")


JAN = [
    row("2013-01-31", "Chad", "TCD", "TESTMIS", troops="100"),
    row("2013-01-31", "Benin", "BEN", "TESTMIS", police="10", troops="20"),
]
FEB = [
    row("2013-02-28", "Chad", "TCD", "TESTMIS", troops="120"),
    row("2013-02-28", "Benin", "BEN", "TESTMIS", troops="20"),
]
MAR = [row("2013-03-31", "Benin", "BEN", "TESTMIS", troops="25")]


def by_contributor(tracker: Tracker, day: str) -> list[dict[str, object]]:
    """Each contributor's figure (the JSON contract's keys; the evidence is tested apart)."""
    records = strength_records(
        tracker.strength("TESTMIS", date.fromisoformat(day), ["contributor"])
    )
    return [{"contributor": r["contributor"], "strength": r["strength"]} for r in records]


def test_departures_are_inferred_as_zero_on_the_next_report() -> None:
    tracker = Tracker(":memory:")
    report = tracker.import_un_monthly(csv_bytes(*JAN, *FEB, *MAR), "t.csv")
    assert report.inferred_zeros == 2  # Benin's police in February, Chad in March
    assert by_contributor(tracker, "2013-02-28") == [
        {"contributor": "BEN", "strength": 20},
        {"contributor": "TCD", "strength": 120},
    ]
    assert by_contributor(tracker, "2013-03-31") == [
        {"contributor": "BEN", "strength": 25},
        {"contributor": "TCD", "strength": 0},
    ]


def test_next_months_continue_the_same_history(tmp_path: Path) -> None:
    whole = Tracker(tmp_path / "whole.db")
    whole.import_un_monthly(csv_bytes(*JAN, *FEB, *MAR), "all.csv")
    parts = Tracker(tmp_path / "parts.db")
    parts.import_un_monthly(csv_bytes(*JAN), "jan.csv")
    again = parts.import_un_monthly(
        csv_bytes(*JAN, *FEB), "jan-feb.csv"
    )  # January again, then February
    parts.import_un_monthly(csv_bytes(*MAR), "mar.csv")
    assert (again.months_already_there, again.months_written) == (1, 1)
    for day in ("2013-01-31", "2013-02-28", "2013-03-31"):
        assert by_contributor(parts, day) == by_contributor(whole, day)


def test_artefacts_are_normalised_and_counted() -> None:
    tracker = Tracker(":memory:")
    quoted = [r.replace("Chad,TCD,TESTMIS", "Chad',TCD',TESTMIS'") for r in JAN]
    data = ("\ufeff" + HEADER + "\r\n" + "\r\n".join([*quoted, *JAN, *JAN]) + "\r\n").encode(
        "utf-8"
    )
    report = tracker.import_un_monthly(data, "t.csv")
    assert (report.apostrophes, report.repeats, report.rows) == (3, 4, 2)
    assert by_contributor(tracker, "2013-01-31") == [
        {"contributor": "BEN", "strength": 30},
        {"contributor": "TCD", "strength": 100},
    ]


def test_latin1_names_load() -> None:
    tracker = Tracker(":memory:")
    data = (
        HEADER + "\n" + row("2013-01-31", "Côte d'Ivoire", "CIV", "TESTMIS", troops="7") + "\n"
    ).encode("latin-1")
    report = tracker.import_un_monthly(data, "t.csv")
    assert report.encoding == "latin-1"
    assert by_contributor(tracker, "2013-01-31") == [{"contributor": "CIV", "strength": 7}]


BAD = [
    (
        row("2013-01-15", "Chad", "TCD", "TESTMIS", troops="5"),
        "t.csv:3: field 'Date': 2013-01-15 is not a month end (these are month-end figures)",
    ),
    (
        row("2013-13-31", "Chad", "TCD", "TESTMIS", troops="5"),
        "t.csv:3: field 'Date': '2013-13-31' is not a date (YYYY-MM-DD)",
    ),
    (
        row("2013-01-31", "Atlantis", "ATL", "TESTMIS", troops="5"),
        "t.csv:3: field 'Contributor_ISO-3': 'ATL' is not an ISO 3166 alpha-3 code",
    ),
    (
        row("2013-01-31", "Chad", "TCD", "TESTMIS", troops="five", total="5"),
        "t.csv:3: field 'Troops_Male': 'five' is not a number or NA",
    ),
    (
        row("2013-01-31", "Chad", "TCD", "TESTMIS", troops="-5", total="5"),
        "t.csv:3: field 'Troops_Male': '-5' is not a number or NA",
    ),
    (
        row("2013-01-31", "Chad", "TCD", "TESTMIS", troops="9" * 19, total="5"),
        "t.csv:3: field 'Troops_Male': '9999999999999999999' is more personnel than any "
        "mission has had (at most 9,999,999) - check the file",
    ),
    (
        row("2013-01-31", "Chad", "TCD", "TESTMIS", troops="5", total="6"),
        "t.csv:3: field 'Total_Total': 6 is not the sum of its parts (5)",
    ),
    (
        row("2013-01-31", "Chad", "TCD", "TESTMIS", troops="101"),
        "t.csv:3: repeats line 2 (TESTMIS 2013-01-31 TCD) with other figures",
    ),
    (
        "2013-01-31,Chad,TCD,TESTMIS,1,2",
        "t.csv:3: 6 fields where the header has 19 (a truncated or broken line)",
    ),
    (
        row("2013-01-31", "Chad", "TCD", "bad mission!", troops="5"),
        "t.csv:3: field 'Mission': 'BAD MISSION!' is not a mission acronym",
    ),
]


@pytest.mark.parametrize(("bad", "message"), BAD, ids=[m.split(": ", 1)[1][:40] for _, m in BAD])
def test_bad_rows_are_refused_naming_the_line_and_nothing_is_written(
    bad: str, message: str
) -> None:
    tracker = Tracker(":memory:")
    with pytest.raises(InvalidInputError) as raised:
        tracker.import_un_monthly(csv_bytes(JAN[0], bad, *FEB), "t.csv")
    assert str(raised.value) == message
    assert tracker.recorder.max_notification_id() is None


def test_missing_column_and_empty_file() -> None:
    tracker = Tracker(":memory:")
    with pytest.raises(InvalidInputError, match=r"^t\.csv: the file is empty - nothing was"):
        tracker.import_un_monthly(b"\r\n", "t.csv")
    with pytest.raises(
        InvalidInputError,
        match=r"t\.csv:1: not the UN monthly contributions format: missing column 'Date'",
    ):
        tracker.import_un_monthly(b"Mission,Contributor\n", "t.csv")
    with pytest.raises(InvalidInputError, match=r"t\.csv: no contribution rows in it"):
        tracker.import_un_monthly(HEADER.encode(), "t.csv")


def test_a_month_already_there_with_other_figures_is_refused() -> None:
    tracker = Tracker(":memory:")
    tracker.import_un_monthly(csv_bytes(*JAN), "jan.csv")
    before = tracker.recorder.max_notification_id()
    changed = [JAN[0].replace(",100,0,100,100,0,100", ",90,0,90,90,0,90"), JAN[1]]
    with pytest.raises(
        InvalidInputError,
        match=r"jan2.csv:2: TESTMIS 2013-01-31 TCD is already in the store with other figures",
    ):
        tracker.import_un_monthly(csv_bytes(*changed, *FEB), "jan2.csv")
    assert tracker.recorder.max_notification_id() == before


def test_cli_import_un_monthly_reports_and_fails_with_one_line(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_bytes(csv_bytes(*JAN, *FEB))
    bad.write_bytes(csv_bytes(JAN[0], BAD[0][0]))
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--db", str(tmp_path / "t.db"), "import", "--format", "un-monthly", str(good)]
    )
    assert result.exit_code == 0
    assert (
        result.output.splitlines()[0]
        == f"Imported 8 events from {good}: 4 contribution rows (0 with unpublished figures: unknown), 1 missions"
    )
    result = runner.invoke(
        cli, ["--db", str(tmp_path / "t.db"), "import", "--format", "un-monthly", str(bad)]
    )
    assert (result.exit_code, result.output) == (
        2,
        f"Error: {bad}:3: field 'Date': 2013-01-15 is not a month end (these are month-end figures)\n",
    )
