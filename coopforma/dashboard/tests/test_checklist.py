# SPDX-License-Identifier: AGPL-3.0-or-later
"""The « Premiers pas » checklist: each item follows the records, only the organisation's administrators see
it, it disappears once complete, and another organisation's administrator never reaches ours."""

import datetime as dt

import pytest
from django.urls import reverse

from coopforma.accounts.models import SignatoryChoice
from coopforma.dashboard.checklist import first_run_checklist
from coopforma.documents.models import DocumentTemplate

pytestmark = pytest.mark.django_db


def _states(actor) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    actor.organisation.refresh_from_db()
    checklist = first_run_checklist(actor=actor)
    assert checklist is not None
    return {item.url_name + "|" + item.label: item.done for item in checklist.items}


def _state(actor, label: str) -> bool:  # type: ignore[no-untyped-def]
    return next(done for key, done in _states(actor).items() if key.endswith("|" + label))


def _complete(org, member) -> None:  # type: ignore[no-untyped-def]
    from coopforma.catalogue.tests.factories import TrainingFactory

    org.qualiopi_certificate_number = "CERT-2026-001"
    org.qualiopi_valid_until = dt.date(2028, 3, 31)
    org.head_email = "presidence@example.org"
    org.iban = "FR7630006000011234567890189"
    org.save()
    DocumentTemplate.objects.create(organisation=org, kind="convocation", name="Convocation", body="= Convocation")
    TrainingFactory(organisation=org, member_structure=member)


def test_each_item_follows_the_records(org, member, admin_actor):  # type: ignore[no-untyped-def]
    from coopforma.catalogue.tests.factories import TrainingFactory

    # The factory's organisation has its SIRET, NDA and head's name, nothing else.
    assert _state(admin_actor, "Identité de l'organisme") is True
    for label in ("Certificat Qualiopi", "Signataire des documents", "Coordonnées bancaires",
                  "Modèles de documents relus", "Première formation"):  # fmt: skip
        assert _state(admin_actor, label) is False, label

    org.nda = ""
    org.save()
    assert _state(admin_actor, "Identité de l'organisme") is False

    org.qualiopi_certificate_number = "CERT-2026-001"
    org.save()
    assert _state(admin_actor, "Certificat Qualiopi") is False  # no end date yet
    org.qualiopi_valid_until = dt.date(2028, 3, 31)
    org.save()
    assert _state(admin_actor, "Certificat Qualiopi") is True

    org.head_email = "presidence@example.org"
    org.save()
    assert _state(admin_actor, "Signataire des documents") is True
    # A delegate signs: named, reachable and with the date of the delegation.
    org.signatory = SignatoryChoice.DELEGATE
    org.delegate_name = "Jean Délégué"
    org.delegate_email = "jean@example.org"
    org.save()
    assert _state(admin_actor, "Signataire des documents") is False
    org.delegation_date = dt.date(2026, 9, 1)
    org.save()
    assert _state(admin_actor, "Signataire des documents") is True

    org.iban = "FR7630006000011234567890189"
    org.save()
    assert _state(admin_actor, "Coordonnées bancaires") is True

    DocumentTemplate.objects.create(organisation=org, kind="convocation", name="Convocation", body="= Convocation")
    assert _state(admin_actor, "Modèles de documents relus") is True

    TrainingFactory(organisation=org, member_structure=member)
    assert _state(admin_actor, "Première formation") is True


def test_another_organisations_records_do_not_count(org, other_org, admin_actor):  # type: ignore[no-untyped-def]
    from coopforma.catalogue.tests.factories import TrainingFactory

    DocumentTemplate.objects.create(organisation=other_org, kind="convocation", name="Leur", body="= Leur")
    TrainingFactory(organisation=other_org)
    assert _state(admin_actor, "Modèles de documents relus") is False
    assert _state(admin_actor, "Première formation") is False


def test_the_checklist_is_one_query(org, admin_actor, django_assert_num_queries):  # type: ignore[no-untyped-def]
    with django_assert_num_queries(1):
        first_run_checklist(actor=admin_actor)


def test_the_admin_sees_it_with_a_link_to_each_page_to_fix(web, org, admin_user):  # type: ignore[no-untyped-def]
    text = web(admin_user).get(reverse("dashboard:home", kwargs={"org": org.slug})).text
    assert "Premiers pas" in text
    assert "Avant la première session : 1 sur 6 fait." in text
    assert f'href="{reverse("org:settings", kwargs={"org": org.slug})}">Certificat Qualiopi</a>' in text
    assert f'href="{reverse("documents:template_list", kwargs={"org": org.slug})}">Modèles de documents relus' in text
    assert f'href="{reverse("catalogue:create", kwargs={"org": org.slug})}">Première formation</a>' in text


def test_it_disappears_once_everything_is_done(web, org, member, admin_user, admin_actor):  # type: ignore[no-untyped-def]
    _complete(org, member)
    org.refresh_from_db()
    assert first_run_checklist(actor=admin_actor) is None
    text = web(admin_user).get(reverse("dashboard:home", kwargs={"org": org.slug})).text
    assert "Premiers pas" not in text


@pytest.mark.parametrize("role", ["quality_user", "manager_user", "trainer_user"])
def test_only_the_administrators_see_it(request, web, org, role):  # type: ignore[no-untyped-def]
    response = web(request.getfixturevalue(role)).get(reverse("dashboard:home", kwargs={"org": org.slug}))
    assert response.status_code == 200
    assert "Premiers pas" not in response.text


def test_another_organisations_admin_gets_404_on_our_dashboard(web, org, stranger):  # type: ignore[no-untyped-def]
    assert web(stranger).get(reverse("dashboard:home", kwargs={"org": org.slug})).status_code == 404


def test_another_organisations_admin_sees_their_own_checklist_only(web, org, member, other_org, stranger):  # type: ignore[no-untyped-def]
    # Ours is complete, theirs is not: their dashboard shows their own state, never ours.
    _complete(org, member)
    text = web(stranger).get(reverse("dashboard:home", kwargs={"org": other_org.slug})).text
    assert "Avant la première session : 1 sur 6 fait." in text
    assert f"/o/{org.slug}/" not in text


def test_the_admin_may_hide_it_until_the_next_login(web, org, admin_user):  # type: ignore[no-untyped-def]
    client = web(admin_user)
    home = reverse("dashboard:home", kwargs={"org": org.slug})
    response = client.post(reverse("dashboard:checklist_dismiss", kwargs={"org": org.slug}))
    assert response.status_code == 302 and response["Location"] == home
    assert "Premiers pas" not in client.get(home).text
    # A new login session: still something to do, so it is back.
    assert "Premiers pas" in web(admin_user).get(home).text


@pytest.mark.parametrize(("role", "status"), [("quality_user", 403), ("manager_user", 403), ("trainer_user", 403),
                                              ("stranger", 404)])  # fmt: skip
def test_only_our_admins_may_hide_it(request, web, org, role, status):  # type: ignore[no-untyped-def]
    url = reverse("dashboard:checklist_dismiss", kwargs={"org": org.slug})
    assert web(request.getfixturevalue(role)).post(url).status_code == status


def test_hiding_it_needs_a_post(web, org, admin_user):  # type: ignore[no-untyped-def]
    url = reverse("dashboard:checklist_dismiss", kwargs={"org": org.slug})
    assert web(admin_user).get(url).status_code == 405
