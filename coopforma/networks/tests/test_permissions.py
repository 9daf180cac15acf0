# SPDX-License-Identifier: AGPL-3.0-or-later
"""The network space's permission matrix: anonymous, a user without a role, a member, a partner's manager, our
moderator, and the moderator of another network ("foreign": their own slug with our ids)."""

import pytest
from django.test import Client

from coopforma.accounts.tests.factories import UserFactory
from coopforma.networks.models import NetworkOrganisation, NetworkRole, PartnerState
from coopforma.networks.tests.factories import NetworkFactory, PartnerFactory, person
from coopforma.offers.models import OfferRelevance, RelevanceVerdict
from coopforma.offers.tests.network_factories import partner_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):
    ours, theirs = NetworkFactory(slug="nous"), NetworkFactory(slug="eux")
    proposed = PartnerFactory(network=ours, slug="propose", state=PartnerState.PROPOSED, name="Structure Zorglub")
    published = PartnerFactory(network=ours, slug="publie", state=PartnerState.PUBLISHED)
    manager = UserFactory()
    published.managers.add(manager)
    offer = partner_offer(published, status="pending")
    relevance = OfferRelevance.objects.create(
        network=ours, offer=offer, score=30, verdict=RelevanceVerdict.QUEUE, scored_at="2026-11-17T09:00Z"
    )
    membership = NetworkOrganisation.objects.create(network=ours, organisation=org)
    return {
        "ours": ours,
        "theirs": theirs,
        "proposed": proposed,
        "published": published,
        "offer": offer,
        "relevance": relevance,
        "membership": membership,
        "person": person(ours, NetworkRole.MEMBER),
        "users": {
            "moderator": person(ours, NetworkRole.MODERATOR).user,
            "member": person(ours, NetworkRole.MEMBER).user,
            "committee": person(ours, NetworkRole.COMMITTEE).user,
            "manager": manager,
            "nobody": UserFactory(),
            "foreign": person(theirs, NetworkRole.MODERATOR).user,
        },
    }


def client_for(world, role):
    if role == "anonymous":
        return Client()
    client = Client()
    client.force_login(world["users"][role])
    return client


def urls(w, slug):
    """(method, url, data) of every back-office route naming one of our records, in network `slug`."""
    base = f"/reseaux/{slug}/gerer"
    return [
        ("get", f"{base}/structures/{w['proposed'].pk}/", None),
        ("post", f"{base}/structures/{w['proposed'].pk}/", {"name": "Volée", "kind": "ptce"}),
        ("post", f"{base}/structures/{w['proposed'].pk}/publier/", {}),
        ("post", f"{base}/structures/{w['proposed'].pk}/refuser/", {"reason": "non"}),
        ("post", f"{base}/structures/{w['proposed'].pk}/gestionnaires/", {"email": "x@example.org"}),
        ("post", f"{base}/personnes/{w['person'].pk}/role/", {f"p{w['person'].pk}-role": "moderator"}),
        ("post", f"{base}/personnes/{w['person'].pk}/retirer/", {}),
        ("post", f"{base}/organisations/{w['membership'].pk}/retirer/", {}),
        ("get", f"{base}/offres/{w['offer'].pk}/", None),
        ("post", f"{base}/offres/{w['offer'].pk}/", {"title": "Volée"}),
        ("post", f"{base}/offres/{w['offer'].pk}/publier/", {}),
        ("post", f"{base}/offres/{w['offer'].pk}/refuser/", {"reason": "non"}),
        ("post", f"{base}/offres/{w['offer'].pk}/sessions/", {"session-city": "Die"}),
        ("post", f"{base}/pertinence/{w['relevance'].pk}/decider/", {"decision": "keep"}),
        ("post", f"{base}/pertinence/{w['relevance'].pk}/rouvrir/", {}),
    ]


def state(w):
    w["proposed"].refresh_from_db()
    w["offer"].refresh_from_db()
    w["relevance"].refresh_from_db()
    return (
        w["proposed"].state,
        w["proposed"].name,
        w["offer"].status,
        w["offer"].title,
        w["relevance"].decision,
        NetworkOrganisation.objects.count(),
        w["ours"].people.count(),
        w["offer"].sessions.count(),
    )


