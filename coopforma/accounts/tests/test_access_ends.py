# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 10, point 5: access ends when it should, on the web and on the API, at the very next request.

An admin removes a member (their API tokens of the organisation are revoked), ends someone's web sessions,
revokes anyone's token; a trainer suspended (or rejected) by the committee loses their trainer login.
"""

import pytest
from django.test import Client
from django.urls import reverse

from coopforma.accounts.models import ApiToken, Membership
from coopforma.accounts.roles import Role
from coopforma.accounts.tests.factories import MembershipFactory, UserFactory
from coopforma.core.models import ActivityLog

pytestmark = pytest.mark.django_db


def _dashboard(org) -> str:  # type: ignore[no-untyped-def]
    return reverse("dashboard:home", kwargs={"org": org.slug})


def _action(name: str, org, membership) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"org:membership_{name}", kwargs={"org": org.slug, "pk": membership.pk})


def _logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    """A browser that logged in through the login page (a real session, as a person's)."""
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": "correct horse battery"})
    assert response.status_code == 302
    return client


def test_a_removed_member_loses_web_and_api_access_at_once(web, api, admin_user, trainer_user, trainer, org):
    browser = _logged_in(trainer_user)
    token_client = api(trainer_user, org)
    assert browser.get(_dashboard(org)).status_code == 200
    assert token_client.get(f"/api/v1/trainers/{trainer.pk}").status_code == 200
    membership = Membership.objects.get(user=trainer_user, organisation=org)

    response = web(admin_user).post(_action("remove", org, membership), follow=True)
    assert "n&#x27;a plus accès" in response.text

    assert browser.get(_dashboard(org)).status_code == 404
    assert token_client.get("/api/v1/me").status_code == 401
    assert token_client.get(f"/api/v1/trainers/{trainer.pk}").status_code == 401
    assert not ApiToken.objects.filter(user=trainer_user, organisation=org, revoked_at__isnull=True).exists()
    membership.refresh_from_db()
    assert (membership.state, membership.is_active) == ("removed", False)
    assert ActivityLog.objects.filter(action="accounts.membership.removed").exists()
    assert "retiré·e le" in web(admin_user).get(reverse("org:memberships", kwargs={"org": org.slug})).text


def test_ending_sessions_logs_the_person_out_of_every_browser(web, admin_user, trainer_user, trainer, org):
    first, second = _logged_in(trainer_user), _logged_in(trainer_user)
    bystander = _logged_in(admin_user)
    membership = Membership.objects.get(user=trainer_user, organisation=org)
    response = bystander.post(_action("sessions_end", org, membership))
    assert response.status_code == 302
    for browser in (first, second):
        again = browser.get(_dashboard(org))
        assert again.status_code == 302 and again["Location"].startswith(reverse("accounts:login"))
    assert bystander.get(_dashboard(org)).status_code == 200  # nobody else is logged out
    # The person may log in again: their access is unchanged.
    assert _logged_in(trainer_user).get(_dashboard(org)).status_code == 200


def test_sessions_opened_before_the_version_existed_stay_valid(trainer_user):
    """Version 0 keeps Django's own session hash: deploying this logs nobody out."""
    from django.contrib.auth.base_user import AbstractBaseUser

    assert trainer_user.get_session_auth_hash() == AbstractBaseUser.get_session_auth_hash(trainer_user)
    trainer_user.session_version = 1
    assert trainer_user.get_session_auth_hash() != AbstractBaseUser.get_session_auth_hash(trainer_user)


def test_a_suspended_trainer_loses_web_and_api_access_until_reactivated(
    web, api, quality_user, trainer_user, trainer, org
):
    browser = _logged_in(trainer_user)
    token_client = api(trainer_user, org)
    decide = reverse("people:trainer_decision", kwargs={"org": org.slug, "pk": trainer.pk})
    web(quality_user).post(decide, {"decision": "suspend", "reason": "Absences répétées"})
    trainer.refresh_from_db()
    assert trainer.onboarding_state == "suspended"

    assert browser.get(_dashboard(org)).status_code == 404
    assert token_client.get("/api/v1/me").status_code == 401
    assert token_client.get(f"/api/v1/trainers/{trainer.pk}").status_code == 401

    web(quality_user).post(decide, {"decision": "reactivate", "reason": ""})
    assert browser.get(_dashboard(org)).status_code == 200
    assert token_client.get("/api/v1/me").status_code == 200


def test_the_last_admin_cannot_be_removed_but_another_admin_can(web, admin_user, org):
    own = Membership.objects.get(user=admin_user, organisation=org)
    response = web(admin_user).post(_action("remove", org, own), follow=True)
    assert "seul·e administrateur·rice" in response.text
    own.refresh_from_db()
    assert own.state == "active"
    second = UserFactory()
    MembershipFactory(user=second, organisation=org, role=Role.ADMIN)
    web(second).post(_action("remove", org, own))
    own.refresh_from_db()
    assert own.state == "removed"
    assert web(admin_user).get(_dashboard(org)).status_code == 404


def test_a_member_removed_from_one_organisation_keeps_the_others(web, admin_user, org, other_org, stranger):
    """Removal is per organisation: the person's account and other memberships are untouched."""
    both = UserFactory()
    MembershipFactory(user=both, organisation=org, role=Role.QUALITY)
    MembershipFactory(user=both, organisation=other_org, role=Role.QUALITY)
    web(admin_user).post(_action("remove", org, Membership.objects.get(user=both, organisation=org)))
    assert web(both).get(_dashboard(org)).status_code == 404
    assert web(both).get(_dashboard(other_org)).status_code == 200


def test_another_organisation_cannot_act_on_our_members(web, stranger, trainer_user, trainer, org, other_org):
    membership = Membership.objects.get(user=trainer_user, organisation=org)
    for name in ("remove", "sessions_end", "resend"):
        # Their own organisation's URL with our membership's id: 404 from the view's own scoping.
        url = reverse(f"org:membership_{name}", kwargs={"org": other_org.slug, "pk": membership.pk})
        assert web(stranger).post(url).status_code == 404
    membership.refresh_from_db()
    trainer_user.refresh_from_db()
    assert (membership.state, trainer_user.session_version) == ("active", 0)
