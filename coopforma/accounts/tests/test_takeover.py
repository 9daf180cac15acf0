# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 10, point 1: another organisation's admin cannot take over an account by adding its e-mail.

The attack, over HTTP: organisation A's admin adds x@example.org as an admin of A; organisation B's admin adds
the same e-mail on B's own users page. Before invitations, B was shown a link to choose x's password, set it,
logged in as x and read A's settings. Whatever B is shown (page, messages, B's outbox), no link may let B in.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from coopforma.accounts.models import User
from coopforma.core.models import OutboundEmail
from coopforma.people.tests.factories import MemberStructureFactory, TrainerFactory

pytestmark = pytest.mark.django_db

VICTIM = "x@example.org"
ATTACKER_PASSWORD = "Attaquant-tres-long-2025!"
LINK = re.compile(r"(?:https?://[^/\s\"'<]+)?(/accounts/[^\s\"'<]+)")


def _visible_to(org) -> str:  # type: ignore[no-untyped-def]
    """Everything organisation `org`'s staff can read about its messages (subject, body, html)."""
    return " ".join(
        f"{e.subject} {e.body} {e.html}" for e in OutboundEmail.objects.filter(organisation=org).order_by("id")
    )


def _try_the_link(path: str) -> None:
    """What the attacker does with a link: open it and choose a password if a form asks for one."""
    client = Client()
    page = client.get(path, follow=True)
    target = page.redirect_chain[-1][0] if page.redirect_chain else path
    if "new_password1" in page.text:
        client.post(target, {"new_password1": ATTACKER_PASSWORD, "new_password2": ATTACKER_PASSWORD})
    if "password1" in page.text:
        client.post(target, {"password1": ATTACKER_PASSWORD, "password2": ATTACKER_PASSWORD, "action": "accept"})


def _b_adds_the_victim(web, stranger, other_org, way: str) -> str:  # type: ignore[no-untyped-def]
    """B's admin adds the victim's e-mail, on the users page or as a trainer given access; what B then sees."""
    b = web(stranger)
    if way == "users page":
        users_of_b = reverse("org:memberships", kwargs={"org": other_org.slug})
        return b.post(users_of_b, {"email": VICTIM, "role": "admin"}, follow=True).text + b.get(users_of_b).text
    structure = MemberStructureFactory(organisation=other_org)
    profile = TrainerFactory(
        organisation=other_org, member_structure=structure, email=VICTIM, onboarding_state="active"
    )
    invite = reverse("people:trainer_invite", kwargs={"org": other_org.slug, "pk": profile.pk})
    return b.post(invite, follow=True).text


@pytest.mark.parametrize("way", ["users page", "trainer access"])
def test_another_organisation_cannot_take_over_an_account_by_adding_its_email(
    web, admin_user, org, other_org, stranger, way
):  # type: ignore[no-untyped-def]
    users_of_a = reverse("org:memberships", kwargs={"org": org.slug})
    web(admin_user).post(users_of_a, {"email": VICTIM, "first_name": "Xavier", "role": "admin"}, follow=True)
    victim = User.objects.get(email=VICTIM)
    mail.outbox.clear()

    # B's admin adds the same e-mail in B and collects every link B can see (pages, messages, B's outbox).
    seen_by_b = _b_adds_the_victim(web, stranger, other_org, way) + _visible_to(other_org)
    links = {m for m in LINK.findall(seen_by_b) if "/login" not in m and "/logout" not in m}
    for path in links:
        _try_the_link(path)

    attacker = Client()
    attacker.post(reverse("accounts:login"), {"username": VICTIM, "password": ATTACKER_PASSWORD})
    assert attacker.get(reverse("org:settings", kwargs={"org": org.slug})).status_code != 200
    victim.refresh_from_db()
    assert not victim.check_password(ATTACKER_PASSWORD)
    assert links == set(), "B's admin was shown a link about another organisation's account"
