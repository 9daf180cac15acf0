# SPDX-License-Identifier: AGPL-3.0-or-later
"""Source (d): a partner structure's offers, experience-based modes included, moderated before publication; and
the back office's pages, walked by a moderator and a partner's manager."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from coopforma.accounts.tests.factories import UserFactory
from coopforma.networks.access import actor_for
from coopforma.networks.models import NetworkRole, PartnerState
from coopforma.networks.tests.factories import NetworkFactory, PartnerFactory, moderator_actor, person
from coopforma.offers import relevance, services
from coopforma.offers.models import Offer, OfferRelevance, OfferStatus, RelevanceRules
from coopforma.offers.tests.network_factories import feed_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    network = NetworkFactory(slug="coop")
    partner = PartnerFactory(network=network, slug="fabrique", name="La Fabrique")
    manager = UserFactory()
    partner.managers.add(manager)
    moderator = person(network, NetworkRole.MODERATOR).user
    return network, partner, manager, moderator


def test_a_manager_enters_an_expedition_that_waits_for_moderation(setting):
    network, partner, manager, moderator = setting
    actor = actor_for(manager, network)
    offer = services.partner_offer_create(
        actor=actor,
        partner_id=partner.pk,
        title="Expédition apprenante en Drôme",
        experience_mode="learning_expedition",
        session={"city": "Die", "postal_code": "26150", "places_left": 10},
    )
    assert offer.status == OfferStatus.PENDING and offer.source.kind == "partner"
    assert offer.sessions.get().department == "26"
    with pytest.raises(PermissionDenied):
        services.partner_offer_publish(actor=actor, offer_id=offer.pk)
    mod = actor_for(moderator, network)
    with pytest.raises(ValidationError):
        services.partner_offer_refuse(actor=mod, offer_id=offer.pk, reason="")
    services.partner_offer_refuse(actor=mod, offer_id=offer.pk, reason="Ajoutez les dates.")
    offer.refresh_from_db()
    assert (offer.status, offer.moderation_reason) == (OfferStatus.REFUSED, "Ajoutez les dates.")
    # Edited by its structure: waits again; published by a moderator: shown for the network.
    services.partner_offer_update(actor=actor, offer_id=offer.pk, summary="Du 3 au 5 juin.")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING
    services.partner_offer_publish(actor=mod, offer_id=offer.pk)
    assert OfferRelevance.objects.get(offer=offer).verdict == "shown"


def test_bad_offers_are_refused_with_french_errors(setting):
    network, partner, manager, _moderator = setting
    actor = actor_for(manager, network)
    with pytest.raises(ValidationError) as err:
        services.partner_offer_create(
            actor=actor, partner_id=partner.pk, title=" ", experience_mode="hike", nsf_codes=["31"], formacodes=["x"]
        )
    assert set(err.value.message_dict) == {"title", "experience_mode", "nsf_codes", "formacodes"}
    with pytest.raises(ValidationError) as err:
        services.partner_offer_create(
            actor=actor,
            partner_id=partner.pk,
            title="Compagnonnage",
            session={"start": "2026-12-10", "end": "2026-12-01", "postal_code": "26"},
        )
    assert set(err.value.message_dict) == {"end", "postal_code"}
    assert not Offer.objects.exists()


def test_others_cannot_enter_offers_for_a_structure(setting):
    network, partner, _manager, _moderator = setting
    member = actor_for(person(network).user, network)
    with pytest.raises(PermissionDenied):
        services.partner_offer_create(actor=member, partner_id=partner.pk, title="Pas la mienne")
    refused = PartnerFactory(network=network, state=PartnerState.REFUSED)
    with pytest.raises(ValidationError):
        services.partner_offer_create(actor=moderator_actor(network), partner_id=refused.pk, title="Refusée")


def test_a_moderator_of_another_network_cannot_enter_offers_for_our_structure(setting):
    from django.http import Http404

    _network, partner, _manager, _moderator = setting
    before = Offer.objects.count()
    with pytest.raises((Http404, PermissionDenied)):
        services.partner_offer_create(actor=moderator_actor(NetworkFactory()), partner_id=partner.pk, title="Intrus")
    assert Offer.objects.count() == before


def test_the_back_office_pages_end_to_end(setting):
    _network, partner, manager, moderator = setting
    as_manager, as_moderator = Client(), Client()
    as_manager.force_login(manager)
    as_moderator.force_login(moderator)
    base = "/reseaux/coop/gerer"
    page = as_manager.get(f"{base}/offres/nouvelle/")
    assert page.status_code == 200 and "Compagnonnage" in page.content.decode()
    response = as_manager.post(
        f"{base}/offres/nouvelle/",
        {"partner": partner.pk, "title": "Compagnonnage entre tiers-lieux", "experience_mode": "compagnonnage",
         "session-city": "Lyon", "session-postal_code": "69001", "session-places_left": "4"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    offer = Offer.objects.get()
    assert offer.sessions.get().city == "Lyon"
    # A bad session is shown next to the form, nothing written.
    bad = as_manager.post(f"{base}/offres/{offer.pk}/sessions/", {"session-postal_code": "6"})
    assert bad.status_code == 302 and offer.sessions.count() == 1
    assert "En attente de modération" in as_moderator.get(f"{base}/offres/?etat=pending").content.decode()
    assert as_moderator.post(f"{base}/offres/{offer.pk}/refuser/", {"reason": ""}).status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PENDING  # no reason: refused by the service, nothing written
    as_moderator.post(f"{base}/offres/{offer.pk}/publier/")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACTIVE
    public = Client().get("/reseaux/coop/structures/fabrique/").content.decode()
    assert "Compagnonnage entre tiers-lieux" in public and "Lyon" in public
    # Home, people, organisations, partners, offers, rules: they render, and show no code (« compagnonnage » is
    # also the French label; « learning_expedition », « tiers_lieu », « pending », « offers.offer.proposed » are not).
    pages = ["/", "/personnes/", "/organisations/", "/structures/", "/structures/proposer/", "/pertinence/", "/regles/"]
    for url in [*pages, f"/structures/{partner.pk}/", "/offres/", f"/offres/{offer.pk}/"]:
        page = as_moderator.get(base + url)
        assert page.status_code == 200, url
        text = re.sub(r"<[^>]+>|value=\"[^\"]*\"", " ", page.content.decode())
        assert not re.search(r"\b(?:networks|offers)\.[a-z_]+\.[a-z_]+\b|\b(?:tiers_lieu|pending|refused)\b", text), url
    rules = {"keywords": "coopérative\nESS", "formacodes": "", "nsf_codes": "310", "known_sirets": "",
             "formacode_weight": 50, "nsf_weight": 20, "keyword_weight": 25, "keyword_cap": 3, "known_weight": 40,
             "high_threshold": 60, "low_threshold": 70}  # fmt: skip
    page = as_moderator.post(f"{base}/regles/", rules)
    assert page.status_code == 200 and "inférieur" in page.content.decode()
    assert not RelevanceRules.objects.exists()
    rules["low_threshold"] = 25
    assert as_moderator.post(f"{base}/regles/", rules).status_code == 302
    assert RelevanceRules.objects.get().keywords == ["coopérative", "ESS"]


def test_the_relevance_queue_page_keeps_and_rejects(setting):
    network, _partner, _manager, moderator = setting
    RelevanceRules.objects.create(network=network, keywords=["coopérative"])
    offer = feed_offer(title="Animer une coopérative")
    relevance.score_offers(network)
    client = Client()
    client.force_login(moderator)
    page = client.get("/reseaux/coop/gerer/pertinence/").content.decode()
    assert "Animer une coopérative" in page and "Mot-clé trouvé : « coopérative » (+25)." in page
    row = OfferRelevance.objects.get(offer=offer)
    client.post(f"/reseaux/coop/gerer/pertinence/{row.pk}/decider/", {"decision": "keep", "reason": "Au cœur du sujet"})
    row.refresh_from_db()
    assert (row.decision, row.decision_reason, row.decided_by) == ("keep", "Au cœur du sujet", moderator)
    client.post(f"/reseaux/coop/gerer/pertinence/{row.pk}/decider/", {"decision": "maybe"})
    row.refresh_from_db()
    assert row.decision == "keep"


def test_my_networks_appears_in_the_menu_for_people_with_a_role(setting, org, admin_user, web):
    network, _partner, manager, _moderator = setting
    without = web(admin_user).get(f"/o/{org.slug}/").content.decode()
    assert "Mes réseaux" not in without
    person_ = person(network)
    person_.user = admin_user
    person_.save()
    page = web(admin_user).get(f"/o/{org.slug}/").content.decode()
    assert page.count("Mes réseaux") == 2  # the narrow and the wide menu
    assert network.name in web(manager).get("/reseaux/").content.decode()
