# SPDX-License-Identifier: AGPL-3.0-or-later
"""The competencies of the offers outside the member catalogues (issue 16): suggested from their text when they
are scored, corrected by the moderators (confirmed, added, removed: never suggested again), and used with the
member catalogues' exact links by the map's filter and facet, the gaps by competency and the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coopforma.networks.access import actor_for
from coopforma.offers import competencies, gaps, relevance, selectors, services
from coopforma.offers import filters as map_filters
from coopforma.offers.models import CompetencyOrigin, OfferCompetency, OfferRelevance, OfferSession
from coopforma.offers.tests.map_factories import shown_offer
from coopforma.offers.tests.network_factories import feed_offer
from coopforma.offers.tests.test_map_competency import _member_offer
from coopforma.referentiel.models import ObjectiveCompetency
from coopforma.referentiel.tests.setup import client_for, competency, world

pytestmark = pytest.mark.django_db

TENSIONS = "Prévenir et réguler les tensions dans un collectif de travail"


def _key(version, code):
    return competency(version, code).key


@pytest.fixture
def scene():
    w = world()
    ours = w["our_network"]
    ObjectiveCompetency.objects.create(
        training=w["training"], objective=1, competency=competency(w["version"], "M1-C4")
    )
    member = _member_offer(ours, w["training"], "Coopérer sur un territoire")
    feed = feed_offer(title="Réguler les tensions", summary=TENSIONS)
    other = feed_offer(title="Comptabilité d'une Scop", summary="Lire un bilan et un compte de résultat")
    relevance.score_offers(ours, [member.pk, feed.pk, other.pk])
    OfferRelevance.objects.filter(network=ours).update(decision="keep")  # kept: shown after every rescoring
    return {**w, "member": member, "feed": feed, "other": other}


def test_scoring_suggests_competencies_from_the_text_of_outside_offers_only(scene):
    links = OfferCompetency.objects.filter(network=scene["our_network"])
    assert {(link.offer_id, link.competency_key) for link in links if link.offer_id == scene["feed"].pk} >= {
        (scene["feed"].pk, _key(scene["version"], "M1-C4"))
    }
    assert all(link.origin == CompetencyOrigin.SUGGESTED for link in links)
    assert not links.filter(offer=scene["member"]).exists()  # its training's objectives link it exactly
    assert not links.filter(offer=scene["other"], competency_key=_key(scene["version"], "M1-C4")).exists()
    # Nothing in the other network (scored by ours only), nothing for a network without a published référentiel.
    assert not OfferCompetency.objects.filter(network=scene["their_network"]).exists()


def test_the_filter_the_facet_and_the_api_count_every_kind_of_offer(scene):
    ours = scene["our_network"]
    found = set(selectors.map_offers(network=ours, filters=map_filters.parse({"competency": "M1-C4"})))
    assert found == {scene["member"], scene["feed"]}
    facet = selectors.map_facets(network=ours, filters=map_filters.MapFilters())["competency"]
    assert ("M1-C4", 2) in [(v.value, v.count) for v in facet]
    api = Client().get("/api/v1/network/offers", {"network": ours.slug, "competency": "M1-C4"})
    assert api.status_code == 200
    assert sorted(o["title"] for o in api.json()["items"]) == ["Coopérer sur un territoire", "Réguler les tensions"]


def test_the_gaps_by_competency_count_the_linked_outside_offers(scene):
    OfferSession.objects.create(offer=scene["feed"], department="13", latitude=43.3, longitude=5.37)
    table = gaps.network_gaps(network=scene["our_network"], km=50, by_competency=True)
    column = [theme.code for theme in table.themes].index("M1-C4")
    counts = {row.departement.code: row.counts for row in table.rows()}
    assert counts["13"][column] == 1


def test_a_moderator_confirms_adds_and_removes_and_rescoring_keeps_the_decisions(scene):
    ours = scene["our_network"]
    actor = actor_for(scene["our_moderator"], ours)
    row = OfferRelevance.objects.get(network=ours, offer=scene["feed"])
    services.offer_competency_set(actor=actor, relevance_id=row.pk, code="M1-C4", action="remove")
    services.offer_competency_set(actor=actor, relevance_id=row.pk, code="M2-C1", action="confirm")
    relevance.score_offers(ours, [scene["feed"].pk])  # the suggestions are refreshed, not the decisions
    removed = OfferCompetency.objects.get(offer=scene["feed"], competency_key=_key(scene["version"], "M1-C4"))
    assert removed.removed and removed.origin == CompetencyOrigin.CONFIRMED
    added = OfferCompetency.objects.get(offer=scene["feed"], competency_key=_key(scene["version"], "M2-C1"))
    assert not added.removed and added.decided_by == scene["our_moderator"]
    found = set(selectors.map_offers(network=ours, filters=map_filters.parse({"competency": "M1-C4"})))
    assert found == {scene["member"]}
    assert set(selectors.map_offers(network=ours, filters=map_filters.parse({"competency": "M2-C1"}))) == {
        scene["feed"]
    }
    with pytest.raises(ValidationError):
        services.offer_competency_set(actor=actor, relevance_id=row.pk, code="M9-C9", action="confirm")
    member_row = OfferRelevance.objects.get(network=ours, offer=scene["member"])
    with pytest.raises(ValidationError):
        services.offer_competency_set(actor=actor, relevance_id=member_row.pk, code="M1-C4", action="confirm")


def test_a_suggestion_follows_the_text_of_the_offer(scene):
    feed = scene["feed"]
    feed.title, feed.summary = "Comptabilité", "Lire un bilan"
    feed.save()
    relevance.score_offers(scene["our_network"], [feed.pk])
    assert not OfferCompetency.objects.filter(offer=feed, competency_key=_key(scene["version"], "M1-C4")).exists()


def test_permissions_another_networks_moderator_gets_404_and_a_member_403(scene):
    ours, theirs = scene["our_network"], scene["their_network"]
    row = OfferRelevance.objects.get(network=ours, offer=scene["feed"])
    with pytest.raises(Http404):
        services.offer_competency_set(
            actor=actor_for(scene["their_moderator"], theirs), relevance_id=row.pk, code="M1-C4", action="remove"
        )
    with pytest.raises(PermissionDenied):
        services.offer_competency_set(
            actor=actor_for(scene["our_member"], ours), relevance_id=row.pk, code="M1-C4", action="remove"
        )
    data = {"code": "M1-C4", "action": "remove"}
    url = f"/reseaux/{ours.slug}/gerer/pertinence/{row.pk}/competences/"
    their_url = f"/reseaux/{theirs.slug}/gerer/pertinence/{row.pk}/competences/"
    assert client_for(scene["their_moderator"]).post(their_url, data).status_code == 404
    assert client_for(scene["our_member"]).post(url, data).status_code == 403
    assert OfferCompetency.objects.filter(removed=True).count() == 0  # refused requests write nothing
    response = client_for(scene["our_moderator"]).post(url, data)
    assert response.status_code == 302
    assert OfferCompetency.objects.get(offer=scene["feed"], competency_key=_key(scene["version"], "M1-C4")).removed


def test_the_relevance_queue_shows_the_suggestions_to_correct(scene):
    ours = scene["our_network"]
    OfferRelevance.objects.filter(network=ours, offer=scene["feed"]).update(verdict="queue", decision="")
    page = client_for(scene["our_moderator"]).get(f"/reseaux/{ours.slug}/gerer/pertinence/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Compétences visées" in body and "M1-C4" in body and "Suggérée d&#x27;après le texte" in body


def test_the_facet_takes_a_constant_number_of_queries(scene):
    ours = scene["our_network"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.map_facets(network=ours, filters=map_filters.MapFilters())
        return len(ctx.captured_queries)

    before = queries()
    for n in range(5):
        shown_offer(ours, title=f"Tensions {n}", summary=TENSIONS)
    relevance.score_offers(ours)
    OfferRelevance.objects.filter(network=ours).update(decision="keep")
    assert OfferCompetency.objects.filter(network=ours).count() >= 6
    assert queries() == before


def test_the_matcher_stems_each_word_once_and_ranks_like_the_referentiel(scene):
    matcher = competencies.Matcher.for_network(scene["our_network"])
    assert matcher is not None
    best = matcher.suggest(TENSIONS)
    assert best and best[0][0] == _key(scene["version"], "M1-C4")
    assert matcher.suggest("") == [] and matcher.suggest("Lire") == []


def test_a_partner_structure_sets_the_competencies_of_its_own_offer(scene):
    from coopforma.accounts.tests.factories import UserFactory
    from coopforma.networks.tests.factories import PartnerFactory
    from coopforma.offers.tests.network_factories import partner_offer

    ours, theirs = scene["our_network"], scene["their_network"]
    partner = PartnerFactory(network=ours)
    manager = UserFactory()
    partner.managers.add(manager)
    offer = partner_offer(partner, status="active", title="Réguler les tensions", summary=TENSIONS)
    relevance.score_offers(ours, [offer.pk])  # suggests M1-C4
    actor = actor_for(manager, ours)
    assert services.partner_offer_competencies_set(actor=actor, offer_id=offer.pk, codes=["M2-C1", "M1-C4"]) == [
        "M1-C4",
        "M2-C1",
    ]
    origins = dict(OfferCompetency.objects.filter(offer=offer).values_list("competency_key", "origin"))
    assert origins[_key(scene["version"], "M1-C4")] == CompetencyOrigin.PARTNER  # the suggestion became the partner's
    assert origins[_key(scene["version"], "M2-C1")] == CompetencyOrigin.PARTNER
    relevance.score_offers(ours, [offer.pk])  # rescoring never touches the partner's links
    assert OfferCompetency.objects.filter(offer=offer, origin=CompetencyOrigin.PARTNER).count() == 2
    services.partner_offer_competencies_set(actor=actor, offer_id=offer.pk, codes=["M2-C1"])
    assert set(selectors.partner_offer_competencies(actor=actor, offer=offer)) == {"M2-C1"}
    with pytest.raises(ValidationError):
        services.partner_offer_competencies_set(actor=actor, offer_id=offer.pk, codes=["M9-C9"])
    # Another structure's manager or a member: 403; another network's moderator with our ids: 404.
    with pytest.raises(PermissionDenied):
        services.partner_offer_competencies_set(
            actor=actor_for(scene["our_member"], ours), offer_id=offer.pk, codes=["M1-C1"]
        )
    with pytest.raises(Http404):
        services.partner_offer_competencies_set(
            actor=actor_for(scene["their_moderator"], theirs), offer_id=offer.pk, codes=["M1-C1"]
        )
    url = f"/reseaux/{ours.slug}/gerer/offres/{offer.pk}/competences/"
    assert (
        client_for(scene["their_moderator"])
        .post(f"/reseaux/{theirs.slug}/gerer/offres/{offer.pk}/competences/", {"code": "M1-C1"})
        .status_code
        == 404
    )
    assert client_for(scene["our_member"]).post(url, {"code": "M1-C1"}).status_code in (403, 404)
    assert set(selectors.partner_offer_competencies(actor=actor, offer=offer)) == {"M2-C1"}  # nothing written
    page = client_for(manager).get(f"/reseaux/{ours.slug}/gerer/offres/{offer.pk}/")
    assert page.status_code == 200 and "Compétences du référentiel visées" in page.content.decode()
    assert client_for(manager).post(url, {"code": ["M1-C1"]}).status_code == 302
    assert set(selectors.partner_offer_competencies(actor=actor, offer=offer)) == {"M1-C1"}


def test_the_offer_page_lets_the_moderators_correct_the_links(scene):
    ours = scene["our_network"]
    url = f"/reseaux/{ours.slug}/offres/{scene['feed'].pk}/"
    assert "Compétences visées (modération)" not in Client().get(url).content.decode()
    assert "Compétences visées (modération)" not in client_for(scene["our_member"]).get(url).content.decode()
    moderator = client_for(scene["our_moderator"])
    body = moderator.get(url).content.decode()
    assert "Compétences visées (modération)" in body and "M1-C4" in body
    row = OfferRelevance.objects.get(network=ours, offer=scene["feed"])
    response = moderator.post(
        f"/reseaux/{ours.slug}/gerer/pertinence/{row.pk}/competences/",
        {"code": "M1-C4", "action": "remove", "back": "offer"},
    )
    assert response.status_code == 302 and response["Location"].endswith(url)
    assert OfferCompetency.objects.get(offer=scene["feed"], competency_key=_key(scene["version"], "M1-C4")).removed
    member_page = moderator.get(f"/reseaux/{ours.slug}/offres/{scene['member'].pk}/").content.decode()
    assert "Compétences visées (modération)" not in member_page  # linked by its training's objectives
