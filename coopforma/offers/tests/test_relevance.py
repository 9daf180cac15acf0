# SPDX-License-Identifier: AGPL-3.0-or-later
"""What is "on cooperation": scores with their reasons, thresholds, the moderators' decisions, speed."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coopforma.networks.access import actor_for
from coopforma.networks.models import NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, PartnerFactory, moderator_actor, person
from coopforma.offers import relevance, selectors, services
from coopforma.offers.models import OfferRelevance, RelevanceRules, RelevanceVerdict
from coopforma.offers.tests.network_factories import feed_offer, partner_offer

pytestmark = pytest.mark.django_db

KNOWN = "73282932000074"


def rules(network, **fields):
    values = {
        "keywords": ["coopérative", "gouvernance partagée", "ESS", "tiers-lieu", "Scop"],
        "nsf_codes": ["310"],
        "formacodes": ["15064"],
        "known_sirets": [KNOWN],
        "formacode_weight": 50,
        "nsf_weight": 20,
        "keyword_weight": 25,
        "keyword_cap": 3,
        "known_weight": 40,
        "high_threshold": 60,
        "low_threshold": 25,
    }
    values.update(fields)
    return RelevanceRules.objects.create(network=network, **values)


def test_keywords_match_without_accents_and_with_french_stemming():
    network = NetworkFactory()
    compiled = relevance.compile_rules(rules(network))

    def words(text):
        return relevance.score_values(compiled, text=text, formacodes=[], nsf_codes=[], provider_siret="")

    assert words("Créer et gérer des COOPERATIVES")
    assert words("Créer et gérer des COOPERATIVES").score == 25
    assert "« coopérative »" in words("la coopération entre pairs").reasons[0]
    assert words("Mettre en place une gouvernance partagée").score == 25
    assert words("gouvernances partagées des tiers-lieux").score == 50
    assert words("Les tiers lieux").score == 25  # hyphen or space
    assert words("l'ESS en région").score == 25
    assert words("le stress au travail").score == 0  # ESS as a whole word only
    assert words("le scope du projet").score == 0  # short words match whole, plural allowed
    assert words("Des Scops").score == 25
    assert words("Excel niveau 2").reasons == ["Rien dans l'offre ne correspond aux règles du réseau."]
    # At most keyword_cap keywords count.
    assert words("coopérative Scop ESS tiers-lieu gouvernance partagée").score == 75


def test_codes_and_known_organisations_with_french_reasons():
    network = NetworkFactory()
    compiled = relevance.compile_rules(rules(network, known_sirets=[KNOWN, "123456789"]))
    result = relevance.score_values(compiled, text="", formacodes=["15064"], nsf_codes=["310m"], provider_siret=KNOWN)
    assert result.score == 110
    assert result.verdict == RelevanceVerdict.SHOWN
    assert result.reasons == [
        "Formacode 15064 de la liste du réseau (+50).",
        "Code NSF 310m de la liste du réseau (+20).",
        f"Organisme connu du réseau (SIRET {KNOWN}) (+40).",
    ]
    # A SIREN in the list knows every establishment.
    by_siren = relevance.score_values(compiled, text="", formacodes=[], nsf_codes=[], provider_siret="12345678900011")
    assert by_siren.score == 40 and by_siren.verdict == RelevanceVerdict.QUEUE


def test_score_offers_upserts_and_the_moderators_decision_wins():
    network = NetworkFactory()
    rules(network)
    shown = feed_offer(title="Gouvernance partagée en coopérative", summary="ESS")
    queue = feed_offer(title="Animer une coopérative")
    hidden = feed_offer(title="Comptabilité générale")
    assert relevance.score_offers(network) == 3
    verdicts = dict(OfferRelevance.objects.values_list("offer_id", "verdict"))
    assert verdicts == {shown.pk: "shown", queue.pk: "queue", hidden.pk: "hidden"}
    actor = moderator_actor(network)
    row = selectors.relevance_queue(actor=actor).get()
    assert row.offer == queue and row.reasons == ["Mot-clé trouvé : « coopérative » (+25)."]
    services.relevance_decide(actor=actor, relevance_id=row.pk, decision="reject", reason="Hors sujet")
    # A later import rescores; the decision stays and wins.
    queue.title = "Gouvernance partagée en coopérative et ESS"
    queue.save()
    relevance.score_offers(network, [queue.pk])
    row.refresh_from_db()
    assert (row.verdict, row.decision) == ("shown", "reject")
    assert not row.is_shown
    assert set(selectors.shown_offers(network_id=network.pk)) == {shown}
    services.relevance_undecide(actor=actor, relevance_id=row.pk)
    assert set(selectors.shown_offers(network_id=network.pk)) == {shown, queue}
    assert selectors.relevance_counts(actor=actor) == {"shown": 2, "queue": 0, "hidden": 1}


def test_another_networks_offers_are_not_judged_here_and_partner_offers_are_shown():
    network, other = NetworkFactory(), NetworkFactory()
    rules(network)
    ours = partner_offer(PartnerFactory(network=network), status="active", title="Comptabilité")
    theirs = partner_offer(PartnerFactory(network=other), status="active", title="Coopérative")
    relevance.score_offers(network)
    assert list(OfferRelevance.objects.values_list("offer_id", "verdict")) == [(ours.pk, "shown")]
    assert not OfferRelevance.objects.filter(offer=theirs).exists()


def test_rules_are_edited_by_moderators_only_and_validated():
    network = NetworkFactory()
    member = actor_for(person(network, NetworkRole.MEMBER).user, network)
    with pytest.raises(PermissionDenied):
        services.rules_update(actor=member, keywords=["coopérative"])
    actor = moderator_actor(network)
    with pytest.raises(ValidationError) as err:
        services.rules_update(actor=actor, nsf_codes=["31"], known_sirets=["12"], high_threshold=20, low_threshold=30)
    assert set(err.value.message_dict) >= {"nsf_codes", "known_sirets"}
    assert not RelevanceRules.objects.exists()
    with pytest.raises(ValidationError) as err:
        services.rules_update(actor=actor, high_threshold=20, low_threshold=30)
    assert "inférieur" in err.value.message_dict["low_threshold"][0]
    saved = services.rules_update(
        actor=actor, keywords=[" coopérative ", "coopérative", ""], known_sirets=["732 829 320 00074"]
    )
    assert saved.keywords == ["coopérative"] and saved.known_sirets == [KNOWN]


def test_a_moderator_of_another_network_cannot_decide_on_our_offers():
    network, other = NetworkFactory(), NetworkFactory()
    rules(network)
    feed_offer(title="Animer une coopérative")
    relevance.score_offers(network)
    row = OfferRelevance.objects.get()
    from django.http import Http404

    with pytest.raises(Http404):
        services.relevance_decide(actor=moderator_actor(other), relevance_id=row.pk, decision="keep")


def test_saving_the_rules_rescores_every_offer_in_the_background(django_capture_on_commit_callbacks):
    network = NetworkFactory()
    offer = feed_offer(title="Gouvernance partagée en Scop")
    actor = moderator_actor(network)
    with django_capture_on_commit_callbacks(execute=True):
        services.rules_update(actor=actor, keywords=["gouvernance partagée", "Scop"], high_threshold=50)
    row = OfferRelevance.objects.get(network=network, offer=offer)
    assert (row.score, row.verdict) == (50, RelevanceVerdict.SHOWN)
