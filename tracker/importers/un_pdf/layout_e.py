"""Layout E (2019-09): a flat table, ``mission country description male female total
report_date``, its heading on the first page only, names cut at the cell width ("Republic of"
is the Republic of Korea, "Moldova," the Republic of Moldova). It prints no total: nothing
to check the rows against but the date on each.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import flat
from .model import Parsed
from .pages import Page

LETTER = "E"
DATED = True
NAMES = (
    ("mission", "mission"),
    ("country", "country"),
    ("description", "description"),
    ("male", "male"),
    ("female", "female"),
    ("total", "total"),
    ("report_date", "report_date"),
)


def detect(pages: Sequence[Page]) -> bool:
    return flat.is_flat(pages[0], NAMES)


def parse(pages: Sequence[Page]) -> Parsed:
    return flat.parse(pages, NAMES, cut=True)
