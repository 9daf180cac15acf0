# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public verification page: by code, by uploaded file (original, signed copy, tampered)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coopforma.documents.models import DocumentStatus, Signature, SignatureStatus
from coopforma.public.tests.helpers import final_document, pdf_bytes


def test_verify_by_code(client, org):
    document = final_document(org, title="Convention Verif")
    Signature.objects.create(
        organisation=org,
        document=document,
        role="client",
        signer_name="Marie Dupont",
        signer_email="marie@acme.example",
        status=SignatureStatus.SIGNED,
        token_hash="x" * 64,
        expires_at=document.created_at,
        signed_at=document.created_at,
    )
    response = client.get(reverse("public:verify_code", kwargs={"code": document.verification_code.lower()}))
    page = response.content.decode()
    assert response.status_code == 200
    for text in ["Coop Formation Test", "Convention Verif", document.sha256, "Marie Dupont", "Définitif"]:
        assert text in page
    assert "marie@acme.example" not in page  # no personal data beyond the signatories' names


def test_the_code_form_redirects_and_unknown_code_is_404(client, org):
    document = final_document(org)
    response = client.get(reverse("public:verify"), {"code": f" {document.verification_code} "})
    assert response.status_code == 302 and response["Location"].endswith(f"/v/{document.verification_code}")
    assert client.get(reverse("public:verify_code", kwargs={"code": "NOPE000000"})).status_code == 404
    draft = final_document(org, title="Brouillon", status=DocumentStatus.DRAFT)
    assert client.get(reverse("public:verify_code", kwargs={"code": draft.verification_code})).status_code == 404


def test_upload_of_the_original_matches(client, org, other_org, django_assert_max_num_queries):
    final_document(org, title="Autre document")
    document = final_document(other_org, title="Convention Upload")
    with django_assert_max_num_queries(3):
        response = client.post(
            reverse("public:verify"), {"file": SimpleUploadedFile("c.pdf", pdf_bytes("Convention Upload"))}
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Document authentique" in page and "Convention Upload" in page and "Autre OF" in page
    assert "original de ce document" in page
    assert document.sha256 in page


def test_upload_of_a_tampered_file_fails(client, org):
    final_document(org, title="Convention Upload")
    data = bytearray(pdf_bytes("Convention Upload"))
    data[200] ^= 1
    response = client.post(reverse("public:verify"), {"file": SimpleUploadedFile("c.pdf", bytes(data))})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce fichier ne correspond à aucun document émis." in page and "Document authentique" not in page


def test_verify_page_shows_both_forms(client, db):
    page = client.get(reverse("public:verify")).content.decode()
    assert 'name="code"' in page and 'name="file"' in page and 'enctype="multipart/form-data"' in page


def test_upload_without_file_shows_the_error(client, db):
    response = client.post(reverse("public:verify"), {})
    assert response.status_code == 200 and "Ce champ est obligatoire." in response.content.decode()
