"""Layout D (2018-03 .. 2019-08): "Summary of Contributions to UN Peacekeeping by Country and
Post". Figures by country and post only, with no mission column: recognised, and refused, as
there is nothing in it to import per mission.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Parsed
from .pages import NoMissionColumn, Page, heading

LETTER = "D"
DATED = True
TITLE = "Summary of Contributions to UN Peacekeeping by Country and Post"


def detect(pages: Sequence[Page]) -> bool:
    page = pages[0]
    text = " ".join(page.text().split())
    return TITLE in text and heading(page, "Country", "Name", "POST", "TOTAL") is not None


def parse(pages: Sequence[Page]) -> Parsed:
    raise NoMissionColumn()
