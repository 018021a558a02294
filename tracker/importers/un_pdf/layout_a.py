"""Layout A (2015-01 .. 2017-04, except 2016-11): "UN Mission's Summary detailed by Country".

A country heading, then rows ``MISSION Description M F Totals`` (the mission printed on its
first row only), a subtotal per mission of the country (label = the mission) and one per
country (label = the country), both total only. The date: "Month of Report : 31-Jan-15".
"Contingent Troop" counts staff officers too, in these years: read as ``troops``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from .model import Parsed, PdfRow, Printed, personnel_type
from .names import contributor, fold
from .pages import LayoutError, Page, footer, heading, is_number, join, nearest, number, word_in

LETTER = "A"
DATED = True


def detect(pages: Sequence[Page]) -> bool:
    text = pages[0].text()
    return "UN Mission's Summary" in text and "Month of Report" in text


def _date(page: Page) -> tuple[str, date | None]:
    for i, line in enumerate(page.lines()):
        text = join(line)
        if text.startswith("Month of Report"):
            title = " ".join(join(ln) for ln in page.lines()[:i])
            try:
                return title, datetime.strptime(line[-1].text, "%d-%b-%y").date()
            except ValueError:
                raise LayoutError(page.number, f"{text!r} gives no date") from None
    raise LayoutError(page.number, "no 'Month of Report' line")


def parse(pages: Sequence[Page]) -> Parsed:
    title, printed_date = _date(pages[0])
    rows: list[PdfRow] = []
    printed: list[Printed] = []
    country = iso = mission = ""
    for page in pages:
        head = heading(page, "Country", "Description", "M", "F", "Totals")
        if head is None:
            raise LayoutError(page.number, "no column heading (Country ... M F Totals)")
        mission_x = word_in(head, "UN").x0 - 5
        desc_x = word_in(head, "Description").x0 - 10  # the rows start 6 left of it
        columns = {k: word_in(head, k).x1 for k in ("M", "F", "Totals")}
        for line in page.lines():
            if line[0].top <= head[0].top + 3 or footer(line):
                continue
            figures = [w for w in line if is_number(w) and w.x0 > desc_x + 60]
            words = [w for w in line if w not in figures]
            if len(figures) < 2 and words and words[-1].x1 > desc_x + 150:
                # a subtotal: its label (the mission, or the country) right-aligned by the
                # total; a blank one (the rows all blank or zero) is checked as 0
                label, total = join(words), number(figures[0].text) or 0 if figures else 0
                if mission and fold(label) == fold(mission):
                    what = f"the {country} subtotal in {mission}"
                    printed.append(Printed(page.number, what, total, None, None, mission, iso))
                elif fold(label) == fold(country):
                    what = f"the {country} total"
                    printed.append(Printed(page.number, what, total, None, None, None, iso))
                else:
                    raise LayoutError(page.number, f"a subtotal of nothing read: {join(line)!r}")
            elif not figures and line[0].x0 < mission_x - 40:
                country, mission = join(line), ""
                iso = contributor(country, page.number)
            elif words and words[-1].x1 < desc_x + 150:
                if words[0].x0 < desc_x:
                    mission = words.pop(0).text.upper()
                if not country or not mission or not words:
                    raise LayoutError(page.number, f"a row without its country: {join(line)!r}")
                kind = personnel_type(join(words), page.number)
                values = {nearest(w.x1, columns): number(w.text) or 0 for w in figures}
                if len(figures) == 3:
                    male, female, total = (values.get(k, 0) for k in ("M", "F", "Totals"))
                    rows.append(
                        PdfRow(page.number, mission, iso, country, kind, male, female, total)
                    )
                elif any(values.values()):  # printed without its total (the UN's database)
                    raise LayoutError(page.number, f"a row without its total: {join(line)!r}")
            else:
                raise LayoutError(page.number, f"a line this layout does not have: {join(line)!r}")
    return Parsed(title, printed_date, rows, printed)
