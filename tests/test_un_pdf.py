"""The UN monthly contribution PDF reader (tracker.importers.un_pdf).

All 118 real reports (shared/data/un-monthly-pdf, read once, two worker processes) against the
independent reference parse, figure by figure; the pages PDFium reads against pdfplumber's
words and ruling lines (a page of each producer, turned, in a form; paths written by hand);
then one small test per rule, on PDFs built here with matplotlib (made-up figures, never
presented as real data) or on a real report's first page.
"""

from __future__ import annotations

import csv
import os
import pickle
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from events.errors import InvalidInputError
from tracker.importers.un_pdf import NoMissionBreakdownError, Report, read

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "un-monthly-pdf"
PDFS = DATA / "pdf"
REFERENCE = DATA / "un_pdf_reference_all_missions_2015-01_2024-11.csv"
TYPES = {
    "Troops": "troops",
    "Troops (incl. Staff Officers)": "troops",  # until 2017-04: staff officers inside
    "Staff Officer": "staff_officers",
    "Experts on Mission": "military_experts",
    "Individual Police": "individual_police",
    "Formed Police Units": "formed_police_units",
}
NO_MISSION_COLUMN = (
    "this report gives figures by country and post only, with no mission column: "
    "nothing to import per mission"
)
# Files whose name is not the month they are of (the date printed on them says which).
COPIES = {
    "UN_country_contributions_2015_03.pdf": "UN_country_contributions_2015_04.pdf",
    "UN_country_contributions_2016_03.pdf": "UN_country_contributions_2016_04.pdf",
    "UN_country_contributions_2017_03.pdf": "UN_country_contributions_2017_04.pdf",
    "UN_country_contributions_2020_06.pdf": "UN_country_contributions_2022_06.pdf",
}
UNDATED = {"UN_country_contributions_2019_10.pdf": date(2019, 10, 31)}
# (date, mission, ISO3, type) -> the figures the page shows, where the reference is wrong.
# None found: every figure of the 99 reports with a mission breakdown agrees with it.
REFERENCE_WRONG: dict[tuple[str, str, str, str], tuple[int, int, int] | None] = {}

needs_data = pytest.mark.skipif(
    not PDFS.is_dir() and not os.environ.get("CI"),
    reason=f"the shared data is not beside the checkout ({DATA})",
)
Key = tuple[str, str, str, str]


def month(name: str) -> tuple[int, int]:
    year, number = name.removesuffix(".pdf").split("_")[-2:]
    return int(year), int(number)


def no_mission_column(name: str) -> bool:
    """Layouts D (2018-03 .. 2019-08) and I (2023-09)."""
    return (2018, 3) <= month(name) <= (2019, 8) or month(name) == (2023, 9)


@pytest.fixture(scope="module")
def reports(un_pdf_files: dict[str, Report | str]) -> dict[str, Report | str]:
    """Every report read once for the session (tests/conftest.py: two workers, the reads go
    through a process pool, which also shows ``read`` and its result pickle); a refusal as
    its message."""
    assert len(un_pdf_files) == 118
    return un_pdf_files


@pytest.fixture(scope="module")
def reference() -> dict[Key, tuple[int, int, int]]:
    figures: dict[Key, tuple[int, int, int]] = {}
    with REFERENCE.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            key = (row["date"], row["mission"], row["contributor_iso3"])
            figures[(*key, TYPES[row["personnel_type"]])] = (
                int(row["male"]),
                int(row["female"]),
                int(row["total"]),
            )
    return figures


def checked(reports: dict[str, Report | str]) -> Iterator[tuple[str, Report]]:
    for name, report in sorted(reports.items()):
        if isinstance(report, Report):
            yield name, report


@needs_data
def test_reports_without_a_mission_column_are_refused(reports: dict[str, Report | str]) -> None:
    refused = {name: r for name, r in reports.items() if not isinstance(r, Report)}
    assert sorted(refused) == sorted(name for name in reports if no_mission_column(name))
    assert len(refused) == 19
    for name, message in refused.items():
        assert message == f"{name}: {NO_MISSION_COLUMN}"


