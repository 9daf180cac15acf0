# SPDX-License-Identifier: AGPL-3.0-or-later
"""A trainee paying personally pays within the law (issue 12 point 3): contract first (L6353-3), nothing during the
withdrawal period (L6353-5), then 30 % at most and the rest as the training proceeds (L6353-6), a schedule on the
contract's invoices, and no professional late-payment mentions."""

import datetime as dt
import html
import io
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from coopforma.billing import services
from coopforma.billing.models import Invoice, Payment
from coopforma.documents.services import document_read
from coopforma.people.tests.factories import ClientFactory
from coopforma.training_sessions.models import Enrolment
from coopforma.training_sessions.tests.factories import PARIS, SlotFactory

pytestmark = pytest.mark.django_db


def pdf_text(invoice: Invoice) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(document_read(invoice.document))).pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'"))


def at(day: dt.date):  # type: ignore[no-untyped-def]
    return time_machine.travel(dt.datetime.combine(day, dt.time(10, 0), tzinfo=PARIS), tick=False)


@pytest.fixture
def consumer_enrolment(org, session, trainer):  # type: ignore[no-untyped-def]
    """1 400 € for a session of 2–3 March (7 h) and 6 April 2026 (7 h): half the minutes in each month."""
    slot = SlotFactory(
        session=session,
        starts_at=dt.datetime(2026, 4, 6, 9, 0, tzinfo=PARIS),
        ends_at=dt.datetime(2026, 4, 6, 16, 0, tzinfo=PARIS),
    )
    slot.trainers.add(trainer)
    session.end_date, session.total_minutes = dt.date(2026, 4, 6), 840
    session.save()
    client = ClientFactory(
        organisation=org,
        name="Marion Lambert",
        kind="individual",
        street="40 rue Paul-Bert",
        postal_code="69003",
        city="Lyon",
        email="marion@courriel.example",
    )
    return Enrolment.objects.create(organisation=org, session=session, client=client, price_cents=140000)


def test_an_individual_pays_by_the_contract_schedule(web, api, admin_user, admin_actor, org, consumer_enrolment):
    base = f"/o/{org.slug}/billing/enrolment/{consumer_enrolment.pk}/"
    browser = web(admin_user)
    # No contract, no invoice (L6353-3).
    with at(dt.date(2026, 2, 20)):
        page = html.unescape(browser.post(base, {"kind": "invoice"}, follow=True).content.decode())
    assert "Aucun contrat de formation signé par Marion Lambert" in page and "L6353-3" in page
    assert not Invoice.objects.filter(enrolment=consumer_enrolment).exists()
    # The paper contract signed on 25 February: 10 days of withdrawal, up to 7 March inclusive.
    with at(dt.date(2026, 2, 26)):
        browser.post(base + "contract-signature/", {"signed_on": "2026-02-25"})
        schedule = api(admin_user, org).get(f"/api/v1/billing/enrolments/{consumer_enrolment.pk}/schedule").json()
        page = html.unescape(browser.post(base, {"kind": "invoice"}, follow=True).content.decode())
    assert schedule["withdrawal_ends_on"] == "2026-03-07"
    assert [(i["due_on"], i["amount_cents"]) for i in schedule["instalments"]] == [
        ("2026-03-08", 42000),  # 30 % at most, the day after the withdrawal period
        ("2026-04-07", 49000),  # March's training, a month after the advance at the earliest
        ("2026-04-07", 49000),  # April's, at the end of its last slot (6 April) or later
    ]
    assert "Le délai de rétractation de 10 jours court jusqu'au 07/03/2026 inclus" in page
    # After the withdrawal period: the advance only, 30 %.
    with at(dt.date(2026, 3, 8)):
        response = browser.post(base, {"kind": "invoice"})
        (advance,) = Invoice.objects.filter(enrolment=consumer_enrolment)
        assert advance.total_ht_cents == 42000 and response.status_code == 302
        services.invoice_issue(actor=admin_actor, invoice_id=advance.pk)
        page = html.unescape(browser.post(base, {"kind": "invoice"}, follow=True).content.decode())
        assert "Rien n'est exigible à ce jour" in page
    advance.refresh_from_db()
    text = pdf_text(advance)
    assert "Échéancier du contrat de formation" in text and "420,00" in text
    assert "40 €" not in text and "pénalités" not in text.lower() and "L6353-6" in text
    # A payment dated inside the withdrawal period is refused; after it, accepted.
    with pytest.raises(ValidationError, match="aucune somme ne peut être exigée ni reçue"):
        services.payment_record(
            actor=admin_actor, invoice_id=advance.pk, amount_cents=42000, paid_on=dt.date(2026, 3, 7)
        )
    assert not Payment.objects.exists()
    services.payment_record(actor=admin_actor, invoice_id=advance.pk, amount_cents=42000, paid_on=dt.date(2026, 3, 9))
    # The balance once the training has proceeded.
    with at(dt.date(2026, 4, 7)):
        (balance,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=consumer_enrolment.pk)
        assert balance.total_ht_cents == 98000
        services.invoice_issue(actor=admin_actor, invoice_id=balance.pk)


