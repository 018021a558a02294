"""Charts from the seeded record and from small made-up stores: a colour of its own for every
series, announcement labels that never overlap (their boxes as the renderer draws them), a
source line under every chart, a y axis of whole people from 0, and contributors by name as
well as by code."""

from __future__ import annotations

import itertools
import math
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import matplotlib.image
import pytest
from click.testing import CliRunner
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb
from matplotlib.dates import num2date

from events.errors import InvalidInputError
from events.values import country_code
from tests.conftest import SEEDS
from tests.helpers import source
from tracker import Tracker
from tracker.cli import cli
from tracker.faces.charts import announced_vs_actual_figure, strength_figure
from tracker.faces.labels import Label, spread_on_timeline
from tracker.faces.plotting import (
    extent,
    figure,
    most_distinct,
    overlapping,
    palette,
    renderer,
    texts_with,
)

# 24 made-up contingents: more than any --top below, so "others" is always drawn too
CODES = [
    "BEN",
    "BFA",
    "BGD",
    "CHN",
    "CIV",
    "DEU",
    "EGY",
    "FRA",
    "GBR",
    "GHA",
    "GIN",
    "IND",
    "JOR",
    "KEN",
    "NER",
    "NGA",
    "NPL",
    "PAK",
    "RWA",
    "SEN",
    "SWE",
    "TCD",
    "TGO",
    "ZAF",
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracker]:
    tracker = Tracker(tmp_path_factory.mktemp("seeded") / "tracker.db")
    tracker.load_seeds(SEEDS, missions=["MINUSMA"])
    yield tracker
    tracker.close()


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracker]:
    """A made-up mission: 24 contingents of different sizes, and eight announcements made
    within twelve days (two on one day), their labels bound to collide if simply set."""
    tracker = Tracker(tmp_path_factory.mktemp("crowded") / "tracker.db")
    tracker.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    for i, code in enumerate(CODES):
        tracker.deploy_contingent(
            mission="TESTMIS",
            contributor=code,
            valid="2020-01-15",
            count=100 + 37 * i,
            personnel_type="troops",
            source=source(),
        )
    for day, code in zip([1, 3, 3, 4, 6, 8, 10, 12], CODES, strict=False):
        tracker.announce_withdrawal(
            mission="TESTMIS",
            contributor=code,
            valid=f"2021-03-{day:02d}",
            full=True,
            target="2021-12",
            source=source("2021-03-12"),
        )
    yield tracker
    tracker.close()


def series_colours(made) -> list[tuple[float, float, float]]:
    return [
        to_rgb(c.get_facecolor()[0])
        for c in made.findobj(PolyCollection)
        if (c.get_gid() or "").startswith("series:")
    ]


@pytest.mark.parametrize("top", [15, 20, 23])
def test_every_series_drawn_has_a_colour_of_its_own(crowded: Tracker, top: int) -> None:
    made = strength_figure(
        crowded, "TESTMIS", date(2020, 1, 1), date(2021, 12, 31), "contributor", top
    )
    colours = series_colours(made)
    assert len(colours) == top + 1  # the top groups and "others"
    closest = min(
        sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5
        for a, b in itertools.combinations(colours, 2)
    )
    assert closest > 0.1, f"two series drawn in nearly one colour (RGB distance {closest:.3f})"


def test_the_seeded_chart_of_fifteen_contributors_has_sixteen_colours(seeded: Tracker) -> None:
    made = strength_figure(
        seeded, "MINUSMA", date(2013, 7, 1), date(2023, 12, 31), "contributor", 15
    )
    assert len(set(series_colours(made))) == 16


def label_boxes_never_meet(made) -> None:
    labels = texts_with(made, ["announcement"])
    assert labels, "no announcement labelled"
    others = texts_with(made, ["title", "note", "source"]) + made.axes[0].get_legend().get_texts()
    assert overlapping(labels + others, made) == []


