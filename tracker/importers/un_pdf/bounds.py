"""What a file may hold before PDFium is given it, and what a page may hold before it is read
(issue 29, 17: a 1.5 MB file whose page inflates to 1.5 GB took 21.5 s and 3.2 GB before it
was refused as "not a UN report").

PDFium parses a page's whole content when it loads the page, and inflates a stream whole when
it reads one: neither can be stopped once begun. So the bytes are measured first, in Python:
each stream of the file is inflated here, a piece at a time and kept nowhere, until it ends or
passes ``STREAM_BYTES`` (``IMAGE_BYTES`` for an image: a report's logo is 17 MB drawn out); the
file's streams together may not pass ``FILE_STREAM_BYTES``. A UN report's streams are
FlateDecode (or plain, or DCTDecode images); the filters that can inflate without a bound and
that no report uses (LZW, RunLength) are refused rather than read. Then, once a page is loaded
(its content parsed within those bounds), its characters and objects are counted before any
is read. A stream that calls itself an image and is a page's content all the same is parsed
by PDFium within the bound of an image (some 2 s and 0.7 GB for 32 MB of paths), then refused
for its objects: the page's objects are not traced back to their streams here.

The bounds are far above any real report's (the 118 of 2015-2024: at most 836 KB a file, 127
pages, 1.0 MB inflated in one stream that is no image, 17.3 MB in an image, 20.6 MB in all,
3,592 characters and 653 objects on a page, 0.16 s to read one, 133 streams).
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from collections.abc import Iterator

from .pages import LayoutError

FILE_BYTES = 64 * 1024 * 1024  # a file (the largest report: 836 KB)
STREAM_BYTES = 8 * 1024 * 1024  # one stream, inflated (the largest: 1.0 MB)
IMAGE_BYTES = 32 * 1024 * 1024  # one image, inflated (the largest: 17.3 MB, 2400 x 2400 RGB)
FILE_STREAM_BYTES = 64 * 1024 * 1024  # all of a file's streams, inflated (the most: 20.6 MB)
PAGES = 400  # a report's pages (the most: 127)
PAGE_CHARS = 50_000  # one page's characters (the most: 3,592)
PAGE_OBJECTS = 50_000  # one page's objects: text, paths, forms (the most: 653)
PAGE_SECONDS = 20.0  # one page's reading (the longest: 0.16 s)
STREAMS = 10_000  # a file's streams (the most: 133)

_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]*)")
_ESCAPED = re.compile(rb"#([0-9A-Fa-f]{2})")  # a name's #xx: /Fl#61teDecode is FlateDecode
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_CHUNK = 1 << 16
_UNBOUNDED = {b"LZWDecode", b"LZW", b"RunLengthDecode", b"RL"}
_FLATE = {b"FlateDecode", b"Fl"}
_TEXT = {b"ASCIIHexDecode", b"AHx", b"ASCII85Decode", b"A85"}
_MB = 1024 * 1024


def check_file(size: int) -> None:
    """Refuse a file larger than any report could be, before its bytes are read."""
    if size > FILE_BYTES:
        raise LayoutError(
            None,
            f"{size / _MB:,.0f} MB, more than a UN monthly report is ({FILE_BYTES // _MB} MB "
            "at most) - check that it is one of the UN's 'Contribution of Uniformed "
            "Personnel' PDFs",
        )


def check_streams(data: bytes) -> None:
    """Refuse a file one of whose streams inflates past ``STREAM_BYTES`` (or all of them past
    ``FILE_STREAM_BYTES``), or is compressed in a way that cannot be measured, before PDFium
    reads it. Each stream is inflated here a piece at a time and kept nowhere."""
    total = 0
    for count, (start, filters, image) in enumerate(_streams(data), start=1):
        if count > STREAMS:
            raise LayoutError(
                None,
                f"more than {STREAMS:,} streams, far more than a UN monthly report has - check "
                "that it is one of the UN's 'Contribution of Uniformed Personnel' PDFs",
            )
        if _UNBOUNDED & set(filters):
            raise LayoutError(
                None,
                f"a stream (at byte {start:,}) is compressed with "
                f"{next(f for f in filters if f in _UNBOUNDED).decode()}, which no UN report "
                "uses and which is not read without a bound",
            )
        bound = IMAGE_BYTES if image else STREAM_BYTES
        size = _inflated(data, start, filters, min(bound, FILE_STREAM_BYTES - total) + 1)
        if size > bound:
            raise LayoutError(
                None,
                f"{'an image' if image else 'a stream'} (at byte {start:,}) inflates past "
                f"{bound // _MB} MB, more than any UN report's - the file is not one of the "
                "UN's reports, or it is damaged",
            )
        total += size
        if total > FILE_STREAM_BYTES:
            raise LayoutError(
                None,
                f"the file's streams inflate past {FILE_STREAM_BYTES // _MB} "
                "MB, more than any UN report's - the file is not one of the UN's reports, or it "
                "is damaged",
            )


def _streams(data: bytes) -> Iterator[tuple[int, list[bytes], bool]]:
    """Where each stream's data starts, its filters (none known: FlateDecode, tried), and
    whether it says it is an image."""
    at = 0
    while found := _STREAM.search(data, at):
        begun = data.rfind(b"obj", max(0, found.start() - 4096), found.start())
        head = data[max(begun, found.start() - 4096, 0) : found.start() + 2]
        at = found.end()
        named = _FILTER.search(head)
        names = _NAME.findall(named[1]) if named else []
        names = [_ESCAPED.sub(lambda m: bytes([int(m[1], 16)]), name) for name in names]
        yield at, names, _IMAGE.search(head) is not None


def _inflated(data: bytes, start: int, filters: list[bytes], limit: int) -> int:
    """How many bytes the stream at ``start`` decodes to through its leading FlateDecode and
    ASCII filters (or, with no filter named, through FlateDecode if its bytes are zlib's),
    counted up to ``limit``; 0 for bytes that do not decode (PDFium reads them as they are,
    within the file's size)."""
    chain = []
    for name in filters or [b"FlateDecode"]:
        if name not in _FLATE | _TEXT:
            break
        chain.append(name)
    if not chain:
        return 0
    size = 0
    for piece in _decoded(data, start, chain):
        size += len(piece)
        if size >= limit:
            break
    return size


def _decoded(data: bytes, start: int, chain: list[bytes]) -> Iterator[bytes]:
    """The stream's bytes through ``chain``, a piece at a time (a bad byte ends it)."""
    pieces: Iterator[bytes] = _raw(data, start)
    for name in chain:
        pieces = _inflate(pieces) if name in _FLATE else _ascii(pieces, name)
    return pieces


def _raw(data: bytes, start: int) -> Iterator[bytes]:
    for at in range(start, len(data), _CHUNK):
        yield data[at : at + _CHUNK]


def _inflate(pieces: Iterator[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    try:
        for piece in pieces:
            while not inflater.eof:  # until this piece is in and no output is pending
                out = inflater.decompress(piece, _CHUNK)
                piece = inflater.unconsumed_tail
                if not out and not piece:
                    break
                yield out
            if inflater.eof:
                return
    except zlib.error:
        return


def _ascii(pieces: Iterator[bytes], name: bytes) -> Iterator[bytes]:
    """ASCIIHex or ASCII85: never more bytes out than in, so read whole (up to ``~>``/``>``,
    within the file)."""
    text = bytearray()
    end = b">" if name in (b"ASCIIHexDecode", b"AHx") else b"~>"
    for piece in pieces:
        text += piece
        if end in piece:
            break
    text = text[: text.find(end)] if end in text else text
    try:
        if end == b">":
            hexed = re.sub(rb"\s", b"", bytes(text))
            yield binascii.unhexlify(hexed + b"0" * (len(hexed) % 2))
        else:
            yield base64.a85decode(bytes(text).lstrip(b"<~"), ignorechars=b" \t\n\r\x0c\x00")
    except ValueError:
        return


def check_page(number: int, chars: int, objects: int) -> None:
    """Refuse a page with more characters or objects than any report's, before they are read."""
    for count, bound, what in (
        (chars, PAGE_CHARS, "characters"),
        (objects, PAGE_OBJECTS, "objects"),
    ):
        if count > bound:
            raise LayoutError(
                number,
                f"{count:,} {what} on the page, more than any UN report's ({bound:,} at most) - "
                "check that it is one of the UN's 'Contribution of Uniformed Personnel' PDFs",
            )
