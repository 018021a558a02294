"""The console every table is printed on (kept apart from the commands, so a read path can
print without loading them)."""

from __future__ import annotations

import codecs
import os
import signal
import sys
import unicodedata

from rich.console import Console


class _Console(Console):
    def on_broken_pipe(self) -> None:
        """The reader left early (``tracker strength ... | head -3``): stop quietly with the
        status of a Unix tool killed by SIGPIPE, 141, as every other command does (rich's
        own is 1, which is a store's error here)."""
        self.quiet = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise SystemExit(128 + signal.SIGPIPE)


# Punctuation with no ASCII decomposition, as plain text would write it.
PLAIN = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "…": "...",
        "─": "-",
        "━": "-",
        "│": "|",
        "×": "x",
        "•": "*",
        "\u00a0": " ",
    }
)
FALLBACK = "tracker-plain"


def _plain(error: UnicodeError) -> tuple[str, int]:
    """What a character the output cannot encode is written as: its letters without their
    accents (Côte -> Cote), plain punctuation, else its escape (\\u2192)."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    encoding = error.encoding
    out = []
    for char in error.object[error.start : error.end]:
        simple = unicodedata.normalize("NFKD", char.translate(PLAIN))
        kept = simple.encode(encoding, "ignore").decode(encoding)
        out.append(kept or char.encode("ascii", "backslashreplace").decode("ascii"))
    return "".join(out), error.end


codecs.register_error(FALLBACK, _plain)


class _PlainEncoder(codecs.IncrementalEncoder):
    def encode(self, input: str, final: bool = False) -> bytes:
        return codecs.ascii_encode(input, FALLBACK)[0]


PLAIN_ASCII = codecs.CodecInfo(
    name="tracker-ascii",
    encode=lambda text, errors="strict": codecs.ascii_encode(text, FALLBACK),
    decode=codecs.ascii_decode,
    incrementalencoder=_PlainEncoder,
    incrementaldecoder=codecs.getincrementaldecoder("ascii"),
)
codecs.register(lambda name: PLAIN_ASCII if name in ("tracker_ascii", "tracker-ascii") else None)


def tolerant_output() -> None:
    """Standard output and error degrade instead of failing where their encoding cannot
    write a name (``PYTHONIOENCODING=ascii``: 'Côte d'Ivoire' ended in a UnicodeEncodeError
    traceback; issue "Hardening, round 3", 13). An ASCII stream gets an ASCII codec of its
    own (click would write UTF-8 over one it sees as ASCII, the rich tables not)."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        try:
            name = codecs.lookup(getattr(stream, "encoding", None) or "ascii").name
        except LookupError:
            continue
        if reconfigure is None or name.startswith("utf") or name == PLAIN_ASCII.name:
            continue
        if name == "ascii":
            reconfigure(encoding=PLAIN_ASCII.name)
        else:
            reconfigure(errors=FALLBACK)


def console() -> Console:
    """Tables at the terminal's width; 120 columns in a pipe (rich would take 80)."""
    return _Console(width=None if sys.stdout.isatty() else 120)
