# SPDX-License-Identifier: AGPL-3.0-or-later
"""Quotes: a draft from an enrolment, the client's answer, the conversion into a draft invoice."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.billing.models import Invoice, InvoiceKind, InvoiceStatus
from coopforma.billing.services.common import _locked, _locked_enrolment, _manage
from coopforma.billing.services.drafts import (
    _client_address,
    _create_draft,
    _enrolment_for_billing,
    _same_recipient,
    _session_label,
    client_payer_kind,
    is_third_party,
)
from coopforma.billing.services.invoices import _refuse_holder_pieces
from coopforma.core.log import log_action
from coopforma.core.money import format_cents
from coopforma.people.models import ClientKind
from coopforma.training_sessions.models import Enrolment


def quote_create_for_enrolment(*, actor: Actor, enrolment_id: int) -> Invoice:
    """A draft quote to the client for the enrolment's price (its funding lines are listed in the notes). None for
    a holder funded by their CPF."""
    _manage(actor)
    with transaction.atomic():
        enrolment = _enrolment_for_billing(_locked_enrolment(actor, enrolment_id))
        _refuse_holder_pieces(enrolment)
        client = enrolment.client
        funding = [
            f"{line.payer_name or line.get_payer_kind_display()} : {format_cents(line.amount_cents)}"
            for line in enrolment.funding_lines.all()
            if is_third_party(line, client)
        ]
        return _create_draft(
            actor=actor,
            kind=InvoiceKind.QUOTE,
            client=client,
            session=enrolment.session,
            enrolment=enrolment,
            payer_kind=client_payer_kind(client),
            recipient_name=client.name,
            recipient_address=_client_address(client),
            recipient_siret=client.siret,
            recipient_email=client.email,
            lines=[{"label": _session_label(enrolment.session), "unit_price_cents": enrolment.price_cents}],
            notes=" ".join(
                part
                for part in [
                    (_("Financements prévus : ") + " ; ".join(funding) + ".") if funding else "",
                    _(
                        "Ce devis ne vaut pas commande : l'inscription devient définitive à la signature du contrat "
                        "de formation professionnelle, avant tout règlement (art. L6353-3 du Code du travail)."
                    )
                    if client.kind == ClientKind.INDIVIDUAL
                    else "",
                ]
                if part
            ),
        )


def _quote_decision(actor: Actor, quote_id: int, status: str, action: str) -> Invoice:
    _manage(actor)
    with transaction.atomic():
        locked = _locked(actor, quote_id)
        if locked.kind != InvoiceKind.QUOTE:
            raise ValidationError({"kind": _("Seul un devis s'accepte ou se refuse.")})
        if locked.status != InvoiceStatus.ISSUED:
            raise ValidationError(
                {
                    "status": _("Le devis %(number)s est « %(status)s » : seul un devis émis s'accepte ou se refuse.")
                    % {"number": locked.number or "?", "status": locked.get_status_display()}
                }
            )
        # The only change to an issued piece: a quote's answer (its printed content stays as issued).
        Invoice.objects.filter(pk=locked.pk, status=InvoiceStatus.ISSUED).update(
            status=status, updated_at=timezone.now()
        )
        locked.status = status
        log_action(actor=actor, obj=locked, action=action, data={"number": locked.number})
    return locked


def quote_accept(*, actor: Actor, quote_id: int) -> Invoice:
    return _quote_decision(actor, quote_id, InvoiceStatus.ACCEPTED, "billing.quote.accept")


def quote_decline(*, actor: Actor, quote_id: int) -> Invoice:
    return _quote_decision(actor, quote_id, InvoiceStatus.DECLINED, "billing.quote.decline")


def quote_convert(*, actor: Actor, quote_id: int) -> Invoice:
    """An accepted (or issued, then accepted) quote → a draft invoice with the same recipient and lines."""
    _manage(actor)
    with transaction.atomic():
        locked = _locked(actor, quote_id)
        if locked.kind != InvoiceKind.QUOTE or locked.status not in (InvoiceStatus.ISSUED, InvoiceStatus.ACCEPTED):
            raise ValidationError({"status": _("Seul un devis émis ou accepté se transforme en facture.")})
        existing = Invoice.objects.filter(quote=locked, kind=InvoiceKind.INVOICE).first()
        if existing is not None:
            raise ValidationError(
                {"quote": _("Ce devis est déjà transformé en facture (%(invoice)s).") % {"invoice": str(existing)}}
            )
        if locked.enrolment_id:
            _refuse_holder_pieces(Enrolment.objects.select_related("client").get(pk=locked.enrolment_id))
        if locked.status == InvoiceStatus.ISSUED:
            locked = quote_accept(actor=actor, quote_id=locked.pk)
        lines = [
            {
                "label": line.label,
                "quantity": line.quantity,
                "unit_price_cents": line.unit_price_cents,
                "enrolment": line.enrolment,
                "funding_line": line.funding_line,
            }
            for line in locked.lines.all()
        ]
        invoice = _create_draft(
            actor=actor,
            kind=InvoiceKind.INVOICE,
            **_same_recipient(locked),
            quote=locked,
            lines=lines,
            notes=_("Selon notre devis %(number)s accepté.") % {"number": locked.number},
        )
        log_action(actor=actor, obj=locked, action="billing.quote.convert", data={"invoice_id": invoice.pk})
    return invoice
