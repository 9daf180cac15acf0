# SPDX-License-Identifier: AGPL-3.0-or-later
"""The gaps (issue 16, point 5): départements × themes, offers within reach, the page, its JSON and its CSV.

A hand-made scenario on three départements and two themes (Formacode 15064, NSF 315): an offer in Ille-et-Vilaine,
one in Loire-Atlantique near the border (43 km from Ille-et-Vilaine's centroid, so within reach at 50 km, not at
40), a remote one (everywhere); hidden, queued, retired offers and another network's are never counted.
"""

import pytest
from django.test import Client
from django.utils import timezone

from coopforma.networks.tests.factories import NetworkFactory
from coopforma.offers import gaps
from coopforma.offers.models import (
    Offer,
    OfferRelevance,
    OfferSession,
    RelevanceDecision,
    RelevanceRules,
    RelevanceVerdict,
)
from coopforma.offers.territories import departement_by_code, departements, distance_km
from coopforma.offers.tests.network_factories import feed_offer

pytestmark = pytest.mark.django_db

FORMACODE, NSF = 0, 1


def offer(network, *, verdict=RelevanceVerdict.SHOWN, decision="", sessions=(), **fields) -> Offer:  # type: ignore[no-untyped-def]
    created = feed_offer(**fields)
    OfferRelevance.objects.create(
        network=network, offer=created, score=80, verdict=verdict, decision=decision, scored_at=timezone.now()
    )
    for place in sessions:
        OfferSession.objects.create(offer=created, **place)
    return created


@pytest.fixture
def scenario():  # type: ignore[no-untyped-def]
    network = NetworkFactory(slug="coop", name="Réseau coop")
    RelevanceRules.objects.create(network=network, formacodes=["15064"], nsf_codes=["315"])
    offer(network, title="Coopérer en Ille-et-Vilaine", formacodes=["15064"], sessions=[{"department": "35"}])
    offer(
        network,
        title="Gouvernance partagée à Soulvache",
        nsf_codes=["315"],
        sessions=[{"department": "44", "city": "Soulvache", "latitude": 47.83, "longitude": -1.47}],
    )
    offer(network, title="MOOC de la coopération", formacodes=["15064"], modality="remote")
    # Never counted: hidden by the rules, waiting in the queue, retired from its source, another network's.
    marseille = [{"department": "13", "latitude": 43.3, "longitude": 5.37}]
    offer(network, title="Écartée", nsf_codes=["315"], verdict=RelevanceVerdict.HIDDEN, sessions=marseille)
    offer(network, title="À examiner", nsf_codes=["315"], verdict=RelevanceVerdict.QUEUE, sessions=marseille)
    offer(network, title="Rejetée", nsf_codes=["315"], decision=RelevanceDecision.REJECT, sessions=marseille)
    offer(network, title="Retirée", nsf_codes=["315"], status="retired", sessions=marseille)
    other = NetworkFactory(slug="autre")
    offer(other, title="D'un autre réseau", nsf_codes=["315"], sessions=marseille)
    return network


def cells(table: gaps.Gaps) -> dict[str, list[int]]:
    return {row.departement.code: row.counts for row in table.rows()}


def test_the_datasets_cover_every_departement_with_a_centroid_inside_france():
    codes = [d.code for d in departements()]
    assert len(codes) == 101 and {"2A", "2B", "971", "976"} <= set(codes) and "20" not in codes
    rennes = departement_by_code()["35"]
    assert rennes.region_name == "Bretagne" and distance_km(48.11, -1.68, rennes.lat, rennes.lon) < 30


def test_offers_within_reach_by_place_distance_and_remote(scenario):
    table = gaps.network_gaps(network=scenario)
    assert [t.label for t in table.themes] == [
        "Formacode 15064",
        "NSF 315 — Ressources humaines, gestion du personnel, gestion de l'emploi",
    ]
    grid = cells(table)
    assert grid["35"] == [2, 1]  # its own offer and the remote one; the Loire-Atlantique one by distance
    assert grid["44"] == [1, 1]
    assert grid["13"] == [1, 0]  # only the remote offer: nothing of Marseille's counts
    assert table.offers == 3
    row_13 = next(r for r in table.rows() if r.departement.code == "13")
    assert row_13.gaps == 1


