"""Hardening, round 3, item 6: a figure in a UN PDF report past what any operation ever
fielded (over 1,000,000), even one that agrees with the totals printed around it, is refused
in one line naming the file, the page and the row, never a pydantic traceback."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from events.errors import InvalidInputError
from tracker import Tracker
from tracker.cli import cli
from tracker.importers.un_pdf.checker import check
from tracker.importers.un_pdf.model import PdfRow, Printed, Report
from tracker.importers.un_pdf.pages import LayoutError

HUGE = 1_000_001


def rows() -> list[PdfRow]:
    return [
        PdfRow(7, "MINUSMA", "TCD", "Chad", "troops", HUGE, 0, HUGE),
        PdfRow(7, "MINUSMA", "TCD", "Chad", "staff_officers", 10, 2, 12),
    ]


def report() -> Report:
    return Report(
        file="UN_country_contributions_2022_11.pdf",
        title="Contribution of Uniformed Personnel to UN by Mission, Country, and Personnel Type",
        date=date(2022, 11, 30),
        date_printed=True,
        layout="H",
        rows=rows(),
        checks=2,
        pages=33,
    )


SAID = (
    "UN_country_contributions_2022_11.pdf, page 7: Chad (TCD) troops in MINUSMA: a figure of "
    "1,000,001, more than any operation ever fielded (1,000,000 at most) - the file may be "
    "damaged; nothing was imported"
)


def test_a_report_with_a_figure_past_the_bound_is_refused_naming_file_page_and_row(
    tracker: Tracker,
) -> None:
    before = tracker.recorder.max_notification_id()
    with pytest.raises(InvalidInputError) as refused:
        tracker.import_un_reports([report()])
    assert str(refused.value) == SAID
    assert tracker.recorder.max_notification_id() == before


def test_the_checker_refuses_it_when_the_totals_printed_agree() -> None:
    """The reader's own check: the row agrees with its printed totals, and is still refused
    (on its page) before any event is made."""
    printed = [
        Printed(7, "the total of Chad in MINUSMA", HUGE + 12, mission="MINUSMA", contributor="TCD"),
        Printed(33, "the grand total", HUGE + 12),
    ]
    with pytest.raises(LayoutError) as refused:
        check(rows(), printed)
    assert refused.value.page == 7
    assert str(refused.value).startswith("Chad (TCD) troops in MINUSMA: a figure of 1,000,001")


def test_through_the_command_line_it_exits_2_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tracker.importers import un_reports

    monkeypatch.setattr(
        un_reports, "read_reports", lambda paths, on, progress, **_: [report() for _ in paths]
    )
    pdf = tmp_path / "UN_country_contributions_2022_11.pdf"
    pdf.write_bytes(b"%PDF-1.7\n")
    db = tmp_path / "t.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", "--format", "un-pdf", str(pdf)])
    assert result.exit_code == 2, result.output
    assert result.output == f"Error: {SAID}\n"
    assert not db.exists() or Tracker(db).head()[0] == 0
