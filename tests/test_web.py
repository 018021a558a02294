"""The web view: Datasette serving the read models, its canned query equal to the CLI's answer."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import ROOT, SEEDS
from tracker import Tracker
from tracker.cli import cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_the_canned_strength_query_like_the_cli(tmp_path: Path) -> None:
    db = tmp_path / "tracker.db"
    tracker = Tracker(db)
    tracker.load_seeds(SEEDS)
    tracker.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", str(db), "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        url = (
            f"http://127.0.0.1:{port}/tracker~2Estrength/strength_by_contributor.json"
            "?mission=MINUSMA&on=2013-12-31&_shape=array"
        )
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    body = json.load(response)
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "the server did not answer"
        cli_answer = (
            CliRunner()
            .invoke(
                cli,
                [
                    "--db",
                    str(db),
                    "strength",
                    "MINUSMA",
                    "--on",
                    "2013-12-31",
                    "--by",
                    "contributor",
                    "--format",
                    "json",
                ],
            )
            .stdout
        )
        assert body == json.loads(cli_answer)
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/tracker~2Estrength.json", timeout=5
        ) as response:
            tables = {t["name"]: t["hidden"] for t in json.load(response)["tables"]}
        assert tables["_tracking"] is True  # bookkeeping hidden
        assert tables["strength_intervals"] is False
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
