"""The words and horizontal rules of a report's pages, as every layout reads them.

A page is read once (``reading.load``: with PDFium, the words and ruling lines pdfplumber's
``extract_words`` and ``lines``/``rects`` gave); the layouts then assemble rows from word
positions: ``lines`` groups words by height, ``columns`` places a word under the nearest column
heading, ``number`` and ``day_month_year`` read figures and dates.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import attrgetter
from typing import Any

NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
FOOTER = re.compile(r"Page \d+ of \d+|Report Generated On", re.IGNORECASE)
PAGE_OF = re.compile(r"\bPage (\d+) of (\d+)\b")


class LayoutError(Exception):
    """A page does not read as its layout says it must; ``page`` is 1-based (None: the file)."""

    def __init__(self, page: int | None, message: str) -> None:
        self.page = page
        super().__init__(message)


class NoMissionColumn(LayoutError):
    """The report gives figures by country and post only: nothing to import per mission."""

    def __init__(self) -> None:
        super().__init__(
            None,
            "this report gives figures by country and post only, with no mission column: "
            "nothing to import per mission",
        )


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def mid(self) -> float:
        return (self.x0 + self.x1) / 2

    def __eq__(self, other: object) -> bool:
        # the dataclass's own, but the text first: the layouts ask "w in line" a million
        # times a folder, nearly always of words with other texts
        if not isinstance(other, Word):
            return NotImplemented
        return (
            self.text == other.text
            and self.x0 == other.x0
            and self.x1 == other.x1
            and self.top == other.top
            and self.bottom == other.bottom
        )


@dataclass(frozen=True, slots=True)
class Rule:
    """A horizontal ruling line (a line, or a rectangle under 3 points high) from x0 to x1."""

    x0: float
    x1: float
    y: float


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: tuple[Word, ...]
    rules: tuple[Rule, ...]

    @staticmethod
    def load(number: int, page: Any, rules: bool = True) -> Page:
        """Read a pypdfium2 page: its words, then its rules (``rules=False``: no rules, for a
        layout that never looks at them); ``number`` is 1-based."""
        from .reading import load  # PDFium loads with the first page read, not on import

        return load(number, page, rules)

    def lines(self) -> list[list[Word]]:
        """``lines(self.words)``, worked out once (a page does not change; each caller gets
        lists of its own)."""
        return [list(line) for line in self._lines()]

    def _lines(self) -> list[list[Word]]:
        """The lines, kept on the page: for the helpers here, which only read them."""
        found: list[list[Word]] | None = self.__dict__.get("_lines_kept")
        if found is None:
            found = lines(self.words)
            object.__setattr__(self, "_lines_kept", found)
        return found

    def text(self) -> str:
        return "\n".join(join(line) for line in self._lines())


def lines(words: Iterable[Word], tolerance: float = 3.0) -> list[list[Word]]:
    """Words grouped into lines by their top (within ``tolerance``), each line left to right."""
    out: list[list[Word]] = []
    top = -1e9
    for word in sorted(words, key=_TOP_X0):
        if word.top - top > tolerance:
            out.append([])
            top = word.top
        out[-1].append(word)
    for line in out:
        line.sort(key=_X0)
    return out


_TOP_X0, _X0 = attrgetter("top", "x0"), attrgetter("x0")


def join(words: Iterable[Word]) -> str:
    return " ".join([w.text for w in words])


@lru_cache(maxsize=4096)  # a report prints the same few thousand figures over and over
def number(text: str) -> int | None:
    """A printed figure ("4097", "100,851") as an int; None if the text is not one."""
    return int(text.replace(",", "")) if NUMBER.fullmatch(text) else None


def is_number(word: Word) -> bool:
    return number(word.text) is not None


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def day_month_year(text: str) -> date | None:
    """The first dd/mm/yyyy date in ``text``, or None."""
    found = DMY.search(text)
    if not found:
        return None
    day, month, year = (int(g) for g in found.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def nearest(x: float, columns: dict[str, float]) -> str:
    """The column (name -> x of its heading's centre) nearest to ``x`` (the first of those as
    near)."""
    if not columns:
        raise ValueError("nearest() of no columns")
    best, distance = "", float("inf")
    for name, at in columns.items():
        if abs(at - x) < distance:
            best, distance = name, abs(at - x)
    return best


def heading(page: Page, *names: str) -> list[Word] | None:
    """The first line of ``page`` holding every one of ``names`` (case-insensitive) as words."""
    wanted = [n.lower() for n in names]
    for line in page._lines():
        texts = [w.text.lower() for w in line]
        if all(n in texts for n in wanted):
            return list(line)
    return None


def word_in(line: Sequence[Word], text: str) -> Word:
    return next(w for w in line if w.text.lower() == text.lower())


def footer(line: Sequence[Word]) -> bool:
    return FOOTER.search(join(line)) is not None


def title_and_date(page: Page, head_top: float) -> tuple[str, date | None]:
    """The lines above the column heading, and the dd/mm/yyyy date among them (shared by the
    layouts that print the date by the title)."""
    above = [w for w in page.words if w.top < head_top - 3]
    dated = [w for w in above if day_month_year(w.text)]
    title = " ".join(join(line) for line in lines(above))
    for word in dated:
        title = title.replace(word.text, " ")
    return " ".join(title.split()).rstrip(" ,:"), day_month_year(dated[0].text) if dated else None


def numbered(pages: Sequence[Page]) -> None:
    """Where pages print "Page N of M", each must be page N of the M the file holds."""
    for page in pages:
        numbered_as(page, len(pages))


def numbered_as(page: Page, count: int) -> None:
    """If ``page`` prints "Page N of M", it must be page N of ``count`` (checked as each page
    is read: a file of copies of its page 1 is refused after that page, issue 29, 17)."""
    if not any("Page" in word.text for word in page.words):
        return  # no word of it can start "Page N of M"
    for line in page._lines():
        found = PAGE_OF.search(join(line))
        if found and (int(found[1]), int(found[2])) != (page.number, count):
            raise LayoutError(
                page.number,
                f"'{found[0]}' is printed on page {page.number} of {count} "
                "- the file may be incomplete",
            )
