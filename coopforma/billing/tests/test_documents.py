# SPDX-License-Identifier: AGPL-3.0-or-later
"""The billing kinds in the documents engine: templates valid against their keywords, previews, verification."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from coopforma.billing import services
from coopforma.documents.registry import get_kind
from coopforma.documents.rendering import check_template, compile_pdf, render_markup

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["invoice", "credit_note", "billing_quote"])
def test_default_templates_use_only_known_keywords_and_render(code):
    kind = get_kind(code)
    used = check_template(kind.default_template, kind.sample_context())
    assert {"organisation.name", "piece.total_ttc", "piece.lines"} <= set(used)
    pdf = compile_pdf(render_markup(kind.default_template, kind.sample_context()))
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "1 400,00" in text.replace("\u202f", " ").replace("\xa0", " ")


def test_the_issued_pdf_is_verifiable_publicly(admin_actor, enrolment):
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    page = Client().get(f"/v/{invoice.document.verification_code}")
    if page.status_code == 301:
        page = Client().get(page["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert invoice.document.sha256 in body or invoice.number in body, body[:500]


@pytest.mark.parametrize("code", ["invoice", "credit_note", "billing_quote"])
def test_billing_pieces_cannot_be_generated_through_the_session_documents_pages(code, admin_actor, enrolment, web):
    """Their PDF is made when the piece is issued, once: the generic « generate » route does not know them."""
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    url = f"/o/{invoice.organisation.slug}/documents/generate/{code}/{invoice.pk}/"
    assert web(admin_actor.user).post(url).status_code == 404
    assert invoice.document.kind == "invoice"


def test_documents_verify_checks_the_issued_invoice_pdf(admin_actor, enrolment, settings, tmp_path):
    """An issued invoice's PDF is a final document: `coopforma documents verify` reports it altered (exit 1)."""
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    out = io.StringIO()
    call_command("documents", "verify", stdout=out)
    assert out.getvalue().startswith("OK : 1 fichier(s)")
    with open(default_storage.path(invoice.document.file.name), "ab") as handle:
        handle.write(b"%% appended")
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("documents", "verify", stdout=out)
    assert exc.value.code == 1
    assert f"ALTÉRÉ : PDF définitif de « {invoice.document.title} »" in out.getvalue()
