# SPDX-License-Identifier: AGPL-3.0-or-later
"""The billing part of the demo: issued invoices (client and OPCO), payments, a credit note, quotes."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings

from coopforma.accounts.models import Organisation, User
from coopforma.billing import cpf
from coopforma.billing.models import Invoice, InvoiceSequence, MemberShare, Payment
from coopforma.billing.realised import line_due, trainee_hours
from coopforma.dashboard.demo import DEMO_SLUG
from coopforma.training_sessions.models import Enrolment, Participant
from tests.module_data import load_once


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    var_dir = tmp_path_factory.mktemp("var")

    def load() -> None:
        with override_settings(VAR_DIR=var_dir, MEDIA_ROOT=var_dir / "media"):
            call_command("demo", stdout=io.StringIO())

    with load_once(django_db_blocker, load):
        yield var_dir


@pytest.fixture
def demo_org(loaded_demo, db, settings):  # type: ignore[no-untyped-def]
    settings.VAR_DIR = loaded_demo
    settings.MEDIA_ROOT = loaded_demo / "media"
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


def test_demo_invoices_follow_the_hours_realised(demo_org):
    # The trainee who left after the first half-day (3 h 30 of 14 h) pays those hours only: 520 € × 3.5 / 14.
    dropout = Participant.objects.get(session__organisation=demo_org, status="dropped_out")
    (invoice,) = Invoice.objects.filter(enrolment=dropout.enrolment, kind="invoice", status="issued")
    assert invoice.total_ht_cents == 13000
    assert "3\u00a0h\u00a030 réalisées sur 14\u00a0h (abandon)" in invoice.lines.get().label
    # Every OPCO invoice bills the attended hours of each trainee, never the planned ones.
    opco = Invoice.objects.filter(organisation=demo_org, kind="invoice", status="issued", payer_kind="opco")
    partial = 0
    for piece in opco:
        funding_line = piece.lines.first().funding_line
        trainees = trainee_hours(piece.enrolment)
        assert piece.total_ht_cents == line_due(funding_line, trainees).total_cents, piece.number
        assert piece.lines.count() == len(trainees)
        partial += piece.total_ht_cents < funding_line.amount_cents
    assert partial >= 1
    first = Invoice.objects.get(organisation=demo_org, number="F-2025-0001")
    assert "17\u00a0h\u00a030 réalisées sur 21\u00a0h" in " ".join(first.lines.values_list("label", flat=True))
