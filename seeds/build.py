"""Rebuild the seed files from the shared real data (from the project root):

    python -m seeds.build [../shared/data]        (or: make seeds)

Every file is the project's own: events written by the project's own importers, each with its
source, never a copy of a shared file.

- ``un-record/MISSION.jsonl.gz``, one for every mission the UN's files name (38): the UN's
  monthly figures by contributor and personnel type, every month the UN published a breakdown
  by mission, 2009-11..2014-08 from the UN CSV files (IPI's loader) and 2015-01..2024-11 from
  the UN's own monthly PDF reports, read and checked against every total they print by
  ``tracker.importers.un_pdf``; as the importers record them (one authoritative level per
  contributor and type at each month end, the contributors each report lists, a level of 0
  for a contributor or type that vanished, and the months whose report covered other
  missions and not this one while it ran), every event naming the report, the UN as
  publisher, its month and the file and line or page it came from. The months with no
  breakdown by mission at all (2014-09..12, 2015-03, 2016-03, 2017-03, 2018-03..2019-08,
  2020-06, 2022-07, 2023-09) stay gaps: nothing is written for them. The importers know
  each mission's life (established, closed) from the hand-made files, loaded first;
- ``minusma-mission-totals-2013-2017.jsonl``: IPI's monthly MINUSMA totals as reported totals;
- ``minusma-presence-geopko-2014-2024.jsonl``: Geo-PKO's yearly estimates of which contributors
  were at which locations, as presence estimates (they never change strength). Rows whose
  contributor is "Multinational" name no country and are left out (counted on stdout).

The hand-made ``missions.jsonl`` (every other mission's establishment and end, each with its
source), ``minusma-mission.jsonl``, ``minusma-2021-2023.jsonl`` (MINUSMA's life, and dated
announcements, changes and closures with their sources) and ``minusma-corrections.jsonl``
(corrections of them, as new events) are not generated.
A test (tests/test_seeds.py) checks that the committed files equal a fresh build.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.importers.un_pdf import Report

HERE = Path(__file__).resolve().parent
IPI_URL = (
    "https://github.com/IPIDataLab/PPP_Loader/blob/2653920af58e91a892d1cde3a402a57a2ebf5cdf/"
    "ppp_files/data_mission.csv"
)


UN_CSV_URL = (
    "https://github.com/IPIDataLab/PPP_Loader/blob/ee52ebc622bb99cd52af388fca38573ba0ea85df/"
    "ppp_files/full_gender_data.csv"
)
UN_CSV_FILES = (
    "un_contributions_by_mission_country_2009-11_2013-12.csv",
    "un_contributions_by_mission_country_2014-01_2014-08.csv",
)
# Where the copies of the UN's PDFs read here were published (shared/data/SOURCES.md, section
# 0): the repository at that commit, the files unchanged.
UN_PDF_URL = "https://github.com/kl371218/kl371218/tree/3589ecac25c7c8929d8f9c5f95adb5ebaa7bcbce"
# The one report that prints no date (layout F): its month is the file name's, as
# shared/data/SOURCES.md (section 0) records it.
UNDATED = {"UN_country_contributions_2019_10.pdf": date(2019, 10, 31)}
STORE_FIELDS = {"originator_id", "originator_version", "timestamp"}


def pdf_files(shared: Path) -> list[Path]:
    return sorted((shared / "un-monthly-pdf" / "pdf").glob("UN_country_contributions_*.pdf"))


def read_pdfs(shared: Path) -> list[Report]:
    """Every UN monthly PDF, read and checked (in parallel); the undated one with its month."""
    from tracker.importers.un_pdf import read
    from tracker.importers.un_reports import read_reports

    files = pdf_files(shared)
    dated = [f for f in files if f.name not in UNDATED]
    reports = [r for r in read_reports(dated, with_missions_only=True) if r is not None]
    reports += [read(f, date=UNDATED[f.name]) for f in files if f.name in UNDATED]
    return reports


def records(tracker: Any, after: int = 0) -> list[dict[str, Any]]:
    """Every event of ``tracker`` after position ``after``, in log order, as JSON Lines
    records an import takes back: the kind, the fields, nothing the store sets."""
    from tracker.app.kinds import kind_of

    found = []
    start = after
    recorder = tracker.recorder
    while notes := recorder.select_notifications(start=start, limit=1000, inclusive_of_start=False):
        for note in notes:
            event = tracker.mapper.to_domain_event(note)
            if type(event).__name__ == "Opened":
                continue  # bookkeeping: the import opens streams itself
            fields = event.model_dump(mode="json", exclude=STORE_FIELDS, exclude_defaults=True)
            found.append({"type": kind_of(event), **fields})
        start = notes[-1].id
    return found


LIVES = ("minusma-mission.jsonl", "missions.jsonl")  # the missions' lives, by hand


def un_records(
    shared: Path, reports: list[Report] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The UN's monthly figures of every mission as the importers record them (the CSV
    months, then the PDF reports; ``reports``: already read, else read here), by mission,
    in log order; the missions' lives loaded first, for the importers to know them."""
    from tracker import Tracker

    tracker = Tracker(":memory:")
    for name in LIVES:
        tracker.import_jsonl((HERE / name).read_bytes(), name)
    lives = tracker.recorder.max_notification_id() or 0
    for name in UN_CSV_FILES:
        path = shared / "un-monthly" / name
        tracker.import_un_monthly(path.read_bytes(), name, UN_CSV_URL)
    tracker.import_un_reports(
        reports if reports is not None else read_pdfs(shared), source_url=UN_PDF_URL
    )
    by_mission: dict[str, list[dict[str, Any]]] = {}
    for record in records(tracker, after=lives):
        by_mission.setdefault(record["mission"], []).append(record)
    tracker.close()
    return by_mission


