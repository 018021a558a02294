"""Layout I (2023-09): "Contribution of Uniformed Personnel to UN by Country and Personnel
Type", one row per country with a column per personnel type. No mission column: recognised,
and refused, as there is nothing in it to import per mission.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Parsed
from .pages import NoMissionColumn, Page

LETTER = "I"
DATED = True
TITLE = "Contribution of Uniformed Personnel to UN by Country and Personnel Type"


def detect(pages: Sequence[Page]) -> bool:
    return TITLE in " ".join(pages[0].text().split())


def parse(pages: Sequence[Page]) -> Parsed:
    raise NoMissionColumn()