def test_an_invoice_beyond_the_schedule_is_refused_with_the_article(admin_actor, consumer_enrolment):
    from coopforma.billing import individuals

    individuals.contract_signature_record(
        actor=admin_actor, enrolment=consumer_enrolment, signed_on=dt.date(2026, 2, 20), at_distance=True
    )
    # At a distance: 14 days, up to 6 March inclusive.
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=consumer_enrolment.pk)
    assert draft.total_ht_cents == 140000  # today (17 November 2026) everything is due
    with pytest.raises(ValidationError, match="court jusqu'au 06/03/2026 inclus"):
        services.invoice_issue(actor=admin_actor, invoice_id=draft.pk, issued_on=dt.date(2026, 3, 6))
    with pytest.raises(ValidationError, match=r"rend exigibles 420,00.*L6353-6"):
        services.invoice_issue(actor=admin_actor, invoice_id=draft.pk, issued_on=dt.date(2026, 3, 10))
    assert Invoice.objects.get(pk=draft.pk).status == "draft"
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk, issued_on=dt.date(2026, 4, 6))
    assert invoice.number and "40 €" not in invoice.payment_terms


def test_contract_signature_api_refusals(api, admin_user, quality_user, stranger, other_org, org, consumer_enrolment):
    url = f"/api/v1/billing/enrolments/{consumer_enrolment.pk}/contract-signature"
    client = api(admin_user, org)
    response = client.post(url, {"signed_on": "2026-12-24"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["loc"] == ["body", "signed_on"]
    assert (
        api(quality_user, org).post(url, {"signed_on": "2026-02-25"}, content_type="application/json").status_code
        == 403
    )
    assert (
        api(stranger, other_org).post(url, {"signed_on": "2026-02-25"}, content_type="application/json").status_code
        == 404
    )
    assert Enrolment.objects.get(pk=consumer_enrolment.pk).contract_signed_on is None
    assert client.post(url, {"signed_on": "2026-02-25"}, content_type="application/json").status_code == 200
    response = client.post(url, {"signed_on": "2026-02-26"}, content_type="application/json")
    assert response.status_code == 422 and "ne change plus" in response.json()["errors"][0]["message"]


def test_professional_buyers_keep_the_late_payment_mentions(admin_actor, enrolment):
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    assert "40 €" in draft.payment_terms and "L441-10" in draft.payment_terms


def test_a_quote_to_an_individual_is_not_an_order_and_has_consumer_terms(admin_actor, consumer_enrolment):
    quote = services.quote_create_for_enrolment(actor=admin_actor, enrolment_id=consumer_enrolment.pk)
    quote = services.invoice_issue(actor=admin_actor, invoice_id=quote.pk)
    text = pdf_text(quote)
    assert "Ce devis ne vaut pas commande" in text and "L6353-3" in text
    assert "40 €" not in text and "pénalités" not in text.lower()
