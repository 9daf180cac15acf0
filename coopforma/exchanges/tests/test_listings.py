# SPDX-License-Identifier: AGPL-3.0-or-later
"""Joining the exchanges (one form: the profile, the charter, an offer AND a request, or nothing is written), the
profile, leaving, the offers and requests (create, edit, pause, close), the list with its filters, a member's page;
no points, counts or rankings anywhere."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from coopforma.accounts.tests.factories import UserFactory
from coopforma.exchanges import selectors, services
from coopforma.exchanges.models import Debrief, ExchangeFormat, Listing, ListingKind, ListingState, Member
from coopforma.exchanges.tests.factories import ListingFactory, MemberFactory, exchange_between, joined_member
from coopforma.networks.access import actor_for
from coopforma.networks.models import NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, PartnerFactory, person
from coopforma.referentiel.tests.factories import load_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def net():  # type: ignore[no-untyped-def]
    network = NetworkFactory(slug="reseau-rers")
    load_draft(network, publish=True)
    return network


def url(name: str, network, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"exchanges:{name}", kwargs={"network": network.slug, **kwargs})


def join_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "partner": "",
        "display_name": "Camille du Tiers-lieu",
        "presentation": "Je coordonne un tiers-lieu rural.",
        "city": "Lyon",
        "travel_km": "80",
        "email": "camille@example.org",
        "phone": "06 00 00 00 01",
        "digest": "on",
        "charter_accepted": "on",
        "offer_title": "Animer une assemblée en gouvernance partagée",
        "offer_description": "Nos outils de décision par consentement.",
        "offer_competencies": ["M1-C2"],
        "offer_formats": [ExchangeFormat.VISIT, ExchangeFormat.WORKSHOP],
        "request_title": "Monter un PTCE",
        "request_formats": [ExchangeFormat.MENTORING],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- joining ------------------------------------------------------------------------------------------------------


def test_the_home_page_explains_and_shows_the_join_form_with_my_name(net, web):  # type: ignore[no-untyped-def]
    user = person(net, first_name="Camille", last_name="Martin").user
    page = web(user).get(url("home", net))
    text = page.content.decode()
    assert page.status_code == 200
    assert "réciproque" in text and "charte" in text.lower() and 'value="Camille Martin"' in text
    assert 'name="offer_title"' in text and 'name="request_title"' in text


def test_joining_writes_the_member_with_its_offer_and_request(net, web):  # type: ignore[no-untyped-def]
    user = person(net).user
    response = web(user).post(url("home", net), join_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    member = Member.objects.get(network=net, user=user)
    assert member.joined_at and member.charter_accepted_at and member.partner is None
    assert (member.city, member.insee_code, member.department) == ("Lyon", "69123", "69")
    assert member.latitude and member.longitude and member.travel_km == 80 and not member.on_map
    offer = member.listings.get(kind=ListingKind.OFFER)
    request = member.listings.get(kind=ListingKind.REQUEST)
    assert [c.code for c in offer.competencies.all()] == ["M1-C2"]
    assert offer.formats == [ExchangeFormat.VISIT, ExchangeFormat.WORKSHOP] and offer.insee_code == "69123"
    assert request.title == "Monter un PTCE" and request.state == ListingState.OPEN
    home = web(user).get(url("home", net)).content.decode()
    assert "Mon inscription" in home and "Monter un PTCE" in home and 'name="offer_title"' not in home


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"request_title": ""}, "request_title", "Indiquez au moins un savoir-faire que vous cherchez"),
        ({"offer_title": ""}, "offer_title", "Indiquez au moins un savoir-faire que vous proposez"),
        ({"charter_accepted": None}, "charter_accepted", "Acceptez la charte"),
        ({"city": "Zzyzxville"}, "city", "Commune inconnue"),
        ({"offer_competencies": ["ZZ-9"]}, "offer_competencies", "Sélectionnez un choix valide"),
    ],
)
def test_a_refused_join_writes_nothing_and_says_why_in_french(net, web, overrides, field, message):  # type: ignore[no-untyped-def]
    user = person(net).user
    response = web(user).post(url("home", net), join_data(**overrides))
    assert response.status_code == 200
    assert message in " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert not Member.objects.exists() and not Listing.objects.exists()


def test_the_service_refuses_an_unknown_competency_and_a_join_without_request(net):  # type: ignore[no-untyped-def]
    actor = actor_for(person(net).user, net)
    base = {"display_name": "A", "city": "Rennes", "charter_accepted": True}
    with pytest.raises(Exception) as refused:
        services.member_join(actor=actor, offers=[{"title": "x", "competencies": ["ZZ-9"]}], requests=[], **base)
    errors = refused.value.message_dict  # type: ignore[attr-defined]
    assert "ZZ-9" in errors["offer_competencies"][0] and "cherchez" in errors["request_title"][0]
    assert not Member.objects.exists()


def test_a_partner_manager_without_role_joins_for_their_structure(net, web):  # type: ignore[no-untyped-def]
    manager = UserFactory()
    partner = PartnerFactory(network=net, name="La Fabrique")
    partner.managers.add(manager)
    client = web(manager)
    page = client.get(url("home", net))
    assert page.status_code == 200 and "La Fabrique" in page.content.decode()
    # Without a role, not for themself.
    response = client.post(url("home", net), join_data(partner=""))
    assert response.status_code == 200 and not Member.objects.exists()
    response = client.post(url("home", net), join_data(partner=str(partner.pk), display_name="La Fabrique"))
    assert response.status_code == 302
    member = Member.objects.get()
    assert member.partner == partner and member.user == manager and member.joined_at


def test_a_partner_joined_once_cannot_be_joined_again_by_another_manager(net):  # type: ignore[no-untyped-def]
    partner = PartnerFactory(network=net)
    first, second = UserFactory(), UserFactory()
    partner.managers.add(first, second)
    data = {"display_name": "P", "city": "Lyon", "charter_accepted": True}
    listings = {"offers": [{"title": "o"}], "requests": [{"title": "r"}]}
    services.member_join(actor=actor_for(first, net), partner_id=partner.pk, **data, **listings)
    with pytest.raises(Exception, match="déjà inscrite"):
        services.member_join(actor=actor_for(second, net), partner_id=partner.pk, **data, **listings)
    # …and someone who does not manage it cannot join for it.
    with pytest.raises(Exception, match="ne gérez pas"):
        services.member_join(actor=actor_for(person(net).user, net), partner_id=partner.pk, **data, **listings)
    assert Member.objects.count() == 1


def test_the_profile_is_edited_by_its_person(net, web):  # type: ignore[no-untyped-def]
    member = joined_member(net)
    client = web(member.user)
    page = client.get(url("member_edit", net, member_id=member.pk))
    assert page.status_code == 200 and member.display_name in page.content.decode()
    data = {"display_name": "Nouveau nom", "city": "35000", "travel_km": "10", "email": "", "phone": ""}
    response = client.post(url("member_edit", net, member_id=member.pk), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.display_name, member.city, member.department, member.travel_km) == (
        "Nouveau nom",
        "Rennes",
        "35",
        10,
    )
    response = client.post(url("member_edit", net, member_id=member.pk), {**data, "city": "Nullepart-sur-Rien"})
    assert response.status_code == 200 and "Commune inconnue" in response.content.decode()
    member.refresh_from_db()
    assert member.city == "Rennes"


def test_leaving_deletes_the_member_and_its_listings(net, web):  # type: ignore[no-untyped-def]
    member = joined_member(net)
    client = web(member.user)
    page = client.get(url("member_leave", net, member_id=member.pk)).content.decode()
    assert "Seront supprimés" in page and member.listings.first().title in page
    assert client.post(url("member_leave", net, member_id=member.pk)).status_code == 302
    assert not Member.objects.exists() and not Listing.objects.exists()


def test_leaving_after_an_exchange_keeps_the_debrief_under_an_anonymous_name(net, web):  # type: ignore[no-untyped-def]
    provider, learner = joined_member(net), joined_member(net)
    exchange = exchange_between(provider, learner)
    participant = exchange.participants.get(member=learner)
    Debrief.objects.create(participant=participant, learnt="La décision par consentement")
    web(learner.user).post(url("member_leave", net, member_id=learner.pk))
    learner.refresh_from_db()
    assert learner.display_name == "Ancien·ne membre" and not learner.email and not learner.phone
    assert not learner.city and learner.joined_at is None and not learner.listings.exists()
    assert Debrief.objects.get().learnt == "La décision par consentement"
    # Gone from the lists, and joining again reuses the record.
    assert learner not in selectors.my_members(actor=actor_for(learner.user, net))
    response = web(learner.user).post(url("home", net), join_data())
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.joined_at and learner.display_name == "Camille du Tiers-lieu"


# --- listings -----------------------------------------------------------------------------------------------------


def test_a_member_adds_edits_pauses_and_closes_an_offer(net, web):  # type: ignore[no-untyped-def]
    member = joined_member(net)
    client = web(member.user)
    page = client.get(url("listing_create", net) + f"?member={member.pk}&kind=request")
    assert page.status_code == 200 and page.context["form"].initial["kind"] == "request"
    start = timezone.localdate() + dt.timedelta(days=10)
    data = {
        "member": str(member.pk),
        "kind": "offer",
        "title": "Faciliter l'intelligence collective",
        "description": "Ateliers d'intelligence collective",
        "competencies": ["M1-C2"],
        "level": "maitrise",
        "formats": ["workshop", "codevelopment"],
        "is_remote": "on",
        "city": "",
        "available_from": start.isoformat(),
        "available_until": (start + dt.timedelta(days=30)).isoformat(),
        "availability": "le mardi",
        "conditions": "cost_sharing",
    }
    response = client.post(url("listing_create", net), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    listing = Listing.objects.get(title="Faciliter l'intelligence collective")
    assert listing.city == member.city and listing.department == member.department and listing.is_remote
    assert listing.level == "maitrise" and listing.formats == ["workshop", "codevelopment"]
    page = client.get(url("listing", net, listing_id=listing.pk)).content.decode()
    assert "Atelier" in page and "Codéveloppement" in page and "Maîtrise" in page and "Partage des frais" in page
    # Dates in the wrong order: refused, nothing changed.
    bad = {**data, "available_until": (start - dt.timedelta(days=1)).isoformat(), "title": "Changé"}
    bad.pop("member")
    bad.pop("kind")
    response = client.post(url("listing_edit", net, listing_id=listing.pk), bad)
    assert response.status_code == 200 and "doit suivre leur début" in response.content.decode()
    listing.refresh_from_db()
    assert listing.title == "Faciliter l'intelligence collective"
    response = client.post(
        url("listing_edit", net, listing_id=listing.pk), {**bad, "available_until": "", "city": "Rennes"}
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.title == "Changé" and listing.department == "35"
    client.post(url("listing_state", net, listing_id=listing.pk), {"state": "paused"})
    listing.refresh_from_db()
    assert listing.state == ListingState.PAUSED
    client.post(url("listing_state", net, listing_id=listing.pk), {"state": "closed"})
    listing.refresh_from_db()
    assert listing.state == ListingState.CLOSED
    client.post(url("listing_state", net, listing_id=listing.pk), {"state": "nonsense"})
    listing.refresh_from_db()
    assert listing.state == ListingState.CLOSED


def test_the_edit_page_suggests_competencies_from_the_text(net, web):  # type: ignore[no-untyped-def]
    member = joined_member(net)
    listing = ListingFactory(member=member, title="Faciliter l'intelligence collective", description="")
    page = web(member.user).get(url("listing_edit", net, listing_id=listing.pk)).content.decode()
    assert "pourraient correspondre" in page and "M1-C2" in page


def test_the_list_filters_the_open_listings_of_joined_members_of_this_network(net, web):  # type: ignore[no-untyped-def]
    me = joined_member(net)
    lyon = joined_member(net, display_name="Coop Lyon")
    rennes = joined_member(net, display_name="Tiers-lieu Rennes", city="Rennes", insee_code="35238", department="35")
    visit = ListingFactory(member=rennes, title="Visiter une ressourcerie", formats=["visit"], is_remote=False)
    remote = ListingFactory(
        member=lyon, title="Mentorat gouvernance", kind=ListingKind.REQUEST, formats=["mentoring"], is_remote=True
    )
    version = selectors.competencies(network=net)
    remote.competencies.add(version.get(code="M1-C2"))
    ListingFactory(member=lyon, title="En pause", state=ListingState.PAUSED)
    not_joined = MemberFactory(network=net, joined_at=None)
    ListingFactory(member=not_joined, title="Pas encore inscrit")
    elsewhere = joined_member(NetworkFactory())
    ListingFactory(member=elsewhere, title="Autre réseau")

    client = web(me.user)

    def titles(**params):  # type: ignore[no-untyped-def]
        response = client.get(url("listings", net), params)
        assert response.status_code == 200
        return {listing.title for listing in response.context["listings"]}

    everything = titles()
    assert {"Visiter une ressourcerie", "Mentorat gouvernance"} <= everything
    assert not everything & {"En pause", "Pas encore inscrit", "Autre réseau"}
    assert titles(kind="request") == {
        x.title for x in Listing.objects.filter(network=net, kind="request", member__joined_at__isnull=False)
    }
    assert titles(competency="M1-C2") == {"Mentorat gouvernance"}
    assert titles(format="visit") >= {"Visiter une ressourcerie"} and "Mentorat gouvernance" not in titles(
        format="visit"
    )
    assert titles(department="35") == {x.title for x in rennes.listings.all()} | {"Visiter une ressourcerie"}
    assert titles(remote="on") == {"Mentorat gouvernance"}
    assert titles(q="ressourcerie") == {"Visiter une ressourcerie"}
    assert "Visiter une ressourcerie" in titles(q="Rennes")  # the member's name
    assert visit.pk


def test_the_list_has_constant_queries(net, web, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    me = joined_member(net)
    client = web(me.user)
    for _ in range(3):
        listing = ListingFactory(member=joined_member(net))
        listing.competencies.add(selectors.competencies(network=net).first())
    with django_assert_max_num_queries(20) as few:
        client.get(url("listings", net), {"q": "gouvernance"})
    for _ in range(20):
        listing = ListingFactory(member=joined_member(net))
        listing.competencies.add(*selectors.competencies(network=net)[:2])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("listings", net), {"q": "gouvernance"})
    assert len(response.context["listings"]) == 30  # a full page


def test_the_member_page_and_the_home_have_constant_queries(net, web, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    me = joined_member(net)
    client = web(me.user)
    with django_assert_max_num_queries(40) as few:
        client.get(url("member", net, member_id=me.pk))
        client.get(url("home", net))
    for _ in range(10):
        ListingFactory(member=me).competencies.add(*selectors.competencies(network=net)[:2])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("member", net, member_id=me.pk))
        client.get(url("home", net))


def test_a_listing_page_shows_who_but_never_the_contact(net, web):  # type: ignore[no-untyped-def]
    owner = joined_member(net, display_name="Camille", email="secret@example.org", phone="06 99 88 77 66")
    listing = owner.listings.get(kind=ListingKind.OFFER)
    reader = joined_member(net)
    for page in (
        url("listing", net, listing_id=listing.pk),
        url("member", net, member_id=owner.pk),
        url("listings", net),
    ):
        text = web(reader.user).get(page).content.decode()
        assert "Camille" in text and "secret@example.org" not in text and "06 99 88 77 66" not in text, page
    assert "exchanges/_ask.html" in [
        t.name for t in web(reader.user).get(url("listing", net, listing_id=listing.pk)).templates
    ]


def test_a_member_page_shows_its_open_offers_and_requests(net, web):  # type: ignore[no-untyped-def]
    owner = joined_member(net)
    ListingFactory(member=owner, title="Fermée", state=ListingState.CLOSED)
    text = web(joined_member(net).user).get(url("member", net, member_id=owner.pk)).content.decode()
    for listing in owner.listings.filter(state=ListingState.OPEN):
        assert listing.title in text
    assert "Fermée" not in text


NO_RANKING = re.compile(
    r"\bpoints?\b|classement|\bscore\b|\brang\b|nombre d.échanges|échanges réalisés|\bsolde\b", re.I
)


def test_no_points_counts_or_rankings_anywhere(net, web, api, org):  # type: ignore[no-untyped-def]
    """All knowledge has equal value (the RERS' principle): no page or route shows points, balances, counts of
    exchanges or a ranking of the members."""
    provider, learner = joined_member(net), joined_member(net)
    exchange_between(provider, learner)
    client = web(provider.user)
    listing = provider.listings.get(kind=ListingKind.OFFER)
    for page in (
        url("home", net),
        url("listings", net),
        url("listing", net, listing_id=listing.pk),
        url("member", net, member_id=learner.pk),
        url("member", net, member_id=provider.pk),
    ):
        text = re.sub(r"<[^>]+>", " ", client.get(page).content.decode())
        assert not NO_RANKING.search(text.replace("pas de points, pas de classement", "")), page
    from coopforma.accounts.tests.factories import MembershipFactory

    MembershipFactory(user=provider.user, organisation=org, role="trainer")
    body = api(provider.user, org).get(f"/api/v1/network/{net.slug}/exchanges/listings").json()
    keys = set(body["items"][0]) | set(body["items"][0]["member"])
    assert not keys & {"score", "points", "rank", "balance", "exchanges", "exchange_count", "email", "phone"}


def test_a_person_without_role_in_the_network_is_refused(net, web):  # type: ignore[no-untyped-def]
    """The network's roles all join (`exchanges.join`); a user with none gets 403."""
    assert web(UserFactory()).get(url("home", net)).status_code == 403
    facilitator = person(net, NetworkRole.FACILITATOR).user
    assert web(facilitator).get(url("home", net)).status_code == 200


def test_the_network_space_links_to_the_exchanges_for_who_may_join(net, web):  # type: ignore[no-untyped-def]
    link = url("home", net)
    space = reverse("networks:manage", kwargs={"network": net.slug})
    assert link in web(person(net).user).get(space).content.decode()
    manager = UserFactory()
    PartnerFactory(network=net).managers.add(manager)
    page = web(manager).get(space)
    assert page.status_code == 200 and link in page.content.decode()


def test_the_join_page_sends_back_home_when_there_is_nothing_left_to_join(net, web):  # type: ignore[no-untyped-def]
    member = joined_member(net)
    response = web(member.user).get(url("join", net))
    assert response.status_code == 302 and response["Location"] == url("home", net)
    partner = PartnerFactory(network=net, name="La Ressourcerie")
    partner.managers.add(member.user)
    page = web(member.user).get(url("join", net))
    assert page.status_code == 200 and "La Ressourcerie" in page.content.decode()
    assert [value for value, _label in page.context["form"].fields["partner"].choices] == [str(partner.pk)]