def write_jsonl(path: Path, found: list[dict[str, Any]]) -> None:
    """One record a line; a ``.gz`` path compressed, the same bytes from the same records
    (no time in the header)."""
    text = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in found)
    data = text.encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def mission_totals(shared: Path, out: Path = HERE) -> Path:
    source = shared / "minusma" / "ipi_minusma_mission_totals_2013-07_2017-03.csv"
    found = []
    with source.open(newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            day = date.fromisoformat(row["date"])
            categories = {"troops": int(row["troops"]), "police": int(row["police"])}
            if row["observers"]:
                categories["military_experts"] = int(row["observers"])
            found.append(
                {
                    "type": "total-reported",
                    "mission": row["mission"],
                    "valid": row["date"],
                    "strength": int(row["total"]),
                    "categories": categories,
                    "contributors": int(row["n_contributors"]),
                    "source": {
                        "title": "UN monthly mission totals, compiled by IPI (data_mission.csv)",
                        "url": IPI_URL,
                        "published_on": (day + timedelta(days=1)).isoformat()[:7],
                        "quote": (
                            f"data_mission.csv line {line}: troops (with staff officers) "
                            f"{row['troops']}, police {row['police']}, observers "
                            f"{row['observers'] or 'not recorded'}, total {row['total']}. "
                            "Published by the UN in the weeks after the month end (day not in "
                            "the data)."
                        ),
                    },
                }
            )
    path = out / "minusma-mission-totals-2013-2017.jsonl"
    write_jsonl(path, found)
    return path


GEOPKO_URL = (
    "https://github.com/geopko/Geo-PKO-Shiny-Dashboard/blob/"
    "b6ba64e913461c8b5b9688307afdfcadbaa64162/data/TCCMap_v.2.3.csv"
)
# Geo-PKO spells some places otherwise than the gazetteer's aliases do.
GEOPKO_PLACES = {"Mopti/Sevare": "Mopti", "Tombouctou (Timbuktu)": "Tombouctou", "Leré": "Léré"}


def presence(shared: Path, out: Path = HERE) -> Path:
    source = shared / "minusma" / "geopko_v2.3_minusma_location_country_yearmax.csv"
    found, skipped = [], 0
    with source.open(newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            if row["contributor"] == "Multinational":
                skipped += 1
                continue
            size = row["max_troops_coded"]
            found.append(
                {
                    "type": "presence-estimated",
                    "mission": row["mission"],
                    "contributor": row["contributor"],
                    "valid": row["year"],
                    "location": GEOPKO_PLACES.get(row["location"], row["location"]),
                    "troops": int(size) if size else None,
                    "source": {
                        "title": "Geo-PKO v2.3 (Uppsala University), yearly maxima by location "
                        "and contributor, from the Geo-PKO dashboard's TCCMap_v.2.3.csv",
                        "url": GEOPKO_URL,
                        "published_on": "2025-05-04",
                        "quote": (
                            f"TCCMap_v.2.3.csv (shared copy line {line}): {row['contributor']} at "
                            f"{row['location']} in {row['year']}, largest coded size "
                            f"{size or 'not coded'}. An estimate: Geo-PKO infers sizes from unit "
                            "symbols on UN maps (company about 150, battalion 850-950)."
                        ),
                    },
                }
            )
    path = out / "minusma-presence-geopko-2014-2024.jsonl"
    write_jsonl(path, found)
    print(f"presence: {len(found)} estimates, {skipped} 'Multinational' rows left out")
    return path


UN_RECORD = "un-record"  # the folder of the UN's figures, one file a mission


def build(shared: Path, out: Path = HERE, reports: list[Report] | None = None) -> list[Path]:
    """Write every generated seed file into ``out``; return their paths."""
    written = []
    for mission, found in sorted(un_records(shared, reports).items()):
        written.append(out / UN_RECORD / f"{mission}.jsonl.gz")
        write_jsonl(written[-1], found)
    written.append(mission_totals(shared, out))
    written.append(presence(shared, out))
    return written


if __name__ == "__main__":
    shared_data = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    for path in build(shared_data):
        print(f"wrote {path}")
