# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue #3's « Done means », in a browser: the quality manager edits the convention template, generates the
convention of an enrolment, finalises it and sends it for signature; the client signs through the e-mailed
link and code; the public verification page recognises the PDF and refuses a copy with one byte changed."""

import io
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from pypdf import PdfReader

from coopforma.documents.models import Document, DocumentStatus, DocumentTemplate, Signature, SignatureStatus
from coopforma.documents.tests.test_generation import world  # noqa: F401 — the fixture
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SENTENCE = "Les parties coopèrent de bonne foi pour la réussite des stagiaires."


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def mail_to(address: str, subject_starts: str):  # type: ignore[no-untyped-def]
    found = [m for m in mail.outbox if address in m.to and m.subject.startswith(subject_starts)]
    assert found, [(m.to, m.subject) for m in mail.outbox]
    return found[-1]


def link_path(body: str) -> str:
    """The path of the signing link in an e-mail (the live server's port is not SITE_URL's)."""
    url = re.search(r"https?://\S+/s/\S+/", body)
    assert url, body
    return urlsplit(url.group(0)).path


def sign_through_email(page, signature: Signature) -> None:  # type: ignore[no-untyped-def]
    """Open the e-mailed link, ask for the code, read it from the next e-mail, type it with one's name, sign."""
    request = mail_to(signature.signer_email, "Document à signer")
    page.goto(link_path(request.body))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Signer")
    # Chromium's PDF viewer in the frame above may scroll the page under a coordinate click: dispatch the
    # click to the button itself (the same DOM event a tap produces).
    with page.expect_navigation(url="**/code", wait_until="domcontentloaded"):
        page.get_by_role("button", name="Recevoir un code").dispatch_event("click")
    page.get_by_text("Code envoyé").wait_for()
    code = re.search(r"\b(\d{6})\b", mail_to(signature.signer_email, "Votre code de signature").body).group(1)
    page.get_by_label("Code reçu par e-mail").fill(code)
    page.get_by_label("Votre nom et prénom").fill(signature.signer_name)
    page.get_by_label("J'ai lu le document et je le signe électroniquement.").check()
    page.get_by_role("button", name="Signer le document").dispatch_event("click")
    page.get_by_role("heading", name="Merci, votre signature est enregistrée").wait_for()


def verify_upload(page, path: Path) -> str:  # type: ignore[no-untyped-def]
    page.goto("/v/")
    page.get_by_label("Fichier PDF reçu").set_input_files(str(path))
    page.get_by_role("button", name="Comparer").click()
    page.wait_for_load_state()
    return page.content()


def test_edit_generate_sign_as_client_and_verify_the_convention(
    page,
    new_context,
    quality_user,
    world,  # noqa: F811
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    mail.outbox.clear()
    org, session, enrolment = world.org, world.session, world.enrolment
    signatory = enrolment.client.contacts.get(is_signatory=True)  # Claire Contact, the client's signatory
    # The OF signs through its legal representative, named on the « Organisme » page (issue 11, point 3).
    org.head_name, org.head_email = org.head_name or "Camille Direction", "direction@coop.example"
    org.save()

    # 1. The quality manager adds a sentence to the convention template.
    log_in(page, quality_user)
    page.wait_for_url(f"**/o/{org.slug}/")
    page.get_by_role("link", name="Modèles de documents").first.click()
    page.get_by_role("link", name=re.compile("Convention de formation")).first.click()
    body = page.get_by_label("Texte du modèle")
    body.fill(body.input_value() + f"\n\n{SENTENCE}\n")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("En usage : version 1").wait_for()
    template = DocumentTemplate.objects.get(organisation=org, kind="convention", is_active=True)
    assert SENTENCE in template.body

    # 2. She generates the client's convention from the session's documents page, then finalises it.
    page.goto(f"/o/{org.slug}/sessions/{session.pk}/")
    page.get_by_role("link", name="Documents", exact=True).click()
    page.get_by_role("button", name="Générer Convention de formation Scop Exemple").click()
    page.get_by_text("généré (brouillon, version 1)").wait_for()
    page.get_by_role("button", name="Rendre définitif").click()
    page.get_by_text("est définitif").wait_for()
    document = Document.objects.get(kind="convention", subject_id=enrolment.pk)
    assert document.status == DocumentStatus.FINAL and document.template == template

    # 3. She sends it for signature: the OF's legal representative and the client's signatory get a link each.
    page.get_by_role("link", name="Signatures et diffusion Convention de formation Scop Exemple").click()
    page.get_by_role("button", name="Envoyer en signature").click()
    page.wait_for_load_state()
    signatures = {s.role: s for s in Signature.objects.filter(document=document)}
    assert set(signatures) == {"quality", "client"}
    assert signatures["quality"].signer_email == "direction@coop.example"  # never the quality manager's mailbox
    assert signatures["client"].signer_email == signatory.email and signatures["client"].signer_name == str(signatory)

    # 4. The client, without an account, signs through the e-mailed link and code (own browser context).
    client_page = new_context().new_page()
    sign_through_email(client_page, signatures["client"])
    signatures["client"].refresh_from_db()
    assert signatures["client"].status == SignatureStatus.SIGNED
    assert signatures["client"].document_sha256 == document.sha256
    # The OF signs too (its link went to its legal representative): then the signed copy is built.
    sign_through_email(client_page, signatures["quality"])
    document.refresh_from_db()
    assert document.status == DocumentStatus.SIGNED and document.signed_file

    # 5. The PDF carries the added sentence and the legal mentions.
    final = document.file.open("rb").read()
    text = " ".join(pdf_text(final).split())
    assert SENTENCE in text
    assert "Cet enregistrement ne vaut pas agrément de l'État" in text
    assert "Scop Exemple" in text and document.verification_code in text
    signed = document.signed_file.open("rb").read()
    assert "Certificat de signatures électroniques" in pdf_text(signed)

    # 6. Anyone checks the files on the public page; one byte changed is refused.
    (tmp_path / "convention.pdf").write_bytes(final)
    page_text = verify_upload(client_page, tmp_path / "convention.pdf")
    assert "Document authentique" in page_text and "original de ce document" in page_text
    assert document.sha256 in page_text and org.name in page_text
    (tmp_path / "convention-signee.pdf").write_bytes(signed)
    page_text = verify_upload(client_page, tmp_path / "convention-signee.pdf")
    assert "copie signée de ce document" in page_text and signatures["client"].signer_name in page_text
    tampered = bytearray(final)
    middle = len(tampered) // 2
    tampered[middle] = (tampered[middle] + 1) % 256
    (tmp_path / "convention-modifiee.pdf").write_bytes(bytes(tampered))
    page_text = verify_upload(client_page, tmp_path / "convention-modifiee.pdf")
    assert "Non reconnu" in page_text and "Document authentique" not in page_text
