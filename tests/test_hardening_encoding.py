"""Hardening, round 3, item 13: a terminal or pipe that cannot encode a name (PYTHONIOENCODING=ascii,
LANG=C) gets the answer transliterated or escaped, never a UnicodeEncodeError traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

ASKED = ["strength", "MINUSMA", "--on", "2022-11-30", "--by", "contributor"]


def run(entry: list[str], db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "LANG": "C", "LC_ALL": "C"}
    env.pop("TRACKER_DATABASE_URL", None)
    return subprocess.run(
        [*entry, "--db", str(db), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="strict",  # what the tracker wrote must be plain ASCII
        timeout=120,
        check=False,
    )


# the console command (its read path answers a strength table from a current view) and the
# full command line
ENTRIES = {
    "console": [str(Path(sys.executable).with_name("tracker"))],
    "full": [sys.executable, "-m", "tracker"],
}


@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_a_table_on_an_ascii_terminal_is_transliterated(seeded_file_copy: Path, entry: str) -> None:
    result = run(ENTRIES[entry], seeded_file_copy, *ASKED)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.isascii()
    assert "CIV Cote d'Ivoire" in result.stdout
    assert "14,084" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["history", "MINUSMA", "--contributor", "CIV"],
        ["search", "Ivoire", "--mission", "MINUSMA"],
        ["strength", "MINUSMA", "--on", "2022-11-30", "--by", "contributor", "--format", "csv"],
        ["strength", "MINUSMA", "--on", "2022-11-30", "--by", "region"],
    ],
)
def test_other_answers_on_an_ascii_terminal_never_crash(
    seeded_file_copy: Path, args: list[str]
) -> None:
    result = run(ENTRIES["full"], seeded_file_copy, *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.isascii()
    assert result.stdout


def test_an_error_naming_a_name_on_an_ascii_terminal_is_one_line(seeded_file_copy: Path) -> None:
    result = run(
        ENTRIES["full"], seeded_file_copy, "history", "MINUSMA", "--contributor", "Côte d'Azur"
    )
    assert result.returncode == 2
    assert result.stderr.isascii()
    assert "Cote d'Azur" in result.stderr
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr
