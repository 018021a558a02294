"""Charts of strength over time (PNG or SVG): a stacked area by contributor, location, region
or personnel type with the mandate's ceiling, the whole-mission total reported and the
announcements labelled above the time axis; and one contributor's announced paths against what
happened. Made from the same rows as ``tracker export``; ``tracker.faces.plotting`` draws what
every chart shares (palette, axis of whole people, source line), ``tracker.faces.labels`` puts
the labels where none overlaps another."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, Any

from events.errors import InvalidInputError
from events.values import ValidDate, country_code, country_name
from tracker.faces.labels import Label, spread_on_timeline
from tracker.faces.plotting import (
    OTHERS,
    check_output,
    day_number,
    figure,
    palette,
    require_charts,
    save,
    source_line,
    whole_people,
)

if TYPE_CHECKING:
    from pathlib import Path

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from projections import Dimension
    from projections.mandates import MandateInForce
    from tracker.app import Tracker

WIDTH, LEFT, RIGHT = 10.0, 0.85, 2.75  # inches: the figure, the y labels, the legend
BOTTOM, TITLE, LEADER = 1.05, 0.5, 0.3  # ticks, note and source; the title; the leaders
MARK: dict[str, Any] = {"color": "#555555", "linestyle": ":", "lw": 0.8}  # an announcement's line
CARRIED = "carries each figure forward until a newer one"
CHART = 3.4  # inches: the height of one contributor's chart


def contributor_of(value: str) -> str:
    """The ISO 3166 alpha-3 code of a contributor given by code or by name ("Germany").

    Raises:
        InvalidInputError: the value names no country.
    """
    try:
        return country_code(value)
    except ValueError as error:
        raise InvalidInputError(f"contributor: {error}") from None


def check_range(start: date, end: date) -> None:
    if start > end:
        raise InvalidInputError(f"--from {start} is after --to {end}: give the earlier date first")


def source_text(tracker: Tracker, announcements: bool = True) -> str:
    """The source line: where the figures come from, down to the log position drawn."""
    position = tracker.strength_view.position(tracker.name)
    text = (
        "Source: UN monthly contribution reports and the other sources cited per event "
        f"(via the tracker's event log, position {position:,})"
    )
    if announcements:
        text += "; announcements: press and official statements as cited per event"
    return text


def series_label(by: Dimension, key: Any) -> str:
    if by == "contributor":
        return f"{country_name(key)} ({key})" if key else "(no contributor)"
    if key is None:
        return "(unassigned)" if by in ("location", "region") else "no type given (totals)"
    return str(key).replace("_", " ")


def strength_chart(
    tracker: Tracker,
    mission: str,
    start: date,
    end: date,
    by: Dimension,
    top: int,
    output: Path,
    estimate: bool = False,
) -> Path:
    """Draw ``mission``'s strength by ``by`` (the ``top`` largest groups, each in its own
    colour, the rest as "others") month by month from ``start`` to ``end`` into ``output``
    (.png or .svg); with ``estimate``, placed by the estimate from the deployment maps."""
    check_output(output, "chart")
    made = strength_figure(tracker, mission, start, end, by, top, estimate)
    return save(tracker, made, output)


def strength_figure(
    tracker: Tracker,
    mission: str,
    start: date,
    end: date,
    by: Dimension,
    top: int,
    estimate: bool = False,
) -> Figure:
    """The figure ``strength_chart`` saves."""
    require_charts()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    check_range(start, end)
    if top < 1:
        raise InvalidInputError(f"--top {top}: show at least 1 group")
    rows = tracker.strength_series(mission, start, end, "month", [by], estimate=estimate)
    if not rows:
        raise InvalidInputError(f"no strength figure for {mission.upper()} from {start} to {end}")
    dates = sorted({date.fromisoformat(r["date"]) for r in rows})
    labels, layers = _layers(rows, by, top, dates)
    unknown = sum(1 for r in rows if r["strength"] is None)
    colours = [*palette(len(labels) - labels[-1].startswith("others (")), OTHERS]
    tracker.mandate_view.catch_up(tracker)  # once, for every month's ceiling below
    # one look at the mandate a month, for its ceiling and for whether it went unrenewed
    mandates = [(day, tracker.mandate_view.in_force(mission.upper(), day)) for day in dates]
    ceiling = [_ceiling(mandate, day) for day, mandate in mandates]
    unrenewed = any(m is not None and m.unrenewed_years(day) for day, m in mandates)
    reported = [_reported(tracker, mission, day) for day in dates]
    marks = _announcement_marks(tracker, mission, start, end)
    entries = len(labels) + 1 + any(ceiling) + any(reported) + 1
    main = max(3.9, 0.19 * entries + 0.3)  # tall enough for the legend beside it
    made = figure(WIDTH, BOTTOM + main + TITLE)
    axes = made.add_axes((0, 0, 1, 1))
    x = [day_number(day) for day in dates]
    areas = axes.stackplot(
        x, layers, labels=labels, colors=colours[: len(labels)], edgecolor="white", lw=0.3
    )
    for area, label in zip(areas, labels, strict=True):
        area.set_gid(f"series:{label}")
    handles: list[Any] = list(reversed(areas))  # the legend reads top down, as the stack
    if any(c is not None for c in ceiling):
        handles += axes.step(
            x,
            [c if c is not None else float("nan") for c in ceiling],
            where="post",
            color="#333333",
            linestyle="--",
            linewidth=1.3,
            label="authorised ceiling (military + police)",
            gid="ceiling",
        )
    if any(r is not None for r in reported):
        handles += axes.plot(
            x,
            [r if r is not None else float("nan") for r in reported],
            color="black",
            linewidth=1.6,
            label="mission total reported (that month)",
        )
    handles.append(Line2D([], [], **MARK, label="announcement (the day it was made)"))
    gaps = sorted({date.fromisoformat(r["date"]) for r in rows if r.get("no_un_report_for")})
    for day in gaps:  # a month the UN's record has no report for: its figures are carried
        span = axes.axvspan(day_number(day.replace(day=1)), day_number(day), zorder=2.5, **GAP)
        span.set_gid(f"gap:{day.isoformat()[:7]}")
    if gaps:
        handles.append(Patch(**GAP, label="no UN report that month"))
    missing = missing_months(rows)
    for day in missing:
        span = axes.axvspan(day_number(day.replace(day=1)), day_number(day), zorder=2.5, **MISSING)
        span.set_gid(f"missing:{day.isoformat()[:7]}")
    if missing:
        handles.append(Patch(**MISSING, label="a contributor missing from that report"))
    for day, _ in marks:
        axes.axvline(day_number(day), zorder=3, **MARK)
    axes.set_xlim(day_number(start), day_number(end))
    axes.xaxis_date()
    stacked = [sum(column) for column in zip(*layers, strict=True)]
    whole_people(axes, max([*stacked, *filter(None, ceiling), *filter(None, reported)]) * 1.05)
    axes.set_ylabel("uniformed personnel")
    axes.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.legend(
        handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8
    )
    _label_strip(made, axes, marks, main, start, end)
    how = f", estimate ({rows[0]['method']})" if estimate else ""
    title(made, f"{mission.upper()} strength by {by.replace('_', ' ')}{how}, {start} to {end}")
    placed = " Places: estimated from the UN's deployment maps (Geo-PKO) where no source gives one."
    source_line(
        made,
        source_text(tracker),
        f"Each area {CARRIED}; dotted lines: the announcements, labelled above the chart."
        + (f" {unknown:,} figure(s) unknown (not published) are drawn as 0." if unknown else "")
        + (
            " Hatched: a month with no UN report, whose figures are the last report's."
            if gaps
            else ""
        )
        + (
            " Cross-hatched: a report that leaves out a contributor listed before and after "
            f"(a reporting gap, not a withdrawal): {missing_text(missing)}."
            if missing
            else ""
        )
        + (UNRENEWED if unrenewed else "")
        + (placed if estimate else ""),
    )
    return made


def title(made: Figure, text: str) -> None:
    made.text(
        LEFT / WIDTH, 1 - 0.12 / made.get_figheight(), text, fontsize=12, va="top", gid="title"
    )


def _layers(
    rows: list[dict[str, Any]], by: Dimension, top: int, dates: list[date]
) -> tuple[list[str], list[list[int]]]:
    """The ``top`` largest groups (by their peak), largest first, and the rest added up as
    "others (N)": their labels and their figures on each date."""
    series: dict[Any, dict[date, int]] = defaultdict(dict)
    for r in rows:
        series[r[by]][date.fromisoformat(r["date"])] = r["strength"] or 0
    ranked = sorted(series, key=lambda k: (-max(series[k].values()), str(k)))
    shown, rest = ranked[:top], ranked[top:]
    labels = [series_label(by, k) for k in shown]
    layers = [[series[k].get(d, 0) for d in dates] for k in shown]
    if rest:
        labels.append(f"others ({len(rest)})")
        layers.append([sum(series[k].get(d, 0) for k in rest) for d in dates])
    return labels, layers


def _announcement_marks(
    tracker: Tracker, mission: str, start: date, end: date
) -> list[tuple[date, str]]:
    """One mark per day with announcements in the range: the day and its label (those made
    the same day share one); a month's announcement stands on the month's first day."""
    by_day: dict[date, list[str]] = defaultdict(list)
    for a in tracker.announcements(mission, on=end):
        made_on = ValidDate.parse(a.valid)
        if start <= made_on.start <= end:
            kind = a.kind.replace("Announced", "").lower()
            when = "" if made_on.precision == "day" else f" ({a.valid})"
            text = f"{a.contributor} {kind}{when}"
            if text not in by_day[made_on.start]:
                by_day[made_on.start].append(text)
    return [(day, ", ".join(texts)) for day, texts in sorted(by_day.items())]


def _label_strip(
    made: Figure,
    axes: Axes,
    marks: list[tuple[date, str]],
    main: float,
    start: date,
    end: date,
) -> None:
    """Lay the figure out in inches, with a band above the chart for the announcement labels:
    upright, side by side in date order, each as near its date as the others leave room for,
    joined to it by a bent leader line (``tracker.faces.labels``)."""
    width = WIDTH - LEFT - RIGHT
    span = max((end - start).days, 1)
    labels = [Label(LEFT + width * (day - start).days / span, text, 7.5) for day, text in marks]
    spread_on_timeline(made, labels, 0.15, WIDTH - 0.15)
    band = LEADER + max((label.length for label in labels), default=0.0) + 0.05
    height = BOTTOM + main + band + TITLE
    made.set_size_inches(WIDTH, height)
    axes.set_position((LEFT / WIDTH, BOTTOM / height, width / WIDTH, main / height))
    strip = made.add_axes((0, (BOTTOM + main) / height, 1, band / height))
    strip.set_axis_off()
    strip.set_xlim(0, WIDTH)  # inches across the figure, as the labels were set
    strip.set_ylim(0, band)
    for label in labels:
        strip.plot(
            [label.x, label.x, label.at, label.at],
            [0, 0.07, LEADER - 0.06, LEADER - 0.01],
            gid="leader",
            **MARK,
        )
        strip.text(
            label.at,
            LEADER,
            label.text,
            rotation=90,
            ha="center",
            va="bottom",
            fontsize=label.size,
            gid="announcement",
        )


def _reported(tracker: Tracker, mission: str, day: date) -> int | None:
    """The whole-mission figure reported for that month, if one was."""
    found = tracker.strength_view.reported_total(mission.upper(), day)
    if found is None or found.strength is None or (day - found.as_of).days > 31:
        return None
    return found.strength


# A month with no UN report: hatched over the areas (its figures are the last report's)
def missing_months(rows: list[dict[str, Any]]) -> dict[date, list[str]]:
    """The series' dates whose UN report leaves out some of its contributors (as the rows'
    ``missing_from_report`` says), each with those contributors."""
    found: dict[date, set[str]] = {}
    for row in rows:
        if row.get("missing_from_report"):
            day = date.fromisoformat(row["date"])
            found.setdefault(day, set()).update(row["missing_from_report"].split(","))
    return {day: sorted(codes) for day, codes in sorted(found.items())}


def missing_text(missing: dict[date, list[str]]) -> str:
    """ "2021-10 TCD; 2022-03 NER, TCD" """
    return "; ".join(f"{day.isoformat()[:7]} {', '.join(codes)}" for day, codes in missing.items())


GAP: dict[str, Any] = {"facecolor": "none", "edgecolor": "#555555", "hatch": "////", "lw": 0}
# a month whose UN report leaves a contributor out (a reporting gap, issue 27)
MISSING: dict[str, Any] = {"facecolor": "none", "edgecolor": "#b35900", "hatch": "xx", "lw": 0}
UNRENEWED = (
    " The ceiling is not drawn past a year of a mandate with no renewal recorded (the last "
    "recorded ceilings, not known to be current)."
)


def _ceiling(mandate: MandateInForce | None, day: date) -> int | None:
    if mandate is None or (mandate.ended_on and mandate.ended_on < day):
        return None
    if mandate.unrenewed_years(day):  # not drawn on past a year with no renewal recorded
        return None
    parts = [mandate.ceilings.get(k) for k in ("military", "police")]
    return sum(p for p in parts if p is not None) or None


def announced_vs_actual_chart(
    tracker: Tracker, mission: str, contributor: str, start: date, end: date, output: Path
) -> Path:
    """One contributor's (by code or name) strength month by month from ``start`` to ``end``
    (what happened) against the path each of its announcements set out: from its level when
    announced to the announced level by the target date (a dashed line each; a suspension, a
    dotted line on its day)."""
    check_output(output, "chart")
    made = announced_vs_actual_figure(tracker, mission, contributor, start, end)
    return save(tracker, made, output)


def announced_vs_actual_figure(
    tracker: Tracker, mission: str, contributor: str, start: date, end: date
) -> Figure:
    """The figure ``announced_vs_actual_chart`` saves."""
    require_charts()
    check_range(start, end)
    code = contributor_of(contributor)
    rows = tracker.strength_series(mission, start, end, "month", ["contributor"])
    dates = sorted({date.fromisoformat(r["date"]) for r in rows})
    mine = {date.fromisoformat(r["date"]): r["strength"] for r in rows if r["contributor"] == code}
    ledger = [
        row
        for row in tracker.announcements(mission, code, on=end)
        if ValidDate.parse(row.valid).start <= end
        and ValidDate.parse(row.target or row.valid).end >= start
    ]
    if not mine and not ledger:
        raise InvalidInputError(
            f"nothing recorded for {code} in {mission.upper()} from {start} to {end}"
        )
    # from the foot up: note and source, the legend (a row each), the ticks, the chart, title
    bottom = 0.6 + 0.2 * (1 + len(ledger)) + 0.5
    height = bottom + CHART + TITLE
    made = figure(WIDTH, height)
    axes = made.add_axes((LEFT / WIDTH, bottom / height, 1 - (LEFT + 0.5) / WIDTH, CHART / height))
    actual = [mine.get(day, 0) for day in dates]  # not in that month's figures: none there
    axes.step(
        [day_number(day) for day in dates],
        [a if a is not None else float("nan") for a in actual],
        where="post",
        linewidth=2.2,
        color="black",
        label="actual (the last known figure at each month end; 0 when not present)",
        gid="actual",
    )
    peak = max([a or 0 for a in actual] + [0])
    for row, colour in zip(ledger, palette(len(ledger)), strict=True):
        label = f"{row.valid}: {row.summary} ({row.status})"
        announced_on = ValidDate.parse(row.valid).end
        if row.level_then is None or row.target is None or row.kind == "SuspensionAnnounced":
            axes.axvline(day_number(announced_on), color=colour, lw=1.2, ls=":", label=label)
            continue
        if row.kind == "WithdrawalAnnounced":
            goal = 0 if "full" in row.summary else max(row.level_then - (row.announced or 0), 0)
        else:
            goal = row.level_then + (row.announced or 0)
        target = ValidDate.parse(row.target).end
        axes.plot(
            [day_number(announced_on), day_number(target)],
            [row.level_then, goal],
            linestyle="--",
            marker="o",
            color=colour,
            label=label,
            gid="announced",
        )
        peak = max(peak, row.level_then, goal)
    axes.set_xlim(day_number(start), day_number(end))
    axes.xaxis_date()
    whole_people(axes, peak * 1.1)
    axes.set_ylabel("personnel")
    axes.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    axes.legend(loc="upper left", bbox_to_anchor=(0.0, -0.38 / CHART), frameon=False, fontsize=8)
    title(
        made,
        f"{country_name(code)} ({code}) in {mission.upper()}: announced against actual, "
        f"{start} to {end}",
    )
    source_line(made, source_text(tracker), f"The actual line {CARRIED}.")
    return made
