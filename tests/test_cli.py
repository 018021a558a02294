"""The command line contracts: exact output shapes and one-line errors with exit status 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SEEDS
from tracker import Tracker
from tracker.cli import cli
from tracker.faces.render import EVIDENCE


def head(db: Path | str) -> int | None:
    tracker = Tracker(db)
    found = tracker.recorder.max_notification_id()
    tracker.close()
    return found


def run(runner: CliRunner, db: Path | str, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, ["--db", str(db), *args])
    return result.exit_code, result.output


def test_strength_json_by_contributor_is_an_array_of_key_and_strength(
    runner: CliRunner, seeded_db: Path
) -> None:
    code, out = run(
        runner,
        seeded_db,
        "strength",
        "MINUSMA",
        "--on",
        "2022-11-30",
        "--by",
        "contributor",
        "--format",
        "json",
    )
    rows = json.loads(out)
    assert code == 0
    assert all(list(r) == ["contributor", "strength", *EVIDENCE] for r in rows)
    by = {r["contributor"]: r for r in rows}
    # The UN's figures of November 2022 (its report of that month): not the press's "about
    # 1,100 Germans", which is a claim beside it (see reconcile).
    for code_, strength in (("BEN", 408), ("DEU", 609), ("EGY", 1247), ("GBR", 189), ("TCD", 1439)):
        assert (by[code_]["strength"], by[code_]["figure_of"]) == (strength, "2022-11-30")
        assert by[code_]["event_id"].startswith(f"MINUSMA/{code_}/")
    assert by["TGO"]["strength"] == 995  # not its 2013 figure (1,091) carried forward


def test_strength_json_without_by_is_one_row_with_the_total(
    runner: CliRunner, seeded_db: Path
) -> None:
    _, by_contributor = run(
        runner,
        seeded_db,
        "strength",
        "MINUSMA",
        "--on",
        "2022-11-30",
        "--by",
        "contributor",
        "--format",
        "json",
    )
    code, out = run(
        runner, seeded_db, "strength", "MINUSMA", "--on", "2022-11-30", "--format", "json"
    )
    (total,) = json.loads(out)
    assert code == 0
    assert total["strength"] == sum(r["strength"] for r in json.loads(by_contributor)) == 14084
    code, out = run(
        runner, seeded_db, "strength", "MINUSMA", "--on", "2013-06-30", "--format", "json"
    )
    (before,) = json.loads(out)
    assert (code, before["strength"], before["figure_of"]) == (0, None, None)  # not 0
    code, out = run(
        runner, seeded_db, "strength", "MINUSMA", "--on", "2013-12-31", "--format", "json"
    )
    (december,) = json.loads(out)
    # the UN's figure for that month end, and when it was set
    assert (december["strength"], december["figure_of"]) == (6439, "2013-12-31")


def test_strength_json_by_several_dimensions(runner: CliRunner, seeded_db: Path) -> None:
    code, out = run(
        runner,
        seeded_db,
        "strength",
        "MINUSMA",
        "--on",
        "2022-11-30",
        "--by",
        "location",
        "--by",
        "personnel-type",
        "--format",
        "json",
    )
    rows = json.loads(out)
    assert code == 0
    assert all(list(r)[:3] == ["location", "personnel_type", "strength"] for r in rows)
    shown = {(r["location"], r["personnel_type"]): r["strength"] for r in rows}
    # the UN's figures give types and no place: the press's located figures of that month
    # (Benin's FPU at Kidal) are claims beside them
    assert shown[(None, "formed_police_units")] == 1444
    assert shown[(None, "troops")] == 11873
    assert {location for location, _ in shown} == {None}


def test_strength_json_gives_null_for_unknown(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    Tracker(db).import_events((SEEDS / "minusma-mission.jsonl").read_text().splitlines()[:1])
    run(
        runner,
        db,
        "record",
        "withdrawn",
        "--mission",
        "MINUSMA",
        "--contributor",
        "CIV",
        "--valid",
        "2022-12",
        "--count",
        "100",
        "--source-title",
        "Test",
        "--published-on",
        "2023-01-01",
    )
    code, out = run(
        runner,
        db,
        "strength",
        "MINUSMA",
        "--on",
        "2023-01-01",
        "--by",
        "contributor",
        "--format",
        "json",
    )
    (row,) = json.loads(out)
    assert (code, row["contributor"], row["strength"]) == (0, "CIV", None)
    assert (row["figure_of"], row["un_report"]) == ("2022-12-31", None)  # no UN report at all


def test_strength_csv(runner: CliRunner, seeded_db: Path) -> None:
    code, out = run(
        runner,
        seeded_db,
        "strength",
        "MINUSMA",
        "--on",
        "2013-08-31",
        "--by",
        "contributor",
        "--format",
        "csv",
    )
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == (
        "contributor,strength,figure_of,approximate,event_id,un_report,no_un_report_for,"
        "not_listed_in,not_yet_published,record_ends,newest_figure_of,known,missing_from_report"
    )
    # Chad 1,252 and Togo 1,091 on 2013-08-31: the UN's figures (bamada.net cites the same).
    assert any(line.startswith("TCD,1252,2013-08-31,False,MINUSMA/TCD/") for line in lines)
    assert any(line.startswith("TGO,1091,2013-08-31,False,MINUSMA/TGO/") for line in lines)
    _, as_json = run(
        runner,
        seeded_db,
        "strength",
        "MINUSMA",
        "--on",
        "2013-08-31",
        "--by",
        "contributor",
        "--format",
        "json",
    )
    assert [line.split(",")[:2] for line in lines[1:]] == [
        [r["contributor"], str(r["strength"])] for r in json.loads(as_json)
    ]


def test_strength_table_shows_total_and_says_what_is_rounded(
    runner: CliRunner, seeded_db: Path
) -> None:
    code, out = run(
        runner, seeded_db, "strength", "MINUSMA", "--on", "2022-11-30", "--by", "contributor"
    )
    assert code == 0
    assert "EGY Egypt" in out
    assert "1,247" in out  # the UN's figure, dated
    assert "total                  14,084   2022-11-30" in out
    assert "figure of" in out
    code, out = run(
        runner, seeded_db, "strength", "MINUSMA", "--on", "2022-07-31", "--by", "contributor"
    )
    # July 2022: no UN report; the press figure of the month (Egypt's 1,216, 2022-07-15) is
    # the only evidence for it, and counts, dated
    assert re.search(r"EGY Egypt +1,216 +2022-07-15", out)
    assert "no UN report for 2022-07; figures of 2022-06-30 and the claims since" in out


def test_history_of_one_contributor(runner: CliRunner, seeded_db: Path) -> None:
    code, out = run(
        runner,
        seeded_db,
        "history",
        "MINUSMA",
        "--contributor",
        "Sweden",
        "--only",
        "announcement",
        "--only",
        "change",
        "--format",
        "json",
    )
    rows = json.loads(out)
    assert code == 0
    kinds = [(r["valid"], r["kind"]) for r in rows]
    assert ("2022-01-14", "StrengthReported") in kinds  # the press figure, beside the UN's
    assert [k for k in kinds if k[1] == "WithdrawalAnnounced"] == [
        ("2022-03", "WithdrawalAnnounced"),
        ("2022-12-13", "WithdrawalAnnounced"),
    ]
    assert len([k for k in kinds if k[1] == "StrengthReported"]) > 100  # the UN's months
    assert [r["valid"][:7] for r in rows] == sorted(r["valid"][:7] for r in rows)
    assert all(r["source_url"].startswith("https://") and r["recorded_at"] for r in rows)


def test_record_then_strength(runner: CliRunner, seeded_db: Path) -> None:
    code, out = run(
        runner,
        seeded_db,
        "record",
        "deployed",
        "--mission",
        "MINUSMA",
        "--contributor",
        "Chad",
        "--valid",
        "2023-09-01",
        "--count",
        "100",
        "--location",
        "Timbuktu",
        "--source-title",
        "Test",
        "--published-on",
        "2023-09-02",
    )
    assert code == 0
    assert re.fullmatch(r"Recorded MINUSMA/TCD/\d+ \(Deployed\)\n", out)
    # September 2023 has no UN report: the deployment counts (in a UN month it is a claim)
    code, out = run(
        runner,
        seeded_db,
        "strength",
        "MINUSMA",
        "--on",
        "2023-09-01",
        "--by",
        "location",
        "--format",
        "json",
    )
    assert {"location": "Tombouctou", "strength": 100}.items() <= json.loads(out)[-1].items()


def test_record_mandate_with_ceilings(runner: CliRunner, seeded_db: Path) -> None:
    code, out = run(
        runner,
        seeded_db,
        "record",
        "mandate-renewed",
        "--mission",
        "MINUSMA",
        "--resolution",
        "9999",
        "--valid",
        "2023-01-01",
        "--ceiling",
        "military=13289",
        "--ceiling",
        "police=1920",
        "--source-title",
        "Test",
        "--published-on",
        "2023-01-01",
    )
    assert code == 0
    assert re.fullmatch(r"Recorded MINUSMA/\d+ \(MandateRenewed\)\n", out)


ERRORS = [
    (
        [
            "record",
            "deployed",
            "--mission",
            "MINUSMA",
            "--contributor",
            "Atlantis",
            "--valid",
            "2022-12-01",
            "--count",
            "5",
            "--source-title",
            "T",
            "--published-on",
            "2022-12-01",
        ],
        "Error: field 'contributor': unknown country 'Atlantis': give an ISO 3166 alpha-3 code such as 'CIV' or a country name",
    ),
    (
        [
            "record",
            "deployed",
            "--mission",
            "MINUSMA",
            "--contributor",
            "CIV",
            "--valid",
            "2022-12-01",
            "--count",
            "-5",
            "--source-title",
            "T",
            "--published-on",
            "2022-12-01",
        ],
        "Error: field 'count': Input should be greater than or equal to 1",
    ),
    (
        [
            "record",
            "deployed",
            "--mission",
            "MINUSMA",
            "--contributor",
            "CIV",
            "--valid",
            "2023-02-30",
            "--count",
            "5",
            "--source-title",
            "T",
            "--published-on",
            "2022-12-01",
        ],
        "Error: field 'valid': '2023-02-30' is not a date: use YYYY-MM-DD, YYYY-MM (month) or YYYY (year)",
    ),
    (
        [
            "record",
            "withdrawn",
            "--mission",
            "MINUSMA",
            "--contributor",
            "EGY",
            "--valid",
            "2022-08-01",
            "--count",
            "2000",
            "--source-title",
            "T",
            "--published-on",
            "2022-12-01",
        ],
        "Error: EGY had 1216 personnel on 2022-08-01, fewer than the 2000 this would take away",
    ),
    (
        ["strength", "NOPE", "--on", "2022-01-01"],
        "Error: mission 'NOPE' is not in the store - the store has MINUSMA ('tracker missions' lists them); 'tracker import --format un-pdf' the UN's monthly reports that list NOPE",
    ),
    (
        [
            "record",
            "mandate-renewed",
            "--mission",
            "MINUSMA",
            "--resolution",
            "1",
            "--valid",
            "2023-01-01",
            "--ceiling",
            "military",
            "--source-title",
            "T",
            "--published-on",
            "2023-01-01",
        ],
        "Error: --ceiling 'military': write CATEGORY=N, such as military=13289",
    ),
]


@pytest.mark.parametrize(("args", "line"), ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_expected_failures_are_one_line_exit_2_nothing_written(
    runner: CliRunner, seeded_db: Path, args: list[str], line: str
) -> None:
    before = head(seeded_db)
    code, out = run(runner, seeded_db, *args)
    assert (code, out) == (2, line + "\n")
    assert head(seeded_db) == before


@pytest.mark.parametrize(
    ("day", "said"),
    [
        ("2023-02-30", "'2023-02-30' is not a date: give YYYY-MM-DD (a real day)"),
        ("0025-01-01", "'0025-01-01': give a date from 1945-01-01 to 2099-12-31"),
        ("31/12/2013", "'31/12/2013' is not a date: give YYYY-MM-DD (a real day)"),
    ],
)
def test_bad_date_option_is_a_one_line_usage_error(
    runner: CliRunner, seeded_db: Path, day: str, said: str
) -> None:
    code, out = run(runner, seeded_db, "strength", "MINUSMA", "--on", day)
    assert (code, out) == (
        2,
        f"Error: Invalid value for '--on': {said} (see 'tracker strength --help')\n",
    )


def test_import_fails_on_line_n_and_leaves_the_store_unchanged(
    runner: CliRunner, seeded_db: Path, tmp_path: Path
) -> None:
    good = {
        "type": "deployed",
        "mission": "MINUSMA",
        "contributor": "TCD",
        "valid": "2022-12-01",
        "count": 10,
        "source": {"title": "T", "published_on": "2022-12-01"},
    }
    bad = {**good, "count": -1}
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in (good, good, bad, good)) + "\n")
    before = head(seeded_db)
    code, out = run(runner, seeded_db, "import", str(path))
    assert (code, out) == (
        2,
        f"Error: {path}:3: field 'count': Input should be greater than or equal to 1\n",
    )
    assert head(seeded_db) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "{not json\n",
            "events.jsonl:1: not valid JSON (Expecting property name enclosed in double quotes)",
        ),
        ("[1, 2]\n", "events.jsonl:1: each line must be one JSON object"),
        (
            '{"mission": "MINUSMA"}\n',
            "events.jsonl:1: field 'type': missing: say which kind of event",
        ),
        ("\n\n", "events.jsonl: no events in it - nothing was written"),
    ],
)
def test_import_of_malformed_files(
    runner: CliRunner, seeded_db: Path, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text(content)
    code, out = run(runner, seeded_db, "import", str(path))
    assert code == 2
    assert out == f"Error: {str(path).removesuffix('events.jsonl')}{message}\n"


def test_import_of_latin1_file_is_refused(
    runner: CliRunner, seeded_db: Path, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"contributor": "Côte d\'Ivoire"}\n'.encode("latin-1"))
    code, out = run(runner, seeded_db, "import", str(path))
    assert code == 2
    assert out.startswith(f"Error: {path}:1: not UTF-8 text")


def test_a_query_on_a_missing_store_is_an_error_and_creates_nothing(
    runner: CliRunner, tmp_path: Path
) -> None:
    db = tmp_path / "typo.db"
    code, out = run(runner, db, "strength", "MINUSMA", "--on", "2022-01-01")
    assert (code, out) == (
        2,
        f"Error: no event store at '{db}' - load MINUSMA's record with 'tracker seed', create one with 'tracker import' or 'tracker record', or name another with --db\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_python_dash_m_tracker_runs_the_cli(seeded_db: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tracker",
            "--db",
            str(seeded_db),
            "strength",
            "MINUSMA",
            "--on",
            "2013-12-31",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)[0]["strength"] == 6439


def test_a_year_of_monthly_exports_loads_in_pandas_and_matches_strength(
    runner: CliRunner, seeded_db: str, tmp_path: Path
) -> None:
    import pandas

    out = tmp_path / "series.csv"
    code, _ = run(
        runner,
        seeded_db,
        "export",
        "MINUSMA",
        "--from",
        "2013-01-01",
        "--to",
        "2013-12-31",
        "--every",
        "month",
        "--by",
        "contributor",
        "-o",
        str(out),
    )
    assert code == 0
    frame = pandas.read_csv(out)  # as it is: the stamp is beside it, in series.csv.stamp.json
    assert list(frame.columns) == ["date", "contributor", "strength", *EVIDENCE]
    assert json.loads((tmp_path / "series.csv.stamp.json").read_text())["projection"] == "strength"
    totals = frame.groupby("date")["strength"].sum()
    assert list(totals.index) == [
        "2013-07-31",
        "2013-08-31",
        "2013-09-30",
        "2013-10-31",
        "2013-11-30",
        "2013-12-31",
    ]
    for day, total in totals.items():
        _, answer = run(
            runner, seeded_db, "strength", "MINUSMA", "--on", str(day), "--format", "json"
        )
        assert json.loads(answer)[0]["strength"] == int(total)
    code, ndjson = run(
        runner,
        seeded_db,
        "export",
        "MINUSMA",
        "--from",
        "2013-12-01",
        "--to",
        "2013-12-31",
        "--format",
        "ndjson",
    )
    lines = [json.loads(line) for line in ndjson.splitlines()]
    assert [(r["date"], r["strength"], r["figure_of"]) for r in lines] == [
        ("2013-12-31", 6439, "2013-12-31")
    ]


def test_csv_exports_never_carry_a_live_formula() -> None:
    from tracker.faces.render import as_csv

    text = as_csv([{"location": "=cmd()", "note": "+1", "ok": "Gao"}])
    assert text.splitlines()[1] == "'=cmd(),'+1,Gao"
