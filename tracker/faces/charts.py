"""Charts of strength over time (matplotlib, PNG or SVG): a stacked area by contributor,
location or personnel type, the mandate's ceiling as a line, and the announcements marked on the
time axis with their labels. Made from the same rows as ``tracker export``."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from events.errors import InvalidInputError
from events.values import ValidDate, find_place

if TYPE_CHECKING:
    from projections import Dimension
    from tracker.app import Tracker


def _pyplot() -> tuple[Any, Any]:
    """matplotlib's pyplot, drawing without a screen, and its date2num.

    Raises:
        InvalidInputError: matplotlib is not installed (the extra ``charts``).
    """
    try:
        import matplotlib

        matplotlib.use("Agg")  # no screen needed
        import matplotlib.pyplot as plt
        from matplotlib.dates import date2num
    except ImportError:
        raise InvalidInputError(
            "charts and maps need matplotlib: pip install 'peacekeeping-tracker[charts]'"
        ) from None
    return plt, date2num


def strength_chart(
    tracker: Tracker,
    mission: str,
    start: date,
    end: date,
    by: Dimension,
    top: int,
    output: Path,
) -> Path:
    """Draw ``mission``'s strength by ``by`` (the ``top`` largest groups, the rest as
    "others") month by month from ``start`` to ``end`` into ``output`` (.png or .svg)."""
    if output.suffix.lower() not in (".png", ".svg"):
        raise InvalidInputError(f"{output}: a chart is written as .png or .svg")
    plt, date2num = _pyplot()
    rows = tracker.strength_series(mission, start, end, "month", [by])
    if not rows:
        raise InvalidInputError(f"no strength figure for {mission.upper()} from {start} to {end}")
    days = sorted({r["date"] for r in rows})
    series: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        series[str(r[by] or "unassigned")][r["date"]] = r["strength"] or 0
    ranked = sorted(series, key=lambda k: -max(series[k].values()))
    shown, rest = ranked[:top], ranked[top:]
    layers = [[series[k].get(d, 0) for d in days] for k in shown]
    labels = list(shown)
    if rest:
        layers.append([sum(series[k].get(d, 0) for k in rest) for d in days])
        labels.append(f"others ({len(rest)})")
    dates = [date.fromisoformat(d) for d in days]
    x = date2num(dates)
    figure, axes = plt.subplots(figsize=(10, 5.5), dpi=100)
    axes.stackplot(x, layers, labels=labels, alpha=0.85)
    axes.xaxis_date()
    tracker.mandate_view.catch_up(tracker)  # once, for every month's ceiling below
    ceiling = [_ceiling(tracker, mission, day) for day in dates]
    if any(c is not None for c in ceiling):
        axes.step(
            x,
            [c if c is not None else float("nan") for c in ceiling],
            where="post",
            color="black",
            linestyle="--",
            label="authorised ceiling (military + police)",
        )
    reported = [_reported(tracker, mission, day) for day in dates]
    if any(r is not None for r in reported):
        axes.plot(
            x,
            [r if r is not None else float("nan") for r in reported],
            color="crimson",
            linewidth=1.5,
            label="UN-reported mission total (that month)",
        )
    for a in tracker.announcements(mission, on=end):
        when = date.fromisoformat(a.valid) if len(a.valid) == 10 else None
        if when is not None and start <= when <= end:
            at = float(date2num(when))
            axes.axvline(at, color="grey", linewidth=0.6)
            label = f"{a.contributor}: {a.kind.replace('Announced', '').lower()}"
            axes.annotate(label, (at, 0), rotation=90, fontsize=7, va="bottom", ha="right")
    axes.set_title(f"{mission.upper()} strength by {by.replace('_', ' ')}, {start} to {end}")
    axes.set_ylabel("uniformed personnel")
    axes.set_xlabel("areas carry each contributor's last known figure forward until a new one")
    axes.legend(loc="upper left", fontsize=7, ncol=2)
    figure.tight_layout()
    with tracker.writing(output, "-o") as partial:  # beside, then renamed into place
        figure.savefig(partial)
    plt.close(figure)
    return output


def _reported(tracker: Tracker, mission: str, day: date) -> int | None:
    """The whole-mission figure reported for that month, if one was."""
    found = tracker.strength_view.reported_total(mission.upper(), day)
    if found is None or found.strength is None or (day - found.as_of).days > 31:
        return None
    return found.strength


def _ceiling(tracker: Tracker, mission: str, day: date) -> int | None:
    mandate = tracker.mandate_view.in_force(mission.upper(), day)
    if mandate is None or (mandate.ended_on and mandate.ended_on < day):
        return None
    parts = [mandate.ceilings.get(k) for k in ("military", "police")]
    return sum(p for p in parts if p is not None) or None


def strength_map(tracker: Tracker, mission: str, on: date, output: Path) -> Path:
    """Strength by location on ``on`` as markers sized by strength at each location's
    coordinates (from the gazetteer), labelled; the unassigned part stated in the title. No map
    tiles: the locations' own coordinates, on plain axes."""
    if output.suffix.lower() not in (".png", ".svg"):
        raise InvalidInputError(f"{output}: a map is written as .png or .svg")
    plt, _ = _pyplot()
    answer = tracker.strength(mission, on, ["location"])
    unassigned = sum(r.known for r in answer.rows if r.location is None)
    placed = [(r, find_place(r.location)) for r in answer.rows if r.location and r.known]
    no_coordinates = [p.name for _, p in placed if p.latitude is None or p.longitude is None]
    points = [
        (r.known, p.name, p.longitude, p.latitude)
        for r, p in placed
        if p.latitude is not None and p.longitude is not None
    ]
    coordinates = [(k, n, float(x or 0), float(y or 0)) for k, n, x, y in points]
    figure, axes = plt.subplots(figsize=(8, 7), dpi=100)
    for known, name, longitude, latitude in coordinates:
        axes.scatter(longitude, latitude, s=20 + known / 2, alpha=0.6)
        axes.annotate(
            f"{name}\n{known:,}", (longitude, latitude), fontsize=8, ha="center", va="bottom"
        )
    axes.set_xlabel("longitude")
    axes.set_ylabel("latitude")
    axes.set_aspect("equal", adjustable="datalim")
    located = answer.total - unassigned
    axes.set_title(
        f"{answer.mission} strength by location on {on}: {located:,} located, "
        f"{unassigned:,} with no location in the sources",
        fontsize=10,
    )
    if no_coordinates:
        axes.text(
            0.01,
            0.01,
            f"no coordinates for: {', '.join(no_coordinates)}",
            transform=axes.transAxes,
            fontsize=7,
        )
    figure.tight_layout()
    with tracker.writing(output, "-o") as partial:  # beside, then renamed into place
        figure.savefig(partial)
    plt.close(figure)
    return output


