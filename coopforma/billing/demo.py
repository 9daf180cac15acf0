# SPDX-License-Identifier: AGPL-3.0-or-later
"""This app's part of the demo cooperative, built from the records the earlier parts created
(`dashboard.demo` calls the parts in order).

Every finished session is invoiced a few days after its end (one invoice per direct funder, one to the client for
the rest), in date order so the numbering stays chronological; invoices older than 45 days are paid (the OPCO of
the most recent one only in part), one client gets a partial credit note, an upcoming enrolment has a quote issued,
accepted and turned into an invoice, and another a draft quote (both to companies). A CPF-funded enrolment follows
the EDOF cycle (entry, « service fait » from the closed émargement) and is invoiced to the Caisse des dépôts, never
to its holder; a trainee paying personally has their contract signed two months before the start. Everything goes
through the services (numbers, member shares, PDFs, activity log), as an administrator would do it.
Deterministic: no randomness.
"""

import datetime as dt

from coopforma.accounts.actor import actor_for
from coopforma.accounts.demo import DemoContext
from coopforma.accounts.roles import Role
from coopforma.billing import cpf, individuals, services
from coopforma.billing.models import Invoice, InvoiceKind
from coopforma.training_sessions.models import Enrolment, EnrolmentStatus, SessionStatus

INVOICE_DELAY = dt.timedelta(days=3)
PAID_AFTER = dt.timedelta(days=30)


def load(ctx: DemoContext) -> None:
    org, today, users = ctx.org, ctx.today, ctx.users
    actor = actor_for(users["admin"], org, Role.ADMIN)
    # The national funders' addresses (seeded by a migration; a flushed database has lost them).
    services.funders_seed()
    enrolments = (
        Enrolment.objects.filter(
            organisation=org,
            status=EnrolmentStatus.CONFIRMED,
            price_cents__gt=0,
            session__status=SessionStatus.DONE,
            session__end_date__lt=today - INVOICE_DELAY,
        )
        .select_related("session", "client")
        .prefetch_related("funding_lines")
        .order_by("session__end_date", "session_id", "pk")
    )
    drafts: list[tuple[dt.date, Invoice]] = []
    for enrolment in enrolments:
        issued_on = enrolment.session.end_date + INVOICE_DELAY
        if enrolment.client.kind == "individual" and not cpf.cpf_lines(enrolment):
            # The contract (L6353-3) signed on paper two months before the start: the withdrawal period is long over.
            individuals.contract_signature_record(
                actor=actor, enrolment=enrolment, signed_on=enrolment.session.start_date - dt.timedelta(days=60)
            )
        if cpf.cpf_lines(enrolment):
            # The EDOF cycle: entry declared the first day, « service fait » two days after the end.
            cpf.cpf_entry_declare(actor=actor, enrolment=enrolment, entered_on=enrolment.session.start_date)
            cpf.cpf_service_done_declare(
                actor=actor, enrolment=enrolment, declared_on=enrolment.session.end_date + dt.timedelta(days=2)
            )
            enrolment.refresh_from_db()
        drafts.extend(
            (issued_on, draft)
            for draft in services.invoice_create_for_enrolment(actor=actor, enrolment_id=enrolment.pk)
        )
    issued = [services.invoice_issue(actor=actor, invoice_id=draft.pk, issued_on=day) for day, draft in drafts]

    # A partial credit note on the most recent client invoice (half a day postponed), a week after it.
    client_invoices = [i for i in issued if i.payer_kind == "company"]
    if client_invoices:
        target = client_invoices[-1]
        services.credit_note_create(
            actor=actor,
            invoice_id=target.pk,
            amount_cents=target.total_ht_cents // 4,
            reason="Geste commercial : une demi-journée reportée",
            issued_on=min(target.issued_on + dt.timedelta(days=7), today),
        )

    # Payments: everything issued more than 45 days ago is paid (its balance) 30 days after issue; the most recent
    # OPCO invoice in part.
    old = [i for i in issued if i.issued_on <= today - dt.timedelta(days=45)]
    for invoice in old:
        services.payment_record(
            actor=actor,
            invoice_id=invoice.pk,
            amount_cents=services.balance_cents(invoice),
            paid_on=min(invoice.issued_on + PAID_AFTER, today),
            method="transfer",
            reference=f"VIR {invoice.number}",
        )
    recent_opco = [i for i in issued if i.payer_kind == "opco" and i not in old]
    if recent_opco:
        invoice = recent_opco[-1]
        services.payment_record(
            actor=actor,
            invoice_id=invoice.pk,
            amount_cents=invoice.total_ttc_cents // 2,
            paid_on=today,
            method="transfer",
            reference=f"Acompte {invoice.recipient_name}",
        )

    # Quotes for upcoming sessions: one accepted and turned into an invoice, one still a draft. The invoice from a
    # quote bills the client's share only (what no OPCO pays): an enrolment with such a share is taken first.
    candidates = list(
        Enrolment.objects.filter(
            organisation=org,
            status=EnrolmentStatus.CONFIRMED,
            price_cents__gt=0,
            session__status=SessionStatus.CONFIRMED,
            session__start_date__gt=today,
        )
        .exclude(client__kind="individual")  # a holder funded by the CPF gets no quote; an individual, a contract
        .select_related("session", "client")
        .prefetch_related("funding_lines")
        .order_by("session__start_date", "pk")
    )

    def client_share(enrolment: Enrolment) -> int:
        others = [f for f in enrolment.funding_lines.all() if services.is_third_party(f, enrolment.client)]
        return enrolment.price_cents - sum(f.amount_cents for f in others)

    upcoming = sorted(candidates, key=lambda e: client_share(e) <= 0)[:2]
    if upcoming and client_share(upcoming[0]) > 0:
        quote = services.quote_create_for_enrolment(actor=actor, enrolment_id=upcoming[0].pk)
        quote = services.invoice_issue(actor=actor, invoice_id=quote.pk, issued_on=today)
        services.quote_accept(actor=actor, quote_id=quote.pk)
        invoice = services.quote_convert(actor=actor, quote_id=quote.pk)
        services.invoice_issue(actor=actor, invoice_id=invoice.pk, issued_on=today)
    if len(upcoming) > 1:
        services.quote_create_for_enrolment(actor=actor, enrolment_id=upcoming[1].pk)
    assert Invoice.objects.filter(organisation=org, kind=InvoiceKind.INVOICE).exists() or not drafts
