"""Importing: JSON Lines of events, the UN's monthly figures, and the seeds; each import is
one unit of work, all or nothing."""

from __future__ import annotations

import gc
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeVar, cast

from events.errors import InvalidInputError, TrackerError
from tracker.answers.records import EventIds, ImportResult
from tracker.app.core import TrackerCore
from tracker.app.seeding import load_apart
from tracker.app.unit_of_work import DeferredRefusal, UnitOfWork, mission_acronym, retrying
from tracker.importers import jsonl, seeds, un_monthly
from tracker.importers.un_events import UNMonthlyImport, import_rows, listed_in
from tracker.importers.un_pdf import Report
from tracker.importers.un_pdf_events import UNReportImport, record_reports

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from datetime import date

    from projections.engine import Progress

T = TypeVar("T")


class Importing(TrackerCore):
    """Imports of whole files: each one unit of work, a batch."""

    def _in_batch(self, work: Callable[[UnitOfWork], T]) -> T:
        """``work`` recorded in one unit of work and saved, all or nothing, tried again after
        a race lost to another writer. It is a batch: each contingent is checked once, at the
        end (issue 25); a batch refused there is done again event by event, whose refusal
        names the event (and the line) that breaks the history."""

        def attempt() -> T:
            try:
                with UnitOfWork(self, streaming=True, batch=True) as batch:
                    result = work(batch)
                    batch.save()
                    return result
            except DeferredRefusal:
                with UnitOfWork(self, streaming=True) as batch:
                    result = work(batch)
                    batch.save()
                    return result

        with collection_paused():
            return retrying(attempt)

    def import_events(
        self,
        lines: Iterable[str],
        name: str = "<input>",
        progress: Progress | None = None,
        *,
        _batch: UnitOfWork | None = None,
        _missions: set[str] | None = None,
        _before_line: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Import JSON Lines: one event object per line with a ``type`` field. All or nothing:
        the first bad line raises, naming ``name`` and the line, and nothing is written. An
        event identical to one the store holds is skipped (``ImportResult.skipped``), so a
        file imported twice adds nothing; a race lost to another writer is tried again.
        ``progress(lines done, lines)`` as it goes.

        Raises:
            InvalidInputError: a line is not valid; the message starts with ``name:line:``.
        """
        if _batch is None:
            again = _rereadable(lines)  # read again on a retry
            return self._in_batch(
                lambda batch: self.import_events(again(), name, progress, _batch=batch)
            )
        batch = _batch
        ids = EventIds()
        kinds: Counter[str] = Counter()
        skipped = batch.known.skipped
        if progress is not None:
            lines = counted(lines, progress)
        for number, kind, fields in jsonl.records(lines, name):
            if _missions is not None and not _of(fields, _missions):
                continue  # (a seed file of several missions, some asked for)
            if _before_line is not None:
                _before_line(number)
            try:
                event = batch.record_unless_known(kind, fields)
            except TrackerError as error:
                error.args = (f"{name}:{number}: {error}",)  # same error, located
                raise
            if event is None:  # already in the store (a file imported before)
                continue
            ids.append(event.event_id)
            kinds[type(event).__name__] += 1
        skipped = batch.known.skipped - skipped
        if not ids and not skipped and _missions is None:
            raise InvalidInputError(f"{name}: no events in it - nothing was written")
        return ImportResult(len(ids), dict(kinds), ids, skipped)

    def import_jsonl(
        self,
        data: bytes,
        name: str = "<input>",
        progress: Progress | None = None,
        *,
        _batch: UnitOfWork | None = None,
        _missions: set[str] | None = None,
        _before_line: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """``import_events`` of a file's bytes: UTF-8 (a BOM is fine), one event per line.

        Raises:
            InvalidInputError: not UTF-8 (the line is named), or a bad line; nothing written.
        """
        lines = jsonl.decode(data, name)
        return self.import_events(
            lines, name, progress, _batch=_batch, _missions=_missions, _before_line=_before_line
        )

    def import_un_monthly(
        self,
        data: bytes,
        name: str = "<input>",
        source_url: str | None = None,
        progress: Progress | None = None,
        *,
        missions: set[str] | None = None,
        _batch: UnitOfWork | None = None,
    ) -> UNMonthlyImport:
        """Import the UN's monthly contributions by mission, country and personnel type (the
        IPI loader's CSV form: any months, any missions), all or nothing. Months already in
        the store with the same figures are skipped, so a re-import adds nothing.
        ``progress(rows done, rows)`` as it goes.

        Raises:
            InvalidInputError: a bad line, named; nothing is written.
        """
        parsed = un_monthly.parse(data, name)
        listed = listed_in(parsed.rows)  # every mission each month lists, before any is left out
        if missions is not None:  # of some missions only (the lines keep their numbers)
            parsed.rows = [row for row in parsed.rows if row.mission in missions]
            parsed.aggregates = {}  # sums across every mission: they cannot be checked

        def work(batch: UnitOfWork) -> UNMonthlyImport:
            return import_rows(batch, parsed, name, source_url, progress, listed, missions)

        return work(_batch) if _batch is not None else self._in_batch(work)

    def import_un_pdf(
        self, path: str | Path, on: date | None = None, *, _batch: UnitOfWork | None = None
    ) -> UNReportImport:
        """Import one of the UN's monthly contribution reports as published (the PDF), every
        mission in it, all or nothing. ``on``: the month of a report that prints no date (the
        date printed is always the one used). Months already in the store with the same
        figures add nothing.

        Raises:
            InvalidInputError: not such a report, no mission column, rows that do not add up
                to a total it prints, no date: one line naming the file (and page).
        """
        return self.import_un_pdfs([path], on, _batch=_batch)

    def import_un_pdfs(
        self,
        paths: Sequence[str | Path],
        on: date | None = None,
        progress: Callable[[int, int], None] | None = None,
        *,
        missions: set[str] | None = None,
        source_url: str | None = None,
        _batch: UnitOfWork | None = None,
    ) -> UNReportImport:
        """``import_un_pdf`` of several reports (read in parallel, then written in one unit
        of work, oldest first), of the ``missions`` given (None: every mission), their
        events' source at ``source_url`` (where the files were published) when given.
        Among several files, a report by country and post only (no mission column) is
        skipped and named in the result (``by_country``); alone, it is an error.
        ``progress(steps done, steps)`` as it goes: each file read, then each recorded."""
        if not paths:
            raise InvalidInputError("no report to import: give one or more PDF files")
        steps = 2 * len(paths)

        def reading(done: int, _files: int) -> None:
            if progress is not None:
                progress(done, steps)

        def recording(done: int, _reports: int) -> None:
            if progress is not None:
                progress(len(paths) + done, steps)

        several = len(paths) > 1  # a report by country only is skipped among others
        from tracker.importers.un_reports import read_reports  # pdfplumber: only for PDFs

        found = read_reports(paths, on, reading, with_missions_only=several)
        by_country = [Path(p).name for p, r in zip(paths, found, strict=True) if r is None]
        reports = [r for r in found if r is not None]
        if not reports:
            raise InvalidInputError(
                f"none of the {len(paths)} reports has a mission column (they give figures by "
                "country and post only): nothing to import per mission"
            )
        result = self.import_un_reports(
            reports, recording, missions=missions, source_url=source_url, _batch=_batch
        )
        result.by_country = by_country
        return result

    def import_un_reports(
        self,
        reports: list[Report],
        progress: Progress | None = None,
        *,
        missions: set[str] | None = None,
        source_url: str | None = None,
        _batch: UnitOfWork | None = None,
    ) -> UNReportImport:
        """Record reports already read and checked (``tracker.importers.un_pdf.read``), all
        or nothing, oldest first; ``progress(reports recorded, reports)`` after each."""
        if _batch is not None:
            return record_reports(_batch, reports, missions, source_url, progress)
        return self._in_batch(
            lambda batch: record_reports(batch, reports, missions, source_url, progress)
        )

    def load_seeds(
        self,
        directory: str | Path | None = None,
        progress: Callable[[int, int], None] | None = None,
        missions: Iterable[str] | None = None,
    ) -> list[str]:
        """Load the seed files listed in ``directory/seeds.toml`` (default: the seeds that
        come with the tracker), in order, all or nothing; return one line of report per
        file (per pattern of files). ``missions``: of these missions only (their files, and
        their lines of the files of several missions). ``progress(events loaded, events)``
        as it goes (a line of a seed file is an event).

        Raises:
            InvalidInputError: a seed file is missing or has a bad line (named), or a mission
                asked for has no seeds.
        """
        folder = Path(directory) if directory is not None else shipped_seeds()
        entries = seeds.manifest(folder)
        wanted = {mission_acronym(m) for m in missions} if missions is not None else None
        if wanted is not None:
            entries = [e for e in entries if e.mission is None or e.mission in wanted]
            seeded = {e.mission for e in entries if e.mission is not None}
            if wanted - seeded:
                have = sorted({e.mission for e in seeds.manifest(folder) if e.mission})
                raise InvalidInputError(
                    f"no seeds for {', '.join(sorted(wanted - seeded))}: the seeds hold "
                    f"{', '.join(have)}"
                )
        files = [(entry, entry.read()) for entry in entries]
        total = sum(data.count(b"\n") for _, data in files)
        shown = [_shown(entry, folder, directory) for entry, _ in files]
        with collection_paused():
            apart = load_apart(self, folder, shown, files, wanted, progress)
        if apart is not None:
            return [seed_line(name, *tally) for name, tally in apart.items()]

        def work(batch: UnitOfWork) -> list[str]:  # all the files, or nothing
            counts: dict[str, list[int]] = {}  # shown -> [events, skipped, files]
            before = 0

            def step(done: int, _in_file: int) -> None:
                if progress is not None:
                    progress(before + done, max(total, before + done))

            for (entry, data), name in zip(files, shown, strict=True):
                done = self.load_seed_file(batch, entry, data, name, wanted, step)
                tally = counts.setdefault(name, [0, 0, 0])
                tally[0] += done.count
                tally[1] += done.skipped
                tally[2] += 1
                before += data.count(b"\n")
            return [seed_line(name, *tally) for name, tally in counts.items()]

        return self._in_batch(work)

    def load_seed_file(
        self,
        batch: UnitOfWork,
        entry: seeds.SeedFile,
        data: bytes,
        shown: str,
        missions: set[str] | None,
        progress: Progress | None = None,
        before_line: Callable[[int], None] | None = None,
    ) -> ImportResult:
        """Record one seed file in ``batch`` (of ``missions`` only, when given: its lines of
        them, when it may hold several missions')."""
        if entry.format == "un-monthly":
            result = self.import_un_monthly(data, shown, entry.source_url, progress, _batch=batch)
            return ImportResult(result.count, result.events, EventIds(), 0)
        only = missions if entry.mission is None else None
        return self.import_jsonl(
            data, shown, progress, _batch=batch, _missions=only, _before_line=before_line
        )


def _shown(entry: seeds.SeedFile, folder: Path, directory: str | Path | None) -> str:
    """How a load's report names a seed file: as the manifest does (a pattern for the files
    it matches), within the folder given if one was."""
    name = entry.entry or entry.path.relative_to(folder).as_posix()
    return name if directory is None else str(folder / name)


def _of(fields: dict[str, object], missions: set[str]) -> bool:
    """Whether a record is of one of ``missions`` (a bad acronym is the record's own error)."""
    mission = fields.get("mission")
    return not isinstance(mission, str) or mission.strip().upper() in missions


def seed_line(shown: str, count: int, skipped: int, files: int) -> str:
    """A line of ``load_seeds``' report: "un-record/*.jsonl.gz (38 files): 147,752 events"."""
    many = "" if count == 1 else "s"
    where = f"{shown} ({files} files)" if files > 1 else shown
    done = f" ({skipped:,} already in the store, skipped)" if skipped else ""
    return f"{where}: {count:,} event{many}{done}"


@contextmanager
def collection_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a batch is recorded, and put back as it was
    after (issue 25): a batch holds every change of the contingents it touches, and each full
    collection walks them all (10% of the UN record's import). Reference counting frees what
    is let go as usual; a batch makes no cycles to leave behind."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _rereadable(lines: Iterable[str]) -> Callable[[], Iterable[str]]:
    """The lines from their start, each time: a file that can seek is read from where it
    stood again (not held in memory: a million lines are 400 MB, issue 19); anything else is
    kept as a list."""
    seekable = getattr(lines, "seekable", None)
    if seekable is not None and seekable():
        file = cast("IO[str]", lines)
        start = file.tell()

        def from_start() -> Iterable[str]:
            file.seek(start)
            return file

        return from_start
    every = lines if isinstance(lines, list) else list(lines)
    return lambda: every


def shipped_seeds() -> Path:
    """The seeds that come with the tracker (the ``seeds`` package beside it)."""
    import seeds as shipped  # the project's own event files, packaged with it

    return shipped.DIRECTORY


EVERY = 250  # lines between two calls of a progress callback


def counted(lines: Iterable[str], progress: Progress) -> Iterator[str]:
    """``lines`` as they are, calling ``progress(lines so far, lines)`` every ``EVERY``; a
    file that can seek is counted first and read from where it stood (not held in memory)."""
    seekable = getattr(lines, "seekable", None)
    if isinstance(lines, list):
        every: Iterable[str] = lines
        total = len(lines)
    elif seekable is not None and seekable():
        file = cast("IO[str]", lines)
        start = file.tell()
        total = sum(1 for _ in file)
        file.seek(start)
        every = file
    else:
        every = list(lines)
        total = len(every)
    number = 0
    for number, line in enumerate(every, start=1):
        yield line
        if number % EVERY == 0:
            progress(number, total)
    progress(number, total)
