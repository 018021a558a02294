"""The UN's monthly "Contribution of Uniformed Personnel to UN by Mission, Country and Personnel
Type" figures, in the tabular form IPI's Providing for Peacekeeping loader publishes them
(``Date, Contributor, Contributor_ISO-3, Mission``, then male/female/total for each personnel
type, then ``Total_*``). Any month and any mission of that form.

This module only reads and checks the file (``parse``); turning rows into events against the
store's history is ``Tracker.import_un_monthly``.

What the rows mean (see shared/data/SOURCES.md):
- ``NA`` is "no personnel of that type reported", not 0: no event for it;
- a row whose figures are all ``NA`` is a contributor present whose figures were not published:
  unknown, neither 0 nor absent;
- a type's ``Total`` is authoritative; male and female are kept as given, even when they do not
  add up to it (gender not given for everyone);
- ``Mission`` = ``all`` rows are sums across missions (``Contributor`` = ``all``: the grand
  total): they are checks, not contributions;
- artefacts of later months (a trailing apostrophe on text fields, months repeated) are
  normalised and counted; a repeat with other figures is an error.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pycountry

from events.errors import InvalidInputError

TYPES: dict[str, str] = {
    "Troops": "troops",  # in these years, contingent troops including staff officers
    "Experts_on_Mission": "military_experts",
    "Individual_Police": "individual_police",
    "Formed_Police_Units": "formed_police_units",
}
TEXT_COLUMNS = ("Date", "Contributor", "Contributor_ISO-3", "Mission")
FIGURE_COLUMNS = tuple(
    f"{prefix}_{part}" for prefix in (*TYPES, "Total") for part in ("Male", "Female", "Total")
)
COLUMNS = (*TEXT_COLUMNS, *FIGURE_COLUMNS)


@dataclass(frozen=True)
class Figure:
    """One personnel type's figures in a row: ``total`` authoritative, gender as given."""

    total: int
    male: int | None
    female: int | None


@dataclass(frozen=True)
class Row:
    """One contribution: a contributor's personnel in a mission at a month end. ``figures``
    holds the types with a figure (``NA`` types are absent); empty means all ``NA``:
    present, figures not published."""

    line: int
    date: date
    mission: str
    contributor: str
    name: str
    figures: dict[str, Figure]
    total: int | None

    @property
    def unknown(self) -> bool:
        return not self.figures


@dataclass
class Parsed:
    """A checked file: its contributions, its aggregate rows, and what was normalised."""

    rows: list[Row] = field(default_factory=list)
    aggregates: dict[tuple[date, str], dict[str, int | None]] = field(default_factory=dict)
    encoding: str = "utf-8"
    apostrophes: int = 0
    repeats: int = 0
    lines: int = 0
    leap_february_28: int = 0


