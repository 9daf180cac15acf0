# SPDX-License-Identifier: AGPL-3.0-or-later
"""The right person signs (issue 11, point 3).

The organisation sets who signs its documents: its legal representative, or a delegate with the date of the
delegation (printed). A document names that person; the OF's e-signature link goes to them (not to the quality
manager); the sender sees and may change who signs (a new final version naming the other person); staff
« Télécharger » gives the signed copy once every signature is in. Through the pages and the API, PDFs read back.
"""

import io
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from coopforma.documents import signing
from coopforma.documents.models import Document, DocumentStatus, SignatureStatus
from coopforma.documents.services import document_finalise, document_generate, document_read
from coopforma.documents.tests.test_generation import pdf_text, world  # noqa: F401
from tests.permissions import foreign_client

DELEGATE = "Jean Délégué, Responsable qualité, par délégation de signature du 01/09/2026 consentie par Claire Dubois"


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://of.example"
    shim = SimpleNamespace(atomic=transaction.atomic, on_commit=lambda func, robust=False: func())
    monkeypatch.setattr("coopforma.core.mail.transaction", shim)


def _settings_data(org, **changes):  # type: ignore[no-untyped-def]
    data = {
        "name": org.name,
        "siret": org.siret,
        "nda": org.nda,
        "street": org.street,
        "postal_code": org.postal_code,
        "city": org.city,
        "head_name": "Claire Dubois",
        "head_title": "Présidente",
        "head_email": "claire@of.example",
        "fiscal_year_start_month": "1",
        "vat_regime": org.vat_regime,
    }
    data.update(changes)
    return data


