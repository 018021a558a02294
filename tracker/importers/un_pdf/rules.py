"""A page's horizontal rules as pdfplumber finds them: its ``lines`` under 1 point high and its
``rects`` under 3 points high, read from PDFium's path objects (issue 25).

pdfminer makes a line of a sub-path of two points (``m l``, or ``m l h``) and a rectangle of
one of five whose corners are square and which ends where it began (``re``, ``m l l l h``,
``m l l l l``); anything with a curve is neither. PDFium keeps a path's points, the closing
``h`` as a flag on the last one (adding the start point again where the path was not back at
it) and the ``re`` as those five points; both give the same shapes. Paths inside forms count,
as pdfminer's figures do. One shortcut: a path of five points back at its start on square
corners, over 3 points high, is taken for a (tall) rectangle without asking its segments'
kinds: a move inside it, making its first edge a line of its own, is not looked for.
"""

from __future__ import annotations

from typing import Any

from . import pdfium
from .pdfium import Matrix, times

# x0, x1, y (the top of the line or rectangle, down from the page's top)
RuleBox = tuple[float, float, float]
Point = tuple[float, float]  # x, top

LINE_HEIGHT, RECT_HEIGHT = 1.0, 3.0  # pdfplumber's lines under 1 point, rects under 3


def read_rules(page: Any, matrix: Matrix, out: pdfium.Out) -> list[RuleBox]:
    """The page's rules: pdfplumber's lines, then its rectangles, each in drawing order;
    ``matrix`` maps PDF space to pdfplumber's (x, top)."""
    lines: list[RuleBox] = []
    rects: list[RuleBox] = []
    _objects(page, False, matrix, out, lines, rects)
    return lines + rects


def _objects(
    holder: Any,
    form: bool,
    outer: Matrix,
    out: pdfium.Out,
    lines: list[RuleBox],
    rects: list[RuleBox],
) -> None:
    """The paths of a page (or of a form object: ``form``), and of the forms in it."""
    count = pdfium.form_count_objects(holder) if form else pdfium.count_objects(holder)
    get, object_type = pdfium.form_get_object if form else pdfium.get_object, pdfium.object_type
    combined: dict[Matrix, Matrix] = {}  # an object's matrix -> it, then ``outer``: they repeat
    for index in range(count):
        obj = get(holder, index)
        kind = object_type(obj)
        if kind == pdfium.PATH:
            own = out.matrix_of(obj)
            matrix = combined.get(own) or combined.setdefault(own, times(own, outer))
            _path(obj, matrix, out, lines, rects)
        elif kind == pdfium.FORM:  # its objects are in its own space: its matrix, then ours
            _objects(obj, True, times(out.matrix_of(obj), outer), out, lines, rects)


def _path(
    obj: pdfium.Handle,
    matrix: Matrix,
    out: pdfium.Out,
    lines: list[RuleBox],
    rects: list[RuleBox],
) -> None:
    count = pdfium.count_segments(obj)
    segments = [pdfium.path_segment(obj, index) for index in range(count)]
    points = _points(segments, matrix, out)
    if count == 2:  # m l: PDFium makes no path of two moves
        (x0, top0), (x1, top1) = points
        if abs(top1 - top0) < LINE_HEIGHT:
            lines.append((min(x0, x1), max(x0, x1), min(top0, top1)))
        return
    if count == 5 and points[0] == points[4] and _square(points):
        # pdfminer's rectangle, if it is one sub-path of lines: asked only of a rule's
        tops = [p[1] for p in points]
        if max(tops) - min(tops) < RECT_HEIGHT and all(
            pdfium.segment_type(segment) == pdfium.LINETO for segment in segments[1:]
        ):
            _add(points[:4], RECT_HEIGHT, rects)
        return
    start = 0
    kinds = [pdfium.segment_type(segment) for segment in segments]
    for index in range(1, count + 1):
        if index == count or kinds[index] == pdfium.MOVETO:
            curved = any(kind != pdfium.LINETO for kind in kinds[start + 1 : index])
            closed = bool(pdfium.segment_close(segments[index - 1]))
            _shape(points[start:index], curved, closed, lines, rects)
            start = index


def _points(segments: list[pdfium.Handle], matrix: Matrix, out: pdfium.Out) -> list[Point]:
    a, b, c, d, e, f = matrix
    point, at_x, at_y, fx, fy = pdfium.segment_point, out.at_fx, out.at_fy, out.fx, out.fy
    points = []
    for segment in segments:
        point(segment, at_x, at_y)
        x, y = fx.value, fy.value
        points.append((a * x + c * y + e, b * x + d * y + f))
    return points


def _square(points: list[Point]) -> bool:
    """pdfminer's test of four corners (and a fifth, the first again) for a rectangle."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[:4]
    return (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
        y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
    )


def _shape(
    points: list[Point], curved: bool, closed: bool, lines: list[RuleBox], rects: list[RuleBox]
) -> None:
    """One sub-path as pdfminer's ``paint_path`` sees it: a line, a rectangle, or neither."""
    if curved or len(points) < 2:
        return
    if closed and len(points) == 2:  # m l h back at the start: pdfminer's line of 3 points
        shape, points = "mlh", [*points, points[0]]
    elif closed:  # the last point is the start again: pdfminer's h (a last l back at the
        # start, which pdfminer drops before an h, PDFium never added)
        shape = "m" + "l" * (len(points) - 2) + "h"
    else:
        shape = "m" + "l" * (len(points) - 1)
    if shape in ("ml", "mlh"):
        _add(points[:2], LINE_HEIGHT, lines)
    elif shape in ("mlllh", "mllll") and points[0] == points[4] and _square(points):
        _add(points[:4], RECT_HEIGHT, rects)


def _add(points: list[Point], under: float, found: list[RuleBox]) -> None:
    tops = [p[1] for p in points]
    if max(tops) - min(tops) < under:
        xs = [p[0] for p in points]
        found.append((min(xs), max(xs), min(tops)))
