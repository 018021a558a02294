"""The UN monthly contributions importer, against the real 2009-2013 file (every mission)."""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tracker import Tracker
from tracker.faces.render import strength_records

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "un-monthly"
UN_FILE = SHARED / "un_contributions_by_mission_country_2009-11_2013-12.csv"
TYPES = {
    "Troops": "troops",
    "Experts_on_Mission": "military_experts",
    "Individual_Police": "individual_police",
    "Formed_Police_Units": "formed_police_units",
}

# CI lays shared/ beside the checkout, so there the file must be found: only a local checkout
# without it may skip.
pytestmark = pytest.mark.skipif(
    not UN_FILE.exists() and not os.environ.get("CI"),
    reason=f"the shared UN data is not beside the project ({UN_FILE})",
)


def figure(value: str) -> int | None:
    return None if value == "NA" else int(value)


@pytest.fixture(scope="module")
def file_rows() -> list[dict[str, str]]:
    with UN_FILE.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def un_store(tmp_path_factory: pytest.TempPathFactory) -> Tracker:
    tracker = Tracker(tmp_path_factory.mktemp("un") / "tracker.db")
    report = tracker.import_un_monthly(UN_FILE.read_bytes(), UN_FILE.name)
    assert report.rows == 27970
    assert report.unknown_rows == 243
    return tracker


def test_every_contribution_row_is_reproduced_by_contributor(
    un_store: Tracker, file_rows: list[dict[str, str]]
) -> None:
    months: dict[tuple[str, str], dict[str, int | None]] = defaultdict(dict)
    for row in file_rows:
        if row["Mission"] != "all":
            months[(row["Mission"], row["Date"])][row["Contributor_ISO-3"]] = figure(
                row["Total_Total"]
            )
    assert len(months) == 893
    checked = 0
    for (mission, day), expected in months.items():
        answer = un_store.strength(mission, date.fromisoformat(day), ["contributor"])
        got = {r["contributor"]: r["strength"] for r in strength_records(answer)}
        # Every row of the file, exactly (None: figures not published, shown as unknown).
        assert {c: got.get(c, "absent") for c in expected} == expected, (mission, day)
        # Anyone else shown has left: a level of 0, never a leftover figure.
        assert {c: n for c, n in got.items() if c not in expected} == dict.fromkeys(
            set(got) - set(expected), 0
        )
        checked += len(expected)
    assert checked == 27970


def test_every_category_is_reproduced(un_store: Tracker, file_rows: list[dict[str, str]]) -> None:
    expected: dict[tuple[str, str], dict[tuple[str, str], int]] = defaultdict(dict)
    for row in file_rows:
        if row["Mission"] == "all":
            continue
        for column, personnel_type in TYPES.items():
            value = figure(row[f"{column}_Total"])
            if value is not None:
                expected[(row["Mission"], row["Date"])][
                    (row["Contributor_ISO-3"], personnel_type)
                ] = value
    for (mission, day), want in expected.items():
        answer = un_store.strength(
            mission, date.fromisoformat(day), ["contributor", "personnel_type"]
        )
        got = {(r.contributor, r.personnel_type): r.strength for r in answer.rows}
        assert {k: got.get(k) for k in want} == want, (mission, day)


def test_sums_across_missions_equal_the_aggregate_rows(
    un_store: Tracker, file_rows: list[dict[str, str]]
) -> None:
    missions_on: dict[str, set[str]] = defaultdict(set)
    for row in file_rows:
        if row["Mission"] != "all":
            missions_on[row["Date"]].add(row["Mission"])
    totals: dict[tuple[str, str], int] = defaultdict(int)
    unknown: dict[str, set[str]] = defaultdict(set)
    for day, missions in missions_on.items():
        for mission in missions:
            answer = un_store.strength(mission, date.fromisoformat(day), ["contributor"])
            for row in answer.rows:
                totals[(day, row.contributor or "")] += row.known
                totals[(day, "all")] += row.known
            unknown[day].update(answer.unknown)
    aggregates = [r for r in file_rows if r["Mission"] == "all"]
    explained = 0
    for row in aggregates:
        key = (row["Date"], row["Contributor_ISO-3"])
        published = figure(row["Total_Total"])
        if published is None:  # the contributor's own figures were not published
            assert row["Contributor_ISO-3"] in unknown[row["Date"]]
            continue
        if key[1] == "all" and unknown[row["Date"]]:
            # The grand total counts personnel whose figures were not published per mission.
            assert published > totals[key]
            explained += 1
            continue
        assert totals[key] == published, key
    assert explained == 38


