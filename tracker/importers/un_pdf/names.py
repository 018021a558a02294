"""Contributor names as the UN's PDFs print them, to ISO 3166 alpha-3 codes.

``events.values.country_code`` knows the usual spellings; this adds the names these reports
print that it does not (old names, the UN's own short forms) and, for the layouts that cut
names at the cell width (B, C, E), the cut forms. A cut form is only taken where the layout
cuts: "Republic of" is the Republic of Korea in the 2019-09 flat table (which prints
"Moldova," for the Republic of Moldova) but would mean nothing elsewhere.
"""

from __future__ import annotations

import re

from events.values import country_code

from .pages import LayoutError

ALIASES: dict[str, str] = {
    "brunei": "BRN",
    "cape verde": "CPV",
    "dr congo": "COD",
    "democratic republic of the congo (drc)": "COD",
    "swaziland": "SWZ",
}

CUT: dict[str, str] = {
    "bosnia and": "BIH",
    "democratic republic of": "COD",
    "dominican": "DOM",
    "north": "MKD",
    "republic of": "KOR",
    "russian": "RUS",
    "the former yugoslav re": "MKD",
    "the former yugoslav republic of maced": "MKD",
    "united republic": "TZA",
    "united republic of tanz": "TZA",
    "united states of": "USA",
    "united states of americ": "USA",
}


def fold(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().lower()


def contributor(name: str, page: int, *, cut: bool = False) -> str:
    """The ISO alpha-3 code of a contributor as printed on ``page``."""
    key = fold(name)
    code = ALIASES.get(key) or (CUT.get(key) if cut else None)
    if code:
        return code
    try:
        return country_code(name)
    except ValueError:
        raise LayoutError(
            page,
            f"contributor {name.strip()!r} is not a country this importer knows: "
            "add the name to ALIASES in tracker/importers/un_pdf/names.py",
        ) from None
