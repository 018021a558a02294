"""Hardening, round 3, item 10: an import of UN PDFs killed while its worker processes read
(SIGKILL or SIGTERM of the command) leaves no worker behind: each ends with its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED

PDFS = SHARED / "un-monthly-pdf" / "pdf"


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid``."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` is still a worker of the import (forked: the import's command line),
    not a zombie nor another process given the same id since."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return state != "Z" and b"un-pdf" in command


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_an_import_ends_its_pdf_workers(tmp_path: Path, how: signal.Signals) -> None:
    if not PDFS.is_dir():
        pytest.skip(f"the shared UN PDFs are not beside the project ({PDFS})")
    files = sorted(PDFS.glob("UN_country_contributions_20*.pdf"), key=lambda p: -p.stat().st_size)
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    command = [sys.executable, "-m", "tracker", "--db", str(tmp_path / "t.db"), "import"]
    process = subprocess.Popen(
        [*command, "--format", "un-pdf", *map(str, files[:8])],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and time.monotonic() < deadline and process.poll() is None:
            workers = children(process.pid)
            time.sleep(0.05)
        assert len(workers) >= 2, "the import started no worker processes"
        time.sleep(0.5)  # the workers reading
        process.send_signal(how)
        process.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = sorted(w for w in workers if alive(w))
        assert not survivors, f"PDF workers {survivors} outlived the import killed with {how.name}"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for worker in workers:  # this test's own workers only, by their ids
            if alive(worker):
                os.kill(worker, signal.SIGKILL)
