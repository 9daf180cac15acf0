# SPDX-License-Identifier: AGPL-3.0-or-later
"""The offers and requests in the API: a token acts for its user, whose role in the network decides (whatever the
token's organisation). The list with the page's filters, one listing, a new one and a change of one's own (the
error envelope for bad input, nothing written); another network's person: 404; another member's listing: 403;
no token: 401."""

import pytest

from coopforma.accounts.tests.factories import MembershipFactory, OrganisationFactory
from coopforma.exchanges import selectors
from coopforma.exchanges.models import Listing, ListingKind, ListingState
from coopforma.exchanges.tests.factories import ListingFactory, joined_member
from coopforma.networks.tests.factories import NetworkFactory, person
from coopforma.referentiel.tests.factories import load_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():  # type: ignore[no-untyped-def]
    network = NetworkFactory(slug="reseau-api")
    load_draft(network, publish=True)
    return network


@pytest.fixture
def token(api):  # type: ignore[no-untyped-def]
    def _client(user):  # type: ignore[no-untyped-def]
        organisation = OrganisationFactory()
        MembershipFactory(user=user, organisation=organisation, role="trainer")
        return api(user, organisation)

    return _client


BASE = "/api/v1/network/reseau-api/exchanges/listings"


def test_the_list_and_one_listing_with_the_filters(net, token):  # type: ignore[no-untyped-def]
    me = joined_member(net)
    other = joined_member(net, display_name="Tiers-lieu Rennes", email="secret@example.org", department="35")
    remote = ListingFactory(member=other, title="Mentorat à distance", is_remote=True, formats=["mentoring"])
    remote.competencies.add(selectors.competencies(network=net).get(code="M1-C2"))
    ListingFactory(member=other, title="En pause", state=ListingState.PAUSED)
    client = token(me.user)
    body = client.get(BASE).json()
    assert body["count"] == 5 and "En pause" not in {item["title"] for item in body["items"]}
    assert "secret@example.org" not in str(body)
    assert [i["title"] for i in client.get(BASE, {"competency": "M1-C2"}).json()["items"]] == ["Mentorat à distance"]
    assert [i["title"] for i in client.get(BASE, {"remote": "true"}).json()["items"]] == ["Mentorat à distance"]
    assert client.get(BASE, {"kind": "request"}).json()["count"] == 2
    assert client.get(BASE, {"department": "35"}).json()["count"] == 3
    assert client.get(BASE, {"format": "mentoring"}).json()["count"] == 1
    assert client.get(BASE, {"q": "distance"}).json()["count"] == 1
    one = client.get(f"{BASE}/{remote.pk}").json()
    assert one["member"]["display_name"] == "Tiers-lieu Rennes" and one["competencies"][0]["code"] == "M1-C2"
    assert one["kind"] == "offer" and one["formats"] == ["mentoring"] and one["conditions"] == "reciprocity"
    refused = client.get(BASE, {"format": "dance", "kind": "gift"})
    assert refused.status_code == 422 and {e["field"] for e in refused.json()["errors"]} == {"format", "kind"}


def test_the_list_has_constant_queries(net, token, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    me = joined_member(net)
    client = token(me.user)
    with django_assert_max_num_queries(30) as few:
        client.get(BASE)
    for _ in range(10):
        ListingFactory(member=joined_member(net)).competencies.add(*selectors.competencies(network=net)[:2])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(BASE).json()["count"] == 32


def test_a_member_creates_and_changes_their_own_listing(net, token):  # type: ignore[no-untyped-def]
    me = joined_member(net)
    client = token(me.user)
    payload = {
        "kind": "request",
        "title": "Apprendre la facilitation",
        "competencies": ["M1-C2"],
        "formats": ["workshop"],
        "level": "notions",
        "available_from": "2027-01-10",
        "available_until": "2027-03-10",
    }
    response = client.post(BASE, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["kind"] == "request" and created["city"] == me.city and created["competencies"][0]["code"] == "M1-C2"
    listing = Listing.objects.get(pk=created["id"])
    assert listing.member == me
    response = client.patch(
        f"{BASE}/{listing.pk}",
        {"title": "Apprendre la facilitation (2)", "state": "paused"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    listing.refresh_from_db()
    assert listing.title == "Apprendre la facilitation (2)" and listing.state == ListingState.PAUSED
    assert listing.level == "notions"
    # null keeps a value, but empties a date.
    response = client.patch(
        f"{BASE}/{listing.pk}", {"conditions": None, "available_until": None}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    listing.refresh_from_db()
    assert listing.conditions == "reciprocity" and listing.available_until is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "offer", "title": "x", "competencies": ["ZZ-9"]}, "competencies"),
        ({"kind": "offer", "title": "x", "city": "Zzyzxville"}, "city"),
        (
            {"kind": "offer", "title": "x", "available_from": "2027-03-10", "available_until": "2027-01-10"},
            "available_until",
        ),
        ({"kind": "offer", "title": " "}, "title"),
        ({"kind": "offer", "title": "x", "formats": ["dance"]}, "formats"),
        ({"kind": "offer", "title": "x", "level": "expert"}, "level"),
    ],
)
def test_bad_input_is_refused_with_the_envelope_and_nothing_written(net, token, payload, field):  # type: ignore[no-untyped-def]
    me = joined_member(net)
    before = Listing.objects.count()
    response = token(me.user).post(BASE, payload, content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] and body["detail"] and field in {e["field"] for e in body["errors"]}
    assert Listing.objects.count() == before


def test_someone_who_has_not_joined_is_told_to_join(net, token):  # type: ignore[no-untyped-def]
    user = person(net).user
    response = token(user).post(BASE, {"kind": "offer", "title": "x"}, content_type="application/json")
    assert response.status_code == 422 and "Inscrivez-vous" in response.json()["detail"]
    assert not Listing.objects.exists()


def test_permissions(net, token, client):  # type: ignore[no-untyped-def]
    owner = joined_member(net)
    offer = owner.listings.get(kind=ListingKind.OFFER)
    peer = joined_member(net)
    other_network = NetworkFactory(slug="reseau-autre")
    foreigner = joined_member(other_network)
    # No token: 401.
    assert client.get(BASE).status_code == 401
    # Another network's member: 404 with our slug; with theirs and our ids, 404 too.
    foreign = token(foreigner.user)
    assert foreign.get(BASE).status_code == 404
    assert foreign.get(f"/api/v1/network/reseau-autre/exchanges/listings/{offer.pk}").status_code == 404
    patch = foreign.patch(
        f"/api/v1/network/reseau-autre/exchanges/listings/{offer.pk}",
        {"title": "Piraté"},
        content_type="application/json",
    )
    assert patch.status_code == 404
    assert "Piraté" not in str(foreign.get("/api/v1/network/reseau-autre/exchanges/listings").json())
    # Another member of ours: reads, does not change (403), nor adds to someone else's record.
    other = token(peer.user)
    assert other.get(f"{BASE}/{offer.pk}").status_code == 200
    response = other.patch(f"{BASE}/{offer.pk}", {"title": "Piraté"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    response = other.post(
        BASE, {"member_id": owner.pk, "kind": "offer", "title": "Piraté"}, content_type="application/json"
    )
    assert response.status_code == 403
    offer.refresh_from_db()
    assert offer.title != "Piraté" and not Listing.objects.filter(title="Piraté").exists()
