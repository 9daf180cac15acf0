# SPDX-License-Identifier: AGPL-3.0-or-later
"""What every billing service shares: numbering prefixes, the editable fields of a draft, the actor's
right to manage, and the locks (a piece, an enrolment, a line under its piece's lock)."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.billing.models import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
)
from coopforma.billing.selectors import invoice_queryset_for
from coopforma.core.locking import id_or_404, lock_for_update
from coopforma.people.models import ClientKind
from coopforma.training_sessions.models import (
    Enrolment,
    PayerKind,
)

PREFIXES: dict[str, str] = {InvoiceKind.INVOICE: "F", InvoiceKind.QUOTE: "D", InvoiceKind.CREDIT_NOTE: "A"}


PAYMENT_DAYS = 30  # default due date of an invoice and validity of a quote


CLIENT_PAYER_KIND: dict[str, str] = {
    ClientKind.COMPANY: PayerKind.COMPANY,
    ClientKind.INDIVIDUAL: PayerKind.INDIVIDUAL,
    ClientKind.TRAINING_ORG: PayerKind.OTHER_OF,
    ClientKind.PUBLIC_BODY: PayerKind.PUBLIC_EMPLOYER,
}


DEFAULT_TERMS = (
    "Paiement à 30 jours par virement. Pas d'escompte pour paiement anticipé. En cas de retard, pénalités au taux "
    "de trois fois le taux d'intérêt légal et, pour les professionnels, indemnité forfaitaire de 40 € pour frais "
    "de recouvrement (art. L441-10 et D441-5 du Code de commerce)."
)


DRAFT_FIELDS = (
    "recipient_name",
    "recipient_address",
    "recipient_siret",
    "recipient_email",
    "payer_kind",
    "scheme",
    "due_on",
    "valid_until",
    "payment_terms",
    "notes",
    "chorus_service_code",
    "commitment_number",
)


LINE_FIELDS = ["label", "quantity", "unit_price_cents", "amount_cents"]


def _manage(actor: Actor) -> None:
    actor.require("billing.manage")


def _locked(actor: Actor, invoice_id: int) -> Invoice:
    """The piece the actor sees, locked until the transaction ends; Http404 when missing or not theirs."""
    return lock_for_update(invoice_queryset_for(actor), invoice_id)


def _locked_enrolment(actor: Actor, enrolment_id: int) -> Enrolment:
    """The organisation's enrolment, locked; Http404 when missing or another organisation's."""
    return lock_for_update(Enrolment.objects.for_actor(actor).select_related("session", "client"), enrolment_id)


def _locked_line(actor: Actor, line_id: int) -> tuple[Invoice, InvoiceLine]:
    """A line of a piece the actor sees, with its piece locked (a line changes only under its piece's lock)."""
    invoice_id = (
        InvoiceLine.objects.filter(pk=id_or_404(line_id), invoice__organisation_id=actor.organisation_id)
        .values_list("invoice_id", flat=True)
        .first()
    )
    if invoice_id is None:
        raise Http404
    invoice = _locked(actor, invoice_id)  # the piece first, as every billing write does: no lock-order inversion
    line = lock_for_update(InvoiceLine.objects.filter(invoice=invoice), line_id)
    line.invoice = invoice
    return invoice, line


def _require_draft(invoice: Invoice) -> None:
    if invoice.status != InvoiceStatus.DRAFT:
        raise ValidationError(
            {
                "status": _(
                    "La pièce %(number)s est émise : elle ne peut plus être modifiée. "
                    "Corrigez une facture par un avoir."
                )
                % {"number": invoice.number}
            }
        )


def _corrected_id(note: Invoice) -> int:
    """The invoice a credit note corrects (always set: a credit note is drafted from it)."""
    if note.corrects_id is None:
        raise Invoice.DoesNotExist("A credit note without the invoice it corrects.")
    return note.corrects_id
