"""A wheel built from the checkout, installed with every extra into a fresh virtual
environment outside the checkout, runs: an editable install (the other tests') hides a package
or data file left out of the wheel; this does not."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

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
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    tracker = str(installed / "tracker")
    assert "Usage: tracker" in run([tracker, "--help"], tmp_path, env)
    seeded = run([tracker, "seed", str(ROOT / "seeds")], tmp_path, env)
    assert "Loaded" in seeded
    answer = run(
        [tracker, "strength", "MINUSMA", "--on", "2013-12-31", "--format", "json"], tmp_path, env
    )
    assert '"strength": 6439' in answer
