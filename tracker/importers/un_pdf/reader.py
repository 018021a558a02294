"""The dispatcher: opens a UN monthly contribution PDF once, finds the one layout that claims
it, parses it, holds the rows against every printed total, and returns a ``Report``.

Pages are read lazily and once each (``Page.load``, with PDFium: issue 25): a file no layout
claims, or one with no mission column, is refused after its first page. What is cheap is
checked first (issue 29, 17): the file's size and its streams inflated (``bounds``) before
PDFium is given it, the page count before any page is read, then as each page is read its
characters and objects, its "Page N of M", whether it repeats an earlier page, and its time.
Every refusal is an ``InvalidInputError`` whose one line names the file (and the page) and says
what to do.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, overload

import pypdfium2  # type: ignore[import-untyped]

from events.errors import InvalidInputError

from . import (
    bounds,
    layout_a,
    layout_b,
    layout_c,
    layout_d,
    layout_e,
    layout_f,
    layout_g,
    layout_h,
    layout_i,
    layout_j,
)
from .checker import check, merge
from .model import Parsed, Report
from .pages import LayoutError, NoMissionColumn, Page, Word, month_end, numbered, numbered_as


class Layout(Protocol):
    LETTER: str
    DATED: bool  # False: the layout prints no date (F), ``date=`` is needed

    def detect(self, pages: Sequence[Page]) -> bool: ...

    def parse(self, pages: Sequence[Page]) -> Parsed: ...


LAYOUTS: tuple[Layout, ...] = (
    layout_a,
    layout_b,
    layout_c,
    layout_d,
    layout_e,
    layout_f,
    layout_g,
    layout_h,
    layout_i,
    layout_j,
)


# The layouts that look at a page's ruling lines (layout_h: its cells). For the others a page's
# rules are not read once the layout is known: they were a third of the reading (issue 25).
RULED: tuple[Layout, ...] = (layout_h,)

NO_DATE = (
    "the report prints no date - give the month it is of: --date YYYY-MM (in Python, date= or "
    "undated=)"
)


class NoMissionBreakdownError(InvalidInputError):
    """Raised when a report gives figures by country and post only, with no mission column
    (layouts D and I): nothing in it can be imported per mission."""


class Unreadable(LayoutError):
    """PDFium could not read the bytes (not a PDF, truncated, damaged)."""


class _Pages(Sequence[Page]):
    """The document's pages, each read on first use and kept (each PDFium page closed once
    read), each held to the bounds as it is read (``_held``). Whatever PDFium raises on bad
    bytes becomes ``Unreadable`` here, and only here: the layouts' own errors stay theirs."""

    def __init__(self, pdf: Any) -> None:
        self._pdf = pdf
        self._read: dict[int, Page] = {}
        self._words: dict[tuple[Word, ...], int] = {}  # a page's words -> its number
        self.ruled = True  # read each page's rules: until the layout is known, and for RULED
        try:
            self._count = len(pdf)
        except Exception as error:  # anything PDFium raises on bad bytes
            raise Unreadable(None, _reason(error)) from error
        if self._count > bounds.PAGES:
            raise LayoutError(
                None,
                f"{self._count:,} pages, more than a UN monthly report has ({bounds.PAGES} at "
                "most) - check that it is one of the UN's 'Contribution of Uniformed "
                "Personnel' PDFs",
            )

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Page: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Page]: ...

    def __getitem__(self, index: int | slice) -> Page | Sequence[Page]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        index = range(len(self))[index]
        if index not in self._read:
            started = time.perf_counter()
            try:
                raw = self._pdf[index]
                try:
                    page = Page.load(index + 1, raw, self.ruled)
                finally:
                    raw.close()
            except LayoutError:  # past a bound (``bounds.check_page``)
                raise
            except Exception as error:  # anything PDFium raises on bad bytes
                raise Unreadable(index + 1, _reason(error)) from error
            self._read[index] = self._held(page, time.perf_counter() - started)
        return self._read[index]

    def _held(self, page: Page, seconds: float) -> Page:
        """``page``, refused if it took longer than any report's page, prints another number
        than its own ("Page 1 of 33" on page 1 of 300), or repeats an earlier page word for
        word (a report of its pages over and over)."""
        if seconds > bounds.PAGE_SECONDS:
            raise LayoutError(
                page.number,
                f"took {seconds:.1f} s to read, more than any UN report's page "
                f"({bounds.PAGE_SECONDS:.0f} s at most) - check that it is one of the UN's "
                "'Contribution of Uniformed Personnel' PDFs",
            )
        numbered_as(page, self._count)
        if page.words:
            first = self._words.setdefault(page.words, page.number)
            if first != page.number:
                raise LayoutError(
                    page.number,
                    f"the same as page {first}, word for word: a page printed twice - the "
                    "file may have been put together wrongly: download it again",
                )
        return page

    def __iter__(self) -> Iterator[Page]:
        return (self[i] for i in range(len(self)))

    def title(self) -> str:
        """The Title of the document's information dictionary ("" if none)."""
        try:
            title = self._pdf.get_metadata_dict().get("Title")
        except Exception:  # a damaged info dictionary: no title, nothing worse
            return ""
        return title if isinstance(title, str) else ""


