"""Charts made from the seeded record are real images of the expected size with content."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import SEEDS
from tracker import Tracker
from tracker.cli import cli


@pytest.fixture
def seeded_file(tmp_path: Path) -> Path:
    db = tmp_path / "tracker.db"
    tracker = Tracker(db)
    tracker.load_seeds(SEEDS)
    tracker.close()
    return db


@pytest.mark.parametrize("by", ["contributor", "location", "personnel-type"])
def test_strength_chart_is_a_png_with_content(seeded_file: Path, tmp_path: Path, by: str) -> None:
    import matplotlib.image
    import numpy

    out = tmp_path / f"{by}.png"
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(seeded_file),
            "chart",
            "MINUSMA",
            "--from",
            "2013-07-01",
            "--to",
            "2023-12-31",
            "--by",
            by,
            "-o",
            str(out),
        ],
    )
    assert (result.exit_code, result.output) == (0, f"Wrote {out}\n")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = matplotlib.image.imread(out)
    assert pixels.shape[:2] == (550, 1000)
    colours = numpy.unique((pixels[:, :, :3] * 255).astype(int).reshape(-1, 3), axis=0)
    assert len(colours) > 50  # areas, lines, labels: not a blank canvas


def test_svg_chart_and_bad_output(seeded_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.svg"
    result = CliRunner().invoke(
        cli,
        [
            "--db",
            str(seeded_file),
            "chart",
            "MINUSMA",
            "--from",
            "2022-01-01",
            "--to",
            "2023-12-31",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0
    assert "<svg" in out.read_text()[:500]
    bad = CliRunner().invoke(
        cli,
        [
            "--db",
            str(seeded_file),
            "chart",
            "MINUSMA",
            "--from",
            "2022-01-01",
            "--to",
            "2023-12-31",
            "-o",
            str(tmp_path / "c.jpg"),
        ],
    )
    assert (bad.exit_code, bad.output) == (
        2,
        f"Error: {tmp_path / 'c.jpg'}: a chart is written as .png or .svg\n",
    )


def test_map_of_strength_by_location(seeded_file: Path, tmp_path: Path) -> None:
    import matplotlib.image

    out = tmp_path / "map.png"
    result = CliRunner().invoke(
        cli, ["--db", str(seeded_file), "map", "MINUSMA", "--on", "2023-06-30", "-o", str(out)]
    )
    assert (result.exit_code, result.output) == (0, f"Wrote {out}\n")
    pixels = matplotlib.image.imread(out)
    assert pixels.shape[:2] == (700, 800)
    assert (pixels[:, :, :3] < 0.9).any()  # markers and labels drawn


def test_announced_vs_actual_chart(seeded_file: Path, tmp_path: Path) -> None:
    import matplotlib.image

    out = tmp_path / "deu.png"
    args = [
        "--db",
        str(seeded_file),
        "chart",
        "MINUSMA",
        "--from",
        "2021-06-01",
        "--to",
        "2024-06-30",
        "--contributor",
        "DEU",
        "--announced-vs-actual",
        "-o",
        str(out),
    ]
    result = CliRunner().invoke(cli, args)
    assert (result.exit_code, result.output) == (0, f"Wrote {out}\n")
    pixels = matplotlib.image.imread(out)
    assert pixels.shape[:2] == (500, 1000)
    assert (pixels[:, :, :3] < 0.9).any()
    missing = CliRunner().invoke(cli, [*args[:-5], "--announced-vs-actual", "-o", str(out)])
    assert (missing.exit_code, missing.output) == (
        2,
        "Error: --announced-vs-actual needs --contributor ISO3\n",
    )
