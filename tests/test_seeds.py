"""The seeds: real MINUSMA history, each record sourced, loaded through the importers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SEEDS
from tracker import Tracker
from tracker.cli import cli


@pytest.fixture
def seeded(store: str) -> Iterator[Tracker]:
    tracker = Tracker(store)
    tracker.load_seeds(SEEDS)
    tracker.catch_up()
    yield tracker
    tracker.close()


def test_every_seed_event_has_a_source(seeded: Tracker) -> None:
    rows = seeded.audit_view.db.execute(
        "SELECT event_id, source_title, source_url, published_on FROM audit_events"
    ).fetchall()
    assert len(rows) > 300
    assert all(title and url and published for _, title, url, published in rows)


def test_un_monthly_sums_equal_the_reported_mission_totals(seeded: Tracker) -> None:
    # Two independent UN-origin series: per contributor, and IPI's mission totals.
    for day in ("2013-07-31", "2013-08-31", "2013-09-30", "2013-10-31", "2013-11-30", "2013-12-31"):
        answer = seeded.strength("MINUSMA", date.fromisoformat(day), ["contributor"])
        assert answer.reported_total is not None
        assert (answer.reported_total.as_of.isoformat(), answer.total) == (
            day,
            answer.reported_total.strength,
        )


def test_by_location_says_what_is_located_and_what_is_not(seeded: Tracker) -> None:
    answer = seeded.strength("MINUSMA", date(2023, 6, 30), ["location"])
    unassigned = sum(r.known for r in answer.rows if r.location is None)
    located = {r.location: r.strength for r in answer.rows if r.location}
    assert unassigned > 0
    assert located["Kidal"] == 136  # Benin's FPU (May 2022)
    assert sum(located.values()) + unassigned == answer.total
    out = (
        CliRunner()
        .invoke(
            cli,
            [
                "--db",
                str(seeded.config.db),
                "strength",
                "MINUSMA",
                "--on",
                "2023-06-30",
                "--by",
                "location",
            ],
        )
        .output
    )
    assert (
        f"located: {answer.total - unassigned:,}; unassigned (no location in the sources): {unassigned:,}"
        in out
    )


def test_reconcile_shows_chads_rotation_gap(seeded: Tracker) -> None:
    gaps = {
        g.effective.isoformat(): g
        for g in seeded.reconcile("MINUSMA", "Chad")
        if g.location is None and g.personnel_type is None
    }
    assert (
        gaps["2021-10-31"].implied,
        gaps["2021-10-31"].reported,
        gaps["2021-10-31"].difference,
    ) == (1121, 39, -1082)
    assert gaps["2021-12-18"].difference == 1361
    out = (
        CliRunner()
        .invoke(
            cli,
            [
                "--db",
                str(seeded.config.db),
                "reconcile",
                "MINUSMA",
                "--contributor",
                "TCD",
                "--gaps-only",
                "--format",
                "json",
            ],
        )
        .output
    )
    assert {
        "valid": "2021-10-31",
        "contributor": "TCD",
        "implied": 1121,
        "reported": 39,
        "difference": -1082,
    }.items() <= json.loads(out)[-2].items()


def test_announcement_ledger_statuses(seeded: Tracker) -> None:
    ledger = {r.event_id: r for r in seeded.announcements("MINUSMA", on=date(2023, 6, 30))}
    by = {(r.contributor, r.kind, r.valid): r for r in ledger.values()}
    assert (
        by[("GBR", "WithdrawalAnnounced", "2022-11-14")].status == "overdue"
    )  # by May 2023; no record of it
    assert by[("BEN", "WithdrawalAnnounced", "2022-05-19")].status in {"overdue", "pending"}
    assert by[("EGY", "SuspensionAnnounced", "2022-07-15")].status == "under way"
    later = {
        (r.contributor, r.valid): r
        for r in seeded.announcements("MINUSMA", "Germany", on=date(2024, 1, 31))
    }
    germany = later[("DEU", "2022-11-22")]
    assert (germany.status, germany.fulfilled_on, germany.level_then, germany.level_now) == (
        "fulfilled",
        date(2023, 12, 12),
        1100,
        0,
    )
    assert [r.status for r in seeded.announcements("MINUSMA", "SWE", on=date(2023, 6, 30))] == [
        "pending",
        "pending",
    ]
    assert [r.status for r in seeded.announcements("MINUSMA", "SWE", on=date(2023, 7, 1))] == [
        "overdue",
        "overdue",
    ]
    assert all(
        r.status == "overdue"
        for r in seeded.announcements("MINUSMA", status=["overdue"], on=date(2024, 1, 1))
    )


def test_seeds_load_with_the_cli_in_a_few_seconds(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "t.db"), "seed", str(SEEDS)])
    assert result.exit_code == 0
    assert [line.split(": ")[0] for line in result.output.splitlines()] == [
        f"Loaded {SEEDS / name}"
        for name in (
            "un-monthly-minusma-2013.csv",
            "minusma-mission.jsonl",
            "minusma-mission-totals-2013-2017.jsonl",
            "minusma-2021-2023.jsonl",
            "minusma-presence-geopko-2014-2024.jsonl",
        )
    ]


def test_presence_estimates_say_where_and_never_change_strength(
    seeded: Tracker, tmp_path: Path
) -> None:
    in_2023 = {(p.location, p.contributor): p.troops for p in seeded.presence("MINUSMA", 2023)}
    assert in_2023[("Aguelhok", "TCD")] == 950  # Geo-PKO's coded size: an estimate
    assert in_2023[("Gao", "DEU")] == 1100
    assert all(p.year == 2014 for p in seeded.presence("MINUSMA", 2014, "Chad"))
    # The same seeds without the estimates give the same strength, by location too.
    without = Tracker(tmp_path / "without.db")
    manifest = (SEEDS / "seeds.toml").read_text(encoding="utf-8")
    for block in manifest.split("[[file]]")[1:]:
        path = block.split('path = "')[1].split('"')[0]
        if "presence" in path:
            continue
        data = (SEEDS / path).read_bytes()
        if "un-monthly" in block:
            without.import_un_monthly(data, path)
        else:
            without.import_events(data.decode().splitlines(), path)
    for day in (date(2014, 12, 31), date(2023, 6, 30)):
        assert (
            seeded.strength("MINUSMA", day, ["location"]).rows
            == without.strength("MINUSMA", day, ["location"]).rows
        )
