"""Hardening, round 3, item 17: the PDF reader checks what is cheap before it works, and bounds
each page. A small file whose page inflates to hundreds of MB (it took 190 s and 8 GB for 400
MB of drawn paths, 3.1 s and 2.6 GB for 1.5 GB of blanks), a report with 300 copies of its page
1, one of 3,021 pages and one of its pages over and over are each refused in one line, naming
the reason, within a small time and memory.

Files that made PDFium work without a bound are read in a process of their own, with a
timeout: on the code before the fix the test fails at that timeout instead of taking the
machine's memory."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest

from events.errors import InvalidInputError
from tests.conftest import ROOT, SHARED
from tracker.importers.un_pdf import read

PDFS = SHARED / "un-monthly-pdf" / "pdf"
NUMBERED = PDFS / "UN_country_contributions_2022_11.pdf"  # prints "Page 1 of 33"
UNNUMBERED = PDFS / "UN_country_contributions_2017_11.pdf"  # prints no page numbers, 57 pages
MB = 1024 * 1024


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (numbered from 1; 1 is the catalog), with its xref table."""
    out, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


PATHS = b"0 0 m 1 1 l S\n"  # one path drawn: the costliest content for PDFium to hold


def deflated(megabytes: int, content: bytes = PATHS) -> bytes:
    """``megabytes`` MB of ``content`` over and over, deflated (some 1,000 times smaller)."""
    packer = zlib.compressobj(9)
    chunk = content * (MB // len(content))
    return b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()


def stream(data: bytes, entries: bytes = b"/Filter /FlateDecode") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def pages_of(
    contents: list[bytes], resources: bytes = b"<< >>", extra: tuple[bytes, ...] = ()
) -> bytes:
    """A PDF whose pages have these content streams (whole stream objects), one a page;
    ``extra`` objects follow them (numbered from 3 + 2 * len(contents))."""
    kids = b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(len(contents)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(contents)),
    ]
    for i, content in enumerate(contents):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Resources %s "
            b"/Contents %d 0 R >>" % (resources, 4 + 2 * i)
        )
        objects.append(content)
    return pdf_of([*objects, *extra])


def inflating_page(megabytes: int) -> bytes:
    """One page whose content stream (paths, drawn) inflates to ``megabytes`` MB."""
    return pages_of([stream(deflated(megabytes))])


def copies(source: Path, pages: list[int], path: Path) -> Path:
    """A PDF of ``source``'s pages (0-based), in that order, repeats included."""
    import pypdfium2  # type: ignore[import-untyped]

    original, made = pypdfium2.PdfDocument(source), pypdfium2.PdfDocument.new()
    try:
        for start in range(0, len(pages), 500):
            made.import_pages(original, pages[start : start + 500])
        made.save(path)
    finally:
        made.close()
        original.close()
    return path


def refused(path: Path) -> str:
    """The one-line refusal of reading ``path`` (here, in this process)."""
    with pytest.raises(InvalidInputError) as error:
        read(path)
    said = str(error.value)
    assert "\n" not in said
    assert said.startswith(f"{path.name}")
    return said


@pytest.fixture
def shared() -> None:
    if not PDFS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the shared data beside the checkout: {SHARED}")
        pytest.skip(f"the shared UN PDFs are not beside the project ({PDFS})")


# The reading in a process of its own, which prints what it said, the seconds it took and its
# peak resident memory (kB): the kernel's high-water mark of this program, not of the pytest
# process it was forked from.
MEASURED = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from events.errors import InvalidInputError
    from tracker.importers.un_pdf import prints_no_date, read
    started = time.perf_counter()
    if sys.argv[2] == "read":
        try:
            read(sys.argv[1])
            print("read")
        except InvalidInputError as error:
            print(error)
    else:
        print(f"prints no date: {prints_no_date(sys.argv[1])}")
    print(time.perf_counter() - started)
    status = Path("/proc/self/status").read_text()
    print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))
