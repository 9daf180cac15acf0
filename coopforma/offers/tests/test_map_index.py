# SPDX-License-Identifier: AGPL-3.0-or-later
"""The map's index (offers/map_index.py) gives what the same filters give in SQL (`tests/map_sql.py`), on random
filters: the page's offers in order and their count, every facet's counts, the aggregates (départements, regions,
points with their first city). It is rebuilt after any write to the map's tables — through the ORM, in bulk or in
raw SQL, in the same transaction — and only then; with no change note it caches nothing."""

import dataclasses
import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coopforma.networks.tests.factories import NetworkFactory
from coopforma.offers import filters, geo, map_index, search, selectors
from coopforma.offers.models import MapChange, Offer, OfferRelevance, OfferSession
from coopforma.offers.services import map_changes_prune
from coopforma.offers.tests import map_sql
from coopforma.offers.tests.map_factories import shown_offer
from coopforma.registry.models import RegisteredOrganisation, RegistryImport

pytestmark = pytest.mark.django_db

CERTIFIED = "73282932000074"
COMMUNES = ["35238", "69123", "33063", "59350", "35047", "97411"]  # Rennes, Lyon, Bordeaux, Lille, Bruz, Saint-Denis
TITLES = ["Coopération et gouvernance", "Gouvernance partagée en Scic", "Comptabilité des coopératives", "Tiers-lieux"]


@pytest.fixture(scope="function")
def network():  # type: ignore[no-untyped-def]
    network = NetworkFactory()
    imported = RegistryImport.objects.create(source="test", started_at=timezone.now())
    RegisteredOrganisation.objects.create(
        nda="53350000001", name="OF", search_name=" of", siren=CERTIFIED[:9], siret=CERTIFIED,
        qualiopi_training=True, content_hash="x", imported=imported,
    )  # fmt: skip
    for n in range(26):
        offer = shown_offer(
            network,
            title=f"{TITLES[n % 4]} {n % 7}",
            where=COMMUNES[n % len(COMMUNES)],
            start=dt.date(2027, 1 + n % 6, 1 + n % 20),
            sessions=1 + n % 3,
            modality=["on_site", "remote", "hybrid"][n % 3],
            cpf_eligible=n % 4 == 0,
            provider_siret=CERTIFIED if n % 5 == 0 else "",
        )
        if n % 6 == 0:  # a session elsewhere, without dates, and one without a position
            OfferSession.objects.create(offer=offer, city="Nantes", department="44", region="52")
            OfferSession.objects.create(offer=offer, city="Brest", latitude=48.125, longitude=-4.485)  # halves
        if n % 9 == 0:
            OfferSession.objects.filter(offer=offer).update(end=None)
    search.index_offers(Offer.objects.values_list("pk", flat=True))
    return network


