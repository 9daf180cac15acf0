# SPDX-License-Identifier: AGPL-3.0-or-later
"""The signer's pages, through HTTP, with links and codes read from the e-mails."""

import hashlib
import io
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from coopforma.documents import signing
from coopforma.documents.models import DocumentStatus, Signature, SignatureStatus
from coopforma.public.tests.helpers import CLIENT_EMAIL, CONTEXT, final_document, sign_tokens

UA = "Mozilla/5.0 (Test) Firefox/140.0"


def _request(org, admin_actor, **kwargs):  # type: ignore[no-untyped-def]
    document = final_document(org, **kwargs)
    signing.signature_request(actor=admin_actor, document_id=document.pk)
    return document, sign_tokens(CLIENT_EMAIL)[-1]


def _code(client, token):  # type: ignore[no-untyped-def]
    response = client.post(reverse("public:sign_code", kwargs={"token": token}))
    assert response.status_code == 200 and "Code envoyé" in response.content.decode()
    return mail.outbox[-1].body.split("est : ")[1][:6]


def test_full_signing_flow(client, org, admin_actor):
    document, token = _request(org, admin_actor)
    url = reverse("public:sign", kwargs={"token": token})
    page = client.get(url).content.decode()
    assert document.sha256 in page and reverse("public:sign_pdf", kwargs={"token": token}) in page
    pdf = client.get(reverse("public:sign_pdf", kwargs={"token": token}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Frame-Options"] == "SAMEORIGIN"
    whole = pdf.getvalue()  # streamed from the stored file, not rendered in the request
    assert pdf.streaming and whole == document.file.open("rb").read() and pdf["Accept-Ranges"] == "bytes"
    part = client.get(reverse("public:sign_pdf", kwargs={"token": token}), HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206 and part.getvalue() == whole[:100]
    code = _code(client, token)
    response = client.post(
        url,
        {"code": code, "typed_name": "marie dupont", "drawn_signature": "M10 10 L20 20", "consent": "on"},
        HTTP_USER_AGENT=UA,
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 200 and "votre signature est enregistrée" in response.content.decode()
    signature = Signature.objects.get(document=document)
    assert signature.status == SignatureStatus.SIGNED and signature.ip_address == "203.0.113.5"
    assert signature.user_agent == UA and signature.document_sha256 == document.sha256
    assert signature.drawn_signature == "M10 10 L20 20" and signature.opened_at is not None
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNED
    with document.signed_file.open("rb") as handle:
        last = PdfReader(io.BytesIO(handle.read())).pages[-1].extract_text()
    assert "Marie Dupont" in last and document.sha256 in last.replace("\n", "")
    # The link is spent.
    again = client.get(url)
    assert again.status_code == 410 and "déjà servi" in again.content.decode()
    assert client.post(url, {"code": code}).status_code == 410


def test_wrong_code_five_times_locks_the_code(client, org, admin_actor):
    _document, token = _request(org, admin_actor)
    url = reverse("public:sign", kwargs={"token": token})
    code = _code(client, token)
    wrong = "000000" if code != "000000" else "111111"
    for left in [4, 3, 2, 1]:
        page = client.post(url, {"code": wrong, "typed_name": "Marie Dupont", "consent": "on"}).content.decode()
        assert f"il vous reste {left} essai(s)" in page
    page = client.post(url, {"code": wrong, "typed_name": "Marie Dupont", "consent": "on"}).content.decode()
    assert "Trop d&#x27;essais" in page
    # Even the right code is now refused; the typed name is kept in the form.
    response = client.post(url, {"code": code, "typed_name": "Marie Dupont", "consent": "on"})
    assert "Trop d&#x27;essais" in response.content.decode() and 'value="Marie Dupont"' in response.content.decode()
    assert Signature.objects.get().status == SignatureStatus.PENDING
    # A new code works.
    code = _code(client, token)
    response = client.post(url, {"code": code, "typed_name": "Marie Dupont", "consent": "on"})
    assert "votre signature est enregistrée" in response.content.decode()


def test_wrong_name_and_expired_code(client, org, admin_actor):
    _document, token = _request(org, admin_actor)
    url = reverse("public:sign", kwargs={"token": token})
    code = _code(client, token)
    page = client.post(url, {"code": code, "typed_name": "Jean Valjean", "consent": "on"}).content.decode()
    assert "ne correspond pas au nom" in page and 'value="Jean Valjean"' in page
    Signature.objects.update(code_sent_at=timezone.now() - timedelta(minutes=11))
    page = client.post(url, {"code": code, "typed_name": "Marie Dupont", "consent": "on"}).content.decode()
    assert "Ce code a expiré" in page


def test_expired_unknown_and_cancelled_links(client, org, admin_actor):
    document, token = _request(org, admin_actor)
    assert client.get(reverse("public:sign", kwargs={"token": "inconnu"})).status_code == 404
    Signature.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("public:sign", kwargs={"token": token}))
    assert response.status_code == 410 and "a expiré" in response.content.decode()
    assert client.get(reverse("public:sign_pdf", kwargs={"token": token})).status_code == 410
    assert client.post(reverse("public:sign_code", kwargs={"token": token})).status_code == 410
    Signature.objects.update(expires_at=timezone.now() + timedelta(days=1))
    document.status = DocumentStatus.REPLACED
    document.save()
    assert client.get(reverse("public:sign", kwargs={"token": token})).status_code == 410


def test_token_stored_as_hash_only(org, admin_actor):
    _document, token = _request(org, admin_actor)
    assert Signature.objects.get().token_hash == hashlib.sha256(token.encode()).hexdigest()


def test_codes_per_link_are_capped(client, org, admin_actor):
    _document, token = _request(org, admin_actor)
    for _ in range(signing.MAX_CODES_PER_LINK):
        _code(client, token)
    page = client.post(reverse("public:sign_code", kwargs={"token": token})).content.decode()
    assert "Trop de codes demandés" in page


def _contract(org, admin_actor, *, starts_within_withdrawal: bool):  # type: ignore[no-untyped-def]
    context = {**CONTEXT, "enrolment": {"starts_within_withdrawal": starts_within_withdrawal}}
    document = final_document(org, title="Contrat Marie Dupont", context=context)
    document.kind = "contract"
    document.save(update_fields=["kind"])
    signing.signature_request(actor=admin_actor, document_id=document.pk)
    return document, sign_tokens(CLIENT_EMAIL)[-1]


def test_a_contract_starting_within_the_withdrawal_period_needs_the_express_request(client, org, admin_actor):
    """L221-25 Code de la consommation: the consumer expressly asks, by an act of their own recorded with the
    signature, for the training to start before the end of the withdrawal period."""
    document, token = _contract(org, admin_actor, starts_within_withdrawal=True)
    url = reverse("public:sign", kwargs={"token": token})
    page = client.get(url).content.decode()
    assert "Je demande expressément que la formation commence" in page and "L221-25" in page
    code = _code(client, token)
    fields = {"code": code, "typed_name": "Marie Dupont", "consent": "on"}
    refused = client.post(url, fields).content.decode()
    assert "cochez la demande expresse" in refused
    signature = Signature.objects.get(document=document)
    assert signature.status == SignatureStatus.PENDING and signature.statements == []
    done = client.post(url, {**fields, "express_request": "on"})
    assert "votre signature est enregistrée" in done.content.decode()
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.SIGNED
    (statement,) = signature.statements
    assert statement["article"] == "L221-25 du Code de la consommation"
    assert statement["text"].startswith("Je demande expressément") and statement["at"]


def test_no_express_request_is_asked_when_the_training_starts_after_the_period(client, org, admin_actor):
    document, token = _contract(org, admin_actor, starts_within_withdrawal=False)
    url = reverse("public:sign", kwargs={"token": token})
    assert "Je demande expressément" not in client.get(url).content.decode()
    code = _code(client, token)
    done = client.post(url, {"code": code, "typed_name": "Marie Dupont", "consent": "on"})
    assert "votre signature est enregistrée" in done.content.decode()
    assert Signature.objects.get(document=document).statements == []