""")


def measured(path: Path, how: str = "read", timeout: float = 20) -> tuple[str, float, int]:
    """What reading ``path`` in a process of its own said, in how many seconds, at what peak
    (kB); the test fails if it has not ended within ``timeout`` seconds (before the fix, such
    a file took minutes and gigabytes)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRACKER_")}
    try:
        done = subprocess.run(
            [sys.executable, "-c", MEASURED, str(path), how],
            cwd=ROOT,
            env={**env, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {path.name} did not end within {timeout:.0f} s")
    said, seconds, kilobytes = done.stdout.splitlines()
    return said, float(seconds), int(kilobytes)


def test_a_page_that_inflates_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "inflating.pdf"
    path.write_bytes(inflating_page(400))
    assert path.stat().st_size < 2_000_000  # 400 MB of page in a small file
    small = tmp_path / "small.pdf"
    small.write_bytes(inflating_page(1))
    _, _, baseline = measured(small)  # a page of 1 MB: read, and not a UN report either
    said, seconds, used = measured(path)
    assert said == (
        "inflating.pdf: a stream (at byte 282) inflates past 8 MB, more than any UN report's "
        "- the file is not one of the UN's reports, or it is damaged; nothing was imported"
    )
    assert seconds < 3, seconds
    assert used - baseline < 100 * 1024, (used, baseline)  # kB: not the 400 MB page
    assert refused(path) == said  # and the same in this process


@pytest.mark.parametrize(
    ("entries", "encode"),
    [
        (b"/Filter /Fl", bytes),  # the abbreviation
        (b"/Filter /Fl#61teDecode", bytes),  # a name spelt with #xx, as PDF allows
        (b"/Filter 5 0 R", bytes),  # the filter named in another object (5: ``extra``)
        (b"/Filter [/FlateDecode /FlateDecode]", zlib.compress),  # deflated twice
        (b"/Filter [/ASCIIHexDecode /FlateDecode]", lambda data: data.hex().encode() + b">"),
    ],
    ids=["abbreviated", "escaped", "indirect", "twice", "hex"],
)
def test_a_stream_inflating_behind_another_filter_spelling_is_refused(
    tmp_path: Path, entries: bytes, encode: object
) -> None:
    assert callable(encode)
    path = tmp_path / "inflating.pdf"
    data = deflated(40)  # 40 MB of paths: some 20 s and 800 MB for PDFium to hold
    path.write_bytes(pages_of([stream(encode(data), entries)], extra=(b"/FlateDecode",)))
    said, seconds, _ = measured(path, timeout=10)
    assert said.startswith("inflating.pdf: a stream (at byte ")
    assert "inflates past 8 MB" in said
    assert seconds < 3, seconds


def test_the_files_streams_together_are_bounded(tmp_path: Path) -> None:
    """Ten pages of 7 MB each: each under the bound of a stream, 70 MB together over the
    file's."""
    path = tmp_path / "ten.pdf"
    path.write_bytes(pages_of([stream(deflated(7))] * 10))
    assert refused(path) == (
        "ten.pdf: the file's streams inflate past 64 MB, more than any UN report's - the file "
        "is not one of the UN's reports, or it is damaged; nothing was imported"
    )


def test_a_page_content_calling_itself_an_image_is_held_to_the_bound_of_an_image(
    tmp_path: Path,
) -> None:
    """Images are let inflate further (a report's logo: 17 MB), and PDFium reads a page's
    content whatever its dictionary says: 40 MB of paths named an image are refused before
    they are read; 30 MB are read by PDFium, then refused for their objects."""
    path = tmp_path / "image.pdf"
    entries = b"/Filter /FlateDecode /Subtype /Image /Width 1 /Height 1"
    path.write_bytes(pages_of([stream(deflated(40), entries)]))
    said, seconds, _ = measured(path)
    assert said.startswith("image.pdf: an image (at byte ")
    assert said.endswith(
        " inflates past 32 MB, more than any UN report's - the file is not one of the UN's reports, or it is damaged; nothing was imported"
    )
    assert seconds < 3, seconds
    path.write_bytes(pages_of([stream(deflated(30), entries)]))
    said, seconds, used = measured(path)
    assert said.startswith("image.pdf, page 1: 2,246,940 objects on the page, more than ")
    assert seconds < 10, seconds
    assert used < 1024 * 1024, used  # kB: PDFium held the page, well under a GB


def test_a_file_of_more_streams_than_any_report_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.pdf"
    empty = stream(zlib.compress(b""))
    path.write_bytes(pages_of([empty], extra=(empty,) * 10_000))
    assert refused(path) == (
        "many.pdf: more than 10,000 streams, far more than a UN monthly report has - check "
        "that it is one of the UN's 'Contribution of Uniformed Personnel' PDFs; nothing was "
        "imported"
    )


def test_a_stream_compressed_in_a_way_that_is_not_bounded_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lzw.pdf"
    path.write_bytes(pages_of([stream(b"\x80\x0b\x60\x50\x22\x0c\x0c\x85\x01", b"/Filter /LZW")]))
    assert refused(path) == (
        "lzw.pdf: a stream (at byte 269) is compressed with LZW, which no UN report uses and "
        "which is not read without a bound; nothing was imported"
    )


def test_a_file_larger_than_any_report_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "large.pdf"
    with path.open("wb") as file:  # 65 MB, sparse: no disk used
        file.write(inflating_page(1))
        file.truncate(65 * MB)
    assert refused(path) == (
        "large.pdf: 65 MB, more than a UN monthly report is (64 MB at most) - check that it is "
        "one of the UN's 'Contribution of Uniformed Personnel' PDFs; nothing was imported"
    )


def test_a_page_of_more_objects_than_any_report_is_refused_before_they_are_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "paths.pdf"
    path.write_bytes(inflating_page(1))  # 1 MB of paths: 74,898 of them
    assert refused(path) == (
        "paths.pdf, page 1: 74,898 objects on the page, more than any UN report's (50,000 at "
        "most) - check that it is one of the UN's 'Contribution of Uniformed Personnel' PDFs; "
        "nothing was imported"
    )


def test_a_page_of_more_characters_than_any_report_is_refused_before_they_are_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "text.pdf"
    font = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    # three strings: PDFium keeps at most 32,767 characters of one
    text = b"BT /F1 1 Tf 10 10 Td " + b"(%s) Tj " % (b"x" * 20_000) * 3 + b"ET"
    path.write_bytes(pages_of([stream(zlib.compress(text))], resources=font))
    assert refused(path) == (
        "text.pdf, page 1: 60,000 characters on the page, more than any UN report's (50,000 at "
        "most) - check that it is one of the UN's 'Contribution of Uniformed Personnel' PDFs; "
        "nothing was imported"
    )


def test_a_folder_is_not_held_up_by_an_inflating_file(tmp_path: Path) -> None:
    """Before a folder is read, each file is asked whether it prints a date: a bomb among them
    answers at once (no), and is refused when it is read."""
    path = tmp_path / "inflating.pdf"
    path.write_bytes(inflating_page(400))
    said, seconds, _ = measured(path, "prints_no_date")
    assert (said, seconds < 3) == ("prints no date: False", True)


@pytest.mark.usefixtures("shared")
def test_a_report_with_copies_of_its_first_page_is_refused_after_that_page(
    tmp_path: Path,
) -> None:
    path = copies(NUMBERED, [0] * 300, tmp_path / NUMBERED.name)
    assert refused(path) == (
        f"{path.name}, page 1: 'Page 1 of 33' is printed on page 1 of 300 - the file may be "
        "incomplete; nothing was imported"
    )


@pytest.mark.usefixtures("shared")
def test_a_report_of_thousands_of_pages_is_refused_before_they_are_read(tmp_path: Path) -> None:
    # a report that prints no page numbers, its pages over and over: 3,021 pages
    path = copies(UNNUMBERED, list(range(57)) * 53, tmp_path / UNNUMBERED.name)
    assert refused(path) == (
        f"{path.name}: 3,021 pages, more than a UN monthly report has (400 at most) - check "
        "that it is one of the UN's 'Contribution of Uniformed Personnel' PDFs; nothing was "
        "imported"
    )


@pytest.mark.usefixtures("shared")
def test_a_report_of_its_own_pages_repeated_is_refused_at_the_first_repeat(
    tmp_path: Path,
) -> None:
    """Within the page count, a report that prints no page numbers, 7 times over: refused at
    page 58, page 1 again, not read to its end."""
    path = copies(UNNUMBERED, list(range(57)) * 7, tmp_path / UNNUMBERED.name)
    assert refused(path) == (
        f"{path.name}, page 58: the same as page 1, word for word: a page printed twice - the "
        "file may have been put together wrongly: download it again; nothing was imported"
    )


@pytest.mark.usefixtures("shared")
def test_a_page_slower_than_the_bound_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from tracker.importers.un_pdf import bounds

    monkeypatch.setattr(bounds, "PAGE_SECONDS", 0.0)  # every page is slower than that
    with pytest.raises(InvalidInputError) as error:
        read(NUMBERED)
    assert str(error.value).startswith(f"{NUMBERED.name}, page 1: took ")
    assert str(error.value).endswith(
        " s to read, more than any UN report's page (0 s at most) - check that it is one of "
        "the UN's 'Contribution of Uniformed Personnel' PDFs; nothing was imported"
    )


@pytest.mark.usefixtures("shared")
def test_real_reports_still_read() -> None:
    for path in (NUMBERED, UNNUMBERED, PDFS / "UN_country_contributions_2016_11.pdf"):
        report = read(path)
        assert report.rows
        assert report.checks > 0
