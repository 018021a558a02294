"""A read-only web view of the read models, with Datasette (the optional extra ``web``): titles,
column descriptions, sources and licence, the bookkeeping tables hidden, and canned queries
with parameters. It binds to 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from tracker.app import Tracker

IN_FORCE = (
    "valid_from <= :on and (valid_to is null or valid_to > :on) "
    "and known_to is null and recorded_to is null"
)
STRENGTH_BY = (
    "select {key}, case when count(*) - count(strength) > 0 then null else sum(strength) end "
    "as strength from strength_intervals where mission = upper(:mission) and "
    + IN_FORCE
    + " group by {key} order by {key}"
)
HIDDEN = {
    name: {"hidden": True}
    for name in (
        "_tracking",
        "_projection",
        "_strength_mission",
        "_strength_box",
        "_strength_box_node",
        "_strength_box_rowid",
        "_strength_box_parent",
    )
}


def metadata(names: dict[str, str]) -> dict[str, Any]:
    """Datasette metadata: what each table and column means, and the canned queries.
    ``names``: each view's database name in Datasette (its file's stem)."""
    return {
        "title": "Peacekeeping force tracker",
        "description": "Read models of the event log: strength by contributor, location and "
        "personnel type on any date, announcements, mandates, and the audit trail. Every figure "
        "comes from an event whose source is in the audit trail.",
        "license": "Sources as cited per event (UN, IPI, Geo-PKO, the press)",
        "source": "The tracker's event log (seeds/ lists the sources of the seeded record)",
        "databases": {
            names["strength"]: {
                "tables": {
                    **HIDDEN,
                    "strength_intervals": {
                        "description": "One row per contingent cell and period, on three time "
                        "axes. strength null: unknown.",
                        "columns": {
                            "valid_from": "first day the level holds",
                            "valid_to": "first day it no longer holds (null: still)",
                            "known_from": "publication date from which this row was known",
                            "recorded_to": "store time until which the store said so",
                            "strength": "personnel (null: present, figure unknown)",
                            "event_id": "the event that set the level (see the audit trail)",
                        },
                    },
                    "locations": {
                        "description": "The gazetteer: canonical names, regions, coordinates",
                    },
                },
                "queries": {
                    "strength_by_contributor": {
                        "title": "Strength by contributor on a date",
                        "sql": STRENGTH_BY.format(key="contributor"),
                    },
                    "strength_by_location": {
                        "title": "Strength by location on a date (null location: unassigned)",
                        "sql": "select s.location, l.latitude, l.longitude, s.strength from ("
                        + STRENGTH_BY.format(key="location")
                        + ") s left join locations l on l.name = s.location",
                    },
                },
            },
            names["announcements"]: {
                "tables": {**HIDDEN},
                "queries": {
                    "announcements_of": {
                        "title": "Announcements of a contributor",
                        "sql": "select valid, kind, summary, target, count, source_title, "
                        "source_url, published_on, superseded_by from announcements where "
                        "mission = upper(:mission) and contributor = upper(:contributor) "
                        "order by announced_on, position",
                    }
                },
            },
            names["audit"]: {
                "tables": {**HIDDEN},
                "queries": {
                    "audit_search": {
                        "title": "Search the audit trail",
                        "sql": "select a.valid, a.event_id, a.kind, a.summary, a.source_title, "
                        "a.source_url, a.published_on from audit_events a join audit_events_fts "
                        "f on f.rowid = a.rowid where audit_events_fts match :q order by rank",
                    }
                },
            },
            names["mandates"]: {"tables": {**HIDDEN}},
        },
    }


def datasette_command(tracker: Tracker, metadata_file: Path, host: str, port: int) -> list[str]:
    """The command that serves this tracker's views, read-only, after catching them up."""
    tracker.catch_up()
    views = [view for view in tracker.views() if view.path is not None]
    names = {view.name: view.path.stem for view in views if view.path is not None}
    metadata_file.write_text(json.dumps(metadata(names), indent=2), encoding="utf-8")
    files = [str(view.path) for view in views]
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        *files,
        "--metadata",
        str(metadata_file),
        "--host",
        host,
        "--port",
        str(port),
        "--setting",
        "allow_download",
        "off",
    ]
