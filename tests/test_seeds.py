"""The seeds: MINUSMA's whole UN record (2013-07..2024-11, every month the UN published a
breakdown) and its sourced history, loaded through the importers, checked against the UN's
own figures month by month."""

from __future__ import annotations

import csv
import gzip
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SEEDS, SHARED, postgres_store
from tracker import Tracker
from tracker.cli import cli
from tracker.importers.seeds import manifest

REFERENCE = SHARED / "un-monthly-pdf" / "un_pdf_reference_all_missions_2015-01_2024-11.csv"
UN_CSV = [
    SHARED / "un-monthly" / "un_contributions_by_mission_country_2009-11_2013-12.csv",
    SHARED / "un-monthly" / "un_contributions_by_mission_country_2014-01_2014-08.csv",
]
IPI_TOTALS = SHARED / "minusma" / "ipi_minusma_mission_totals_2013-07_2017-03.csv"
TYPES = {
    "Troops": "troops",
    "Troops (incl. Staff Officers)": "troops",
    "Staff Officer": "staff_officers",
    "Experts on Mission": "military_experts",
    "Individual Police": "individual_police",
    "Formed Police Units": "formed_police_units",
}
needs_shared = pytest.mark.skipif(
    not REFERENCE.exists() and not os.environ.get("CI"),
    reason=f"the shared data is not beside the project ({SHARED})",
)


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Tracker]:
    """The seeds, loaded once per backend for the module."""
    folder = tmp_path_factory.mktemp("seeded")
    with pytest.MonkeyPatch.context() as monkeypatch:
        stores: Iterator[str] = (
            postgres_store(folder, monkeypatch) if request.param == "postgres" else iter([])
        )
        db = next(stores) if request.param == "postgres" else str(folder / "tracker.db")
        tracker = Tracker(db)
        tracker.load_seeds(SEEDS, missions=["MINUSMA"])
        tracker.catch_up()
        yield tracker
        tracker.close()
        for _ in stores:  # drops the schema
            pass


def un_figures() -> dict[str, dict[tuple[str, str], int]]:
    """The UN's MINUSMA figures by month end, contributor and personnel type: the CSV months
    (2013-07..2014-08) and the reference parse of the PDFs (2015-01..2024-11)."""
    months: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)
    for path in UN_CSV:
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                row = {k.strip("'"): v.strip("'") for k, v in row.items()}
                if row["Mission"] != "MINUSMA":
                    continue
                for column, code in (
                    ("Troops", "troops"),
                    ("Experts_on_Mission", "military_experts"),
                    ("Individual_Police", "individual_police"),
                    ("Formed_Police_Units", "formed_police_units"),
                ):
                    if row[f"{column}_Total"] != "NA":
                        figures = months[row["Date"]]
                        figures[(row["Contributor_ISO-3"], code)] = int(row[f"{column}_Total"])
    with REFERENCE.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["mission"] == "MINUSMA":
                key = (row["contributor_iso3"], TYPES[row["personnel_type"]])
                months[row["date"]][key] = int(row["total"])
    return months


@needs_shared
def test_every_month_end_of_the_record_equals_the_uns_figures(seeded: Tracker) -> None:
    """By contributor x personnel type, every figure of every month the UN published (109
    months, about 10,500 figures), exactly; nothing where the UN has nothing."""
    months = un_figures()
    assert len(months) == 109
    checked = 0
    for day, expected in sorted(months.items()):
        answer = seeded.strength(
            "MINUSMA", date.fromisoformat(day), ["contributor", "personnel_type"]
        )
        got = {(r.contributor, r.personnel_type): r.strength for r in answer.rows if r.strength}
        assert got == {k: v for k, v in expected.items() if v}, day
        assert answer.gap is None
        assert answer.un_report == date.fromisoformat(day)
        checked += len(got)
    assert checked > 10_000


