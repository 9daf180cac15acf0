# SPDX-License-Identifier: AGPL-3.0-or-later
"""Signature services: who signs, links, codes, the signed copy; diffusion and scans; staff pages."""

import hashlib
import io
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from coopforma.accounts.models import MagicLink
from coopforma.core.log import history_for
from coopforma.core.models import OutboundEmail
from coopforma.documents import signing
from coopforma.documents.models import DocumentStatus, Signature, SignatureStatus
from coopforma.public.tests.helpers import CLIENT_EMAIL, TRAINEE_EMAIL, final_document, pdf_bytes, sign_tokens


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://of.example"
    shim = SimpleNamespace(atomic=transaction.atomic, on_commit=lambda func, robust=False: func())
    monkeypatch.setattr("coopforma.core.mail.transaction", shim)


def _sign(signature, name=None):  # type: ignore[no-untyped-def]
    mail.outbox.clear()
    signing.signature_send_code(signature=signature)
    code = mail.outbox[-1].body.split("est : ")[1][:6]  # the code is in the body only, never the subject
    return signing.signature_sign(
        signature=signature, code=code, typed_name=name or signature.signer_name, ip="192.0.2.7", user_agent="Firefox"
    )


@pytest.fixture
def legal_head(org):  # type: ignore[no-untyped-def]
    """The organisation's legal representative signs its documents (not its quality manager)."""
    org.head_name, org.head_title, org.head_email = "Claire Dubois", "Présidente", "claire@of.example"
    org.save()
    return org


def test_request_creates_one_signature_per_signer_quality_first(legal_head, org, admin_actor, quality_user):
    document = final_document(org, signers=("client", "trainee"), quality=True)
    signatures = signing.signature_request(actor=admin_actor, document_id=document.pk)
    assert [(s.role, s.signer_email) for s in signatures] == [
        ("quality", "claire@of.example"),
        ("client", CLIENT_EMAIL),
        ("trainee", TRAINEE_EMAIL),
    ]
    document.refresh_from_db()
    assert document.status == DocumentStatus.AWAITING_SIGNATURES
    tokens = sign_tokens()
    assert len(tokens) == 3 and len(mail.outbox) == 3
    # Only the hash of each token is stored.
    assert {hashlib.sha256(t.encode()).hexdigest() for t in tokens} == {s.token_hash for s in signatures}
    assert not Signature.objects.filter(token_hash__in=tokens).exists()
    assert OutboundEmail.objects.filter(purpose="signature_request", status="sent").count() == 3
    assert history_for(document).first().action == "documents.document.signature_requested"


def test_request_refuses_a_missing_email_and_a_draft(org, admin_actor):
    document = final_document(org, signers=("trainee",), context={"trainee": {"full_name": "Paul Martin"}})
    with pytest.raises(ValidationError) as exc:
        signing.signature_request(actor=admin_actor, document_id=document.pk)
    assert "L'e-mail du ou de la signataire « Stagiaire » (Paul Martin) manque" in exc.value.message_dict["signers"][0]
    assert not Signature.objects.exists() and mail.outbox == []
    draft = final_document(org, title="Brouillon", status=DocumentStatus.DRAFT)
    with pytest.raises(ValidationError) as exc:
        signing.signature_request(actor=admin_actor, document_id=draft.pk)
    assert "Seul un document définitif" in exc.value.message_dict["status"][0]


def test_request_needs_the_staff_flag_and_the_organisation(org, other_org, trainer_actor, admin_actor):
    document = final_document(org)
    with pytest.raises(PermissionDenied):
        signing.signature_request(actor=trainer_actor, document_id=document.pk)
    elsewhere = final_document(other_org, title="Ailleurs")
    with pytest.raises(Exception) as exc:
        signing.signature_request(actor=admin_actor, document_id=elsewhere.pk)
    assert exc.type.__name__ == "Http404"


def test_all_signatures_build_the_signed_copy_and_keep_the_original(legal_head, org, admin_actor, quality_user):
    document = final_document(org, signers=("client",), quality=True)
    original_sha, original_name = document.sha256, document.file.name
    first, second = signing.signature_request(actor=admin_actor, document_id=document.pk)
    _sign(first)
    document.refresh_from_db()
    assert document.status == DocumentStatus.AWAITING_SIGNATURES and not document.signed_file
    signed = _sign(second, name="dupont MARIE")
    assert signed.completed_document
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNED
    assert document.sha256 == original_sha and document.file.name == original_name
    assert signing.file_sha256(document.file) == original_sha
    with document.signed_file.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == document.signed_sha256
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == len(PdfReader(io.BytesIO(pdf_bytes(document.title))).pages) + 1
    last = reader.pages[-1].extract_text()
    assert "Marie Dupont" in last and "Claire Dubois" in last
    assert original_sha in last.replace("\n", "") and "192.0.2.7" in last
    assert document.verification_code in last
    assert {s.document_sha256 for s in document.signatures.all()} == {original_sha}


def test_a_modified_file_refuses_the_signature(org, admin_actor):
    document = final_document(org)
    (signature,) = signing.signature_request(actor=admin_actor, document_id=document.pk)
    with open(document.file.path, "r+b") as handle:
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 1]))
    with pytest.raises(ValidationError) as exc:
        _sign(signature)
    assert "ne correspond plus à son empreinte" in exc.value.messages[0]
    signature.refresh_from_db()
    assert signature.status == SignatureStatus.PENDING


