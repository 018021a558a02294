"""Hardening, round 3, item 19: ``tracker follow`` refuses an interval that would fail or spin a
core; ``tracker serve`` on an address other than the loopback warns that it opens the views
(and SQL over them) to the network; paths no route answers are a 404, never a 500 with a
traceback in the log (Datasette's own 404 handler failed when rich is installed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_web import Server, free_port, start_server, stop_server


def tracker(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.parametrize("interval", ["-1", "0", "0.01", "nan", "inf", "1e9"])
def test_follow_refuses_an_interval_that_fails_or_spins(
    seeded_file_copy: Path, interval: str
) -> None:
    try:
        result = tracker(
            "--db", str(seeded_file_copy), "follow", "--interval", interval, timeout=20
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"follow --interval {interval} did not stop (it follows, spinning)")
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: --interval {float(interval):g}: give the seconds between two pulls, from 0.1 "
        "to 3,600\n"
    )


def test_follow_with_the_smallest_interval_follows(seeded_file_copy: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tracker",
            "--db",
            str(seeded_file_copy),
            "follow",
            "--interval",
            "0.1",
        ],
        cwd=ROOT,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().startswith("Following ")
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "Stopped" in out


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from tests.test_web import seeded_store

    server = start_server(seeded_store(tmp_path_factory.mktemp("web404")))
    yield server
    stop_server(server)


def raw_get(server: Server, path: str) -> tuple[int, str]:
    """``path`` exactly as given (``//x`` and ``..`` kept), status and body."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@pytest.mark.parametrize("path", ["/a/b/c/d/e/f", "//x", "/a/b/c/d/e/f.json", "/strength/nope"])
def test_a_path_no_route_answers_is_a_404_without_a_traceback(served: Server, path: str) -> None:
    status, body = raw_get(served, path)
    assert status == 404, body[:500]
    assert "Traceback" not in body
    time.sleep(0.2)  # what the server logged for it
    assert "Traceback" not in served.log()
    assert "Exception in ASGI application" not in served.log()


def test_the_pages_still_answer(served: Server) -> None:
    status, _ = served.get("/")
    assert status == 200
    assert "Traceback" not in served.log()


@pytest.mark.parametrize(("host", "warned"), [("0.0.0.0", True), ("127.0.0.1", False)])
def test_serve_beyond_the_loopback_warns(seeded_file_copy: Path, host: str, warned: bool) -> None:
    port = free_port()
    log = seeded_file_copy.parent / f"serve-{host}.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    with log.open("w") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tracker",
                "--db",
                str(seeded_file_copy),
                "serve",
                "--host",
                host,
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        for _ in range(300):
            assert process.poll() is None, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    said = log.read_text()
    warning = (
        f"Warning: serving on {host} opens the views, and any SQL query over them, to everyone "
        "who can reach this machine: give --host 127.0.0.1 (the default) unless that is meant"
    )
    assert (warning in said) is warned, said