@pytest.fixture
def delegated(world, org, web, admin_user):  # type: ignore[no-untyped-def]  # noqa: F811
    """Through the « Organisme » page: Claire Dubois, legal representative, delegated signing to Jean Délégué."""
    data = _settings_data(
        org,
        signatory="delegate",
        delegate_name="Jean Délégué",
        delegate_title="Responsable qualité",
        delegate_email="jean@of.example",
        delegation_date="2026-09-01",
    )
    response = web(admin_user).post(reverse("org:settings", kwargs={"org": org.slug}), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    return world


def test_a_delegate_needs_the_delegation_date(web, admin_user, org):
    data = _settings_data(org, signatory="delegate", delegate_name="Jean Délégué")
    response = web(admin_user).post(reverse("org:settings", kwargs={"org": org.slug}), data)
    assert response.status_code == 200
    assert "Indiquez la date de la délégation de signature" in response.content.decode()
    org.refresh_from_db()
    assert org.delegate_name == "" and org.signatory == "head"


@pytest.mark.parametrize("who", ["manager", "trainer", "quality"])
def test_only_the_admin_sets_the_signatories(who, request, web, org):
    user = request.getfixturevalue(f"{who}_user")
    data = _settings_data(org, signatory="delegate", delegate_name="X", delegation_date="2026-09-01")
    response = web(user).post(reverse("org:settings", kwargs={"org": org.slug}), data)
    assert response.status_code == 403
    org.refresh_from_db()
    assert org.delegate_name == ""


def test_documents_name_the_delegate_with_the_delegation_date(delegated, admin_actor, org):
    found = delegated
    convention = document_read(document_generate(actor=admin_actor, kind="convention", subject=found.enrolment))
    text = pdf_text(convention)
    assert f"Représenté par {DELEGATE}" in text
    assert "Représenté par Claire Dubois" not in text
    text = pdf_text(document_read(document_generate(actor=admin_actor, kind="certificate", subject=found.participant)))
    assert (
        "Je soussigné(e) Jean Délégué, Responsable qualité, agissant par délégation de signature du représentant "
        "légal en date du 01/09/2026, pour le compte du dispensateur"
    ) in text


def _final_convention(data, admin_actor) -> Document:  # type: ignore[no-untyped-def]
    draft = document_generate(actor=admin_actor, kind="convention", subject=data.enrolment)
    return document_finalise(actor=admin_actor, document_id=draft.pk)


def test_the_person_named_signs_not_the_quality_manager(delegated, admin_actor, web, admin_user, quality_user, org):
    document = _final_convention(delegated, admin_actor)
    client = web(admin_user)
    page = client.get(reverse("documents:signatures", kwargs={"org": org.slug, "pk": document.pk})).content.decode()
    page = page.replace("&#x27;", "'")
    assert "Signe pour l'organisme" in page
    assert f'<option value="delegate" selected>{DELEGATE}</option>' in page.replace("&#x27;", "'")
    assert "Claire Dubois, Présidente, représentant·e légal·e" in page
    response = client.post(reverse("documents:signature_request", kwargs={"org": org.slug, "pk": document.pk}))
    assert response.status_code == 302
    ours = document.signatures.get(role="quality")
    assert (ours.signer_name, ours.signer_email) == ("Jean Délégué", "jean@of.example")
    assert not [m for m in mail.outbox if quality_user.email in m.to]
    page = client.get(reverse("documents:signatures", kwargs={"org": org.slug, "pk": document.pk})).content.decode()
    assert "Pour l&#x27;organisme de formation" in page  # the role's label, not its code
    assert "<td>quality</td>" not in page


def test_the_sender_changes_who_signs_and_the_document_follows(delegated, admin_actor, web, admin_user, org):
    document = _final_convention(delegated, admin_actor)
    response = web(admin_user).post(
        reverse("documents:signature_request", kwargs={"org": org.slug, "pk": document.pk}), {"signatory": "head"}
    )
    document.refresh_from_db()
    assert document.status == DocumentStatus.REPLACED and not document.signatures.exists()
    new = document.next_version
    assert response["Location"] == reverse("documents:signatures", kwargs={"org": org.slug, "pk": new.pk})
    assert new.status == DocumentStatus.AWAITING_SIGNATURES and new.version == 2
    ours = new.signatures.get(role="quality")
    assert (ours.signer_name, ours.signer_email) == ("Claire Dubois", "claire@of.example")
    text = pdf_text(document_read(new))
    assert "Représenté par Claire Dubois, Présidente" in text and "Jean Délégué" not in text
    assert "Pour l'organisme de formation Claire Dubois, Présidente, représentant·e légal·e" in text


def test_an_unknown_signatory_is_refused(world, admin_actor, web, admin_user, org):  # noqa: F811
    document = _final_convention(world, admin_actor)
    page = web(admin_user).post(
        reverse("documents:signature_request", kwargs={"org": org.slug, "pk": document.pk}),
        {"signatory": "delegate"},
        follow=True,
    )
    assert "Choisissez une personne renseignée comme signataire" in page.content.decode()
    document.refresh_from_db()
    assert document.status == DocumentStatus.FINAL and not document.signatures.exists()


def test_no_email_for_the_signatory_is_a_clear_refusal(world, admin_actor):  # noqa: F811
    document = _final_convention(world, admin_actor)  # the factory's head, Camille Martin, has no e-mail
    with pytest.raises(Exception) as exc:
        signing.signature_request(actor=admin_actor, document_id=document.pk)
    assert "L'e-mail de Camille Martin, qui signe pour l'organisme, manque" in str(exc.value)


@pytest.mark.parametrize("role", ["manager", "trainer", "foreign"])
def test_lesser_roles_and_other_organisations_cannot_choose_the_signatory(
    role, request, delegated, admin_actor, web, org
):
    document = _final_convention(delegated, admin_actor)
    # The foreign one: another organisation's admin, with its own slug and our document's id.
    client = foreign_client(request) if role == "foreign" else web(request.getfixturevalue(f"{role}_user"))
    response = client.post(
        reverse("documents:signature_request", kwargs={"org": org.slug, "pk": document.pk}), {"signatory": "head"}
    )
    assert response.status_code == (404 if role == "foreign" else 403)
    document.refresh_from_db()
    assert document.status == DocumentStatus.FINAL and not document.signatures.exists()
    assert Document.objects.filter(previous=document).count() == 0


def _sign_all(document: Document) -> None:
    for signature in document.signatures.filter(status=SignatureStatus.PENDING):
        mail.outbox.clear()
        signing.signature_send_code(signature=signature)
        code = mail.outbox[-1].body.split("est : ")[1][:6]
        signing.signature_sign(
            signature=signature, code=code, typed_name=signature.signer_name, ip="192.0.2.7", user_agent="Firefox"
        )


def test_staff_download_gives_the_signed_copy(delegated, admin_actor, web, admin_user, api, org):
    document = _final_convention(delegated, admin_actor)
    signing.signature_request(actor=admin_actor, document_id=document.pk)
    _sign_all(document)
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNED
    client = web(admin_user)
    session_page = client.get(
        reverse("documents:session", kwargs={"org": org.slug, "session_id": delegated.session.pk})
    )
    assert "Télécharger la copie signée" in session_page.content.decode()
    url = reverse("documents:file", kwargs={"org": org.slug, "pk": document.pk})
    signed = client.get(url)
    assert signed.streaming  # from the storage in chunks, not whole in memory
    pages = PdfReader(io.BytesIO(signed.getvalue())).pages
    assert "Certificat de signatures électroniques" in pages[-1].extract_text()
    assert "-signe.pdf" in signed["Content-Disposition"]
    original = client.get(url + "?original=1").getvalue()
    assert "Certificat de signatures électroniques" not in pdf_text(original)
    assert len(PdfReader(io.BytesIO(original)).pages) == len(pages) - 1
    by_api = api(admin_user, org).get(f"/api/v1/documents/{document.pk}/file")
    assert by_api.status_code == 200 and "Certificat de signatures électroniques" in pdf_text(by_api.getvalue())
    # A stored file altered since it was stored is refused, as before the streaming.
    with document.signed_file.open("rb") as handle:
        data = handle.read()
    with document.signed_file.storage.open(document.signed_file.name, "wb") as handle:
        handle.write(data.replace(b"%%EOF", b"%%EOF\n% altered", 1))
    altered = client.get(url)
    assert altered.status_code == 409 and "altérée" in altered.content.decode()


def test_a_refused_change_of_signatory_leaves_no_new_version(delegated, admin_actor, web, admin_user, org):
    org.delegate_email = ""
    org.signatory = "head"
    org.save()
    document = _final_convention(delegated, admin_actor)  # names Claire Dubois
    page = web(admin_user).post(
        reverse("documents:signature_request", kwargs={"org": org.slug, "pk": document.pk}),
        {"signatory": "delegate"},
        follow=True,
    )
    assert "L&#x27;e-mail de Jean Délégué, qui signe pour l&#x27;organisme, manque" in page.content.decode()
    document.refresh_from_db()
    assert document.status == DocumentStatus.FINAL and not Document.objects.filter(previous=document).exists()
