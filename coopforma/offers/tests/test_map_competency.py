# SPDX-License-Identifier: AGPL-3.0-or-later
"""The map filtered by a competency of the network's référentiel (issue 20, point 4): the member trainings whose
objectives aim at it, as their offers on the map; a facet with the counts; another network's links never count."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.offers import filters as map_filters
from coopforma.offers import search, selectors
from coopforma.offers.models import Offer, OfferRelevance, OfferSource, RelevanceVerdict, SourceKind
from coopforma.referentiel.models import ObjectiveCompetency
from coopforma.referentiel.tests.setup import competency, world

pytestmark = pytest.mark.django_db


def _member_offer(network, training, title: str) -> Offer:
    """The offer the member catalogues' sync writes for `training`, shown by `network`."""
    source, _created = OfferSource.objects.get_or_create(
        name="catalogues-membres", defaults={"label": "Catalogues des membres", "kind": SourceKind.MEMBER_CATALOGUE}
    )
    offer, _created = Offer.objects.get_or_create(
        source=source,
        external_id=f"{training.organisation.slug}/{training.pk}",
        defaults={"title": title, "status": "active"},
    )
    OfferRelevance.objects.update_or_create(
        network=network,
        offer=offer,
        defaults={"score": 90, "verdict": RelevanceVerdict.SHOWN, "decision": "", "scored_at": timezone.now()},
    )
    search.index_offers([offer.pk])
    return offer


@pytest.fixture
def scene():
    w = world()
    ours, theirs = w["our_network"], w["their_network"]
    ObjectiveCompetency.objects.create(
        training=w["training"], objective=1, competency=competency(w["version"], "M1-C4")
    )
    other_training = TrainingFactory(
        organisation=w["org"], title="Comptabilité d'une Scop", objectives=["Lire un bilan"]
    )
    their_training = TrainingFactory(organisation=w["other_org"], title="Tensions au travail", objectives=["Réguler"])
    # Linked in the other network's référentiel only (and its organisation is not a member of ours).
    ObjectiveCompetency.objects.create(
        training=their_training, objective=0, competency=competency(w["other_version"], "M1-C4")
    )
    return {
        **w,
        "aimed": _member_offer(ours, w["training"], "Coopérer sur un territoire"),
        "other": _member_offer(ours, other_training, "Comptabilité d'une Scop"),
        "theirs": _member_offer(ours, their_training, "Tensions au travail"),  # shown by us, not linked by us
        "their_own": _member_offer(theirs, their_training, "Tensions au travail"),  # and by the other network
    }


def test_the_filter_keeps_the_member_trainings_aiming_at_the_competency(scene):
    filters = map_filters.parse({"competency": "M1-C4"})
    found = set(selectors.map_offers(network=scene["our_network"], filters=filters))
    assert found == {scene["aimed"]}
    nothing = map_filters.parse({"competency": "M9-C9"})  # no such competency: nothing, not everything
    assert not selectors.map_offers(network=scene["our_network"], filters=nothing).exists()


def test_the_facet_counts_the_offers_per_competency_under_the_other_filters(scene):
    facets = selectors.map_facets(network=scene["our_network"], filters=map_filters.MapFilters())
    assert [(v.value, v.count) for v in facets["competency"]] == [("M1-C4", 1)]
    assert facets["competency"][0].label.startswith("M1-C4 ")
    narrowed = selectors.map_facets(network=scene["our_network"], filters=map_filters.parse({"q": "comptabilité"}))
    assert narrowed["competency"] == []


def test_a_bad_code_is_refused_with_its_name():
    with pytest.raises(ValidationError) as exc:
        map_filters.parse({"competency": "../M1"})
    assert "competency" in exc.value.message_dict


def test_the_page_and_the_api_filter_by_competency(scene):
    slug = scene["our_network"].slug
    page = Client().get(f"/reseaux/{slug}/carte/", {"competency": "M1-C4"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Coopérer sur un territoire" in body and "Comptabilité d&#x27;une Scop" not in body
    assert "Compétence du référentiel" in body
    api = Client().get("/api/v1/network/offers", {"network": slug, "competency": "M1-C4"})
    assert api.status_code == 200 and [o["title"] for o in api.json()["items"]] == ["Coopérer sur un territoire"]


def test_the_gaps_by_competency_of_the_referentiel(scene):
    from coopforma.offers import gaps
    from coopforma.offers.models import OfferSession

    OfferSession.objects.create(offer=scene["aimed"], department="35", latitude=48.11, longitude=-1.68)
    OfferSession.objects.create(offer=scene["theirs"], department="13", latitude=43.3, longitude=5.37)
    table = gaps.network_gaps(network=scene["our_network"], km=50, by_competency=True)
    codes = [theme.code for theme in table.themes]
    assert "M1-C4" in codes and all(theme.kind == "competency" for theme in table.themes)
    column = codes.index("M1-C4")
    counts = {row.departement.code: row.counts for row in table.rows()}
    assert counts["35"][column] == 1 and counts["13"][column] == 0  # theirs is linked in the other network only
    assert sum(counts["35"]) == 1  # no other competency is aimed at by a member training
    slug = scene["our_network"].slug
    page = Client().get(f"/reseaux/{slug}/lacunes/", {"par": "competences"})
    assert page.status_code == 200 and "M1-C4" in page.content.decode()
    csv = Client().get(f"/reseaux/{slug}/lacunes.csv", {"par": "competences"}).content.decode("utf-8-sig")
    assert "M1-C4" in csv
