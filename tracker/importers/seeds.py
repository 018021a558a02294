"""The seeds' manifest: ``seeds.toml`` lists the files to load, in order, with their format and,
where a file holds one mission's events, that mission. A path may be a pattern
(``un-record/*.jsonl.gz``): each file it matches, in name order, is one mission's, named by
the file (``MINUSMA.jsonl.gz``). A file ending ``.gz`` is read through gzip."""

from __future__ import annotations

import gzip
import tomllib
from dataclasses import dataclass
from pathlib import Path

from events.errors import InvalidInputError

FORMATS = ("jsonl", "un-monthly")


@dataclass(frozen=True)
class SeedFile:
    """One file of the seeds: where it is, its format, (UN files) where it was published, and
    the one mission whose events it holds (None: it may hold any mission's)."""

    path: Path
    format: str
    source_url: str | None = None
    mission: str | None = None
    entry: str | None = None  # the manifest's pattern that matched it, if one did

    def read(self) -> bytes:
        try:
            data = self.path.read_bytes()
            return gzip.decompress(data) if self.path.suffix == ".gz" else data
        except OSError as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise InvalidInputError(f"{self.path}: cannot read it ({reason})") from None
        except EOFError as error:
            raise InvalidInputError(f"{self.path}: cannot read it ({error})") from None


def manifest(directory: str | Path) -> list[SeedFile]:
    """The files ``directory/seeds.toml`` lists, in order.

    Raises:
        InvalidInputError: the manifest is missing or malformed (named).
    """
    folder = Path(directory)
    path = folder / "seeds.toml"
    try:
        files = tomllib.loads(path.read_text(encoding="utf-8"))["file"]
    except (OSError, KeyError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise InvalidInputError(f"{path}: cannot read the list of seeds ({error})") from None
    if not isinstance(files, list) or not all(
        isinstance(e, dict) and isinstance(e.get("path"), str) and e.get("format") in FORMATS
        for e in files
    ):
        raise InvalidInputError(
            f"{path}: each [[file]] needs a path and a format ({' or '.join(FORMATS)})"
        )
    found = []
    for e in files:
        if "*" in e["path"]:
            matched = sorted(folder.glob(e["path"]))
            if not matched:
                raise InvalidInputError(f"{path}: no seed file matches {e['path']!r}")
            found += [
                SeedFile(
                    p, e["format"], e.get("source_url"), p.name.split(".")[0].upper(), e["path"]
                )
                for p in matched
            ]
        else:
            found.append(
                SeedFile(folder / e["path"], e["format"], e.get("source_url"), e.get("mission"))
            )
    return found
