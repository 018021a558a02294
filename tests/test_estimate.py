"""The estimate from the deployment maps (issue 18) on a small made-up history: two
contributors, two locations, the maps of two years, a figure a source locates; every time axis;
the refusals; and the CLI's table, records and stamp."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from events.errors import InvalidInputError
from projections.estimate import EstimateProjection, whole_parts
from tests.helpers import source
from tracker import Tracker
from tracker.cli import cli

MAPS = "2024-01-15"  # the day the made-up maps were "published"


def made_up(tracker: Tracker) -> dict[str, str]:
    """The history, on TESTMIS (hosted by Mali); returns the ids of the events tests undo."""
    # The UN-like figures, with no location: Senegal 1,000 troops; Togo 300 troops and a
    # formed police unit of 140.
    for contributor, personnel_type, strength in (
        ("SEN", "troops", 1000),
        ("TGO", "troops", 300),
        ("TGO", "formed_police_units", 140),
    ):
        tracker.report_strength(
            mission="TESTMIS",
            contributor=contributor,
            valid="2021-06-30",
            strength=strength,
            personnel_type=personnel_type,
            source=source("2021-07-15"),
        )
    # The maps of 2021: Senegal at Gao (450) and Kidal (150); Togo at Kidal, size not coded.
    # The maps of 2022: Senegal at Kidal only; Togo on none.
    ids = {}
    for contributor, year, location, troops in (
        ("SEN", "2021", "Gao", 450),
        ("SEN", "2021", "Kidal", 150),
        ("TGO", "2021", "Kidal", None),
        ("SEN", "2022", "Kidal", 850),
    ):
        recorded = tracker.record(
            "presence-estimated",
            {
                "mission": "TESTMIS",
                "contributor": contributor,
                "valid": year,
                "location": location,
                "troops": troops,
                "source": source(MAPS, "Made-up deployment maps"),
            },
        )
        ids[f"{contributor} {year} {location}"] = recorded.event_id
    # A news figure that places 200 Senegalese at Gao in March 2022.
    tracker.report_strength(
        mission="TESTMIS",
        contributor="SEN",
        valid="2022-03-15",
        strength=200,
        personnel_type="troops",
        location="Gao",
        source=source("2022-03-16", "Made-up news"),
    )
    return ids


def rows_of(tracker: Tracker, on: date, by: list[Any], **kwargs: Any) -> list[tuple[Any, ...]]:
    answer = tracker.strength("TESTMIS", on, by, estimate=True, **kwargs)
    assert answer.method is not None
    assert answer.method.name == "deployment maps, Geo-PKO"
    return [(*r.keys(answer.by).values(), r.strength, r.estimated) for r in answer.rows]


def test_the_estimate_spreads_each_contributor_over_its_map_of_the_year(tracker: Tracker) -> None:
    made_up(tracker)
    # 2021: Senegal's 1,000 split 450:150 over Gao and Kidal; Togo's troops all at Kidal,
    # its one mapped place (not coded: weighed as a company); its police unassigned.
    assert rows_of(tracker, date(2021, 12, 31), ["location"]) == [
        (None, 140, False),
        ("Gao", 750, True),
        ("Kidal", 550, True),
    ]
    # 2022: the news figure keeps its place and is taken out first (200 at Gao); the rest of
    # Senegal's troops (800) go where the 2022 maps put it, Kidal; no 2022 map shows Togo,
    # so all of Togo stays unassigned (not the nearest year's map).
    assert rows_of(tracker, date(2022, 6, 30), ["location"]) == [
        (None, 440, False),
        ("Gao", 200, False),
        ("Kidal", 800, True),
    ]
    assert rows_of(tracker, date(2022, 6, 30), ["contributor", "region"]) == [
        ("SEN", "Gao", 200, False),
        ("SEN", "Kidal", 800, True),
        ("TGO", None, 440, False),
    ]
    assert rows_of(tracker, date(2021, 12, 31), ["region", "personnel_type"]) == [
        (None, "formed_police_units", 140, False),
        ("Gao", "troops", 750, True),
        ("Kidal", "troops", 550, True),
    ]


def test_without_estimate_the_answer_is_the_sources_own(tracker: Tracker) -> None:
    made_up(tracker)
    answer = tracker.strength("TESTMIS", date(2022, 6, 30), ["location"])
    assert answer.method is None
    assert [(r.location, r.strength) for r in answer.rows] == [(None, 1240), ("Gao", 200)]
    assert not any(hasattr(r, "estimated") for r in answer.rows)


def test_the_estimate_holds_on_every_time_axis(tracker: Tracker) -> None:
    ids = made_up(tracker)
    # Known before the maps were published: nothing to spread with, all of it unassigned.
    assert rows_of(tracker, date(2021, 12, 31), ["location"], known_at=date(2023, 1, 1)) == [
        (None, 1440, False)
    ]
    before = tracker.strength_view.db.execute("SELECT MAX(recorded) FROM strength_changes")
    recorded_then = before.fetchone()[0]
    # A retracted map no longer counts: Senegal is then at Gao alone in 2021.
    tracker.retract_event(ids["SEN 2021 Kidal"], reason="test: that unit was not there")
    assert rows_of(tracker, date(2021, 12, 31), ["location"]) == [
        (None, 140, False),
        ("Gao", 1000, True),
        ("Kidal", 300, True),
    ]
    # ... but as recorded before the retraction, the answer is what it was.
    assert rows_of(tracker, date(2021, 12, 31), ["location"], recorded_at=recorded_then) == [
        (None, 140, False),
        ("Gao", 750, True),
        ("Kidal", 550, True),
    ]


def test_the_estimate_needs_a_place_to_spread_over(tracker: Tracker) -> None:
    with pytest.raises(InvalidInputError, match=r"give --by location or --by region"):
        tracker.strength("TESTMIS", date(2021, 12, 31), ["contributor"], estimate=True)
    with pytest.raises(InvalidInputError, match=r"give --by location or --by region"):
        tracker.strength_series("TESTMIS", date(2021, 1, 1), date(2021, 12, 31), estimate=True)


def test_parts_are_whole_people_that_add_up() -> None:
    assert whole_parts(1000, [0.75, 0.25]) == [750, 250]
    assert whole_parts(10, [1 / 3, 1 / 3, 1 / 3]) == [4, 3, 3]
    assert whole_parts(7, [0.5, 0.5]) == [4, 3]
    assert sum(whole_parts(13_532, [0.1234, 0.4321, 0.4445])) == 13_532


def test_the_estimate_is_a_built_in_view_rebuilt_from_the_log(tracker: Tracker) -> None:
    made_up(tracker)
    assert "estimate" in [v.name for v in tracker.views()]
    view = tracker.view("estimate")
    assert isinstance(view, EstimateProjection)
    assert tracker.rebuild_projection("estimate") > 0
    assert view.maps("TESTMIS", 2021) == {
        "SEN": {"Gao": 0.75, "Kidal": 0.25},
        "TGO": {"Kidal": 1.0},
    }


def test_cli_table_says_it_is_an_estimate(tmp_path: Any, runner: CliRunner) -> None:
    db = str(tmp_path / "tracker.db")
    tracker = Tracker(db)
    tracker.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    made_up(tracker)
    tracker.close()
    args = ["--db", db, "strength", "TESTMIS", "--on", "2022-06-30", "--by", "location"]
    result = runner.invoke(cli, [*args, "--estimate"])
    assert result.exit_code == 0, result.output
    assert [line.rstrip() for line in result.output.splitlines()] == [
        "TESTMIS strength on 2022-06-30, estimate (deployment maps, Geo-PKO)",
        "",
        "  location       strength    figure of   placed by",
        " " + "─" * 50,
        "  (unassigned)        440   2021-06-30",
        "  Gao                 200   2022-03-15   sources",
        "  Kidal               800   2022-03-15   estimate",
        "",
        "  total             1,440   2021-06-30",
        "",
        "  total of the 2 contributors present on this date",
        "  estimate (deployment maps, Geo-PKO), version 1: a model, not a count",
        "  troops and staff officers spread over their units' places on the 2022 maps, by coded "
        "size",
        "  placed by the estimate: 800; by the sources: 200; unassigned (police, experts, "
        "contributors no 2022 map shows): 440",
    ]
    # The records: every row says whether it is estimated, and by which method.
    result = runner.invoke(cli, [*args, "--estimate", "--format", "json", "--stamp"])
    found = json.loads(result.output)
    assert found["stamp"]["query"]["estimate"] == {
        "method": "deployment maps, Geo-PKO",
        "version": 1,
    }
    assert [
        (r["location"], r["strength"], r["estimated"], r["method"], r["method_version"])
        for r in found["rows"]
    ] == [
        (None, 440, False, "deployment maps, Geo-PKO", 1),
        ("Gao", 200, False, "deployment maps, Geo-PKO", 1),
        ("Kidal", 800, True, "deployment maps, Geo-PKO", 1),
    ]
    # Without --estimate: the sources' own places, no estimate fields.
    plain = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    assert plain[0].keys() == {
        "location",
        "strength",
        "figure_of",
        "approximate",
        "event_id",
        "un_report",
        "no_un_report_for",
        "not_listed_in",
        "not_yet_published",
        "record_ends",
        "newest_figure_of",
        "known",
        "missing_from_report",
    }
    # Refused, in one line, with status 2.
    result = runner.invoke(cli, [*args[:-2], "--by", "contributor", "--estimate"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: the estimate spreads strength over places: give --by location or --by region "
        "with --estimate\n"
    )
    # The export says so on every row.
    export = ["--db", db, "export", "TESTMIS", "--from", "2022-05-01", "--to", "2022-06-30"]
    result = runner.invoke(cli, [*export, "--by", "region", "--estimate", "--format", "csv"])
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert header.endswith(",estimated,method,method_version")
    assert rows[-3:] == [
        '2022-06-30,,440,2021-06-30,False,TESTMIS/TGO/2,,,,,,2021-06-30,440,,False,"deployment maps, Geo-PKO",1',
        '2022-06-30,Gao,200,2022-03-15,False,TESTMIS/SEN/6,,,,,,2022-03-15,200,,False,"deployment maps, Geo-PKO",1',
        '2022-06-30,Kidal,800,2022-03-15,False,TESTMIS/SEN/6,,,,,,2022-03-15,800,,True,"deployment maps, Geo-PKO",1',
    ]
