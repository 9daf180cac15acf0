# SPDX-License-Identifier: AGPL-3.0-or-later
"""The « ? Aide » links of the exchanges of know-how: every page a person opens has its section of the guide
(docs/guide/echanges.md for the members, docs/guide/animation-des-echanges.md for the facilitators), and the pages
show the link. A network page has no organisation: the link opens the guide without an account (/aide/…)."""

import datetime as dt

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from coopforma.exchanges.models import (
    Artefact,
    ArtefactKind,
    ExchangeKind,
    Licence,
    ListingKind,
    Milestone,
    Suggestion,
)
from coopforma.exchanges.tests.factories import exchange_between, joined_member
from coopforma.help.links import HELP_LINKS, help_target
from coopforma.networks.models import NetworkOrganisation, NetworkPerson, NetworkRole
from coopforma.networks.tests.factories import NetworkFactory, person

pytestmark = pytest.mark.django_db

# Routes that answer a POST (a button on another page) or give a file: no page to explain.
NOT_PAGES = {
    "listing_state",
    "listing_ask",
    "suggestion_dismiss",
    "exchange_consent",
    "exchange_map_consent",
    "step_delete",
    "log_entry_create",
    "milestone_mark",
    "milestone_delete",
    "artefact_agree",
    "gogocarto_json",
    "gogocarto_csv",
    "outbox_resend",
    "mail_text_reset",
    "artefact_file",
    "artefact_public_file",
}


def test_every_page_of_the_exchanges_has_a_help_target():  # type: ignore[no-untyped-def]
    _prefix, resolver = get_resolver().namespace_dict["exchanges"]
    names = {name for name in resolver.reverse_dict if isinstance(name, str)}
    pages = {f"exchanges:{name}" for name in names - NOT_PAGES}
    assert pages <= set(HELP_LINKS), sorted(pages - set(HELP_LINKS))


def test_members_pages_and_facilitators_pages_have_their_own_guide():  # type: ignore[no-untyped-def]
    assert help_target("exchanges:listings", None) == ("echanges", "parcourir-les-offres-et-demandes")
    assert help_target("exchanges:suggestions", None) == ("animation-des-echanges", "la-file-des-mises-en-relation")
    assert help_target("exchanges:exchange_bridge", "admin") == (
        "animation-des-echanges",
        "transformer-un-echange-en-action-de-formation",
    )


@pytest.fixture
def scene(org, admin_user):  # type: ignore[no-untyped-def]
    """A network `org` belongs to; two joined members, a planned exchange between them whose step is over (with
    attendance, a milestone, an artefact), a suggestion; `admin_user` (OF admin) facilitates the network."""

    class Scene:
        pass

    s = Scene()
    s.net = NetworkFactory(slug="reseau-aide")
    NetworkOrganisation.objects.create(network=s.net, organisation=org)
    NetworkPerson.objects.create(network=s.net, user=admin_user, role=NetworkRole.FACILITATOR)
    s.facilitator = admin_user
    s.provider = joined_member(s.net, display_name="Qui transmet")
    s.learner = joined_member(s.net, display_name="Qui apprend")
    s.offer = s.provider.listings.get(kind=ListingKind.OFFER)
    s.request = s.learner.listings.get(kind=ListingKind.REQUEST)
    s.suggestion = Suggestion.objects.create(network=s.net, offer=s.offer, request=s.request, score=60)
    s.exchange = exchange_between(
        s.provider,
        s.learner,
        kind=ExchangeKind.EXCHANGE,
        starts_on=timezone.localdate() - dt.timedelta(days=2),
        attendance_required=True,
        facilitator=admin_user,
    )
    s.step = s.exchange.steps.get()
    s.milestone = Milestone.objects.create(exchange=s.exchange, title="Premier jalon")
    s.artefact = Artefact.objects.create(
        exchange=s.exchange,
        kind=ArtefactKind.SHEET,
        title="Fiche",
        body="Ce que nous avons appris.",
        licence=Licence.CC_BY_SA,
    )
    s.artefact.authors.add(s.learner)
    s.member_user = s.learner.user
    s.newcomer = person(s.net, NetworkRole.MEMBER).user
    return s


