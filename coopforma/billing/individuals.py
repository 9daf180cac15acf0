# SPDX-License-Identifier: AGPL-3.0-or-later
"""Billing a trainee who pays personally (contrat de formation professionnelle, Code du travail L6353-3 to -7).

- The contract is signed before any payment (L6353-3): no invoice is issued, no payment recorded, without it.
- Nothing is payable during the withdrawal period (10 days from the signature, L6353-5; 14 for a contract
  concluded at a distance or off premises, L221-18 Code de la consommation — the longer wins): an invoice is issued,
  and a payment dated, only after it.
- Then at most 30 % of the price; the rest as the training proceeds (L6353-6): the schedule of
  `training_sessions.selectors.individual_payment_schedule`, printed on the contract and on every invoice; the
  invoices issued to the trainee never add up to more than what the schedule makes due on the issue date.
- A consumer owes no late-payment penalties nor the 40 € recovery indemnity (Code de commerce L441-10 and D441-5
  apply between professionals): their invoices and quotes do not print them.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.billing.models import Invoice, InvoiceKind, InvoiceStatus
from coopforma.core.formatting import fr_date
from coopforma.core.log import log_action
from coopforma.core.money import format_cents
from coopforma.people.models import ClientKind
from coopforma.training_sessions.models import Enrolment, PayerKind
from coopforma.training_sessions.selectors import (
    contract_signature,
    individual_amount_due_by,
    individual_payment_schedule,
)

CONSUMER_TERMS = (
    "Paiement selon l'échéancier ci-dessus, par virement ou chèque : aucune somme n'est exigible avant "
    "l'expiration du délai de rétractation, puis 30 % du prix au plus, le solde au fur et à mesure du déroulement "
    "de la formation (art. L6353-5 et L6353-6 du Code du travail). Pas d'escompte pour paiement anticipé."
)


def is_consumer_piece(invoice: Invoice) -> bool:
    return invoice.payer_kind == PayerKind.INDIVIDUAL


def schedule_text(enrolment: Enrolment) -> str:
    """The schedule as printed on the contract's invoices."""
    lines = []
    for instalment in individual_payment_schedule(enrolment):
        when = fr_date(instalment.due_on) if instalment.due_on else _("à l'expiration du délai de rétractation")
        lines.append(f"{instalment.label} : {format_cents(instalment.amount_cents)} HT — {when}")
    return _("Échéancier du contrat de formation : ") + " ; ".join(lines) + "."


def _invoiced_to_trainee(enrolment: Enrolment, exclude_id: int | None = None) -> int:
    pieces = Invoice.objects.filter(
        enrolment=enrolment, payer_kind=PayerKind.INDIVIDUAL, status=InvoiceStatus.ISSUED
    ).exclude(pk=exclude_id)
    invoiced = pieces.filter(kind=InvoiceKind.INVOICE).aggregate(t=Sum("total_ht_cents"))["t"] or 0
    credited = pieces.filter(kind=InvoiceKind.CREDIT_NOTE).aggregate(t=Sum("total_ht_cents"))["t"] or 0
    return invoiced - credited


def invoiced_to_trainee(enrolment: Enrolment) -> int:
    """What the trainee was invoiced so far (issued invoices minus credit notes), in cents."""
    return _invoiced_to_trainee(enrolment)


def amount_due_now(enrolment: Enrolment, day: dt.date) -> int:
    """What may be invoiced to the trainee on `day`, given what was already invoiced."""
    return max(individual_amount_due_by(enrolment, day) - _invoiced_to_trainee(enrolment), 0)


def _refuse_before_withdrawal_end(enrolment: Enrolment, day: dt.date, field: str, what: str) -> None:
    signature = contract_signature(enrolment)
    if signature is None:
        raise ValidationError(
            {
                field: _(
                    "Aucun contrat de formation signé par %(trainee)s : le contrat se signe avant l'inscription "
                    "définitive et avant tout règlement (art. L6353-3 du Code du travail). %(what)s"
                )
                % {"trainee": enrolment.client.name, "what": what}
            }
        )
    if day <= signature.withdrawal_ends_on:
        raise ValidationError(
            {
                field: _(
                    "Le délai de rétractation de %(days)s jours court jusqu'au %(end)s inclus (contrat signé le "
                    "%(signed)s) : aucune somme ne peut être exigée ni reçue avant son expiration (art. L6353-5 et "
                    "L6353-6 du Code du travail%(distance)s). %(what)s"
                )
                % {
                    "days": signature.withdrawal_days,
                    "end": fr_date(signature.withdrawal_ends_on),
                    "signed": fr_date(signature.signed_on),
                    "distance": _(", L221-18 du Code de la consommation") if signature.at_distance else "",
                    "what": what,
                }
            }
        )


