"""Reading several UN monthly PDF reports at once: each is read and checked on its own
(``un_pdf.read``), in as many processes as the machine has cores, before anything is written;
the first bad file, in the order given, stops them all."""

from __future__ import annotations

import functools
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from events.errors import InvalidInputError
from tracker.importers.un_pdf import NoMissionBreakdownError, Report, prints_no_date, read

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


def read_reports(
    paths: Sequence[str | Path],
    on: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
    *,
    with_missions_only: bool = False,
) -> list[Report | None]:
    """Every report, read and checked, in the order given. ``on``: the month of a report that
    prints no date (one file: it must agree with a printed date; several: it applies only to
    the one that prints none). ``progress(done, total)`` after each file. ``with_missions_only``: a
    report by country and post only (no mission column) is None rather than an error (a
    whole year of the UN's files is such).

    Raises:
        InvalidInputError: the first file (in the order given) that cannot be imported.
    """
    files = [Path(p) for p in paths]
    if on is None and len(files) > 1:  # refused before any is read in full (issue 26)
        undated = [f for f in files if prints_no_date(f)]
        if undated:
            raise InvalidInputError(f"{undated[0].name}: {NO_DATE_SEVERAL}; nothing was imported")
    count = min(workers or os.cpu_count() or 1, len(files))
    job = functools.partial(_read, on=on, skip=with_missions_only, several=len(files) > 1)
    if count <= 1:
        found = []
        for done, path in enumerate(files, start=1):
            found.append(job(path))
            if progress:
                progress(done, len(files))
        return found
    lock, finished = threading.Lock(), [0]

    def tick(_: Future[Report | None]) -> None:
        with lock:
            finished[0] += 1
            if progress:
                progress(finished[0], len(files))

    with ProcessPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(job, path) for path in files]
        for future in futures:
            future.add_done_callback(tick)
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise


NO_DATE_SEVERAL = (
    "the report prints no date - give the month it is of with --date YYYY-MM (among several "
    "files, it applies to the one that prints none; in Python, on=)"
)


def _read(path: Path, on: date | None, skip: bool, several: bool) -> Report | None:
    try:
        return read(path, undated=on) if several else read(path, date=on)
    except NoMissionBreakdownError:
        if skip:
            return None
        raise
