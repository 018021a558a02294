"""What a UN monthly contribution PDF is read into: its rows and the totals it prints.

``PdfRow`` is one figure of the report: a contributor's personnel of one type in one mission.
``Printed`` is a total or subtotal the report prints, with the rows it covers (those matching
its mission, contributor and personnel type, where given); the checker holds the rows against
every one. ``Parsed`` is what a layout gives back; ``Report`` what ``read`` returns.

Personnel types are the project's codes. Until April 2017 (layouts A and B) the UN counts
staff officers inside its "Troops"/"Contingent Troop" figure: those rows are ``troops`` and
no ``staff_officers`` row exists in those reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .pages import LayoutError

TYPES: dict[str, str] = {  # as printed, lower case
    "troops": "troops",
    "troop": "troops",
    "contingent troop": "troops",
    "contingent troops": "troops",
    "contingent": "troops",
    "staff officer": "staff_officers",
    "staff officers": "staff_officers",
    "staff": "staff_officers",
    "mso": "staff_officers",
    "experts on mission": "military_experts",
    "experts": "military_experts",
    "unmem": "military_experts",
    "individual police": "individual_police",
    "ind police": "individual_police",
    "police": "individual_police",
    "unpol": "individual_police",
    "formed police units": "formed_police_units",
    "formed police unit": "formed_police_units",
    "fpu": "formed_police_units",
}


def personnel_type(raw: str, page: int) -> str:
    """The project's code for a personnel type as printed ("Contingent Troop", "FPU", ...)."""
    code = TYPES.get(" ".join(raw.lower().split()))
    if code is None:
        raise LayoutError(page, f"{raw!r} is not a personnel type this importer knows")
    return code


@dataclass(frozen=True)
class PdfRow:
    """One printed figure: ``total`` is authoritative; ``male``/``female`` as printed (in
    2020-08 the UN split them wrongly). ``name`` is the contributor as printed (maybe cut)."""

    page: int
    mission: str
    contributor: str
    name: str
    personnel_type: str
    male: int
    female: int
    total: int


@dataclass(frozen=True)
class Printed:
    """A total the report prints over the rows matching the fields given (None: any).
    ``rows=True``: a printed count of rows, not of personnel."""

    page: int
    what: str
    total: int
    male: int | None = None
    female: int | None = None
    mission: str | None = None
    contributor: str | None = None
    personnel_type: str | None = None
    rows: bool = False


@dataclass(frozen=True)
class Parsed:
    """A layout's reading of a report, before the checks."""

    title: str
    date: date | None
    rows: list[PdfRow]
    printed: list[Printed] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    """A checked report. ``date`` is the month end the report is of (as printed, or as given
    when it prints none: ``date_printed`` says which); ``checks`` is how many printed totals
    and subtotals its rows were held against, all matching."""

    file: str
    title: str
    date: date
    date_printed: bool
    layout: str
    rows: list[PdfRow]
    checks: int
    pages: int
