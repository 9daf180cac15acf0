# SPDX-License-Identifier: AGPL-3.0-or-later
"""Payments received on issued invoices."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.billing import individuals
from coopforma.billing.models import InvoiceKind, InvoiceStatus, Payment, PaymentMethod
from coopforma.billing.services.common import _locked, _manage
from coopforma.billing.services.fiscal_years import _check_open_year
from coopforma.billing.services.invoices import balance_cents
from coopforma.core.log import log_action
from coopforma.core.money import format_cents


def payment_record(
    *,
    actor: Actor,
    invoice_id: int,
    amount_cents: int,
    paid_on: dt.date,
    method: str = PaymentMethod.TRANSFER,
    reference: str = "",
) -> Payment:
    """Record a payment of an issued invoice: positive, never above the balance, not in a closed fiscal year."""
    _manage(actor)
    with transaction.atomic():
        locked = _locked(actor, invoice_id)
        if locked.kind != InvoiceKind.INVOICE or locked.status != InvoiceStatus.ISSUED:
            raise ValidationError({"invoice": _("Un paiement se rattache à une facture émise.")})
        errors = {}
        if amount_cents is None or amount_cents <= 0:
            errors["amount_cents"] = _("Le montant du paiement doit être positif.")
        if method not in PaymentMethod.values:
            errors["method"] = _("Moyen de paiement inconnu.")
        if paid_on > timezone.localdate():
            errors["paid_on"] = _("La date du paiement ne peut pas être dans le futur.")
        if errors:
            raise ValidationError(errors)
        _check_open_year(actor.organisation, paid_on, "paid_on")
        individuals.check_payment(locked, paid_on)
        balance = balance_cents(locked)
        if amount_cents > balance:
            raise ValidationError(
                {
                    "amount_cents": _("Le paiement (%(amount)s) dépasse le solde de %(number)s (%(balance)s).")
                    % {
                        "amount": format_cents(amount_cents),
                        "number": locked.number,
                        "balance": format_cents(max(balance, 0)),
                    }
                }
            )
        payment = Payment.objects.create(
            organisation_id=actor.organisation_id,
            invoice=locked,
            paid_on=paid_on,
            amount_cents=amount_cents,
            method=method,
            reference=reference.strip()[:100],
        )
        log_action(
            actor=actor,
            obj=locked,
            action="billing.payment.record",
            data={
                "amount_cents": amount_cents,
                "paid_on": paid_on,
                "method": method,
                "balance": balance - amount_cents,
            },
        )
    return payment
