"""The UN's monthly peacekeeping contribution PDFs ("UN Mission's Summary detailed by Country",
2015, to "Contribution of Uniformed Personnel to UN by Mission, Country, and Personnel Type",
2021 on), every mission: one module per layout (``layout_a`` .. ``layout_j``), each with
``detect(pages)`` and ``parse(pages)``; ``reader`` dispatches and ``checker`` holds the rows
against every total the report prints before anything is returned.

    report = read("UN_country_contributions_2022_11.pdf")
    report.date, report.layout, report.checks, report.rows[0]

The date is the one printed on the report, never the file's name (the files named 2015_03,
2016_03 and 2017_03 are the April reports; 2020_06 is June 2022). Reports by country and post
only (layouts D and I) have no mission column and are refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from events.lazy import lazy_exports

from .model import PdfRow, Report

if TYPE_CHECKING:
    from .reader import NoMissionBreakdownError, prints_no_date, read

__all__ = ["NoMissionBreakdownError", "PdfRow", "Report", "prints_no_date", "read"]


# The reader (and PDFium with it) loads when a PDF is read, not with every import of other
# files (issue 19: import memory).
__getattr__ = lazy_exports(
    __name__,
    dict.fromkeys(("NoMissionBreakdownError", "prints_no_date", "read"), f"{__name__}.reader"),
)
