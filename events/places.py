"""Places and countries by name, as every face shows them: the gazetteer of locations
(``events/gazetteer.csv``) with their admin-1 regions, and countries' common names. Plain
Python with no validation library, so that a read path can name what it shows without loading
the event classes (issue 19); ``events.values`` validates with them."""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources


@lru_cache(maxsize=8192)  # every event's country and places (issue 19): the same few names
def _fold(text: str) -> str:
    """Lower-case, drop accents and all but letters and digits: 'Côte d’Ivoire' -> 'cotedivoire'."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", ascii_only.lower())


USER_ASSIGNED = {"XKX": "Kosovo"}  # codes outside ISO 3166 that the tracker accepts


def country_name(code: str) -> str:
    import pycountry  # when a name is first asked for: 40 ms to load (issue 19)

    if code in USER_ASSIGNED:
        return USER_ASSIGNED[code]
    country = pycountry.countries.get(alpha_3=code)
    return str(getattr(country, "common_name", None) or country.name) if country else code


@dataclass(frozen=True)
class Place:
    """A location of the gazetteer: canonical name, its admin-1 region, coordinates if known."""

    country: str
    name: str
    region: str
    latitude: float | None
    longitude: float | None


@cache
def gazetteer() -> dict[str, Place]:
    """Every known location by folded name and alias (see ``events/gazetteer.csv``)."""
    places: dict[str, Place] = {}
    text = resources.files("events").joinpath("gazetteer.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        place = Place(
            country=row["country"],
            name=row["name"],
            region=row["region"],
            latitude=float(row["latitude"]) if row["latitude"] else None,
            longitude=float(row["longitude"]) if row["longitude"] else None,
        )
        for name in [row["name"], *filter(None, row["aliases"].split(";"))]:
            places[_fold(name)] = place
    return places


def find_place(name: str) -> Place:
    place = gazetteer().get(_fold(name))
    if place is None:
        known = ", ".join(sorted({p.name for p in gazetteer().values()}))
        raise ValueError(
            f"unknown location {name!r}: known locations are {known} "
            "(add a new one to events/gazetteer.csv)"
        )
    return place


def region_of(location: str | None) -> str | None:
    return None if location is None else find_place(location).region
