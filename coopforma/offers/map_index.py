# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public map's search, facets and aggregates, computed on arrays held in each web process (issue 16, point 8).

At 300,000 sessions every SQL way to count the facets and group the sessions by place took 200 ms to 2 s on
PostgreSQL (docs/map.md, « Figures »): each count reads every matching offer again. Here a network's shown offers
(in the results' order: title, id), their sessions (place, dates, position) and their competency links are read
ONCE into numpy arrays; a search is then a few boolean masks over them (a millisecond each), the page's 20 offers
are read by id, and the words of a query are matched by the database's own full-text search (`search.matching`:
PostgreSQL's tsvector, SQLite's FTS5), remembered per index.

The arrays are rebuilt when the map's tables change: database triggers (migration 0008) note every write to the
offers, their sessions, relevance rows, competency links and the register of training organisations in
`offers_mapchange`, and `search.map_token()` reads a token of that table on each search — a different token, a new
index. The token is read before the rows: a write committed in between gives an index newer than its token, which
the next search replaces. Nothing here is a source of truth: a process that restarts reads everything again.

The same filters in SQL (`offers/tests/map_sql.py`, how the map was searched before) are the reference the
index is compared with on random filters (`offers/tests/test_map_index.py`).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import connection
from django.db.models.functions import Substr

from coopforma.offers import geo, search
from coopforma.offers.filters import MapFilters
from coopforma.offers.models import OfferCompetency, OfferSession, SourceKind

TEXT_CACHE = 256  # the last queries' matching offers, per index
NO_CITY = np.iinfo(np.int32).max
SESSION_FILTERS = ("region", "departement")  # the other session filters (dates, near) are never skipped
OFFER_FACETS = ("modality", "certifying", "cpf", "qualiopi", "mode")