def test_announcement_labels_never_overlap(seeded: Tracker, crowded: Tracker) -> None:
    label_boxes_never_meet(
        strength_figure(seeded, "MINUSMA", date(2013, 7, 1), date(2023, 12, 31), "contributor", 8)
    )
    made = strength_figure(
        crowded, "TESTMIS", date(2020, 1, 1), date(2021, 12, 31), "contributor", 8
    )
    label_boxes_never_meet(made)
    # eight announcements, two the same day: seven labels, the two in one
    texts = [t.get_text() for t in texts_with(made, ["announcement"])]
    assert len(texts) == 7
    assert "GBR withdrawal, BEN withdrawal" not in texts
    assert any(", " in t for t in texts)


def test_leader_lines_keep_the_dates_order_and_stay_below_the_labels(crowded: Tracker) -> None:
    made = strength_figure(
        crowded, "TESTMIS", date(2020, 1, 1), date(2021, 12, 31), "contributor", 8
    )
    leaders = [
        line.get_transform().transform(line.get_xydata())
        for axes in made.axes
        for line in axes.get_lines()
        if line.get_gid() == "leader"
    ]
    labels = [extent(t, made) for t in texts_with(made, ["announcement"])]
    assert len(leaders) == len(labels) == 7
    # each leader runs from its date (its first point) to its label (its last): the dates and
    # the labels in one order, so no two leaders cross; every label above every leader's bend
    dates, tops = [p[0][0] for p in leaders], [p[-1][0] for p in leaders]
    assert sorted(range(7), key=dates.__getitem__) == sorted(range(7), key=tops.__getitem__)
    assert len(set(dates)) == 7
    assert len(set(tops)) == 7
    assert min(box.y0 for box in labels) >= max(p[-2][1] for p in leaders)


def test_labels_on_one_date_are_set_side_by_side() -> None:
    made = figure(10, 4)
    labels = [Label(5.0, f"X{i:02d} withdrawal", 7.5) for i in range(30)]
    spread_on_timeline(made, labels, 0.15, 9.85)
    spans = sorted((label.at - label.width / 2, label.at + label.width / 2) for label in labels)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert spans[0][0] >= 0.15
    assert spans[-1][1] <= 9.85


def test_a_source_line_is_under_every_chart(seeded: Tracker) -> None:
    position = seeded.strength_view.position(seeded.name)
    for made in (
        strength_figure(seeded, "MINUSMA", date(2013, 7, 1), date(2023, 12, 31), "location", 8),
        announced_vs_actual_figure(seeded, "MINUSMA", "DEU", date(2021, 6, 1), date(2024, 6, 30)),
    ):
        (line,) = texts_with(made, ["source"])
        assert line.get_text().startswith("Source: UN monthly contribution reports")
        assert f"position {position:,}" in line.get_text().replace("\n", " ")
        chart = made.axes[0].get_window_extent(renderer(made))
        assert extent(line, made).y1 < chart.y0  # under the chart, not on it


def test_a_ceiling_is_not_drawn_on_past_a_year_with_no_renewal(seeded: Tracker) -> None:
    """The seeds hold resolution 2100's ceilings (2013) and no renewal until 2021: the line
    stops after its first year and says why (it ran on at 12,640 until 2021)."""
    made = strength_figure(
        seeded, "MINUSMA", date(2013, 7, 1), date(2024, 11, 30), "contributor", 8
    )
    (line,) = [ln for ln in made.axes[0].get_lines() if ln.get_gid() == "ceiling"]
    drawn = dict(zip(num2date(line.get_xdata()), line.get_ydata(), strict=True))
    by_month = {(d.year, d.month): v for d, v in drawn.items()}
    assert by_month[(2013, 12)] == 11_200 + 1_440
    assert all(math.isnan(by_month[(year, 6)]) for year in range(2015, 2021))
    assert by_month[(2022, 11)] == 13_289 + 1_920
    (note,) = [t for t in made.texts if t.get_gid() == "note"]
    said = note.get_text().replace("\n", " ")
    assert "not drawn past a year of a mandate with no renewal" in said
    # the 28 months the UN's record has no report for are hatched, and said to be
    gaps = [p.get_gid()[4:] for p in made.axes[0].patches if (p.get_gid() or "").startswith("gap:")]
    assert len(gaps) == 28
    assert {"2014-09", "2018-03", "2019-08", "2022-07", "2023-09"} <= set(gaps)
    assert "2018-02" not in gaps
    assert "Hatched: a month with no UN report" in said


