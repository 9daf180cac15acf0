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


def test_another_organisation_cannot_take_over_an_account_by_adding_its_email(web, admin_user, org, stranger):
    users_of_a = reverse("org:memberships", kwargs={"org": org.slug})
    web(admin_user).post(users_of_a, {"email": VICTIM, "first_name": "Xavier", "role": "admin"}, follow=True)
    victim = User.objects.get(email=VICTIM)
    mail.outbox.clear()

    # B's admin adds the same e-mail on B's own page and collects every link B can see.
    users_of_b = reverse("org:memberships", kwargs={"org": "autre-of"})
    seen_by_b = web(stranger).post(users_of_b, {"email": VICTIM, "role": "admin"}, follow=True).text
    seen_by_b += web(stranger).get(users_of_b).text + _visible_to(stranger.memberships.get().organisation)
    links = {m for m in LINK.findall(seen_by_b) if "/login" not in m and "/logout" not in m}
    for path in links:
        _try_the_link(path)

    attacker = Client()
    attacker.post(reverse("accounts:login"), {"username": VICTIM, "password": ATTACKER_PASSWORD})
    assert attacker.get(reverse("org:settings", kwargs={"org": org.slug})).status_code != 200
    victim.refresh_from_db()
    assert not victim.check_password(ATTACKER_PASSWORD)
    assert links == set(), "B's admin was shown a link about another organisation's account"
