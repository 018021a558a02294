"""The seeds' manifest: ``seeds.toml`` lists the files to load, in order, with their format."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from events.errors import InvalidInputError

FORMATS = ("jsonl", "un-monthly")


@dataclass(frozen=True)
class SeedFile:
    """One file of the seeds: where it is, its format, and (UN files) where it was published."""

    path: Path
    format: str
    source_url: str | None = None

    def read(self) -> bytes:
        try:
            return self.path.read_bytes()
        except OSError as error:
            raise InvalidInputError(f"{self.path}: cannot read it ({error.strerror})") from None


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
    return [SeedFile(folder / e["path"], e["format"], e.get("source_url")) for e in files]
