"""Layout H (2021-02 on, and the file named 2020_06, which is the June 2022 report):
"Contribution of Uniformed Personnel to UN by Mission, Country, and Personnel Type ... As of:
dd/mm/yyyy", the report the UN publishes today.

A mission heading, then one row per country x personnel type (``Personnel Type Male Female
Total``), a "Total MISSION" after each mission and a "Grand Total" at the end. The country
cell spans its rows and its name is centred vertically in it, so a row's country is the name
inside the same cell: the cells are told apart by the ruling lines across the Country column.
A cell may run across a page break (2022-09, printed from Excel, repeats no heading either):
its rows on the next page carry no name, or the name is printed only there; they take the
name from the other side of the break.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .checker import closed
from .model import Parsed, PdfRow, Printed, personnel_type
from .names import contributor
from .pages import (
    LayoutError,
    Page,
    Word,
    footer,
    heading,
    is_number,
    join,
    nearest,
    number,
    title_and_date,
    word_in,
)

LETTER = "H"
DATED = True
TITLE = "Contribution of Uniformed Personnel to UN by Mission, Country, and Personnel Type"
AS_OF = re.compile(r"\bAs of\s*:?\s*$")


def detect(pages: Sequence[Page]) -> bool:
    return TITLE in " ".join(pages[0].text().split())


@dataclass
class _Row:
    page: int
    cell: int  # which Country cell of its page (0: the first, maybe begun on the page before)
    last: bool  # whether the cell is the page's last (maybe ended on the next page)
    mission: str
    kind: str
    male: int
    female: int
    total: int
    name: str = ""

    @property
    def figures(self) -> tuple[int, int, int]:
        return self.male, self.female, self.total


def _cells(
    page: Page, top: float, bottom: float, x0: float, x1: float
) -> tuple[list[float], dict[int, str]]:
    """The rules across the Country column (top to bottom), and cell -> the name in it: cell
    ``i`` lies between rules ``i - 1`` and ``i``."""
    mid = (x0 + x1) / 2
    rules = sorted(r.y for r in page.rules if r.x0 <= mid <= r.x1 and top < r.y < bottom)
    words: dict[int, list[Word]] = {}
    for word in page.words:
        if x0 <= word.x0 < x1 and top < word.top < bottom:
            words.setdefault(bisect.bisect(rules, word.top), []).append(word)
    out = {}
    for cell, found in words.items():
        if max(w.top for w in found) - min(w.top for w in found) > 30:
            raise LayoutError(page.number, f"several names in one cell: {join(found)!r}")
        out[cell] = join(sorted(found, key=lambda w: (round(w.top), w.x0)))
    return rules, out


def parse(pages: Sequence[Page]) -> Parsed:
    rows: list[_Row] = []
    printed: list[Printed] = []
    title, printed_date = "", None
    head: list[Word] | None = None
    mission = ""
    for page in pages:
        found = heading(page, "Mission", "Country", "Personnel", "Male", "Female", "Total")
        head = found or head
        if head is None:
            raise LayoutError(page.number, "no column heading (Mission Country Personnel ...)")
        if page.number == 1:
            title, printed_date = title_and_date(page, head[0].top)
            title = AS_OF.sub("", title).strip()
        as_of = [ln for ln in page.lines() if join(ln).startswith("As of")]
        top = found[0].bottom if found else as_of[0][0].bottom if as_of else 0.0
        # a name cut by the page break shows (clipped) beside the "As of" line
        name_top = found[0].bottom if found else as_of[0][0].top if as_of else 0.0
        lines = [ln for ln in page.lines() if ln[0].top > top + 1]
        bottom = min([ln[0].top for ln in lines if footer(ln)] + [page.height])
        country_x = word_in(head, "Country").x0 - 5
        type_x = word_in(head, "Personnel").x0 - 8
        columns = {k: word_in(head, k).x1 for k in ("Male", "Female", "Total")}
        rules, names = _cells(page, name_top, bottom, country_x, type_x)
        for line in lines:
            if line[0].top >= bottom:
                break
            figures = [w for w in line if is_number(w) and w.x0 > type_x + 60]
            left = [w for w in line if w.x1 < country_x and w not in figures]
            kind = [w for w in line if w.x0 >= type_x and w not in figures]
            values = {nearest(w.x1, columns): number(w.text) or 0 for w in figures}
            male, female, total = (values.get(k, 0) for k in ("Male", "Female", "Total"))
            whole = len(figures) == 3 and len(values) == 3
            label = join(left)
            if label == "Grand Total" and whole:
                printed.append(Printed(page.number, "the grand total", total, male, female))
            elif label == f"Total {mission}" and whole:
                what = f"the {mission} total"
                printed.append(Printed(page.number, what, total, male, female, mission))
            elif len(left) == 1 and label.isupper() and not figures and not kind:
                mission = label
            elif kind and whole and not left and mission:
                cell = bisect.bisect(rules, line[0].top)
                code = personnel_type(join(kind), page.number)
                rows.append(
                    _Row(page.number, cell, cell == len(rules), mission, code, male, female, total)
                )
                rows[-1].name = names.get(cell, "")
            elif left or figures or kind:
                raise LayoutError(page.number, f"a line this layout does not have: {join(line)!r}")
    return Parsed(title, printed_date, _resolve(rows), closed(printed))


def _same_cell(a: _Row, b: _Row) -> bool:
    return (a.page, a.cell) == (b.page, b.cell)


def _resolve(rows: list[_Row]) -> list[PdfRow]:
    """Rows of a cell cut by a page break take its name from the other side of the break."""
    for before, row in itertools.pairwise(rows):  # a cell begun on the page before
        begun = before.page == row.page - 1 and before.last
        if not row.name and row.cell == 0 and (_same_cell(before, row) or begun):
            row.name = before.name
    for row, after in reversed(list(itertools.pairwise(rows))):  # a cell ended on the next
        ended = after.page == row.page + 1 and after.cell == 0
        if not row.name and row.last and (_same_cell(row, after) or ended):
            row.name = after.name
    for row in rows:
        if not row.name:
            raise LayoutError(row.page, f"a {row.kind} row in {row.mission} has no country")
    return [
        PdfRow(r.page, r.mission, contributor(r.name, r.page), r.name, r.kind, *r.figures)
        for r in rows
    ]
