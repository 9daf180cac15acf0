# SPDX-License-Identifier: AGPL-3.0-or-later
"""The départements of metropolitan France and the five DROM: code, name, région and a centroid, for the gaps.

Read once from ``offers/data/departements.json`` (built with the map's outlines by
``offers/data/build_departements.py``: codes and names from the INSEE Code officiel géographique, Licence
Ouverte; centroids of outlines derived from GeoNames places, CC BY 4.0; see ``static/coopforma/geo/README.md``).
No geocoding service at run time.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "departements.json"
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    region: str
    region_name: str
    lat: float
    lon: float


@cache
def departements() -> tuple[Departement, ...]:
    """Every département, in the order of their codes (01…95, 2A and 2B in their place, then 971…976)."""
    rows = json.loads(DATA.read_text(encoding="utf-8"))
    return tuple(Departement(**row) for row in rows)


@cache
def departement_by_code() -> dict[str, Departement]:
    return {d.code: d for d in departements()}


def regions() -> list[tuple[str, str, list[Departement]]]:
    """(code, name, départements) per région, by the région's name."""
    grouped: dict[str, tuple[str, list[Departement]]] = {}
    for d in departements():
        grouped.setdefault(d.region, (d.region_name, []))[1].append(d)
    return sorted(((code, name, deps) for code, (name, deps) in grouped.items()), key=lambda r: r[1])


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


KM_PER_DEGREE_OF_LATITUDE = 111.2


@cache
def _by_latitude() -> tuple[tuple[float, ...], tuple[Departement, ...]]:
    ordered = sorted(departements(), key=lambda d: d.lat)
    return tuple(d.lat for d in ordered), tuple(ordered)


def departements_within(lat: float, lon: float, km: float) -> list[str]:
    """The codes of the départements whose centroid is at most `km` from the point.

    Only the centroids within `km` in latitude are looked at (a bisection in the list sorted by latitude), and
    measured on the local flat projection (equirectangular: within 0.5 % of the great-circle distance up to a few
    hundred kilometres), which is ten times cheaper than the haversine for a national feed's positions.
    """
    span = km / KM_PER_DEGREE_OF_LATITUDE
    latitudes, ordered = _by_latitude()
    first, last = bisect_left(latitudes, lat - span), bisect_right(latitudes, lat + span)
    squeeze = math.cos(math.radians(lat))
    limit = span * span
    found = []
    for d in ordered[first:last]:
        dy, dx = d.lat - lat, (d.lon - lon) * squeeze
        if dx * dx + dy * dy <= limit:
            found.append(d.code)
    return found
