# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of billing: drafts from enrolments, draft edits, issue (gapless number, legal snapshot, totals, member
shares, PDF), quotes accepted/declined/converted, credit notes, payments, closed fiscal years.

Rules (Code de commerce L441-9 and CGI art. 242 nonies A, annexe II: an invoice carries a unique number from a
continuous, chronological sequence; a mistake is corrected by a credit note, never by editing or deleting):
- a draft has no number and may be edited or deleted; issuing takes the next number of (organisation, kind,
  fiscal year) under a row lock of `InvoiceSequence` inside the issuing transaction, after every check: a refused
  issue leaves no gap, and two concurrent issues get consecutive numbers;
- an issued piece is never updated by a service (every update below filters on `status="draft"`; `Invoice.save`
  refuses too); the only later changes are a quote's status (accepted/declined) and the link to its PDF set in
  the issuing transaction;
- the credit notes of an invoice never add up to more than it; a payment never exceeds the balance
  (TTC − payments − credit notes TTC); nothing is issued or paid with a date in a closed fiscal year.
"""

from coopforma.billing.services.common import (
    CLIENT_PAYER_KIND,
    DEFAULT_TERMS,
    DRAFT_FIELDS,
    LINE_FIELDS,
    PAYMENT_DAYS,
    PREFIXES,
)
from coopforma.billing.services.credit_notes import credit_note_create, credit_note_create_for_unrealised_hours
from coopforma.billing.services.drafts import client_payer_kind, is_third_party
from coopforma.billing.services.fiscal_years import fiscal_year, fiscal_year_close
from coopforma.billing.services.funders import FUNDER_FIELDS, funder_create, funders_seed
from coopforma.billing.services.invoices import (
    balance_cents,
    invoice_create_for_client,
    invoice_create_for_enrolment,
    invoice_delete_draft,
    invoice_issue,
    invoice_line_add,
    invoice_line_remove,
    invoice_line_update,
    invoice_update,
    is_funded_by_others,
    legal_snapshot,
)
from coopforma.billing.services.payments import payment_record
from coopforma.billing.services.quotes import quote_accept, quote_convert, quote_create_for_enrolment, quote_decline

__all__ = [
    "CLIENT_PAYER_KIND",
    "DEFAULT_TERMS",
    "DRAFT_FIELDS",
    "FUNDER_FIELDS",
    "LINE_FIELDS",
    "PAYMENT_DAYS",
    "PREFIXES",
    "balance_cents",
    "client_payer_kind",
    "credit_note_create",
    "credit_note_create_for_unrealised_hours",
    "fiscal_year",
    "fiscal_year_close",
    "funder_create",
    "funders_seed",
    "invoice_create_for_client",
    "invoice_create_for_enrolment",
    "invoice_delete_draft",
    "invoice_issue",
    "invoice_line_add",
    "invoice_line_remove",
    "invoice_line_update",
    "invoice_update",
    "is_funded_by_others",
    "is_third_party",
    "legal_snapshot",
    "payment_record",
    "quote_accept",
    "quote_convert",
    "quote_create_for_enrolment",
    "quote_decline",
]
