from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import source
from tracker import Tracker

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(params=["memory", "sqlite"])
def tracker(request: pytest.FixtureRequest, tmp_path: Path) -> Tracker:
    """A tracker with a test mission (TESTMIS, hosted by Mali), in memory and on disk."""
    db = ":memory:" if request.param == "memory" else str(tmp_path / "tracker.db")
    app = Tracker(db)
    app.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    return app


@pytest.fixture
def sqlite_tracker(tmp_path: Path) -> Tracker:
    return Tracker(tmp_path / "tracker.db")


@pytest.fixture
def seeded_db(tmp_path: Path) -> Path:
    db = tmp_path / "seeded.db"
    Tracker(db).load_seeds(SEEDS)
    return db


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
