"""Layout J (2024-10): a flat table, ``Mission Country Personnel Type Male Female Total Report
Date``, its heading on every page, the cells centred, long names wrapped over the lines above
and below their row ("United Republic of" / "Tanzania"). It prints no title (the document's
own title is taken) and no total: nothing to check the rows against but the date on each.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import flat
from .model import Parsed
from .pages import Page

LETTER = "J"
DATED = True
NAMES = (
    ("mission", "mission"),
    ("country", "country"),
    ("personnel", "type"),
    ("male", "male"),
    ("female", "female"),
    ("total", "total"),
    ("report", "date"),
)


def detect(pages: Sequence[Page]) -> bool:
    return flat.is_flat(pages[0], NAMES)


def parse(pages: Sequence[Page]) -> Parsed:
    return flat.parse(pages, NAMES, cut=False)