def _decode(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _month_end(text: str, where: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(
            f"{where}: field 'Date': {text!r} is not a date (YYYY-MM-DD)"
        ) from None
    if day.day != calendar.monthrange(day.year, day.month)[1] and not _leap_february_28(day):
        raise InvalidInputError(
            f"{where}: field 'Date': {text} is not a month end (these are month-end figures)"
        )
    return day


def _leap_february_28(day: date) -> bool:
    """The source dates February 2012's report 2012-02-28, the month end of other years: it is
    kept as published, and counted."""
    return day.month == 2 and day.day == 28 and calendar.isleap(day.year)


def _figure(value: str, column: str, where: str) -> int | None:
    if value == "NA":
        return None
    if re.fullmatch(r"\d{8,}", value):
        raise InvalidInputError(
            f"{where}: field {column!r}: {value[:24]!r} is more personnel than any mission has "
            "had (at most 9,999,999) - check the file"
        )
    if not re.fullmatch(r"\d{1,7}", value):
        raise InvalidInputError(f"{where}: field {column!r}: {value!r} is not a number or NA")
    return int(value)


def parse(data: bytes, name: str) -> Parsed:
    """Read and check a whole file; the first problem raises, naming the file and line.

    Raises:
        InvalidInputError: one line: ``name:line: field 'X': what is wrong``.
    """
    if not data.strip():
        raise InvalidInputError(f"{name}: the file is empty - nothing was written")
    text, encoding = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _parse(reader, name, Parsed(encoding=encoding))
    except csv.Error as error:  # a field over csv's size limit (a 100 MB line), say
        raise InvalidInputError(
            f"{name}:{reader.line_num}: not readable as CSV ({error}) - is this the UN file?"
        ) from None


def _parse(reader: Any, name: str, parsed: Parsed) -> Parsed:
    header = [h.strip().rstrip("'") for h in next(reader, [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InvalidInputError(
            f"{name}:1: not the UN monthly contributions format: missing column {missing[0]!r}"
        )
    index = {column: header.index(column) for column in COLUMNS}
    seen: dict[tuple[date, str, str], tuple[int, tuple[int | None, ...]]] = {}
    for values in reader:
        where = f"{name}:{reader.line_num}"
        if not any(v.strip() for v in values):
            continue
        parsed.lines += 1
        if len(values) != len(header):
            raise InvalidInputError(
                f"{where}: {len(values)} fields where the header has {len(header)} "
                "(a truncated or broken line)"
            )
        cells = {c: values[index[c]].strip() for c in COLUMNS}
        for column in TEXT_COLUMNS:
            if cells[column].endswith("'"):
                cells[column] = cells[column].rstrip("'")
                parsed.apostrophes += 1
        day = _month_end(cells["Date"], where)
        parsed.leap_february_28 += _leap_february_28(day)
        code, mission = cells["Contributor_ISO-3"].upper(), cells["Mission"].upper()
        if code != "ALL" and pycountry.countries.get(alpha_3=code) is None:
            raise InvalidInputError(
                f"{where}: field 'Contributor_ISO-3': {code!r} is not an ISO 3166 alpha-3 code"
            )
        if mission != "ALL" and not re.fullmatch(r"[A-Z][A-Z0-9-]{1,19}", mission):
            raise InvalidInputError(
                f"{where}: field 'Mission': {mission!r} is not a mission acronym"
            )
        numbers = {c: _figure(cells[c], c, where) for c in FIGURE_COLUMNS}
        parts = [numbers[f"{t}_Total"] for t in TYPES]
        total = numbers["Total_Total"]
        if total is not None and total != sum(p or 0 for p in parts):
            raise InvalidInputError(
                f"{where}: field 'Total_Total': {total} is not the sum of its parts "
                f"({sum(p or 0 for p in parts)})"
            )
        if total is None and any(p is not None for p in parts):
            raise InvalidInputError(
                f"{where}: field 'Total_Total': NA although some types have figures"
            )
        key = (day, mission, code)
        signature = tuple(numbers.values())
        if key in seen:
            first_line, first = seen[key]
            if first != signature:
                raise InvalidInputError(
                    f"{where}: repeats line {first_line} ({mission} {day} {code}) "
                    "with other figures"
                )
            parsed.repeats += 1
            continue
        seen[key] = (reader.line_num, signature)
        if mission == "ALL":
            parsed.aggregates[(day, code)] = {
                c: numbers[c] for c in FIGURE_COLUMNS if c.endswith("_Total")
            }
            continue
        if code == "ALL":
            raise InvalidInputError(
                f"{where}: field 'Contributor': 'all' for one mission is not a contribution"
            )
        figures = {
            TYPES[t]: Figure(
                numbers[f"{t}_Total"] or 0, numbers[f"{t}_Male"], numbers[f"{t}_Female"]
            )
            for t in TYPES
            if numbers[f"{t}_Total"] is not None
        }
        parsed.rows.append(
            Row(reader.line_num, day, mission, code, cells["Contributor"], figures, total)
        )
    if not parsed.rows:
        raise InvalidInputError(f"{name}: no contribution rows in it - nothing was written")
    return parsed


@dataclass(frozen=True)
class Check:
    """An aggregate row of the file against the sum of its contributions."""

    day: date
    contributor: str  # ISO code, or "ALL" for the grand total
    column: str
    published: int | None
    summed: int
    unknown: tuple[str, ...]  # contributors with unpublished figures in that sum

    def describe(self) -> str:
        who = "grand total" if self.contributor == "ALL" else f"{self.contributor} across missions"
        gap = (self.published or 0) - self.summed
        why = (
            f"; {', '.join(self.unknown)}: figures not published that month, which may account "
            "for it"
            if self.unknown
            else ""
        )
        return (
            f"{self.day} {who} {self.column}: file says {self.published}, "
            f"contributions add up to {self.summed} (difference {gap:+}){why}"
        )


def check_aggregates(parsed: Parsed) -> tuple[int, list[Check]]:
    """Compare every aggregate row with the sum of the contributions; return how many were
    checked and the mismatches."""
    sums: dict[tuple[date, str], Counter[str]] = defaultdict(Counter)
    unknown: dict[tuple[date, str], set[str]] = defaultdict(set)
    for row in parsed.rows:
        for key in ((row.date, row.contributor), (row.date, "ALL")):
            if row.unknown:
                unknown[key].add(row.contributor)
            for personnel_type, figure in row.figures.items():
                column = next(t for t, p in TYPES.items() if p == personnel_type) + "_Total"
                sums[key][column] += figure.total
                sums[key]["Total_Total"] += figure.total
    mismatches = []
    for key, published in parsed.aggregates.items():
        for column, value in published.items():
            if (value or 0) != sums[key][column]:
                mismatches.append(
                    Check(
                        key[0],
                        key[1],
                        column,
                        value,
                        sums[key][column],
                        tuple(sorted(unknown[key])),
                    )
                )
    return len(parsed.aggregates), mismatches
