# SPDX-License-Identifier: AGPL-3.0-or-later
"""Invitations, through HTTP: an organisation invites an address; only the mailbox's owner can accept or decline,
and the inviting admin learns nothing about accounts elsewhere."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopforma.accounts import services
from coopforma.accounts.models import Membership, User
from coopforma.core.models import OutboundEmail

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-solide-42"


@pytest.fixture(autouse=True)
def _site(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://of.example"


def _users_url(org) -> str:  # type: ignore[no-untyped-def]
    return reverse("org:memberships", kwargs={"org": org.slug})


def _invite(client, org, email, role="quality", capture=None, **extra):  # type: ignore[no-untyped-def]
    """Post the users page's form, sending the e-mail at once; returns the page after the redirect."""
    with capture(execute=True):
        return client.post(_users_url(org), {"email": email, "role": role, **extra}, follow=True)


def _link(email: str) -> str:
    """The path of the last invitation e-mailed to `email` (as its addressee receives it)."""
    body = [m for m in mail.outbox if email in m.to][-1].body
    return re.findall(r"https://of\.example(/accounts/invitation/[\w-]+/)", body)[-1]


def _messages(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(str(m) for m in response.context["messages"])


def test_a_new_person_chooses_a_password_and_joins(web, admin_user, org, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    _invite(web(admin_user), org, "nina@example.org", first_name="Nina", capture=django_capture_on_commit_callbacks)
    membership = Membership.objects.get(user__email="nina@example.org", organisation=org)
    assert (membership.state, membership.is_active, membership.invited_by) == ("invited", False, admin_user)
    stored = OutboundEmail.objects.get(purpose="membership_invitation")
    assert "/accounts/invitation/" not in stored.body and "masqué" in stored.readable_body

    person = Client()
    opened = person.get(_link("nina@example.org"), follow=True)
    assert opened.redirect_chain[-1][0] == reverse("accounts:invitation")  # the token leaves the address bar
    assert org.name in opened.text and 'name="password1"' in opened.text and 'value="Nina"' in opened.text
    joined = person.post(
        reverse("accounts:invitation"),
        {"action": "accept", "first_name": "Nina", "last_name": "Simone", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    assert joined.redirect_chain[-1][0] == reverse("dashboard:home", kwargs={"org": org.slug})
    membership.refresh_from_db()
    assert (membership.state, membership.is_active, membership.invitation_token_hash) == ("active", True, None)
    assert User.objects.get(email="nina@example.org").check_password(PASSWORD)
    # The link is spent.
    assert Client().get(_link("nina@example.org")).status_code == 404
    users = web(admin_user).get(_users_url(org)).text
    assert "Nina Simone" in users and "invitation acceptée le" in users


def test_the_admin_is_told_the_same_whether_the_address_has_an_account_elsewhere(
    web, admin_user, org, stranger, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    client = web(admin_user)
    new = _invite(client, org, "inconnu@example.org", first_name="X", capture=django_capture_on_commit_callbacks)
    known = _invite(client, org, stranger.email, first_name="X", capture=django_capture_on_commit_callbacks)
    assert new.redirect_chain == known.redirect_chain
    assert _messages(new).replace("inconnu@example.org", "@") == _messages(known).replace(stranger.email, "@")
    # What the organisation's staff can read of the two e-mails is word for word the same.
    first, second = OutboundEmail.objects.filter(purpose="membership_invitation").order_by("id")
    assert (first.subject, first.readable_body) == (second.subject, second.readable_body)
    # The list shows neither the existing account's name nor anything that depends on it.
    page = client.get(_users_url(org)).text
    assert stranger.first_name not in page and stranger.last_name not in page
    stranger.refresh_from_db()
    assert stranger.check_password("correct horse battery") and stranger.first_name == "Sam"


def test_a_person_with_an_account_logs_in_as_themselves_to_accept(
    web, admin_user, org, stranger, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    _invite(web(admin_user), org, stranger.email, capture=django_capture_on_commit_callbacks)
    membership = Membership.objects.get(user=stranger, organisation=org)
    dashboard = reverse("dashboard:home", kwargs={"org": org.slug})
    assert web(stranger).get(dashboard).status_code == 404  # invited is not a member yet

    anonymous = Client()
    page = anonymous.get(_link(stranger.email), follow=True).text
    assert "connectez-vous pour accepter" in page and 'name="password1"' not in page
    anonymous.post(reverse("accounts:invitation"), {"action": "accept", "password1": "x", "password2": "x"})
    membership.refresh_from_db()
    assert membership.state == "invited"  # nobody accepts without logging in as the account

    # Somebody else's session cannot accept it either.
    other = web(admin_user)
    other.get(_link(stranger.email))
    assert "adressée au compte" in other.post(reverse("accounts:invitation"), {"action": "accept"}).text
    membership.refresh_from_db()
    assert membership.state == "invited"

    # The owner logs in (the invitation waits in the session) and accepts.
    anonymous.post(reverse("accounts:login"), {"username": stranger.email, "password": "correct horse battery"})
    assert "Accepter l'invitation" in anonymous.get(reverse("accounts:invitation")).text
    response = anonymous.post(reverse("accounts:invitation"), {"action": "accept"}, follow=True)
    assert response.redirect_chain[-1][0] == dashboard
    membership.refresh_from_db()
    assert (membership.state, membership.is_active) == ("active", True)
    assert web(stranger).get(dashboard).status_code == 200


def test_declining_needs_no_login_and_grants_nothing(
    web, admin_user, org, stranger, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    _invite(web(admin_user), org, stranger.email, capture=django_capture_on_commit_callbacks)
    person = Client()
    person.get(_link(stranger.email))
    page = person.post(reverse("accounts:invitation"), {"action": "decline"}).text
    assert "Invitation refusée" in page
    membership = Membership.objects.get(user=stranger, organisation=org)
    assert (membership.state, membership.is_active) == ("declined", False)
    assert web(stranger).get(reverse("dashboard:home", kwargs={"org": org.slug})).status_code == 404
    assert Client().get(_link(stranger.email)).status_code == 404
    assert "invitation refusée le" in web(admin_user).get(_users_url(org)).text


def test_an_invitation_expires(web, admin_user, org, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    _invite(web(admin_user), org, "tard@example.org", capture=django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = Client().get(_link("tard@example.org"))
    assert response.status_code == 404 and "plus valable" in response.text


def test_resend_replaces_the_link_and_cancel_kills_it(web, admin_user, org, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    client = web(admin_user)
    _invite(client, org, "lea@example.org", capture=django_capture_on_commit_callbacks)
    first = _link("lea@example.org")
    membership = Membership.objects.get(user__email="lea@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("org:membership_resend", kwargs={"org": org.slug, "pk": membership.pk}))
    assert response.status_code == 302
    second = _link("lea@example.org")
    assert first != second
    assert Client().get(first).status_code == 404 and Client().get(second).status_code == 302
    client.post(reverse("org:membership_remove", kwargs={"org": org.slug, "pk": membership.pk}))
    membership.refresh_from_db()
    assert membership.state == "removed"
    assert Client().get(second).status_code == 404


def test_the_form_refuses_the_same_way_for_any_address(web, admin_user, org, stranger):  # type: ignore[no-untyped-def]
    client = web(admin_user)
    long_name = "x" * 151
    for email in ("nouveau@example.org", stranger.email):
        response = client.post(_users_url(org), {"email": email, "role": "quality", "first_name": long_name})
        assert response.status_code == 200 and "151" in response.text
    assert not Membership.objects.filter(organisation=org, user__email__in=["nouveau@example.org", stranger.email])


def test_an_active_member_changes_role_at_once_but_not_the_last_admin(web, admin_user, quality_user, org):  # type: ignore[no-untyped-def]
    client = web(admin_user)
    client.post(_users_url(org), {"email": quality_user.email, "role": "member_manager"})
    assert Membership.objects.get(user=quality_user, organisation=org).role == "member_manager"
    response = client.post(_users_url(org), {"email": admin_user.email, "role": "quality"})
    assert "seul·e administrateur·rice" in response.text
    assert Membership.objects.get(user=admin_user, organisation=org).role == "admin"


def test_the_services_check_who_accepts(admin_actor, org, stranger, quality_user, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """The view offers the buttons; the services refuse by themselves too (another account, a password set)."""
    with django_capture_on_commit_callbacks(execute=True):
        services.membership_invite(actor=admin_actor, email=stranger.email, role="trainer")
    token = _link(stranger.email).rstrip("/").rsplit("/", 1)[1]
    with pytest.raises(PermissionDenied):
        services.invitation_accept(token=token, user=quality_user)
    with pytest.raises(PermissionDenied):
        services.invitation_accept_new(token=token, password=PASSWORD, first_name="A", last_name="B")
    stranger.refresh_from_db()
    assert stranger.check_password("correct horse battery")
    assert services.invitation_accept(token=token, user=stranger).state == "active"
    with pytest.raises(ValidationError):  # spent
        services.invitation_accept(token=token, user=stranger)
