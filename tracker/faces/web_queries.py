"""What the web view asks and says: its canned queries (the SQL, the parameters and what each
one answers), the tables' and columns' meanings, and the sources with their terms of use. Plain
data for Datasette's metadata; ``tracker.faces.web`` serves it."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any, Literal

Kind = Literal["mission", "day", "today", "country", "status", "text"]


@dataclass(frozen=True)
class Param:
    """A canned query's parameter: ``kind`` says how it is checked and what it defaults to
    (``mission``: a mission of the store, by default the first; ``day``: YYYY-MM-DD, by default
    the latest month end with figures; ``today``: YYYY-MM-DD, by default today; ``country``: a
    name or ISO code, or empty for all; ``status``: a ledger status or empty; ``text``)."""

    name: str
    kind: Kind
    help: str
    required: bool = True


@dataclass(frozen=True)
class Query:
    """A canned query of the view ``database``: what it answers (``question``, on the home
    page), its ``title``, a one-line ``description`` and its ``sql``."""

    database: str
    name: str
    question: str
    title: str
    description: str
    sql: str
    params: tuple[Param, ...]


MISSION = Param("mission", "mission", "the mission's acronym, such as MINUSMA")
ON = Param(
    "on",
    "day",
    "the date, YYYY-MM-DD (default: the latest month end with a figure in the data)",
)

# The rows in force on :on, as the store knows them now; nothing at all for a date that is not
# a real YYYY-MM-DD day (with a modifier, SQLite's date() turns 2023-02-30 into 2023-03-02), so
# a mistyped date can never show the latest state.
_CELLS = (
    "cells AS (SELECT * FROM strength_current WHERE mission = upper(:mission) "
    "AND date(:on, '+0 days') = :on AND valid_from <= :on AND (valid_to IS NULL OR valid_to > :on))"
)
# One row per group, as the CLI computes it (``StrengthQueries.strength``): unknown (null) if
# any part is; "figure of" the oldest figure that counts, or, every part at 0, the day the last
# went to 0; the total's (``StrengthAnswer.figure_of``), the oldest of the groups not at 0, or,
# all at 0, the latest of theirs (issue 29, 8: both were the oldest, and the total NULL).
_GROUPS = (
    "groups AS (SELECT {key}, {extra}"
    "CASE WHEN count(*) > count(strength) THEN NULL ELSE sum(strength) END AS strength, "
    "coalesce(sum(strength), 0) AS known, max(approximate) AS approximate, "
    "coalesce(min(CASE WHEN strength IS NULL OR strength <> 0 THEN valid_from END), "
    "max(valid_from)) AS figure_of, "
    "(SELECT group_concat(e, ' ') FROM (SELECT DISTINCT event_id AS e FROM cells c "
    "WHERE c.{key} IS cells.{key} ORDER BY e)) AS sources "  # in order: the same every time
    "FROM cells GROUP BY {key})"
)
# The record around :on, as the CLI says it (one code: ``tracker_record``, the same answer's
# note): the months since the mission's last UN report with no report at all, or whose report
# did not list it; the figures then are of that report, and of the claims since, if newer.
_RECORD = (
    "record AS (SELECT json_extract(r.said, '$.un_report') AS latest, "
    "json_extract(r.said, '$.note') AS note FROM (SELECT tracker_record(:mission, :on, "
    "(SELECT max(valid_from) FROM cells)) AS said) r WHERE note IS NOT NULL)"
)
# A row saying so, after the total: {columns} are the blanks before the figure's date.
_GAP = " UNION ALL SELECT 3, {blanks}NULL, latest, note, '' FROM record"
_NOTE = (
    "trim(CASE WHEN strength IS NULL THEN 'unknown: present, no figure published; ' ELSE '' END"
    " || CASE WHEN approximate THEN 'about: rounded by its source; ' ELSE '' END{more}, '; ')"
)
_TOTAL = (
    "SELECT 1 AS part, {blanks}sum(known), "
    "coalesce(min(CASE WHEN strength IS NULL OR strength <> 0 THEN figure_of END), "
    "max(figure_of)), {present}"
    " || coalesce('; leaves out, figure unknown: ' || (SELECT group_concat({who}, ', ') "
    "FROM groups WHERE strength IS NULL), '')"
    " || CASE WHEN max(approximate) THEN '; some figures rounded by their source' ELSE '' END, "
    "'' FROM groups HAVING count(*) > 0"
)

STRENGTH_BY_CONTRIBUTOR = (
    f"WITH {_CELLS}, {_RECORD}, "
    + _GROUPS.format(key="contributor", extra="max(contributor_name) AS country, ")
    + ", reported AS (SELECT * FROM mission_totals WHERE mission = upper(:mission) "
    "AND date(:on, '+0 days') = :on AND effective <= :on AND superseded_known IS NULL "
    "ORDER BY effective DESC, ord DESC LIMIT 1) "
    "SELECT contributor, country, strength, figure_of, note, sources FROM ("
    "SELECT 0 AS part, contributor, country, strength, figure_of, "
    + _NOTE.format(more="")
    + " AS note, sources FROM groups UNION ALL "
    + _TOTAL.format(
        blanks="NULL, 'Total', ",
        present="(SELECT count(*) FROM groups WHERE strength IS NULL OR strength <> 0) "
        "|| ' contributor(s) present'",
        who="contributor",
    )
    + " UNION ALL SELECT 2, NULL, 'Reported for the whole mission', strength, effective, "
    "CASE WHEN approximate THEN 'about; ' ELSE '' END || coalesce((SELECT "
    "group_concat(replace(key, '_', ' ') || ' ' || value, ', ') FROM json_each(categories)), ''),"
    " event_id FROM reported"
    + _GAP.format(blanks="NULL, 'Since the last UN report', ")
    + ") ORDER BY part, contributor"
)

STRENGTH_BY_LOCATION = (
    f"WITH {_CELLS}, {_RECORD}, "
    + _GROUPS.format(key="location", extra="max(region) AS region, ")
    + " SELECT g.location, g.region, l.latitude, l.longitude, g.strength, g.figure_of, g.note, "
    "g.sources FROM (SELECT 0 AS part, location, region, strength, figure_of, "
    + _NOTE.format(
        more=" || CASE WHEN location IS NULL THEN 'unassigned: the sources give no location' "
        "ELSE '' END"
    )
    + " AS note, sources FROM groups UNION ALL "
    + _TOTAL.format(
        blanks="'Total', NULL, ",
        present="'every place, unassigned included'",
        who="coalesce(location, '(unassigned)')",
    )
    + _GAP.format(blanks="'Since the last UN report', NULL, ")
    + ") g LEFT JOIN locations l ON l.name = g.location AND g.part = 0 "
    "ORDER BY g.part, g.location IS NOT NULL, g.location"
)


def _fields(columns: tuple[str, ...], function: str) -> str:
    """SQL unpacking the JSON rows a tracker function returns into columns."""
    unpacked = ", ".join(f"json_extract(j.value, '$.{c}') AS {c}" for c in columns)
    return f"SELECT {unpacked} FROM json_each({function}) j"


ANNOUNCEMENT_COLUMNS = (
    "announced_on",
    "contributor",
    "country",
    "status",
    "summary",
    "target",
    "number",
    "strength_then",
    "strength_on_date",
    "fulfilled_on",
    "event_id",
    "source_title",
    "source_url",
    "published_on",
    "note",
)
SEARCH_LIMIT = 100  # events a search page lists at most
SEARCH_MORE = "add words or choose a mission to narrow the search"
SEARCH_COLUMNS = (
    "valid",
    "event_id",
    "contributor",
    "kind",
    "summary",
    "source_title",
    "source_url",
    "published_on",
)

QUERIES = (
    Query(
        "strength",
        "strength_by_contributor",
        "What was a mission's strength by contributing country on a date?",
        "Strength by contributor on a date",
        "Each country's personnel on the date, the day its figure was set, and the events it "
        "comes from; then the total, and the mission-wide figure reported by then.",
        STRENGTH_BY_CONTRIBUTOR,
        (MISSION, ON),
    ),
    Query(
        "strength",
        "strength_by_location",
        "Where were the personnel on a date?",
        "Strength by location on a date",
        "Personnel at each place (with its region and coordinates) on the date; what the "
        "sources place nowhere is shown as unassigned, never dropped.",
        STRENGTH_BY_LOCATION,
        (MISSION, ON),
    ),
    Query(
        "announcements",
        "announcements_of",
        "What did a contributor announce, and what does the record show happened?",
        "Announcements and their status",
        "Each announcement with its source and target, and its status as of the date "
        "against the record: pending, under way, fulfilled, partly done, overdue, overtaken "
        "by closure, revised, retracted; a suspension is under way until it is lifted (a "
        "source says it was taken up again), ended with the mission (in force when the mission "
        "closed) or ended (its contributor's figures at 0); cannot be judged: no figure to "
        "judge it by. The note says how each was judged.",
        _fields(
            ANNOUNCEMENT_COLUMNS,
            "tracker_announcements(:mission, :contributor, :on, :status)",
        ),
        (
            MISSION,
            Param(
                "contributor",
                "country",
                "a country's name or ISO code, such as Germany or DEU (empty: every country)",
                required=False,
            ),
            Param("on", "today", "the date of the status, YYYY-MM-DD (default: today)"),
            Param(
                "status",
                "status",
                "only this status: pending, under way, fulfilled, partly done, overdue, "
                "overtaken by closure, lifted, ended with the mission, ended, cannot be "
                "judged, revised or retracted (empty: all)",
                required=False,
            ),
        ),
    ),
    Query(
        "audit",
        "audit_search",
        "Where does a figure come from? What does the record say about a name or a place?",
        "Search the audit trail",
        "Every event whose id, kind, country, summary, source or quote matches the words (a "
        "country by any of its names), with its source: the announcements first, then what "
        "happened, then the monthly figures, best match first in each; at most "
        f"{SEARCH_LIMIT}, and a first row says so when more matched.",
        _fields(SEARCH_COLUMNS, "tracker_search(:q, :mission)"),
        (
            Param(
                "q",
                "text",
                'words to find, as written (Côte d\'Ivoire); "a phrase", OR, NOT and '
                "prefix* work too",
            ),
            Param("mission", "mission", "only this mission (empty: every one)", required=False),
        ),
    ),
)

SOURCES_HTML = """
<h2>Sources and terms of use</h2>
<p>This site grants no licence of its own, and none of its sources is under an open licence
that we know of. Each figure comes from an event whose source (title, address, publication date)
is in the audit trail: follow its event id.</p>
<ul>
<li><strong>United Nations</strong>: the monthly "Contribution of Uniformed Personnel to UN by
Mission, Country and Personnel Type" reports and UN statements. They are UN publications: no
licence is stated on the monthly reports; the <a href="https://www.un.org/en/about-us/terms-of-use">
UN's terms of use</a> apply.</li>
<li><strong>IPI, Providing for Peacekeeping</strong> (International Peace Institute): the UN's
monthly figures as compiled by IPI's Peacekeeping Database loader (IPIDataLab/PPP_Loader), per
contributor for 2013 and as mission totals for 2013-2017. No licence is stated with that copy:
cite IPI's Providing for Peacekeeping database.</li>
<li><strong>Geo-PKO v2.3</strong>: Cil, Fjelde, Hultman &amp; Nilsson, Geocoded Peacekeeping
Operations dataset, Department of Peace and Conflict Research, Uppsala University; yearly
estimates of where contributors were (unit sizes inferred from map symbols: where, never how
many). Cite the dataset as its authors ask.</li>
<li><strong>The press</strong>: each news figure and announcement names its outlet and article;
the terms are the publisher's.</li>
</ul>
"""


def home_html() -> str:
    """The home page's text: the questions the site answers, each linked to its query."""
    items = "".join(
        f'<li><a href="/{q.database}/{q.name}">{escape(q.question)}</a>: '
        f"{escape(q.description)}</li>"
        for q in QUERIES
    )
    return (
        "<p>UN peacekeeping force strength, by contributing country, location and date, with "
        "the announcements made and where every figure comes from. Pick a question; each page "
        "asks for its dates and shows what they mean.</p>"
        f'<h2>Questions this site answers</h2><ul class="tracker-questions">{items}</ul>'
        '<p>To browse: <a href="/strength/strength_current">strength_current</a> (the '
        "figures as known now, one row per country, place, type and period), "
        '<a href="/audit/audit_events">audit_events</a> (every event with its source), '
        '<a href="/announcements/announcements">announcements</a>, '
        '<a href="/mandates/mandates">mandates</a> (authorised ceilings).</p>' + SOURCES_HTML
    )


