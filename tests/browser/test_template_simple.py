# SPDX-License-Identifier: AGPL-3.0-or-later
"""The simple template editor on a phone (390 px): the quality manager writes a section, inserts a keyword from
the list, previews and saves; the convocation generated next uses the text, with the organisation's logo."""

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from coopforma.documents.models import DocumentTemplate
from coopforma.documents.services import document_generate, document_read
from coopforma.documents.tests.test_generation import world  # noqa: F401 — the fixture
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 40), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_a_manager_writes_a_simple_convocation_on_a_phone(phone, world, quality_user, admin_actor):  # noqa: F811
    world.org.logo = _png()
    world.org.save()
    log_in(phone, quality_user)
    phone.goto(f"/o/{world.org.slug}/documents/templates/convocation/simple/")
    phone.get_by_label("Titre de la section").first.fill("Votre venue")
    text = phone.get_by_label("Texte").first
    text.fill("Bonjour ")
    text.press("End")
    phone.get_by_role("button", name="Insérer « Prénom et nom du ou de la stagiaire »").click()
    text.press("End")
    text.type(", à bientôt ! #pas-du-code")
    assert "{{ trainee.full_name }}" in text.input_value()
    phone.get_by_role("button", name="Aperçu", exact=True).click()
    phone.locator(".preview-page img").first.wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling
    phone.get_by_role("button", name="Enregistrer").click()
    phone.get_by_text("enregistré (version 1)").wait_for()
    template = DocumentTemplate.objects.get(organisation=world.org, kind="convocation", is_active=True)
    assert template.structure["sections"][0]["heading"] == "Votre venue"
    document = document_generate(actor=admin_actor, kind="convocation", subject=world.participant)
    pdf = PdfReader(io.BytesIO(document_read(document)))
    text_of_pdf = " ".join(page.extract_text() for page in pdf.pages)
    assert "Bonjour Sacha Dupont, à bientôt ! #pas-du-code" in text_of_pdf
    assert sum(len(page.images) for page in pdf.pages) >= 1  # the logo
