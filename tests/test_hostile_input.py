"""Hostile and broken input: generated malformed files for every importer, and bad arguments
for every command. Each must end in one error line, exit status 2 (or a clean success), never
a traceback, and nothing written when refused."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.errors import TrackerError
from tests.conftest import SEEDS, UN_CSV_2013, copy_seeded
from tracker import Tracker
from tracker.cli import cli

CASES: Counter[str] = Counter()  # how many generated inputs each importer was given
# The mission's own file first (it establishes MINUSMA), then contingent events.
JSONL = [
    *(SEEDS / "minusma-mission.jsonl").read_bytes().splitlines(),
    *(SEEDS / "minusma-mission-totals-2013-2017.jsonl").read_bytes().splitlines()[:20],
]
# The UN CSV's header and first MINUSMA rows, from the shared file (CI has it beside the
# checkout; without it the fuzzing of this importer skips, saying so).
UN_CSV = [
    line
    for number, line in enumerate(
        UN_CSV_2013.read_bytes().splitlines() if UN_CSV_2013.exists() else []
    )
    if number == 0 or b",MINUSMA," in line
][:30]
needs_un_csv = pytest.mark.skipif(
    not UN_CSV and not os.environ.get("CI"),
    reason=f"the shared UN data is not beside the project ({UN_CSV_2013})",
)

# What a hostile or careless file holds, spliced into good lines.
NASTY = [
    b"",
    b"\xef\xbb\xbf",  # a BOM in the middle
    "Côte d'Ivoire".encode("latin-1"),
    b"\x00",
    b"\xff\xfe",
    b"99999999999999999999999999",
    b"-5",
    b"1e999",
    b"NaN",
    b"0025-01-01",
    b"2023-02-30",
    b"9999-12-31",
    b"XXX",
    b"=cmd()",
    b"'; DROP TABLE stored_events; --",
    b'"',
    b",",
    b"\n",
    b"\r",
    b"{",
    b"[" * 5000,
    b"7" * 6000,
    b"A" * 200_000,
]


@st.composite
def mangled(draw: st.DrawFn, lines: list[bytes]) -> bytes:
    """Good lines, then one of: cut short, a nasty value spliced in, bytes flipped, lines
    dropped, repeated or shuffled, another encoding."""
    body = lines[: draw(st.integers(0, len(lines)))]  # in order: these import cleanly
    if draw(st.booleans()):
        body = body + draw(st.lists(st.sampled_from(lines[1:]), max_size=4))  # repeats
    data = b"\n".join(body)
    how = draw(st.sampled_from(["truncate", "splice", "flip", "latin1", "replace", "many", "none"]))
    if how == "truncate" and data:
        data = data[: draw(st.integers(0, len(data)))]
    elif how in ("splice", "many"):
        for _ in range(draw(st.integers(1, 4 if how == "many" else 1))):
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.sampled_from(NASTY)) + data[at:]
    elif how == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    elif how == "latin1":
        data = data.decode("utf-8", "replace").encode("latin-1", "replace")
    elif how == "replace" and data:
        old = draw(st.sampled_from([b"2013", b"MINUSMA", b"MLI", b"100", b"troops", b'"valid"']))
        data = data.replace(old, draw(st.sampled_from(NASTY)))
    return data


def _attempt(tracker: Tracker, importer: str, data: bytes) -> None:
    before = tracker.recorder.max_notification_id()
    try:
        if importer == "jsonl":
            tracker.import_jsonl(data, "f.jsonl")
        else:
            tracker.import_un_monthly(data, "f.csv")
    except TrackerError as error:
        message = str(error)
        assert message, "an error must say what is wrong"
        assert "\n" not in message, f"one line, not: {message!r}"
        assert message.startswith(("f.jsonl", "f.csv")), f"names the file: {message!r}"
        assert tracker.recorder.max_notification_id() == before, "nothing written"
        CASES[f"{importer} refused"] += 1
    else:
        CASES[f"{importer} accepted"] += 1
    CASES[importer] += 1


@settings(max_examples=400, deadline=None, derandomize=True)
@given(data=mangled(JSONL))
def test_fuzzed_jsonl_is_refused_in_one_line_or_imported(data: bytes) -> None:
    tracker = Tracker(":memory:")
    _attempt(tracker, "jsonl", data)


@needs_un_csv
@settings(max_examples=400, deadline=None, derandomize=True)
@given(data=mangled(UN_CSV or [b"Date"]))
def test_fuzzed_un_monthly_csv_is_refused_in_one_line_or_imported(data: bytes) -> None:
    tracker = Tracker(":memory:")
    _attempt(tracker, "un-monthly", data)


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=mangled(JSONL), fmt=st.sampled_from(["jsonl", "un-monthly"]))
def test_fuzzed_files_through_the_command_never_show_a_traceback(
    tmp_path: Path, data: bytes, fmt: str
) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    db = tmp_path / "fuzz.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(path), "--format", fmt])
    CASES["command"] += 1
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert result.output.count("\n") == 1, result.output
        assert result.output.startswith("Error: ")


def test_the_fuzzers_ran_and_both_outcomes_happened() -> None:
    """Runs after the fuzz tests above (file order): they were given input, and the input
    was hostile enough to be refused, yet some of it still imported (so the generator is not
    trivially broken)."""
    if CASES["jsonl"] == 0:
        pytest.skip("run with the fuzz tests of this file (it reports their counts)")
    print(f"\nfuzz cases: {dict(sorted(CASES.items()))}")
    for importer in ("jsonl", "un-monthly"):
        assert CASES[f"{importer} refused"] > 50
    assert CASES["jsonl accepted"] + CASES["un-monthly accepted"] > 0


HUGE_LINE = json.dumps({"type": "deployed", "mission": "MINUSMA", "quote": "x" * 2_000_000})


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"", "no events in it"),
        (b"\xef\xbb\xbf\n\n", "no events in it"),
        (HUGE_LINE.encode(), "a line of 2,000,0"),
        (b'{"type": "deployed", "count": ' + b"9" * 5000 + b"}", "not valid JSON"),
        (b"[" * 100_000, "not valid JSON"),
        ('{"type": "mission-established", "name": "Côte"}'.encode("latin-1"), "not UTF-8"),
        (b'{"type": "deployed"', "not valid JSON"),
        (b'{"type": 5}', "field 'type'"),
    ],
    ids=["empty", "bom-only", "2MB-line", "huge-number", "deep", "latin1", "truncated", "type"],
)
def test_broken_jsonl_files(tmp_path: Path, content: bytes, said: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "t.db"), "import", str(path)])
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}")
    assert said in result.output
    assert result.output.count("\n") == 1
    assert not (tmp_path / "t.db").exists() or Tracker(tmp_path / "t.db").head()[0] == 0


@pytest.mark.parametrize(
    ("fmt", "first", "said"),
    [
        (
            "un-monthly",
            (UN_CSV or [b"Date"])[0] + b"\n",
            ":2: not readable as CSV (field larger than field limit",
        ),
        ("jsonl", JSONL[0] + b"\n", ":2: a line of 104,857,601 characters"),
    ],
)
def test_a_100_mb_line_is_refused_without_a_traceback(
    tmp_path: Path, fmt: str, first: bytes, said: str
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.write(first)
        out.write(b'"' + b"x" * (100 * 1024 * 1024) + b"\n")
    db = tmp_path / "t.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(path), "--format", fmt])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1
    assert result.output.startswith(f"Error: {path}{said}"), result.output[:300]
    assert Tracker(db).head()[0] == 0  # the good first line was not written either


def test_sql_and_formula_text_is_stored_as_text_and_exported_inert(
    tmp_path: Path, seeded_file_copy: Path
) -> None:
    db = seeded_file_copy
    tracker = Tracker(db)
    hostile = "=cmd()|' /C calc'!A0; DROP TABLE stored_events; --"
    recorded = tracker.note_incident(
        mission="MINUSMA",
        contributor="SWE",
        valid="2023-05-01",
        kind="other",
        description=hostile,
        source={"title": hostile, "published_on": "2023-05-02"},
    )
    assert [row.event_id for row in tracker.search("DROP TABLE stored_events")] == [
        recorded.event_id
    ]
    tracker.close()
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--db", str(db), "history", "MINUSMA", "--contributor", "SWE", "--format", "csv"]
    )
    assert result.exit_code == 0, result.output
    cells = [cell for line in result.output.splitlines() for cell in line.split(",")]
    assert not any(cell.lstrip('"').startswith(("=", "+", "@")) for cell in cells)
    assert "'=cmd()" in result.output  # kept, but as text a spreadsheet will not run
    assert Tracker(db, create=False).verify().ok


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory, seed_templates: dict[str, Any]) -> Path:
    db = tmp_path_factory.mktemp("hostile") / "t.db"
    return copy_seeded(db, seed_templates, tmp_path_factory)


SOURCE_ARGS = ["--source-title", "T", "--published-on", "2023-01-01"]
RECORD = ["record", "deployed", "--mission", "MINUSMA", "--contributor", "SWE", *SOURCE_ARGS]
BAD_ARGUMENTS = [
    ["strength", "MINUSMA'; DROP TABLE stored_events; --", "--on", "2020-01-01"],
    ["strength", "MINUSMA", "--on", "2020-01-01", "--by", "nonsense"],
    ["strength", "MINUSMA", "--on", "0025-01-01"],
    ["strength", "MINUSMA", "--on", "2023-02-30"],
    ["strength", "MINUSMA", "--on", "2020-01-01", "--known-at", "2023-13-01"],
    ["strength", "MINUSMA", "--on", "2020-01-01", "--recorded-at", "yesterday"],
    ["strength", "MINUSMA", "--on", "2020-01-01", "--recorded-at", "0025-01-01"],
    ["strength", "MINUSMA", "--on", "2020-01-01", "--format", "xml"],
    ["history", "MINUSMA", "--contributor", "XXX"],
    ["history", "MINUSMA", "--contributor", "' OR 1=1 --"],
    ["search", 'MINUSMA" OR 1=1 --'],
    ["export", "MINUSMA", "--from", "2023-01-01", "--to", "2013-01-01"],
    ["export", "MINUSMA", "--from", "1900-01-01", "--to", "2013-01-01"],
    ["announcements", "MINUSMA", "--on", "2099-13-01"],
    ["mandates", "NOPE", "--on", "2020-01-01"],
    ["retract", "MINUSMA/SWE/99999", "--reason", "x", *SOURCE_ARGS],
    # a new source with no title: said so (it was "field 'source.title': Input should be...")
    [
        "correct",
        "MINUSMA/DEU/241",
        "--reason",
        "x",
        "--set",
        "strength=1",
        "--published-on",
        "2023",
    ],
    ["import", "--format", "un-pdf", "--date", "2099-01", "report.pdf"],  # a month to come
    ["retract", "'; DROP TABLE x", "--reason", "x", *SOURCE_ARGS],
    [*RECORD, "--valid", "2023-02-30", "--count", "5"],
    [*RECORD, "--valid", "0025-01-01", "--count", "5"],
    [*RECORD, "--valid", "2023-01-01", "--count", "-5"],
    [*RECORD, "--valid", "2023-01-01", "--count", "99999999999999999999999"],
    [*RECORD, "--valid", "2023-01-01", "--count", "=cmd()"],
    [*RECORD, "--valid", "2023-01-01", "--count", "5", "--location", "Atlantis"],
    [
        "record",
        "deployed",
        "--mission",
        "MINUSMA",
        "--contributor",
        "Narnia",
        "--count",
        "5",
        "--valid",
        "2023-01-01",
        *SOURCE_ARGS,
    ],
    ["verify", "--expect", "not-a-hash"],
    ["projections", "rebuild", "nonsense"],
    ["import", "/nonexistent/file.jsonl"],
    ["nonsense-command"],
]


@pytest.mark.parametrize("args", BAD_ARGUMENTS, ids=[" ".join(a)[:60] for a in BAD_ARGUMENTS])
def test_bad_arguments_are_one_line_exit_2_nothing_written(
    seeded_file: Path, args: list[str]
) -> None:
    before = Tracker(seeded_file, create=False).head()
    result = CliRunner().invoke(cli, ["--db", str(seeded_file), *args])
    CASES["arguments"] += 1
    assert result.exit_code == 2, result.output
    assert result.output.startswith("Error: "), result.output
    assert result.output.count("\n") == 1, result.output
    assert Tracker(seeded_file, create=False).head() == before


def digest(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (None, "a SQLite database of something else (it has notes), not an event store"),
        (b"", "an empty file, not an event store"),
        (b"my notes\n", "not a SQLite database, not an event store"),
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        ["missions"],
        ["verify"],
        ["strength", "MINUSMA", "--on", "2022-11-30"],
    ],
)
def test_a_query_on_a_file_that_is_no_store_changes_nothing(
    tmp_path: Path, content: bytes | None, said: str, command: list[str]
) -> None:
    """A query never makes a store of the file it is given: an analyst's own SQLite file, an
    empty file or a text file is refused in one line, status 2, byte for byte unchanged and
    with nothing beside it (it was given the tracker's tables and five view files)."""
    db = tmp_path / "notes.db"
    if content is None:
        import sqlite3

        connection = sqlite3.connect(db)
        connection.execute("CREATE TABLE notes (t TEXT)")
        connection.execute("INSERT INTO notes VALUES ('mine')")
        connection.commit()
        connection.close()
    else:
        db.write_bytes(content)
    before = digest(tmp_path)
    result = CliRunner().invoke(cli, ["--db", str(db), *command])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1
    assert f"Error: {db}: {said}" in result.output
    assert digest(tmp_path) == before


ESTABLISHED = (
    '{"type": "mission-established", "mission": "TESTMIS", "name": "Test mission", '
    '"host": "MLI", "valid": "2020-01-01", '
    '"source": {"title": "Test", "published_on": "2020-01-01"}}\n'
)


def test_a_write_into_a_file_of_something_else_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(ESTABLISHED)
    db = tmp_path / "notes.db"
    db.write_bytes(b"my notes\n")
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(good)])
    assert result.exit_code == 2
    assert "not a SQLite database, not an event store - nothing was changed" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["good.jsonl", "notes.db"]
    assert db.read_bytes() == b"my notes\n"


