# SPDX-License-Identifier: AGPL-3.0-or-later
"""Communes, départements and regions of France for the map: lookup by INSEE code, postal code or name (accents
and case ignored), and distances. The data ship with the code (`offers/data/communes.json.gz`, its README says
where it comes from and under which licences): no geocoding service is called at run time."""

from __future__ import annotations

import gzip
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "communes.json.gz"
EARTH_RADIUS_KM = 6371.0088
ATTRIBUTION = "Communes : INSEE / La Poste via Etalab (Licence Ouverte 2.0) ; positions : GeoNames (CC BY 4.0)"


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    postal_codes: tuple[str, ...]
    departement: str
    region: str
    lat: float
    lon: float
    precise: bool  # False: the mean position of its département's communes (see the data's README)

    @property
    def label(self) -> str:
        postal = f" ({self.postal_codes[0]})" if self.postal_codes else ""
        return f"{self.name}{postal}"


def key(text: str) -> str:
    """« Saint-Étienne » → « saint etienne »: lower case, ASCII, one space between words."""
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^(st|ste)\b", lambda m: "saint" if m.group(1) == "st" else "sainte", text)


@dataclass
class _Data:
    regions: dict[str, str]
    departements: dict[str, tuple[str, str]]
    by_insee: dict[str, Commune]
    by_postal: dict[str, list[Commune]]
    by_name: dict[str, list[Commune]]


@cache
def _data() -> _Data:
    with gzip.open(DATA, "rt", encoding="utf-8") as handle:
        raw = json.load(handle)
    data = _Data(
        regions=raw["regions"],
        departements={code: (name, region) for code, (name, region) in raw["departements"].items()},
        by_insee={},
        by_postal={},
        by_name={},
    )
    for insee, name, postal, departement, region, lat, lon, precise in raw["communes"]:
        commune = Commune(insee, name, tuple(postal.split()), departement, region, lat, lon, bool(precise))
        data.by_insee[insee] = commune
        for code in commune.postal_codes:
            data.by_postal.setdefault(code, []).append(commune)
        data.by_name.setdefault(key(name), []).append(commune)
    for communes in (*data.by_postal.values(), *data.by_name.values()):
        communes.sort(key=lambda c: (not c.precise, c.insee))
    return data


def commune_by_insee(code: str) -> Commune | None:
    return _data().by_insee.get((code or "").strip().upper())


def communes_by_postal_code(code: str) -> list[Commune]:
    return list(_data().by_postal.get((code or "").strip(), []))


def communes_by_name(name: str) -> list[Commune]:
    return list(_data().by_name.get(key(name), []))


def find_commune(text: str) -> Commune | None:
    """What a visitor types: an INSEE code, a postal code, a name, or « Name (35000) » / « 35000 Name »; the
    first commune that fits (a located one first). None when nothing fits."""
    text = (text or "").strip()
    if not text:
        return None
    postal = re.search(r"\b(\d{5}|2[AaBb]\d{3})\b", text)
    name = key(re.sub(r"\(?\b(\d{5}|2[AaBb]\d{3})\b\)?", " ", text))
    candidates: list[Commune] = []
    if postal:
        code = postal.group(1).upper()
        candidates = communes_by_postal_code(code) or ([c] if (c := commune_by_insee(code)) else [])
        if name:
            candidates = [c for c in candidates if key(c.name) == name] or candidates
    elif name:
        candidates = communes_by_name(name)
    return candidates[0] if candidates else None


_CEDEX = re.compile(r"\b(cedex|cx)\b.*$")
_ARRONDISSEMENT = re.compile(r"\s\d{1,2}\s?(e|er|eme)?(\s?arrondissement)?$")


def _town(name: str) -> str:
    """« RENNES CEDEX 9 » → « rennes », « Lyon 3e » → « lyon », « Paris 15e Arrondissement » → « paris »."""
    return _ARRONDISSEMENT.sub("", _CEDEX.sub("", key(name)).strip()).strip()


