# SPDX-License-Identifier: AGPL-3.0-or-later
"""The accounting entries of a period, for the FEC and the journal CSV (`formats.fec` writes them).

Sales journal (`journal_sales`, « VE »): each issued invoice debits the customer account (TTC) and credits sales
(HT) and collected VAT (VAT, when any); a credit note the reverse. Bank journal (`journal_bank`, « BQ »): each
payment debits the bank and credits the customer account. The customer line carries an auxiliary account per
payer (« C<client id> » for a client, « F<funder id> » for a funder of the address book). Accounts and journal
codes are the organisation's settings (plan comptable général: 411, 706, 44571, 512 by default). Entries are
numbered by the piece number (sales) and « R<payment id> » (bank); an issued piece is validated on its issue date.
Quotes and drafts have no entry.
"""

import datetime as dt

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.billing.models import Invoice, InvoiceKind, InvoiceStatus, Payment
from coopforma.formats.fec import EntryLine

SALES_LABEL = "Ventes"
BANK_LABEL = "Banque"


def _aux(invoice: Invoice) -> tuple[str, str]:
    if invoice.funder_id:
        return f"F{invoice.funder_id}", invoice.recipient_name
    return f"C{invoice.client_id}", invoice.recipient_name


def accounting_lines(*, actor: Actor, start: dt.date, end: dt.date) -> list[EntryLine]:
    """The entry lines of the actor's organisation (flag `billing.manage`) for a period."""
    actor.require("billing.manage")
    return organisation_lines(organisation=actor.organisation, start=start, end=end)


def organisation_lines(*, organisation: Organisation, start: dt.date, end: dt.date) -> list[EntryLine]:
    """The entry lines of the pieces issued and payments received from `start` to `end` (inclusive); for the
    command line, which acts for the whole installation."""
    org = organisation
    lines: list[EntryLine] = []
    pieces = Invoice.objects.filter(
        organisation=org,
        kind__in=[InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE],
        status=InvoiceStatus.ISSUED,
        issued_on__gte=start,
        issued_on__lte=end,
    ).order_by("issued_on", "kind", "sequence")
    for piece in pieces:
        aux, aux_label = _aux(piece)
        title = "Facture" if piece.kind == InvoiceKind.INVOICE else "Avoir"
        label = f"{title} {piece.number} {piece.recipient_name}"[:200]
        invoice = piece.kind == InvoiceKind.INVOICE
        common = {
            "journal_code": org.journal_sales,
            "journal_label": SALES_LABEL,
            "entry_number": piece.number,
            "entry_date": piece.issued_on,
            "piece_ref": piece.number,
            "piece_date": piece.issued_on,
            "label": label,
            "valid_date": piece.issued_on,
        }
        rows = [
            (org.account_customers, "Clients", piece.total_ttc_cents, aux, aux_label),
            (org.account_sales, "Prestations de formation", -piece.total_ht_cents, "", ""),
        ]
        if piece.total_vat_cents:
            rows.append((org.account_vat, "TVA collectée", -piece.total_vat_cents, "", ""))
        for account, account_label, signed, aux_account, aux_name in rows:
            amount = signed if invoice else -signed
            lines.append(
                EntryLine(
                    **common,
                    account=account,
                    account_label=account_label,
                    debit_cents=max(amount, 0),
                    credit_cents=max(-amount, 0),
                    aux_account=aux_account,
                    aux_label=aux_name,
                )
            )
    payments = (
        Payment.objects.filter(organisation=org, paid_on__gte=start, paid_on__lte=end)
        .select_related("invoice")
        .order_by("paid_on", "id")
    )
    for payment in payments:
        piece = payment.invoice
        aux, aux_label = _aux(piece)
        common = {
            "journal_code": org.journal_bank,
            "journal_label": BANK_LABEL,
            "entry_number": f"R{payment.pk}",
            "entry_date": payment.paid_on,
            "piece_ref": payment.reference or piece.number,
            "piece_date": payment.paid_on,
            "label": f"Règlement {piece.number} {piece.recipient_name}"[:200],
            "valid_date": payment.paid_on,
        }
        lines.append(
            EntryLine(**common, account=org.account_bank, account_label="Banque", debit_cents=payment.amount_cents)
        )
        lines.append(
            EntryLine(
                **common,
                account=org.account_customers,
                account_label="Clients",
                credit_cents=payment.amount_cents,
                aux_account=aux,
                aux_label=aux_label,
            )
        )
    return lines