def check_payable(enrolment: Enrolment, day: dt.date) -> None:
    _refuse_before_withdrawal_end(enrolment, day, "enrolment", "")


def check_issue(invoice: Invoice, issued_on: dt.date) -> None:
    """Before an invoice to a trainee paying personally takes its number."""
    if invoice.kind != InvoiceKind.INVOICE or not is_consumer_piece(invoice) or not invoice.enrolment_id:
        return
    enrolment = Enrolment.objects.select_related("session", "client").get(pk=invoice.enrolment_id)
    if enrolment.client.kind != ClientKind.INDIVIDUAL:
        return
    _refuse_before_withdrawal_end(enrolment, issued_on, "issued_on", _("Choisissez une date d'émission ultérieure."))
    allowed = individual_amount_due_by(enrolment, issued_on)
    already = _invoiced_to_trainee(enrolment, exclude_id=invoice.pk)
    if already + invoice.total_ht_cents > allowed:
        raise ValidationError(
            {
                "lines": _(
                    "Au %(day)s, l'échéancier du contrat rend exigibles %(allowed)s HT (dont %(already)s déjà "
                    "facturés) : cette facture de %(amount)s HT les dépasse. À l'expiration du délai de rétractation, "
                    "30 %% du prix au plus, le solde au fur et à mesure de la formation (art. L6353-6 du Code du "
                    "travail). %(schedule)s"
                )
                % {
                    "day": fr_date(issued_on),
                    "allowed": format_cents(allowed),
                    "already": format_cents(already),
                    "amount": format_cents(invoice.total_ht_cents),
                    "schedule": schedule_text(enrolment),
                }
            }
        )


def check_payment(invoice: Invoice, paid_on: dt.date) -> None:
    if not is_consumer_piece(invoice) or not invoice.enrolment_id:
        return
    enrolment = Enrolment.objects.select_related("client").get(pk=invoice.enrolment_id)
    if enrolment.client.kind != ClientKind.INDIVIDUAL:
        return
    _refuse_before_withdrawal_end(enrolment, paid_on, "paid_on", _("Aucun paiement ne s'enregistre à cette date."))


def contract_signature_record(
    *, actor: Actor, enrolment: Enrolment, signed_on: dt.date | None, at_distance: bool = False
) -> Enrolment:
    """Record the date a paper contract was signed by the trainee (an e-signed one carries its own date)."""
    actor.require("billing.manage")
    with transaction.atomic():
        locked = (
            Enrolment.objects.select_for_update()
            .select_related("client", "session")
            .filter(pk=enrolment.pk, organisation_id=actor.organisation_id)
            .first()
        )
        if locked is None:
            raise ValidationError({"enrolment": _("Cette inscription n'existe pas.")})
        if locked.client.kind != ClientKind.INDIVIDUAL:
            raise ValidationError(
                {"signed_on": _("Le contrat de formation (art. L6353-3) ne concerne qu'un particulier.")}
            )
        if signed_on is None:
            raise ValidationError({"signed_on": _("Indiquez la date de signature.")})
        if signed_on > timezone.localdate():
            raise ValidationError({"signed_on": _("La date de signature ne peut pas être dans le futur.")})
        if locked.contract_signed_on:
            raise ValidationError(
                {
                    "signed_on": _("La signature du contrat est déjà enregistrée (le %(day)s) : elle ne change plus.")
                    % {"day": fr_date(locked.contract_signed_on)}
                }
            )
        if (
            Invoice.objects.filter(enrolment=locked, kind=InvoiceKind.INVOICE, payer_kind=PayerKind.INDIVIDUAL)
            .exclude(status=InvoiceStatus.DRAFT)
            .exists()
        ):
            raise ValidationError(
                {"signed_on": _("Des factures sont déjà émises : la signature ne s'enregistre plus.")}
            )
        locked.contract_signed_on = signed_on
        locked.contract_at_distance = bool(at_distance)
        locked.save(update_fields=["contract_signed_on", "contract_at_distance", "updated_at"])
        log_action(
            actor=actor,
            obj=locked,
            action="billing.contract.signature_record",
            data={"signed_on": signed_on, "at_distance": bool(at_distance)},
        )
    return locked