@needs_data
def test_every_figure_agrees_with_the_reference(
    reports: dict[str, Report | str], reference: dict[Key, tuple[int, int, int]]
) -> None:
    by_month: dict[str, dict[Key, tuple[int, int, int]]] = defaultdict(dict)
    for key, figures in reference.items():
        by_month[key[0]][key] = figures
    for key, shown in REFERENCE_WRONG.items():  # what the page shows instead
        if shown is None:
            by_month[key[0]].pop(key)
        else:
            by_month[key[0]][key] = shown
    seen = set()
    for name, report in checked(reports):
        day = report.date.isoformat()
        mine = {
            (day, r.mission, r.contributor, r.personnel_type): (r.male, r.female, r.total)
            for r in report.rows
        }
        assert len(mine) == len(report.rows), f"{name}: a figure read twice"
        theirs = by_month[day]
        differ = {k: (mine.get(k), theirs.get(k)) for k in mine.keys() | theirs.keys()}
        differ = {k: v for k, v in differ.items() if v[0] != v[1]}
        assert not differ, f"{name}: {len(differ)} differ, e.g. {sorted(differ.items())[:5]}"
        seen.add(day)
    assert seen == set(by_month), "a month of the reference was not read"
    assert len(seen) == 95


@needs_data
def test_the_date_is_the_one_printed(reports: dict[str, Report | str]) -> None:
    for name, report in checked(reports):
        year, number = month(COPIES.get(name, name))
        assert (report.date.year, report.date.month) == (year, number), name
        assert report.date.day >= 28
        assert report.date_printed is (name not in UNDATED)
        assert report.file == name
        assert report.title
    assert reports["UN_country_contributions_2020_06.pdf"].date == date(2022, 6, 30)  # type: ignore[union-attr]


@needs_data
def test_copies_read_as_the_reports_they_copy(reports: dict[str, Report | str]) -> None:
    for copy, original in COPIES.items():
        a, b = reports[copy], reports[original]
        assert isinstance(a, Report)
        assert isinstance(b, Report)
        assert (a.date, a.layout, a.rows, a.checks) == (b.date, b.layout, b.rows, b.checks)


@needs_data
def test_every_printed_total_is_checked(reports: dict[str, Report | str]) -> None:
    layouts = {}
    for name, report in checked(reports):
        layouts[name] = report.layout
        if report.layout in "EJ":  # flat tables: they print no total
            assert report.checks == 0, name
        else:
            assert report.checks >= 20, name
    assert set(layouts.values()) == set("ABCEFGHJ")
    assert sum(1 for layout in layouts.values() if layout == "H") == 44
    assert pickle.loads(pickle.dumps(reports["UN_country_contributions_2021_02.pdf"]))


@needs_data
def test_a_report_printing_no_date_needs_one() -> None:
    path = PDFS / "UN_country_contributions_2019_10.pdf"
    with pytest.raises(InvalidInputError) as error:
        read(path)
    assert str(error.value) == (
        "UN_country_contributions_2019_10.pdf: the report prints no date - give the month it "
        "is of: --date YYYY-MM (in Python, date= or undated=); nothing was imported"
    )


@needs_data
def test_a_date_given_must_agree_with_the_printed_one() -> None:
    with pytest.raises(
        InvalidInputError,
        match=r"^UN_country_contributions_2015_03\.pdf: the report is of 2015-04 \(the date it ",
    ):
        read(PDFS / "UN_country_contributions_2015_03.pdf", date=date(2015, 3, 31))


@needs_data
def test_a_report_with_no_mission_column_is_refused_at_once() -> None:
    started = time.perf_counter()
    with pytest.raises(NoMissionBreakdownError) as error:  # an InvalidInputError
        read(str(PDFS / "UN_country_contributions_2018_03.pdf"))  # 19 pages
    assert str(error.value) == f"UN_country_contributions_2018_03.pdf: {NO_MISSION_COLUMN}"
    assert isinstance(error.value, InvalidInputError)
    assert time.perf_counter() - started < 1  # its first page only: all 19 take over 1 s


@needs_data
def test_among_several_reports_one_by_country_only_is_skipped_and_named(tmp_path: Path) -> None:
    """Importing the UN's whole folder stopped after every file was read (3.5 min), on the
    first of the 19 reports by country and post only; among several they are skipped, named."""
    from tracker import Tracker

    tracker = Tracker(tmp_path / "tracker.db")
    by_country = PDFS / "UN_country_contributions_2018_03.pdf"
    result = tracker.import_un_pdfs([by_country, PDFS / "UN_country_contributions_2022_11.pdf"])
    assert result.by_country == [by_country.name]
    assert [r.date for r in result.reports] == [date(2022, 11, 30)]
    assert result.written.months_written == 22  # the 22 missions of November 2022
    assert any(line.startswith("Skipped 1 report(s) by country") for line in result.lines())
    with pytest.raises(InvalidInputError, match="none of the 2 reports has a mission column"):
        tracker.import_un_pdfs([by_country, PDFS / "UN_country_contributions_2018_04.pdf"])