def test_the_y_axis_counts_whole_people_from_zero(tmp_path: Path) -> None:
    # a contingent of 18 to 20: the axis once ran from 18.00 to 20.00
    tracker = Tracker(tmp_path / "tracker.db")
    tracker.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    at = {"mission": "TESTMIS", "contributor": "SWE"}
    tracker.report_strength(**at, valid="2020-01-31", strength=18, source=source())
    tracker.report_strength(**at, valid="2020-03-31", strength=20, source=source())
    for made in (
        announced_vs_actual_figure(
            tracker, "TESTMIS", "Sweden", date(2020, 1, 1), date(2020, 6, 30)
        ),
        strength_figure(tracker, "TESTMIS", date(2020, 1, 1), date(2020, 6, 30), "contributor", 8),
    ):
        axes = made.axes[0]
        assert axes.get_ylim()[0] == 0
        ticks = [t for t in axes.get_yticks() if axes.get_ylim()[0] <= t <= axes.get_ylim()[1]]
        assert len(ticks) >= 3
        assert all(t == int(t) for t in ticks)
        made.canvas.draw()
        assert [t.get_text() for t in axes.get_yticklabels()][:2] == ["0", f"{int(ticks[1]):,}"]
    tracker.close()


def test_the_thousands_are_separated(seeded: Tracker) -> None:
    made = strength_figure(
        seeded, "MINUSMA", date(2013, 7, 1), date(2023, 12, 31), "contributor", 8
    )
    made.canvas.draw()
    labels = [t.get_text() for t in made.axes[0].get_yticklabels()]
    assert labels[0] == "0"
    assert any("," in label for label in labels)


def actual_line(made) -> tuple[list[float], list[float]]:
    (line,) = [ln for ln in made.axes[0].get_lines() if ln.get_gid() == "actual"]
    return list(line.get_xdata()), list(line.get_ydata())


def test_a_contributor_by_name_is_the_contributor_by_code(seeded: Tracker) -> None:
    start, end = date(2021, 6, 1), date(2024, 6, 30)
    by_name = announced_vs_actual_figure(seeded, "MINUSMA", "Germany", start, end)
    by_code = announced_vs_actual_figure(seeded, "MINUSMA", "DEU", start, end)
    assert actual_line(by_name) == actual_line(by_code)
    assert max(actual_line(by_name)[1]) > 0  # an actual line, not an empty one
    # the chart covers --from to --to, not what the announcements happen to span
    assert by_name.axes[0].get_xlim() == by_code.axes[0].get_xlim()
    from matplotlib.dates import date2num

    assert by_name.axes[0].get_xlim() == (date2num(start), date2num(end))
    assert country_code("Germany") == "DEU"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def seeded_file(seeded: Tracker) -> str:
    return str(seeded.config.display())


def test_chart_command_writes_png_and_svg(seeded_file: str, tmp_path: Path) -> None:
    common = ["--db", seeded_file, "chart", "MINUSMA", "--from", "2013-07-01", "--to", "2023-12-31"]
    png = tmp_path / "chart.png"
    assert run(*common, "--top", "15", "-o", str(png)) == (0, f"Wrote {png}\n")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width = matplotlib.image.imread(png).shape[:2]
    assert width == 1000
    assert height > 550
    svg = tmp_path / "chart.svg"
    assert run(*common, "--by", "region", "-o", str(svg)) == (0, f"Wrote {svg}\n")
    assert "<svg" in svg.read_text()[:500]
    jpg = tmp_path / "c.jpg"
    assert run(*common, "-o", str(jpg)) == (
        2,
        f"Error: {jpg}: a chart is written as .png or .svg\n",
    )
    assert not jpg.exists()


