# SPDX-License-Identifier: AGPL-3.0-or-later
"""One VAT computation and one exemption wording for every document: the convention, the enrolment's quote, the
invoice and the credit note of the same 1 234,59 € HT print the same VAT (core.money.vat_cents, half up)."""

import io
import re

import pytest
from pypdf import PdfReader

from coopforma.billing import services
from coopforma.core.money import VAT_EXEMPT_MENTION, vat_cents, vat_mention
from coopforma.documents.services import document_generate, document_read

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " ").replace("\u2019", "'"))


@pytest.mark.parametrize(
    ("ht", "rate", "vat"),
    [(123459, 2000, 24692), (1001, 2000, 200), (1002, 2000, 200), (1003, 2000, 201), (25, 2000, 5), (0, 2000, 0)],
)
def test_vat_is_rounded_half_up_on_the_total(ht, rate, vat):
    assert vat_cents(ht, rate) == vat
    assert vat_cents(-ht, rate) == -vat
    assert vat_cents(ht, 0) == 0


def test_vat_mentions():
    assert vat_mention(0) == VAT_EXEMPT_MENTION
    assert "261-4-4° a" in VAT_EXEMPT_MENTION
    assert vat_mention(2000) == "TVA au taux de 20 %"
    assert vat_mention(550) == "TVA au taux de 5,5 %"


@pytest.fixture
def subject_org(org):  # type: ignore[no-untyped-def]
    org.vat_regime = "subject"
    org.vat_number = "FR40732829320"
    org.head_name = "Camille Martin"
    org.save()
    return org


def test_convention_quote_invoice_and_credit_note_print_the_same_vat(subject_org, admin_actor, session, enrolment):
    session.programme = {"objectives": ["Animer une réunion"]}
    session.save()
    enrolment.client.siret = "73282932000074"
    enrolment.client.save()
    enrolment.price_cents = 123459
    enrolment.save()
    for kind in ("convention", "quote"):
        text = _text(document_read(document_generate(actor=admin_actor, kind=kind, subject=enrolment)))
        assert "246,92 €" in text and "1 481,51 €" in text, (kind, text)
        assert "246,91" not in text
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    assert (invoice.total_ht_cents, invoice.total_vat_cents, invoice.total_ttc_cents) == (123459, 24692, 148151)
    text = _text(document_read(invoice.document))
    assert "246,92 €" in text and "1 481,51 €" in text
    assert "TVA au taux de 20 %" in text


def test_every_exempt_document_prints_the_one_wording(org, admin_actor, session, enrolment):
    org.head_name = "Camille Martin"
    org.save()
    session.programme = {"objectives": ["Animer une réunion"]}
    session.save()
    enrolment.client.siret = "73282932000074"
    enrolment.client.save()
    texts = [
        _text(document_read(document_generate(actor=admin_actor, kind=kind, subject=enrolment)))
        for kind in ("convention", "quote")
    ]
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    texts.append(_text(document_read(invoice.document)))
    note = services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk)
    texts.append(_text(document_read(note.document)))
    for text in texts:
        assert "Exonération de TVA, article 261-4-4° a du Code général des impôts." in text, text
        assert "art. 261-4-4° a du CGI" not in text
