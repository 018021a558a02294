"""A map of strength by admin-1 region on a date (PNG or SVG): the mission's host country
(``Mission.host``) with its regions and neighbours, a circle per region whose area is the
personnel the sources locate there (at the locations' strength-weighted centre), labelled
with its figure, and the part no source locates stated under the map. The boundaries ship with
the tracker (``tracker.faces.boundaries``); nothing is fetched."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from events.errors import InvalidInputError
from events.mission import mission_id
from events.values import find_place, gazetteer
from tracker.faces import boundaries
from tracker.faces.charts import source_text
from tracker.faces.labels import Spot, place_around
from tracker.faces.plotting import (
    check_output,
    extent,
    figure,
    require_charts,
    save,
    source_line,
    text_width,
)
from tracker.faces.record_text import NO_PLACES

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch
    from matplotlib.text import Text

    from tracker.answers.records import StrengthAnswer
    from tracker.app import Tracker

WIDTH, MAP_WIDTH, TOP, BOTTOM = 8.0, 7.4, 0.45, 1.0  # inches
LARGEST = 60.0  # points: the diameter of the largest circle
CIRCLE = "#b2182b"
WATER = "#e6eff7"


@dataclass
class InRegion:
    """What the sources locate in one region: the personnel, whether a source rounded, and
    the located places with coordinates (longitude, latitude, personnel)."""

    known: int = 0
    approximate: bool = False
    places: list[tuple[float, float, int]] = field(default_factory=list)


def strength_map(
    tracker: Tracker, mission: str, on: date, output: Path, estimate: bool = False
) -> Path:
    """Draw ``mission``'s strength by region on ``on`` into ``output`` (.png or .svg); with
    ``estimate``, what no source locates placed by the estimate from the deployment maps."""
    check_output(output, "map")
    return save(tracker, strength_map_figure(tracker, mission, on, estimate), output)


def host_of(tracker: Tracker, acronym: str) -> str:
    """The mission's host country (ISO 3166 alpha-3), as it was established in the store."""
    mission: object = tracker.repository.get(mission_id(acronym))
    host = getattr(mission, "host", None)
    if not host:
        raise InvalidInputError(f"{acronym} has no host country in the store: nothing to map")
    return str(host)


def strength_map_figure(tracker: Tracker, mission: str, on: date, estimate: bool = False) -> Figure:
    """The figure ``strength_map`` saves."""
    require_charts()
    answer = tracker.strength(mission, on, ["location"], estimate=estimate)
    land = boundaries.country(host_of(tracker, answer.mission))
    regions: dict[str, InRegion] = defaultdict(InRegion)
    for row in answer.rows:
        if row.location is None or not row.known:
            continue
        place = find_place(row.location)
        found = regions[place.region]
        found.known += row.known
        found.approximate |= row.approximate
        if place.longitude is not None and place.latitude is not None:
            found.places.append((place.longitude, place.latitude, row.known))
    unassigned = sum(r.known for r in answer.rows if r.location is None)
    west, south, east, north = land.bbox
    pad = 0.04 * max(east - west, north - south)
    view = (west - pad, south - pad, east + pad, north + pad)
    aspect = 1 / math.cos(math.radians((south + north) / 2))  # degrees of longitude shrink
    map_height = min(max(MAP_WIDTH * (view[3] - view[1]) * aspect / (view[2] - view[0]), 3.5), 8.5)
    # room under the map for every caption line it may have (the estimate's is two lines)
    bottom = max(BOTTOM, 0.5 + 0.19 * ((2 if answer.method else 1) + 2) + 0.06)
    height = TOP + map_height + bottom
    made = figure(WIDTH, height)
    axes = made.add_axes(
        ((WIDTH - MAP_WIDTH) / 2 / WIDTH, bottom / height, MAP_WIDTH / WIDTH, map_height / height)
    )
    view = _fitted(view, aspect, map_height / MAP_WIDTH)
    axes.set_xlim(view[0], view[2])
    axes.set_ylim(view[1], view[3])
    axes.set_aspect(aspect, adjustable="box")
    axes.set_axis_off()
    _draw_land(axes, land, view)
    drawn, no_boundary = _draw_regions(made, axes, land, regions)
    located = sum(r.known for r in regions.values())
    total = answer.total
    if not drawn:
        _empty_note(
            made,
            axes,
            "no strength recorded on this date"
            if answer.total == 0
            else f"nothing located on this date: {unassigned:,} unassigned",
        )
    hint = [f"{NO_PLACES[0].upper()}{NO_PLACES[1:]}."] if unassigned and not answer.method else []
    share = f" ({unassigned / total:.0%})" if total else ""
    lines = [
        f"Located in a region: {located:,} of {total:,}; not located by any source: "
        f"{unassigned:,}{share}, in no region."
    ]
    lines += hint
    if answer.method:
        lines = _estimate_lines(answer, located, unassigned, share)
    if drawn:
        lines.append(
            "Circle area: the personnel in each region (its locations added up; ~ a source "
            "rounded); dots: the locations."
        )
    if no_boundary:
        lines.append(
            f"{', '.join(no_boundary)}: no boundary in the boundary data (a newer region); "
            "drawn at its locations, where they have coordinates."
        )
    for i, line in enumerate(lines):
        made.text(
            0.01, (0.5 + 0.19 * (len(lines) - 1 - i)) / height, line, fontsize=8, gid="caption"
        )
    how = f": estimate ({answer.method.name})" if answer.method else ""
    made.text(
        (WIDTH - MAP_WIDTH) / 2 / WIDTH,
        1 - 0.12 / height,
        f"{answer.mission} strength by region on {on}, {land.name}{how}",
        fontsize=12,
        va="top",
        gid="title",
    )
    source_line(
        made,
        f"{source_text(tracker, announcements=False)}; locations: the tracker's gazetteer; "
        f"boundaries: {boundaries.BOUNDARIES_SOURCE}",
    )
    return made


