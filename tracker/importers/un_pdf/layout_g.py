"""Layout G (2019-11 .. 2021-01): "Summary of Contribution to UN Peacekeeping by Mission,
Country and Post", dated dd/mm/yyyy under the title. A mission heading, then its rows; three
variants of the rows:

- 2019-11 .. 2020-01: ``Country Male Female Total Post`` (2019-11) or ``Country Description
  Male Female Total`` (lower case: "police", "contingent"); a long name wraps onto the line
  below its row;
- 2020-02 .. 2020-12: a ``Contributor`` heading (wrapping onto a second line), then its rows
  ``Description Male Female Total``;
- 2021-01: as 2020, but the mission heading and the contributor heading carry their totals.

A mission's total is a line of three figures with no label (or on its heading, 2021-01); the
grand total a second such line (or "Grand Total"); 2019-11 .. 2020-01 also print the number
of rows, alone under the Mission column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .checker import closed
from .model import TYPES, Parsed, PdfRow, Printed
from .names import contributor
from .pages import (
    LayoutError,
    Page,
    Word,
    footer,
    is_number,
    join,
    nearest,
    number,
    title_and_date,
    word_in,
)

LETTER = "G"
DATED = True
TITLE = "Summary of Contribution to UN Peacekeeping by Mission, Country and Post"


def detect(pages: Sequence[Page]) -> bool:
    return TITLE in " ".join(pages[0].text().split())


def _heading(page: Page) -> list[Word] | None:
    for line in page.lines():
        texts = {w.text for w in line}
        if {"Mission", "Male", "Female", "Total"} <= texts and texts & {"Country", "Contributor"}:
            return line
    return None


def _split(words: list[Word], type_x: float) -> tuple[list[Word], list[Word]]:
    """A line's words as (contributor's name, personnel type): the type is the longest run
    of last words that is one, from its column on."""
    for size in range(min(4, len(words)), 0, -1):
        tail = words[-size:]
        if tail[0].x0 >= type_x and join(tail).lower() in TYPES:
            return words[:-size], tail
    return words, []


@dataclass
class _Row:
    """A row whose contributor's name may still grow (wrapped onto the next line)."""

    page: int
    mission: str
    name: str
    kind: str
    male: int
    female: int
    total: int

    @property
    def figures(self) -> tuple[int, int, int]:
        return self.male, self.female, self.total


def parse(pages: Sequence[Page]) -> Parsed:
    rows: list[_Row] = []
    printed: list[tuple[Printed, str]] = []  # with, for a contributor's subtotal, its name
    title, printed_date = "", None
    head: list[Word] | None = None
    mission = name = ""
    last = ""  # what the previous line was: row, total, heading
    for page in pages:
        head = _heading(page) or head
        if head is None:
            raise LayoutError(page.number, "no column heading (Mission Country Male ...)")
        if page.number == 1:
            title, printed_date = title_and_date(page, head[0].top)
        headings = "Contributor" in (w.text for w in head)
        country_x = word_in(head, "Contributor" if headings else "Country").x0 - 15
        kind_word = next(w for w in head if w.text in ("Description", "Post"))
        type_x = kind_word.x0 - 30
        columns = {k: word_in(head, k).x1 for k in ("Male", "Female", "Total")}
        for line in page.lines():
            if line[0].top <= head[0].top + 3 or footer(line):
                continue
            figures = [w for w in line if is_number(w) and w.x0 > country_x + 100]
            left = [w for w in line if w.x0 < country_x and w not in figures]
            words, kind = _split([w for w in line if w not in figures and w not in left], type_x)
            values = {nearest(w.x1, columns): number(w.text) or 0 for w in figures}
            male, female, total = (values.get(k, 0) for k in ("Male", "Female", "Total"))
            whole = len(figures) == 3 and len(values) == 3
            if len(left) == 1 and is_number(left[0]):  # the number of rows
                count = number(left.pop().text) or 0
                printed.append((Printed(page.number, "the number of rows", count, rows=True), ""))
                if not figures:
                    continue
            label = join(left)
            if (label == "Grand Total" or (last == "total" and not left)) and whole and not words:
                printed.append((Printed(page.number, "the grand total", total, male, female), ""))
                last = "grand"
            elif left:
                if len(left) != 1 or not label.isupper() or words or kind:
                    raise LayoutError(
                        page.number, f"a line this layout does not have: {join(line)!r}"
                    )
                mission, name, last = label, "", "heading"
                if whole:
                    what = f"the {mission} total"
                    printed.append((Printed(page.number, what, total, male, female, mission), ""))
            elif not left and whole and not words and not kind:
                what = f"the {mission} total"
                printed.append((Printed(page.number, what, total, male, female, mission), ""))
                last = "total"
            elif words and not kind and not figures and headings:
                name = f"{name} {join(words)}" if last == "name" else join(words)
                last = "name"
            elif words and not kind and not figures and last == "row":
                rows[-1].name = f"{rows[-1].name} {join(words)}"
            elif words and not kind and whole and headings:
                name, last = join(words), "name"
                what = f"the {name} subtotal in {mission}"
                printed.append((Printed(page.number, what, total, male, female, mission), name))
            elif kind and whole and mission and (words or name):
                who = join(words) if words else name
                code = TYPES[join(kind).lower()]
                rows.append(_Row(page.number, mission, who, code, male, female, total))
                last = "row"
            elif figures or words or kind:
                raise LayoutError(page.number, f"a line this layout does not have: {join(line)!r}")
    return Parsed(title, printed_date, _rows(rows), closed(_totals(printed)))


def _rows(raw: list[_Row]) -> list[PdfRow]:
    return [
        PdfRow(r.page, r.mission, contributor(r.name, r.page), r.name, r.kind, *r.figures)
        for r in raw
    ]


def _totals(raw: list[tuple[Printed, str]]) -> list[Printed]:
    return [replace(t, contributor=contributor(name, t.page)) if name else t for t, name in raw]
