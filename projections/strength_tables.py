"""The strength view's tables and the SQL that finds rows: the columns, the tables and their
indexes, the R*Tree of the rows' boxes on (mission, valid, known, recorded) and its triggers,
and the conditions for "in force on D as known at K and recorded by T"."""

from __future__ import annotations

from datetime import date
from typing import Any

from events.bitemporal import Row
from events.places import country_name, gazetteer, region_of
from events.timeline import Change

# The version of the strength view's tables (``StrengthProjection.version``): kept here, beside
# them, so that a read path can tell a current view without loading the projection (issue 19).
STRENGTH_VERSION = 13  # 11: a claim counts until the next UN report; 12: "all gone" from
# nowhere; 13: the reports' sources

INTERVAL_COLUMNS = (
    "mission",
    "contributor",
    "location",
    "region",
    "personnel_type",
    "valid_from",
    "valid_to",
    "strength",
    "approximate",
    "event_id",
    "known_from",
    "known_to",
    "recorded_from",
    "recorded_to",
)


CHANGE_COLUMNS = (
    "event_id",
    "mission",
    "contributor",
    "effective",
    "ord",
    "kind",
    "count",
    "location",
    "personnel_type",
    "to_location",
    "approximate",
    "authoritative",
    "known",
    "recorded",
    "superseded_known",
    "superseded_recorded",
)
# What identifies a row within a contingent across recorded times: all but the contingent, the
# region (derived from the location) and the recorded range.
KEY_COLUMNS = tuple(
    c
    for c in INTERVAL_COLUMNS
    if c not in ("mission", "contributor", "region", "recorded_from", "recorded_to")
)


def key_of(row: Row, known_from: date, known_to: date | None) -> tuple[Any, ...]:
    location, personnel_type, valid_from, valid_to, strength, approximate, event_id = row
    return (
        location,
        personnel_type,
        valid_from.isoformat(),
        valid_to.isoformat() if valid_to else None,
        strength,
        int(approximate),
        event_id,
        known_from.isoformat(),
        known_to.isoformat() if known_to else None,
    )


def values_of(key: tuple[Any, ...], recorded_from: str) -> list[Any]:
    """INTERVAL_COLUMNS after mission and contributor, for a row first recorded at
    ``recorded_from``."""
    location, personnel_type, *rest = key
    return [location, region_of(location), personnel_type, *rest, recorded_from, None]


def times_of(event: Any) -> tuple[str, str]:
    """An event's knowledge date (its source's, or the day it was recorded when it has no
    source) and recorded time, as stored."""
    source = getattr(event, "source", None)
    known = source.known_from if source is not None else event.timestamp.date()
    return known.isoformat(), event.timestamp.isoformat(timespec="microseconds")


def time_filters(known_at: date | None, recorded_at: str | None) -> tuple[str, list[str]]:
    """SQL conditions (and their values) for the knowledge and recorded axes."""
    sql, params = "", []
    if known_at is None:
        sql += " AND known_to IS NULL"
    else:
        sql += " AND known_from <= ? AND (known_to IS NULL OR known_to > ?)"
        params += [known_at.isoformat()] * 2
    if recorded_at is None:
        sql += " AND recorded_to IS NULL"
    else:
        sql += " AND recorded_from <= ? AND (recorded_to IS NULL OR recorded_to > ?)"
        params += [recorded_at] * 2
    return sql, params


def change_of(r: dict[str, Any]) -> Change:
    return Change(
        r["event_id"],
        date.fromisoformat(r["effective"]),
        r["ord"],
        r["kind"],
        r["count"],
        r["location"],
        r["personnel_type"],
        r["to_location"],
        bool(r["approximate"]),
        bool(r["authoritative"]),
    )


