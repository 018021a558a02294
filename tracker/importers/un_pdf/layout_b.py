"""Layout B (2016-11 only): "Summary of Contributions to Peackeeping by Country and Mission
Detail ... by End of November, 2016".

A numbered country heading (names cut at the cell width), a mission heading, then every
personnel type of that mission listed, zero-filled, with male, female and total, and a "Total
for Mission"; a "Grand Total" at the end. The zero-filled types are not contributions and give
no row. "Contingent Troops" still count staff officers: read as ``troops``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from .checker import closed
from .model import Parsed, PdfRow, Printed, personnel_type
from .names import contributor
from .pages import LayoutError, Page, footer, heading, is_number, join, nearest, number, word_in

LETTER = "B"
DATED = True
DATE = re.compile(r"by End of ([A-Z][a-z]+),? (\d{4})")


def detect(pages: Sequence[Page]) -> bool:
    text = pages[0].text()
    return "by Country and Mission Detail" in text and DATE.search(text) is not None


def _title_and_date(page: Page, head_top: float) -> tuple[str, date]:
    above = " ".join(join(line) for line in page.lines() if line[0].top < head_top - 3)
    found = DATE.search(above)
    if not found:
        raise LayoutError(page.number, "no 'by End of Month, Year' date")
    day = datetime.strptime(f"1 {found[1]} {found[2]}", "%d %B %Y").date()
    return " ".join(DATE.sub("", above).split()), day


def parse(pages: Sequence[Page]) -> Parsed:
    rows: list[PdfRow] = []
    printed: list[Printed] = []
    title = ""
    printed_date: date | None = None
    country = iso = mission = ""
    for page in pages:
        head = heading(page, "Country", "Mission", "Male", "Female", "Total")
        if head is None:
            raise LayoutError(page.number, "no column heading (Country Mission Male ...)")
        if page.number == 1:
            title, printed_date = _title_and_date(page, head[0].top)
        mission_x = word_in(head, "Mission").x0 - 5
        columns = {k: word_in(head, k).x1 for k in ("Male", "Female", "Total")}
        for line in page.lines():
            if line[0].top <= head[0].top + 3 or footer(line):
                continue
            figures = [w for w in line if is_number(w) and w.x0 > mission_x + 100]
            words = [w for w in line if w not in figures]
            text = join(words)
            values = {nearest(w.x1, columns): number(w.text) or 0 for w in figures}
            male, female, total = (values.get(k, 0) for k in ("Male", "Female", "Total"))
            if text == "Grand Total" and len(figures) == 1:
                printed.append(Printed(page.number, "the grand total", total))
            elif not figures and is_number(words[0]) and words[0].x1 < mission_x:
                country = join(words[1:])
                iso, mission = contributor(country, page.number, cut=True), ""
            elif not figures and len(words) == 1 and words[0].text.isupper():
                mission = words[0].text
            elif text == "Total for Mission" and len(figures) == 3:
                what = f"the {country} total for {mission}"
                printed.append(Printed(page.number, what, total, male, female, mission, iso))
            elif len(figures) == 3 and mission and words and words[0].x0 >= mission_x:
                kind = personnel_type(text, page.number)
                if male or female or total:
                    rows.append(
                        PdfRow(page.number, mission, iso, country, kind, male, female, total)
                    )
            else:
                raise LayoutError(page.number, f"a line this layout does not have: {join(line)!r}")
    return Parsed(title, printed_date, rows, closed(printed))