def _kwargs(s, name: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    ids = {
        "member_id": s.learner.pk,
        "listing_id": s.offer.pk,
        "exchange_id": s.exchange.pk,
        "step_id": s.step.pk,
        "milestone_id": s.milestone.pk,
        "artefact_id": s.artefact.pk,
        "suggestion_id": s.suggestion.pk,
    }
    needs = {
        "member": ["member_id"],
        "member_edit": ["member_id"],
        "member_leave": ["member_id"],
        "listing": ["listing_id"],
        "exchange": ["exchange_id"],
        "debrief": ["exchange_id"],
        "artefact_create": ["exchange_id"],
        "artefact": ["exchange_id", "artefact_id"],
        "exchange_edit": ["exchange_id"],
        "exchange_state": ["exchange_id"],
        "step_create": ["exchange_id"],
        "step_edit": ["exchange_id", "step_id"],
        "step_attendance": ["exchange_id", "step_id"],
        "milestone_create": ["exchange_id"],
        "milestone_edit": ["exchange_id", "milestone_id"],
        "exchange_bridge": ["exchange_id"],
        "exchange_bridge_done": ["exchange_id"],
        "suggestion_arrange": ["suggestion_id"],
    }
    return {"network": s.net.slug, **{key: ids[key] for key in needs.get(name, [])}}


def _expected_href(name: str) -> str:
    page, anchor = help_target(f"exchanges:{name}", None)  # type: ignore[misc]
    return f'href="{reverse(f"help:{page}")}#{anchor}"'


MEMBER_PAGES = [
    "home",
    "member",
    "member_edit",
    "member_leave",
    "listings",
    "listing",
    "listing_create",
    "exchanges",
    "exchange",
    "debrief",
    "artefact_create",
    "artefact",
]
FACILITATOR_PAGES = [
    "suggestions",
    "suggestion_arrange",
    "exchanges",
    "exchange",
    "exchange_edit",
    "exchange_state",
    "step_create",
    "step_edit",
    "step_attendance",
    "milestone_create",
    "milestone_edit",
    "expedition_create",
    "transfer_create",
    "exchange_bridge",
    "exchange_bridge_done",
]


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_a_members_pages_link_to_the_members_guide(web, scene, name):  # type: ignore[no-untyped-def]
    response = web(scene.member_user).get(reverse(f"exchanges:{name}", kwargs=_kwargs(scene, name)))
    assert response.status_code == 200
    assert 'class="help-link"' in response.text
    assert _expected_href(name) in response.text


@pytest.mark.parametrize("name", ["home", "join"])
def test_someone_who_has_not_joined_yet_finds_how_to_join(web, scene, name):  # type: ignore[no-untyped-def]
    response = web(scene.newcomer).get(reverse(f"exchanges:{name}", kwargs={"network": scene.net.slug}))
    assert response.status_code == 200
    assert f'href="{reverse("help:echanges")}#sinscrire-aux-echanges"' in response.text


@pytest.mark.parametrize("name", FACILITATOR_PAGES)
def test_a_facilitators_pages_link_to_the_facilitators_guide(web, scene, name):  # type: ignore[no-untyped-def]
    response = web(scene.facilitator).get(reverse(f"exchanges:{name}", kwargs=_kwargs(scene, name)))
    assert response.status_code == 200
    assert _expected_href(name) in response.text


def test_the_queue_links_to_the_section_on_the_suggestions(web, scene):  # type: ignore[no-untyped-def]
    response = web(scene.facilitator).get(reverse("exchanges:suggestions", kwargs={"network": scene.net.slug}))
    assert f'href="{reverse("help:animation-des-echanges")}#la-file-des-mises-en-relation"' in response.text


def test_the_public_page_links_to_the_guide_without_an_account(client, scene):  # type: ignore[no-untyped-def]
    response = client.get(reverse("exchanges:public", kwargs={"network": scene.net.slug}))
    assert response.status_code == 200
    assert _expected_href("public") in response.text


def test_a_person_of_another_network_gets_no_help_page_but_404(web, scene):  # type: ignore[no-untyped-def]
    # The help link changes nothing to who may open the pages.
    other = NetworkFactory(slug="reseau-ailleurs")
    outsider = person(other, NetworkRole.FACILITATOR).user
    url = reverse("exchanges:exchange", kwargs={"network": other.slug, "exchange_id": scene.exchange.pk})
    assert web(outsider).get(url).status_code == 404
