"""Rebuild the mechanical seed files from the shared real data (run from the project root):

    python seeds/build_seeds.py ../shared/data

- ``un-monthly-minusma-2013.csv``: the header and every MINUSMA row of the UN monthly figures
  file, byte for byte (CRLF line ends kept), to be loaded with ``--format un-monthly``;
- ``minusma-mission-totals-2013-2017.jsonl``: IPI's monthly MINUSMA totals as reported totals;
- ``minusma-presence-geopko-2014-2024.jsonl``: Geo-PKO's yearly estimates of which contributors
  were at which locations, as presence estimates (they never change strength). Rows whose
  contributor is "Multinational" name no country and are left out (counted on stdout).

The hand-made ``minusma-2021-2023.jsonl`` (dated announcements, changes and closures with their
sources) is not generated.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
IPI_URL = (
    "https://github.com/IPIDataLab/PPP_Loader/blob/2653920af58e91a892d1cde3a402a57a2ebf5cdf/"
    "ppp_files/data_mission.csv"
)


def un_monthly_minusma(shared: Path) -> None:
    source = shared / "un-monthly" / "un_contributions_by_mission_country_2009-11_2013-12.csv"
    lines = source.read_bytes().split(b"\r\n")
    kept = [lines[0]] + [line for line in lines[1:] if b",MINUSMA," in line]
    (HERE / "un-monthly-minusma-2013.csv").write_bytes(b"\r\n".join(kept) + b"\r\n")


def mission_totals(shared: Path) -> None:
    source = shared / "minusma" / "ipi_minusma_mission_totals_2013-07_2017-03.csv"
    out = []
    with source.open(newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            day = date.fromisoformat(row["date"])
            categories = {"troops": int(row["troops"]), "police": int(row["police"])}
            if row["observers"]:
                categories["military_experts"] = int(row["observers"])
            out.append(
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
    with (HERE / "minusma-mission-totals-2013-2017.jsonl").open("w", encoding="utf-8") as f:
        for record in out:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


GEOPKO_URL = (
    "https://github.com/geopko/Geo-PKO-Shiny-Dashboard/blob/"
    "b6ba64e913461c8b5b9688307afdfcadbaa64162/data/TCCMap_v.2.3.csv"
)
# Geo-PKO spells some places otherwise than the gazetteer's aliases do.
GEOPKO_PLACES = {"Mopti/Sevare": "Mopti", "Tombouctou (Timbuktu)": "Tombouctou", "Leré": "Léré"}


def presence(shared: Path) -> None:
    source = shared / "minusma" / "geopko_v2.3_minusma_location_country_yearmax.csv"
    out, skipped = [], 0
    with source.open(newline="", encoding="utf-8") as f:
        for line, row in enumerate(csv.DictReader(f), start=2):
            if row["contributor"] == "Multinational":
                skipped += 1
                continue
            size = row["max_troops_coded"]
            out.append(
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
    with (HERE / "minusma-presence-geopko-2014-2024.jsonl").open("w", encoding="utf-8") as f:
        for record in out:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"presence: {len(out)} estimates, {skipped} 'Multinational' rows left out")


if __name__ == "__main__":
    shared_data = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    un_monthly_minusma(shared_data)
    mission_totals(shared_data)
    presence(shared_data)
