"""``tracker verify --views``: each view held to what the log gives (issue "Hardening, round
3", 5: a figure edited in a view's file was answered, stamped with the log's true hash).

A stamp vouches for the log; a view is derived from it, in a file anyone can edit. So the
views are checked on demand: each is derived again from the log into a file of its own, to the
position the view has reached, and every table of the two is compared row by row (the tables
of an index the database keeps itself, such as a search index's, are covered by what they
index). The first row that differs is named, with its key and the values on both sides.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from eventsourcing.application import Application

    from projections.engine import Projection

SHOWN = 6  # columns shown of a row that is not paired with one of the other side
BOOKKEEPING = ("_projection", "_tracking")
PAIRED = 50  # rows of each side that differ, read to pair an edited row with the log's
EDITED = 3  # columns a row without a key may differ in and still be paired with the log's


@dataclass(frozen=True)
class ViewDifference:
    """The first row of a view that is not what the log gives."""

    view: str
    path: str
    table: str
    problem: str

    def describe(self) -> str:
        return f"the {self.view} view ({self.path}) differs from the log: {self.problem}"


def check_views(
    app: Application[Any],
    views: Iterable[Projection],
    progress: Callable[[int, int], None] | None = None,
) -> list[ViewDifference]:
    """Each view with a file, caught up, then derived again from the log beside it and
    compared; the first difference of each view that has one. ``progress(views checked,
    views)`` as it goes."""
    found, kept = [], [view for view in views if view.path is not None]
    for done, view in enumerate(kept, 1):
        difference = _check(app, view)
        if difference is not None:
            found.append(difference)
        if progress is not None:
            progress(done, len(kept))
    return found


def _check(app: Application[Any], view: Projection) -> ViewDifference | None:
    assert view.path is not None
    with tempfile.TemporaryDirectory(prefix=".verify-", dir=view.path.parent) as folder:
        fresh = type(view)(Path(folder) / view.path.name)
        try:
            for _ in range(10):  # (others may be writing: both to one position)
                view.catch_up(app)
                fresh.catch_up(app)
                if fresh.position(app.name) == view.position(app.name):
                    break
        finally:
            fresh.close()
        return compare(view.name, view.path, Path(folder) / view.path.name)


def compare(name: str, path: Path, derived: Path) -> ViewDifference | None:
    """The first row in which the view's file ``path`` and the file ``derived`` from the log
    differ (None: they hold the same rows), read only."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("ATTACH DATABASE ? AS derived", [f"{derived.resolve().as_uri()}?mode=ro"])
        ours, theirs = _tables(conn, "main"), _tables(conn, "derived")
        for table in sorted(theirs.keys() | ours.keys()):
            if table not in ours or table not in theirs:
                side = "the view has no table" if table not in ours else "the log gives no table"
                return ViewDifference(name, str(path), table, f"{side} {table!r}")
            problem = _compare_table(conn, table)
            if problem is not None:
                return ViewDifference(name, str(path), table, f"table {table!r}: {problem}")
    finally:
        conn.close()
    return None


def _tables(conn: sqlite3.Connection, schema: str) -> dict[str, str]:
    """The tables of ``schema`` that answers are read from, and the view's bookkeeping: not
    the database's own, not a view's private indexes over them (``_name``: an R*Tree's
    boxes, numbered in the order rows were written, which differs between a catch-up and a
    rebuild), nor a search index (virtual tables and theirs: over the rows compared)."""
    return {
        row[1]: row[2]
        for row in conn.execute(f"PRAGMA {schema}.table_list")
        if row[2] == "table"
        and not row[1].startswith("sqlite_")
        and (not row[1].startswith("_") or row[1] in BOOKKEEPING)
    }


def _compare_table(conn: sqlite3.Connection, table: str) -> str | None:
    info = list(conn.execute(f"PRAGMA derived.table_info([{table}])"))
    columns = [row[1] for row in info]
    if [row[1] for row in conn.execute(f"PRAGMA main.table_info([{table}])")] != columns:
        return "its columns are not the ones the view makes"
    listed = ", ".join(f"[{c}]" for c in columns)

    def differing(first: str, second: str) -> list[tuple[Any, ...]]:
        return conn.execute(
            f"SELECT {listed} FROM {first}.[{table}] EXCEPT "
            f"SELECT {listed} FROM {second}.[{table}] LIMIT {PAIRED}"
        ).fetchall()

    extra, missing = differing("main", "derived"), differing("derived", "main")
    if not extra and not missing:
        return _count_problem(conn, table)
    key = [row[1] for row in sorted(info, key=lambda row: row[5]) if row[5]]
    if not extra:
        return f"the view lacks a row the log gives: {_row(columns, missing[0])}"
    row = extra[0]
    partner = _partner(row, missing, columns, key)
    if partner is None and key:  # the log's row of that key, if it gives one
        where = " AND ".join(f"[{c}] IS ?" for c in key)
        partner = conn.execute(
            f"SELECT {listed} FROM derived.[{table}] WHERE {where}",
            [row[columns.index(c)] for c in key],
        ).fetchone()
    if partner is None:
        return f"the view has a row the log does not give: {_row(columns, row)}"
    same = key or [c for i, c in enumerate(columns) if row[i] == partner[i]]
    label = _row(columns, tuple(row[i] if c in same else None for i, c in enumerate(columns)))
    changed = [
        f"{c} is {row[i]!r} where the log gives {partner[i]!r}"
        for i, c in enumerate(columns)
        if row[i] != partner[i]
    ]
    return f"the row {label}: {'; '.join(changed)}"


def _partner(
    row: tuple[Any, ...], candidates: list[tuple[Any, ...]], columns: list[str], key: list[str]
) -> tuple[Any, ...] | None:
    """The row of the log's side that ``row`` is an edited copy of: the one of the same key,
    else (no key) the one that agrees with it in most columns, if in all but a few."""
    if key:
        at = [columns.index(c) for c in key]
        return next((c for c in candidates if all(c[i] == row[i] for i in at)), None)
    best, agreed = None, len(columns) - EDITED - 1
    for candidate in candidates:
        equal = sum(a == b for a, b in zip(candidate, row, strict=True))
        if equal > agreed:
            best, agreed = candidate, equal
    return best


def _count_problem(conn: sqlite3.Connection, table: str) -> str | None:
    """The same rows, but maybe not as many times (EXCEPT compares sets)."""
    (ours,) = conn.execute(f"SELECT COUNT(*) FROM main.[{table}]").fetchone()
    (theirs,) = conn.execute(f"SELECT COUNT(*) FROM derived.[{table}]").fetchone()
    if ours == theirs:
        return None
    return f"it has {ours:,} rows where the log gives {theirs:,} (a row repeated)"


def _row(columns: list[str], values: tuple[Any, ...]) -> str:
    shown = [f"{c} {v!r}" for c, v in zip(columns, values, strict=True) if v is not None]
    more = ", ..." if len(shown) > SHOWN else ""
    return "(" + ", ".join(shown[:SHOWN]) + more + ")"