def _estimate_lines(answer: StrengthAnswer, located: int, unassigned: int, share: str) -> list[str]:
    """The caption of a map of the estimate: what the method placed, and what it left (two
    lines, as many as the caption of a map of the sources' own places)."""
    estimated = sum(r.known for r in answer.rows if getattr(r, "estimated", False))
    return [
        f"Placed in a region: {located:,} of {answer.total:,}; {estimated:,} by the estimate: "
        "troops and staff officers spread over",
        f"their units' places on the {answer.on.year} deployment maps by coded size: a model, "
        f"not a count. Unassigned: {unassigned:,}{share}.",
    ]


def _gazetteer_spelling(land: boundaries.Country) -> dict[str, str]:
    """The gazetteer's name for each region of ``land`` it knows (Tombouctou, not Timbuktu),
    so a map names a region as the tables do."""
    known = {p.region for p in gazetteer().values() if p.country == land.code}
    found = {name: land.region(name) for name in known}
    return {region.name: name for name, region in found.items() if region is not None}


def _wide_enough(made: Figure, axes: Axes, region: boundaries.Region, size: float) -> bool:
    """Whether the region is drawn wider than its name: else the name goes beside it."""
    xs = [x for polygon in region.polygons for x, _ in polygon[0]]
    y = region.label_at[1]
    (left, _), (right, _) = axes.transData.transform([(min(xs), y), (max(xs), y)])
    return bool(text_width(made, region.name, size) * made.dpi < 0.8 * (right - left))


def _empty_note(made: Figure, axes: Axes, text: str) -> None:
    """``text`` boxed on the map: in the middle, or the first corner where its box hides no
    region's name (the middle if each would)."""
    from matplotlib.text import Text

    names = [extent(t, made) for t in axes.findobj(Text) if t.get_gid() == "region-name"]
    for x, y in ((0.5, 0.5), (0.02, 0.98), (0.98, 0.98), (0.02, 0.02), (0.98, 0.02)):
        note = _boxed(axes, x, y, text)
        if not any(extent(note, made).padded(9).overlaps(n) for n in names):  # 9: the box
            return
        note.remove()
    _boxed(axes, 0.5, 0.5, text)


def _boxed(axes: Axes, x: float, y: float, text: str) -> Text:
    return axes.text(
        x,
        y,
        text,
        transform=axes.transAxes,
        ha="center" if x == 0.5 else ("left" if x < 0.5 else "right"),
        va="center" if y == 0.5 else ("top" if y > 0.5 else "bottom"),
        fontsize=12,
        bbox={"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": "#555555"},
        gid="empty-note",
        zorder=10,
    )


