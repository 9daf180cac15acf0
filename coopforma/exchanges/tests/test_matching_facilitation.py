# SPDX-License-Identifier: AGPL-3.0-or-later
"""Facilitation through the pages: the facilitators' queue (grouped by offer, filters, constant queries), dismiss,
arrange (the exchange, its participants, the e-mails), « Demander une mise en relation » and the contact consent;
the permission matrix (a member or a committee member 403, a moderator or a facilitator in, another network's
facilitator with our ids 404)."""

from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from coopforma.accounts.tests.factories import UserFactory
from coopforma.core.models import OutboundEmail
from coopforma.exchanges import facilitation, matching
from coopforma.exchanges.models import (
    Exchange,
    ExchangeKind,
    ExchangeState,
    Listing,
    ListingKind,
    Participant,
    ParticipantRole,
    Suggestion,
    SuggestionState,
)
from coopforma.exchanges.tests.factories import exchange_between, joined_member
from coopforma.networks.access import actor_for
from coopforma.networks.models import NetworkPerson, NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, person

pytestmark = pytest.mark.django_db
SLUG = "reseau-coop"


def member_with(network, offer_title: str, request_title: str, **fields):  # type: ignore[no-untyped-def]
    member = joined_member(network, **fields)
    member.listings.filter(kind=ListingKind.OFFER).update(title=offer_title)
    member.listings.filter(kind=ListingKind.REQUEST).update(title=request_title)
    return member


@pytest.fixture
def s(db):  # type: ignore[no-untyped-def]
    network = NetworkFactory(slug=SLUG, name="Réseau coop")
    scene = SimpleNamespace(network=network)
    scene.facilitator = person(network, NetworkRole.FACILITATOR, email="anim@example.org").user
    scene.moderator = person(network, NetworkRole.MODERATOR).user
    scene.committee = person(network, NetworkRole.COMMITTEE).user
    scene.alice = member_with(
        network, "Gouvernance partagée en coopérative", "Cuisine collective", display_name="Alice"
    )
    scene.bob = member_with(network, "Compostage", "Gouvernance d'une coopérative", display_name="Bob")
    scene.carol = member_with(network, "Menuiserie", "Gouvernance partagée", display_name="Carol")
    matching.refresh_suggestions(network)
    scene.offer = scene.alice.listings.get(kind=ListingKind.OFFER)
    scene.to_bob = Suggestion.objects.get(offer=scene.offer, request__member=scene.bob)
    scene.to_carol = Suggestion.objects.get(offer=scene.offer, request__member=scene.carol)
    # Another network, with its own facilitator and suggestion.
    other = NetworkFactory(slug="ailleurs")
    scene.other_network = other
    scene.other_facilitator = person(other, NetworkRole.FACILITATOR).user
    member_with(other, "Gouvernance partagée", "Cuisine")
    member_with(other, "Menuiserie", "Gouvernance partagée")
    matching.refresh_suggestions(other)
    scene.other_suggestion = Suggestion.objects.get(network=other)
    return scene


def url(name, slug=SLUG, **kwargs):  # type: ignore[no-untyped-def]
    return reverse(f"exchanges:{name}", kwargs={"network": slug, **kwargs})


# --- the queue ---------------------------------------------------------------------------------------------------


