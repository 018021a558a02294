"""JSON Lines of events: one JSON object per line, with a ``type`` field naming the kind.
This module reads and checks the lines (``decode``, ``records``); recording them is the
unit of work's (``Tracker.import_events``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from events.errors import InvalidInputError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

MAX_LINE = 1_000_000  # characters in one JSON Lines event: far more than any real one


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


def decode(data: bytes, name: str) -> list[str]:
    """The lines of a file's bytes: UTF-8 (a BOM is fine). A line ends at ``\\n`` only (a
    ``\\r\\n`` ending is fine too): U+2028, U+2029 and U+0085 are valid inside a JSON
    string, and ``str.splitlines`` would cut the line there.

    Raises:
        InvalidInputError: not UTF-8, naming the line; a PDF, saying how it imports.
    """
    if data.startswith(b"%PDF-"):
        raise InvalidInputError(
            f"{name}: a PDF, not JSON Lines - a UN monthly report imports with "
            "'tracker import --format un-pdf'"
        )
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
            raise InvalidInputError(
                f"{name}:{number}: a line of {len(line):,} characters; an event takes at "
                f"most {MAX_LINE:,} - is this a JSON Lines file of events?"
            )
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