def _patches(polygons: tuple[boundaries.Polygon, ...], **style: Any) -> list[PathPatch]:
    """A patch per polygon, its holes cut out (their rings run the other way)."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    return [
        PathPatch(
            MplPath.make_compound_path(*(MplPath(ring, closed=True) for ring in polygon)), **style
        )
        for polygon in polygons
    ]


def _fitted(
    view: tuple[float, float, float, float], aspect: float, ratio: float
) -> tuple[float, float, float, float]:
    """``view`` widened (or heightened) about its middle to the map's height:width ``ratio``,
    a degree of latitude drawn ``aspect`` times a degree of longitude."""
    west, south, east, north = view
    wide, high = east - west, (north - south) * aspect
    if high < ratio * wide:
        grow = (ratio * wide / aspect - (north - south)) / 2
        return west, south - grow, east, north + grow
    grow = (high / ratio - wide) / 2
    return west - grow, south, east + grow, north


def _draw_land(axes: Axes, land: boundaries.Country, view: tuple[float, ...]) -> None:
    """Water under everything (what no country covers), the neighbours faint, the host's
    regions, and the host's outline over them."""
    from matplotlib.patches import Rectangle

    west, south, east, north = view
    axes.add_patch(
        Rectangle((west, south), east - west, north - south, facecolor=WATER, lw=0, zorder=0)
    )
    for other in boundaries.neighbours(land, (west, south, east, north)):
        for patch in _patches(
            other.outline, facecolor="#eeeeee", edgecolor="#bbbbbb", lw=0.5, zorder=1
        ):
            axes.add_patch(patch)
    for region in land.regions:
        for patch in _patches(
            region.polygons, facecolor="white", edgecolor="#9a9a9a", lw=0.6, zorder=2
        ):
            patch.set_gid(f"region:{region.name}")
            axes.add_patch(patch)
    for patch in _patches(land.outline, facecolor="none", edgecolor="#222222", lw=1.3, zorder=3):
        patch.set_gid("outline")
        axes.add_patch(patch)


def _draw_regions(
    made: Figure, axes: Axes, land: boundaries.Country, regions: dict[str, InRegion]
) -> tuple[list[str], list[str]]:
    """A circle per region with personnel located in it (at its located places' centre,
    weighted by their personnel), labelled with its name and figure; then the other regions'
    names in grey, on them where there is room. Returns the regions drawn and those with no
    boundary in the data."""
    found = {name: land.region(name) for name in regions}
    largest = max((r.known for r in regions.values()), default=0)
    figures, no_boundary = [], []
    for name, inside in sorted(regions.items(), key=lambda item: -item[1].known):
        region = found[name]
        if inside.places:
            weight = sum(k for _, _, k in inside.places)
            x = sum(lon * k for lon, _, k in inside.places) / weight
            y = sum(lat * k for _, lat, k in inside.places) / weight
        elif region is not None:
            x, y = region.label_at
        else:
            no_boundary.append(f"{name} (not drawn: no coordinates either)")
            continue
        if region is None:
            no_boundary.append(name)
        diameter = max(LARGEST * math.sqrt(inside.known / largest), 6.0)
        axes.scatter(
            [x],
            [y],
            s=diameter**2,
            color=CIRCLE,
            alpha=0.5,
            edgecolor="#67001f",
            lw=0.8,
            zorder=5,
            gid=f"circle:{name}",
        )
        figure_text = f"{'~' if inside.approximate else ''}{inside.known:,}"
        figures.append(
            Spot(
                x, y, f"{name}\n{figure_text}", diameter / 2, style={"fontsize": 8, "gid": "figure"}
            )
        )
    for lon, lat, _ in (p for r in regions.values() for p in r.places):
        axes.scatter([lon], [lat], s=6, color="black", zorder=6, gid="place")
    with_people = {r.name for r in found.values() if r is not None}
    spelled = _gazetteer_spelling(land)
    names = [
        Spot(
            *region.label_at,
            spelled.get(region.name, region.name),
            radius=2.0,
            centred=_wide_enough(made, axes, region, 7.5),
            style={"fontsize": 7.5, "color": "#808080", "style": "italic", "gid": "region-name"},
        )
        for region in land.regions
        if region.name not in with_people
    ]
    placed = place_around(made, axes, figures, [])
    place_around(made, axes, names, placed)
    return [spot.text for spot in figures], no_boundary
