# SPDX-License-Identifier: AGPL-3.0-or-later
"""The matching and facilitation routes of the API (api/exchanges_matching.py): a token acts for its user with
their role in the network; a member on the facilitators' routes 403, another network's people 404."""

import json

import pytest

from coopforma.accounts.tests.factories import MembershipFactory
from coopforma.core.models import OutboundEmail
from coopforma.exchanges import matching
from coopforma.exchanges.models import Exchange, ListingKind, Participant, Suggestion, SuggestionState
from coopforma.exchanges.tests.factories import exchange_between, joined_member
from coopforma.networks.models import NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, person

pytestmark = pytest.mark.django_db
BASE = "/api/v1/network/reseau-coop/exchanges"


def member_with(network, offer_title, request_title, **fields):  # type: ignore[no-untyped-def]
    member = joined_member(network, **fields)
    member.listings.filter(kind=ListingKind.OFFER).update(title=offer_title)
    member.listings.filter(kind=ListingKind.REQUEST).update(title=request_title)
    return member


@pytest.fixture
def s(org, api):  # type: ignore[no-untyped-def]
    network = NetworkFactory(slug="reseau-coop")
    alice = member_with(network, "Gouvernance partagée en coopérative", "Cuisine", display_name="Alice")
    bob = member_with(network, "Compostage", "Gouvernance d'une coopérative", display_name="Bob")
    other = NetworkFactory(slug="ailleurs")
    stranger = person(other, NetworkRole.FACILITATOR).user
    facilitator = person(network, NetworkRole.FACILITATOR).user
    for user in (alice.user, bob.user, facilitator, stranger):
        MembershipFactory(user=user, organisation=org, role="trainer")
    matching.refresh_suggestions(network)

    def client(user):  # type: ignore[no-untyped-def]
        return api(user, org)

    return type(
        "S",
        (),
        {
            "network": network,
            "alice": alice,
            "bob": bob,
            "stranger": stranger,
            "facilitator": facilitator,
            "client": staticmethod(client),
            "suggestion": Suggestion.objects.get(offer__member=alice),
        },
    )


def post(client, url, body, method="post"):  # type: ignore[no-untyped-def]
    return client.generic(method.upper(), url, data=json.dumps(body), content_type="application/json")


def test_the_facilitators_list_and_decide(s):
    client = s.client(s.facilitator)
    response = client.get(f"{BASE}/suggestions")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["id"] for i in items] == [s.suggestion.pk]
    assert items[0]["reasons"][0]["code"] == "words" and items[0]["state"] == "proposed"
    refused = post(client, f"{BASE}/suggestions/{s.suggestion.pk}/dismissal", {"reason": " "})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "reason"
    created = post(client, f"{BASE}/suggestions/{s.suggestion.pk}/arrangement", {})
    assert created.status_code == 201 and sorted(created.json()["participants"]) == ["Alice", "Bob"]
    assert Exchange.objects.get().facilitator == s.facilitator
    assert OutboundEmail.objects.filter(purpose="exchanges.arranged").count() == 2
    assert (
        client.get(f"{BASE}/suggestions?state=arranged").json()["items"][0]["exchange_id"]
        == created.json()["exchange_id"]
    )


def test_dismissal(s):
    response = post(s.client(s.facilitator), f"{BASE}/suggestions/{s.suggestion.pk}/dismissal", {"reason": "Non"})
    assert response.status_code == 200 and response.json()["state"] == "dismissed"
    assert Suggestion.objects.get(pk=s.suggestion.pk).state == SuggestionState.DISMISSED


def test_a_member_is_refused_the_facilitators_routes(s):
    client = s.client(s.bob.user)
    assert client.get(f"{BASE}/suggestions").status_code == 403
    assert post(client, f"{BASE}/suggestions/{s.suggestion.pk}/dismissal", {"reason": "Non"}).status_code == 403
    assert post(client, f"{BASE}/suggestions/{s.suggestion.pk}/arrangement", {}).status_code == 403
    assert not Exchange.objects.exists()


def test_another_network_gets_404(s):
    client = s.client(s.stranger)
    assert client.get(f"{BASE}/suggestions").status_code == 404
    theirs = "/api/v1/network/ailleurs/exchanges"
    assert client.get(f"{theirs}/suggestions").json()["items"] == []
    assert post(client, f"{theirs}/suggestions/{s.suggestion.pk}/dismissal", {"reason": "Non"}).status_code == 404
    assert post(client, f"{theirs}/suggestions/{s.suggestion.pk}/arrangement", {}).status_code == 404
    assert Suggestion.objects.get(pk=s.suggestion.pk).state == SuggestionState.PROPOSED


def test_contact_request_and_consent(s):
    bob = s.client(s.bob.user)
    offer = s.alice.listings.get(kind=ListingKind.OFFER)
    own = s.bob.listings.get(kind=ListingKind.REQUEST)
    response = post(bob, f"{BASE}/listings/{offer.pk}/contact-requests", {"own_listing_id": own.pk})
    assert response.status_code == 201 and response.json()["asked"] is True
    again = post(bob, f"{BASE}/listings/{offer.pk}/contact-requests", {"own_listing_id": own.pk})
    assert again.status_code == 422
    exchange = exchange_between(s.alice, s.bob)
    consent = post(bob, f"{BASE}/{exchange.pk}/consent", {"consent": True}, method="put")
    assert consent.status_code == 200 and consent.json()["consent"] is True
    assert bob.get(f"{BASE}/{exchange.pk}/contacts").json()["items"] == []  # Alice has not consented
    post(s.client(s.alice.user), f"{BASE}/{exchange.pk}/consent", {"consent": True}, method="put")
    assert [c["email"] for c in bob.get(f"{BASE}/{exchange.pk}/contacts").json()["items"]] == [s.alice.email]
    stranger = s.client(s.stranger)
    assert stranger.get(f"/api/v1/network/ailleurs/exchanges/{exchange.pk}/contacts").status_code == 404
    put = post(stranger, f"/api/v1/network/ailleurs/exchanges/{exchange.pk}/consent", {"consent": True}, method="put")
    assert put.status_code == 404
    assert Participant.objects.filter(exchange=exchange, contact_consent_at__isnull=False).count() == 2


def test_hostile_input(s):
    client = s.client(s.facilitator)
    assert client.get(f"{BASE}/suggestions?competency_id={2**70}").status_code == 422
    assert client.get(f"{BASE}/suggestions?department=%00").status_code == 422  # the API refuses NUL characters
    arranged = post(client, f"{BASE}/suggestions/{s.suggestion.pk}/arrangement", {"with_ids": [2**70]})
    assert arranged.status_code in (404, 422) and not Exchange.objects.exists()
    bob = s.client(s.bob.user)
    assert post(bob, f"{BASE}/listings/{2**62}/contact-requests", {"own_listing_id": 1}).status_code == 404
