# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who may do what with the offers and requests: anonymous → login; no role in the network → 403; another
network's member (or facilitator) with their own slug and our ids → 404; a member editing another member's
profile or listing → 403 and nothing changes; a paused listing is seen by its member and the facilitators only."""

import pytest
from django.urls import reverse

from coopforma.accounts.tests.factories import UserFactory
from coopforma.exchanges.models import Listing, ListingKind, ListingState, Member
from coopforma.exchanges.tests.factories import joined_member
from coopforma.networks.models import NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, PartnerFactory, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():  # type: ignore[no-untyped-def]
    class Scene:
        pass

    scene = Scene()
    scene.net = NetworkFactory(slug="reseau-nous")
    scene.other = NetworkFactory(slug="reseau-eux")
    scene.owner = joined_member(scene.net, display_name="Propriétaire")
    scene.offer = scene.owner.listings.get(kind=ListingKind.OFFER)
    scene.peer = joined_member(scene.net)
    scene.foreigner = joined_member(scene.other)
    scene.foreign_facilitator = person(scene.other, NetworkRole.FACILITATOR).user
    return scene


def pages(slug, s):  # type: ignore[no-untyped-def]
    kw = {"network": slug}
    return [
        reverse("exchanges:home", kwargs=kw),
        reverse("exchanges:join", kwargs=kw),
        reverse("exchanges:listings", kwargs=kw),
        reverse("exchanges:listing_create", kwargs=kw),
        reverse("exchanges:listing", kwargs={**kw, "listing_id": s.offer.pk}),
        reverse("exchanges:listing_edit", kwargs={**kw, "listing_id": s.offer.pk}),
        reverse("exchanges:member", kwargs={**kw, "member_id": s.owner.pk}),
        reverse("exchanges:member_edit", kwargs={**kw, "member_id": s.owner.pk}),
        reverse("exchanges:member_leave", kwargs={**kw, "member_id": s.owner.pk}),
    ]


def test_anonymous_is_sent_to_login(s, client):  # type: ignore[no-untyped-def]
    for page in pages("reseau-nous", s):
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], page


def test_someone_without_role_or_structure_gets_403(s, web):  # type: ignore[no-untyped-def]
    client = web(UserFactory())
    for page in pages("reseau-nous", s):
        assert client.get(page).status_code == 403, page


@pytest.mark.parametrize("who", ["foreigner", "foreign_facilitator"])
def test_another_networks_people_with_their_slug_and_our_ids_get_404(s, web, who):  # type: ignore[no-untyped-def]
    user = s.foreigner.user if who == "foreigner" else s.foreign_facilitator
    client = web(user)
    kw = {"network": "reseau-eux"}
    for page in [
        reverse("exchanges:listing", kwargs={**kw, "listing_id": s.offer.pk}),
        reverse("exchanges:listing_edit", kwargs={**kw, "listing_id": s.offer.pk}),
        reverse("exchanges:member", kwargs={**kw, "member_id": s.owner.pk}),
        reverse("exchanges:member_edit", kwargs={**kw, "member_id": s.owner.pk}),
        reverse("exchanges:member_leave", kwargs={**kw, "member_id": s.owner.pk}),
    ]:
        assert client.get(page).status_code == 404, page
    for page, data in [
        (reverse("exchanges:listing_edit", kwargs={**kw, "listing_id": s.offer.pk}), {"title": "Piraté"}),
        (reverse("exchanges:listing_state", kwargs={**kw, "listing_id": s.offer.pk}), {"state": "closed"}),
        (reverse("exchanges:member_leave", kwargs={**kw, "member_id": s.owner.pk}), {}),
        (reverse("exchanges:member_edit", kwargs={**kw, "member_id": s.owner.pk}), {"display_name": "Piraté"}),
    ]:
        assert client.post(page, data).status_code == 404, page
    # Their own list shows nothing of ours.
    text = client.get(reverse("exchanges:listings", kwargs=kw)).content.decode()
    assert s.offer.title not in text and "Propriétaire" not in text
    # And with our slug, as people without a role in our network: 403.
    assert client.get(reverse("exchanges:listings", kwargs={"network": "reseau-nous"})).status_code == 403
    s.offer.refresh_from_db()
    assert s.offer.title != "Piraté" and s.offer.state == ListingState.OPEN and Member.objects.filter(pk=s.owner.pk)


def test_a_member_cannot_edit_another_members_profile_or_listing(s, web):  # type: ignore[no-untyped-def]
    client = web(s.peer.user)
    kw = {"network": "reseau-nous"}
    assert client.get(reverse("exchanges:listing", kwargs={**kw, "listing_id": s.offer.pk})).status_code == 200
    edit = reverse("exchanges:listing_edit", kwargs={**kw, "listing_id": s.offer.pk})
    assert client.get(edit).status_code == 403
    assert client.post(edit, {"title": "Piraté", "conditions": "free"}).status_code == 403
    state = reverse("exchanges:listing_state", kwargs={**kw, "listing_id": s.offer.pk})
    assert client.post(state, {"state": "closed"}).status_code == 403
    for name in ("member_edit", "member_leave"):
        page = reverse(f"exchanges:{name}", kwargs={**kw, "member_id": s.owner.pk})
        assert client.get(page).status_code == 403, name
        assert client.post(page, {"display_name": "Piraté", "city": "Lyon", "travel_km": "5"}).status_code == 403
    # Creating a listing for someone else's member record: refused, nothing written.
    before = Listing.objects.count()
    response = client.post(
        reverse("exchanges:listing_create", kwargs=kw),
        {"member": str(s.owner.pk), "kind": "offer", "title": "Piraté", "conditions": "free"},
    )
    assert response.status_code == 200 and Listing.objects.count() == before
    s.offer.refresh_from_db()
    s.owner.refresh_from_db()
    assert s.offer.title != "Piraté" and s.offer.state == ListingState.OPEN and s.owner.display_name == "Propriétaire"


def test_a_paused_listing_is_seen_by_its_member_and_the_facilitators_only(s, web):  # type: ignore[no-untyped-def]
    s.offer.state = ListingState.PAUSED
    s.offer.save()
    page = reverse("exchanges:listing", kwargs={"network": "reseau-nous", "listing_id": s.offer.pk})
    assert web(s.owner.user).get(page).status_code == 200
    assert web(person(s.net, NetworkRole.FACILITATOR).user).get(page).status_code == 200
    assert web(s.peer.user).get(page).status_code == 404


def test_a_manager_of_the_structure_edits_its_listings(s, web):  # type: ignore[no-untyped-def]
    partner = PartnerFactory(network=s.net)
    first, second = UserFactory(), UserFactory()
    partner.managers.add(first, second)
    member = joined_member(s.net, user=first, partner=partner)
    listing = member.listings.get(kind=ListingKind.OFFER)
    edit = reverse("exchanges:listing_state", kwargs={"network": "reseau-nous", "listing_id": listing.pk})
    assert web(second).post(edit, {"state": "paused"}).status_code == 302
    listing.refresh_from_db()
    assert listing.state == ListingState.PAUSED
    partner.managers.remove(second)
    assert web(second).post(edit, {"state": "open"}).status_code == 403
