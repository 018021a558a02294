"""A page's words as pdfplumber's ``extract_words()`` gives them (its defaults), from the
characters of ``chars`` (issue 25).

This is pdfplumber's ``WordExtractor``: characters taken in runs of the same ``upright``,
clustered into lines by ``top`` (sorted values within 3 points of the one before chain), each
line left to right (stable: characters at the same x keep their order); a word ends at a blank
character, or where the next one starts left of the last one, more than 3 points right of its
end, or more than 3 points above or below it. Ligatures are spelt out.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from .chars import Char

# text, x0, x1, top, bottom
WordBox = tuple[str, float, float, float, float]

TOLERANCE = 3.0  # pdfplumber's x_tolerance and y_tolerance
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
_LIGATURES = str.maketrans(LIGATURES)


def words(chars: Iterable[Char]) -> list[WordBox]:
    """pdfplumber's ``extract_words()`` of these characters (default settings)."""
    out: list[WordBox] = []
    for upright, run in groupby(chars, key=itemgetter(5)):
        if upright:
            out += _words(list(run), itemgetter(1))
        else:  # read top to bottom in lines by x0: the same as upright text, turned
            turned = [(c[0], c[3], c[4], c[1], c[2], c[5]) for c in run]
            out += [(w[0], w[3], w[4], w[1], w[2]) for w in _words(turned, itemgetter(1, 2))]
    return out


def _words(chars: list[Char], order: Callable[[Char], Any]) -> list[WordBox]:
    """Upright characters in lines by top (``_clusters``), each line in ``order`` (x0), the
    characters of a line in their order where that is the same (the sort is stable)."""
    cluster = _clusters({c[3] for c in chars})
    lines: list[list[Char]] = [[] for _ in range(len(set(cluster.values())))]
    for char in chars:
        lines[cluster[char[3]]].append(char)
    out: list[WordBox] = []
    for line in lines:
        line.sort(key=order)
        _line_words(line, out)
    return out


def _line_words(line: list[Char], out: list[WordBox]) -> None:
    """The words of one line: split at blanks, and where a character starts left of the last
    one, more than ``TOLERANCE`` right of its end, or more than that above or below it."""
    texts: list[str] = []
    x0 = x1 = top = bottom = last_x0 = last_x1 = last_top = 0.0
    for char in line:
        text, left, right, high, low, _ = char
        if text.isspace():
            if texts:
                out.append(("".join(texts).translate(_LIGATURES), x0, x1, top, bottom))
                texts = []
            continue
        if texts and (
            left < last_x0 or left > last_x1 + TOLERANCE or abs(high - last_top) > TOLERANCE
        ):
            out.append(("".join(texts).translate(_LIGATURES), x0, x1, top, bottom))
            texts = []
        if texts:
            texts.append(text)
            if left < x0:
                x0 = left
            if right > x1:
                x1 = right
            if high < top:
                top = high
            if low > bottom:
                bottom = low
        else:
            texts = [text]
            x0, x1, top, bottom = left, right, high, low
        last_x0, last_x1, last_top = left, right, high
    if texts:
        out.append(("".join(texts).translate(_LIGATURES), x0, x1, top, bottom))


def _clusters(values: set[float]) -> dict[float, int]:
    """Each value -> its cluster: sorted values within ``TOLERANCE`` of the one before chain."""
    cluster: dict[float, int] = {}
    number, last = -1, float("-inf")
    for value in sorted(values):
        if value > last + TOLERANCE:
            number += 1
        cluster[value] = number
        last = value
    return cluster