def test_the_distance_is_a_parameter(scenario):
    assert cells(gaps.network_gaps(network=scenario, km=40))["35"] == [2, 0]  # 43 km away: out of reach
    assert gaps.parse_km(None) == 50 and gaps.parse_km("120") == 120
    for bad in ("loin", "-3", "9999"):
        with pytest.raises(ValueError):
            gaps.parse_km(bad)


def test_a_kept_offer_counts_and_a_network_without_codes_has_one_theme(scenario):
    offer(
        scenario,
        title="Gardée",
        nsf_codes=["315"],
        verdict=RelevanceVerdict.QUEUE,
        decision=RelevanceDecision.KEEP,
        sessions=[{"department": "13"}],
    )
    assert cells(gaps.network_gaps(network=scenario))["13"] == [1, 1]
    bare = NetworkFactory(slug="sans-regles")
    offer(bare, title="Partout", modality="remote")
    table = gaps.network_gaps(network=bare)
    assert [t.label for t in table.themes] == ["Toutes les offres du réseau"]
    assert all(row.counts == [1] for row in table.rows())


def test_the_query_count_does_not_grow_with_the_offers(scenario, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        gaps.network_gaps(network=scenario)
    for n in range(20):
        offer(scenario, title=f"Encore {n}", nsf_codes=["315"], sessions=[{"department": "13"}, {"department": "22"}])
    with django_assert_max_num_queries(3):
        assert cells(gaps.network_gaps(network=scenario))["13"] == [1, 20]


def test_the_page_the_json_and_the_home_link(scenario):
    client = Client()
    page = client.get("/reseaux/coop/lacunes/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ille-et-Vilaine" in html and 'class="gap"' in html and "Bretagne" in html
    assert 'data-gaps-url="/reseaux/coop/lacunes.json?km=50"' in html and 'role="region"' in html
    data = client.get("/reseaux/coop/lacunes.json?km=40").json()
    by_code = {d["code"]: d for d in data["departements"]}
    assert data["km"] == 40 and by_code["35"]["gaps"] == 1 and by_code["13"]["gaps"] == 1
    assert by_code["01"]["gaps"] == 1 and by_code["01"]["offers"] == 1  # the remote offer only
    assert "/reseaux/coop/lacunes/" in client.get("/reseaux/coop/").content.decode()


def test_a_bad_distance_is_explained_in_french_and_a_hidden_network_is_404(scenario):
    client = Client()
    page = client.get("/reseaux/coop/lacunes/?km=loin")
    assert page.status_code == 400
    assert "La distance « loin » n&#x27;est pas un nombre entier de kilomètres." in page.content.decode()
    assert client.get("/reseaux/coop/lacunes.json?km=-1").json() == {
        "error": "La distance doit être comprise entre 0 et 500 km."
    }
    assert client.get("/reseaux/coop/lacunes.csv?km=x").status_code == 400
    scenario.is_public = False
    scenario.save()
    for url in ("/reseaux/coop/lacunes/", "/reseaux/coop/lacunes.json", "/reseaux/coop/lacunes.csv"):
        assert client.get(url).status_code == 404


def test_the_csv_export(scenario):
    response = Client().get("/reseaux/coop/lacunes.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="lacunes-coop-50km.csv"' in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffCode du département;Département;Région;Thème;Offres à portée;Lacune\r\n")
    lines = text.lstrip("\ufeff").split("\r\n")
    assert len(lines) == 1 + 101 * 2 + 1  # header, two themes per département, the final line break
    assert "35;Ille-et-Vilaine;Bretagne;Formacode 15064;2;non" in lines
    assert (
        "13;Bouches-du-Rhône;Provence-Alpes-Côte d'Azur;"
        "NSF 315 — Ressources humaines, gestion du personnel, gestion de l'emploi;0;oui"
    ) in lines
