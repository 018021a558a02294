"""The words and horizontal rules of a report's pages, as every layout reads them.

A page is read once (pdfplumber's ``extract_words``, plus the ruling lines it has already
parsed); the layouts then assemble rows from word positions: ``lines`` groups words by height,
``columns`` places a word under the nearest column heading, ``number`` and ``day_month_year``
read figures and dates.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
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

    @classmethod
    def load(cls, number: int, page: Any) -> Page:
        """Read a pdfplumber page: its words, then its rules (already parsed with the words)."""
        words = tuple(
            Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"]) for w in page.extract_words()
        )
        rules = [Rule(o["x0"], o["x1"], o["top"]) for o in page.lines if o["height"] < 1]
        rules += [Rule(o["x0"], o["x1"], o["top"]) for o in page.rects if o["height"] < 3]
        return cls(number, float(page.width), float(page.height), words, tuple(rules))

    def lines(self) -> list[list[Word]]:
        return lines(self.words)

    def text(self) -> str:
        return "\n".join(join(line) for line in self.lines())


def lines(words: Iterable[Word], tolerance: float = 3.0) -> list[list[Word]]:
    """Words grouped into lines by their top (within ``tolerance``), each line left to right."""
    out: list[list[Word]] = []
    top = -1e9
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        if word.top - top > tolerance:
            out.append([])
            top = word.top
        out[-1].append(word)
    for line in out:
        line.sort(key=lambda w: w.x0)
    return out


def join(words: Iterable[Word]) -> str:
    return " ".join(w.text for w in words)


def number(text: str) -> int | None:
    """A printed figure ("4097", "100,851") as an int; None if the text is not one."""
    return int(text.replace(",", "")) if NUMBER.fullmatch(text) else None


def is_number(word: Word) -> bool:
    return NUMBER.fullmatch(word.text) is not None


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
    """The column (name -> x of its heading's centre) nearest to ``x``."""
    return min(columns, key=lambda name: abs(columns[name] - x))


def heading(page: Page, *names: str) -> list[Word] | None:
    """The first line of ``page`` holding every one of ``names`` (case-insensitive) as words."""
    wanted = [n.lower() for n in names]
    for line in page.lines():
        texts = [w.text.lower() for w in line]
        if all(n in texts for n in wanted):
            return line
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
        for line in page.lines():
            found = PAGE_OF.search(join(line))
            if found and (int(found[1]), int(found[2])) != (page.number, len(pages)):
                raise LayoutError(
                    page.number,
                    f"'{found[0]}' is printed on page {page.number} of {len(pages)} "
                    "- the file may be incomplete",
                )
