"""A deterministic, made-up event log for benchmarks, at any size, in the import format
(`tracker import --format jsonl`): `python bench/generate.py EVENTS OUT.jsonl [--seed S]`.

What it holds (every figure is invented; the missions are TEST01..TEST15, so nothing is presented
as real): 15 missions hosted by Mali (the gazetteer's country) within 30 years (1995-2024), each
lasting 20 to 30 years: established, its mandate renewed every year, a whole-mission total reported
every month, and closed when it ends; up to 60 contributors each (real ISO codes), every one
announced before it arrives, deployed, reported every month per personnel type and location (10
locations, the 5 personnel types), rotated twice a year (a withdrawal, then a deployment),
sometimes moved, reinforced after an announced increase, and withdrawn in full after an announced
withdrawal. About 5% of the events are back-dated (a later revision of a month's figure, a
deployment reported late) and 1% are corrections of an earlier event. A few figures are unknown
(present, not published).

Every line passes the product's validation, in every state of knowledge: the normal events of a
month are published the month after (so what is known at any date is a prefix in valid time),
and back-dated events and corrections only ever raise a level or lower a withdrawal, so no
withdrawal is ever short, whatever subset of them is known. This also keeps each contingent's
cells (location x personnel type) independent, so the strength on a date is simple to compute
elsewhere (bench/run.py checks DuckDB against the tracker on it).

The size is reached by the number of contributors per mission (and, past what 60 contributors
give, by extra mid-month reports); the log stops at exactly EVENTS lines. Streaming: lines are
written one by one, never held in memory.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

MISSIONS = [f"TEST{n:02d}" for n in range(1, 16)]
# Sixty real ISO 3166 alpha-3 codes of countries that contribute to UN operations.
CONTRIBUTORS = [
    "BGD",
    "NPL",
    "IND",
    "PAK",
    "RWA",
    "ETH",
    "EGY",
    "GHA",
    "NGA",
    "SEN",
    "TCD",
    "BEN",
    "NER",
    "TGO",
    "BFA",
    "GIN",
    "CIV",
    "MAR",
    "IDN",
    "CHN",
    "JOR",
    "TZA",
    "KEN",
    "ZAF",
    "ZMB",
    "MWI",
    "URY",
    "BRA",
    "ARG",
    "FRA",
    "ITA",
    "ESP",
    "DEU",
    "NLD",
    "SWE",
    "NOR",
    "FIN",
    "IRL",
    "GBR",
    "CAN",
    "KOR",
    "JPN",
    "MNG",
    "FJI",
    "LKA",
    "KHM",
    "MYS",
    "THA",
    "PHL",
    "VNM",
    "TUN",
    "MRT",
    "CMR",
    "GAB",
    "BDI",
    "UGA",
    "ZWE",
    "NAM",
    "PER",
    "GTM",
]
LOCATIONS = [
    "Bamako",
    "Gao",
    "Kidal",
    "Tessalit",
    "Tombouctou",
    "Ménaka",
    "Mopti",
    "Douentza",
    "Ségou",
    "Ansongo",
]
TYPES = ["troops", "staff_officers", "military_experts", "individual_police", "formed_police_units"]
TYPE_WEIGHTS = [8, 4, 2, 3, 3]
TYPE_SIZES = {
    "troops": (150, 900),
    "staff_officers": (5, 40),
    "military_experts": (2, 25),
    "individual_police": (5, 80),
    "formed_police_units": (120, 180),
}
FIRST_YEAR, MONTHS = 1995, 360  # 30 years of months
TITLE = "Benchmark generator (made-up figures)"
INCIDENTS = ["attack", "detention", "fatalities", "accident", "other"]

# Per contingent-month probabilities (tuned so that ~5% of events are back-dated, ~1% corrections)
P_BACKDATED = 0.12
P_CORRECTION = 0.068
P_MOVE = 1 / 60
P_INCIDENT = 1 / 50
P_INCREASE = 1 / 60


def month_date(m: int) -> tuple[int, int]:
    """(year, month) of month index ``m`` (0 = January 1995)."""
    return FIRST_YEAR + m // 12, m % 12 + 1


def day(m: int, d: int) -> str:
    year, month = month_date(m)
    return f"{year:04d}-{month:02d}-{min(d, calendar.monthrange(year, month)[1]):02d}"


def month_end(m: int) -> str:
    return day(m, 31)


def month_text(m: int) -> str:
    year, month = month_date(m)
    return f"{year:04d}-{month:02d}"


def source(published_on: str) -> dict[str, str]:
    return {"title": TITLE, "published_on": published_on}


@dataclass
class Cell:
    """One location x personnel type of a contingent, as the base simulation sees it."""

    location: str
    personnel_type: str
    level: int | None  # None: unknown (no withdrawal or move from it until a figure)
    first_month: int
    reports: dict[int, int | None] = field(default_factory=dict)  # month -> latest figure
    rotation_phase: int = 0


@dataclass
class Contingent:
    mission: str
    contributor: str
    rng: random.Random
    start: int  # first month present
    end: int  # month of the full withdrawal (exclusive of presence after it)
    types: list[str]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    version: int = 1  # the stream's Opened event is version 1
    recent: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # correctable
    increases: list[tuple[int, str, str, int]] = field(default_factory=list)  # due reinforcements
    done: bool = False

    def next_id(self) -> str:
        self.version += 1
        return f"{self.mission}/{self.contributor}/{self.version}"


@dataclass
class Mission:
    name: str
    start: int
    end: int  # month after the last (MONTHS: still running in 2024)
    contingents: list[Contingent]
    version: int = 1


def plan(seed: int, contingents: int) -> list[Mission]:
    """Lifetimes of the missions and presence of their contributors: ``contingents`` in all,
    shared out between the missions (the first ones get one more when it does not divide)."""
    missions = []
    for index, name in enumerate(MISSIONS):
        contributors = contingents // len(MISSIONS) + (index < contingents % len(MISSIONS))
        rng = random.Random(f"{seed}/{name}")
        start = rng.randrange(0, 60)
        length = rng.randrange(240, MONTHS - start + 1)
        end = start + length
        order = rng.sample(CONTRIBUTORS, len(CONTRIBUTORS))
        present = []
        for code in order[:contributors]:
            crng = random.Random(f"{seed}/{name}/{code}")
            first = start + 1 + crng.randrange(0, length // 6)
            last = end - crng.randrange(0, length // 6) - 1
            if end == MONTHS and crng.random() < 0.7:
                last = MONTHS + 1  # still there at the end of the log
            count = crng.choices([1, 2, 3, 4], weights=[3, 4, 3, 2])[0]
            types = sorted(set(crng.choices(TYPES, weights=TYPE_WEIGHTS, k=count)), key=TYPES.index)
            present.append(Contingent(name, code, crng, first, last, types))
        missions.append(Mission(name, start, end, present))
    return missions


def expected(missions: list[Mission], reports: float) -> float:
    """About how many events a full log of this plan holds (to choose its size)."""
    total = 0.0
    for mission in missions:
        months = mission.end - mission.start
        total += 2 + months / 12 + (3 if mission.end < MONTHS else 0)
        if mission.contingents:  # a whole-mission total is reported while someone is there
            total += min(mission.end, max(c.end for c in mission.contingents) + 1) - min(
                c.start for c in mission.contingents
            )
        for c in mission.contingents:
            present = min(c.end, mission.end) - c.start
            cells = len(c.types) + present * P_MOVE / 2  # moves open new cells as they go
            per_month = cells * (reports + 1 / 3) + P_BACKDATED + P_CORRECTION + 0.07
            total += present * per_month + 2 * len(c.types) + 3
    return total * 1.23  # what the terms above miss (measured on full logs of seeds 1-3)


def choose(events: int, seed: int, at_least: int = 1) -> tuple[list[Mission], float]:
    """The fewest contingents (``at_least``, up to 60 a mission) whose log reaches ``events``;
    past that, extra mid-month reports."""
    most = len(MISSIONS) * len(CONTRIBUTORS)
    low, high = min(at_least, most), most
    while low < high:  # the expected size grows with the number of contingents
        middle = (low + high) // 2
        if expected(plan(seed, middle), 1.0) >= events * 1.01:
            high = middle
        else:
            low = middle + 1
    missions = plan(seed, low)
    full = expected(missions, 1.0)
    if full >= events * 1.01 or low < at_least:
        return missions, 1.0
    per_report = expected(missions, 2.0) - full
    return missions, 1.0 + max(0.0, events * 1.01 - full) / per_report


class Generator:
    def __init__(self, seed: int, missions: list[Mission], reports: float) -> None:
        self.rng = random.Random(f"{seed}/log")
        self.missions = missions
        self.reports = reports

    def events(self) -> Iterator[dict[str, Any]]:
        for m in range(MONTHS):
            for mission in self.missions:
                if mission.start <= m < mission.end:
                    yield from self.mission_month(mission, m)

    # Mission events --------------------------------------------------------------------------
    def mission_event(self, mission: Mission, event_type: str, /, **fields: Any) -> dict[str, Any]:
        mission.version += 1
        return {"type": event_type, "mission": mission.name, **fields}

    def mission_month(self, mission: Mission, m: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        if m == mission.start:
            yield self.mission_event(
                mission,
                "mission-established",
                name=f"Test mission {mission.name[4:]} (made up)",
                host="MLI",
                valid=day(m, 1),
                source=source(day(m, 1)),
            )
        if (m - mission.start) % 12 == 0:
            ceilings = {"military": rng.randrange(8000, 16000), "police": rng.randrange(800, 2500)}
            yield self.mission_event(
                mission,
                "mandate-renewed",
                resolution=str(1000 + m * 7 + MISSIONS.index(mission.name)),
                valid=day(m, 1),
                until=month_end(min(m + 12, MONTHS + 11)),
                ceilings=ceilings,
                source=source(day(m, 1)),
            )
        if m == mission.end - 6:
            yield self.mission_event(
                mission,
                "mandate-ended",
                resolution=str(1000 + m * 7 + MISSIONS.index(mission.name)),
                valid=day(m, 1),
                withdrawal_by=month_text(mission.end - 1),
                source=source(day(m, 1)),
            )
        for contingent in mission.contingents:
            if contingent.start <= m and not contingent.done:
                yield from self.contingent_month(contingent, m)
        if rng.random() < 1 / 120:
            yield self.mission_event(
                mission,
                "incident-noted",
                kind=rng.choice(INCIDENTS),
                description="Made-up test incident near the mission's headquarters",
                valid=day(m, rng.randrange(1, 28)),
                source=source(month_text(m + 1)),
            )
        present = [c for c in mission.contingents if c.start <= m and not c.done]
        levels = [cell.level for c in present for cell in c.cells.values()]
        if present:
            yield self.mission_event(
                mission,
                "total-reported",
                strength=sum(level or 0 for level in levels),
                contributors=len(present),
                valid=month_end(m),
                source=source(month_text(m + 1)),
            )
        if m == mission.end - 1 and mission.end < MONTHS:
            yield self.mission_event(
                mission, "mission-closed", valid=month_end(m), source=source(month_text(m + 1))
            )

    # Contingent events -----------------------------------------------------------------------
    def emit(
        self, c: Contingent, event_type: str, /, correctable: bool = False, **fields: Any
    ) -> dict[str, Any]:
        event_id = c.next_id()
        line = {"type": event_type, "mission": c.mission, "contributor": c.contributor, **fields}
        if correctable:
            c.recent.append((event_id, line))
            del c.recent[:-12]
        return line

    def contingent_month(self, c: Contingent, m: int) -> Iterator[dict[str, Any]]:
        rng, later = c.rng, month_text(m + 1)
        if m == c.start:
            yield from self.arrive(c, m)
        if m == c.end - 3:
            yield self.emit(
                c,
                "withdrawal-announced",
                correctable=True,
                full=True,
                target=month_text(c.end),
                valid=day(m, 10),
                source=source(later),
            )
        if m == c.end:
            c.done = True
            yield self.emit(c, "withdrawn", valid=day(m, 15), source=source(later))
            return
        cells = list(c.cells.values())
        for cell in cells:  # rotations: out on the 5th, in on the 12th
            if (m - c.start) % 6 == cell.rotation_phase and cell.level and cell.level >= 4:
                out = max(1, int(cell.level * rng.uniform(0.2, 0.5)))
                cell.level -= out
                yield self.emit(
                    c,
                    "withdrawn",
                    correctable=True,
                    count=out,
                    personnel_type=cell.personnel_type,
                    location=cell.location,
                    valid=day(m, 5),
                    source=source(later),
                )
                back = max(1, int(out * rng.uniform(0.9, 1.1)))
                cell.level += back
                yield self.emit(
                    c,
                    "deployed",
                    correctable=True,
                    count=back,
                    personnel_type=cell.personnel_type,
                    location=cell.location,
                    valid=day(m, 12),
                    source=source(later),
                )
        for due in [i for i in c.increases if i[0] == m]:
            c.increases.remove(due)
            _, personnel_type, location, count = due
            cell = self.cell(c, location, personnel_type, m)
            if cell.level is not None:
                cell.level += count
            yield self.emit(
                c,
                "deployed",
                correctable=True,
                count=count,
                personnel_type=personnel_type,
                location=location,
                valid=day(m, 14),
                source=source(later),
            )
        if rng.random() < P_INCIDENT:
            yield self.emit(
                c,
                "incident-noted",
                kind=rng.choice(INCIDENTS),
                description="Made-up test incident involving the contingent",
                location=rng.choice(LOCATIONS),
                killed=rng.randrange(0, 4),
                valid=day(m, 8),
                source=source(later),
            )
        if rng.random() < P_MOVE:
            movable = [x for x in cells if x.level and x.level >= 10]
            if movable:
                cell = rng.choice(movable)
                to = rng.choice([x for x in LOCATIONS if x != cell.location])
                count = max(1, cell.level // rng.randrange(3, 6))  # type: ignore[operator]
                cell.level -= count  # type: ignore[operator]
                target = self.cell(c, to, cell.personnel_type, m)
                if target.level is not None:
                    target.level += count
                yield self.emit(
                    c,
                    "moved",
                    count=count,
                    personnel_type=cell.personnel_type,
                    location=cell.location,
                    to_location=to,
                    valid=day(m, 20),
                    source=source(later),
                )
        if rng.random() < P_INCREASE and m + 2 < c.end:
            personnel_type = rng.choice(c.types)
            location = rng.choice(LOCATIONS)
            count = rng.randrange(20, 200)
            c.increases.append((m + 2, personnel_type, location, count))
            yield self.emit(
                c,
                "deployment-announced",
                correctable=True,
                increase=True,
                count=count,
                personnel_type=personnel_type,
                location=location,
                target=day(m + 2, 14),
                valid=day(m, 3),
                source=source(later),
            )
        yield from self.reports_of(c, m, later)
        if rng.random() < P_BACKDATED:
            yield from self.backdated(c, m)
        if rng.random() < P_CORRECTION and c.recent:
            yield self.correction(c, m)

    def cell(self, c: Contingent, location: str, personnel_type: str, m: int) -> Cell:
        key = (location, personnel_type)
        if key not in c.cells:
            c.cells[key] = Cell(location, personnel_type, 0, m, rotation_phase=c.rng.randrange(6))
        return c.cells[key]

    def arrive(self, c: Contingent, m: int) -> Iterator[dict[str, Any]]:
        rng = c.rng
        yield self.emit(
            c,
            "deployment-announced",
            correctable=True,
            count=None,
            target=month_text(m),
            valid=day(m - 1, 20),
            source=source(day(m - 1, 20)),
        )
        for personnel_type in c.types:
            location = rng.choice(LOCATIONS)
            cell = self.cell(c, location, personnel_type, m)
            low, high = TYPE_SIZES[personnel_type]
            count = rng.randrange(low, high)
            cell.level = (cell.level or 0) + count
            yield self.emit(
                c,
                "deployed",
                correctable=True,
                count=count,
                personnel_type=personnel_type,
                location=location,
                valid=day(m, 2),
                source=source(month_text(m + 1)),
            )

    def reports_of(self, c: Contingent, m: int, later: str) -> Iterator[dict[str, Any]]:
        rng = c.rng
        extra = int(self.reports) - 1 + (rng.random() < self.reports % 1)
        for cell in list(c.cells.values()):
            for n in range(extra + 1):
                last = n == extra
                if rng.random() < 0.005:
                    figure: int | None = None
                else:
                    base = cell.level if cell.level is not None else cell.reports.get(m - 1) or 50
                    figure = max(0, base + int(base * rng.uniform(-0.05, 0.05)))
                cell.level = figure
                if last:
                    cell.reports[m] = figure
                    cell.reports.pop(m - 24, None)
                fields: dict[str, Any] = {
                    "strength": figure,
                    "personnel_type": cell.personnel_type,
                    "location": cell.location,
                }
                if figure is not None and rng.random() < 0.1:
                    fields["approximate"] = True
                yield self.emit(
                    c,
                    "strength-reported",
                    correctable=figure is not None,
                    valid=month_end(m) if last else day(m, 15 + n),
                    source=source(later),
                    **fields,
                )

    def backdated(self, c: Contingent, m: int) -> Iterator[dict[str, Any]]:
        """A revision of an earlier month's figure (upwards), or a deployment reported late."""
        rng = c.rng
        k = rng.randrange(1, 13)
        if m - k < c.start + 1:
            return
        candidates = [x for x in c.cells.values() if x.first_month < m - k]
        if not candidates:
            return
        cell = rng.choice(candidates)
        published = day(m + 1, rng.randrange(1, 29))
        figure = cell.reports.get(m - k)
        if figure is not None and rng.random() < 0.6:
            revised = figure + rng.randrange(0, max(2, figure // 20))
            cell.reports[m - k] = revised
            yield self.emit(
                c,
                "strength-reported",
                strength=revised,
                personnel_type=cell.personnel_type,
                location=cell.location,
                valid=month_end(m - k),
                source=source(published),
            )
        else:
            yield self.emit(
                c,
                "deployed",
                count=rng.randrange(5, 50),
                personnel_type=cell.personnel_type,
                location=cell.location,
                valid=day(m - k, 20),
                source=source(published),
            )

    def correction(self, c: Contingent, m: int) -> dict[str, Any]:
        """The same event with a corrected field: a report or deployment raised, a withdrawal
        lowered, an announcement's target moved a month."""
        rng = c.rng
        event_id, original = c.recent.pop(rng.randrange(len(c.recent)))
        fields = {k: v for k, v in original.items() if k not in ("type", "mission", "contributor")}
        kind = original["type"]
        if kind == "strength-reported":
            fields["strength"] += rng.randrange(1, 25)
        elif kind == "deployed":
            fields["count"] += rng.randrange(1, 10)
        elif kind == "withdrawn":
            fields["count"] = max(1, fields["count"] - rng.randrange(1, 10))
        else:  # an announcement: the target moves a month
            fields["target"] = month_text(m + 2)
        fields["source"] = source(day(m + 1, rng.randrange(1, 29)))
        return self.emit(c, kind, corrects=event_id, reason="made-up correction", **fields)


def generate(events: int, out: TextIO, seed: int = 1) -> int:
    """Write exactly ``events`` lines to ``out`` (a seekable text file)."""
    missions, reports = choose(events, seed)
    while True:
        for written, event in enumerate(Generator(seed, missions, reports).events(), start=1):
            out.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            if written == events:
                return written
        # The estimate fell short: more contingents (or denser reports), from the start again.
        out.seek(0)
        out.truncate()
        count = sum(len(m.contingents) for m in missions)
        if count < len(MISSIONS) * len(CONTRIBUTORS):
            missions, reports = choose(events, seed, at_least=count + max(1, count // 10))
        else:
            reports = reports * 1.1 + 0.1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with args.out.open("w", encoding="utf-8") as out:
        count = generate(args.events, out, args.seed)
    print(f"{count:,} events written to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
