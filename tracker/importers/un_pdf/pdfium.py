"""The PDFium calls the reader makes per character and per path point, declared again for speed
(issue 25), and PDF's matrices.

A report has some 4 million characters and 2 million path points, and a ctypes call costs
more than PDFium's work in it: pypdfium2's declarations turn every handle returned into a new
pointer object (no dictionary key) and check every argument. Here the functions are the
library's own (same address, same calling convention as pypdfium2's), in two kinds:

- *checked* ones, with argument types, for calls made once per font or text object;
- *bare* ones, without: each argument must already be what C takes - a handle as pypdfium2's
  pointer (``PdfPage.raw``) or a ``Handle`` a bare call returned, an index as an ``int`` (a C
  ``int``), an output as ``ctypes.byref`` of a value made once (``Out``). They return a
  ``Handle``, or an ``int`` where one is wanted as a key (``text_object``).
"""

from __future__ import annotations

import ctypes
from ctypes import c_double, c_float, c_int, c_size_t, c_uint, c_ulong, c_void_p
from typing import Any

import pypdfium2.raw as raw  # type: ignore[import-untyped]

_Function = type(raw.FPDF_InitLibrary)  # the library's function class: its calling convention


class Handle(c_void_p):
    """A handle a bare call returns, passed back as it is (a subclass: ctypes keeps it so)."""


def _declare(name: str, restype: Any, *argtypes: Any, bare: bool = False) -> Any:
    function = _Function(ctypes.cast(getattr(raw, name), c_void_p).value)
    function.restype = restype
    if not bare:
        function.argtypes = argtypes
    return function


P = c_void_p  # in checked calls: a handle (a pointer, a Handle or an int) or an output

# text pages
count_chars = _declare("FPDFText_CountChars", c_int, P)
get_text = _declare("FPDFText_GetText", c_int, P, c_int, c_int, P)
get_unicode = _declare("FPDFText_GetUnicode", c_uint, P, c_int)
is_generated = _declare("FPDFText_IsGenerated", c_int, bare=True)  # (text page, index)
text_object = _declare("FPDFText_GetTextObject", c_void_p, bare=True)  # -> int, a key
char_origin = _declare("FPDFText_GetCharOrigin", c_int, bare=True)  # (.., index, &x, &y)
char_matrix = _declare("FPDFText_GetMatrix", c_int, bare=True)  # (text page, index, &matrix)

# text objects and their fonts
text_font = _declare("FPDFTextObj_GetFont", P, P)
font_size = _declare("FPDFTextObj_GetFontSize", c_int, P, P)
base_font_name = _declare("FPDFFont_GetBaseFontName", c_size_t, P, P, c_size_t)
font_descent = _declare("FPDFFont_GetDescent", c_int, P, c_float, P)
font_embedded = _declare("FPDFFont_GetIsEmbedded", c_int, P)
glyph_width = _declare("FPDFFont_GetGlyphWidth", c_int, P, c_uint, c_float, P)
form_count_objects = _declare("FPDFFormObj_CountObjects", c_int, P)
form_get_object = _declare("FPDFFormObj_GetObject", Handle, P, c_ulong)

# page objects and paths: bare
count_objects = _declare("FPDFPage_CountObjects", c_int, bare=True)  # (page)
get_object = _declare("FPDFPage_GetObject", Handle, bare=True)  # (page, index)
object_type = _declare("FPDFPageObj_GetType", c_int, bare=True)  # (object)
object_matrix = _declare("FPDFPageObj_GetMatrix", c_int, bare=True)  # (object, &matrix)
count_segments = _declare("FPDFPath_CountSegments", c_int, bare=True)  # (path)
path_segment = _declare("FPDFPath_GetPathSegment", Handle, bare=True)  # (path, index)
segment_point = _declare("FPDFPathSegment_GetPoint", c_int, bare=True)  # (.., &x, &y)
segment_type = _declare("FPDFPathSegment_GetType", c_int, bare=True)  # (segment)
segment_close = _declare("FPDFPathSegment_GetClose", c_int, bare=True)  # (segment)

TEXT, PATH, FORM = raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM
MOVETO, LINETO = raw.FPDF_SEGMENT_MOVETO, raw.FPDF_SEGMENT_LINETO

# a, b, c, d, e, f: x' = a x + c y + e, y' = b x + d y + f (PDF's matrices)
Matrix = tuple[float, float, float, float, float, float]


def times(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` then ``outer``, as PDF matrices compose."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E,
            e * B + f * D + F)  # fmt: skip


class Out:
    """Output arguments, made once: two doubles, two floats, a matrix, and their ``byref``."""

    def __init__(self) -> None:
        self.x, self.y = c_double(), c_double()
        self.fx, self.fy = c_float(), c_float()
        self.matrix = raw.FS_MATRIX()
        self.at_x, self.at_y = ctypes.byref(self.x), ctypes.byref(self.y)
        self.at_fx, self.at_fy = ctypes.byref(self.fx), ctypes.byref(self.fy)
        self.at_matrix = ctypes.byref(self.matrix)

    def matrix_of(self, obj: Handle) -> Matrix:
        """The matrix of a page object (in its form's space, if it is in one)."""
        object_matrix(obj, self.at_matrix)
        m = self.matrix
        return m.a, m.b, m.c, m.d, m.e, m.f

    def char_matrix(self, textpage: Any, index: int) -> Matrix:
        """The matrix of a character on a text page: its text object's, then its forms'."""
        char_matrix(textpage, index, self.at_matrix)
        m = self.matrix
        return m.a, m.b, m.c, m.d, m.e, m.f
