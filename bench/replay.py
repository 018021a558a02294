"""Replay throughput of every built-in projection, next to raw SQLite reading the same rows
(and decoding their JSON) in the same run: `python bench/replay.py [EVENTS]`.

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


def measure(label: str, tracker: Tracker, db: Path) -> None:
    n, seconds = raw_read(db)
    print(f"{label}: {n:,} events; raw SQLite read + JSON decode: {n / seconds:,.0f} events/s")
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
        measure("seeded MINUSMA log", tracker, seeded)
        big = Path(folder) / "generated.db"
        tracker = Tracker(big)
        start = time.perf_counter()
        report = tracker.import_un_monthly(generated_csv(events), "generated.csv")
        took = time.perf_counter() - start
        print(
            f"(import of the generated log: {report.count:,} events in {took:.1f} s, "
            f"{report.count / took:,.0f} events/s)"
        )
        measure("generated log", tracker, big)


if __name__ == "__main__":
    main()