def _codes(values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Values → (small integer codes, the distinct values in code order)."""
    distinct: dict[Any, int] = {}
    codes = np.fromiter((distinct.setdefault(v, len(distinct)) for v in values), dtype=np.int32, count=len(values))
    return codes, list(distinct)


DAY_ONE = np.datetime64("0001-01-01", "D")


def _days(values: list[Any]) -> np.ndarray:
    """Dates (None when unknown) → their ordinal (`date.toordinal()`), 0 when unknown
    (no real date is day 0)."""
    dates = np.array([None if value is None else str(value) for value in values], dtype="datetime64[D]")
    days = (dates - DAY_ONE).astype(np.int64) + 1
    return np.where(np.isnat(dates), 0, days).astype(np.int32)


@dataclass
class Grouping:
    """Sessions grouped by (key, offer): `order` lists the sessions with a key in that order, `starts` where each
    (key, offer) pair begins, `key` each pair's key. « How many offers per key » under a sessions' mask is then
    one `logical_or.reduceat` and one `bincount`."""

    order: np.ndarray
    starts: np.ndarray
    key: np.ndarray
    offer: np.ndarray  # each pair's offer
    size: int

    @classmethod
    def of(cls, keys: np.ndarray, offers: np.ndarray, size: int) -> Grouping:
        keyed = np.flatnonzero(keys >= 0)
        order = keyed[np.lexsort((offers[keyed], keys[keyed]))]
        if len(order) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return cls(order, empty, empty, empty, size)
        k, o = keys[order], offers[order]
        new = np.ones(len(order), dtype=bool)
        new[1:] = (k[1:] != k[:-1]) | (o[1:] != o[:-1])
        starts = np.flatnonzero(new)
        return cls(order, starts, k[starts], o[starts], size)

    def offers_per_key(self, sessions: np.ndarray | None, offers: np.ndarray) -> np.ndarray:
        """For each key, the number of distinct offers among `offers` (a mask) with at least one session in it;
        `sessions`: only those sessions count (a mask), None: all of theirs (then one look-up per pair)."""
        if len(self.order) == 0:
            return np.zeros(self.size, dtype=np.int64)
        if sessions is None:
            hit = offers[self.offer]
        else:
            hit = np.logical_or.reduceat(sessions[self.order], self.starts) & offers[self.offer]
        return np.bincount(self.key[hit], minlength=self.size)


@dataclass
class MapIndex:
    token: Any
    ids: np.ndarray  # offer ids in the results' order (title, id): an offer's position is its rank
    columns: dict[str, tuple[np.ndarray, list[Any]]]  # offer facet → (codes, values)
    member: dict[str, int]  # a member catalogue offer's external id → position
    s_offer: np.ndarray
    s_id: np.ndarray  # the sessions' ids
    s_department: np.ndarray
    departments: list[str]
    s_region: np.ndarray
    regions: list[str]
    s_lat: np.ndarray
    s_lon: np.ndarray
    s_start: np.ndarray
    s_end: np.ndarray
    s_point: np.ndarray
    point_lat: np.ndarray  # in hundredths of a degree
    point_lon: np.ndarray
    s_city: np.ndarray  # rank of the session's city in `cities` (sorted), NO_CITY when blank
    cities: list[str]
    link_offer: np.ndarray
    link_key: np.ndarray
    link_keys: list[str]
    by_department: Grouping
    by_region: Grouping
    by_point: Grouping
    point_order: np.ndarray  # sessions with a position, by point
    point_starts: np.ndarray
    point_of_start: np.ndarray
    sorted_ids: np.ndarray
    sorted_positions: np.ndarray
    built_at: float = 0.0  # time.monotonic() when its token was read
    build_seconds: float = 0.0
    text: OrderedDict[tuple[str, ...], np.ndarray] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def size(self) -> int:
        return len(self.ids)

    # --- masks ----------------------------------------------------------------------------------------------

    def positions_of(self, ids: list[int] | np.ndarray) -> np.ndarray:
        found = np.asarray(ids, dtype=np.int64)
        if len(self.sorted_ids) == 0 or len(found) == 0:
            return np.zeros(0, dtype=np.int64)
        at = np.searchsorted(self.sorted_ids, found).clip(0, len(self.sorted_ids) - 1)
        return self.sorted_positions[at[self.sorted_ids[at] == found]]

    def text_mask(self, query: str) -> np.ndarray | None:
        """The offers matching the query's words (None: no word), from the database's full-text search; the last
        TEXT_CACHE queries' answers are kept, as bits (12.5 kB per query at 100,000 offers)."""
        words = tuple(search.words(query))
        if not words:
            return None
        with self.lock:
            cached = self.text.get(words)
            if cached is not None:
                self.text.move_to_end(words)
        if cached is not None:
            return np.unpackbits(cached, count=self.size).astype(bool)
        mask = np.zeros(self.size, dtype=bool)
        mask[self.positions_of(search.matching_ids(" ".join(words)))] = True
        with self.lock:
            self.text[words] = np.packbits(mask)
            while len(self.text) > TEXT_CACHE:
                self.text.popitem(last=False)
        return mask

    def _equals(self, name: str, value: Any) -> np.ndarray:
        codes, values = self.columns[name]
        if value not in values:
            return np.zeros(self.size, dtype=bool)
        return codes == values.index(value)

    def competency_mask(self, found: Any, code: str) -> np.ndarray:
        mask = np.zeros(self.size, dtype=bool)
        for slug, training_id in found.trainings.get(code, set()):
            position = self.member.get(f"{slug}/{training_id}")
            if position is not None:
                mask[position] = True
        key = found.keys.get(code)
        if key is not None and str(key) in self.link_keys:
            mask[self.link_offer[self.link_key == self.link_keys.index(str(key))]] = True
        return mask

    def session_mask(self, filters: MapFilters, skip: str = "") -> np.ndarray:
        mask = np.ones(len(self.s_offer), dtype=bool)
        if filters.region and skip != "region":
            mask &= _index_equals(self.s_region, self.regions, filters.region)
        if filters.departement and skip != "departement":
            mask &= _index_equals(self.s_department, self.departments, filters.departement)
        if filters.date_from:
            since = filters.date_from.toordinal()
            mask &= (self.s_end >= since) | ((self.s_end == 0) & (self.s_start >= since))
        if filters.date_to:
            mask &= (self.s_start != 0) & (self.s_start <= filters.date_to.toordinal())
        if filters.near is not None:
            lat, lon = filters.near.lat, filters.near.lon
            min_lat, max_lat, min_lon, max_lon = geo.bounding_box(lat, lon, filters.km)
            with np.errstate(invalid="ignore"):
                box = (self.s_lat >= min_lat) & (self.s_lat <= max_lat)
                box &= (self.s_lon >= min_lon) & (self.s_lon <= max_lon)
            inside = np.flatnonzero(box & mask)
            mask[:] = False
            mask[inside[_haversine(self.s_lat[inside], self.s_lon[inside], lat, lon) <= filters.km]] = True
        return mask

    def query(self, filters: MapFilters, found: Any = None) -> Query:
        """A search over this index (`found`: the référentiel's competency map, for the competency filter/facet)."""
        return Query(self, filters, found)

    # --- counts ---------------------------------------------------------------------------------------------

    def counts(self, name: str, mask: np.ndarray) -> dict[Any, int]:
        codes, values = self.columns[name]
        found = np.bincount(codes[mask], minlength=len(values))
        return {value: int(found[i]) for i, value in enumerate(values) if found[i]}

    def competency_counts(self, found: Any, mask: np.ndarray) -> dict[str, int]:
        linked = np.bincount(self.link_key[mask[self.link_offer]], minlength=len(self.link_keys))
        by_key = {key: int(linked[i]) for i, key in enumerate(self.link_keys)}
        counts = {}
        for code in found.labels:
            n = by_key.get(str(found.keys[code]), 0)
            for slug, training_id in found.trainings.get(code, set()):
                position = self.member.get(f"{slug}/{training_id}")
                n += int(position is not None and mask[position])
            counts[code] = n
        return counts

    def points(self, sessions: np.ndarray | None, offers: np.ndarray, limit: int) -> list[dict[str, Any]]:
        """Sessions grouped by position (0.01°): the offers of each, its first city, the most offers first."""
        n = self.by_point.offers_per_key(sessions, offers)
        if len(self.point_order) == 0:
            return []
        hit = offers[self.s_offer[self.point_order]]
        if sessions is not None:
            hit &= sessions[self.point_order]
        city = np.where(hit, self.s_city[self.point_order], NO_CITY)
        first_city = np.full(len(n), NO_CITY, dtype=np.int64)
        first_city[self.point_of_start] = np.minimum.reduceat(city, self.point_starts)
        shown = np.flatnonzero(n)
        order = shown[np.lexsort((self.point_lon[shown], self.point_lat[shown], -n[shown]))][:limit]
        return [
            {
                "lat": int(self.point_lat[i]) / 100,
                "lon": int(self.point_lon[i]) / 100,
                "offers": int(n[i]),
                "label": self.cities[first_city[i]] if first_city[i] != NO_CITY else "",
            }
            for i in order
        ]


class Query:
    """One search's masks, each computed once: a page, its facets and the map's aggregates combine the same parts
    (the words, each facet's choice, the competency, the sessions' places and dates), each facet without its own."""

    def __init__(self, index: MapIndex, filters: MapFilters, found: Any) -> None:
        self.index, self.filters, self.found = index, filters, found
        self._parts: dict[str, np.ndarray | None] = {}
        self._sessions: dict[str, np.ndarray | None] = {}
        self._offers: dict[str, np.ndarray] = {}

    def _skipped(self, skip: str) -> str:
        """`skip` when its filter is chosen, else "" (skipping a filter not chosen changes nothing)."""
        return skip if skip and getattr(self.filters, skip, None) not in ("", None) else ""

    def _part(self, name: str) -> np.ndarray | None:
        if name not in self._parts:
            value = getattr(self.filters, name)
            if name == "q":
                self._parts[name] = self.index.text_mask(value)
            elif value in ("", None):
                self._parts[name] = None
            elif name == "competency":
                self._parts[name] = self.index.competency_mask(self.found, value)
            else:
                self._parts[name] = self.index._equals(name, value)
        return self._parts[name]

    def sessions(self, skip: str = "") -> np.ndarray | None:
        """The sessions matching the place and date filters but `skip`'s; None when none applies (all of them)."""
        key = self._skipped(skip) if skip in SESSION_FILTERS else ""
        if key not in self._sessions:
            matching = _has_session_filter(self.filters, key)
            self._sessions[key] = self.index.session_mask(self.filters, key) if matching else None
        return self._sessions[key]

    def offers(self, skip: str = "") -> np.ndarray:
        """The offers matching every filter but `skip`'s (a facet's counts ignore its own choice)."""
        key = self._skipped(skip)
        if key not in self._offers:
            mask = np.ones(self.index.size, dtype=bool)
            for name in ("q", *OFFER_FACETS, "competency"):
                part = self._part(name) if name != key else None
                if part is not None:
                    mask &= part
            sessions = self.sessions(key)
            if sessions is not None:
                with_session = np.zeros(self.index.size, dtype=bool)
                with_session[self.index.s_offer[sessions]] = True
                mask &= with_session
            self._offers[key] = mask
        return self._offers[key]

    def counts(self, name: str) -> dict[Any, int]:
        return self.index.counts(name, self.offers(name))

    def place_counts(self, name: str, skip: str = "") -> dict[str, int]:
        """Offers per region or département (`name`), an offer once per place it has a matching session in."""
        if name == "region":
            grouping, names = self.index.by_region, self.index.regions
        else:
            grouping, names = self.index.by_department, self.index.departments
        found = grouping.offers_per_key(self.sessions(skip), self.offers(skip))
        return {names[i]: int(found[i]) for i in np.flatnonzero(found)}

    def competency_counts(self) -> dict[str, int]:
        return self.index.competency_counts(self.found, self.offers("competency"))

    def points(self, limit: int) -> list[dict[str, Any]]:
        return self.index.points(self.sessions(), self.offers(), limit)

    def placed_session_ids(self, limit: int) -> list[int]:
        """The ids of the matching sessions with a position, by offer id, start (unknown last) and id."""
        index = self.index
        mask = self.offers()[index.s_offer] & ~np.isnan(index.s_lat) & ~np.isnan(index.s_lon)
        sessions = self.sessions()
        if sessions is not None:
            mask &= sessions
        chosen = np.flatnonzero(mask)
        start = np.where(index.s_start[chosen] == 0, np.iinfo(np.int32).max, index.s_start[chosen])
        order = np.lexsort((index.s_id[chosen], start, index.ids[index.s_offer[chosen]]))[:limit]
        return [int(pk) for pk in index.s_id[chosen[order]]]


def _index_equals(codes: np.ndarray, names: list[str], value: str) -> np.ndarray:
    if value not in names:
        return np.zeros(len(codes), dtype=bool)
    return codes == names.index(value)


def _has_session_filter(filters: MapFilters, skip: str = "") -> bool:
    return bool(
        (filters.region and skip != "region")
        or (filters.departement and skip != "departement")
        or filters.date_from
        or filters.date_to
        or filters.near
    )


def _haversine(lat: np.ndarray, lon: np.ndarray, lat0: float, lon0: float) -> np.ndarray:
    """The same haversine as the SQL's (selectors._distance_km), on arrays."""
    phi = math.radians(lat0)
    half_dphi = np.sin((np.radians(lat) - phi) / 2)
    half_dlambda = np.sin((np.radians(lon) - math.radians(lon0)) / 2)
    a = half_dphi**2 + np.cos(np.radians(lat)) * math.cos(phi) * half_dlambda**2
    return 2 * geo.EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def _hundredths(degrees: np.ndarray) -> np.ndarray:
    """A coordinate rounded to 0.01° as the SQL did (to 4 decimals, then 2, halves away from zero), in hundredths."""
    units = np.rint(np.abs(degrees) * 10_000).astype(np.int64)
    return np.sign(degrees).astype(np.int64) * ((units + 50) // 100)


# --- building and caching -----------------------------------------------------------------------------------------

_indexes: dict[tuple[str, int], MapIndex] = {}
_building: dict[tuple[str, int], threading.Lock] = {}
_guard = threading.Lock()
SLOW_BUILD = 0.5  # seconds: a map this large is rebuilt in the background while the previous index answers...
STALE_FOR = 60.0  # ...for at most this long after it was built (then a search waits for the new one)


def for_network(network_id: int) -> MapIndex:
    """The network's index, rebuilt when the map's tables changed since it was built (one small query).

    A small map is rebuilt at once (a few milliseconds: what was just written is found). A large one, whose build
    took more than SLOW_BUILD (2.7 s at 300,000 sessions), goes on answering for up to STALE_FOR seconds while one
    thread rebuilds it: an import commits every few hundred offers, and each search during it would otherwise wait
    for a new index."""
    token = search.map_token()
    key = (connection.alias, network_id)
    index = _indexes.get(key)
    if index is not None and token is not None and index.token == token:
        return index
    with _guard:
        lock = _building.setdefault(key, threading.Lock())
    if (
        index is not None
        and token is not None
        and index.build_seconds >= SLOW_BUILD
        and time.monotonic() - index.built_at < STALE_FOR
    ):
        if lock.acquire(blocking=False):
            threading.Thread(target=_rebuild, args=(key, network_id, lock), daemon=True).start()
        return index
    with lock:
        index = _indexes.get(key)
        if index is not None and token is not None and index.token == token:
            return index
        return _build_and_keep(key, network_id, token)


def _build_and_keep(key: tuple[str, int], network_id: int, token: Any) -> MapIndex:
    started = time.monotonic()
    index = build(network_id, token)
    index.built_at, index.build_seconds = started, time.monotonic() - started
    if token is not None:  # no token (a flushed test database): never cached
        _indexes[key] = index
    return index


def _rebuild(key: tuple[str, int], network_id: int, lock: threading.Lock) -> None:
    """The background rebuild (its own database connection, closed at the end); `lock` is held by the caller."""
    try:
        _build_and_keep(key, network_id, search.map_token())
    finally:
        lock.release()
        connection.close()


def clear() -> None:
    _indexes.clear()


def build(network_id: int, token: Any = None) -> MapIndex:
    """Read the network's shown offers, their sessions and competency links into arrays (three queries)."""
    from coopforma.offers.selectors import qualiopi_status, shown_offers

    rows = list(
        shown_offers(network_id=network_id)
        .alias(siren=Substr("provider_siret", 1, 9))
        .annotate(qualiopi=qualiopi_status())
        .order_by("title", "pk")
        .values_list(
            "pk", "modality", "certifying", "cpf_eligible", "experience_mode", "qualiopi", "source__kind", "external_id"
        )
    )
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    columns = {
        name: _codes([row[i] for row in rows])
        for i, name in ((1, "modality"), (2, "certifying"), (3, "cpf"), (4, "mode"), (5, "qualiopi"))
    }
    member = {row[7]: i for i, row in enumerate(rows) if row[6] == SourceKind.MEMBER_CATALOGUE}
    sorted_positions = np.argsort(ids, kind="stable")
    sorted_ids = ids[sorted_positions]

    def positions(offer_ids: list[int]) -> np.ndarray:
        found = np.asarray(offer_ids, dtype=np.int64)
        if len(sorted_ids) == 0:
            return np.zeros(len(found), dtype=np.int64)
        return sorted_positions[np.searchsorted(sorted_ids, found).clip(0, len(sorted_ids) - 1)]

    shown = shown_offers(network_id=network_id).values("pk")
    sessions = list(
        OfferSession.objects.filter(offer_id__in=shown)
        .order_by()
        .values_list("offer_id", "department", "region", "latitude", "longitude", "start", "end", "city", "pk")
    )
    s_offer = positions([row[0] for row in sessions]).astype(np.int32)
    department_codes, departments = _codes([row[1] for row in sessions])
    region_codes, regions = _codes([row[2] for row in sessions])
    s_department = _blank_as_none(department_codes, departments)
    s_region = _blank_as_none(region_codes, regions)
    s_lat = np.array([np.nan if row[3] is None else row[3] for row in sessions], dtype=np.float64)
    s_lon = np.array([np.nan if row[4] is None else row[4] for row in sessions], dtype=np.float64)
    s_start = _days([row[5] for row in sessions])
    s_end = _days([row[6] for row in sessions])
    cities = sorted({row[7] for row in sessions if row[7]})
    rank = {city: i for i, city in enumerate(cities)}
    s_city = np.fromiter((rank.get(row[7], NO_CITY) for row in sessions), dtype=np.int64, count=len(sessions))

    placed = ~(np.isnan(s_lat) | np.isnan(s_lon))
    lat100 = np.where(placed, _hundredths(np.nan_to_num(s_lat)), 0)
    lon100 = np.where(placed, _hundredths(np.nan_to_num(s_lon)), 0)
    pair = lat100 * 100_000 + lon100  # distinct per (lat, lon) in hundredths of a degree
    point_keys, point_index = np.unique(pair[placed], return_inverse=True)
    s_point = np.full(len(sessions), -1, dtype=np.int64)
    s_point[placed] = point_index
    point_lat = np.zeros(len(point_keys), dtype=np.int64)
    point_lon = np.zeros(len(point_keys), dtype=np.int64)
    point_lat[point_index] = lat100[placed]
    point_lon[point_index] = lon100[placed]
    point_order = np.flatnonzero(placed)[np.argsort(point_index, kind="stable")]
    if len(point_order):
        new = np.ones(len(point_order), dtype=bool)
        new[1:] = s_point[point_order][1:] != s_point[point_order][:-1]
        point_starts = np.flatnonzero(new)
    else:
        point_starts = np.zeros(0, dtype=np.int64)

    links = list(
        OfferCompetency.objects.filter(network_id=network_id, removed=False, offer_id__in=shown)
        .order_by()
        .values_list("offer_id", "competency_key")
    )
    link_key, link_keys = _codes([str(row[1]) for row in links])
    return MapIndex(
        token=token,
        ids=ids,
        columns=columns,
        member=member,
        s_offer=s_offer,
        s_id=np.fromiter((row[8] for row in sessions), dtype=np.int64, count=len(sessions)),
        s_department=s_department,
        departments=departments,
        s_region=s_region,
        regions=regions,
        s_lat=s_lat,
        s_lon=s_lon,
        s_start=s_start,
        s_end=s_end,
        s_point=s_point,
        point_lat=point_lat,
        point_lon=point_lon,
        s_city=s_city,
        cities=cities,
        link_offer=positions([row[0] for row in links]),
        link_key=link_key,
        link_keys=link_keys,
        by_department=Grouping.of(s_department, s_offer, len(departments)),
        by_region=Grouping.of(s_region, s_offer, len(regions)),
        by_point=Grouping.of(s_point, s_offer, len(point_keys)),
        point_order=point_order,
        point_starts=point_starts,
        point_of_start=s_point[point_order[point_starts]] if len(point_order) else np.zeros(0, dtype=np.int64),
        sorted_ids=sorted_ids,
        sorted_positions=sorted_positions,
    )


def _blank_as_none(codes: np.ndarray, names: list[str]) -> np.ndarray:
    """Codes with the blank value as -1 (a session without a département or region is in no group)."""
    codes = codes.astype(np.int64)
    if "" in names:
        codes[codes == names.index("")] = -1
    return codes
