# SPDX-License-Identifier: AGPL-3.0-or-later
"""The webhooks pages through HTTP: who gets in, the secret shown once, the forms' errors, replay."""

import pytest

from coopforma.webhooks.models import WebhookDelivery, WebhookEndpoint
from coopforma.webhooks.tests.factories import SECRET, delivery_make, endpoint_make
from tests.permissions import ROLES, web_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org):  # type: ignore[no-untyped-def]
    endpoint = endpoint_make(org, description="Notre ERP")
    return {"endpoint": endpoint, "delivery": delivery_make(endpoint, status="failed", next_attempt_at=None)}


def base(org):  # type: ignore[no-untyped-def]
    return f"/o/{org.slug}/settings/webhooks/"


# role: (list, create form, detail, edit, delivery, rotate POST, replay POST)
EXPECTED = {
    "admin": (200, 200, 200, 200, 200, 200, 302),
    "quality": (403,) * 7,
    "manager": (403,) * 7,
    "trainer": (403,) * 7,
    "stranger": (404,) * 7,
    # Their own organisation with our ids: lists and forms serve theirs, our records are 404.
    "foreign": (200, 200, 404, 404, 404, 404, 404),
    "anonymous": (302,) * 7,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_organisations_admin_gets_in(request, web, role, org, world):
    client = web_client(request, web, role)
    e, d = world["endpoint"].pk, world["delivery"].pk
    root = base(org)
    answers = (
        client.get(root).status_code,
        client.get(f"{root}new/").status_code,
        client.get(f"{root}{e}/").status_code,
        client.get(f"{root}{e}/edit/").status_code,
        client.get(f"{root}deliveries/{d}/").status_code,
        client.post(f"{root}{e}/secret/").status_code,
        client.post(f"{root}deliveries/{d}/replay/").status_code,
    )
    assert answers == EXPECTED[role]
    if role != "admin":
        assert WebhookDelivery.objects.count() == 1
        endpoint = WebhookEndpoint.objects.get(pk=e)
        assert endpoint.sealed_secret == world["endpoint"].sealed_secret


def test_the_foreign_admin_cannot_edit_our_endpoint(request, web, org, world):
    client = web_client(request, web, "foreign")
    e = world["endpoint"].pk
    response = client.post(
        f"{base(org)}{e}/edit/", {"url": "https://evil.example.net/", "events": ["invoice.issued"], "is_active": "on"}
    )
    assert response.status_code == 404
    assert WebhookEndpoint.objects.get(pk=e).url == "https://hooks.example.org/coopforma"


def test_the_secret_is_shown_once_then_never_again(web, admin_user, org):
    client = web(admin_user)
    response = client.post(
        f"{base(org)}new/",
        {"url": "https://erp.example.org/hooks", "description": "ERP", "events": ["invoice.issued"], "is_active": "on"},
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret in response.content.decode()
    assert "Copiez ce secret maintenant" in response.content.decode()
    delivery = delivery_make(endpoint)
    pages = [
        base(org),
        f"{base(org)}{endpoint.pk}/",
        f"{base(org)}{endpoint.pk}/edit/",
        f"{base(org)}deliveries/{delivery.pk}/",
        f"/o/{org.slug}/",
    ]
    for page in pages:
        content = client.get(page).content.decode()
        assert secret not in content, page
        assert endpoint.sealed_secret not in content, page
    rotated = client.post(f"{base(org)}{endpoint.pk}/secret/")
    new = rotated.context["secret"]
    assert new != secret and new in rotated.content.decode() and secret not in rotated.content.decode()
    for page in pages:
        assert new not in client.get(page).content.decode(), page


def test_a_bad_form_shows_its_errors_and_writes_nothing(web, admin_user, org):
    client = web(admin_user)
    for data in (
        {"url": "http://erp.example.org/hooks", "events": ["invoice.issued"]},
        {"url": "https://192.168.0.4/hooks", "events": ["invoice.issued"]},
        {"url": "https://erp.example.org/hooks", "events": []},
        {"url": "https://erp.example.org/hooks", "events": ["nope"]},
    ):
        response = client.post(f"{base(org)}new/", data)
        assert response.status_code == 200
        assert "Le formulaire contient des erreurs" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_endpoint_is_edited_and_disabled(web, admin_user, org, world):
    client = web(admin_user)
    e = world["endpoint"].pk
    page = client.get(f"{base(org)}{e}/edit/").content.decode()
    assert "https://hooks.example.org/coopforma" in page and SECRET not in page
    response = client.post(
        f"{base(org)}{e}/edit/",
        {"url": "https://hooks.example.org/v2", "description": "", "events": ["document.signed"]},
    )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get(pk=e)
    assert (endpoint.url, endpoint.events, endpoint.is_active) == (
        "https://hooks.example.org/v2",
        ["document.signed"],
        False,
    )
    assert endpoint.sealed_secret == world["endpoint"].sealed_secret
    detail = client.get(f"{base(org)}{e}/").content.decode()
    assert "Désactivé" in detail and "Document signé" in detail


def test_the_deliveries_table_refreshes_alone_with_htmx(web, admin_user, org, world):
    response = web(admin_user).get(f"{base(org)}{world['endpoint'].pk}/", headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200 and content.lstrip().startswith('<div id="deliveries"')
    assert "Abandonnée" in content


def test_a_delivery_page_shows_attempts_and_replays(web, admin_user, org, world, monkeypatch):
    from coopforma.webhooks import transport

    monkeypatch.setattr(transport, "http_post", lambda *a: transport.Response(200, "ok", 3))
    client = web(admin_user)
    d = world["delivery"]
    page = client.get(f"{base(org)}deliveries/{d.pk}/").content.decode()
    assert str(d.event_id) in page and "Renvoyer cet événement" in page
    response = client.post(f"{base(org)}deliveries/{d.pk}/replay/")
    replay = WebhookDelivery.objects.exclude(pk=d.pk).get()
    assert response["Location"] == f"{base(org)}deliveries/{replay.pk}/"
    assert replay.event_id == d.event_id and replay.replay_of_id == d.pk


def test_replaying_to_a_disabled_endpoint_is_refused_with_a_message(web, admin_user, org, world):
    WebhookEndpoint.objects.filter(pk=world["endpoint"].pk).update(is_active=False)
    client = web(admin_user)
    d = world["delivery"]
    response = client.post(f"{base(org)}deliveries/{d.pk}/replay/", follow=True)
    assert "réactivez-le" in response.content.decode()
    assert WebhookDelivery.objects.count() == 1