STRENGTH_COLUMNS = {
    "mission": "the mission's acronym",
    "contributor": "the contributing country's ISO 3166 alpha-3 code",
    "contributor_name": "the contributing country",
    "location": "where (empty: the sources give no location: unassigned)",
    "region": "the location's admin-1 region",
    "personnel_type": "troops, staff officers, military experts, individual police, formed "
    "police units (empty: a total of no given type)",
    "valid_from": "the day this figure was set (its 'figure of')",
    "valid_to": "the first day it no longer holds (empty: still holds)",
    "strength": "personnel (empty: present, no figure published)",
    "approximate": "1: rounded by its source",
    "event_id": "the event that set the figure: opens its audit row, with the source",
    "known_from": "the publication date from which this figure was known",
    "known_to": "the publication date from which a later source replaced it (empty: not yet)",
    "recorded_from": "when the store first said so (UTC)",
    "recorded_to": "when the store stopped saying so (empty: it still does)",
}


BITEMPORAL = ("known_to", "recorded_from", "recorded_to")  # not in strength_current


def metadata(hidden: dict[str, list[str]]) -> dict[str, Any]:
    """Datasette metadata: the home page, the sources and terms, what each table and column
    means, and the canned queries. ``hidden``: each view's bookkeeping tables."""
    databases: dict[str, Any] = {
        name: {"tables": {t: {"hidden": True} for t in tables}} for name, tables in hidden.items()
    }
    databases.setdefault("strength", {"tables": {}})["description"] = (
        "Strength by contributor, location and personnel type over time. Start with a query "
        "below, or browse the view strength_current (the figures as known now)."
    )
    databases.setdefault("audit", {"tables": {}})["description"] = (
        "Every event with its source: search it, or follow an event id from any figure."
    )
    tables = databases["strength"]["tables"]
    tables["strength_current"] = {
        "description": "The figures as the store knows them now: one row per contributor, "
        "location, personnel type and period (valid_from to valid_to). To sum a date, keep the "
        "rows with valid_from <= date < valid_to, or ask 'Strength by contributor on a date'.",
        "columns": {k: v for k, v in STRENGTH_COLUMNS.items() if k not in BITEMPORAL},
        "facets": ["contributor_name", "personnel_type"],
        "sort_desc": "valid_from",
    }
    tables["strength_intervals"] = {
        "description": "For experts: the bitemporal table. Every row the store has ever held, "
        "with the knowledge range (known_from, known_to) and the recorded range (recorded_from, "
        "recorded_to) in which it held. Rows replaced by later sources or corrections are still "
        "here, so its sums double-count: use strength_current for the state now.",
        "columns": STRENGTH_COLUMNS,
    }
    tables["strength_changes"] = {
        "description": "For experts: each change event as the strength fold takes it."
    }
    tables["mission_totals"] = {
        "description": "Whole-mission figures as reported (UN totals, statements, the press)."
    }
    tables["locations"] = {"description": "The gazetteer: canonical names, regions, coordinates"}
    tables["contributors"] = {"description": "ISO 3166 countries: code and common name"}
    databases.setdefault("audit", {"tables": {}})["tables"]["audit_events"] = {
        "description": "Every event with its three times and its source: valid (when it "
        "happened), published_on (when it could be known), recorded_at (when it entered the "
        "store); supersedes/superseded_by: corrections and retractions.",
    }
    for query in QUERIES:
        databases.setdefault(query.database, {"tables": {}}).setdefault("queries", {})[
            query.name
        ] = {
            "title": query.title,
            "description": query.description,
            "sql": query.sql,
            "params": [p.name for p in query.params],
            "hide_sql": True,
        }
    return {
        "title": "Peacekeeping force tracker",
        "description_html": home_html(),
        "license": "no open licence: UN figures under the UN's terms of use; datasets and "
        "press as cited",
        "license_url": "https://www.un.org/en/about-us/terms-of-use",
        "source": "UN monthly reports (via IPI), Geo-PKO v2.3, the press: each event cites its own",
        "source_url": "/audit/audit_events",
        "databases": databases,
    }
