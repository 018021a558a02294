"""Issue 27, item 8: an answer by place that leaves personnel unassigned, without --estimate,
says in one line that the UN's figures carry no places and that --estimate gives the labelled
model (the strength table, the map's caption and the map command)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker import Tracker
from tracker.cli import cli
from tracker.faces.record_text import NO_PLACES


def test_by_region_without_the_estimate_points_to_it(seeded_session: Tracker) -> None:
    db = str(seeded_session.config.db)
    asked = ["--db", db, "strength", "MINUSMA", "--on", "2022-11-14", "--by", "region"]
    plain = CliRunner().invoke(cli, asked)
    assert plain.exit_code == 0, plain.output
    lines = [line.strip() for line in plain.output.splitlines()]
    unassigned = next(line for line in lines if line.startswith("(unassigned)"))
    assert int(unassigned.split()[1].lstrip("~").replace(",", "")) > 0
    assert NO_PLACES in lines
    estimated = CliRunner().invoke(cli, [*asked, "--estimate"])
    assert estimated.exit_code == 0, estimated.output
    assert NO_PLACES not in estimated.output  # the estimate says what it is instead


def test_the_map_without_the_estimate_says_how_to_place_them(
    seeded_session: Tracker, tmp_path: Path
) -> None:
    pytest.importorskip("matplotlib", reason="the map needs the 'charts' extra")
    from tracker.faces.maps import strength_map_figure

    db = str(seeded_session.config.db)
    out = tmp_path / "map.png"
    done = CliRunner().invoke(
        cli, ["--db", db, "map", "MINUSMA", "--on", "2023-06-30", "-o", str(out)]
    )
    assert done.exit_code == 0, done.output
    assert f"Note: {NO_PLACES}" in done.output
    drawn = strength_map_figure(seeded_session, "MINUSMA", date(2023, 6, 30))
    texts = [t.get_text() for t in drawn.texts]
    assert any(NO_PLACES[1:] in text for text in texts)
