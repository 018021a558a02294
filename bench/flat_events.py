"""The same events in one flat table, as an analyst would export them, and the SQL that answers
"strength of a mission by contributor on D, as known at K" from it in DuckDB (bench/run.py checks
every answer against the tracker's)."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

CHANGE_KINDS = {
    "StrengthReported": "report",
    "Deployed": "deploy",
    "Withdrawn": "withdraw",
    "Moved": "move",
}


def period_end(text: str) -> date:
    """The last day of "2022-03-14", "2022-03" or "2022" (the product's effective date)."""
    if len(text) == 10:
        return date.fromisoformat(text)
    if len(text) == 7:
        first = date.fromisoformat(text + "-01")
        return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return date(int(text), 12, 31)


def flat_rows(store: str) -> list[tuple[Any, ...]]:
    """One row per stored event: what an analyst would export to a flat table."""
    conn = sqlite3.connect(store)
    found = []
    for version, topic, state in conn.execute(
        "SELECT originator_version, topic, state FROM stored_events ORDER BY rowid"
    ):
        event = json.loads(state)
        mission, contributor = event.get("mission"), event.get("contributor")
        if contributor is None:
            continue  # mission events: no contributor's strength
        cls = topic.rsplit(".", 1)[-1]
        source = event.get("source")
        known = period_end(source["published_on"]) if source else event["timestamp"][:10]
        count = event.get("strength") if cls == "StrengthReported" else event.get("count")
        found.append(
            (
                mission,
                contributor,
                version,
                f"{mission}/{contributor}/{version}",
                CHANGE_KINDS.get(cls, cls),
                period_end(event["valid"]) if "valid" in event else None,
                known,
                count,
                event.get("location"),
                event.get("personnel_type"),
                event.get("to_location"),
                event.get("corrects") or event.get("retracts"),
            )
        )
    conn.close()
    return found


FLAT_COLUMNS = (
    "mission VARCHAR, contributor VARCHAR, seq INTEGER, event_id VARCHAR, kind VARCHAR, "
    "effective DATE, known DATE, cnt INTEGER, location VARCHAR, personnel_type VARCHAR, "
    "to_location VARCHAR, supersedes VARCHAR"
)

# Strength of one mission by contributor on $on, as known at $known, from the flat table.
# The rules reproduced (events/timeline.py, projections/strength.py, events/bitemporal.py):
# a change counts when its source was published by $known and no correction or retraction
# published by $known supersedes it; changes apply in (effective date, stream version) order;
# each (location, personnel type) cell is set by a report (NULL: unknown, which stays unknown
# through deployments and withdrawals until the next figure), added to by deployments, taken
# from by withdrawals and moves (a move adds to its destination); a withdrawal with no count
# sets its scope (and every cell it covers) to 0. A contributor's strength is the sum of its
# cells, unknown if any cell is. A report for a less specific cell (a whole contingent's figure,
# such as the UN importer's inferred 0 for a contributor no longer listed) sets every finer cell
# it covers to 0; a report for a finer cell sets the less specific cells that cover it to 0
# (exact where those are 0 or unknown, as in the UN's record: a published figure replaces an
# unknown one). Not reproduced, because neither bench/generate.py nor the UN's record makes
# them: a finer figure drawn out of a positive less specific one (1,270 at Gao out of about
# 1,100 for the contingent), and a withdrawal larger than what was there.
DUCKDB_STRENGTH = """
WITH ch AS (
    SELECT e.* FROM events e
    WHERE e.mission = $mission AND e.kind IN ('report', 'deploy', 'withdraw', 'move')
      AND e.effective <= $on AND e.known <= $known
      AND NOT EXISTS (
          SELECT 1 FROM events s
          WHERE s.mission = e.mission AND s.supersedes = e.event_id AND s.known <= $known)
),
ops AS (
    SELECT contributor, location AS loc, personnel_type AS typ, effective, seq,
           CASE WHEN kind = 'report' OR (kind = 'withdraw' AND cnt IS NULL) THEN 'set'
                ELSE 'add' END AS op,
           CASE WHEN kind IN ('report', 'deploy') THEN cnt ELSE -cnt END AS val,
           kind = 'withdraw' AND cnt IS NULL AS everything,
           kind = 'report' AS report
    FROM ch
    UNION ALL
    SELECT contributor, to_location, personnel_type, effective, seq, 'add', cnt, false, false
    FROM ch WHERE kind = 'move'
),
cells AS (SELECT DISTINCT contributor, loc, typ FROM ops),
cell_ops AS (
    SELECT contributor, loc, typ, effective, seq, op, val FROM ops WHERE NOT everything
    UNION ALL
    SELECT c.contributor, c.loc, c.typ, o.effective, o.seq, 'set', 0
    FROM ops o JOIN cells c ON c.contributor = o.contributor
        AND (o.loc IS NULL OR c.loc IS NOT DISTINCT FROM o.loc)
        AND (o.typ IS NULL OR c.typ IS NOT DISTINCT FROM o.typ)
        AND (o.everything OR (c.loc, c.typ) IS DISTINCT FROM (o.loc, o.typ))
    WHERE o.everything OR o.report
    UNION ALL
    SELECT c.contributor, c.loc, c.typ, o.effective, o.seq, 'set', 0
    FROM ops o JOIN cells c ON c.contributor = o.contributor
        AND (c.loc IS NULL OR c.loc IS NOT DISTINCT FROM o.loc)
        AND (c.typ IS NULL OR c.typ IS NOT DISTINCT FROM o.typ)
        AND (c.loc, c.typ) IS DISTINCT FROM (o.loc, o.typ)
    WHERE o.report
),
keyed AS (
    SELECT *, max(CASE WHEN op = 'set' THEN k END)
                  OVER (PARTITION BY contributor, loc, typ) AS set_k
    FROM (SELECT *, date_diff('day', DATE '1900-01-01', effective) * 1000000 + seq AS k
          FROM cell_ops)
),
levels AS (
    SELECT contributor,
           CASE WHEN any_value(set_k) IS NULL THEN sum(val)
                ELSE max(CASE WHEN op = 'set' AND k = set_k THEN val END)
                     + coalesce(sum(CASE WHEN op = 'add' AND k > set_k THEN val END), 0)
           END AS level
    FROM keyed GROUP BY contributor, loc, typ
)
SELECT contributor, CASE WHEN count(*) > count(level) THEN NULL ELSE sum(level) END
FROM levels GROUP BY contributor ORDER BY contributor
"""


def duckdb_table(store: str, folder: str) -> Any:
    import duckdb

    path = Path(folder) / "flat.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(flat_rows(store))
    con = duckdb.connect()
    con.execute(f"CREATE TABLE events ({FLAT_COLUMNS})")
    con.execute(f"INSERT INTO events SELECT * FROM read_csv('{path}', header = false)")
    path.unlink()
    return con
