"""What every chart and map shares: matplotlib loaded on demand (the ``charts`` extra), a
palette with a distinct colour for every series, an axis of whole people from 0, the source
line under the figure, and the check that no two labels overlap."""

from __future__ import annotations

import colorsys
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from events.errors import InvalidInputError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from matplotlib.transforms import Bbox

    from tracker.app import Tracker

OTHERS = "#bdbdbd"  # the rest, after the series shown: a grey no series colour comes near
FORMATS = (".png", ".svg")


def require_charts() -> None:
    """Call before anything else of a chart or map.

    Raises:
        InvalidInputError: matplotlib or colorcet is not installed (the extra ``charts``).
    """
    try:
        import colorcet  # noqa: F401  (the palette)
        import matplotlib  # noqa: F401
    except ImportError:
        raise InvalidInputError(
            "charts and maps need matplotlib and colorcet: pip install '.[charts]' in the "
            "tracker's folder (as the README says; make demo installs them)"
        ) from None


def figure(width: float, height: float) -> Figure:
    """A new figure of ``width`` x ``height`` inches at 100 dpi, drawn without a screen (no
    pyplot: nothing global to close)."""
    require_charts()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    made = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(made)  # a renderer to measure text with before saving
    return made


def check_output(output: Path, what: str) -> None:
    if output.suffix.lower() not in FORMATS:
        raise InvalidInputError(f"{output}: a {what} is written as .png or .svg")


def save(tracker: Tracker, made: Figure, output: Path) -> Path:
    """Write the figure beside ``output``, then rename it into place (never over the store or
    its views: ``Tracker.writing``)."""
    with tracker.writing(output, "-o") as partial:
        made.savefig(partial, format=output.suffix.lower().lstrip("."))
    return output


@cache
def _palette() -> tuple[str, ...]:
    """colorcet's Glasbey palette that starts with matplotlib's tab10 (256 colours chosen to
    be as far apart as possible), less the greys and the near-black and near-white ones: the
    greys belong to "others", the lines and the text."""
    import colorcet

    kept = []
    for rgb in colorcet.glasbey_category10:
        _, lightness, saturation = colorsys.rgb_to_hls(*rgb)
        if saturation >= 0.3 and 0.2 <= lightness <= 0.85:
            kept.append("#{:02x}{:02x}{:02x}".format(*(round(c * 255) for c in rgb)))
    return tuple(kept)


def palette(count: int) -> list[str]:
    """``count`` colours, all different.

    Raises:
        InvalidInputError: more series than the palette has distinct colours.
    """
    colours = _palette()
    if count > len(colours):
        raise InvalidInputError(
            f"--top {count}: at most {len(colours)} series can each have their own colour"
        )
    return list(colours[:count])


def most_distinct() -> int:
    """How many series can have a colour of their own."""
    return len(_palette())


def whole_people(axes: Axes, top: float | None = None) -> None:
    """The y axis from 0, ticks at whole numbers, labelled with thousands separators."""
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    axes.set_ylim(bottom=0, top=max(top or axes.get_ylim()[1], 10))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=7))
    axes.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def source_line(made: Figure, text: str, note: str | None = None) -> None:
    """The source under everything, 0.08 inch from the figure's foot, and a note (what the
    reader needs to read it right) above it, if given; each wrapped to the figure's width.
    Call it once the figure's size is final."""
    height, width = made.get_figheight(), made.get_figwidth() - 0.2
    source = made.text(
        0.1 / made.get_figwidth(),
        0.08 / height,
        wrapped(made, text, 7, width),
        fontsize=7,
        color="#444444",
        va="bottom",
        gid="source",
    )
    if note:
        top = source.get_window_extent(renderer(made)).height / made.dpi + 0.08
        made.text(
            0.1 / made.get_figwidth(),
            (top + 0.06) / height,
            wrapped(made, note, 7.5, width),
            fontsize=7.5,
            color="#222222",
            va="bottom",
            gid="note",
        )


def wrapped(made: Figure, text: str, size: float, width: float) -> str:
    """``text`` broken into lines no wider than ``width`` inches as drawn at ``size``."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and text_width(made, f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def text_width(made: Figure, text: str, size: float) -> float:
    """How wide ``text`` is drawn at ``size`` points, in inches."""
    probe = made.text(0, 0, text, fontsize=size)
    width = probe.get_window_extent(renderer(made)).width / made.dpi
    probe.remove()
    return float(width)


def renderer(made: Figure) -> RendererBase:
    drawn_by: RendererBase = made.canvas.get_renderer()  # type: ignore[attr-defined]  # Agg's
    return drawn_by


def day_number(day: date) -> float:
    """``day`` on matplotlib's date axis."""
    from matplotlib.dates import date2num

    return float(date2num(day))  # type: ignore[no-untyped-call]


def extent(text: Text, made: Figure) -> Bbox:
    """Where the letters of ``text`` are drawn, in pixels, padded by one pixel (an
    annotation's leader line left out)."""
    from matplotlib.text import Annotation, Text

    drawn_by = renderer(made)
    if isinstance(text, Annotation):
        text.update_positions(drawn_by)  # where its offset puts it, as drawing would
    return Text.get_window_extent(text, drawn_by).padded(1.0)


def overlapping(texts: Sequence[Text], made: Figure) -> list[tuple[str, str]]:
    """Every pair of ``texts`` whose drawn extents intersect, by their strings (the figure
    drawn first, so that legends and the like are laid out)."""
    made.canvas.draw()
    boxes = [(t.get_text(), extent(t, made)) for t in texts if t.get_visible() and t.get_text()]
    return [
        (a, b)
        for i, (a, box_a) in enumerate(boxes)
        for b, box_b in boxes[i + 1 :]
        if box_a.overlaps(box_b)
    ]


def texts_with(made: Figure, gids: Iterable[str]) -> list[Text]:
    """The texts of ``made`` (the figure's and every axes') whose gid is one of ``gids``."""
    from matplotlib.text import Text

    wanted = set(gids)
    return [t for t in made.findobj(Text) if t.get_gid() in wanted]
