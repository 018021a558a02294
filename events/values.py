"""Value types every event is made of: contributors, personnel types, dates with a precision,
sources and locations. Each validates and normalises its input, so an event that exists is valid."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property, lru_cache
from typing import Annotated, Any, Literal

import pycountry
from pydantic import AfterValidator, BeforeValidator, Field, GetCoreSchemaHandler
from pydantic_core import core_schema

from events.base import Immutable
from events.places import Place as Place  # re-exported: where they were before (issue 19)
from events.places import _fold
from events.places import country_name as country_name
from events.places import find_place as find_place
from events.places import gazetteer as gazetteer
from events.places import region_of as region_of

PERSONNEL_TYPES: tuple[str, ...] = (
    "troops",
    "staff_officers",
    "military_experts",
    "individual_police",
    "formed_police_units",
)
PersonnelType = Literal[
    "troops", "staff_officers", "military_experts", "individual_police", "formed_police_units"
]
"""The UN's categories of uniformed personnel, spelled as every output spells them."""

Precision = Literal["day", "month", "year"]

EARLIEST = date(1945, 1, 1)  # the UN's founding: nothing this tracker counts happened before it
LATEST = date(2099, 12, 31)

MAX_COUNT = 1_000_000  # larger than any UN operation ever fielded; a bigger number is a typo


def not_a_flag(value: Any) -> Any:
    if isinstance(value, bool):  # true is not 1 person
        raise ValueError("give a number of personnel, not true or false")
    return value


Count = Annotated[int, BeforeValidator(not_a_flag), Field(ge=0, le=MAX_COUNT, strict=False)]


# Spellings that sources use and that pycountry's names do not cover.
_COUNTRY_ALIASES = {
    "uk": "GBR",
    "britain": "GBR",
    "greatbritain": "GBR",
    "unitedkingdomofgreatbritainandnorthernireland": "GBR",
    "usa": "USA",
    "us": "USA",
    "unitedstatesofamerica": "USA",
    "ivorycoast": "CIV",
    "russia": "RUS",
    "southkorea": "KOR",
    "republicofkorea": "KOR",
    "korearepublicof": "KOR",
    "tanzania": "TZA",
    "unitedrepublicoftanzania": "TZA",
    "iran": "IRN",
    "laos": "LAO",
    "syria": "SYR",
    "moldova": "MDA",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "vietnam": "VNM",
    "drc": "COD",
    "democraticrepublicofthecongo": "COD",
    "gambia": "GMB",
    "thegambia": "GMB",
    "macedonia": "MKD",
    "theformeryugoslavrepublicofmacedonia": "MKD",
    "czechrepublic": "CZE",
    "turkey": "TUR",
    # Kosovo has no ISO 3166 code; XKX is the user-assigned one the EU, the IMF and the
    # Natural Earth boundaries use (UNMIK's host; the UN says "Kosovo", under res. 1244)
    "xkx": "XKX",
    "kosovo": "XKX",
}


@cache
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                index[_fold(name)] = country.alpha_3
        index[_fold(country.alpha_3)] = country.alpha_3
    index.update(_COUNTRY_ALIASES)
    return index