def _points_in_sql(network, chosen):  # type: ignore[no-untyped-def]
    """The old SQL's points: the matching sessions with a position, by (lat, lon) rounded to 0.01° (4 decimals first,
    halves away from zero), distinct offers, first city."""
    groups: dict[tuple[Decimal, Decimal], tuple[set[int], list[str]]] = defaultdict(lambda: (set(), []))
    sessions = map_sql.sessions_of(network, chosen).filter(latitude__isnull=False, longitude__isnull=False)
    for offer_id, lat, lon, city in sessions.values_list("offer_id", "latitude", "longitude", "city"):

        def hundredths(value: float) -> Decimal:
            four = Decimal(repr(value)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            return four.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

        offers, cities = groups[(hundredths(lat), hundredths(lon))]
        offers.add(offer_id)
        cities.append(city)
    return sorted(
        (
            {"lat": float(lat), "lon": float(lon), "offers": len(o), "label": min(c)}
            for (lat, lon), (o, c) in groups.items()
        ),
        key=lambda p: (-p["offers"], p["lat"], p["lon"]),
    )


RENNES = geo.commune_by_insee("35238")
FILTERS = st.fixed_dictionaries(
    {
        "q": st.sampled_from(["", "coopération", "gouvernance scic", "comptabilite", "Rennes", "zzz"]),
        "region": st.sampled_from(["", "53", "84", "52"]),
        "departement": st.sampled_from(["", "35", "69", "33", "974"]),
        "modality": st.sampled_from(["", "on_site", "remote"]),
        "cpf": st.sampled_from([None, True, False]),
        "qualiopi": st.sampled_from(["", "yes", "unknown"]),
        "date_from": st.sampled_from([None, dt.date(2027, 3, 10)]),
        "date_to": st.sampled_from([None, dt.date(2027, 4, 1)]),
        "near": st.sampled_from([None, RENNES]),
        "km": st.sampled_from([10, 30, 300]),
        "page": st.sampled_from([1, 2]),
    }
)


NO_FILTER = {"q": "", "region": "", "departement": "", "modality": "", "cpf": None, "qualiopi": "", "date_from": None,
             "date_to": None, "near": None, "km": 30, "page": 1}  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(FILTERS)
@example(NO_FILTER)
@example({**NO_FILTER, "date_to": dt.date(2027, 4, 1)})  # sessions without dates are not before it
@example({**NO_FILTER, "date_from": dt.date(2027, 3, 10)})  # sessions without an end: their start
@example({**NO_FILTER, "near": RENNES, "km": 300, "page": 2})
def test_the_index_gives_what_sql_gives(network, choices) -> None:  # type: ignore[no-untyped-def]
    chosen = filters.MapFilters(**choices)
    expected = list(
        map_sql.map_offers(network=network, filters=chosen).order_by("title", "pk").values_list("pk", flat=True)
    )
    page = selectors.map_page(network=network, filters=chosen)
    assert page.count == len(expected)
    start = (page.page - 1) * selectors.PAGE_SIZE
    assert [o.pk for o in page.offers] == expected[start : start + selectors.PAGE_SIZE]

    facets = selectors.map_facets(network=network, filters=chosen)
    candidates = {
        "region": ["53", "84", "52", "75"],
        "departement": ["35", "69", "33", "59", "44", "974"],
        "modality": ["on_site", "remote", "hybrid"],
        "cpf": [True, False],
        "qualiopi": ["yes", "no", "unknown"],
    }
    for name, values in candidates.items():
        counted = {value.value: value.count for value in facets[name]}
        for value in values:
            listed = map_sql.map_offers(network=network, filters=dataclasses.replace(chosen, **{name: value})).count()
            key = {True: "oui", False: "non"}.get(value, value) if isinstance(value, bool) else value
            assert counted.get(key, 0) == listed, (name, value, counted)

    aggregates = selectors.map_aggregates(network=network, filters=chosen)
    assert aggregates["total"] == len(expected)
    per_department: dict[str, set[int]] = defaultdict(set)
    for offer_id, department in map_sql.sessions_of(network, chosen).values_list("offer_id", "department"):
        if department:
            per_department[department].add(offer_id)
    assert {row["code"]: row["offers"] for row in aggregates["departements"]} == {
        code: len(ids) for code, ids in per_department.items()
    }
    assert aggregates["points"] == _points_in_sql(network, chosen)

    markers = map_sql.sessions_of(network, chosen).filter(latitude__isnull=False, longitude__isnull=False)
    ordered = markers.order_by("offer_id", F("start").asc(nulls_last=True), "pk").values_list("pk", flat=True)
    assert [s.pk for s in selectors.map_points(network=network, filters=chosen)] == list(ordered)


def test_every_write_to_the_map_tables_rebuilds_the_index_and_nothing_else_does(network) -> None:  # type: ignore[no-untyped-def]
    everything = filters.MapFilters()
    first = map_index.for_network(network.pk)
    assert map_index.for_network(network.pk) is first  # nothing changed: the same arrays
    count = selectors.map_page(network=network, filters=everything).count

    shown_offer(network, title="Une offre de plus")  # the ORM, in the same transaction
    assert selectors.map_page(network=network, filters=everything).count == count + 1
    second = map_index.for_network(network.pk)
    assert second is not first

    with connection.cursor() as cursor:  # raw SQL, as the LHEO import writes
        cursor.execute("UPDATE offers_offer SET modality = 'remote'")
    assert selectors.map_facets(network=network, filters=everything)["modality"][0].count == count + 1
    third = map_index.for_network(network.pk)

    OfferRelevance.objects.filter(network=network).update(verdict="hidden")  # in bulk
    assert selectors.map_page(network=network, filters=everything).count == 0
    assert map_index.for_network(network.pk) is not third

    fourth = map_index.for_network(network.pk)
    RegisteredOrganisation.objects.update(qualiopi_training=False)  # the register gives the Qualiopi status
    assert map_index.for_network(network.pk) is not fourth

    fifth = map_index.for_network(network.pk)
    network.name = "Un autre nom"  # not a map table
    network.save()
    assert map_index.for_network(network.pk) is fifth


def test_without_a_change_note_nothing_is_cached(network) -> None:  # type: ignore[no-untyped-def]
    MapChange.objects.all().delete()
    assert search.map_token() is None
    assert map_index.for_network(network.pk) is not map_index.for_network(network.pk)
    OfferSession.objects.filter(city="Nantes").delete()  # the next write notes it again
    assert search.map_token() is not None


def test_the_notes_older_than_a_day_are_pruned_but_the_last(network) -> None:  # type: ignore[no-untyped-def]
    old = timezone.now() - dt.timedelta(days=2)
    MapChange.objects.all().delete()
    for txid in (1, 2, 3):
        MapChange.objects.create(txid=txid, at=old)
    assert map_changes_prune() == 2
    assert list(MapChange.objects.values_list("txid", flat=True)) == [3]  # the last one stays, however old
    MapChange.objects.create(txid=4)
    assert map_changes_prune() == 1
    assert list(MapChange.objects.values_list("txid", flat=True)) == [4]
    assert map_changes_prune() == 0


def test_a_large_map_answers_from_its_previous_index_while_one_thread_rebuilds_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The cache's rule alone (no database: the token and the build are stand-ins)."""
    import threading

    tokens = iter([(1,), (2,), (2,), (3,)])
    built: list[object] = []
    release = threading.Event()

    def build(network_id, token):  # type: ignore[no-untyped-def]
        if token == (2,):
            release.wait(5)  # the background rebuild, held until the test lets it go
        index = map_index.MapIndex.__new__(map_index.MapIndex)
        index.token = token
        built.append(token)
        return index

    monkeypatch.setattr(map_index.search, "map_token", lambda: next(tokens))
    monkeypatch.setattr(map_index, "build", build)
    monkeypatch.setattr(map_index, "_indexes", {})
    monkeypatch.setattr(map_index, "SLOW_BUILD", 0.0)  # every build counts as slow
    first = map_index.for_network(1)  # token 1: built at once (nothing to answer with yet)
    assert first.token == (1,)
    assert map_index.for_network(1) is first  # token 2: the previous index answers, a thread rebuilds
    release.set()
    for _ in range(100):
        if map_index._indexes[("default", 1)].token == (2,):
            break
        threading.Event().wait(0.02)
    assert built == [(1,), (2,)]
    monkeypatch.setattr(map_index, "STALE_FOR", 0.0)  # too old to answer: the search waits for the new index
    assert map_index.for_network(1).token == (3,)
