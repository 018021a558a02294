"""The map: the mission's host country drawn from the boundaries that ship with the tracker
(its outline and admin-1 regions, whatever the host), a circle and a figure per region with
personnel located in it, the unassigned part stated under it, a note instead of empty axes when
nothing is located, labels that never overlap, and a source line."""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import matplotlib.image
import pytest
from click.testing import CliRunner
from matplotlib.patches import PathPatch

from tests.conftest import ROOT, SEEDS
from tests.helpers import source
from tracker import Tracker
from tracker.cli import cli
from tracker.faces import boundaries
from tracker.faces.maps import strength_map_figure
from tracker.faces.plotting import overlapping, texts_with
from tracker.faces.record_text import NO_PLACES

LABELS = ["figure", "region-name", "empty-note", "caption", "title", "source"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracker]:
    tracker = Tracker(tmp_path_factory.mktemp("seeded") / "tracker.db")
    tracker.load_seeds(SEEDS, missions=["MINUSMA"])
    yield tracker
    tracker.close()


def patches(made, prefix: str) -> list[PathPatch]:
    return [p for p in made.axes[0].patches if (p.get_gid() or "").startswith(prefix)]


def extent_of(found: list[PathPatch]) -> tuple[float, float, float, float]:
    xs = [x for p in found for x, _ in p.get_path().vertices]
    ys = [y for p in found for _, y in p.get_path().vertices]
    return min(xs), min(ys), max(xs), max(ys)


def text(made, gid: str) -> list[str]:
    return [t.get_text() for t in texts_with(made, [gid])]


def test_the_host_country_and_its_regions_are_drawn(seeded: Tracker) -> None:
    made = strength_map_figure(seeded, "MINUSMA", date(2023, 6, 30))
    mali = boundaries.country("MLI")
    outline = patches(made, "outline")
    assert outline
    assert extent_of(outline) == pytest.approx(mali.bbox, abs=0.01)
    regions = patches(made, "region:")
    assert {p.get_gid() for p in regions} == {f"region:{r.name}" for r in mali.regions}
    assert len(mali.regions) >= 8  # Bamako, Kayes, Koulikoro, Sikasso, Ségou, Mopti, ...
    # the map is framed on the host, not on 0..1 or the world
    west, south, east, north = mali.bbox
    left, right = made.axes[0].get_xlim()
    bottom, top = made.axes[0].get_ylim()
    assert left < west < east < right
    assert bottom < south < north < top
    assert right - left < 3 * (east - west)


def test_each_region_with_people_has_its_circle_and_figure(made_up: Tracker) -> None:
    """Made-up figures (the UN's give no place: with the seeds, nothing is located)."""
    made_up.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    for contributor, count, where in (
        ("BEN", 1000, None),
        ("TCD", 950, "Aguelhok"),
        ("TGO", 300, "Gao"),
        ("GBR", 250, "Gao"),
        ("BEN", 136, "Kidal"),
        ("SEN", 120, "Bamako"),
    ):
        made_up.deploy_contingent(
            mission="TESTMIS", contributor=contributor, valid="2020-02-01", count=count,
            personnel_type="troops", location=where, source=source(),
        )  # fmt: skip
    on = date(2020, 3, 1)
    made = strength_map_figure(made_up, "TESTMIS", on)
    by_region = made_up.strength("TESTMIS", on, ["region"])
    located = {r.region: r for r in by_region.rows if r.region and r.known}
    assert set(located) == {"Kidal", "Gao", "Bamako"}
    circles = {
        c.get_gid().removeprefix("circle:")
        for c in made.axes[0].collections
        if (c.get_gid() or "").startswith("circle:")
    }
    assert circles == set(located)
    figures = text(made, "figure")
    for region, row in located.items():
        number = f"{'~' if row.approximate else ''}{row.known:,}"
        assert f"{region}\n{number}" in figures
    unassigned = sum(r.known for r in by_region.rows if r.region is None)
    assert unassigned == 1000
    (first, *_) = text(made, "caption")
    assert f"not located by any source: {unassigned:,} (" in first
    assert f"of {by_region.total:,};" in first


def test_no_label_overlaps_another(seeded: Tracker) -> None:
    for on in (date(2022, 6, 30), date(2023, 6, 30), date(2013, 12, 31)):
        made = strength_map_figure(seeded, "MINUSMA", on)
        assert overlapping(texts_with(made, LABELS), made) == []


def test_the_caption_of_an_estimate_is_under_the_map_not_on_it(seeded: Tracker) -> None:
    """The estimate's caption is two lines longer than the sources' own: its first line lay
    on the map's foot (2022-11-30: four lines in an inch of room)."""
    from tracker.faces.plotting import renderer

    made = strength_map_figure(seeded, "MINUSMA", date(2022, 11, 30), estimate=True)
    foot = made.axes[0].get_window_extent(renderer(made)).y0
    captions = [t for t in made.texts if t.get_gid() == "caption"]
    assert len(captions) == 4
    assert all(t.get_window_extent(renderer(made)).y1 <= foot for t in captions)
    assert overlapping(texts_with(made, LABELS), made) == []


