# SPDX-License-Identifier: AGPL-3.0-or-later
"""Credit notes: the only correction of an issued invoice (whole, partial, or the hours not realised)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.billing import realised
from coopforma.billing.models import Invoice, InvoiceKind, InvoiceStatus, MemberShare
from coopforma.billing.services.common import PREFIXES, _locked, _manage, _require_draft
from coopforma.billing.services.drafts import _create_draft, _same_recipient
from coopforma.billing.services.invoices import (
    _attach_pdf,
    _check_issue,
    _credited,
    _next_sequence,
    _share_rows,
    legal_snapshot,
)
from coopforma.core.log import log_action
from coopforma.core.money import format_cents
from coopforma.training_sessions.documents import fr_date


def credit_note_create(
    *,
    actor: Actor,
    invoice_id: int,
    amount_cents: int | None = None,
    reason: str = "",
    issued_on: dt.date | None = None,
) -> Invoice:
    """Issue a credit note on an issued invoice: the whole remaining amount (`amount_cents` None) with the invoice's
    lines, or a partial HT amount. Never above what remains creditable."""
    _manage(actor)
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        corrected = _locked(actor, invoice_id)
        if corrected.kind != InvoiceKind.INVOICE or corrected.status != InvoiceStatus.ISSUED:
            raise ValidationError({"invoice": _("Un avoir corrige une facture émise.")})
        credited_ht, credited_ttc = _credited(corrected.pk)
        left = corrected.total_ht_cents - credited_ht
        if amount_cents is not None and amount_cents <= 0:
            raise ValidationError({"amount_cents": _("Le montant de l'avoir doit être positif.")})
        if left <= 0:
            raise ValidationError(
                {
                    "amount_cents": _("La facture %(number)s est déjà entièrement annulée.")
                    % {"number": corrected.number}
                }
            )
        if amount_cents is not None and amount_cents > left:
            raise ValidationError(
                {
                    "amount_cents": _(
                        "L'avoir (%(amount)s HT) dépasse ce qui reste à annuler sur %(number)s (%(left)s HT)."
                    )
                    % {"amount": format_cents(amount_cents), "number": corrected.number, "left": format_cents(left)}
                }
            )
        reason = reason.strip() or _("Annulation")
        if amount_cents is None and credited_ht == 0:
            lines = [
                {"label": line.label, "quantity": line.quantity, "unit_price_cents": line.unit_price_cents}
                for line in corrected.lines.all()
            ]
        else:
            amount = left if amount_cents is None else amount_cents
            lines = [
                {
                    "label": _("%(reason)s — sur la facture %(number)s")
                    % {"reason": reason, "number": corrected.number},
                    "unit_price_cents": amount,
                }
            ]
        note = _create_draft(
            actor=actor,
            kind=InvoiceKind.CREDIT_NOTE,
            **_same_recipient(corrected),
            corrects=corrected,
            lines=lines,
            notes=_("Avoir sur la facture %(number)s du %(date)s. Motif : %(reason)s")
            % {"number": corrected.number, "date": fr_date(corrected.issued_on), "reason": reason},
        )
        # VAT: the note's own, rounded half up, but never more than the VAT not yet credited; the last note takes
        # exactly what remains, so the notes of an invoice never add up to more than it, TTC included.
        vat_left = (corrected.total_ttc_cents - corrected.total_ht_cents) - (credited_ttc - credited_ht)
        vat = vat_left if note.total_ht_cents == left else min(note.total_vat_cents, vat_left)
        note.total_vat_cents = vat
        note.total_ttc_cents = note.total_ht_cents + vat
        Invoice.objects.filter(pk=note.pk, status=InvoiceStatus.DRAFT).update(
            total_vat_cents=note.total_vat_cents, total_ttc_cents=note.total_ttc_cents
        )
        note = _issue_credit_note(actor=actor, note=note, issued_on=issued_on)
    return note


def credit_note_create_for_unrealised_hours(
    *, actor: Actor, invoice_id: int, issued_on: dt.date | None = None
) -> Invoice:
    """The credit note of the hours not realised that an issued invoice billed (Code du travail L6354-1: the OF
    refunds the sums unduly received). Refused when the invoice bills nothing beyond the hours realised."""
    _manage(actor)
    with transaction.atomic():
        locked = _locked(actor, invoice_id)
        proposal = realised.unrealised_proposal(locked)
        if proposal is None:
            raise ValidationError(
                {
                    "invoice": _(
                        "La facture %(number)s ne facture aucune heure non réalisée : il n'y a rien à rembourser "
                        "au titre de l'art. L6354-1 du Code du travail."
                    )
                    % {"number": locked.number or "?"}
                }
            )
        note = credit_note_create(
            actor=actor,
            invoice_id=locked.pk,
            amount_cents=proposal.amount_cents,
            reason=proposal.reason,
            issued_on=issued_on,
        )
        log_action(
            actor=actor,
            obj=locked,
            action="billing.invoice.unrealised_hours_credited",
            data={"credit_note": note.number, "amount_cents": proposal.amount_cents},
        )
    return note


def _issue_credit_note(*, actor: Actor, note: Invoice, issued_on: dt.date) -> Invoice:
    exact = (note.total_vat_cents, note.total_ttc_cents)
    org = actor.organisation
    _require_draft(note)
    corrected = Invoice.objects.select_for_update().get(pk=note.corrects_id)
    year = _check_issue(note, org, issued_on)
    sequence = _next_sequence(org.pk, note.kind, year, issued_on)
    note.fiscal_year = year
    note.sequence = sequence
    note.number = f"{PREFIXES[note.kind]}-{year}-{sequence:04d}"
    note.issued_on = issued_on
    note.status = InvoiceStatus.ISSUED
    note.vat_rate_bp = corrected.vat_rate_bp
    note.total_vat_cents, note.total_ttc_cents = exact
    note.legal = legal_snapshot(org, note.vat_rate_bp)
    note.save()
    MemberShare.objects.bulk_create(_share_rows(note))
    log_action(
        actor=actor,
        obj=note,
        action="billing.credit_note.issue",
        data={
            "number": note.number,
            "corrects": corrected.number,
            "total_ht_cents": note.total_ht_cents,
            "total_ttc_cents": note.total_ttc_cents,
        },
    )
    log_action(actor=actor, obj=corrected, action="billing.invoice.credit", data={"credit_note": note.number})
    _attach_pdf(actor, note)
    return note
