# SPDX-License-Identifier: AGPL-3.0-or-later
"""Factories of this app's records."""

import datetime as dt
from typing import Any

import factory

from coopforma.billing.models import Invoice, InvoiceLine, MemberShare, Payment, Reminder, ReminderSettings
from coopforma.people.tests.factories import ClientFactory


class InvoiceFactory(factory.django.DjangoModelFactory):
    """A draft invoice to a client (issue it with `services.invoice_issue` for a number)."""

    class Meta:
        model = Invoice

    organisation = factory.SubFactory("coopforma.accounts.tests.factories.OrganisationFactory")
    kind = "invoice"
    client = factory.SubFactory(ClientFactory, organisation=factory.SelfAttribute("..organisation"))
    recipient_name = factory.SelfAttribute("client.name")
    payer_kind = "company"


class InvoiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvoiceLine

    invoice = factory.SubFactory(InvoiceFactory)
    organisation = factory.SelfAttribute("invoice.organisation")
    label = "Formation"
    quantity = 1
    unit_price_cents = 100000
    amount_cents = factory.LazyAttribute(lambda o: o.quantity * o.unit_price_cents)


def objects_with_id(i: int, **records: Any) -> None:
    """Create one record of each kind this app's pages and API address by id, with primary key `i`, in
    records["org"] (used by tests/test_every_route.py; records holds org, admin, mark, member, trainer, client,
    training, session, enrolment and participant, all with id `i`)."""
    org = records["org"]
    invoice = Invoice.objects.create(
        pk=i,
        organisation=org,
        kind="invoice",
        status="draft",
        fiscal_year=2026,
        sequence=i,
        number=f"F-2026-{i}",
        issued_on=dt.date(2026, 3, 2),
        client=records["client"],
        session=records["session"],
        enrolment=records["enrolment"],
        payer_kind="company",
        recipient_name=records["client"].name,
        total_ht_cents=140000,
        total_ttc_cents=140000,
    )
    InvoiceLine.objects.create(
        pk=i, organisation=org, invoice=invoice, label=f"Formation {records['mark']}", quantity=1,
        unit_price_cents=140000, amount_cents=140000,
    )  # fmt: skip
    # Its line added first (an issued piece is frozen); its PDF: the final document `i` of documents' factories.
    Invoice.objects.filter(pk=i).update(status="issued", document_id=i)
    Payment.objects.create(pk=i, organisation=org, invoice=invoice, paid_on=dt.date(2026, 3, 3), amount_cents=100)
    MemberShare.objects.create(
        pk=i,
        organisation=org,
        invoice=invoice,
        member_structure=records["member"],
        basis_cents=140000,
        contribution_rate="10.00",
        contribution_cents=14000,
        due_cents=126000,
    )
    # A reminder of the invoice and the organisation's reminder texts (the reminders page shows both).
    Reminder.objects.create(
        pk=i,
        organisation=org,
        invoice=invoice,
        rank=1,
        sent_at=dt.datetime(2026, 4, 10, 8, 0, tzinfo=dt.UTC),
        to=f"{records['mark']}@example.org",
        balance_cents=139900,
    )
    ReminderSettings.objects.create(organisation=org, subject=f"Relance {records['mark']} {{numero}}")