def test_nothing_located_draws_the_country_with_a_note(seeded: Tracker) -> None:
    on = date(2013, 12, 31)  # the UN's figures name no location
    made = strength_map_figure(seeded, "MINUSMA", on)
    unassigned = seeded.strength("MINUSMA", on, ["location"]).total
    assert text(made, "empty-note") == [f"nothing located on this date: {unassigned:,} unassigned"]
    assert patches(made, "outline")
    assert patches(made, "region:")
    assert made.axes[0].get_xlim() != (0.0, 1.0)


def test_a_source_line_is_under_the_map(seeded: Tracker) -> None:
    made = strength_map_figure(seeded, "MINUSMA", date(2023, 6, 30))
    (line,) = text(made, "source")
    flat = line.replace("\n", " ")
    assert flat.startswith("Source: UN monthly contribution reports")
    assert f"position {seeded.strength_view.position(seeded.name):,}" in flat
    assert boundaries.BOUNDARIES_SOURCE in flat


@pytest.fixture
def made_up(tmp_path: Path) -> Iterator[Tracker]:
    tracker = Tracker(tmp_path / "tracker.db")
    yield tracker
    tracker.close()


def test_any_host_country_is_drawn(made_up: Tracker) -> None:
    made_up.establish_mission(
        mission="TESTLB", name="Test mission", host="Lebanon", valid="2020-01-01", source=source()
    )
    made_up.report_strength(
        mission="TESTLB", contributor="IND", valid="2020-02-01", strength=900, source=source()
    )
    made = strength_map_figure(made_up, "TESTLB", date(2020, 3, 1))
    lebanon = boundaries.country("LBN")
    assert extent_of(patches(made, "outline")) == pytest.approx(lebanon.bbox, abs=0.01)
    assert len(patches(made, "region:")) == sum(len(r.polygons) for r in lebanon.regions)
    assert text(made, "empty-note") == ["nothing located on this date: 900 unassigned"]
    assert text(made, "title") == ["TESTLB strength by region on 2020-03-01, Lebanon"]


def test_a_region_missing_from_the_boundaries_is_drawn_at_its_locations(made_up: Tracker) -> None:
    # Ménaka became a region in 2016; the boundary data still has it inside Gao
    made_up.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    for contributor, count, where in (("NER", 150, "Menaka"), ("TGO", 300, "Gao")):
        made_up.deploy_contingent(
            mission="TESTMIS",
            contributor=contributor,
            valid="2020-02-01",
            count=count,
            personnel_type="troops",
            location=where,
            source=source(),
        )
    made = strength_map_figure(made_up, "TESTMIS", date(2020, 3, 1))
    assert set(text(made, "figure")) == {"Ménaka\n150", "Gao\n300"}
    assert any(line.startswith("Ménaka: no boundary") for line in text(made, "caption"))
    assert overlapping(texts_with(made, LABELS), made) == []


def test_every_gazetteer_region_of_mali_but_menaka_has_a_boundary() -> None:
    mali = boundaries.country("MLI")
    with (ROOT / "events" / "gazetteer.csv").open(encoding="utf-8") as f:
        regions = {row["region"] for row in csv.DictReader(f) if row["country"] == "MLI"}
    assert {r for r in regions if mali.region(r) is None} == {"Ménaka"}


def test_the_boundaries_ship_in_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "admin1.zip" in config["tool"]["setuptools"]["package-data"]["tracker.faces"]
    assert (ROOT / "tracker" / "faces" / "admin1.zip").stat().st_size > 100_000
    assert len(boundaries.index()) > 200  # every country Natural Earth has


def test_map_command(seeded: Tracker, tmp_path: Path) -> None:
    db = str(seeded.config.display())
    out = tmp_path / "map.png"
    result = CliRunner().invoke(
        cli, ["--db", db, "map", "MINUSMA", "--on", "2023-06-30", "-o", str(out)]
    )
    # the UN's figures place no one in 2023: the note says how to place them (issue 27)
    assert (result.exit_code, result.output) == (0, f"Wrote {out}\nNote: {NO_PLACES}\n")
    height, width = matplotlib.image.imread(out).shape[:2]
    assert width == 800
    assert height > 600
    bad = CliRunner().invoke(
        cli, ["--db", db, "map", "MINUSMA", "--on", "2023-06-30", "-o", "m.gif"]
    )
    assert (bad.exit_code, bad.output) == (2, "Error: m.gif: a map is written as .png or .svg\n")
