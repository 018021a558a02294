"""A wheel built from the checkout, installed with every extra into a fresh virtual
environment outside the checkout, runs: an editable install (the other tests') hides a package
or data file left out of the wheel; this does not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import venv
from pathlib import Path

import pytest

from tests.test_web import free_port

ROOT = Path(__file__).resolve().parent.parent


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"{' '.join(command)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh venv with the wheel and every extra installed."""
    base = tmp_path_factory.mktemp("install")
    wheels = base / "wheels"
    run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels)],
        base,
    )
    (wheel,) = wheels.glob("peacekeeping_tracker-*.whl")
    venv.create(base / "venv", with_pip=True)
    python = base / "venv" / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", f"{wheel}[charts,web,postgres]"], base)
    return python.parent


def test_the_wheel_holds_every_package(installed: Path) -> None:
    listed = run(
        [
            str(installed / "python"),
            "-c",
            "import tracker, events, projections, pkgutil; "
            "print('\\n'.join(m.name for p in (tracker, events, projections) "
            "for m in pkgutil.walk_packages(p.__path__, p.__name__ + '.')))",
        ],
        installed,
    ).split()
    here = {
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for package in ("tracker", "events", "projections")
        for p in (ROOT / package).rglob("*.py")
        if p.name != "__init__.py" and "__pycache__" not in p.parts
    }
    assert here - set(listed) == set()


def test_the_installed_tool_runs_outside_the_checkout(installed: Path, tmp_path: Path) -> None:
    """A newcomer's first session from the wheel alone: help, the shipped seeds (no folder
    given: they are package data), a question, a chart, a map and the web view."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    env["MPLBACKEND"] = "Agg"
    tracker = str(installed / "tracker")
    assert "Usage: tracker" in run([tracker, "--help"], tmp_path, env)
    seeded = run([tracker, "seed", "--mission", "MINUSMA"], tmp_path, env)
    assert "Loaded" in seeded
    answer = json.loads(
        run(
            [tracker, "strength", "MINUSMA", "--on", "2022-11-30", "--format", "json"],
            tmp_path,
            env,
        )
    )
    assert [row["strength"] for row in answer] == [14084]
    chart, where = tmp_path / "chart.png", tmp_path / "map.png"
    run([tracker, "chart", "MINUSMA", "--from", "2022-01-01", "--to", "2023-12-31", "-o",
         str(chart)], tmp_path, env)  # fmt: skip
    run([tracker, "map", "MINUSMA", "--on", "2019-06-30", "-o", str(where)], tmp_path, env)
    for image in (chart, where):
        assert image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", image
    port = free_port()
    server = subprocess.Popen(
        [tracker, "serve", "--port", str(port)], cwd=tmp_path, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        page = ""
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode("utf-8")
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.5)
        assert "strength" in page.lower(), server.stdout.read() if server.poll() is not None else ""
    finally:
        server.terminate()
        server.wait(timeout=30)
