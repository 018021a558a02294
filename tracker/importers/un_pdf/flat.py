"""The flat tables (layouts E, 2019-09, and J, 2024-10): one row per mission x contributor x
personnel type, ``mission country type male female total date``, the report's date printed
on every row and no total anywhere.

Words go to the column whose heading's centre is nearest (the cells of J are centred). A
contributor's name too long for its cell is either cut (E: "United States of") or wrapped
onto lines above and below its row (J: "United Republic of" / "Tanzania"): such a line, with
nothing but words under Country, belongs to the nearest row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from .model import Parsed, PdfRow, personnel_type
from .names import contributor
from .pages import (
    LayoutError,
    Page,
    Word,
    day_month_year,
    footer,
    heading,
    is_number,
    join,
    lines,
    nearest,
    number,
)

COLUMNS = ("mission", "country", "type", "male", "female", "total", "date")


def _columns(head: list[Word], names: Sequence[tuple[str, str]]) -> dict[str, float]:
    """Column -> centre of its heading, ``names`` giving each heading's first and last word."""
    texts = [w.text.lower() for w in head]
    out: dict[str, float] = {}
    for column, (first, last) in zip(COLUMNS, names, strict=True):
        left = head[texts.index(first)]
        right = head[texts.index(last, texts.index(first))]
        out[column] = (left.x0 + right.x1) / 2
    return out


def parse(pages: Sequence[Page], names: Sequence[tuple[str, str]], *, cut: bool) -> Parsed:
    rows: list[PdfRow] = []
    dates: set[date] = set()
    columns: dict[str, float] = {}
    for page in pages:
        head = heading(page, *{n for pair in names for n in pair})
        if head is not None:
            columns = _columns(head, names)
        elif not columns:
            raise LayoutError(page.number, "no column heading (mission country ... date)")
        top = head[0].top + 3 if head else 0.0
        body = [w for w in page.words if w.top > top]
        data: list[tuple[float, dict[str, list[Word]]]] = []
        spill: list[Word] = []
        for line in lines(body):
            if footer(line):
                continue
            cells: dict[str, list[Word]] = {c: [] for c in COLUMNS}
            for word in line:
                cells[nearest(word.mid, columns)].append(word)
            if all(not cells[c] for c in COLUMNS if c != "country"):
                spill += cells["country"]
            else:
                data.append((line[0].top, cells))
        for word in spill:
            if not data:
                raise LayoutError(page.number, f"{word.text!r} is beside no row")
            _, cells = min(data, key=lambda row: abs(row[0] - word.top))
            cells["country"].append(word)
        for _, cells in data:
            figures = [number(join(cells[c])) for c in ("male", "female", "total")]
            printed = day_month_year(join(cells["date"]))
            mission, name = join(cells["mission"]), join(sorted(cells["country"], key=_order))
            if None in figures or printed is None or not mission.isupper() or not name:
                text = " ".join(join(cells[c]) for c in COLUMNS)
                raise LayoutError(page.number, f"a row this layout does not have: {text!r}")
            male, female, total = (f or 0 for f in figures)
            kind = personnel_type(join(cells["type"]), page.number)
            iso = contributor(name, page.number, cut=cut)
            rows.append(PdfRow(page.number, mission, iso, name, kind, male, female, total))
            dates.add(printed)
    if len(dates) != 1:
        found = ", ".join(sorted(d.isoformat() for d in dates)) or "none"
        raise LayoutError(None, f"the rows should all print the report's date, they print {found}")
    return Parsed("", dates.pop(), rows, [])


def _order(word: Word) -> tuple[float, float]:
    return (round(word.top), word.x0)


def is_flat(page: Page, names: Sequence[tuple[str, str]]) -> bool:
    """Whether ``page`` opens with this flat table's heading (and holds a dated row)."""
    head = heading(page, *{n for pair in names for n in pair})
    first = min((w.top for w in page.words), default=0.0)
    return head is not None and head[0].top - first < 3 and any(is_number(w) for w in page.words)
