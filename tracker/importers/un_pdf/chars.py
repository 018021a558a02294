"""A page's characters as pdfminer gives them to pdfplumber, from PDFium's text page (issue
25: pdfplumber took ten times as long to read them).

Each character gets pdfminer's box: from its origin to origin + advance across, and from the
baseline + the font's descent to that + the font size up, with ``top`` measured down from the
page's top (the media box height minus y, as pdfplumber does), worked out in pdfminer's order
of operations from the file's figures (``decimal``: PDFium holds them as floats). pdfminer takes
the descent of the standard fonts (and of the names it treats as them, "Arial,Bold") from its
own metrics, not from the file: so does ``_STANDARD_DESCENT``.

PDFium's text page is not pdfminer's list of characters, and these differences are known: it
may order the text objects of a line by x (the words sort them anyway); it keeps one of several
blanks in a row and drops a character drawn twice on the same spot; it marks a hyphen it takes
for a word break (read here as "-"); the characters it generates (spaces, line breaks) are
skipped. Its advance widths are whole units of 1/1000 em (pdfminer's may have decimals): x1 may
differ by a few hundredths of a point.
"""

from __future__ import annotations

import ctypes
from typing import Any

from . import pdfium
from .pdfium import Matrix, times

# text, x0, x1, top, bottom, upright
Char = tuple[str, float, float, float, float, bool]

GENERATED = frozenset(" \r\n")  # the only characters PDFium makes up
HYPHEN = frozenset("\ufffe\x02")  # PDFium's mark of a hyphen it took for a word break

# pdfminer.fontmetrics: the descent (per 1000) of the fonts pdfminer knows by name, whatever
# the file says
_STANDARD_DESCENT = {
    **dict.fromkeys(
        [
            "Courier",
            "Courier-Bold",
            "Courier-BoldOblique",
            "Courier-Oblique",
            "CourierNew",
            "CourierNew,Italic",
            "CourierNew,Bold",
            "CourierNew,BoldItalic",
        ],
        -194.0,
    ),
    **dict.fromkeys(
        [
            "Helvetica",
            "Helvetica-Bold",
            "Helvetica-BoldOblique",
            "Helvetica-Oblique",
            "Arial",
            "Arial,Italic",
            "Arial,Bold",
            "Arial,BoldItalic",
        ],
        -207.0,
    ),
    **dict.fromkeys(
        [
            "Times-Roman",
            "Times-Bold",
            "Times-Italic",
            "Times-BoldItalic",
            "TimesNewRoman",
            "TimesNewRoman,Italic",
            "TimesNewRoman,Bold",
            "TimesNewRoman,BoldItalic",
        ],
        -217.0,
    ),
    "Symbol": 0.0,  # their metrics give no descent
    "ZapfDingbats": 0.0,
}


class _Font:
    """A font's descent per 1000 (pdfminer's) and its advance widths per unit of size."""

    def __init__(self, font: int) -> None:
        self.font = font
        value = ctypes.c_float()
        at = ctypes.addressof(value)
        descent = None
        if not pdfium.font_embedded(font):  # pdfminer's metrics are for simple fonts: not
            # known through PDFium, but the reports' composite fonts are all embedded
            size = pdfium.base_font_name(font, None, 0)
            name = ctypes.create_string_buffer(max(size, 1))
            pdfium.base_font_name(font, name, size)
            descent = _STANDARD_DESCENT.get(name.value.decode("latin-1"))
        if descent is None:
            pdfium.font_descent(font, 1000.0, at)
            descent = -abs(decimal(value.value))  # pdfminer makes a positive descent negative
        self.descent = descent
        self.widths: dict[str, float] = {}
        self._width, self._at = value, at

    def width(self, char: str) -> float:
        found = self.widths.get(char)
        if found is None:
            ok = pdfium.glyph_width(self.font, ord(char[0]), 1000.0, self._at)
            found = self.widths[char] = self._width.value * 0.001 if ok else 0.0
        return found