def test_the_uns_figures_of_november_2022_and_the_press_beside_them(seeded: Tracker) -> None:
    answer = seeded.strength("MINUSMA", date(2022, 11, 30), ["contributor"])
    by = {r.contributor: r.strength for r in answer.rows}
    assert answer.total == 14_084  # the UN's rows of that month
    assert (by["CIV"], by["BGD"], by["TGO"], by["DEU"]) == (887, 1663, 995, 609)
    # "about 1,100 Germans" (2022-11-22), dated after the UN's report of October, counts from
    # its day, approximate and not the UN's, until the UN's report of November takes over
    week = seeded.strength("MINUSMA", date(2022, 11, 25), ["contributor"], contributors=["DEU"])
    (row,) = week.rows
    assert (row.strength, row.approximate, row.event_id) == (1100, True, "MINUSMA/DEU/270")
    assert week.un_report == date(2022, 10, 31) < row.newest == date(2022, 11, 22)
    claims = [
        g for g in seeded.reconcile("MINUSMA", "Germany") if g.effective == date(2022, 11, 22)
    ]
    (november,) = claims
    assert november.counted
    assert (november.reported, november.implied, november.since) == (1100, 627, date(2022, 10, 31))


def test_a_gap_in_the_record_is_shown_with_the_age_of_the_last_report(seeded: Tracker) -> None:
    answer = seeded.strength("MINUSMA", date(2018, 6, 30))  # every month since is named
    assert (answer.gap, answer.un_report) == ("2018-03..2018-06", date(2018, 2, 28))
    assert answer.total == seeded.strength("MINUSMA", date(2018, 2, 28)).total
    out = (
        CliRunner()
        .invoke(cli, ["--db", str(seeded.config.db), "strength", "MINUSMA", "--on", "2018-06-30"])
        .output
    )
    if not seeded.config.postgres:
        assert "no UN report for 2018-03 to 2018-06; figures of 2018-02-28" in out


def test_the_mission_ends_and_its_remnant_comes_from_the_uns_reports(seeded: Tracker) -> None:
    assert seeded.strength("MINUSMA", date(2023, 12, 31)).total == 616  # the UN, on the day
    remnant = seeded.strength("MINUSMA", date(2024, 6, 30), ["contributor"])
    assert remnant.total == 369  # the UN's liquidation remnant that month
    assert remnant.closed is not None
    assert remnant.closed[0] == date(2023, 12, 31)
    for day in (date(2024, 11, 30), date(2025, 6, 30)):
        after = seeded.strength("MINUSMA", day, ["contributor"])
        assert after.total == 0
        assert after.contributors == 0
        assert after.gap is None  # after the last report of a closed mission: not a gap


def test_un_sums_equal_ipis_mission_totals_every_month_both_have(seeded: Tracker) -> None:
    """Two independent UN-origin series: per contributor (the UN's rows), and IPI's totals."""
    with IPI_TOTALS.open(newline="", encoding="utf-8") as f:
        totals = {row["date"]: int(row["total"]) for row in csv.DictReader(f)}
    compared = 0
    for day, total in totals.items():
        answer = seeded.strength("MINUSMA", date.fromisoformat(day))
        if answer.gap is None:  # 2014-09..12, 2015-03, 2016-03 and 2017-03 are gaps
            assert answer.total == total, day
            compared += 1
    assert compared == 37  # IPI's 44 months, less the 7 the UN broke down for no mission


def test_every_seed_event_has_a_source_that_names_its_file(seeded: Tracker) -> None:
    rows = seeded.audit_view.db.execute(
        "SELECT event_id, kind, source_title, published_on, quote FROM audit_events "
        "WHERE kind NOT IN ('Opened')"
    ).fetchall()
    assert len(rows) > 11_000
    assert all(title and published for _, _, title, published, _ in rows)
    un = [r for r in rows if r[2].startswith("UN: ") and r[1] == "StrengthReported"]
    assert len(un) > 10_000
    assert all(".pdf, page " in quote or ".csv, line" in quote or " listed in the " in quote
               for *_, quote in un)  # fmt: skip


def test_by_location_says_the_un_gives_no_place(seeded: Tracker) -> None:
    answer = seeded.strength("MINUSMA", date(2023, 6, 30), ["location"])
    assert [r.location for r in answer.rows] == [None]  # every figure is the UN's: no place
    assert answer.total == 12_895
    if not seeded.config.postgres:
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
        assert "located: 0; unassigned (no location in the sources): 12,895" in out


