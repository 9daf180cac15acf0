# SPDX-License-Identifier: AGPL-3.0-or-later
"""The network map's public API: the offers (paginated, with provider, sessions, places, provenance), the aggregates
in the exact shape the map reads, the GeoJSON points; bad filters are 422 naming the parameter, never 500."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopforma.networks.tests.factories import NetworkFactory
from coopforma.offers.models import OfferStatus, RelevanceVerdict
from coopforma.offers.tests.map_factories import shown_offer

pytestmark = pytest.mark.django_db

LIST, AGGREGATES, GEOJSON = (
    "/api/v1/network/offers",
    "/api/v1/network/offers/aggregates",
    "/api/v1/network/offers.geojson",
)
SIRET = "73282932000074"


@pytest.fixture
def network():
    network = NetworkFactory(slug="coop-ouest")
    shown_offer(network, title="Créer une coopérative", where="35238", provider_name="Scop Ouest", provider_siret=SIRET)
    shown_offer(network, title="Coopération et territoires", where="35360", sessions=2)
    shown_offer(network, title="Gouvernance partagée", where="69123", modality="remote", cpf_eligible=True)
    shown_offer(network, title="Coopérative cachée", verdict=RelevanceVerdict.HIDDEN)
    shown_offer(network, title="Coopérative retirée", status=OfferStatus.RETIRED)
    shown_offer(NetworkFactory(), title="Coopérative d'ailleurs", where="35238")
    return network


def test_the_offers_with_provider_sessions_places_and_provenance(client, network):
    body = client.get(LIST, {"network": "coop-ouest", "q": "cooperatives"}).json()
    assert body["count"] == 2 and body["page"] == 1 and body["pages"] == 1
    first = body["items"][0]
    assert first["title"] == "Coopération et territoires"
    offer = next(o for o in body["items"] if o["title"] == "Créer une coopérative")
    assert offer["provider_name"] == "Scop Ouest" and offer["provider_siret"] == SIRET
    assert offer["source"] == "Flux de test" and offer["source_kind"] == "lheo"
    assert offer["qualiopi"] == "unknown"
    assert offer["url"].endswith(f"/reseaux/coop-ouest/offres/{offer['id']}/")
    session = offer["sessions"][0]
    assert session["start"] == "2027-03-01"
    assert session["place"]["commune"] == "Rennes" and session["place"]["insee"] == "35238"
    assert session["place"]["departement"] == "35" and session["place"]["latitude"] == pytest.approx(48.11, abs=0.01)
    assert len(first["sessions"]) == 2


def test_filters_and_near(client, network):
    def titles(**params):
        body = client.get(LIST, {"network": "coop-ouest", **params}).json()
        return {o["title"] for o in body["items"]}

    assert titles() == {"Créer une coopérative", "Coopération et territoires", "Gouvernance partagée"}
    assert titles(departement="69") == {"Gouvernance partagée"}
    assert titles(region="53", modality="remote") == set()
    assert titles(cpf="oui") == {"Gouvernance partagée"}
    assert titles(near="35000", km="10") == {"Créer une coopérative"}
    assert titles(near="Rennes", km="50") == {"Créer une coopérative", "Coopération et territoires"}
    assert titles(**{"from": "2027-03-02", "to": "2027-03-02"}) == {
        "Créer une coopérative",
        "Coopération et territoires",
        "Gouvernance partagée",
    }


def test_the_aggregates_have_exactly_the_shape_the_map_reads(client, network):
    body = client.get(AGGREGATES, {"network": "coop-ouest"}).json()
    assert set(body) == {"total", "departements", "regions", "points"}
    assert body["total"] == 3
    assert body["departements"] == [
        {"code": "35", "name": "Ille-et-Vilaine", "offers": 2},
        {"code": "69", "name": "Rhône", "offers": 1},
    ]
    assert body["regions"] == [
        {"code": "53", "name": "Bretagne", "offers": 2},
        {"code": "84", "name": "Auvergne-Rhône-Alpes", "offers": 1},
    ]
    assert len(body["points"]) == 3
    for point in body["points"]:
        assert set(point) == {"lat", "lon", "offers", "label"}
        assert isinstance(point["lat"], float) and isinstance(point["offers"], int)
    rennes = next(p for p in body["points"] if p["label"] == "Rennes")
    assert rennes == {"lat": pytest.approx(48.11), "lon": pytest.approx(-1.67), "offers": 1, "label": "Rennes"}
    assert client.get(AGGREGATES, {"network": "coop-ouest", "q": "gouvernance"}).json()["total"] == 1


def test_the_geojson_points(client, network):
    response = client.get(GEOJSON, {"network": "coop-ouest", "region": "53"})
    assert response["Content-Type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 3  # two sessions at Vitré, one at Rennes
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "Point" and len(feature["geometry"]["coordinates"]) == 2
    assert {"offer", "title", "url"} <= set(feature["properties"])
    assert all("ailleurs" not in f["properties"]["title"] for f in body["features"])


def test_pagination_and_an_unknown_network(client, network):
    for n in range(25):
        shown_offer(network, title=f"Zeste {n:02d}")
    body = client.get(LIST, {"network": "coop-ouest", "page": "2"}).json()
    assert body["count"] == 28 and body["pages"] == 2 and len(body["items"]) == 8
    assert client.get(LIST, {"network": "nulle-part"}).status_code == 404
    assert client.get(LIST).status_code == 422


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"departement": "ZZ"}, "departement"),
        ({"near": "Atlantide"}, "near"),
        ({"km": "0"}, "km"),
        ({"from": "demain"}, "from"),
        ({"cpf": "peut-être"}, "cpf"),
        ({"page": "-1"}, "page"),
    ],
)
def test_a_bad_filter_is_a_422_naming_it_in_french(client, network, params, field):
    for url in (LIST, AGGREGATES, GEOJSON):
        response = client.get(url, {"network": "coop-ouest", **params})
        assert response.status_code == 422, url
        errors = response.json()["errors"]
        assert any(field in str(e) for e in errors), errors
        assert "«" in str(errors)


NAMES = ["q", "region", "departement", "modality", "certifying", "cpf", "qualiopi", "mode", "from", "to", "near",
         "km", "page"]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.dictionaries(
        st.sampled_from(NAMES),
        st.text(alphabet=string.printable + "éàçœ«»’\x00", max_size=30)
        | st.sampled_from(["35", "53", "2A", "oui", "non", "2027-01-01", "Rennes", "5", "-1", "9" * 30]),
        max_size=5,
    )
)
def test_no_query_string_makes_a_500(client, network, params):
    for url in (LIST, AGGREGATES):
        response = client.get(url, {"network": "coop-ouest", **params})
        assert response.status_code in (200, 422), (params, response.content[:300])