@needs_data
def test_among_several_reports_the_month_given_is_the_undated_ones(tmp_path: Path) -> None:
    """The whole folder stopped at the 2019-10 report (it prints no date) and --date took one
    file only; among several, --date is the month of the one that prints none."""
    from tracker import Tracker

    undated = PDFS / "UN_country_contributions_2019_10.pdf"
    dated = PDFS / "UN_country_contributions_2019_11.pdf"
    tracker = Tracker(tmp_path / "tracker.db")
    with pytest.raises(InvalidInputError, match=r"2019_10\.pdf: the report prints no date"):
        tracker.import_un_pdfs([undated, dated])
    result = tracker.import_un_pdfs([undated, dated], date(2019, 10, 1))
    assert [(r.file, r.date, r.date_printed) for r in result.reports] == [
        (undated.name, date(2019, 10, 31), False),
        (dated.name, date(2019, 11, 30), True),
    ]


@needs_data
def test_the_undated_report_is_refused_before_any_report_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Among several files and no --date, the report that prints no date is refused before
    any file is read in full (it was refused after 1 min 48 s of reading the folder)."""
    from tracker import Tracker
    from tracker.importers import un_reports

    read_in_full: list[Path] = []
    monkeypatch.setattr(un_reports, "read", lambda path, **_: read_in_full.append(path))
    files = [
        PDFS / "UN_country_contributions_2019_11.pdf",
        PDFS / "UN_country_contributions_2019_10.pdf",
    ]
    with pytest.raises(InvalidInputError) as error:
        Tracker(tmp_path / "tracker.db").import_un_pdfs(files)
    assert str(error.value) == (
        "UN_country_contributions_2019_10.pdf: the report prints no date - give the month it is "
        "of with --date YYYY-MM (among several files, it applies to the one that prints none; "
        "in Python, on=); nothing was imported"
    )
    assert read_in_full == []


@needs_data
def test_a_copy_of_a_report_is_named_once_with_the_file_it_copies(tmp_path: Path) -> None:
    """The files named 2015_03 are the April reports: among several, the second of a month adds
    nothing and the summary names it, with the file of the same report."""
    from tracker import Tracker

    tracker = Tracker(tmp_path / "tracker.db")
    april, copy = (
        PDFS / "UN_country_contributions_2015_04.pdf",
        PDFS / "UN_country_contributions_2015_03.pdf",
    )
    result = tracker.import_un_pdfs([april, copy])
    assert result.copies == [(copy.name, date(2015, 4, 30), april.name)]
    (line,) = [line for line in result.lines() if line.startswith("Already in the store")]
    assert line.endswith(f"{copy.name} (of 2015-04-30, as {april.name})")
    again = tracker.import_un_pdfs([copy])
    assert again.copies == [(copy.name, date(2015, 4, 30), None)]
    assert any(f"{copy.name} (of 2015-04-30, imported before)" in x for x in again.lines())


@needs_data
def test_a_truncated_report_is_refused(tmp_path: Path) -> None:
    data = (PDFS / "UN_country_contributions_2019_09.pdf").read_bytes()
    path = tmp_path / "UN_country_contributions_2019_09.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidInputError) as error:
        read(path)
    message = str(error.value)
    assert message.startswith("UN_country_contributions_2019_09.pdf: not a readable PDF (")
    assert message.endswith(
        "- it may be truncated or damaged: download it again; nothing was imported"
    )
    assert "\n" not in message


@needs_data
def test_a_changed_figure_is_caught_by_the_printed_total(monkeypatch: pytest.MonkeyPatch) -> None:
    """One figure of a real report changed in the words read from it: Benin's BINUH police, 1,
    read as 2; the BINUH total printed on page 1 (9) no longer adds up."""
    from dataclasses import replace

    from tracker.importers.un_pdf import reading

    load = reading.load

    def tampered(number: int, page: Any, rules: bool = True) -> Any:
        read = load(number, page, rules)
        if number != 1:
            return read
        words = list(read.words)
        benin = next(w for w in words if w.text == "Benin")
        line = [i for i, w in enumerate(words) if abs(w.top - benin.top) < 2 and w.x0 > 500]
        words[line[-1]] = replace(words[line[-1]], text="2")  # its total
        return replace(read, words=tuple(words))

    monkeypatch.setattr(reading, "load", tampered)
    with pytest.raises(InvalidInputError) as error:
        read(PDFS / "UN_country_contributions_2022_09.pdf")
    assert str(error.value) == (
        "UN_country_contributions_2022_09.pdf, page 1: the BINUH total printed is 9, its rows "
        "add up to 10 - the file may be damaged; nothing was imported"
    )


# The pages as pdfplumber read them before PDFium did (issue 25): the same words in the same
# order, within a few hundredths of a point (PDFium's advance widths are whole thousandths of
# an em, pdfminer's need not be), and the same ruling lines. A page of each of the producers.
PRODUCERS = ["2015_01", "2015_09", "2016_11", "2017_10", "2018_02", "2020_06", "2021_01", "2024_11"]


def assert_read_as_pdfplumber_read(path: Path, pages: int = 1) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")  # a test dependency: the reader's peer
    import pypdfium2

    from tracker.importers.un_pdf.pages import Page

    pdf = pypdfium2.PdfDocument(path)
    with pdfplumber.open(path) as plumbed:
        for number in range(1, pages + 1):
            page = pdf[number - 1]
            mine = Page.load(number, page)
            page.close()
            theirs = plumbed.pages[number - 1]
            words = theirs.extract_words()
            assert [w.text for w in mine.words] == [w["text"] for w in words], (path, number)
            for word, their in zip(mine.words, words, strict=True):
                for key in ("x0", "x1", "top", "bottom"):
                    assert abs(getattr(word, key) - their[key]) < 0.06, (path, number, word)
            rules = [(o["x0"], o["x1"], o["top"]) for o in theirs.lines if o["height"] < 1]
            rules += [(o["x0"], o["x1"], o["top"]) for o in theirs.rects if o["height"] < 3]
            assert len(mine.rules) == len(rules), (path, number)
            mine_rules = sorted((r.x0, r.x1, r.y) for r in mine.rules)
            for rule, their in zip(mine_rules, sorted(rules), strict=True):
                assert max(abs(a - b) for a, b in zip(rule, their, strict=True)) < 0.001
            assert (mine.width, mine.height) == pytest.approx((theirs.width, theirs.height))
    pdf.close()


@needs_data
@pytest.mark.parametrize("month", PRODUCERS)
def test_a_page_reads_as_pdfplumber_read_it(month: str) -> None:
    assert_read_as_pdfplumber_read(PDFS / f"UN_country_contributions_{month}.pdf")


@needs_data
@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_turned_page_reads_as_pdfplumber_read_it(tmp_path: Path, rotation: int) -> None:
    """pdfplumber turns a page's coordinates with its /Rotate and measures them from its media
    box; so does the reader (the UN's pages are upright, at 0, 0: a copy made so)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(PDFS / "UN_country_contributions_2022_09.pdf")
    for index in range(len(pdf) - 1, 0, -1):
        pdf.del_page(index)
    page = pdf[0]
    page.set_rotation(rotation)
    left, bottom, right, top = page.get_mediabox()
    page.set_mediabox(left - 10, bottom - 20, right + 30, top + 30)
    page.close()
    pdf.save(tmp_path / "turned.pdf")
    pdf.close()
    assert_read_as_pdfplumber_read(tmp_path / "turned.pdf")


@needs_data
def test_a_page_drawn_in_a_form_reads_as_pdfplumber_read_it(tmp_path: Path) -> None:
    """Text and paths inside a form XObject, itself scaled and moved: in pdfplumber's words and
    rules as on the page (the UN's reports draw none so: a page made so)."""
    import pypdfium2
    import pypdfium2.raw as raw

    report = pypdfium2.PdfDocument(PDFS / "UN_country_contributions_2022_09.pdf")
    pdf = pypdfium2.PdfDocument.new()
    xobject = raw.FPDF_NewXObjectFromPage(pdf.raw, report.raw, 0)
    form = raw.FPDF_NewFormObjectFromXObject(xobject)
    raw.FPDFPageObj_Transform(form, 0.9, 0, 0, 0.9, 20, 30)
    page = pdf.new_page(*report[0].get_size())
    raw.FPDFPage_InsertObject(page.raw, form)
    raw.FPDFPage_GenerateContent(page.raw)
    raw.FPDF_CloseXObject(xobject)
    page.close()
    pdf.save(tmp_path / "form.pdf")
    pdf.close()
    report.close()
    assert_read_as_pdfplumber_read(tmp_path / "form.pdf")


def content_pdf(path: Path, content: bytes) -> Path:
    """A one-page PDF (600 x 800) drawing ``content``, written by hand: a content stream is
    the only way to draw every kind of path pdfminer tells apart."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    data, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(data))
    return path


PATHS = {  # what pdfminer makes of each: a line, a rectangle, or neither
    "line": b"10 700 m 200 700.5 l S",
    "line closed": b"10 690 m 200 690 l h S",
    "line back to its start, closed": b"10 680 m 200 680 l 10 680 l h S",
    "line back to its start, open": b"10 670 m 200 670 l 10 670 l S",
    "upright line": b"10 600 m 10 650 l S",
    "re": b"10 650 190 2 re f",
    "tall re": b"10 600 190 20 re f",
    "four lines closed": b"10 630 m 200 630 l 200 632 l 10 632 l h f",
    "four lines back to the start": b"10 620 m 200 620 l 200 622 l 10 622 l 10 620 l f",
    "five lines back to the start, closed": b"10 590 m 200 590 l 200 592 l 10 592 l 10 590 l 10 590 l h f",
    "corners not square": b"10 580 m 200 580 l 190 582 l 10 582 l h f",
    "two re in one path": b"10 570 190 1 re 10 560 190 1 re f",
    "two lines in one path": b"10 550 m 200 550 l 10 540 m 200 540 l S",
    "a curve": b"10 530 m 50 531 100 531 200 530 c S",
    "a curve closed on square corners": b"10 520 m 10 521 200 521 200 520 c 10 520 l f",
    "a line, then a move": b"10 500 m 200 500 l 200 510 m 10 510 l 10 499 l S",
    "scaled": b"q 0.5 0 0 0.5 10 10 cm 0 800 m 300 800 l S Q",
    "not painted": b"10 450 190 1 re n",
    "a point": b"10 400 m 10 400 l S",
}


@pytest.mark.parametrize("content", PATHS.values(), ids=PATHS.keys())
def test_the_rules_are_pdfplumbers_lines_and_rects(tmp_path: Path, content: bytes) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    import pypdfium2

    from tracker.importers.un_pdf.pages import Page

    path = content_pdf(tmp_path / "paths.pdf", content)
    with pdfplumber.open(path) as plumbed:
        page = plumbed.pages[0]
        rules = [(o["x0"], o["x1"], o["top"]) for o in page.lines if o["height"] < 1]
        rules += [(o["x0"], o["x1"], o["top"]) for o in page.rects if o["height"] < 3]
    pdf = pypdfium2.PdfDocument(path)
    page = pdf[0]
    mine = Page.load(1, page).rules
    page.close()
    pdf.close()
    assert len(mine) == len(rules)
    assert [v for r in mine for v in (r.x0, r.x1, r.y)] == pytest.approx(sum(rules, ()))


def test_only_the_layouts_given_rules_read_them() -> None:
    """A page's ruling lines are read only for the layouts in ``reader.RULED`` (issue 25: they
    were a third of the reading): a module that looks at ``page.rules`` must be one of them."""
    import re

    from tracker.importers.un_pdf import reader

    package = Path(reader.__file__).parent
    reading_rules = {
        path.stem for path in package.glob("*.py") if re.search(r"\w\.rules\b", path.read_text())
    }
    assert reading_rules == {layout.__name__.rsplit(".", 1)[1] for layout in reader.RULED}


# Small PDFs in the reports' layouts, written with matplotlib: text at (x, top) in points.
Text = tuple[float, float, str]
Rule = tuple[float, float, float]  # x0, x1, y


def write_pdf(path: Path, pages: list[tuple[list[Text], list[Rule]]]) -> Path:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.backends.backend_pdf import PdfPages

    with pyplot.rc_context({"pdf.fonttype": 42}), PdfPages(path) as pdf:  # text, not glyphs
        for texts, rules in pages:
            figure = pyplot.figure(figsize=(595 / 72, 842 / 72))
            axes = figure.add_axes((0, 0, 1, 1))
            axes.set_xlim(0, 595)
            axes.set_ylim(842, 0)
            axes.axis("off")
            for x, top, text in texts:
                axes.text(x, top, text, fontsize=8, ha="left", va="top")
            for x0, x1, y in rules:
                axes.plot([x0, x1], [y, y], linewidth=0.5, color="black")
            pdf.savefig(figure)
            pyplot.close(figure)
    return path


def layout_h(path: Path, rows: list[tuple[str, str, int, int, int]], **printed: Any) -> Path:
    """A one-page report in today's layout (H): one mission, MINUSMA, with ``rows`` (country,
    type, male, female, total), its printed total and grand total (``total=(m, f, t)``,
    default: the rows' sums; ``grand=False``: none), dated ``as_of`` (None: no date line),
    with a ``footer`` ("Page 1 of 1")."""
    sums = tuple(sum(int(r[i]) for r in rows) for i in (2, 3, 4))
    total = printed.get("total", sums)
    texts: list[Text] = [
        (30, 30, "Contribution of Uniformed Personnel to UN"),
        (30, 45, "by Mission, Country, and Personnel Type"),
        (30, 100, "Mission"),
        (122, 100, "Country"),
        (239, 100, "Personnel Type"),
        (347, 100, "Male"),
        (421, 100, "Female"),
        (511, 100, "Total"),
        (30, 120, "MINUSMA"),
    ]
    if printed.get("as_of", "30/11/2022"):
        texts.append((250, 60, f"As of: {printed.get('as_of', '30/11/2022')}"))
    rules: list[Rule] = [(28, 567, 115), (28, 567, 132)]
    top = 140.0
    for country, kind, male, female, figure in rows:
        texts += [(122, top, country), (239, top, kind)]
        texts += [(355, top, str(male)), (433, top, str(female)), (518, top, str(figure))]
        rules.append((28, 567, top + 15))
        top += 20
    closing = [("Total MINUSMA", total)] + (
        [("Grand Total", total)] if printed.get("grand", 1) else []
    )
    for label, figures in closing:
        texts += [
            (30, top, label),
            *((x, top, str(v)) for x, v in zip((355, 433, 518), figures, strict=True)),
        ]
        rules.append((28, 567, top + 15))
        top += 20
    texts.append((290, 800, printed.get("footer", "Page 1 of 1")))
    return write_pdf(path, [(texts, rules)])


CHAD = ("Chad", "Troops", 1385, 40, 1425)
NIGER = ("Niger", "Staff Officer", 10, 2, 12)


def test_a_built_report_reads(tmp_path: Path) -> None:
    report = read(layout_h(tmp_path / "made_up.pdf", [CHAD, NIGER]))
    assert (report.file, report.layout, report.date, report.date_printed) == (
        "made_up.pdf",
        "H",
        date(2022, 11, 30),
        True,
    )
    assert report.title.startswith("Contribution of Uniformed Personnel to UN by Mission")
    assert [(r.page, r.mission, r.contributor, r.name, r.personnel_type) for r in report.rows] == [
        (1, "MINUSMA", "TCD", "Chad", "troops"),
        (1, "MINUSMA", "NER", "Niger", "staff_officers"),
    ]
    assert (report.checks, report.pages) == (2, 1)


def test_rows_that_do_not_add_up_to_the_printed_total_are_refused(tmp_path: Path) -> None:
    path = layout_h(tmp_path / "made_up.pdf", [CHAD, NIGER], total=(1395, 42, 1447))
    with pytest.raises(InvalidInputError) as error:
        read(path)
    assert str(error.value) == (
        "made_up.pdf, page 1: the MINUSMA total printed is 1,447, its rows add up to 1,437 "
        "- the file may be damaged; nothing was imported"
    )


def test_a_report_cut_short_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as error:
        read(layout_h(tmp_path / "made_up.pdf", [CHAD], grand=False))
    assert str(error.value) == (
        "made_up.pdf: the report ends without its grand total - it may be truncated; "
        "nothing was imported"
    )
    with pytest.raises(InvalidInputError) as error:
        read(layout_h(tmp_path / "made_up.pdf", [CHAD], footer="Page 1 of 2"))
    assert str(error.value) == (
        "made_up.pdf, page 1: 'Page 1 of 2' is printed on page 1 of 1 - the file may be "
        "incomplete; nothing was imported"
    )


def test_a_row_printed_twice_with_other_figures_is_refused(tmp_path: Path) -> None:
    path = layout_h(tmp_path / "made_up.pdf", [CHAD, ("Chad", "Troops", 10, 0, 10)])
    with pytest.raises(InvalidInputError, match=r"^made_up\.pdf, page 1: Chad \(TCD\) troops in "):
        read(path)


def test_male_and_female_not_adding_up_are_kept_as_printed(tmp_path: Path) -> None:
    """The UN's 2020-08 split (e.g. 0 men, 1,265 women): the total is authoritative."""
    report = read(layout_h(tmp_path / "made_up.pdf", [("Chad", "Troops", 0, 1265, 1425)]))
    assert [(r.male, r.female, r.total) for r in report.rows] == [(0, 1265, 1425)]


def test_a_report_without_its_date_needs_one_given(tmp_path: Path) -> None:
    path = layout_h(tmp_path / "made_up.pdf", [CHAD], as_of=None)
    with pytest.raises(InvalidInputError) as error:
        read(path)
    assert str(error.value) == (
        "made_up.pdf: the report prints no date - give the month it is of: --date YYYY-MM (in "
        "Python, date= or undated=); nothing was imported"
    )
    report = read(path, date=date(2022, 11, 30))
    assert (report.date, report.date_printed, len(report.rows)) == (date(2022, 11, 30), False, 1)


def test_an_unknown_contributor_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError) as error:
        read(layout_h(tmp_path / "made_up.pdf", [("Atlantis", "Troops", 1, 0, 1)]))
    assert str(error.value) == (
        "made_up.pdf, page 1: contributor 'Atlantis' is not a country this importer knows: add "
        "the name to ALIASES in tracker/importers/un_pdf/names.py; nothing was imported"
    )


