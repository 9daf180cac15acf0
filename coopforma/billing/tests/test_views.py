# SPDX-License-Identifier: AGPL-3.0-or-later
"""The billing pages as a user touches them: from the session page to the member's share."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from coopforma.billing import services
from coopforma.billing.models import Invoice, MemberShare, Payment
from coopforma.people.tests.factories import ClientFactory
from coopforma.training_sessions.tests.factories import EnrolmentFactory, FundingLineFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def url(org, path=""):  # type: ignore[no-untyped-def]
    return f"/o/{org.slug}/billing/{path}"


def test_quote_to_invoice_to_payment_to_the_members_share(web, org, admin_user, manager_user, enrolment, member):
    client = web(admin_user)
    # From the session page, the enrolment's billing page.
    session_page = client.get(f"/o/{org.slug}/sessions/{enrolment.session_id}/").content.decode()
    assert url(org, f"enrolment/{enrolment.pk}/") in session_page
    response = client.post(url(org, f"enrolment/{enrolment.pk}/"), {"kind": "quote"})
    quote = Invoice.objects.get(kind="quote")
    assert response["Location"] == url(org, f"{quote.pk}/")
    # Issue the quote, accept it, convert it.
    assert client.post(url(org, f"{quote.pk}/issue/"), {"issued_on": TODAY.isoformat()}).status_code == 302
    quote.refresh_from_db()
    assert quote.number == f"D-{TODAY.year}-0001"
    client.post(url(org, f"{quote.pk}/accept/"))
    response = client.post(url(org, f"{quote.pk}/convert/"))
    invoice = Invoice.objects.get(kind="invoice")
    assert response["Location"] == url(org, f"{invoice.pk}/")
    page = client.get(url(org, f"{invoice.pk}/")).content.decode()
    assert "Brouillon" in page and quote.number in page
    # Issue the invoice and read its PDF back.
    client.post(url(org, f"{invoice.pk}/issue/"), {"issued_on": TODAY.isoformat()})
    invoice.refresh_from_db()
    assert invoice.number == f"F-{TODAY.year}-0001"
    pdf = client.get(url(org, f"{invoice.pk}/pdf/"))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert invoice.number in text and "53350999935" in text and "Exonération de TVA" in text
    # Pay it.
    response = client.post(
        url(org, f"{invoice.pk}/payment/"),
        {"amount_cents": "1 400,00", "paid_on": TODAY.isoformat(), "method": "transfer"},
    )
    assert response.status_code == 302
    page = client.get(url(org, f"{invoice.pk}/")).content.decode()
    assert "Solde restant dû" in page and "0,00" in page
    # The member's manager sees the share on the statement.
    statement = web(manager_user).get(url(org, f"statement/?member={member.pk}")).content.decode()
    share = MemberShare.objects.get(invoice=invoice)
    assert share.basis_cents == 140000 and share.contribution_cents == 14000
    assert invoice.number in statement and "1\u202f260,00" in statement


def test_forms_keep_the_input_and_say_what_is_wrong(web, org, admin_user, admin_actor, enrolment):
    client = web(admin_user)
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    response = client.post(
        url(org, f"{invoice.pk}/payment/"),
        {"amount_cents": "2000,00", "paid_on": TODAY.isoformat(), "method": "cheque"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "dépasse le solde" in body and 'value="2000,00"' in body
    assert not Payment.objects.exists()
    response = client.post(
        url(org, f"{invoice.pk}/payment/"), {"amount_cents": "-5", "paid_on": TODAY.isoformat(), "method": "cheque"}
    )
    assert "négatif" in response.content.decode()
    response = client.post(
        url(org, f"{invoice.pk}/credit-note/"), {"amount_cents": "1500,00", "reason": "Erreur", "issued_on": TODAY}
    )
    assert "dépasse ce qui reste à annuler" in response.content.decode()
    # Editing an issued invoice: refused with the reason.
    response = client.post(url(org, f"{invoice.pk}/edit/"), {"recipient_name": "Autre", "payer_kind": "company"})
    assert response.status_code == 200 and "est émise" in response.content.decode()
    invoice.refresh_from_db()
    assert invoice.recipient_name == "Scop Exemple"


def test_the_draft_form_requires_the_payer_category(web, org, admin_user, admin_actor, enrolment):
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    response = web(admin_user).post(url(org, f"{draft.pk}/edit/"), {"recipient_name": "Scop Exemple", "payer_kind": ""})
    assert "Choisissez qui paie cette facture" in response.content.decode()
    response = web(admin_user).post(
        url(org, f"{draft.pk}/edit/"), {"recipient_name": "Scop Exemple", "payer_kind": "opco", "scheme": "cpf"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.payer_kind, draft.scheme) == ("opco", "cpf")


def test_draft_lines_from_the_page(web, org, admin_user, admin_actor, enrolment):
    client = web(admin_user)
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    client.post(url(org, f"{draft.pk}/lines/add/"), {"label": "Support", "quantity": "2", "unit_price_cents": "12,50"})
    draft.refresh_from_db()
    assert draft.total_ht_cents == 142500
    preview = client.get(url(org, f"{draft.pk}/pdf/"))
    assert "BROUILLON" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(preview.content)).pages)
    assert draft.document_id is None


def test_enrolment_with_an_opco_prepares_two_invoices(web, org, admin_user, enrolment, opco_line):
    response = web(admin_user).post(url(org, f"enrolment/{enrolment.pk}/"), {"kind": "invoice"})
    assert response.status_code == 302
    assert sorted(Invoice.objects.values_list("recipient_name", flat=True)) == ["AKTO", "Scop Exemple"]
    again = web(admin_user).post(url(org, f"enrolment/{enrolment.pk}/"), {"kind": "invoice"}, follow=True)
    assert "déjà facturée" in again.content.decode()


def test_statement_csv_for_accounting(web, org, admin_user, admin_actor, enrolment, member):
    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
    note = services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk, amount_cents=10000, reason="Remise")
    start = TODAY.replace(month=1, day=1).isoformat()
    response = web(admin_user).get(url(org, f"statement.csv?member={member.pk}&start={start}&end={TODAY}"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Date", "Numéro", "Type"] and rows[0][-1] == "Dû à la structure"
    assert rows[1][1] == invoice.number and rows[1][7:] == ["1400,00", "10,00", "140,00", "1260,00"]
    assert rows[2][1] == note.number and rows[2][5] == invoice.number
    assert rows[2][7:] == ["-100,00", "10,00", "-10,00", "-90,00"]
    page = web(admin_user).get(url(org, f"statement/?member={member.pk}&start={start}&end={TODAY}")).content.decode()
    assert "1\u202f300,00" in page and "1\u202f170,00" in page  # turnover and due, credit note subtracted
    bad = web(admin_user).get(url(org, f"statement.csv?member={member.pk}&start=2026-12-31&end=2026-01-01"))
    assert bad.status_code == 400 and "précède" in bad.content.decode()


def test_close_a_year_from_the_page(web, org, admin_user):
    client = web(admin_user)
    response = client.post(url(org, "years/"), {"year": str(TODAY.year)})
    assert "une fois terminé" in response.content.decode()
    response = client.post(url(org, "years/"), {"year": str(TODAY.year - 1)})
    assert response.status_code == 302
    assert str(TODAY.year - 1) in client.get(url(org, "years/")).content.decode()


def _pieces(org, admin_actor, session, n):  # type: ignore[no-untyped-def]
    for i in range(n):
        enrolment = EnrolmentFactory(session=session, client=ClientFactory(organisation=org, name=f"Client {i}"))
        FundingLineFactory(enrolment=enrolment, payer_kind="opco", payer_name="AKTO", amount_cents=50000)
        for draft in services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk):
            invoice = services.invoice_issue(actor=admin_actor, invoice_id=draft.pk)
            services.payment_record(actor=admin_actor, invoice_id=invoice.pk, amount_cents=100, paid_on=TODAY)
        services.credit_note_create(actor=admin_actor, invoice_id=invoice.pk, amount_cents=100)


def _count(client, path):  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_list_and_statement_use_a_constant_number_of_queries(
    web, org, admin_user, manager_user, admin_actor, session, member, django_assert_max_num_queries
):
    admin, manager = web(admin_user), web(manager_user)
    start = TODAY.replace(month=1, day=1).isoformat()
    statement = url(org, f"statement/?member={member.pk}&start={start}&end={TODAY}")
    _pieces(org, admin_actor, session, 1)
    small = (_count(admin, url(org)), _count(manager, url(org)), _count(admin, statement))
    _pieces(org, admin_actor, session, 4)
    assert Invoice.objects.filter(kind="invoice", status="issued").count() == 10
    with django_assert_max_num_queries(small[0]):
        admin.get(url(org))
    with django_assert_max_num_queries(small[1]):
        page = manager.get(url(org))
    assert page.content.decode().count("/billing/") > 10  # the manager sees the pieces of their structure
    with django_assert_max_num_queries(small[2]):
        admin.get(statement)


def test_a_template_that_cannot_lay_out_a_draft_says_why_instead_of_failing(
    web, org, admin_user, admin_actor, enrolment
):
    from coopforma.billing.documents import kind_code
    from coopforma.documents.models import DocumentTemplate

    (draft,) = services.invoice_create_for_enrolment(actor=admin_actor, enrolment_id=enrolment.pk)
    # A template saved when it still worked, that no longer fits the records (a keyword since removed).
    DocumentTemplate.objects.create(
        organisation=org, kind=kind_code(draft), name="Ancien", body="{{ removed.keyword }}"
    )
    client = web(admin_user)
    response = client.get(url(org, f"{draft.pk}/pdf/"), follow=True)
    assert response.status_code == 200
    assert "Le modèle ne peut pas produire ce document" in response.content.decode()
