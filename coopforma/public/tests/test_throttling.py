# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 10, point 6 (no-login pages): portal link requests and signature codes are rate-limited per address
e-mailed or link, and per client address (django-ratelimit, coopforma/core/throttle.py): a French 429 page."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from coopforma.core.models import OutboundEmail
from coopforma.documents import signing
from coopforma.people.tests.factories import TraineeFactory
from coopforma.public.tests.helpers import CLIENT_EMAIL, final_document, sign_tokens

TRAINEE = "lea@example.org"


@pytest.fixture
def trainee(org):  # type: ignore[no-untyped-def]
    return TraineeFactory(organisation=org, email=TRAINEE)


def _ask(client: Client, email: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("public:portal"), {"email": email})


def test_twenty_one_portal_requests_do_not_queue_twenty_one_emails(trainee):
    """The issue's case, with the default limits: three e-mails an hour to one address, then 429."""
    statuses = [_ask(Client(REMOTE_ADDR=f"198.51.100.{n}"), TRAINEE).status_code for n in range(21)]
    assert statuses[:3] == [200, 200, 200] and set(statuses[3:]) == {429}
    assert OutboundEmail.objects.filter(to=TRAINEE).count() == 3
    assert len(mail.outbox) == 3


def test_portal_requests_are_limited_per_client_address_too(settings, trainee):
    settings.THROTTLE_RATES = {"portal_link:ip": "2/h", "portal_link:email": "100/h"}
    client = Client(REMOTE_ADDR="203.0.113.4")
    assert [_ask(client, f"x{n}@example.org").status_code for n in range(2)] == [200, 200]
    refused = _ask(client, TRAINEE)
    assert refused.status_code == 429 and "Trop de demandes" in refused.content.decode()
    assert not OutboundEmail.objects.filter(to=TRAINEE).exists()
    # The form itself (GET) is never limited.
    assert client.get(reverse("public:portal")).status_code == 200


def test_the_address_is_counted_whatever_its_case(settings, trainee):
    settings.THROTTLE_RATES = {"portal_link:email": "1/h"}
    assert _ask(Client(), TRAINEE).status_code == 200
    assert _ask(Client(), " LEA@Example.org ").status_code == 429


def _signing_link(org, admin_actor) -> str:  # type: ignore[no-untyped-def]
    document = final_document(org)
    signing.signature_request(actor=admin_actor, document_id=document.pk)
    return sign_tokens(CLIENT_EMAIL)[-1]


def test_signature_codes_are_limited_per_link_and_per_client(settings, org, admin_actor):
    settings.THROTTLE_RATES = {"signature_code:token": "2/h", "signature_code:ip": "3/h"}
    token = _signing_link(org, admin_actor)
    url = reverse("public:sign_code", kwargs={"token": token})
    sent_before = len(mail.outbox)
    statuses = [Client(REMOTE_ADDR=f"198.51.100.{n}").post(url).status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    assert len(mail.outbox) == sent_before + 2
    other = _signing_link(org, admin_actor)
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3):
        client.post(reverse("public:sign_code", kwargs={"token": other}))
    assert client.post(reverse("public:sign_code", kwargs={"token": other})).status_code == 429


def test_typed_codes_are_limited_per_link(settings, org, admin_actor):
    """Each code allows 5 tries (documents.signing); on top of that, a link takes few tries an hour, from any
    number of addresses: the Nth wrong code is refused with a 429 before it is even checked."""
    settings.THROTTLE_RATES = {"signature_sign:token": "3/h"}
    token = _signing_link(org, admin_actor)
    url = reverse("public:sign", kwargs={"token": token})
    Client().post(reverse("public:sign_code", kwargs={"token": token}))
    wrong = {"code": "000000", "typed_name": "Marie Dupont", "consent": "on"}
    statuses = [Client(REMOTE_ADDR=f"198.51.100.{n}").post(url, wrong).status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert Client().get(url).status_code == 200  # reading the document stays possible
