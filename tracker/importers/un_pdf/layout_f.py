"""Layout F (2019-10): "Summary of Contribution to UN Peacekeeping by Country and Post", a wide
table: a country heading, then one row per mission with male and female for each type
(``UNMEM`` experts on mission, ``Troops``, ``UNPOL`` individual police, ``FPU``, ``MSO`` staff
officers), a "Total by Country" after each country and a "Grand Total" at the end.

No total column: a type's total is male + female. A zero cell gives no row (every type is
printed for every mission). The report prints NO date: ``read`` needs ``date=``. A mission may
be printed on two rows of a country (different types on each): they are one contribution.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from .checker import closed
from .model import TYPES, Parsed, PdfRow, Printed
from .names import contributor
from .pages import LayoutError, Page, Word, footer, is_number, join, nearest, number

LETTER = "F"
DATED = False
KINDS = ("UNMEM", "Troops", "UNPOL", "FPU", "MSO")


def _heading(page: Page) -> list[Word] | None:
    for line in page.lines():
        texts = [w.text for w in line]
        if "Country" in texts and "Mission" in texts and all(k in texts for k in KINDS):
            return line
    return None


def detect(pages: Sequence[Page]) -> bool:
    return _heading(pages[0]) is not None


def _columns(head: list[Word]) -> dict[str, float]:
    """(type, sex) as "military_experts M" -> right edge of its heading ("UNMEM M")."""
    out: dict[str, float] = {}
    for before, word in itertools.pairwise(head):
        if word.text in ("M", "F") and before.text in KINDS:
            out[f"{TYPES[before.text.lower()]} {word.text}"] = word.x1
    if len(out) != 2 * len(KINDS):
        raise LayoutError(None, f"the column heading is not the one expected: {join(head)!r}")
    return out


def _totals(page: int, what: str, values: dict[str, int], iso: str | None) -> list[Printed]:
    out = []
    for kind in dict.fromkeys(k.split()[0] for k in values):
        male, female = values[f"{kind} M"], values[f"{kind} F"]
        out.append(Printed(page, f"{what} ({kind})", male + female, male, female, None, iso, kind))
    return out


def parse(pages: Sequence[Page]) -> Parsed:
    rows: list[PdfRow] = []
    printed: list[Printed] = []
    title = ""
    country = iso = ""
    named = False  # the last line was (part of) the country's name
    for page in pages:
        head = _heading(page)
        if head is None:
            raise LayoutError(page.number, "no column heading (Country Mission UNMEM M ...)")
        if page.number == 1:
            title = " ".join(join(ln) for ln in page.lines() if ln[0].top < head[0].top - 3)
        columns = _columns(head)
        mission_x = head[1].x0 - 5
        for line in page.lines():
            if line[0].top <= head[0].top + 3 or footer(line):
                continue
            figures = [w for w in line if is_number(w) and w.x0 > mission_x + 80]
            words = [w for w in line if w not in figures]
            values = {nearest(w.x1, columns): number(w.text) or 0 for w in figures}
            if named and figures:  # the name is whole (a long one wraps onto a second line)
                iso, named = contributor(country, page.number), False
            if len(figures) == len(columns) and len(values) == len(columns):
                text = join(words)
                if text == "Grand Total":
                    printed += _totals(page.number, "the grand total", values, None)
                elif text == "Total by Country":
                    printed += _totals(page.number, f"the total for {country}", values, iso)
                elif len(words) == 1 and words[0].text.isupper() and iso:
                    for key, male in values.items():
                        kind, sex = key.split()
                        female = values[f"{kind} F"]
                        if sex == "M" and male + female:
                            total = male + female
                            mission = words[0].text
                            rows.append(
                                PdfRow(
                                    page.number, mission, iso, country, kind, male, female, total
                                )
                            )
                else:
                    raise LayoutError(page.number, f"a row of nothing read: {join(line)!r}")
            elif not figures and words[0].x1 < mission_x:
                country = f"{country} {join(words)}" if named else join(words)
                iso, named = "", True
            else:
                raise LayoutError(page.number, f"a line this layout does not have: {join(line)!r}")
    return Parsed(" ".join(title.split()), None, rows, closed(printed))
