"""The ledger check: a report's rows held against every total and subtotal it prints.

Nothing is returned from a report until this passes. Each ``Printed`` total covers the rows
matching its mission, contributor and personnel type (where given); their totals (and male and
female, where the report prints them) must add up to it exactly. A row printed twice for the
same mission, contributor and type is refused (``merge``), unless it is all zero. A figure
past any operation ever fielded is refused first (``in_bounds``), whatever the totals say.
"""

from __future__ import annotations

from collections import defaultdict

from events.values import MAX_COUNT

from .model import PdfRow, Printed
from .pages import LayoutError

Key = tuple[str | None, str | None, str | None]


def _pattern(printed: Printed) -> tuple[bool, bool, bool]:
    return (
        printed.mission is not None,
        printed.contributor is not None,
        printed.personnel_type is not None,
    )


def _key(row: PdfRow, pattern: tuple[bool, bool, bool]) -> Key:
    mission, contributor, kind = pattern
    return (
        row.mission if mission else None,
        row.contributor if contributor else None,
        row.personnel_type if kind else None,
    )


def merge(rows: list[PdfRow]) -> list[PdfRow]:
    """The rows with a mission x contributor x type printed twice made one: an all-zero
    repeat (the UN's database prints some) adds nothing and is dropped; any other repeat is
    refused, as the report would say two things at once."""
    seen: dict[tuple[str, str, str], int] = {}
    out: list[PdfRow] = []
    for row in rows:
        key = (row.mission, row.contributor, row.personnel_type)
        if key not in seen:
            seen[key] = len(out)
            out.append(row)
            continue
        first = out[seen[key]]
        if not (row.male or row.female or row.total):
            continue
        if not (first.male or first.female or first.total):
            out[seen[key]] = row
            continue
        figures = (
            f"{first.male}/{first.female}/{first.total} and {row.male}/{row.female}/{row.total}"
        )
        raise LayoutError(
            row.page,
            f"{row.name} ({row.contributor}) {row.personnel_type} in {row.mission} is "
            f"printed twice ({figures}, male/female/total; first on page {first.page}) "
            "- the file may be damaged",
        )
    return out


def closed(printed: list[Printed]) -> list[Printed]:
    """``printed``, if it holds the report's closing figure (its grand total, or its count of
    rows): a report cut short (pages lost) would lack it."""
    if not any(p.mission is None and p.contributor is None for p in printed):
        raise LayoutError(None, "the report ends without its grand total - it may be truncated")
    return printed


def in_bounds(rows: list[PdfRow]) -> list[PdfRow]:
    """``rows``, if every figure is one an event may hold (at most ``MAX_COUNT``): a figure
    past it that agrees with its printed totals ended in a pydantic traceback when recorded
    (issue "Hardening, round 3", 6)."""
    for row in rows:
        for figure in (row.total, row.male, row.female):
            if not 0 <= figure <= MAX_COUNT:
                raise LayoutError(
                    row.page,
                    f"{row.name} ({row.contributor}) {row.personnel_type} in {row.mission}: a "
                    f"figure of {figure:,}, more than any operation ever fielded "
                    f"({MAX_COUNT:,} at most) - the file may be damaged",
                )
    return rows


def check(rows: list[PdfRow], printed: list[Printed]) -> int:
    """Hold ``rows`` (as printed, repeats included) against every printed total; the
    number checked, or LayoutError."""
    in_bounds(rows)
    sums: dict[tuple[bool, bool, bool], dict[Key, list[int]]] = {}
    for total in printed:
        pattern = _pattern(total)
        if pattern not in sums:
            table: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
            for row in rows:
                entry = table[_key(row, pattern)]
                entry[0] += row.male
                entry[1] += row.female
                entry[2] += row.total
                entry[3] += 1
            sums[pattern] = table
        male, female, added, count = sums[pattern].get(
            (total.mission, total.contributor, total.personnel_type), [0, 0, 0, 0]
        )
        if total.rows:
            if count != total.total:
                raise LayoutError(
                    total.page,
                    f"{total.what} printed is {total.total:,}, but {count:,} rows were read "
                    "- the file may be damaged",
                )
            continue
        for part, want, got in (
            ("", total.total, added),
            ("the male figure of ", total.male, male),
            ("the female figure of ", total.female, female),
        ):
            if want is not None and want != got:
                raise LayoutError(
                    total.page,
                    f"{part}{total.what} printed is {want:,}, its rows add up to {got:,} "
                    "- the file may be damaged",
                )
    return len(printed)