def test_another_networks_moderator_gets_404_on_our_ids_with_their_own_slug(world):
    client = client_for(world, "foreign")
    before = state(world)
    for method, url, data in urls(world, "eux"):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == 404, (method, url, response.status_code)
    assert state(world) == before
    # Their own queue shows nothing of ours.
    for url in ("/reseaux/eux/gerer/", "/reseaux/eux/gerer/structures/", "/reseaux/eux/gerer/offres/",
                "/reseaux/eux/gerer/pertinence/"):  # fmt: skip
        page = client.get(url)
        assert page.status_code == 200
        assert "Zorglub" not in page.content.decode()
        assert world["offer"].title not in page.content.decode()


@pytest.mark.parametrize("role", ["foreign", "nobody"])
def test_our_slug_is_404_for_people_without_a_role_here(world, role):
    client = client_for(world, role)
    for method, url, data in urls(world, "nous"):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == 404, (method, url)
    for url in ("/reseaux/nous/gerer/", "/reseaux/nous/gerer/personnes/", "/reseaux/nous/gerer/regles/"):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["member", "committee", "manager"])
def test_members_and_managers_cannot_moderate(world, role):
    client = client_for(world, role)
    before = state(world)
    base = "/reseaux/nous/gerer"
    for url in (f"{base}/personnes/", f"{base}/organisations/", f"{base}/pertinence/", f"{base}/regles/"):
        assert client.get(url).status_code == 403, url
    for url in (
        f"{base}/structures/{world['proposed'].pk}/publier/",
        f"{base}/offres/{world['offer'].pk}/publier/",
        f"{base}/offres/{world['offer'].pk}/refuser/",
        f"{base}/pertinence/{world['relevance'].pk}/decider/",
        f"{base}/personnes/{world['person'].pk}/retirer/",
    ):
        assert client.post(url, {"reason": "non", "decision": "keep"}).status_code == 403, url
    assert state(world) == before
    assert client.get(f"{base}/").status_code == 200


def test_a_manager_edits_their_own_offer_but_a_member_does_not_see_it(world):
    manager, member = client_for(world, "manager"), client_for(world, "member")
    url = f"/reseaux/nous/gerer/offres/{world['offer'].pk}/"
    assert member.get(url).status_code == 404
    assert member.post(url, {"title": "Volée"}).status_code == 404
    response = manager.post(url, {"title": "Nouvel intitulé"})
    assert response.status_code == 302
    world["offer"].refresh_from_db()
    assert world["offer"].title == "Nouvel intitulé"


def test_anonymous_gets_the_public_pages_only(world):
    client = Client()
    assert client.get("/reseaux/nous/").status_code == 200
    assert client.get("/reseaux/nous/structures/publie/").status_code == 200
    assert client.get("/reseaux/nous/structures/propose/").status_code == 404
    assert client.get("/reseaux/").status_code == 302
    for method, url, data in urls(world, "nous"):
        response = getattr(client, method)(url, data) if data is not None else client.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url


def test_an_unpublished_partner_or_a_private_network_is_404_publicly(world):
    client = client_for(world, "moderator")
    assert client.get("/reseaux/nous/structures/propose/").status_code == 404
    world["ours"].is_public = False
    world["ours"].save()
    assert client.get("/reseaux/nous/").status_code == 404
    assert client.get("/reseaux/nous/structures/publie/").status_code == 404
    assert client.get("/reseaux/nous/gerer/").status_code == 200


def test_our_moderator_reaches_every_route(world):
    client = client_for(world, "moderator")
    for method, url, _data in urls(world, "nous"):
        if method == "get":
            assert client.get(url).status_code == 200, url
    for url in ("/reseaux/nous/gerer/personnes/", "/reseaux/nous/gerer/organisations/",
                "/reseaux/nous/gerer/pertinence/", "/reseaux/nous/gerer/regles/", "/reseaux/"):  # fmt: skip
        assert client.get(url).status_code == 200, url
