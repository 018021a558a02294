"""Labels that never overlap: placed by their text as matplotlib draws it (measured with the
figure's renderer), never by a guess of its size.

- ``spread_on_timeline``: labels for dates, set upright side by side in a band above a chart,
  each as near its date as the others leave room for, in date order, joined to its date by a
  bent leader line (so no line crosses a label or another line): the announcements;
- ``place_around``: labels beside points, each at the first of a ring of positions around its
  point where it overlaps nothing already drawn, further out with a leader line if need be: the
  figures on a map."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tracker.faces.plotting import extent, renderer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Annotation, Text
    from matplotlib.transforms import Bbox

GAP = 0.03  # inches kept free between two labels side by side


@dataclass
class Label:
    """A label for a date: ``x`` is where the date is (inches from the figure's left), ``at``
    where ``spread_on_timeline`` sets the label's middle; ``width`` and ``length`` are how wide
    and how tall its upright text is drawn, in inches."""

    x: float
    text: str
    size: float
    at: float = 0.0
    width: float = 0.0
    length: float = 0.0


def upright_size(made: Figure, text: str, size: float) -> tuple[float, float]:
    """How wide and how tall ``text`` is drawn at ``size`` points turned upright, in inches."""
    probe = made.text(0, 0, text, fontsize=size, rotation=90)
    box = probe.get_window_extent(renderer(made))
    probe.remove()
    return float(box.width / made.dpi), float(box.height / made.dpi)


def spread_on_timeline(made: Figure, labels: list[Label], left: float, right: float) -> list[Label]:
    """Set each label (given in date order) as near its date as the others allow, keeping
    their order and ``GAP`` between neighbours, within ``left``..``right`` (inches): labels
    that would overlap are set side by side, centred on their dates' middle, and groups that
    then meet are merged and centred again (the usual way to dodge labels on one line).
    Returns ``labels``."""
    for label in labels:
        label.width, label.length = upright_size(made, label.text, label.size)
    groups: list[list[Label]] = []
    for label in labels:
        groups.append([label])
        _settle(groups, left, right)
    return labels


def _span(group: list[Label]) -> float:
    return sum(label.width for label in group) + GAP * (len(group) - 1)


def _settle(groups: list[list[Label]], left: float, right: float) -> None:
    """Centre the last group on its labels' dates; while it meets the group before it, merge
    the two and centre again; then lay its labels out side by side."""
    while True:
        group = groups[-1]
        span = _span(group)
        middle = sum(label.x for label in group) / len(group)
        start = min(max(middle - span / 2, left), right - span)
        if len(groups) > 1:
            before = groups[-2]
            if start < before[-1].at + before[-1].width / 2 + GAP:
                groups[-2:] = [before + group]
                continue
        edge = start
        for label in group:
            label.at = edge + label.width / 2
            edge += label.width + GAP
        return


@dataclass
class Spot:
    """A label to put near a point of a map: ``x``, ``y`` in the axes' data; ``radius`` (in
    points) of the circle drawn there, to keep clear of; ``centred``: try the point itself
    first (a region's name on its region); ``style``: the text's (size, colour, gid...)."""

    x: float
    y: float
    text: str
    radius: float = 0.0
    centred: bool = False
    style: dict[str, Any] = field(default_factory=dict)


RING = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)]
LEADER = {"arrowstyle": "-", "color": "#777777", "lw": 0.6}


def place_around(
    made: Figure, axes: Axes, spots: list[Spot], taken: Sequence[Text]
) -> list[Annotation]:
    """Label each spot, in the order given: at the first position (the point itself if
    ``centred``, then a ring around its circle: right, left, above, below, the diagonals)
    whose drawn text overlaps none of ``taken`` and no label placed before, and stays inside
    the axes; failing that, on rings further out, joined to the point by a leader line.
    Returns the labels."""
    boxes: list[Bbox] = [extent(t, made) for t in taken]
    frame = axes.get_window_extent(renderer(made))
    done: list[Annotation] = []
    for spot in spots:
        label = _first_free(made, axes, spot, boxes, frame)
        boxes.append(extent(label, made))
        done.append(label)
    return done


def _candidates(spot: Spot) -> list[tuple[float, float, int, int, bool]]:
    """Offsets in points from the spot, with the text's side and whether a leader is needed."""
    found = [(0.0, 0.0, 0, 0, False)] if spot.centred else []
    for step in range(12):
        distance = spot.radius + 3 + step * 9
        for dx, dy in RING:
            norm = math.hypot(dx, dy)
            found.append((dx / norm * distance, dy / norm * distance, dx, dy, step > 0))
    return found


def _first_free(made: Figure, axes: Axes, spot: Spot, boxes: list[Bbox], frame: Bbox) -> Annotation:
    label: Annotation | None = None
    for x, y, dx, dy, leader in _candidates(spot):
        if label is not None:
            label.remove()
        label = axes.annotate(
            spot.text,
            (spot.x, spot.y),
            xytext=(x, y),
            textcoords="offset points",
            ha={1: "left", -1: "right", 0: "center"}[dx],
            va={1: "bottom", -1: "top", 0: "center"}[dy],
            arrowprops=LEADER if leader else None,
            **spot.style,
        )
        box = extent(label, made)
        inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
        if inside and box.y1 <= frame.y1 and not any(box.overlaps(b) for b in boxes):
            return label
    assert label is not None
    return label  # no free place in reach: the last one tried (the tests would say so)
