"""The real record as a benchmark input: the UN's whole monthly record, every mission (the CSV
files of 2009-11..2014-08 and the monthly PDFs of 2015-01..2024-11, in ../shared/data, read
where they are, never copied).

- PDF reading, file by file: ``tracker.importers.un_pdf.read`` (words, rules, the layout, the
  checks against every printed total) against pdfplumber's bare ``extract_words`` of every page
  of the same file, each timed in CPU seconds of the same worker process, one after the other;
- the import of the CSV files and of the reports read, into a fresh SQLite store;
- the views built from it (``Tracker.catch_up``), and the first answer after them; the
  strength view alone rebuilt from it (as the generated log's rebuild step);
- strength answers at sampled dates for the busiest missions, each compared with DuckDB's
  from the same events (bench/flat_events.py).
"""

from __future__ import annotations

import os
import random
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CSV_FILES = (
    "un_contributions_by_mission_country_2009-11_2013-12.csv",
    "un_contributions_by_mission_country_2014-01_2014-08.csv",
)


def pdf_files(shared: Path = SHARED) -> list[Path]:
    return sorted((shared / "un-monthly-pdf" / "pdf").glob("UN_country_contributions_*.pdf"))


def sample(files: list[Path], count: int | None) -> list[Path]:
    """``count`` files spread evenly over the years (None: every one)."""
    if count is None or count >= len(files):
        return files
    step = (len(files) - 1) / max(count - 1, 1)
    return [files[round(n * step)] for n in range(count)]


def month_of(path: Path) -> date | None:
    """The month of the one report that prints no date, as the seeds take it (``seeds.build``:
    from its name, shared/data/SOURCES.md); None for the others (their name need not be the
    month they print: 2015_03 prints 2015-04)."""
    from seeds.build import UNDATED

    return UNDATED.get(path.name)


def bare_words(path: Path) -> int:
    """pdfplumber's bare word extraction of every page: what any reader of the file does."""
    import pdfplumber

    words = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            words += len(page.extract_words())
            page.close()
    return words


def read_one(path: Path, bare_first: bool = False) -> dict[str, Any]:
    """Ours and the bare extraction of one file, in this (worker) process, each timed in CPU
    seconds of this process (the machine is shared: wall time would count others' work), one
    after the other (``bare_first``: in the other order, so neither always finds the file in
    the page cache first)."""
    from tracker.importers.un_pdf import NoMissionBreakdownError, read

    def ours() -> Any:
        try:
            return read(path, date=month_of(path))
        except NoMissionBreakdownError:
            return None  # by country and post only: refused after its first page

    timings: dict[str, float] = {}
    found: dict[str, Any] = {}
    for name, work in (("bare", lambda: bare_words(path)), ("ours", ours))[
        :: 1 if bare_first else -1
    ]:
        start, wall = time.process_time(), time.perf_counter()
        found[name] = work()
        timings[name], timings[name + "_wall"] = (
            time.process_time() - start,
            time.perf_counter() - wall,
        )
    return {
        "file": path.name,
        "ours_s": timings["ours"],
        "bare_s": timings["bare"],
        "ours_wall_s": timings["ours_wall"],
        "bare_wall_s": timings["bare_wall"],
        "words": found["bare"],
        "report": found["ours"],
    }


def read_all(files: list[Path], workers: int) -> list[dict[str, Any]]:
    if workers <= 1:
        return [read_one(f, n % 2 == 1) for n, f in enumerate(files)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(read_one, files, [n % 2 == 1 for n in range(len(files))]))


def strength_dates(
    missions: list[tuple[str, date, date]], samples: int, seed: int
) -> Iterator[tuple[str, date]]:
    rng = random.Random(seed)
    for n in range(samples):
        mission, first, last = missions[n % len(missions)]
        yield mission, first + timedelta(days=rng.randrange((last - first).days + 1))