def test_the_queue_groups_requests_by_offer_with_their_reasons(s, web):
    page = web(s.facilitator).get(url("suggestions"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Gouvernance partagée en coopérative" in html
    assert "2 demandes : groupe possible" in html
    assert "Mots en commun dans les intitulés" in html
    assert 'aria-current="page"' in html
    groups = facilitation.suggestion_groups(actor=actor_for(s.facilitator, s.network))
    assert groups[0].offer == s.offer and {x.pk for x in groups[0].suggestions} == {s.to_bob.pk, s.to_carol.pk}
    assert s.other_suggestion.offer.title not in html or "Menuiserie" not in html


def test_the_queue_filters(s, web):
    client = web(s.facilitator)
    Listing.objects.filter(pk=s.to_carol.request_id).update(department="38")
    html = client.get(url("suggestions"), {"department": "38"}).content.decode()
    assert "Carol" in html and "Bob" not in html
    s.to_bob.state = SuggestionState.DISMISSED
    s.to_bob.save()
    html = client.get(url("suggestions"), {"state": "dismissed"}).content.decode()
    assert "Bob" in html and "Carol" not in html and "Écartée" in html
    assert client.get(url("suggestions"), {"state": "nimporte", "competency": "x"}).status_code == 200


def test_the_queue_has_constant_queries(s, web, django_assert_max_num_queries):
    client = web(s.facilitator)
    client.get(url("suggestions"))
    for i in range(6):
        member_with(s.network, f"Gouvernance partagée {i}", f"Gouvernance en coopérative {i}")
    matching.refresh_suggestions(s.network)
    assert Suggestion.objects.filter(network=s.network).count() > 20
    with django_assert_max_num_queries(14):
        assert client.get(url("suggestions")).status_code == 200


# --- permissions -------------------------------------------------------------------------------------------------


def facilitator_pages(s, slug=SLUG):  # type: ignore[no-untyped-def]
    return [url("suggestions", slug), url("suggestion_arrange", slug, suggestion_id=s.to_bob.pk)]


def test_anonymous_goes_to_login(s, client):
    for page in facilitator_pages(s):
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["member", "committee", "no_role"])
def test_who_is_no_facilitator_gets_403(s, web, who):
    user = {"member": s.bob.user, "committee": s.committee, "no_role": UserFactory()}[who]
    client = web(user)
    for page in facilitator_pages(s):
        assert client.get(page).status_code == 403, page
    assert client.post(url("suggestion_dismiss", suggestion_id=s.to_bob.pk), {"reason": "Non"}).status_code == 403
    assert client.post(url("suggestion_arrange", suggestion_id=s.to_bob.pk)).status_code == 403
    assert not Exchange.objects.exists()
    assert Suggestion.objects.get(pk=s.to_bob.pk).state == SuggestionState.PROPOSED


@pytest.mark.parametrize("who", ["facilitator", "moderator"])
def test_facilitators_and_moderators_get_in(s, web, who):
    client = web(getattr(s, who))
    for page in facilitator_pages(s):
        assert client.get(page).status_code == 200, page


def test_another_networks_facilitator_with_our_ids_gets_404(s, web):
    client = web(s.other_facilitator)
    assert client.get(url("suggestions", "ailleurs")).status_code == 200
    assert client.get(url("suggestion_arrange", "ailleurs", suggestion_id=s.to_bob.pk)).status_code == 404
    assert client.post(url("suggestion_arrange", "ailleurs", suggestion_id=s.to_bob.pk)).status_code == 404
    dismiss = url("suggestion_dismiss", "ailleurs", suggestion_id=s.to_bob.pk)
    assert client.post(dismiss, {"reason": "Non"}).status_code == 404
    # Their own suggestion, grouped with one of ours: refused, nothing written.
    client.post(url("suggestion_arrange", "ailleurs", suggestion_id=s.other_suggestion.pk), {"with_ids": [s.to_bob.pk]})
    assert not Exchange.objects.exists()
    # Our network's pages with their slug swapped in: 403 (no role here).
    assert client.get(url("suggestions")).status_code == 403
    assert Suggestion.objects.get(pk=s.to_bob.pk).state == SuggestionState.PROPOSED


# --- dismiss -----------------------------------------------------------------------------------------------------


def test_dismiss_needs_a_reason_and_is_remembered(s, web):
    client = web(s.facilitator)
    response = client.post(url("suggestion_dismiss", suggestion_id=s.to_bob.pk), {"reason": "  "}, follow=True)
    assert "Dites pourquoi vous écartez cette suggestion" in response.content.decode()
    assert Suggestion.objects.get(pk=s.to_bob.pk).state == SuggestionState.PROPOSED
    client.post(url("suggestion_dismiss", suggestion_id=s.to_bob.pk), {"reason": "Bob a déjà suivi une formation"})
    suggestion = Suggestion.objects.get(pk=s.to_bob.pk)
    assert suggestion.state == SuggestionState.DISMISSED and suggestion.decided_by == s.facilitator
    assert suggestion.reasons[-1] == {"code": "dismissed", "label": "Écartée : Bob a déjà suivi une formation"}
    matching.refresh_suggestions(s.network)
    assert Suggestion.objects.get(pk=s.to_bob.pk).state == SuggestionState.DISMISSED
    again = client.post(url("suggestion_dismiss", suggestion_id=s.to_bob.pk), {"reason": "Encore"}, follow=True)
    assert "déjà été traitée" in again.content.decode()


# --- arrange -----------------------------------------------------------------------------------------------------


def test_arrange_a_group_creates_the_exchange_and_mails_every_participant(s, web):
    client = web(s.facilitator)
    page = client.get(url("suggestion_arrange", suggestion_id=s.to_bob.pk)).content.decode()
    assert f'value="{s.to_carol.pk}"' in page  # Carol's request on the same offer may join the group
    client.post(url("suggestion_arrange", suggestion_id=s.to_bob.pk), {"with_ids": [s.to_carol.pk]})
    exchange = Exchange.objects.get()
    assert (exchange.kind, exchange.state, exchange.facilitator, exchange.offer) == (
        ExchangeKind.EXCHANGE,
        ExchangeState.ARRANGING,
        s.facilitator,
        s.offer,
    )
    assert exchange.format == "visit" and exchange.network == s.network
    roles = {(p.member.display_name, p.role, p.request_id) for p in exchange.participants.all()}
    assert roles == {
        ("Alice", ParticipantRole.PROVIDER, None),
        ("Bob", ParticipantRole.LEARNER, s.to_bob.request_id),
        ("Carol", ParticipantRole.LEARNER, s.to_carol.request_id),
    }
    for suggestion in Suggestion.objects.filter(pk__in=[s.to_bob.pk, s.to_carol.pk]):
        assert suggestion.state == SuggestionState.ARRANGED and suggestion.exchange == exchange
    mails = OutboundEmail.objects.filter(purpose=facilitation.PURPOSE_ARRANGED)
    assert sorted(m.to for m in mails) == sorted([s.alice.email, s.bob.email, s.carol.email])
    body = mails.first().body
    assert "Gouvernance partagée en coopérative" in body and "Alice (Transmet son savoir-faire)" in body
    assert "/reseaux/reseau-coop/echanges/" in body
    # Arranged: never touched by matching again, and not arranged twice.
    matching.refresh_suggestions(s.network)
    assert Suggestion.objects.get(pk=s.to_bob.pk).state == SuggestionState.ARRANGED
    client.post(url("suggestion_arrange", suggestion_id=s.to_bob.pk))
    assert Exchange.objects.count() == 1


def test_arrange_refuses_a_group_across_offers(s, web):
    bob_offer = s.bob.listings.get(kind=ListingKind.OFFER)
    other = Suggestion.objects.create(network=s.network, offer=bob_offer, request=s.carol.listings.get(kind="request"))
    response = web(s.facilitator).post(
        url("suggestion_arrange", suggestion_id=s.to_bob.pk), {"with_ids": [other.pk]}, follow=True
    )
    assert "Un groupe réunit des demandes sur la même offre." in response.content.decode()
    assert not Exchange.objects.exists() and not OutboundEmail.objects.exists()
    bad = web(s.facilitator).post(url("suggestion_arrange", suggestion_id=s.to_bob.pk), {"with_ids": ["x"]})
    assert bad.status_code == 302 and not Exchange.objects.exists()


# --- « Demander une mise en relation » ----------------------------------------------------------------------------


def test_a_member_asks_for_a_meeting(s, web):
    dave = member_with(s.network, "Menuiserie", "Cuisine", display_name="Dave")
    own = dave.listings.get(kind=ListingKind.REQUEST)
    client = web(dave.user)
    response = client.post(url("listing_ask", listing_id=s.offer.pk), {"own_listing_id": own.pk}, follow=True)
    assert "Demande de mise en relation envoyée" in response.content.decode()
    suggestion = Suggestion.objects.get(offer=s.offer, request=own)
    assert suggestion.reasons[0] == {"code": "asked", "label": "Demandée par Dave"}
    assert suggestion.score == matching.ASKED_BONUS and suggestion.state == SuggestionState.PROPOSED
    mail = OutboundEmail.objects.get(purpose=facilitation.PURPOSE_ASKED)
    assert mail.to == "anim@example.org" and "Dave demande une mise en relation" in mail.body
    # Shown first to the facilitators, and kept by matching although it does not fit by itself.
    matching.refresh_suggestions(s.network)
    groups = facilitation.suggestion_groups(actor=actor_for(s.facilitator, s.network))
    assert groups[0].asked and suggestion.pk in [x.pk for x in groups[0].suggestions]
    assert facilitation.suggestion_list(actor=actor_for(s.facilitator, s.network))[0].pk == suggestion.pk
    # Twice: a clear message, no second e-mail.
    again = client.post(url("listing_ask", listing_id=s.offer.pk), {"own_listing_id": own.pk}, follow=True)
    assert "déjà demandée" in again.content.decode()
    assert OutboundEmail.objects.filter(purpose=facilitation.PURPOSE_ASKED).count() == 1


def test_asking_raises_an_existing_suggestion(s, web):
    before = s.to_bob.score
    web(s.bob.user).post(url("listing_ask", listing_id=s.offer.pk), {"own_listing_id": s.to_bob.request_id})
    s.to_bob.refresh_from_db()
    assert s.to_bob.score == min(100, before + matching.ASKED_BONUS) and matching.is_asked(s.to_bob)


def test_asking_refuses_bad_choices(s, web):
    client = web(s.bob.user)
    bob_offer = s.bob.listings.get(kind=ListingKind.OFFER)
    cases = [
        (s.offer.pk, {"own_listing_id": bob_offer.pk}, "Choisissez une de vos demandes."),
        (bob_offer.pk, {"own_listing_id": s.to_bob.request_id}, "votre propre annonce"),
        (s.offer.pk, {"own_listing_id": s.carol.listings.get(kind="request").pk}, "Choisissez une de vos offres ou"),
        (s.offer.pk, {"own_listing_id": "abc"}, "Choisissez une de vos offres ou demandes."),
    ]
    for listing_id, data, message in cases:
        response = client.post(url("listing_ask", listing_id=listing_id), data, follow=True)
        assert message in response.content.decode(), message
    assert not OutboundEmail.objects.exists() and not matching.is_asked(Suggestion.objects.get(pk=s.to_bob.pk))
    s.to_bob.state = SuggestionState.DISMISSED
    s.to_bob.save()
    response = client.post(
        url("listing_ask", listing_id=s.offer.pk), {"own_listing_id": s.to_bob.request_id}, follow=True
    )
    assert "ont écarté cette mise en relation" in response.content.decode()


def test_asking_across_networks(s, web):
    stranger = Listing.objects.filter(network=s.other_network, kind=ListingKind.REQUEST).first()
    client = web(stranger.member.user)
    assert client.post(url("listing_ask", listing_id=s.offer.pk), {"own_listing_id": stranger.pk}).status_code == 403
    # In their own network, with our listing's id: 404.
    assert (
        client.post(url("listing_ask", "ailleurs", listing_id=s.offer.pk), {"own_listing_id": stranger.pk}).status_code
        == 404
    )
    assert not Suggestion.objects.filter(request=stranger, offer=s.offer).exists()


def test_the_ask_block_on_a_listing_page(s):
    request = RequestFactory().get("/")
    request.user = s.bob.user
    html = render_to_string("exchanges/_ask.html", {"listing": s.offer, "request": request})
    assert "Demander une mise en relation" in html and "Gouvernance d&#x27;une coopérative" in html
    assert 'for="ask-own-' in html
    request.user = s.alice.user  # her own listing: nothing to ask
    assert "<form" not in render_to_string("exchanges/_ask.html", {"listing": s.offer, "request": request})


# --- contact consent ---------------------------------------------------------------------------------------------


@pytest.fixture
def ex(s):  # type: ignore[no-untyped-def]
    s.exchange = exchange_between(s.alice, s.bob, facilitator=s.facilitator)
    return s


def contacts(ex, user):  # type: ignore[no-untyped-def]
    info = facilitation.contacts_for(actor=actor_for(user, ex.network), exchange=ex.exchange)
    return {c.email for c in info["contacts"]}


def consent(client, ex, value):  # type: ignore[no-untyped-def]
    return client.post(url("exchange_consent", exchange_id=ex.exchange.pk), {"consent": value})


def test_contacts_only_when_both_consented(ex, web):
    alice, bob = web(ex.alice.user), web(ex.bob.user)
    consent(bob, ex, "1")
    assert contacts(ex, ex.alice.user) == set() and contacts(ex, ex.bob.user) == set()
    assert contacts(ex, ex.facilitator) == {ex.bob.email}  # the facilitator: those who consented
    consent(alice, ex, "1")
    assert contacts(ex, ex.alice.user) == {ex.bob.email} and contacts(ex, ex.bob.user) == {ex.alice.email}
    consent(bob, ex, "0")
    assert contacts(ex, ex.alice.user) == set() and contacts(ex, ex.bob.user) == set()
    assert contacts(ex, ex.facilitator) == {ex.alice.email}
    assert Participant.objects.get(exchange=ex.exchange, member=ex.bob).contact_consent_at is None


def test_another_exchanges_participant_sees_nothing(ex, web):
    for who in (ex.alice, ex.bob):
        Participant.objects.filter(exchange=ex.exchange, member=who).update(contact_consent_at="2026-01-01T10:00Z")
    other = exchange_between(ex.carol, ex.bob)
    Participant.objects.filter(exchange=other).update(contact_consent_at="2026-01-01T10:00Z")
    assert facilitation.visible_contacts(ex.exchange, ex.carol) == []
    assert contacts(ex, ex.carol.user) == set()
    assert consent(web(ex.carol.user), ex, "1").status_code == 404
    assert not Participant.objects.filter(exchange=ex.exchange, member=ex.carol).exists()


def test_the_consent_block(ex, web):
    request = RequestFactory().get("/")
    request.user = ex.bob.user
    participants = list(ex.exchange.participants.select_related("member"))
    context = {"exchange": ex.exchange, "participants": participants, "request": request}
    html = render_to_string("exchanges/_consent.html", context)
    assert "accepte de partager mon e-mail et mon téléphone" in html and ex.alice.email not in html
    for who in (ex.alice, ex.bob):
        Participant.objects.filter(exchange=ex.exchange, member=who).update(contact_consent_at="2026-01-01T10:00Z")
    participants = list(ex.exchange.participants.select_related("member"))
    html = render_to_string("exchanges/_consent.html", {**context, "participants": participants})
    assert ex.alice.email in html and "Retirer mon accord" in html and ex.alice.phone in html
    request.user = ex.carol.user
    assert "Coordonnées" not in render_to_string("exchanges/_consent.html", context)


def test_consent_bad_input_and_other_network(ex, web):
    client = web(ex.bob.user)
    assert consent(client, ex, "peut-être").status_code == 302
    assert Participant.objects.get(exchange=ex.exchange, member=ex.bob).contact_consent_at is None
    stranger = web(ex.other_facilitator)
    assert (
        stranger.post(url("exchange_consent", "ailleurs", exchange_id=ex.exchange.pk), {"consent": "1"}).status_code
        == 404
    )
    assert stranger.post(url("exchange_consent", exchange_id=ex.exchange.pk), {"consent": "1"}).status_code == 403


def test_a_partner_manager_without_role_is_not_a_facilitator(s, web):
    from coopforma.networks.tests.factories import PartnerFactory

    manager = UserFactory()
    PartnerFactory(network=s.network).managers.add(manager)
    assert not NetworkPerson.objects.filter(user=manager).exists()
    assert web(manager).get(url("suggestions")).status_code == 403


def test_hostile_input_never_answers_500(s, web):
    client = web(s.facilitator)
    hostile = {"state": "\x00", "department": "\x00" * 9, "competency": str(2**70), "page": "9" * 30}
    assert client.get(url("suggestions"), hostile).status_code == 200
    big = 2**70
    assert client.get(url("suggestion_arrange", suggestion_id=big)).status_code == 404
    assert client.post(url("suggestion_dismiss", suggestion_id=big), {"reason": "x"}).status_code == 404
    response = client.post(url("suggestion_arrange", suggestion_id=s.to_bob.pk), {"with_ids": [str(big)]})
    assert response.status_code in (302, 404) and not Exchange.objects.exists()
    member = web(s.bob.user)
    assert member.post(url("listing_ask", listing_id=big), {"own_listing_id": "1"}).status_code == 404
    assert member.post(url("listing_ask", listing_id=s.offer.pk), {"own_listing_id": str(big)}).status_code in (
        302,
        404,
    )
    assert member.post(url("exchange_consent", exchange_id=big), {"consent": "1"}).status_code == 404
    assert member.post(url("listing_ask", listing_id=s.offer.pk), {"own_listing_id": "\x00"}).status_code == 302
