"""Issue 27, items 6 and 9: search lists what was announced and done before the monthly
figures, finds a country by any of its names and says where it cut the list; export takes
--contributor and --present-only; no journal stays beside the store; the rows at 0 and the
sums of several contributors are said plainly."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pycountry
import pytest
from click.testing import CliRunner

from events.values import _country_index, country_code, country_name
from tests.conftest import SEEDS
from tests.helpers import source
from tracker import Tracker
from tracker.cli import cli
from tracker.faces.web import TrackerWeb


def announcing_contributors() -> list[str]:
    """Every contributor with an announcement in the seed article's file, as ISO codes."""
    lines = (SEEDS / "minusma-2021-2023.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    codes = {country_code(r["contributor"]) for r in records if r["type"].endswith("-announced")}
    return sorted(codes)


def spellings(code: str) -> list[str]:
    """Every name the resolver knows for ``code``: its ISO names as written (name, official
    and common name, the code) and every key of the resolver's index (its aliases, folded)."""
    country = pycountry.countries.get(alpha_3=code)
    written = {code, country_name(code)}
    written |= {getattr(country, a, None) or code for a in ("name", "official_name", "common_name")}
    folded = {key for key, value in _country_index().items() if value == code}
    return sorted(written | folded)


FIGURES = {"StrengthReported", "TotalReported", "ContributorsReported", "NotListed"}
FIGURES |= {"PresenceEstimated"}


def cli_run(db: Path | str, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--db", str(db), *args])


# Search


@pytest.mark.parametrize("code", announcing_contributors())
def test_a_countrys_announcements_come_first_by_any_of_its_names(
    seeded_session: Tracker, code: str
) -> None:
    announced = {r.event_id for r in seeded_session.history("MINUSMA", code, ["announcement"])}
    assert announced  # the seed file's announcements are in the store
    names = spellings(code)
    assert len(names) >= 3  # the code, its name, and the resolver's folded keys at least
    for name in names:
        found = seeded_session.search(name, "MINUSMA")
        first = [row.event_id for row in found[: len(announced)]]
        assert set(first) == announced, name
        assert found.countries == (code,), name
        # the figures and estimates come after every announcement and every other event
        kinds = [row.kind for row in found]
        figures = [i for i, k in enumerate(kinds) if k in FIGURES]
        others = [i for i, k in enumerate(kinds) if k not in FIGURES]
        assert not figures or not others or max(others) < min(figures), name


def test_cote_divoire_lists_its_withdrawal_first_and_says_where_it_cut(
    seeded_session: Tracker,
) -> None:
    # Issue 27: 50 hits, 49 monthly strength reports, and not the withdrawal MINUSMA/CIV/272
    everything = seeded_session.search("Côte d'Ivoire", "MINUSMA", limit=10_000)
    assert everything.matched == len(everything) > 50
    assert not everything.cut
    db = seeded_session.config.db
    result = cli_run(db, "search", "Côte d'Ivoire", "--mission", "MINUSMA")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    title = 'search "Côte d\'Ivoire", announcements first, then events, then figures'
    assert lines[0] == f"{title}: 50 event(s)"
    assert lines[2].split()[1] == "MINUSMA/CIV/272"
    assert lines[-2:] == [
        "  CIV (Côte d'Ivoire) is named: its events are found too, listed first",
        f"  the first 50 of {everything.matched:,} matching events are listed: --limit "
        f"{everything.matched} lists them all",
    ]
    # JSON: the rows on standard output, where the list was cut on standard error
    result = cli_run(db, "search", "Ivory Coast", "--mission", "MINUSMA", "--limit", "5", "--json")
    cut = seeded_session.search("Ivory Coast", "MINUSMA", limit=5)
    assert [r["event_id"] for r in json.loads(result.stdout)] == [r.event_id for r in cut]
    assert cut.matched == everything.matched  # the same events, by its other name
    assert result.stderr == (
        f"Note: the first 5 of {everything.matched:,} matching events are listed: --limit "
        f"{everything.matched} lists them all\n"
    )
    # A list that holds every match says nothing of a cut
    result = cli_run(db, "search", '"46 stayed"', "--mission", "MINUSMA")
    assert result.output.splitlines()[-1].strip().startswith("recorded ")


def test_words_that_are_codes_in_lower_case_stay_words(seeded_session: Tracker) -> None:
    # "and" is Andorra's code, "can" Canada's: in a text they are words
    found = seeded_session.search("troops and police", "MINUSMA")
    assert found.countries == ()
    # a name inside a text still names its country: the UK's own events come first
    found = seeded_session.search("United Kingdom withdrawal", "MINUSMA")
    assert found.countries == ("GBR",)
    assert found[0].contributor == "GBR"


def test_the_web_search_says_where_it_cut_at_100(seeded_session: Tracker) -> None:
    web = TrackerWeb(seeded_session)
    rows = json.loads(web.search_json("Ivory Coast", "MINUSMA"))
    matched = seeded_session.search("Ivory Coast", "MINUSMA", limit=10_000).matched
    assert matched > 100
    notes = [r["summary"] for r in rows if r.get("kind") == "note"]
    assert notes == [
        "CIV (Côte d'Ivoire) is named: its events are found too, listed first",
        f"the first 100 of {matched:,} matching events are listed: add words or choose a "
        "mission to narrow the search",
    ]
    events = [r for r in rows if r.get("kind") != "note"]
    assert len(events) == 100
    assert events[0]["event_id"] == "MINUSMA/CIV/272"


# Export


def export_json(db: Path | str, *args: str) -> list[dict[str, Any]]:
    result = cli_run(db, "export", "MINUSMA", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_export_of_some_contributors_by_any_of_their_names(seeded_session: Tracker) -> None:
    db = seeded_session.config.db
    span = ("--from", "2022-01-01", "--to", "2023-12-31")
    both = export_json(
        db, *span, "--by", "contributor", "--contributor", "Ivory Coast", "--contributor", "DEU"
    )
    assert {r["contributor"] for r in both} == {"CIV", "DEU"}
    assert len(both) == 2 * 24
    # the same as the whole export's rows of those two
    everyone = export_json(db, *span, "--by", "contributor")
    assert both == [r for r in everyone if r["contributor"] in ("CIV", "DEU")]
    # without --by contributor: their sum, month by month
    summed = export_json(db, *span, "--contributor", "Côte d'Ivoire", "--contributor", "Germany")
    per_month: dict[str, int] = {}
    for r in both:
        per_month[r["date"]] = per_month.get(r["date"], 0) + r["strength"]
    assert {r["date"]: r["strength"] for r in summed} == per_month
    # the Python API gives what the CLI gives
    api = seeded_session.strength_series(
        "MINUSMA",
        date(2022, 1, 1),
        date(2023, 12, 31),
        by=["contributor"],
        contributors=["Ivory Coast", "DEU"],
    )
    assert json.loads(json.dumps(api)) == both


def test_present_only_leaves_out_the_contributors_at_0_throughout(
    seeded_session: Tracker,
) -> None:
    db = seeded_session.config.db
    span = ("--from", "2022-01-01", "--to", "2023-12-31", "--by", "contributor")
    everyone = export_json(db, *span)
    present = export_json(db, *span, "--present-only")
    gone = {
        c
        for c in {r["contributor"] for r in everyone}
        if all(r["strength"] == 0 for r in everyone if r["contributor"] == c)
    }
    assert gone  # contributors long gone, at 0 every month
    assert present == [r for r in everyone if r["contributor"] not in gone]
    api = seeded_session.strength_series(
        "MINUSMA", date(2022, 1, 1), date(2023, 12, 31), by=["contributor"], present_only=True
    )
    assert json.loads(json.dumps(api)) == present
    # and the stamp's query says what was asked
    result = cli_run(db, "export", "MINUSMA", *span, "--present-only", "--contributor", "CIV",
                     "--json", "--stamp")  # fmt: skip
    query = json.loads(result.stdout)["stamp"]["query"]
    assert (query["contributors"], query["present_only"]) == (["CIV"], True)


def test_export_of_an_unknown_contributor_is_one_line(
    tmp_path: Path, seeded_file_copy: Path
) -> None:
    out = tmp_path / "out.csv"
    result = cli_run(seeded_file_copy, "export", "MINUSMA", "--from", "2022-01-01", "--to",
                     "2022-03-31", "--contributor", "Germny", "-o", str(out))  # fmt: skip
    assert (result.exit_code, result.output) == (
        2,
        "Error: field 'contributor': unknown country 'Germny': give an ISO 3166 alpha-3 code "
        "such as 'CIV' or a country name\n",
    )
    assert not out.exists()


# No journal stays


def test_no_journal_stays_beside_the_store_after_a_command(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    tracker = Tracker(db)
    tracker.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    tracker.close()
    commands = [
        ["record", "strength-reported", "--mission", "TESTMIS", "--contributor", "BEN",
         "--valid", "2021-01-31", "--strength", "300", "--source-title", "Test source",
         "--published-on", "2021-02-01"],
        ["strength", "TESTMIS", "--on", "2021-02-01", "--by", "contributor"],
        ["search", "Benin"],
        ["export", "TESTMIS", "--from", "2021-01-01", "--to", "2021-03-31"],
        ["history", "TESTMIS"],
    ]  # fmt: skip
    for command in commands:
        result = cli_run(db, *command)
        assert result.exit_code == 0, (command, result.output)
        left = sorted(p.name for p in tmp_path.iterdir() if p.name.endswith("-journal"))
        assert left == [], command
    assert "300" in cli_run(db, "strength", "TESTMIS", "--on", "2021-02-01").output


def test_a_view_keeps_its_journal_while_open_and_removes_it_when_closed(tmp_path: Path) -> None:
    # The commits of a catch-up keep the journal (truncated, not deleted: issue 25's syncs);
    # closing the tracker removes it, and the views are written as durably as before
    tracker = Tracker(tmp_path / "t.db")
    tracker.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    tracker.catch_up()
    journal = tmp_path / "t.strength.db-journal"
    assert journal.exists()
    for view in tracker.views():
        assert view.db.execute("PRAGMA journal_mode").fetchone() == ("truncate",)
        assert view.db.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    tracker.close()
    assert not journal.exists()
    tracker.close()  # twice (the library's __del__ does): nothing to do, no error


# Rows at 0 and sums, said plainly


def strength_lines(db: Path | str, *args: str) -> list[str]:
    result = cli_run(db, "strength", "MINUSMA", *args)
    assert result.exit_code == 0, result.output
    return [line.rstrip() for line in result.output.splitlines()]


def strength_json(db: Path | str, *args: str) -> list[dict[str, Any]]:
    result = cli_run(db, "strength", "MINUSMA", *args, "--format", "json")
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_contributors_at_0_are_counted_not_listed(seeded_session: Tracker) -> None:
    db = seeded_session.config.db
    args = ("--on", "2024-03-31", "--by", "contributor")
    rows = strength_json(db, *args)
    gone = [r["contributor"] for r in rows if r["strength"] == 0]
    present = [r["contributor"] for r in rows if r["strength"] != 0]
    assert len(gone) > 3
    lines = strength_lines(db, *args)
    assert f"  total of the {len(present)} contributors present on this date" in lines
    assert f"  {len(gone)} contributors at 0, not listed (they left): --all lists them" in lines
    assert not any(gone[0] in line and "," in line for line in lines)  # no list of codes
    listed = strength_lines(db, *args, "--all")
    assert not any("not listed" in line for line in listed)
    assert all(any(line.split()[:1] == [code] for line in listed) for code in gone)


def test_personnel_types_at_0_are_named(seeded_session: Tracker) -> None:
    db = seeded_session.config.db
    args = ("--on", "2024-03-31", "--by", "personnel-type")
    gone = [r["personnel_type"] for r in strength_json(db, *args) if r["strength"] == 0]
    assert 1 < len(gone) <= 3
    names = ", ".join(t.replace("_", " ") for t in gone)
    assert (
        f"  {len(gone)} personnel types at 0 ({names}), not listed: --all lists them"
        in strength_lines(db, *args)
    )


def test_a_sum_of_several_contributors_says_whose(seeded_session: Tracker) -> None:
    db = seeded_session.config.db
    args = ("--on", "2023-06-30", "--contributor", "DEU", "--contributor", "Benin")
    lines = strength_lines(db, *args)
    assert "  the sum of 2 contributors: DEU Germany, BEN Benin (--by contributor gives each)" in (
        lines
    )
    each = strength_json(db, "--on", "2023-06-30", "--by", "contributor", *args[2:])
    (total,) = strength_json(db, *args)
    assert total["strength"] == sum(r["strength"] for r in each)
    # by contributor, each is listed: no sum to explain
    by = strength_lines(db, *args, "--by", "contributor")
    assert "  total of the 2 contributors present on this date" in by


def test_no_contributor_present_is_said_so(seeded_session: Tracker) -> None:
    db = seeded_session.config.db
    answer = seeded_session.strength("MINUSMA", date(2026, 6, 30), ("contributor",))
    assert answer.rows
    assert answer.contributors == 0
    lines = strength_lines(db, "--on", "2026-06-30")
    assert "  no contributor present on this date: every figure is 0" in lines
    assert not any("total of the 0" in line for line in lines)