def run(
    store: Path, pdfs: int | None, samples: int, seed: int, missions: set[str] | None = None
) -> dict[str, Any]:
    """Every measure on the real record (``pdfs``: how many PDF files, spread; None: all;
    ``missions``: the missions imported, None: every one; the harness's own test takes one)."""
    from flat_events import DUCKDB_STRENGTH, duckdb_table

    from tracker import Tracker

    files = sample(pdf_files(), pdfs)
    started = time.perf_counter()
    read = read_all(files, min(os.cpu_count() or 1, 2))
    read_wall = time.perf_counter() - started
    parsed = [r for r in read if r["report"] is not None]
    ours = sum(r["ours_s"] for r in parsed)
    bare = sum(r["bare_s"] for r in parsed)
    per_file = [r["ours_s"] / r["bare_s"] for r in parsed]
    store.parent.mkdir(parents=True, exist_ok=True)
    for stale in store.parent.glob(store.stem + ".*"):
        stale.unlink()
    tracker = Tracker(store)
    start = time.perf_counter()
    csv_events = 0
    for name in CSV_FILES:
        path = SHARED / "un-monthly" / name
        csv_events += tracker.import_un_monthly(path.read_bytes(), name, missions=missions).count
    csv_s = time.perf_counter() - start
    start = time.perf_counter()
    reports = [r["report"] for r in parsed]
    pdf_events = tracker.import_un_reports(reports, missions=missions).count
    pdf_import_s = time.perf_counter() - start
    start = time.perf_counter()
    applied = tracker.catch_up()
    views_s = time.perf_counter() - start
    start = time.perf_counter()
    first = tracker.strength("MINUSMA", date(2016, 12, 31), by=["contributor"])
    first_answer_ms = (time.perf_counter() - start) * 1000
    if not first.rows:
        raise SystemExit("real record: no MINUSMA strength on 2016-12-31")
    con = duckdb_table(str(store), str(store.parent))
    asked = con.execute(
        "SELECT mission, min(effective), max(effective) FROM events "
        "WHERE kind IN ('report', 'deploy', 'withdraw', 'move') "
        "GROUP BY mission ORDER BY count(*) DESC, mission LIMIT 5"
    ).fetchall()
    mismatches: list[str] = []
    never = date(9999, 12, 31)
    checked = 0
    for mission, on in strength_dates(asked, samples, seed):
        answer = tracker.strength(mission, on, by=["contributor"])
        duck = con.execute(DUCKDB_STRENGTH, {"mission": mission, "on": on, "known": never})
        got = [(row.contributor, row.strength) for row in answer.rows]
        theirs = [tuple(row) for row in duck.fetchall()]
        checked += 1
        if got != theirs:
            different = sorted(set(got) ^ set(theirs), key=str)[:6]
            mismatches.append(f"{mission} on {on}: differ in {different}")
    # the strength view alone rebuilt from the real events: the same work as the generated
    # log's rebuild step, per event
    start = time.perf_counter()
    rebuilt = tracker.rebuild_projection("strength")
    rebuild_s = time.perf_counter() - start
    tracker.close()
    return {
        "pdf_files": len(files),
        "pdf_files_read": len(parsed),
        "pdf_files_without_missions": len(read) - len(parsed),
        "pdf_read_s": ours,
        "pdf_bare_s": bare,
        "pdf_vs_pdfplumber": ours / bare if bare else None,
        "pdf_vs_pdfplumber_worst_file": max(per_file) if per_file else None,
        "pdf_read_wall_s": read_wall,
        "pdf_per_file": [
            {k: v for k, v in r.items() if k != "report"} | {"read": r["report"] is not None}
            for r in read
        ],
        "csv_events": csv_events,
        "csv_import_s": csv_s,
        "pdf_events": pdf_events,
        "pdf_import_s": pdf_import_s,
        "import_s": csv_s + pdf_import_s,
        "views_events": applied,
        "views_s": views_s,
        "strength_rebuild_s": rebuild_s,
        "strength_rebuild_events_per_s": rebuilt / rebuild_s,
        "first_answer_ms": first_answer_ms,
        "duckdb_checked_answers": checked,
        "duckdb_mismatches": len(mismatches),
        "duckdb_mismatch_examples": mismatches[:3],
        "missions_asked": [m for m, _first, _last in asked],
    }