def create_tables(db: Any) -> None:
    """Make the view's tables, indexes, R*Tree and triggers (if not there yet)."""
    # Reference data, not derived from the log: the gazetteer, so the view can be mapped.
    locations = db.table("locations")
    if not locations.exists():
        places = {p.name: p for p in gazetteer().values()}.values()
        locations.insert_all(
            (
                {
                    "name": p.name,
                    "country": p.country,
                    "region": p.region,
                    "latitude": p.latitude,
                    "longitude": p.longitude,
                }
                for p in places
            ),
            pk="name",
        )
    # Reference data: every ISO 3166 country's code and common name, so that a reader of the
    # file (the web view, any SQLite client) sees names beside the codes.
    contributors = db.table("contributors")
    if not contributors.exists():
        import pycountry  # only here: a query of the view does not load it (issue 19)

        contributors.insert_all(
            ({"code": c.alpha_3, "name": country_name(c.alpha_3)} for c in pycountry.countries),
            pk="code",
        )
    db.table("strength_changes").create(
        {
            "event_id": str,
            "mission": str,
            "contributor": str,
            "effective": str,
            "ord": int,
            "kind": str,
            "count": int,
            "location": str,
            "personnel_type": str,
            "to_location": str,
            "approximate": int,
            "authoritative": int,
            "known": str,
            "recorded": str,
            "superseded_known": str,
            "superseded_recorded": str,
        },
        pk="event_id",
        if_not_exists=True,
    )
    db.table("strength_changes").create_index(["mission", "contributor"], if_not_exists=True)
    db.table("mission_totals").create(
        {
            "event_id": str,
            "mission": str,
            "effective": str,
            "ord": int,
            "strength": int,
            "categories": str,
            "contributors": int,
            "approximate": int,
            "known": str,
            "recorded": str,
            "superseded_known": str,
            "superseded_recorded": str,
        },
        pk="event_id",
        if_not_exists=True,
    )
    db.table("mission_totals").create_index(["mission", "effective"], if_not_exists=True)
    # The dates of the mission's reports of record (the UN's month-end reports, which list the
    # contributors; ``listed`` 0: a report of that date that covered other missions and not
    # this one, whose figures are then unknown that month): a month with no report at all is
    # a gap in the record, to be shown as such.
    db.table("mission_reports").create(
        {
            "event_id": str,
            "mission": str,
            "effective": str,
            "listed": int,
            "known": str,
            "recorded": str,
            "superseded_known": str,
            "superseded_recorded": str,
            "source_title": str,  # the report as its event cites it (issue 27: evidence)
            "source_url": str,
            "quote": str,  # the file and pages: "UN_country_contributions_2022_11.pdf, pages 7-11"
        },
        pk="event_id",
        if_not_exists=True,
    )
    db.table("mission_reports").create_index(["mission", "effective"], if_not_exists=True)
    # A mission's closure ends every contingent of it (the day after): kept once per mission,
    # it joins each contingent's changes when its rows are derived.
    db.table("mission_closures").create(
        {
            "event_id": str,
            "mission": str,
            "effective": str,
            "known": str,
            "recorded": str,
            "superseded_known": str,
            "superseded_recorded": str,
        },
        pk="event_id",
        if_not_exists=True,
    )
    db.table("strength_intervals").create(
        {
            "mission": str,
            "contributor": str,
            "location": str,
            "region": str,
            "personnel_type": str,
            "valid_from": str,
            "valid_to": str,
            "strength": int,
            "approximate": int,
            "event_id": str,
            "known_from": str,
            "known_to": str,
            "recorded_from": str,
            "recorded_to": str,
        },
        if_not_exists=True,
    )
    interval_indexes(db)
    # The state as the store knows it now (neither superseded by later knowledge nor by a later
    # recording): the rows to browse, facet and sum; strength_intervals keeps every axis.
    db.execute("DROP VIEW IF EXISTS strength_current")
    db.execute(
        "CREATE VIEW strength_current AS SELECT i.mission, i.contributor, "
        "COALESCE(c.name, i.contributor) AS contributor_name, i.location, i.region, "
        "i.personnel_type, i.valid_from, i.valid_to, i.strength, i.approximate, i.event_id, "
        "i.known_from FROM strength_intervals i LEFT JOIN contributors c ON c.code = i.contributor "
        "WHERE i.known_to IS NULL AND i.recorded_to IS NULL"
    )
    # Contingents with changes whose rows are not derived yet (``since``: the earliest
    # recorded time among them), and the recorded time each contingent's rows are at.
    db.execute(
        "CREATE TABLE IF NOT EXISTS strength_dirty (mission TEXT, contributor TEXT, "
        "since TEXT, PRIMARY KEY (mission, contributor))"
    )
    # With what the next arrival is checked against (``StrengthDerivation.append_one``): the
    # last of the contingent's changes derived (rowid), the latest knowledge date, superseding
    # knowledge date and valid date among them, and the last month of each kind of series.
    db.execute(
        "CREATE TABLE IF NOT EXISTS strength_derived (mission TEXT, contributor TEXT, "
        "recorded TEXT, changes INTEGER, known TEXT, superseded_known TEXT, effective TEXT, "
        "PRIMARY KEY (mission, contributor))"
    )
    db.execute(  # the few superseded changes: "has one been superseded since" is one look
        "CREATE INDEX IF NOT EXISTS strength_changes_superseded ON strength_changes "
        "(mission, contributor, superseded_recorded) WHERE superseded_recorded IS NOT NULL"
    )


INTERVAL_INDEXES = (
    ("mission", "valid_from", "valid_to"),
    ("mission", "known_to", "recorded_to", "valid_from"),
    ("mission", "contributor"),
)


def interval_indexes(db: Any) -> None:
    """The indexes of ``strength_intervals`` (a rebuild makes them after its rows)."""
    for columns in INTERVAL_INDEXES:
        db.table("strength_intervals").create_index(list(columns), if_not_exists=True)
    db.execute(  # the open rows as known and recorded now (one a cell): where a change starts
        "CREATE INDEX IF NOT EXISTS strength_intervals_open ON strength_intervals "
        "(mission, contributor) WHERE valid_to IS NULL AND known_to IS NULL "
        "AND recorded_to IS NULL"
    )
