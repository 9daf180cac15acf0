# SPDX-License-Identifier: AGPL-3.0-or-later
"""The référentiel competencies an offer aims at, shown publicly (issue 16): on the offer's page of the map (code and
label, linked to the map filtered by that competency) and in the API's offers (`competencies`), read as the map's
filter reads them — a member catalogue's offer through its training's objectives, any other through its links not
removed — in a constant number of queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coopforma.offers import filters as map_filters
from coopforma.offers import relevance, selectors
from coopforma.offers.models import CompetencyOrigin, OfferCompetency, OfferRelevance
from coopforma.offers.tests.map_factories import shown_offer
from coopforma.offers.tests.network_factories import feed_offer
from coopforma.offers.tests.test_map_competency import _member_offer
from coopforma.referentiel.models import ObjectiveCompetency
from coopforma.referentiel.tests.setup import competency, world

pytestmark = pytest.mark.django_db

TENSIONS = "Prévenir et réguler les tensions dans un collectif de travail"


@pytest.fixture
def scene():
    w = world()
    ours = w["our_network"]
    ObjectiveCompetency.objects.create(
        training=w["training"], objective=1, competency=competency(w["version"], "M1-C4")
    )
    member = _member_offer(ours, w["training"], "Coopérer sur un territoire")
    feed = feed_offer(title="Réguler les tensions", summary=TENSIONS)
    relevance.score_offers(ours, [member.pk, feed.pk])
    OfferRelevance.objects.filter(network=ours).update(decision="keep")
    return {**w, "member": member, "feed": feed}


def _label(scene, code):
    return competency(scene["version"], code).label


def test_the_offer_page_lists_its_competencies_linked_to_the_filtered_map(scene):
    ours = scene["our_network"]
    body = Client().get(f"/reseaux/{ours.slug}/offres/{scene['feed'].pk}/").content.decode()
    assert "Compétences du référentiel visées" in body
    assert f'href="/reseaux/{ours.slug}/carte/?competency=M1-C4"' in body
    assert f"M1-C4 {_label(scene, 'M1-C4')}" in body
    member = Client().get(f"/reseaux/{ours.slug}/offres/{scene['member'].pk}/").content.decode()
    assert f'href="/reseaux/{ours.slug}/carte/?competency=M1-C4"' in member  # through its training's objectives
    # The filtered map the link leads to finds the offer.
    assert "Réguler les tensions" in Client().get(f"/reseaux/{ours.slug}/carte/?competency=M1-C4").content.decode()


def test_a_removed_link_another_networks_link_and_an_unlinked_offer_show_nothing(scene):
    ours, theirs = scene["our_network"], scene["their_network"]
    OfferCompetency.objects.filter(offer=scene["feed"]).update(removed=True, origin=CompetencyOrigin.CONFIRMED)
    OfferCompetency.objects.create(
        network=theirs,
        offer=scene["feed"],
        competency_key=competency(scene["other_version"], "M1-C1").key,
        origin=CompetencyOrigin.CONFIRMED,
    )
    body = Client().get(f"/reseaux/{ours.slug}/offres/{scene['feed'].pk}/").content.decode()
    assert "Compétences du référentiel visées" not in body
    bare = shown_offer(ours, title="Comptabilité", summary="Lire un bilan")
    assert selectors.offers_competencies(network=ours, offers=[bare]) == {bare.pk: []}
    assert selectors.offers_competencies(network=ours, offers=[]) == {}


def test_the_api_gives_each_offer_its_competencies(scene):
    ours = scene["our_network"]
    key = competency(scene["version"], "M2-C1").key
    OfferCompetency.objects.create(
        network=ours, offer=scene["feed"], competency_key=key, origin=CompetencyOrigin.PARTNER
    )
    response = Client().get("/api/v1/network/offers", {"network": ours.slug})
    assert response.status_code == 200
    items = {item["title"]: item["competencies"] for item in response.json()["items"]}
    assert items["Coopérer sur un territoire"] == [{"code": "M1-C4", "label": _label(scene, "M1-C4")}]
    codes = [c["code"] for c in items["Réguler les tensions"]]
    assert "M1-C4" in codes and "M2-C1" in codes
    assert codes.index("M1-C4") < codes.index("M2-C1")  # the référentiel's order
    assert all(c["label"] == _label(scene, c["code"]) for c in items["Réguler les tensions"])


def _offers(scene, n: int) -> None:
    """`n` shown offers: the member catalogue's one and n - 1 others, each with a link to a competency."""
    ours = scene["our_network"]
    key = competency(scene["version"], "M1-C2").key
    for i in range(n - 2):
        offer = shown_offer(ours, title=f"Tensions {i}", decision="keep")
        OfferCompetency.objects.create(network=ours, offer=offer, competency_key=key, origin=CompetencyOrigin.PARTNER)


@pytest.mark.parametrize("n", [2, 10])
def test_the_api_lists_the_competencies_in_a_constant_number_of_queries(scene, n, django_assert_num_queries):
    """Four queries for the competencies of a page (the version, its competencies, the member trainings, the other
    offers' links), on top of the search's own (`map_page`, counted here so that its changes do not matter)."""
    _offers(scene, n)
    ours = scene["our_network"]
    selectors.map_page(network=ours, filters=map_filters.MapFilters())  # the map index built (once per change)
    with CaptureQueriesContext(connection) as search:
        page = selectors.map_page(network=ours, filters=map_filters.MapFilters())
    with django_assert_num_queries(4):
        found = selectors.offers_competencies(network=ours, offers=page.offers)
    assert len(found) == n and all(found.values())
    client = Client()
    with django_assert_num_queries(1 + len(search.captured_queries) + 4):  # the network, the search, competencies
        response = client.get("/api/v1/network/offers", {"network": ours.slug})
    items = response.json()["items"]
    assert len(items) == n
    assert all(item["competencies"] for item in items)
