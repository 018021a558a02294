"""Replay throughput of every built-in projection, next to raw SQLite reading the same rows
(and decoding their JSON) in the same run: `python bench/replay.py [EVENTS] [POSTGRES_URL]`.
With a PostgreSQL URL, the generated log is also imported into and replayed from a fresh schema
on that server, next to a raw psycopg read of the same rows.

Two logs: the seeded MINUSMA history, and a generated log of about EVENTS events (default
100,000): made-up monthly figures for test missions (TEST0, TEST1, ...), deterministic, never
presented as real.
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from tracker import Tracker

ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    "Date,Contributor,Contributor_ISO-3,Mission,Individual_Police_Male,Individual_Police_Female,"
    "Individual_Police_Total,Formed_Police_Units_Male,Formed_Police_Units_Female,"
    "Formed_Police_Units_Total,Experts_on_Mission_Male,Experts_on_Mission_Female,"
    "Experts_on_Mission_Total,Troops_Male,Troops_Female,Troops_Total,Total_Male,Total_Female,"
    "Total_Total"
)
CODES = [
    "TCD",
    "BEN",
    "NER",
    "SEN",
    "TGO",
    "BFA",
    "GIN",
    "NGA",
    "GHA",
    "BGD",
    "NPL",
    "PAK",
    "IND",
    "RWA",
    "ETH",
    "EGY",
    "JOR",
    "CHN",
    "DEU",
    "SWE",
]


def generated_csv(events: int) -> bytes:
    """Monthly rows (troops and police each) until about ``events`` events."""
    rng = random.Random(7)
    rows, count, month = [HEADER], 0, 0
    while count < events:
        year, number = 2000 + month // 12, month % 12 + 1
        last = (date(year + number // 12, number % 12 + 1, 1) - date.resolution).day
        day = date(year, number, last).isoformat()
        for mission in range(15):
            for code in CODES:
                troops, police = rng.randrange(50, 900), rng.randrange(0, 40)
                total = troops + police
                rows.append(
                    f"{day},X,{code},TEST{mission},{police},0,{police},NA,NA,NA,NA,NA,NA,"
                    f"{troops},0,{troops},{total},0,{total}"
                )
                count += 2
        month += 1
    return "\n".join(rows).encode()


def raw_read_postgres(url: str, schema: str) -> tuple[int, float]:
    import psycopg

    start = time.perf_counter()
    n = 0
    with psycopg.connect(url) as conn:
        for (state,) in conn.execute(
            f"SELECT state FROM {schema}.tracker_events ORDER BY notification_id"
        ):
            json.loads(state)
            n += 1
    return n, time.perf_counter() - start


def raw_read(db: Path) -> tuple[int, float]:
    start = time.perf_counter()
    conn = sqlite3.connect(db)
    n = 0
    for _rowid, _oid, _version, _topic, state in conn.execute(
        "SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
        "ORDER BY rowid"
    ):
        json.loads(state)
        n += 1
    return n, time.perf_counter() - start


def measure(label: str, tracker: Tracker, raw: tuple[int, float]) -> None:
    n, seconds = raw
    print(f"{label}: {n:,} events; raw read + JSON decode: {n / seconds:,.0f} events/s")
    for view in tracker.views():
        start = time.perf_counter()
        applied = view.rebuild(tracker)
        took = time.perf_counter() - start
        print(
            f"  rebuild {view.name:<14} {applied:,} events in {took:6.2f} s: "
            f"{applied / took:9,.0f} events/s ({applied / took / (n / seconds):.2f} of raw)"
        )


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        seeded = Path(folder) / "seeded.db"
        tracker = Tracker(seeded)
        tracker.load_seeds(ROOT / "seeds")
        measure("seeded MINUSMA log", tracker, raw_read(seeded))
        data = generated_csv(events)
        big = Path(folder) / "generated.db"
        tracker = Tracker(big)
        imported(tracker, data, "SQLite")
        measure("generated log, SQLite", tracker, raw_read(big))
        if len(sys.argv) > 2:
            on_postgres(sys.argv[2], data, folder)


def on_postgres(url: str, data: bytes, folder: str) -> None:
    import psycopg

    schema = f"bench_{random.randrange(10**9)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        tracker = Tracker(f"{url}?schema={schema}", views_dir=folder)
        imported(tracker, data, "PostgreSQL")
        measure("generated log, PostgreSQL", tracker, raw_read_postgres(url, schema))
        tracker.close()
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def imported(tracker: Tracker, data: bytes, label: str) -> None:
    start = time.perf_counter()
    report = tracker.import_un_monthly(data, "generated.csv")
    took = time.perf_counter() - start
    print(
        f"(import into {label}: {report.count:,} events in {took:.1f} s, "
        f"{report.count / took:,.0f} events/s)"
    )


if __name__ == "__main__":
    main()