def test_unknown_contributor_is_shown_as_unknown_and_left_out_of_the_total(
    un_store: Tracker,
) -> None:
    answer = un_store.strength("MINUSTAH", date(2010, 6, 30), ["contributor"])
    assert "USA" in answer.unknown
    usa = [r for r in strength_records(answer) if r["contributor"] == "USA"]
    assert [r["strength"] for r in usa] == [None]
    assert answer.total == sum(r.known for r in answer.rows)
    (total,) = strength_records(un_store.strength("MINUSTAH", date(2010, 6, 30)))
    assert total["strength"] is None


def test_reimport_adds_nothing(un_store: Tracker) -> None:
    before = un_store.recorder.max_notification_id()
    report = un_store.import_un_monthly(UN_FILE.read_bytes(), UN_FILE.name)
    assert (report.count, report.months_written, report.months_already_there) == (0, 0, 893)
    assert un_store.recorder.max_notification_id() == before


def test_gender_is_kept_as_given(un_store: Tracker, file_rows: list[dict[str, str]]) -> None:
    odd = next(
        r
        for r in file_rows
        if r["Mission"] != "all"
        and r["Troops_Total"] != "NA"
        and r["Troops_Male"] != "NA"
        and int(r["Troops_Male"]) + int(r["Troops_Female"]) != int(r["Troops_Total"])
    )
    history = un_store.history(odd["Mission"], odd["Contributor_ISO-3"])
    event: dict[str, Any] = next(
        h for h in history if h.valid == odd["Date"] and h.summary.endswith(" troops")
    ).__dict__
    stored = un_store.audit_view.db.execute(
        "SELECT payload FROM audit_events WHERE event_id = ?", [event["event_id"]]
    ).fetchone()[0]
    assert f'"male": {int(odd["Troops_Male"])}' in stored
    assert f'"female": {int(odd["Troops_Female"])}' in stored
    assert f'"strength": {int(odd["Troops_Total"])}' in stored


def test_a_contributor_listed_with_no_published_figures_is_unknown_not_gone(
    tmp_path: Path,
) -> None:
    """Issue 15: Moldova has figures in December 2013 and only NA in January 2014 (in four
    missions). Unpublished is unknown: never "at 0 (left)" (the departure rule used to write a
    0 for each type that vanished, over the unknown)."""
    later = SHARED / "un_contributions_by_mission_country_2014-01_2014-08.csv"
    header, *december = [
        line
        for line in UN_FILE.read_text(encoding="utf-8").splitlines()
        if line.startswith(("Date,", "2013-12-31,Moldova"))
    ]
    january = [
        line.replace("'", "")  # the later file's trailing apostrophes
        for line in later.read_text(encoding="utf-8").splitlines()
        if line.replace("'", "").startswith("2014-01-31,Moldova")
    ]
    tracker = Tracker(tmp_path / "tracker.db")
    tracker.import_un_monthly("\n".join([header, *december, *january]).encode(), "moldova.csv")
    for mission in ("UNMIK", "UNMIL", "UNMISS", "UNOCI"):
        (row,) = tracker.strength(mission, date(2014, 1, 31), ["contributor"]).rows
        assert row.contributor == "MDA"
        assert row.strength is None, f"{mission}: {row.strength}"  # unknown
        (before,) = tracker.strength(mission, date(2013, 12, 31), ["contributor"]).rows
        assert (before.strength or 0) > 0
    tracker.close()
