"""The estimate from the deployment maps against RADPKO, the yardstick (issue 18).

For each year 2014-2019: MINUSMA's strength by admin-1 region on each of the 12 month ends, as
``tracker strength MINUSMA --by region --estimate`` gives it, averaged over the year, as shares
of the strength the estimate places in a region; against the shares of RADPKO's base x year
averages (``avg_pko``, every uniformed person) of the same year, each base put in its region
by name through the tracker's gazetteer. The distance is the total variation distance: half
the sum of the absolute differences of the shares (0: the same, 1: nothing in common).

RADPKO is read here only, never by the estimate. Run it on a store loaded with the seeds:

    python tools/radpko_check.py [STORE]       (default ./tracker.db; 'tracker seed' makes it)
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from events.values import find_place
from tracker.app.times import series_dates

if TYPE_CHECKING:
    from tracker import Tracker

RADPKO = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "minusma"
    / "radpko_minusma_base_totals_yearavg_2014-2019.csv"
)
YEARS = range(2014, 2020)
TARGET = 0.15  # the issue's: at most this in every year
Shares = dict[str, float]


def radpko_shares(path: Path = RADPKO) -> dict[int, Shares]:
    """RADPKO's share of MINUSMA's uniformed personnel in each admin-1 region, by year."""
    totals: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    with path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            if row["mission"] == "MINUSMA":
                region = find_place(row["base"]).region  # by name: "dyabali" is Diabaly
                totals[int(row["year"])][region] += float(row["avg_pko"])
    return {year: _shares(by_region) for year, by_region in sorted(totals.items())}


def estimate_means(tracker: Tracker, year: int) -> dict[str | None, float]:
    """The estimate's mean strength by region over the year's 12 month ends (None: the
    part it leaves unassigned)."""
    sums: dict[str | None, float] = defaultdict(float)
    days = series_dates(date(year, 1, 1), date(year, 12, 31), "month")
    for day in days:
        for row in tracker.strength("MINUSMA", day, ["region"], estimate=True).rows:
            sums[row.region] += row.known
    return {region: total / len(days) for region, total in sums.items()}


def tvd(p: Shares, q: Shares) -> float:
    """Total variation distance between two sets of shares."""
    return 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in set(p) | set(q))


def compare(tracker: Tracker, path: Path = RADPKO) -> list[tuple[int, float, float, Shares]]:
    """Per year: the distance to RADPKO, the share the estimate leaves unassigned, and its
    shares by region."""
    yardstick = radpko_shares(path)
    found = []
    for year in YEARS:
        means = estimate_means(tracker, year)
        unassigned = means.pop(None, 0.0)
        shares = _shares({str(region): mean for region, mean in means.items()})
        whole = unassigned + sum(means.values())
        found.append((year, tvd(shares, yardstick[year]), unassigned / whole, shares))
    return found


def report(results: list[tuple[int, float, float, Shares]], path: Path = RADPKO) -> str:
    """The comparison as text: a line per year, then the shares side by side."""
    yardstick = radpko_shares(path)
    regions = sorted({r for _, _, _, shares in results for r in shares} | set(yardstick[2014]))
    lines = [
        "MINUSMA by admin-1 region, the estimate (deployment maps, Geo-PKO) against RADPKO",
        f"  year   TVD  (target <= {TARGET})   unassigned share of the estimate",
    ]
    lines += [
        f"  {y}  {d:.3f}  {'ok' if d <= TARGET else 'MISS'}  {u:.3f}" for y, d, u, _ in results
    ]
    lines.append("  shares, estimate / RADPKO: " + ", ".join(regions))
    for year, _, _, shares in results:
        pairs = [f"{shares.get(r, 0):.3f}/{yardstick[year].get(r, 0):.3f}" for r in regions]
        lines.append(f"  {year}  " + "  ".join(pairs))
    return "\n".join(lines)


def _shares(amounts: dict[str, float]) -> Shares:
    whole = sum(amounts.values())
    return {k: v / whole for k, v in sorted(amounts.items())} if whole else {}


def main(argv: list[str]) -> int:
    """Print the comparison; exit 0 when every year is within the target, 1 when one is not,
    2 (with a one-line error) when the store or RADPKO's file is missing."""
    from events.errors import TrackerError
    from tracker import Tracker

    store = argv[1] if len(argv) > 1 else "tracker.db"
    if not RADPKO.exists():
        print(f"Error: RADPKO's file is not beside the project: {RADPKO}", file=sys.stderr)
        return 2
    try:
        tracker = Tracker(store, create=False)
    except TrackerError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    results = compare(tracker)
    tracker.close()
    print(report(results))
    return 0 if all(d <= TARGET for _, d, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