def announced_vs_actual_chart(
    tracker: Tracker, mission: str, contributor: str, start: date, end: date, output: Path
) -> Path:
    """One contributor's strength month by month (what happened) against the path each of its
    announcements set out: from its level when announced to the announced level by the target
    date (a dashed line per announcement)."""
    if output.suffix.lower() not in (".png", ".svg"):
        raise InvalidInputError(f"{output}: a chart is written as .png or .svg")
    plt, date2num = _pyplot()
    rows = [
        r
        for r in tracker.strength_series(mission, start, end, "month", ["contributor"])
        if r["contributor"] == contributor.upper()
    ]
    ledger = tracker.announcements(mission, contributor, on=end)
    if not rows and not ledger:
        raise InvalidInputError(f"nothing recorded for {contributor} in {mission.upper()}")
    figure, axes = plt.subplots(figsize=(10, 5), dpi=100)
    days = [date.fromisoformat(r["date"]) for r in rows]
    axes.step(
        date2num(days),
        [r["strength"] if r["strength"] is not None else float("nan") for r in rows],
        where="post",
        linewidth=2,
        label="actual (last known figure each month end)",
    )
    for row in ledger:
        if row.level_then is None or row.target is None or row.kind == "SuspensionAnnounced":
            continue
        announced_on = ValidDate.parse(row.valid).end
        target = ValidDate.parse(row.target).end
        if row.kind == "WithdrawalAnnounced":
            goal = 0 if "full" in row.summary else max(row.level_then - (row.announced or 0), 0)
        else:
            goal = row.level_then + (row.announced or 0)
        xs = date2num([announced_on, target])
        axes.plot(
            xs,
            [row.level_then, goal],
            linestyle="--",
            marker="o",
            label=f"{row.valid}: {row.summary} ({row.status})",
        )
    axes.set_title(f"{contributor.upper()} in {mission.upper()}: announced against actual")
    axes.set_ylabel("personnel")
    axes.xaxis_date()
    axes.legend(fontsize=7, loc="best")
    figure.tight_layout()
    with tracker.writing(output, "-o") as partial:  # beside, then renamed into place
        figure.savefig(partial)
    plt.close(figure)
    return output
