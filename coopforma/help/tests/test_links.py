# SPDX-License-Identifier: AGPL-3.0-or-later
"""The « ? Aide » links: every mapped section exists in the guide, and each role's main pages show their link."""

import pytest
from django.urls import reverse

from coopforma.help import guide
from coopforma.help.links import HELP_LINKS, help_target
from coopforma.help.templatetags.help import help_url

pytestmark = pytest.mark.django_db


def _targets() -> list[tuple[str, str]]:
    pairs = []
    for name, target in HELP_LINKS.items():
        for value in target.values() if isinstance(target, dict) else [target]:
            pairs.append((name, value))
    return pairs


@pytest.mark.parametrize(("name", "target"), _targets())
def test_every_mapped_section_exists_in_the_guide(name, target):  # type: ignore[no-untyped-def]
    page, _, anchor = target.partition("#")
    assert page in guide.PAGES, name
    assert anchor in guide.anchors(page), f"{name} -> {target}: no heading with this id in docs/guide/{page}.md"


def test_every_mapped_url_name_exists():  # type: ignore[no-untyped-def]
    from django.urls import get_resolver

    names = set()
    resolver = get_resolver()
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        names |= {f"{namespace}:{n}" for n in sub.reverse_dict if isinstance(n, str)}
    assert set(HELP_LINKS) <= names, set(HELP_LINKS) - names


def test_a_role_specific_target_falls_back_to_the_default():  # type: ignore[no-untyped-def]
    assert help_target("sessions:detail", "trainer") == ("formateur", "vos-sessions")
    assert help_target("sessions:detail", "admin") == ("administration", "creer-une-session")
    assert help_target("dashboard:home", None) == ("index", "guide-dutilisation")
    assert help_target("healthz", "admin") is None


# --- each role's main pages --------------------------------------------------------------------------------


@pytest.fixture
def session(org, member, trainer):  # type: ignore[no-untyped-def]
    from coopforma.catalogue.tests.factories import TrainingFactory
    from coopforma.training_sessions.tests.factories import SessionFactory, SlotFactory

    training = TrainingFactory(organisation=org, member_structure=member)
    session = SessionFactory(training=training, status="confirmed")
    session.trainers.add(trainer)
    SlotFactory(session=session)
    return session


ORG_PAGES = {
    "admin_user": ["dashboard:home", "org:settings", "org:memberships", "people:member_list", "people:client_list",
                   "people:trainee_list", "people:trainer_list", "catalogue:list", "catalogue:create",
                   "sessions:list", "sessions:create", "sessions:calendar", "billing:list", "billing:reminders",
                   "reporting:bpf", "documents:template_list", "documents:outbox", "quality:dashboard"],
    "quality_user": ["dashboard:home", "catalogue:list", "quality:dashboard", "quality:complaints", "quality:audits",
                     "quality:packs", "evaluations:results", "evaluations:questionnaires", "documents:template_list"],
    "manager_user": ["dashboard:home", "people:trainer_list", "catalogue:list", "sessions:list", "billing:list",
                     "reporting:members"],
    "trainer_user": ["dashboard:home", "sessions:list", "sessions:calendar", "catalogue:list"],
}  # fmt: skip
SESSION_PAGES = {
    "admin_user": ["sessions:detail", "documents:session", "attendance:session"],
    "quality_user": ["sessions:detail", "evaluations:session_surveys"],
    "trainer_user": ["sessions:detail", "documents:session", "evaluations:session_surveys"],
}


def _expected_href(org, name: str, role: str) -> str:  # type: ignore[no-untyped-def]
    page, anchor = help_target(name, role)  # type: ignore[misc]
    return f'href="{reverse(f"help_org:{page}", kwargs={"org": org.slug})}#{anchor}"'


def _role(fixture: str) -> str:
    return {"admin_user": "admin", "quality_user": "quality", "manager_user": "member_manager",
            "trainer_user": "trainer"}[fixture]  # fmt: skip


@pytest.mark.parametrize(("who", "name"), [(who, name) for who, names in ORG_PAGES.items() for name in names])
def test_each_roles_main_pages_have_a_help_link(request, web, org, who, name):  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(who)
    if who == "trainer_user":
        request.getfixturevalue("trainer")
    response = web(user).get(reverse(name, kwargs={"org": org.slug}))
    assert response.status_code == 200
    assert 'class="help-link"' in response.text
    assert _expected_href(org, name, _role(who)) in response.text


@pytest.mark.parametrize(("who", "name"), [(who, name) for who, names in SESSION_PAGES.items() for name in names])
def test_the_session_pages_have_a_help_link(request, web, org, session, who, name):  # type: ignore[no-untyped-def]
    kwargs = {"org": org.slug, "session_id" if name != "sessions:detail" else "pk": session.pk}
    response = web(request.getfixturevalue(who)).get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert _expected_href(org, name, _role(who)) in response.text


def test_the_trainers_attendance_page_links_to_the_qr_code_section(web, org, session, trainer_user):  # type: ignore[no-untyped-def]
    slot = session.slots.get()
    response = web(trainer_user).get(reverse("attendance:slot", kwargs={"org": org.slug, "slot_id": slot.pk}))
    assert response.status_code == 200
    assert _expected_href(org, "attendance:slot", "trainer") in response.text
    assert "ouvrir-lemargement-et-afficher-le-qr-code" in response.text


@pytest.mark.parametrize(
    ("name", "target"),
    [("public:portal", "client#votre-espace-client-ou-stagiaire"), ("public:verify", "client#verifier-un-document"),
     ("emargement:home", "stagiaire#emarger-sur-votre-telephone")],
)  # fmt: skip
def test_pages_without_an_account_link_to_the_public_guide(client, name, target):  # type: ignore[no-untyped-def]
    response = client.get(reverse(name))
    page, _, anchor = target.partition("#")
    assert f'href="{reverse(f"help:{page}")}#{anchor}"' in response.text
    # And the footer's « Aide » opens the guide without an account.
    assert f'<a href="{reverse("help:index")}">Aide</a>' in response.text


def test_a_page_without_a_mapping_has_no_help_link(web, org, admin_user):  # type: ignore[no-untyped-def]
    response = web(admin_user).get(reverse("org:api_tokens", kwargs={"org": org.slug}))
    assert response.status_code == 200
    assert 'class="help-link"' not in response.text


def test_help_url_without_a_resolved_page_is_empty():  # type: ignore[no-untyped-def]
    assert help_url(None, None) == ""
