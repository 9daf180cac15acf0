# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public map's search: French full text (accents, stemming) on both engines, each facet, « within N km »,
what is never shown (hidden, refused, retired, another network's), pagination, a constant number of queries."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from coopforma.networks.tests.factories import NetworkFactory
from coopforma.offers import filters, geo, search, selectors
from coopforma.offers.models import OfferStatus, RelevanceDecision, RelevanceVerdict
from coopforma.offers.tests.map_factories import shown_offer
from coopforma.registry.models import RegisteredOrganisation, RegistryImport

pytestmark = pytest.mark.django_db

SIRET = "73282932000074"


def found(network, **params):
    return {o.title for o in selectors.map_offers(network=network, filters=filters.parse(params))}


def test_french_words_match_whatever_the_accents_and_the_endings():
    network = NetworkFactory()
    shown_offer(network, title="Créer une coopérative", summary="Les statuts d'une Scop")
    shown_offer(network, title="La Coopération entre pairs")
    shown_offer(network, title="Excel niveau 2", provider_name="Bureautique Conseil")
    assert found(network, q="coopératives") == {"Créer une coopérative", "La Coopération entre pairs"}
    assert found(network, q="cooperation") == {"Créer une coopérative", "La Coopération entre pairs"}
    assert found(network, q="COOPERATIVE statuts") == {"Créer une coopérative"}
    assert found(network, q="bureautique") == {"Excel niveau 2"}  # the provider's name
    assert found(network, q="rennes") == {"Créer une coopérative", "La Coopération entre pairs", "Excel niveau 2"}
    assert found(network, q="coop") == {"Créer une coopérative", "La Coopération entre pairs"}  # a word's start
    assert found(network, q="jardinage") == set()
    assert len(found(network, q="  ' & | \" * ( ")) == 3  # no word: no filter, no error


def test_the_index_follows_an_update():
    network = NetworkFactory()
    offer = shown_offer(network, title="Comptabilité")
    offer.title = "Gouvernance partagée"
    offer.save()
    search.index_offers([offer.pk])
    assert found(network, q="gouvernance") == {"Gouvernance partagée"}
    assert found(network, q="comptabilite") == set()


def test_hidden_refused_retired_and_other_networks_offers_never_appear():
    network, other = NetworkFactory(), NetworkFactory()
    shown_offer(network, title="Coopérative visible")
    shown_offer(network, title="Coopérative écartée", verdict=RelevanceVerdict.HIDDEN)
    shown_offer(network, title="Coopérative en examen", verdict=RelevanceVerdict.QUEUE)
    shown_offer(network, title="Coopérative rejetée", decision=RelevanceDecision.REJECT)
    shown_offer(network, title="Coopérative gardée", verdict=RelevanceVerdict.QUEUE, decision=RelevanceDecision.KEEP)
    shown_offer(network, title="Coopérative retirée", status=OfferStatus.RETIRED)
    shown_offer(network, title="Coopérative refusée", status=OfferStatus.REFUSED)
    shown_offer(other, title="Coopérative d'un autre réseau")
    expected = {"Coopérative visible", "Coopérative gardée"}
    assert found(network) == expected
    assert found(network, q="cooperative") == expected
    aggregates = selectors.map_aggregates(network=network, filters=filters.parse({}))
    assert aggregates["total"] == 2
    assert aggregates["departements"] == [{"code": "35", "name": "Ille-et-Vilaine", "offers": 2}]


def test_each_facet_filters_and_counts_with_the_other_filters():
    network = NetworkFactory()
    RegisteredOrganisation.objects.create(
        nda="53350000035",
        name="Scop Formation",
        search_name=" scop formation",
        siren=SIRET[:9],
        siret=SIRET,
        qualiopi_training=True,
        content_hash="x",
        imported=RegistryImport.objects.create(source="test", started_at=timezone.now()),
    )
    shown_offer(
        network,
        title="A Rennes",
        where="35238",
        modality="on_site",
        certifying=True,
        cpf_eligible=True,
        provider_siret=SIRET,
    )
    shown_offer(network, title="B Lyon", where="69123", modality="remote", experience_mode="peer_learning")
    shown_offer(network, title="C Vitré", where="35360", modality="on_site", start=dt.date(2027, 9, 1))
    assert found(network, region="53") == {"A Rennes", "C Vitré"}
    assert found(network, departement="69") == {"B Lyon"}
    assert found(network, modality="remote") == {"B Lyon"}
    assert found(network, certifying="oui") == {"A Rennes"}
    assert found(network, certifying="non") == {"B Lyon", "C Vitré"}
    assert found(network, cpf="true") == {"A Rennes"}
    assert found(network, qualiopi="yes") == {"A Rennes"}
    assert found(network, qualiopi="unknown") == {"B Lyon", "C Vitré"}
    assert found(network, mode="peer_learning") == {"B Lyon"}
    assert found(network, **{"from": "2027-06-01"}) == {"C Vitré"}
    assert found(network, to="2027-06-01") == {"A Rennes", "B Lyon"}
    assert found(network, **{"from": "2027-03-02", "to": "2027-03-02"}) == {"A Rennes", "B Lyon"}

    facets = selectors.map_facets(network=network, filters=filters.parse({"region": "53", "modality": "on_site"}))
    # A facet counts with the other filters, not its own choice.
    assert [(v.label, v.count, v.selected) for v in facets["region"]] == [("Bretagne", 2, True)]
    assert [(v.value, v.count) for v in facets["modality"]] == [("on_site", 2)]
    unfiltered = selectors.map_facets(network=network, filters=filters.parse({}))
    assert {v.label: v.count for v in unfiltered["region"]} == {"Auvergne-Rhône-Alpes": 1, "Bretagne": 2}
    assert {v.value: v.count for v in unfiltered["departement"]} == {"35": 2, "69": 1}
    assert {v.value: v.count for v in unfiltered["modality"]} == {"on_site": 2, "remote": 1}
    assert {v.value: v.count for v in unfiltered["certifying"]} == {"oui": 1, "non": 2}
    assert {v.value: v.count for v in unfiltered["qualiopi"]} == {"yes": 1, "unknown": 2}
    assert {v.value: v.count for v in unfiltered["mode"]} == {"peer_learning": 1}
    page = selectors.map_page(network=network, filters=filters.parse({}))
    assert sorted(page.qualiopi.values()) == ["unknown", "unknown", "yes"]


def test_within_n_km_of_a_commune_typed_by_name_or_postal_code():
    network = NetworkFactory()
    shown_offer(network, title="Rennes", where="35238")
    shown_offer(network, title="Vitré", where="35360")  # ~35 km east of Rennes
    shown_offer(network, title="Saint-Malo", where="35288")  # ~65 km north
    shown_offer(network, title="Lyon", where="69123")
    assert found(network, near="Rennes", km="10") == {"Rennes"}
    assert found(network, near="35000", km="50") == {"Rennes", "Vitré"}
    assert found(network, near="rennes (35000)", km="80") == {"Rennes", "Vitré", "Saint-Malo"}
    assert found(network, near="Vitre", km="10") == {"Vitré"}
    assert found(network, near="69123", km="5") == {"Lyon"}


def test_geo_lookup_and_distance():
    assert geo.find_commune("Saint-Étienne").insee == "42218"
    assert geo.find_commune("st etienne").insee == "42218"
    assert geo.find_commune("35400").name == "Saint-Malo"
    assert geo.find_commune("nulle part") is None
    assert geo.departement_name("35") == "Ille-et-Vilaine"
    assert geo.region_name("53") == "Bretagne"
    rennes, lyon = geo.commune_by_insee("35238"), geo.commune_by_insee("69123")
    assert 550 < geo.distance_km(rennes.lat, rennes.lon, lyon.lat, lyon.lon) < 600


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "99"}, "region"),
        ({"departement": "ZZ"}, "departement"),
        ({"modality": "teleportation"}, "modality"),
        ({"certifying": "peut-être"}, "certifying"),
        ({"cpf": "2"}, "cpf"),
        ({"qualiopi": "oui-oui"}, "qualiopi"),
        ({"mode": "x"}, "mode"),
        ({"from": "2027-13-01"}, "from"),
        ({"from": "2027-06-01", "to": "2027-05-01"}, "to"),
        ({"near": "Atlantide"}, "near"),
        ({"near": "Rennes", "km": "-3"}, "km"),
        ({"km": "100000"}, "km"),
        ({"page": "0"}, "page"),
        ({"q": "x" * 300}, "q"),
    ],
)
def test_bad_filters_say_which_one_in_french(params, field):
    with pytest.raises(ValidationError) as caught:
        filters.parse(params)
    assert field in caught.value.message_dict
    assert "«" in caught.value.message_dict[field][0]


def test_pagination_twenty_a_page():
    network = NetworkFactory()
    for n in range(45):
        shown_offer(network, title=f"Coopérative {n:02d}")
    first = selectors.map_page(network=network, filters=filters.parse({}))
    assert (first.count, first.pages, len(first.offers)) == (45, 3, 20)
    last = selectors.map_page(network=network, filters=filters.parse({"page": "3"}))
    assert [o.title for o in last.offers] == [f"Coopérative {n}" for n in range(40, 45)]
    beyond = selectors.map_page(network=network, filters=filters.parse({"page": "9"}))
    assert beyond.page == 3


@pytest.mark.parametrize("how_many", [1, 30])
def test_the_map_page_takes_a_constant_number_of_queries(client, django_assert_max_num_queries, how_many):
    network = NetworkFactory()
    for n in range(how_many):
        shown_offer(network, title=f"Coopérative {n}", sessions=2, provider_siret=SIRET)
    url = reverse("offers:map", kwargs={"network": network.slug})
    with django_assert_max_num_queries(16):
        response = client.get(url, {"q": "cooperative", "region": "53", "near": "Rennes", "km": "20"})
    assert response.status_code == 200
    assert f"{how_many} offre" in response.content.decode()
