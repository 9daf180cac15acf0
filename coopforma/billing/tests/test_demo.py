# SPDX-License-Identifier: AGPL-3.0-or-later
"""The billing part of the demo: issued invoices (client and OPCO), payments, a credit note, quotes."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum

from coopforma.accounts.models import Organisation, User
from coopforma.billing import cpf
from coopforma.billing.models import Invoice, InvoiceSequence, MemberShare, Payment
from coopforma.dashboard.demo import DEMO_SLUG
from coopforma.training_sessions.models import Enrolment


@pytest.fixture
def demo_org(db, settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = tmp_path
    call_command("demo", stdout=io.StringIO())
    return Organisation.objects.get(slug=DEMO_SLUG)


def test_demo_has_a_coherent_billing(demo_org, web):
    invoices = Invoice.objects.filter(organisation=demo_org)
    issued = invoices.filter(kind="invoice", status="issued")
    assert issued.filter(payer_kind="opco").exists() and issued.filter(payer_kind="company").exists()
    assert invoices.filter(kind="credit_note", status="issued").count() == 1
    assert invoices.filter(kind="quote", status="accepted", invoices_from_quote__status="issued").exists()
    assert invoices.filter(kind="quote", status="draft").count() == 1
    assert Payment.objects.filter(organisation=demo_org).exists()
    # Gapless numbering per kind and fiscal year, as the sequences say.
    for sequence in InvoiceSequence.objects.filter(organisation=demo_org):
        numbers = sorted(
            invoices.filter(kind=sequence.kind, fiscal_year=sequence.fiscal_year).values_list("sequence", flat=True)
        )
        assert numbers == list(range(1, sequence.last + 1))
    # Every issued invoice is shared exactly between member structures, and has its PDF.
    for invoice in issued:
        assert invoice.document_id is not None
        total = MemberShare.objects.filter(invoice=invoice).aggregate(t=Sum("basis_cents"))["t"]
        assert total == invoice.total_ht_cents, invoice.number
    # CPF: the Caisse des dépôts is billed after the EDOF cycle, the holders never (no quote, no invoice).
    cpf_enrolments = Enrolment.objects.filter(organisation=demo_org, funding_lines__payer_kind="cpf").distinct()
    holders = [e.client_id for e in cpf_enrolments]
    assert not invoices.filter(client_id__in=holders).exclude(payer_kind="cpf").exists()
    cpf_invoices = issued.filter(payer_kind="cpf")
    assert cpf_invoices.exists() and set(cpf_invoices.values_list("scheme", flat=True)) == {"cpf"}
    assert set(cpf_invoices.values_list("recipient_name", flat=True)) == {cpf.CDC_NAME}
    for invoice in cpf_invoices:
        assert invoice.enrolment.cpf_state == "invoiced" and invoice.enrolment.cpf_completion_rate == 100
    quote = invoices.get(kind="quote", status="accepted")
    assert quote.client.kind == "company" and quote.payer_kind == "company"
    # The admin sees it all on the pages.
    admin = User.objects.get(memberships__organisation=demo_org, memberships__role="admin")
    page = web(admin).get(f"/o/{DEMO_SLUG}/billing/")
    assert page.status_code == 200
    assert issued.first().number in page.content.decode()
