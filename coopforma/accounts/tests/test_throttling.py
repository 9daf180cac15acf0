# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 10, point 6 (accounts' side): failed logins lock out per account and per address (the login page and
/admin/ alike, django-axes); « mot de passe oublié » answers the same for any address and is rate-limited."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from coopforma.core.models import OutboundEmail

pytestmark = pytest.mark.django_db

GOOD = "correct horse battery"
NEW_PASSWORD = "Un-nouveau-mot-de-passe-42"


@pytest.fixture(autouse=True)
def _small_limits(settings):  # type: ignore[no-untyped-def]
    settings.AXES_FAILURE_LIMIT = 3
    settings.SITE_URL = "https://of.example"
    settings.THROTTLE_RATES = {"password_reset:email": "2/h", "password_reset:ip": "4/h"}


def _login(client: Client, email: str, password: str, **extra):  # type: ignore[no-untyped-def]
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **extra)


def test_an_account_is_locked_after_failed_attempts_even_from_other_addresses(admin_user):
    statuses = [_login(Client(), admin_user.email, "faux", REMOTE_ADDR=f"198.51.100.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]  # the third failure locks
    locked = _login(Client(), admin_user.email.upper(), GOOD, REMOTE_ADDR="198.51.100.99")
    assert locked.status_code == 429
    assert "Connexion bloquée" in locked.text and "Réessayez dans 15 minutes" in locked.text


def test_an_address_is_locked_after_failed_attempts_on_any_accounts(admin_user, quality_user):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        _login(client, email, "faux")
    assert _login(client, quality_user.email, GOOD).status_code == 429
    # Another address is not concerned.
    assert _login(Client(REMOTE_ADDR="203.0.113.8"), quality_user.email, GOOD).status_code == 302


def test_the_admin_site_login_is_locked_too(admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client = Client()
    for _ in range(3):
        client.post("/admin/login/", {"username": admin_user.email, "password": "faux"})
    response = client.post("/admin/login/", {"username": admin_user.email, "password": GOOD})
    assert response.status_code == 429 and "Connexion bloquée" in response.text


def test_forwarded_addresses_count_only_behind_a_proxy(settings, admin_user):
    """A client cannot escape the per-address limit by inventing X-Forwarded-For, unless we sit behind a proxy
    (then the last address, the one our proxy appended, is the client's)."""
    for n in range(3):
        _login(Client(), f"x{n}@example.org", "faux", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert _login(Client(), admin_user.email, GOOD, HTTP_X_FORWARDED_FOR="192.0.2.50").status_code == 429
    settings.BEHIND_PROXY = True
    ok = _login(Client(), admin_user.email, GOOD, HTTP_X_FORWARDED_FOR="127.0.0.1, 192.0.2.50")
    assert ok.status_code == 302


def _without_csrf(page: str) -> str:
    return re.sub(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"', "", page)


def _forgotten(client: Client, email: str, capture):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return client.post(reverse("accounts:password_forgotten"), {"email": email}, follow=True)


def test_forgotten_password_answers_the_same_and_mails_the_known_address_only(
    admin_user, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    unknown = _forgotten(Client(), "personne@example.org", django_capture_on_commit_callbacks)
    known = _forgotten(Client(), admin_user.email, django_capture_on_commit_callbacks)
    assert unknown.redirect_chain == known.redirect_chain == [(reverse("accounts:password_forgotten_sent"), 302)]
    assert _without_csrf(unknown.text) == _without_csrf(known.text)
    assert [m.to for m in mail.outbox] == [[admin_user.email]]
    stored = OutboundEmail.objects.get(purpose="password_reset")
    assert stored.organisation is None  # no organisation's staff reads it
    assert "/accounts/password/" not in stored.body and "/accounts/password/" in mail.outbox[0].body


def test_the_reset_link_sets_a_new_password_and_lifts_the_lockout(admin_user, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    for _ in range(3):
        _login(Client(), admin_user.email, "faux")
    assert _login(Client(), admin_user.email, GOOD).status_code == 429
    _forgotten(Client(), admin_user.email, django_capture_on_commit_callbacks)
    link = re.findall(r"https://of\.example(/accounts/password/\S+/)", mail.outbox[-1].body)[0]
    browser = Client()
    form_page = browser.get(link, follow=True)
    assert 'name="new_password1"' in form_page.text
    done = browser.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    assert "Votre mot de passe est enregistré" in done.text
    assert _login(Client(), admin_user.email, NEW_PASSWORD).status_code == 302
    assert "plus valable" in Client().get(link, follow=True).text  # used once


def test_forgotten_password_is_limited_per_address_and_per_client(admin_user, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    for n in range(2):
        assert _forgotten(Client(REMOTE_ADDR=f"198.51.100.{n}"), admin_user.email, django_capture_on_commit_callbacks)
    third = _forgotten(Client(REMOTE_ADDR="198.51.100.9"), admin_user.email, django_capture_on_commit_callbacks)
    assert third.status_code == 429 and "Trop de demandes" in third.text
    assert len(mail.outbox) == 2
    client = Client(REMOTE_ADDR="203.0.113.1")
    for n in range(4):
        assert _forgotten(client, f"p{n}@example.org", django_capture_on_commit_callbacks).status_code == 200
    assert _forgotten(client, "p9@example.org", django_capture_on_commit_callbacks).status_code == 429


def test_limits_can_be_switched_off(settings, admin_user, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    settings.RATELIMIT_ENABLE = False
    for _ in range(4):
        assert _forgotten(Client(), admin_user.email, django_capture_on_commit_callbacks).status_code == 200
    assert len(mail.outbox) == 4
