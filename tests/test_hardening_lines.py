"""Hardening, round 3, item 12: a line past the bound is refused while the file is read, in one
line naming the file and the line, without holding the file (a 1 GB line took 3.2 GB)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from events.errors import InvalidInputError
from tests.conftest import ROOT
from tracker.importers import jsonl
from tracker.importers.jsonl import MAX_LINE, decode, records

# The command line, run in a process of its own, which prints its peak resident memory (kB):
# the kernel's high-water mark of this program (getrusage's ru_maxrss would count the memory
# of the pytest process it was forked from).
MEASURED = textwrap.dedent("""
    import sys
    from pathlib import Path
    from tracker.cli import cli
    try:
        cli()
    finally:
        status = Path("/proc/self/status").read_text()
        peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))
        print(f"peak {peak}", file=sys.stderr)
""")
GOOD = json.dumps(
    {
        "type": "mission-established",
        "mission": "TESTMIS",
        "name": "Test mission",
        "host": "MLI",
        "valid": "2020-01-01",
        "source": {"title": "Test source (made up)", "published_on": "2020-01-01"},
    }
)


def run(db: Path, path: Path) -> tuple[int, str, int]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, "--db", str(db), "import", str(path)],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    *said, peak = done.stderr.splitlines()
    return done.returncode, "\n".join(said), int(peak.removeprefix("peak "))


def test_a_50_mb_line_is_refused_without_holding_the_file(tmp_path: Path) -> None:
    huge = tmp_path / "huge.jsonl"
    long_line = b'{"type": "deployed", "quote": "' + b"x" * (50 * 1024 * 1024) + b'"}'
    with huge.open("wb") as out:
        out.write(GOOD.encode() + b"\n" + long_line + b"\n" + GOOD.encode() + b"\n")
    small = tmp_path / "small.jsonl"
    small.write_bytes(GOOD.encode() + b"\n" + b"[" * 10 + b"\n")
    code, said, peak = run(tmp_path / "t.db", huge)
    assert code == 2
    assert said.startswith(f"Error: {huge}:2: a line of {len(long_line):,} characters; an event")
    assert said.count("\n") == 0
    # the same command refusing a small file: what the huge line cost over it
    code, _, baseline = run(tmp_path / "u.db", small)
    assert code == 2
    assert peak - baseline < 20 * 1024, (peak, baseline)  # kB: well under the file's 50 MB


def check(data: bytes) -> bytes:
    return jsonl.read_bounded(io.BytesIO(data), "f.jsonl", chunk=7)  # small chunks: every boundary


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\n\n",
        GOOD.encode(),
        GOOD.encode() + b"\r\n" + GOOD.encode() + b"\n",
        b"\xef\xbb\xbf" + GOOD.encode() + b"\n",
        "é".encode() * 50 + b"\n",
    ],
)
def test_a_file_within_the_bound_is_read_as_it_is(data: bytes) -> None:
    assert check(data) == data


@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b""])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
@pytest.mark.parametrize("extra", [0, 1])
def test_the_bound_counts_characters_as_the_line_check_does(
    ending: bytes, bom: bytes, extra: int
) -> None:
    """The read refuses a line exactly when ``records`` would, with the same message."""
    line = "é" * (MAX_LINE + extra)
    data = bom + GOOD.encode() + b"\n" + line.encode() + ending
    if not extra:
        assert check(data) == data
        return
    with pytest.raises(InvalidInputError) as read:
        check(data)
    with pytest.raises(InvalidInputError) as checked:
        list(records(decode(data, "f.jsonl"), "f.jsonl"))
    assert str(read.value) == str(checked.value)
    assert str(read.value).startswith("f.jsonl:2: a line of 1,000,001 characters")


def test_a_pdf_is_still_said_to_be_a_pdf() -> None:
    with pytest.raises(InvalidInputError, match="a PDF, not JSON Lines"):
        check(b"%PDF-1.7\n" + b"x" * (MAX_LINE + 10))