def test_a_refused_first_write_leaves_no_store_behind(tmp_path: Path) -> None:
    """The first write into a new store that is refused leaves nothing: a later query still
    says there is no store (an empty store and five views were left, and it said the
    mission was not in the store)."""
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"type": "deployed", "mission": "MINUSMA", "contributor": "DEU"}\n')
    db = tmp_path / "new.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", str(bad)])
    assert result.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]
    asked = CliRunner().invoke(cli, ["--db", str(db), "strength", "MINUSMA", "--on", "2022-11-30"])
    assert asked.exit_code == 2
    assert "no event store at" in asked.output
    # An empty file the user made may become the store, by a command that writes.
    db.touch()
    good = tmp_path / "good.jsonl"
    good.write_text(ESTABLISHED)
    written = CliRunner().invoke(cli, ["--db", str(db), "import", str(good)])
    assert written.exit_code == 0, written.output
    assert Tracker(db, create=False).missions()[0].mission == "TESTMIS"


def test_a_write_refused_for_its_mission_or_target_says_what_the_store_has(
    tmp_path: Path,
) -> None:
    """An unknown mission in an import names the missions the store has (it said the store
    had none); a correction naming another contingent's event says whose it is (it said the
    event was not in the store)."""
    db = tmp_path / "t.db"
    good = tmp_path / "good.jsonl"
    deployed = (
        '{"type": "deployed", "mission": "TESTMIS", "contributor": "%s", "count": 5, '
        '"valid": "2020-02-01", "source": {"title": "Test", "published_on": "2020-02-02"}%s}\n'
    )
    good.write_text(ESTABLISHED + deployed % ("SEN", ""))
    assert CliRunner().invoke(cli, ["--db", str(db), "import", str(good)]).exit_code == 0
    cases = {
        deployed.replace("TESTMIS", "NOPE") % ("SEN", ""): (
            "mission 'NOPE' is not in the store - the store has TESTMIS"
        ),
        deployed % ("BEN", ', "corrects": "TESTMIS/SEN/2", "reason": "typo"'): (
            "event 'TESTMIS/SEN/2' is not one of TESTMIS/BEN's"
        ),
    }
    for line, said in cases.items():
        bad = tmp_path / "bad.jsonl"
        bad.write_text(line)
        result = CliRunner().invoke(cli, ["--db", str(db), "import", str(bad)])
        assert result.exit_code == 2
        assert said in result.output
        assert result.output.count("\n") == 1


def test_a_pdf_given_as_events_says_how_it_imports(tmp_path: Path) -> None:
    """A UN PDF given without --format was refused as text that is not UTF-8."""
    pdf = tmp_path / "UN_country_contributions_2020_02.pdf"
    pdf.write_bytes(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "t.db"), "import", str(pdf)])
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {pdf}: a PDF, not JSON Lines - a UN monthly report imports with "
        "'tracker import --format un-pdf'\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [pdf.name]


NEW = ("--published-on", "2023")  # a new source's date, with no title


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            [*("correct", "MINUSMA/DEU/241", "--reason", "x", "--set", "strength=1"), *NEW],
            "--published-on names a new source: give its --source-title too",
        ),
        (
            ["import", "--format", "un-pdf", "--date", "2099-01", "report.pdf"],
            "'2099-01': that month has not ended; give the month the report is of",
        ),
    ],
)
def test_a_refusal_says_which_option_to_give(seeded_file: Path, args: list[str], said: str) -> None:
    result = CliRunner().invoke(cli, ["--db", str(seeded_file), *args])
    assert result.exit_code == 2
    assert said in result.output