def test_announced_vs_actual_command_takes_a_name(seeded_file: str, tmp_path: Path) -> None:
    out = tmp_path / "deu.png"
    args = ["--db", seeded_file, "chart", "MINUSMA", "--from", "2021-06-01", "--to", "2024-06-30"]
    flag = ["--announced-vs-actual", "-o", str(out)]
    assert run(*args, "--contributor", "Germany", *flag) == (0, f"Wrote {out}\n")
    assert run(*args, "--contributor", "Germny", *flag) == (
        2,
        "Error: contributor: unknown country 'Germny': give an ISO 3166 alpha-3 code such as "
        "'CIV' or a country name\n",
    )
    assert run(*args, *flag) == (2, "Error: --announced-vs-actual needs --contributor ISO3\n")
    assert run(*args, "--contributor", "DEU", "-o", str(out)) == (
        2,
        "Error: --contributor is for --announced-vs-actual (one contributor's chart)\n",
    )


def test_chart_refuses_bad_ranges(seeded_file: str, tmp_path: Path) -> None:
    out = str(tmp_path / "c.png")
    base = ["--db", seeded_file, "chart", "MINUSMA"]
    assert run(*base, "--from", "2023-01-01", "--to", "2022-01-01", "-o", out) == (
        2,
        "Error: --from 2023-01-01 is after --to 2022-01-01: give the earlier date first\n",
    )
    code, output = run(*base, "--from", "2022-01-01", "--to", "2023-01-01", "--top", "0", "-o", out)
    assert code == 2
    assert "--top" in output
    assert output[-1] == "\n"
    assert output.count("\n") == 1


def test_more_series_than_distinct_colours_is_refused() -> None:
    assert len(set(palette(most_distinct()))) == most_distinct() >= 100
    with pytest.raises(InvalidInputError, match=f"at most {most_distinct()} series"):
        palette(most_distinct() + 1)


def test_unknown_figures_are_said_to_be_drawn_as_zero(tmp_path: Path) -> None:
    tracker = Tracker(tmp_path / "tracker.db")
    tracker.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    for contributor, strength in (("SWE", 200), ("NPL", None)):
        tracker.report_strength(
            mission="TESTMIS",
            contributor=contributor,
            valid="2020-01-31",
            strength=strength,
            source=source(),
        )
    start, end = date(2020, 1, 1), date(2020, 6, 30)
    rows = tracker.strength_series("TESTMIS", start, end, "month", ["contributor"])
    unknown = sum(1 for r in rows if r["strength"] is None)
    assert unknown > 0
    made = strength_figure(tracker, "TESTMIS", start, end, "contributor", 8)
    (note,) = texts_with(made, ["note"])
    assert (
        f"{unknown:,} figure(s) unknown (not published) are drawn as 0."
        in note.get_text().replace("\n", " ")
    )
    tracker.close()


@pytest.mark.parametrize("missing", ["colorcet", "matplotlib"])
@pytest.mark.parametrize(
    "command",
    [
        ["chart", "MINUSMA", "--from", "2022-01-01", "--to", "2022-12-31"],
        [
            "chart",
            "MINUSMA",
            "--from",
            "2022-01-01",
            "--to",
            "2022-12-31",
            "--contributor",
            "DEU",
            "--announced-vs-actual",
        ],
        ["map", "MINUSMA", "--on", "2022-12-31"],
    ],
)
def test_without_the_charts_extra_each_command_says_what_to_install(
    seeded_file: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    missing: str,
    command: list[str],
) -> None:
    monkeypatch.setitem(sys.modules, missing, None)  # as if not installed
    out = tmp_path / "c.png"
    assert run("--db", seeded_file, *command, "-o", str(out)) == (
        2,
        "Error: charts and maps need matplotlib and colorcet: pip install '.[charts]' in the "
        "tracker's folder (as the README says; make demo installs them)\n",
    )
    assert not out.exists()