def test_announcement_ledger_statuses_with_the_whole_record(seeded: Tracker) -> None:
    def statuses(on: date) -> dict[tuple[str, str], str]:
        return {(r.contributor, r.valid): r.status for r in seeded.announcements("MINUSMA", on=on)}

    june = statuses(date(2023, 6, 30))
    assert june[("GBR", "2022-11-14")] == "partly done"  # by 2023-05: some left by then
    assert june[("SWE", "2022-12-13")] == "fulfilled"
    assert june[("EGY", "2022-07-15")] == "under way"
    after = statuses(date(2024, 1, 31))
    assert after[("GBR", "2022-11-14")] == "fulfilled"
    assert after[("DEU", "2022-11-22")] == "fulfilled"
    assert "overdue" not in after.values()  # the mission closed: nothing overdue for ever
    # as of a date, what was announced after it is not there and revises nothing
    early = statuses(date(2022, 6, 1))
    assert ("DEU", "2022-11-22") not in early
    assert ("GBR", "2022-11-14") not in early


def test_seeds_load_with_the_cli_from_the_tracker_itself(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "t.db"), "seed", "--mission", "MINUSMA"]
    )
    assert result.exit_code == 0, result.output
    assert [line.split(": ")[0] for line in result.output.splitlines()] == [
        f"Loaded {name}"
        for name in (
            "minusma-mission.jsonl",
            "missions.jsonl",
            "un-record/*.jsonl.gz",  # of MINUSMA only
            "minusma-mission-totals-2013-2017.jsonl",
            "minusma-2021-2023.jsonl",
            "minusma-presence-geopko-2014-2024.jsonl",
            "minusma-corrections.jsonl",
        )
    ]
    assert "Loaded missions.jsonl: 0 events" in result.output  # no other mission's life
    unknown = CliRunner().invoke(cli, ["--db", str(tmp_path / "u.db"), "seed", "--mission", "XYZ"])
    assert unknown.exit_code != 0
    assert "no seeds for XYZ: the seeds hold BINUB, BINUH" in unknown.output


def test_presence_estimates_say_where_and_never_change_strength(
    seeded: Tracker, tmp_path: Path
) -> None:
    in_2023 = {(p.location, p.contributor): p.troops for p in seeded.presence("MINUSMA", 2023)}
    assert in_2023[("Aguelhok", "TCD")] == 950  # Geo-PKO's coded size: an estimate
    assert in_2023[("Gao", "DEU")] == 1100
    assert all(p.year == 2014 for p in seeded.presence("MINUSMA", 2014, "Chad"))
    if seeded.config.postgres:
        return
    # The same seeds without the estimates give the same strength, by location too.
    without = Tracker(tmp_path / "without.db")
    for entry in manifest(SEEDS):
        if "presence" not in entry.path.name and entry.mission in (None, "MINUSMA"):
            without.import_jsonl(entry.read(), entry.path.name, _missions={"MINUSMA"})
    for day in (date(2014, 12, 31), date(2022, 7, 31), date(2023, 6, 30)):
        assert (
            seeded.strength("MINUSMA", day, ["location"]).rows
            == without.strength("MINUSMA", day, ["location"]).rows
        )
    without.close()


@needs_shared
def test_the_committed_seeds_equal_a_fresh_build(un_pdf_reports: list, tmp_path: Path) -> None:
    """``make seeds`` writes the seed files from ../shared/data with the project's own code;
    what is committed is exactly that (the PDFs read once for the session)."""
    from seeds.build import build

    written = build(SHARED, tmp_path, un_pdf_reports)
    assert len(written) == 38 + 2  # a file of the UN's figures a mission, and two of MINUSMA's
    for path in written:
        name = path.relative_to(tmp_path)
        fresh, committed = path.read_bytes(), (SEEDS / name).read_bytes()
        if path.suffix == ".gz":  # (the same text, whatever zlib's version compressed it)
            fresh, committed = gzip.decompress(fresh), gzip.decompress(committed)
        assert fresh == committed, f"{name} differs from a fresh build: run make seeds"
    first = gzip.decompress((SEEDS / "un-record" / "MINUSMA.jsonl.gz").read_bytes())
    assert json.loads(first.splitlines()[0])["type"] == "contributors-reported"
