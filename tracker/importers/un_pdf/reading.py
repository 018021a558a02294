"""One page of a PDF read with PDFium (pypdfium2) into a ``Page``: its words and rules as
pdfplumber gave them (issue 25: pdfplumber read the reports ten times slower).

pdfplumber's coordinates are pdfminer's: the page's rotation applied as pdfminer's
``process_page`` does, ``top`` measured down from the media box's height, the media box's
origin added back to x (``page_matrix``). The characters come from ``chars``, the words from
``words``, the rules from ``rules``.
"""

from __future__ import annotations

from typing import Any

from . import pdfium
from .bounds import check_page
from .chars import read_chars
from .pages import Page, Rule, Word
from .pdfium import Matrix, times
from .rules import read_rules
from .words import words


def load(number: int, page: Any, rules: bool = True) -> Page:
    """Read a pypdfium2 ``PdfPage``: its words, then its rules (``rules=False``: none, for a
    reader that will not look at them); ``number`` is 1-based."""
    matrix, width, height = page_matrix(page.get_rotation(), page.get_mediabox())
    out = pdfium.Out()
    textpage = page.get_textpage()
    try:
        # counted before any is read: a page past the bounds is refused, not read (issue 29, 17)
        check_page(number, pdfium.count_chars(textpage.raw), pdfium.count_objects(page.raw))
        chars = read_chars(textpage.raw, matrix, out)
    finally:
        textpage.close()
    found = read_rules(page.raw, matrix, out) if rules else []
    return Page(
        number,
        width,
        height,
        tuple(Word(*word) for word in words(chars)),
        tuple(Rule(*rule) for rule in found),
    )


def page_matrix(
    rotation: int, mediabox: tuple[float, float, float, float]
) -> tuple[Matrix, float, float]:
    """PDF space -> pdfplumber's (x, top), and the page's width and height as pdfplumber
    gives them (the media box, turned with the page)."""
    x0, x1 = sorted(mediabox[0::2])
    y0, y1 = sorted(mediabox[1::2])
    rotation %= 360
    ctm: Matrix = {  # pdfminer's PDFPageInterpreter.process_page
        90: (0, -1, 1, 0, -y0, x1),
        180: (-1, 0, 0, -1, x1, y1),
        270: (0, 1, -1, 0, y1, -x0),
    }.get(rotation, (1, 0, 0, 1, -x0, -y0))
    # pdfplumber.Page: the box normalised for the rotation, then turned upside down
    left, low, right, high = (y0, x0, y1, x1) if rotation in (90, 270) else (x0, y0, x1, y1)
    width, height = right - left, high - low
    mb_top = height - high  # the inverted box's top
    # x = x' + left; top = height - y' + mb_top
    to_plumber: Matrix = (1, 0, 0, -1, left, height + mb_top)
    return times(ctm, to_plumber), float(width), float(height)
