"""The estimate from the deployment maps against RADPKO, the yardstick (issue 18): for each
year 2014-2019, MINUSMA's shares by admin-1 region (the mean of the 12 month ends) from the
estimate on the seeded store, against RADPKO's base x year averages; the total variation
distance must be at most 0.15 every year. RADPKO is read here (and by tools/radpko_check.py,
which prints the same), never by the estimate. ``pytest -s`` shows the figures. And the map
of the estimate, on the same store."""

from __future__ import annotations

import os
from datetime import date

import pytest

from tests.conftest import SHARED
from tools.radpko_check import TARGET, YEARS, compare, radpko_shares, report, tvd
from tracker import Tracker

RADPKO = SHARED / "minusma" / "radpko_minusma_base_totals_yearavg_2014-2019.csv"


@pytest.fixture(scope="module")
def radpko() -> None:
    if not RADPKO.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the shared data beside the checkout: {RADPKO}")
        pytest.skip(f"RADPKO's file is not beside the project ({RADPKO})")


def test_radpko_bases_all_have_a_region(radpko: None) -> None:
    shares = radpko_shares(RADPKO)
    assert sorted(shares) == list(YEARS)
    assert sorted(shares[2014]) == [
        "Bamako", "Gao", "Kidal", "Mopti", "Ménaka", "Ségou", "Tombouctou"
    ]  # fmt: skip
    assert all(abs(sum(s.values()) - 1) < 1e-9 for s in shares.values())


def test_the_distance_is_half_the_sum_of_the_differences() -> None:
    assert tvd({"a": 0.5, "b": 0.5}, {"a": 0.5, "b": 0.5}) == 0
    assert tvd({"a": 1.0}, {"b": 1.0}) == 1
    assert tvd({"a": 0.6, "b": 0.4}, {"a": 0.4, "b": 0.5, "c": 0.1}) == pytest.approx(0.2)


def test_the_estimate_is_within_015_of_radpko_every_year(
    radpko: None, seeded_session: Tracker, capsys: pytest.CaptureFixture[str]
) -> None:
    results = compare(seeded_session, RADPKO)
    with capsys.disabled():
        print("\n" + report(results, RADPKO))
    assert [year for year, *_ in results] == list(YEARS)
    missed = {year: round(d, 3) for year, d, _, _ in results if d > TARGET}
    assert not missed, f"the estimate is further than {TARGET} from RADPKO in {missed}"
    # The estimate places most people: what it leaves (police, experts, unmapped) is a part.
    assert all(0.05 < unassigned < 0.2 for _, _, unassigned, _ in results)


def test_the_map_of_the_estimate_says_so_and_adds_up(seeded_session: Tracker) -> None:
    from tracker.faces.maps import strength_map_figure
    from tracker.faces.plotting import overlapping, texts_with

    on = date(2022, 11, 30)
    made = strength_map_figure(seeded_session, "MINUSMA", on, estimate=True)
    texts = {gid: [t.get_text() for t in texts_with(made, [gid])] for gid in ("title", "figure")}
    assert texts["title"] == [
        "MINUSMA strength by region on 2022-11-30, Mali: estimate (deployment maps, Geo-PKO)"
    ]
    # The figures on the map are the table's, region by region.
    answer = seeded_session.strength("MINUSMA", on, ["region"], estimate=True)
    table = sorted(f"{r.known:,}" for r in answer.rows if r.region and r.known)
    assert sorted(t.split("\n")[-1] for t in texts["figure"]) == table
    captions = " ".join(t.get_text() for t in texts_with(made, ["caption"]))
    assert "12,170 by the estimate" in captions
    assert "Unassigned: 1,914 (14%)" in captions
    labels = ["figure", "region-name", "empty-note", "caption", "title", "source"]
    assert overlapping(texts_with(made, labels), made) == []


def test_the_chart_of_the_estimate_says_so(seeded_session: Tracker) -> None:
    from tracker.faces.charts import strength_figure
    from tracker.faces.plotting import texts_with

    made = strength_figure(
        seeded_session, "MINUSMA", date(2022, 1, 1), date(2022, 12, 31), "region", 8, True
    )
    (title,) = [t.get_text() for t in texts_with(made, ["title"])]
    assert title == (
        "MINUSMA strength by region, estimate (deployment maps, Geo-PKO), 2022-01-01 to 2022-12-31"
    )
    legend = [t.get_text() for t in made.axes[0].get_legend().get_texts()]
    regions = ["Bamako", "Gao", "Kidal", "Mopti", "Ménaka", "Tombouctou", "(unassigned)"]
    assert sorted(set(legend) & {*regions, "Ségou"}) == sorted(regions)
