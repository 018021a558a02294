"""Importing: JSON Lines of events, the UN's monthly figures, and the seeds; each import is
one unit of work, all or nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from events.errors import InvalidInputError, TrackerError
from tracker.answers.records import ImportResult
from tracker.app.core import TrackerCore
from tracker.app.unit_of_work import UnitOfWork, retrying
from tracker.importers import jsonl, seeds, un_monthly
from tracker.importers.un_events import UNMonthlyImport, import_rows

if TYPE_CHECKING:
    from collections.abc import Iterable


class Importing(TrackerCore):
    """Imports of whole files: each one unit of work."""

    def import_events(
        self, lines: Iterable[str], name: str = "<input>", *, _batch: UnitOfWork | None = None
    ) -> ImportResult:
        """Import JSON Lines: one event object per line with a ``type`` field. All or nothing:
        the first bad line raises, naming ``name`` and the line, and nothing is written. An
        event identical to one the store holds is skipped (``ImportResult.skipped``), so a
        file imported twice adds nothing; a race lost to another writer is tried again.

        Raises:
            InvalidInputError: a line is not valid; the message starts with ``name:line:``.
        """
        if _batch is None:
            every = lines if isinstance(lines, list) else list(lines)  # read again on a retry

            def attempt() -> ImportResult:
                with UnitOfWork(self, streaming=True) as batch:
                    result = self.import_events(every, name, _batch=batch)
                    batch.save()
                    return result

            return retrying(attempt)
        batch = _batch
        ids: list[str] = []
        kinds: Counter[str] = Counter()
        skipped = batch.known.skipped
        for number, kind, fields in jsonl.records(lines, name):
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
        if not ids and not skipped:
            raise InvalidInputError(f"{name}: no events in it - nothing was written")
        return ImportResult(len(ids), dict(kinds), ids, skipped)

    def import_jsonl(
        self, data: bytes, name: str = "<input>", *, _batch: UnitOfWork | None = None
    ) -> ImportResult:
        """``import_events`` of a file's bytes: UTF-8 (a BOM is fine), one event per line.

        Raises:
            InvalidInputError: not UTF-8 (the line is named), or a bad line; nothing written.
        """
        return self.import_events(jsonl.decode(data, name), name, _batch=_batch)

    def import_un_monthly(
        self,
        data: bytes,
        name: str = "<input>",
        source_url: str | None = None,
        *,
        _batch: UnitOfWork | None = None,
    ) -> UNMonthlyImport:
        """Import the UN's monthly contributions by mission, country and personnel type (the
        IPI loader's CSV form: any months, any missions), all or nothing. Months already in
        the store with the same figures are skipped, so a re-import adds nothing.

        Raises:
            InvalidInputError: a bad line, named; nothing is written.
        """
        parsed = un_monthly.parse(data, name)
        if _batch is not None:
            return import_rows(_batch, parsed, name, source_url)

        def attempt() -> UNMonthlyImport:
            with UnitOfWork(self, streaming=True) as batch:
                result = import_rows(batch, parsed, name, source_url)
                batch.save()
            return result

        return retrying(attempt)

    def load_seeds(self, directory: str | Path) -> list[str]:
        """Load the seed files listed in ``directory/seeds.toml``, in order; return one line
        of report per file.

        Raises:
            InvalidInputError: a seed file is missing or has a bad line (named).
        """
        files = [(entry, entry.read()) for entry in seeds.manifest(directory)]

        def attempt() -> list[str]:
            report: list[str] = []
            with UnitOfWork(self, streaming=True) as batch:  # all the files, or nothing
                for entry, data in files:
                    shown = str(entry.path)
                    if entry.format == "un-monthly":
                        result = self.import_un_monthly(data, shown, entry.source_url, _batch=batch)
                        report.append(f"{shown}: {result.count} events")
                    else:
                        done = self.import_jsonl(data, shown, _batch=batch)
                        skipped = f" ({done.skipped} already in the store, skipped)"
                        report.append(f"{shown}: {done.count} events{skipped * bool(done.skipped)}")
                batch.save()
            return report

        return retrying(attempt)
