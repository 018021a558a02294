"""Layout C (2017-05 .. 2018-02): "Summary of Contributions to UN Peacekeeping by Country,
Mission and Post", dated dd/mm/yyyy under the title.

A numbered country heading (long names cut), a mission heading, then one row per personnel
type (``POST MALE FEMALE TOTAL``); after each country its total with male, female and total
("Total for Country" in 2017-05; from 2017-06 labelled with the country's name, and each
mission of the country subtotalled too, total only, labelled with the mission, maybe cut:
"MINUJUST"); a "Grand Total" at the end. Some labels are drawn as outlines, not text
(2017-10, page 13: "Côte d'Ivoire"): three figures with no label are the country's total.
Staff officers are apart from troops from here on.
"""

from __future__ import annotations

from collections.abc import Sequence

from .checker import closed
from .model import Parsed, PdfRow, Printed, personnel_type
from .names import contributor
from .pages import (
    LayoutError,
    Page,
    footer,
    heading,
    is_number,
    join,
    nearest,
    number,
    title_and_date,
    word_in,
)

LETTER = "C"
DATED = True
TITLE = "Summary of Contributions to UN Peacekeeping by Country, Mission and Post"


def detect(pages: Sequence[Page]) -> bool:
    return TITLE in " ".join(pages[0].text().split())


def _cut(label: str, name: str) -> bool:
    """Whether a subtotal's label is ``name``, maybe cut at the cell width."""
    return bool(name) and (label == name or (len(label) > 4 and name.startswith(label)))


def parse(pages: Sequence[Page]) -> Parsed:
    rows: list[PdfRow] = []
    printed: list[Printed] = []
    title, printed_date = "", None
    country = iso = mission = ""
    for page in pages:
        head = heading(page, "Country", "Mission", "POST", "MALE", "FEMALE", "TOTAL")
        if head is None:
            raise LayoutError(page.number, "no column heading (Country Mission POST ...)")
        if page.number == 1:
            title, printed_date = title_and_date(page, head[0].top)
        mission_x = word_in(head, "Mission").x0 - 5
        columns = {k: word_in(head, k).x1 for k in ("MALE", "FEMALE", "TOTAL")}
        for line in page.lines():
            if line[0].top <= head[0].top + 3 or footer(line):
                continue
            figures = [w for w in line if is_number(w) and w.x0 > mission_x + 200]
            words = [w for w in line if w not in figures]
            text = join(words)
            values = {nearest(w.x1, columns): number(w.text) or 0 for w in figures}
            male, female, total = (values.get(k, 0) for k in ("MALE", "FEMALE", "TOTAL"))
            if text == "Grand Total" and len(figures) == 3:
                printed.append(Printed(page.number, "the grand total", total, male, female))
            elif text == "Total for Country" and len(figures) == 3:
                what = f"the total for {country}"
                printed.append(Printed(page.number, what, total, male, female, None, iso))
            elif not figures and is_number(words[0]) and words[0].x1 < mission_x:
                country = join(words[1:])
                iso, mission = contributor(country, page.number, cut=True), ""
            elif not figures and len(words) == 1 and words[0].text.isupper():
                mission = words[0].text
            elif len(figures) == 1 and words[0].x0 > mission_x + 250 and _cut(text, mission):
                what = f"the {country} subtotal in {mission}"
                printed.append(Printed(page.number, what, total, None, None, mission, iso))
            elif len(figures) == 3 and (
                not words or (words[0].x0 > mission_x + 140 and _cut(text, country))
            ):
                what = f"the total for {country}"
                printed.append(Printed(page.number, what, total, male, female, None, iso))
            elif len(figures) == 3 and mission and mission_x + 50 < words[0].x0 < mission_x + 140:
                kind = personnel_type(text, page.number)
                rows.append(PdfRow(page.number, mission, iso, country, kind, male, female, total))
            else:
                raise LayoutError(page.number, f"a line this layout does not have: {join(line)!r}")
    return Parsed(title, printed_date, rows, closed(printed))