@pytest.mark.parametrize(
    ("expected", "typed", "ok"),
    [
        ("Marie Dupont", "marie dupont", True),
        ("Marie Dupont", "Dupont Marie", True),
        ("Hélène Le-Gall", "helene le gall", True),
        ("Marie Dupont", "Marie", False),
        ("Marie Dupont", "", False),
    ],
)
def test_names_match(expected, typed, ok):
    assert signing.names_match(expected, typed) is ok


def test_drawn_signature_is_checked(org, admin_actor):
    document = final_document(org)
    (signature,) = signing.signature_request(actor=admin_actor, document_id=document.pk)
    signing.signature_send_code(signature=signature)
    with pytest.raises(ValidationError) as exc:
        signing.signature_sign(
            signature=signature,
            code="000000",
            typed_name="Marie Dupont",
            drawn_signature="<script>",
            ip=None,
            user_agent="",
        )
    assert "n'est pas lisible" in exc.value.message_dict["drawn_signature"][0]
    with pytest.raises(ValidationError) as exc:
        signing.signature_sign(
            signature=signature,
            code="000000",
            typed_name="Marie Dupont",
            drawn_signature="M1 1 " * 20_000,
            ip=None,
            user_agent="",
        )
    assert "trop grande" in exc.value.message_dict["drawn_signature"][0]


def test_diffuse_sends_portal_links(org, admin_actor):
    document = final_document(org)
    signing.document_diffuse(actor=admin_actor, document_id=document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.DIFFUSED and document.diffused_at
    assert sorted(m.to[0] for m in mail.outbox) == sorted([CLIENT_EMAIL, TRAINEE_EMAIL])
    assert all("https://of.example/p/" in m.body for m in mail.outbox)
    assert MagicLink.objects.filter(organisation=org).count() == 2
    with pytest.raises(ValidationError) as exc:
        signing.document_diffuse(actor=admin_actor, document_id=document.pk)
    assert "Seul un document définitif ou signé" in exc.value.message_dict["status"][0]


def test_scan_upload_rules(org, admin_actor):
    document = final_document(org)
    not_pdf = SimpleUploadedFile("scan.pdf", b"GIF89a....", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        signing.document_scan_upload(actor=admin_actor, document_id=document.pk, upload=not_pdf)
    assert exc.value.message_dict["scan"] == ["Seul un fichier PDF est accepté."]
    big = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        signing.document_scan_upload(actor=admin_actor, document_id=document.pk, upload=big)
    assert exc.value.message_dict["scan"] == ["Le fichier dépasse 10 Mo."]
    ok = SimpleUploadedFile("scan.pdf", pdf_bytes("Scan"), content_type="application/pdf")
    signing.document_scan_upload(actor=admin_actor, document_id=document.pk, upload=ok)
    document.refresh_from_db()
    assert document.scan and document.sha256 == hashlib.sha256(pdf_bytes(document.title)).hexdigest()


# --- Staff pages ----------------------------------------------------------------------------------------


def test_signatures_page_request_and_diffuse_through_http(org, admin_user, web):
    document = final_document(org)
    client = web(admin_user)
    url = reverse("documents:signatures", kwargs={"org": org.slug, "pk": document.pk})
    response = client.get(url)
    assert response.status_code == 200 and "Envoyer en signature" in response.content.decode()
    response = client.post(reverse("documents:signature_request", kwargs={"org": org.slug, "pk": document.pk}))
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "Marie Dupont" in page and "En attente de signatures" in page
    response = client.post(reverse("documents:diffuse", kwargs={"org": org.slug, "pk": document.pk}), follow=True)
    assert "Seul un document définitif ou signé peut être diffusé" in response.content.decode()


def test_scan_page_keeps_errors_inline(org, admin_user, web):
    document = final_document(org)
    client = web(admin_user)
    url = reverse("documents:scan", kwargs={"org": org.slug, "pk": document.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"scan": SimpleUploadedFile("x.pdf", b"not a pdf")})
    assert response.status_code == 200 and "Seul un fichier PDF est accepté." in response.content.decode()
    response = client.post(url, {"scan": SimpleUploadedFile("x.pdf", pdf_bytes("Scan"))})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.scan
    assert history_for(document).first().action == "documents.document.scan_uploaded"


def _emails(org, n):  # type: ignore[no-untyped-def]
    OutboundEmail.objects.bulk_create(
        OutboundEmail(organisation=org, to=f"p{i}@example.org", subject=f"Sujet {i}", body="x") for i in range(n)
    )


def test_outbox_page_lists_with_constant_queries(org, other_org, quality_user, web, django_assert_max_num_queries):
    client = web(quality_user)
    url = reverse("documents:outbox", kwargs={"org": org.slug})
    _emails(org, 3)
    OutboundEmail.objects.create(organisation=other_org, to="secret@other.example", subject="Autre", body="x")
    with django_assert_max_num_queries(8):
        page = client.get(url).content.decode()
    assert "p2@example.org" in page and "secret@other.example" not in page
    _emails(org, 30)
    with django_assert_max_num_queries(8):
        response = client.get(url, {"status": "queued"})
    assert response.status_code == 200 and "En attente d&#x27;envoi" in response.content.decode()