def country_code(value: str) -> str:
    """ISO 3166 alpha-3 code for a code or a country name in any common spelling.

    Raises:
        ValueError: the value names no country.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError("a country is required (ISO 3166 alpha-3 code or name)")
    return _code_of(value)


@lru_cache(maxsize=4096)  # asked for every event of an import, of few spellings (issue 25)
def _code_of(value: str) -> str:
    code = _country_index().get(_fold(value))
    if code is None:
        raise ValueError(
            f"unknown country {value.strip()!r}: give an ISO 3166 alpha-3 code such as 'CIV' "
            "or a country name"
        )
    return code


Contributor = Annotated[str, BeforeValidator(country_code)]
"""A contributing country as its ISO 3166 alpha-3 code; names such as "Côte d'Ivoire" map to CIV."""
Country = Contributor


def _mission_acronym(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("a mission acronym is required, such as 'MINUSMA'")
    return _acronym(value)


@lru_cache(maxsize=1024)  # asked for every event of an import (issue 25)
def _acronym(value: str) -> str:
    acronym = value.strip().upper()
    if not re.fullmatch(r"[A-Z][A-Z0-9-]{1,19}", acronym):
        raise ValueError(
            f"{value!r} is not a mission acronym: "
            "use 2-20 letters, digits or '-', such as 'MINUSMA'"
        )
    return acronym


MissionAcronym = Annotated[str, BeforeValidator(_mission_acronym)]


def check_date_range(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(
            f"{value.isoformat()} is out of range: dates must lie between "
            f"{EARLIEST.isoformat()} and {LATEST.isoformat()}"
        )
    return value


PlausibleDate = Annotated[date, AfterValidator(check_date_range)]


@dataclass(frozen=True, order=True)
class ValidDate:
    """A date with its precision: "2022-03-14" (day), "2022-03" (month) or "2022" (year).

    "March 2022" is not "2022-03-01": a month- or year-precise change takes effect at the
    *end* of its period (``effective``), the first day on which it surely holds.
    """

    start: date
    precision: Precision = "day"

    @classmethod
    def parse(cls, value: Any) -> ValidDate:
        if isinstance(value, ValidDate):
            return value
        if isinstance(value, date):
            return cls(check_date_range(value), "day")
        if not isinstance(value, str):
            raise ValueError("a date is required: YYYY-MM-DD, YYYY-MM or YYYY")
        return _parse_text(value)

    @classmethod
    def _parse(cls, value: str) -> ValidDate:
        text = value.strip()
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                parsed = cls(date.fromisoformat(text), "day")
            elif re.fullmatch(r"\d{4}-\d{2}", text):
                parsed = cls(date.fromisoformat(text + "-01"), "month")
            elif re.fullmatch(r"\d{4}", text):
                parsed = cls(date(int(text), 1, 1), "year")
            else:
                raise ValueError
        except ValueError:
            raise ValueError(
                f"{value!r} is not a date: use YYYY-MM-DD, YYYY-MM (month) or YYYY (year)"
            ) from None
        check_date_range(parsed.start)
        return parsed

    @cached_property  # asked for every change the fold applies (issue 19)
    def end(self) -> date:
        if self.precision == "day":
            return self.start
        if self.precision == "month":
            last = calendar.monthrange(self.start.year, self.start.month)[1]
            return self.start.replace(day=last)
        return self.start.replace(month=12, day=31)

    @property
    def effective(self) -> date:
        """The day from which the fact holds in the step function of strength."""
        return self.end

    def __str__(self) -> str:
        return self.text

    @cached_property  # written for every event stored (issue 25)
    def text(self) -> str:
        """The date as written, to its precision: "2022-03-14", "2022-03" or "2022"."""
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return self.start.isoformat()[:7]
        return str(self.start.year)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
            json_schema_input_schema=core_schema.str_schema(),
        )


@lru_cache(maxsize=1 << 16)  # a log names few dates many times: parsed once, one object each
def _parse_text(value: str) -> ValidDate:
    return ValidDate._parse(value)


def _http_url(value: str | None) -> str | None:
    if value is None:
        return None
    return _web_address(value)


@lru_cache(maxsize=4096)  # an import gives the same few addresses again and again (issue 25)
def _web_address(value: str) -> str | None:
    if not value.strip():
        return None
    if not re.fullmatch(r"https?://\S+", value.strip()):
        raise ValueError(f"{value!r} is not a web address: it must start with http:// or https://")
    return value.strip()


NonEmpty = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(str.strip)]


class Source(Immutable):
    """Where a fact comes from. A figure without a source is not evidence.

    Fields: ``title`` (title or publisher of the document), ``url`` (its address, where it has one),
    ``published_on`` (its publication date, with its precision: the event's *knowledge time*;
    "2022-11" when only the month is known), ``quote`` (a short quote or note: what exactly the
    source says, rounding and caveats included).
    """

    title: NonEmpty
    url: Annotated[str | None, AfterValidator(_http_url)] = None
    published_on: ValidDate
    quote: str | None = Field(default=None, max_length=4000)

    @property
    def known_from(self) -> date:
        """The first day on which the source was surely published."""
        return self.published_on.end


def _location(value: Any) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise ValueError("a location is a place name, such as 'Gao'")
    return find_place(value).name


Location = Annotated[str | None, BeforeValidator(_location)]
"""A canonical location name; aliases are accepted (Timbuktu -> Tombouctou, Menaka -> Ménaka)."""