def _same_town(city: str, commune: Commune) -> bool:
    return bool(city) and _town(city) == _town(commune.name)


@dataclass(frozen=True)
class Located:
    """Where `locate_place` found a session's commune: the commune, and whether the INSEE field held a postal code
    (a code that is some other commune's INSEE code, told apart by the commune's name)."""

    commune: Commune
    insee_was_postal_code: bool = False
    insee_contradicted: bool = False  # an INSEE code was given, but the name and postal code say this commune


@lru_cache(maxsize=65536)
def locate_place(insee_code: str, postal_code: str, city: str, department: str = "") -> Located | None:
    """The commune of a training place from the codes a feed gives (an import's session, offers/importing.py):

    1. by INSEE code, unless both the name and the postal code given say it is another commune;
    2. else by postal code and name (the name without « CEDEX » nor arrondissement);
    3. else, when no INSEE code was given, by the postal code alone when it names one commune;
    4. else by the name within the département (a CEDEX postal code, absent from the dataset).

    Never by a name alone: « Saint-Denis » is in ten départements. A municipal arrondissement (Paris, Lyon,
    Marseille) stands for its city. None when nothing fits, or when the commune has no position of its own in the
    dataset (``precise``: the others only have their département's mean position, useless within N km)."""
    insee, postal, town = insee_code.strip().upper(), postal_code.strip(), _town(city)
    found: Located | None = None
    if insee:
        commune = commune_by_insee(insee)
        if commune is not None and (
            (not town and not postal) or _same_town(city, commune) or postal in commune.postal_codes
        ):
            found = Located(commune)
        elif re.fullmatch(r"\d{5}", insee) and not postal and town:
            # « 35200 » in the INSEE field of a place in Rennes: Moutiers's INSEE code, but Rennes's postal code.
            named = [c for c in communes_by_postal_code(insee) if _same_town(city, c)]
            found = Located(named[0], insee_was_postal_code=True) if named else None
    if found is None and postal:
        candidates = communes_by_postal_code(postal)
        named = [c for c in candidates if _same_town(city, c)]
        if named:
            found = Located(named[0], insee_contradicted=bool(insee))
        elif len(candidates) == 1 and not insee:
            found = Located(candidates[0])
    if found is None and town and department:
        named = [c for c in communes_by_name(town) if c.departement == department]
        if len(named) == 1:
            found = Located(named[0], insee_contradicted=bool(insee))
    if found is not None and not found.commune.precise:
        city_of = [
            c
            for code in found.commune.postal_codes
            for c in communes_by_postal_code(code)
            if c.precise and _town(c.name) == _town(found.commune.name)
        ]
        found = Located(city_of[0], found.insee_was_postal_code, found.insee_contradicted) if city_of else None
    return found


def departement_name(code: str) -> str:
    found = _data().departements.get(code)
    return found[0] if found else ""


def departement_region(code: str) -> str:
    """The region of a département, "" when it has none: a region has two digits (Saint-Barthélemy, Saint-Martin…
    are their own « region » 977, 978… in the dataset, which no region column can hold)."""
    found = _data().departements.get(code)
    return found[1] if found and len(found[1]) == 2 else ""


def region_name(code: str) -> str:
    return _data().regions.get(code, "")


def departements() -> list[tuple[str, str]]:
    """(code, name) of every département, by code."""
    return sorted((code, name) for code, (name, _region) in _data().departements.items())


def regions() -> list[tuple[str, str]]:
    """(code, name) of every region, by name."""
    return sorted(_data().regions.items(), key=lambda item: key(item[1]))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) of a box holding every point within `km` (the SQL prefilter)."""
    dlat = math.degrees(km / EARTH_RADIUS_KM)
    dlon = math.degrees(km / (EARTH_RADIUS_KM * max(0.01, math.cos(math.radians(lat)))))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