def _reason(error: Exception) -> str:
    detail = str(error).strip().splitlines()[0][:80].rstrip(".") if str(error).strip() else ""
    kind = type(error).__name__ + (f": {detail}" if detail else "")
    return f"not a readable PDF ({kind}) - it may be truncated or damaged: download it again"


def _open(path: Path) -> Any:
    """The document, from its bytes (read here: a missing file is an ``OSError``, as any),
    once its size and its streams are within the bounds."""
    bounds.check_file(path.stat().st_size)
    data = path.read_bytes()
    bounds.check_streams(data)
    try:
        return pypdfium2.PdfDocument(data)
    except Exception as error:  # PDFium's PdfiumError (data format error, ...) and worse
        raise Unreadable(None, _reason(error)) from error


def identify(pages: Sequence[Page]) -> Layout:
    """The one layout that claims the report (refused if none does)."""
    claims = [layout for layout in LAYOUTS if layout.detect(pages)]
    if len(claims) != 1:
        letters = ", ".join(layout.LETTER for layout in claims)
        raise LayoutError(
            None,
            "this is not a UN monthly contribution report in a layout this importer knows "
            f"({'claimed by layouts ' + letters if claims else 'no layout claims it'}): "
            "check that it is one of the UN's 'Contribution of Uniformed Personnel' PDFs",
        )
    return claims[0]


def _message(file: str, error: LayoutError) -> str:
    where = f"{file}, page {error.page}" if error.page else file
    if isinstance(error, NoMissionColumn):
        return f"{where}: {error}"
    return f"{where}: {error}; nothing was imported"


def prints_no_date(path: str | Path) -> bool:
    """Whether the file is a report in a layout that prints no date (the 2019-10 one), from
    its first pages alone: a file that cannot be read or is in no layout is not (reading it
    in full says why)."""
    try:
        with _open(Path(path)) as pdf:
            return not identify(_Pages(pdf)).DATED
    except (LayoutError, OSError):
        return False


def read(
    path: str | Path,
    *,
    date: datetime.date | None = None,
    undated: datetime.date | None = None,
) -> Report:
    """Read and check one UN monthly contribution PDF.

    ``date`` (any day of the month) is needed only for a report that prints no date (the
    2019-10 one); for a dated report it must agree with the printed month. ``undated``: the
    month of the report if it prints no date, and nothing if it prints one (for a whole
    folder of reports, one of which prints none).

    Raises:
        InvalidInputError: the file cannot be read, is not such a report, has no mission
            column, does not add up to a total it prints, or has no date and none was given.
    """
    path = Path(path)
    file = path.name
    try:
        with _open(path) as pdf:
            pages = _Pages(pdf)
            layout = identify(pages)
            pages.ruled = layout in RULED
            date = date or (undated if not layout.DATED else None)
            if date is None and not layout.DATED:
                raise LayoutError(None, NO_DATE)
            parsed = layout.parse(pages)
            numbered(pages)
            checks = check(parsed.rows, parsed.printed)
            rows = merge(parsed.rows)
            title = parsed.title or pages.title()
    except NoMissionColumn as error:
        raise NoMissionBreakdownError(_message(file, error)) from None
    except LayoutError as error:
        raise InvalidInputError(_message(file, error)) from None
    except OSError as error:
        raise InvalidInputError(
            f"{file}: cannot be read ({error.strerror or error}) - check the path"
        ) from None
    if parsed.date is None:
        date = date or undated
        if date is None:
            raise InvalidInputError(f"{file}: {NO_DATE}; nothing was imported")
        of = month_end(date.year, date.month)
    else:
        of = month_end(parsed.date.year, parsed.date.month)
        if date is not None and month_end(date.year, date.month) != of:
            raise InvalidInputError(
                f"{file}: the report is of {of:%Y-%m} (the date it prints), not {date:%Y-%m} "
                "as given - drop --date or check the file; nothing was imported"
            )
    return Report(
        file=file,
        title=title,
        date=of,
        date_printed=parsed.date is not None,
        layout=layout.LETTER,
        rows=rows,
        checks=checks,
        pages=len(pages),
    )