def layout_f(path: Path) -> Path:
    """The 2019-10 wide layout (F), which prints no date: one country, one mission."""
    heads = ["UNMEM M", "UNMEM F", "Troops M", "Troops F", "UNPOL M", "UNPOL F"]
    heads += ["FPU M", "FPU F", "MSO M", "MSO F"]
    xs = [214 + 50 * i for i in range(10)]
    figures = ["0", "0", "211", "23", "0", "0", "0", "0", "6", "3"]
    texts: list[Text] = [
        (30, 30, "Summary of Contribution to UN Peacekeeping by Country and Post"),
        (30, 73, "Country"),
        (125, 73, "Mission"),
        *((x, 73, h) for x, h in zip(xs, heads, strict=True)),
        (33, 94, "Argentina"),
        (126, 115, "UNFICYP"),
    ]
    for label, top in (("", 115.0), ("Total by Country", 141.0), ("Grand Total", 165.0)):
        texts += [(x + 30 - 4 * len(f), top, f) for x, f in zip(xs, figures, strict=True)]
        if label:
            texts.append((125, top, label))
    return write_pdf(path, [(texts, [])])


def test_a_report_printing_no_date_needs_one_given(tmp_path: Path) -> None:
    path = layout_f(tmp_path / "undated.pdf")
    with pytest.raises(InvalidInputError) as error:
        read(path)
    assert str(error.value) == (
        "undated.pdf: the report prints no date - give the month it is of: --date YYYY-MM (in "
        "Python, date= or undated=); nothing was imported"
    )
    report = read(path, date=date(2019, 10, 1))
    assert (report.layout, report.date, report.date_printed, report.checks) == (
        "F",
        date(2019, 10, 31),
        False,
        10,
    )
    assert [(r.personnel_type, r.male, r.female, r.total) for r in report.rows] == [
        ("troops", 211, 23, 234),
        ("staff_officers", 6, 3, 9),
    ]


def test_a_pdf_that_is_no_report_is_refused(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "minutes.pdf", [([(30, 30, "Minutes of the meeting")], [])])
    with pytest.raises(InvalidInputError) as error:
        read(path)
    assert str(error.value).startswith(
        "minutes.pdf: this is not a UN monthly contribution report in a layout this importer "
        "knows (no layout claims it): check that it is one of the UN's"
    )


@pytest.mark.parametrize("content", [b"", b"%PDF-1.4\n", b"Month,Mission\n2022-11,MINUSMA\n"])
def test_bytes_that_are_no_pdf_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "UN_country_contributions_2022_11.pdf"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match=r"^UN_country_contributions_2022_11\.pdf: not a "):
        read(path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"^nowhere\.pdf: cannot be read \("):
        read(tmp_path / "nowhere.pdf")
