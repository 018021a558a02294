"""Reading several UN monthly PDF reports at once: each is read and checked on its own
(``un_pdf.read``), in as many processes as the machine has cores, before anything is written;
the first bad file, in the order given, stops them all. A worker ends with the command that
started it, however that ends (killed, SIGTERM, Ctrl-C): none is left reading for ever."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import signal
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

    pool = ProcessPoolExecutor(count, initializer=_end_with, initargs=(os.getpid(),))
    previous = _on_sigterm(_stop)
    try:
        futures = [pool.submit(job, path) for path in files]
        for future in futures:
            future.add_done_callback(tick)
        return [future.result() for future in futures]
    except BaseException:
        # stopped (SIGTERM, Ctrl-C) or refused: the workers end now, not after their files
        pool.shutdown(wait=False, cancel_futures=True)
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
        raise
    finally:
        pool.shutdown(wait=True)
        _on_sigterm(previous)


def _on_sigterm(handler: Any) -> Any:
    """Install ``handler`` for SIGTERM (from the main thread only); the one it replaces."""
    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # the workers are ended on the way out (read_reports)


def _end_with(parent: int) -> None:
    """A worker's start: it dies with ``parent``, the command (issue "Hardening, round 3",
    10: killing an import left its workers sleeping for ever). On Linux the kernel kills it
    when the parent dies (PR_SET_PDEATHSIG); elsewhere, and in case the parent died before
    that was set, a watchdog thread ends it once its parent is no longer ``parent``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


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
