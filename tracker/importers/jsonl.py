"""JSON Lines of events: one JSON object per line, with a ``type`` field naming the kind.
This module reads and checks the lines (``decode``, ``records``); recording them is the
unit of work's (``Tracker.import_events``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from events.errors import InvalidInputError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import BinaryIO

MAX_LINE = 1_000_000  # characters in one JSON Lines event: far more than any real one
READ_CHUNK = 1 << 20  # bytes read at a time by ``read_bounded``
BOM = b"\xef\xbb\xbf"
_CONTINUATION = bytes(range(0x80, 0xC0))  # UTF-8 bytes that start no character


class DuplicateKeyError(ValueError):
    """Raised when one JSON object names the same key twice (JSON would keep the last)."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) < len(pairs):  # a key given twice: which one
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return found


_DECODER = json.JSONDecoder(object_pairs_hook=_object)  # made once: json.loads makes one a call


def _too_long(name: str, number: int, length: int) -> InvalidInputError:
    return InvalidInputError(
        f"{name}:{number}: a line of {length:,} characters; an event takes at most "
        f"{MAX_LINE:,} - is this a JSON Lines file of events?"
    )


def _refuse_pdf(data: bytes, name: str) -> None:
    if data.startswith(b"%PDF-"):
        raise InvalidInputError(
            f"{name}: a PDF, not JSON Lines - a UN monthly report imports with "
            "'tracker import --format un-pdf'"
        )


def read_bounded(stream: BinaryIO, name: str, *, chunk: int = READ_CHUNK) -> bytes:
    """The bytes of ``stream``, read ``chunk`` bytes at a time, refusing the first line longer
    than ``MAX_LINE`` characters (as ``records`` counts them) while it is read: the rest of
    that line is only counted, never held, and nothing after it is read (issue "Hardening,
    round 3", 12: a file with a line of 1 GB took 3.2 GB before its refusal).

    Raises:
        InvalidInputError: a line too long, named ``name:line:``; a PDF, saying how it imports.
    """
    held: list[bytes] = []
    number, length, last, first = 1, 0, b"", True  # the line read, its characters so far
    while data := stream.read(chunk):
        if first:
            _refuse_pdf(data, name)
            length -= data.startswith(BOM)  # not a character of the line (utf-8-sig)
            first = False
        start = 0
        while start <= len(data):
            end = data.find(b"\n", start)
            piece = data[start : len(data) if end < 0 else end]
            length += len(piece.translate(None, _CONTINUATION))
            last = piece[-1:] or last
            if length > MAX_LINE + 1:  # too long, whatever ends it: count the rest, hold none
                held.clear()
            if end < 0:
                break
            if length - (last == b"\r") > MAX_LINE:
                raise _too_long(name, number, length - (last == b"\r"))
            number, length, last, start = number + 1, 0, b"", end + 1
        if length <= MAX_LINE + 1:
            held.append(data)
    if length - (last == b"\r") > MAX_LINE:
        raise _too_long(name, number, length - (last == b"\r"))
    return b"".join(held)


def decode(data: bytes, name: str) -> list[str]:
    """The lines of a file's bytes: UTF-8 (a BOM is fine). A line ends at ``\\n`` only (a
    ``\\r\\n`` ending is fine too): U+2028, U+2029 and U+0085 are valid inside a JSON
    string, and ``str.splitlines`` would cut the line there.

    Raises:
        InvalidInputError: not UTF-8, naming the line; a PDF, saying how it imports.
    """
    _refuse_pdf(data, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InvalidInputError(
            f"{name}:{line}: not UTF-8 text ({error.reason} at byte {error.start}) - save "
            "the file as UTF-8"
        ) from None
    lines = text.split("\n")
    if lines[-1] == "":  # the newline that ends the last line starts no line of its own
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def records(lines: Iterable[str], name: str) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Each event line as (line number, kind, fields); blank lines are skipped.

    Raises:
        InvalidInputError: a line that is not one JSON object with a ``type``, named
            ``name:line:``.
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE:
            raise _too_long(name, number, len(line))
        try:
            fields = _DECODER.decode(line)
        except DuplicateKeyError as error:
            raise InvalidInputError(
                f"{name}:{number}: key {error.key[:80]!r} appears twice in one object - keep "
                "one (JSON readers would silently take the last)"
            ) from None
        except json.JSONDecodeError as error:
            raise InvalidInputError(f"{name}:{number}: not valid JSON ({error.msg})") from None
        except (ValueError, RecursionError) as error:  # 5,000-digit numbers, deep nesting
            said = "nested too deeply" if isinstance(error, RecursionError) else str(error)
            raise InvalidInputError(f"{name}:{number}: not valid JSON ({said})") from None
        if not isinstance(fields, dict):
            raise InvalidInputError(f"{name}:{number}: each line must be one JSON object")
        kind = fields.pop("type", None)
        if not isinstance(kind, str):
            raise InvalidInputError(
                f"{name}:{number}: field 'type': missing: say which kind of event"
            )
        yield number, kind, fields
