from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from events.values import Source, ValidDate, country_code, find_place


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("CIV", "CIV"),
        ("civ", "CIV"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d'Ivoire", "CIV"),
        ("Cote d Ivoire", "CIV"),  # the UN monthly files' spelling
        ("Côte d’Ivoire", "CIV"),
        ("United Kingdom", "GBR"),
        ("Germany", "DEU"),
        ("Egypt", "EGY"),
        ("Chad", "TCD"),
        ("Republic of Korea", "KOR"),
    ],
)
def test_country_names_and_codes_map_to_alpha3(given: str, code: str) -> None:
    assert country_code(given) == code


@pytest.mark.parametrize("given", ["XYZ", "Atlantis", "", "   "])
def test_unknown_country_is_refused(given: str) -> None:
    with pytest.raises(ValueError, match="country"):
        country_code(given)


@pytest.mark.parametrize(
    ("text", "precision", "start", "end"),
    [
        ("2022-11-14", "day", date(2022, 11, 14), date(2022, 11, 14)),
        ("2022-03", "month", date(2022, 3, 1), date(2022, 3, 31)),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29)),
        ("2023", "year", date(2023, 1, 1), date(2023, 12, 31)),
    ],
)
def test_valid_date_keeps_its_precision(text: str, precision: str, start: date, end: date) -> None:
    parsed = ValidDate.parse(text)
    assert (parsed.precision, parsed.start, parsed.end, str(parsed)) == (
        precision,
        start,
        end,
        text,
    )


@pytest.mark.parametrize(
    "text", ["2023-02-30", "0025-01-01", "2022/11/14", "March 2022", "2022-13"]
)
def test_impossible_or_implausible_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"date|range"):
        ValidDate.parse(text)


@pytest.mark.parametrize(
    ("alias", "canonical", "region"),
    [
        ("Timbuktu", "Tombouctou", "Tombouctou"),
        ("tombouctou", "Tombouctou", "Tombouctou"),
        ("Menaka", "Ménaka", "Ménaka"),
        ("Ménaka", "Ménaka", "Ménaka"),
        ("Mopti/Sevare", "Mopti", "Mopti"),
        ("Tessalit", "Tessalit", "Kidal"),
    ],
)
def test_location_aliases_give_one_canonical_name(alias: str, canonical: str, region: str) -> None:
    place = find_place(alias)
    assert (place.name, place.region) == (canonical, region)


def test_unknown_location_names_the_gazetteer() -> None:
    with pytest.raises(ValueError, match=r"unknown location 'Atlantis'.*gazetteer\.csv"):
        find_place("Atlantis")


def test_source_needs_a_title_and_a_publication_date() -> None:
    with pytest.raises(ValidationError, match="published_on"):
        Source(title="x")  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="web address"):
        Source(title="x", published_on="2022-01-01", url="javascript:alert(1)")  # type: ignore[arg-type]
    month = Source(title="x", published_on="2022-11")  # type: ignore[arg-type]
    assert month.known_from == date(2022, 11, 30)