class _Style:
    """What the characters of one font, size and matrix (their text object's, then its forms')
    share, with pdfminer's box around a character's origin worked out once; ``page`` maps PDF
    space to pdfplumber's."""

    def __init__(self, font: _Font, size: float, matrix: tuple[float, ...], page: Matrix) -> None:
        self.font = font
        self.size = size = decimal(size)
        a, b, c, d = (decimal(v) for v in matrix)
        # pdfminer's box, in its order of operations: from the baseline + descent to + size
        self.low = font.descent * 0.001 * size + 0.0
        self.high = self.low + size
        self.advance = a * size  # x per unit of width (pdfminer: a * width * size)
        self.upright = a * d > 0 and b * c <= 0  # pdfminer's test, before the page's turn
        # in line on an unturned page: x from the origin, top = the page's height - y
        self.plain = b == 0 and c == 0 and page[:4] == (1, 0, 0, -1)
        self.above, self.below = max(d * self.low, d * self.high), min(d * self.low, d * self.high)
        self.tops: dict[float, tuple[float, float]] = {}  # origin y -> top, bottom
        self.matrix = times((a, b, c, d, 0.0, 0.0), page)[:4]
        if not self.plain:  # turned: pdfminer's test in its space, where y is up
            pa, pb, pc, pd = self.matrix
            self.upright = pa * pd < 0 and pb * pc >= 0

    def top(self, y: float, origin: float) -> tuple[float, float]:
        """top and bottom of a character whose origin's y is ``y`` (``origin``: the page's
        height, where pdfplumber's top is 0)."""
        found = self.tops.get(y)
        if found is None:
            f = decimal(y)  # pdfminer's figure: PDFium's is a float's, 7 digits hold it
            found = self.tops[y] = (origin - (self.above + f), origin - (self.below + f))
        return found

    def box(self, x: float, top: float, width: float) -> tuple[float, float, float, float]:
        """x0, x1, top, bottom of a character ``width`` wide (per unit of size) whose origin is
        at (x, top) on the page: the four corners turned, as pdfminer does."""
        a, b, c, d = self.matrix
        w = width * self.size
        xs = [x + a * u + c * v for u in (0, w) for v in (self.low, self.high)]
        ys = [top + b * u + d * v for u in (0, w) for v in (self.low, self.high)]
        return min(xs), max(xs), min(ys), max(ys)


def decimal(value: float) -> float:
    """A figure PDFium holds as a float as the file printed it, if the 7 significant digits a
    float holds give it back (pdfminer reads the file's figures as doubles)."""
    printed = float(f"{value:.7g}")
    return printed if ctypes.c_float(printed).value == value else value


def read_chars(textpage: Any, page: Matrix, out: pdfium.Out) -> list[Char]:
    """The page's characters (not those PDFium generates) in PDFium's order, with pdfminer's
    boxes; ``page`` maps PDF space to pdfplumber's (x, top)."""
    pa, pb, pc, pd, pe, pf = page
    text = _text(textpage, pdfium.count_chars(textpage))
    is_generated, text_object, char_origin = (
        pdfium.is_generated,
        pdfium.text_object,
        pdfium.char_origin,
    )
    at_x, at_y, origin_x, origin_y = out.at_x, out.at_y, out.x, out.y
    fonts: dict[int, _Font] = {}
    styles: dict[tuple[float, ...], _Style] = {}  # (font, size, a, b, c, d) -> its style
    objects: dict[int, _Style] = {}
    chars: list[Char] = []
    append = chars.append
    current = -1
    for index, char in enumerate(text):
        if char in GENERATED and is_generated(textpage, index):
            continue
        obj = text_object(textpage, index) or 0
        if obj != current:  # the style of the characters that follow, in local names
            if not obj:
                continue
            current = obj
            style = objects.get(obj) or _style(textpage, index, obj, page, styles, fonts, out)
            objects[obj] = style
            plain, upright, advance = style.plain, style.upright, style.advance
            widths, tops, font = style.font.widths, style.tops, style.font
        if char in HYPHEN:
            char = "-"
        char_origin(textpage, index, at_x, at_y)
        x, y = origin_x.value, origin_y.value
        width = widths.get(char)
        if width is None:
            width = font.width(char)
        if plain:  # the common case, in line
            x += pe
            found = tops.get(y) or style.top(y, pf)
            across = advance * width
            if across >= 0:
                append((char, x, across + x, found[0], found[1], upright))
            else:
                append((char, across + x, x, found[0], found[1], upright))
        else:
            x, top = pa * x + pc * y + pe, pb * x + pd * y + pf
            x0, x1, y0, y1 = style.box(x, top, width)
            append((char, x0, x1, y0, y1, upright))
    return chars


def _style(
    textpage: Any,
    index: int,
    obj: int,
    page: Matrix,
    styles: dict[tuple[float, ...], _Style],
    fonts: dict[int, _Font],
    out: pdfium.Out,
) -> _Style:
    """The style of the text object of character ``index``: its font, size and matrix (with
    its forms': the character's own), those seen before as before."""
    font = pdfium.text_font(obj) or 0
    pdfium.font_size(obj, out.at_fx)
    a, b, c, d, _, _ = out.char_matrix(textpage, index)
    key = (font, out.fx.value, a, b, c, d)
    style = styles.get(key)
    if style is None:
        if font not in fonts:
            fonts[font] = _Font(font)
        style = styles[key] = _Style(fonts[font], key[1], key[2:], page)
    return style


def _text(textpage: Any, count: int) -> str:
    """The page's text, one character per PDFium character: in one call, or (where PDFium's
    text is not that: a character outside the BMP, a control character it leaves out) one
    call per character."""
    if count <= 0:
        return ""
    buffer = ctypes.create_string_buffer(2 * (count + 1))
    written = pdfium.get_text(textpage, 0, count, buffer)
    text = buffer.raw[: 2 * max(written - 1, 0)].decode("utf-16-le", errors="replace")
    if len(text) == count:
        return text
    return "".join(chr(pdfium.get_unicode(textpage, index)) for index in range(count))
