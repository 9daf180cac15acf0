# SPDX-License-Identifier: AGPL-3.0-or-later
"""Building a draft piece: recipient and lines from an enrolment, totals recomputed from the lines."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.billing import individuals, realised
from coopforma.billing.models import Funder, Invoice, InvoiceKind, InvoiceLine, InvoiceStatus
from coopforma.billing.services.common import CLIENT_PAYER_KIND, DEFAULT_TERMS
from coopforma.core.hours import format_minutes
from coopforma.core.log import log_action
from coopforma.core.money import format_cents, vat_cents
from coopforma.people.models import Client
from coopforma.training_sessions.documents import fr_date
from coopforma.training_sessions.models import Enrolment, EnrolmentStatus, FundingLine, PayerKind, Session


def _trainees_of(enrolment: Enrolment) -> list[dict[str, Any]]:
    """The enrolment's trainees with their hours: attended minutes when attendance was recorded, else the planned
    duration of the session (`basis` says which)."""
    participants = (
        enrolment.participants.exclude(status="cancelled")
        .select_related("trainee")
        .annotate(attended=Sum("slot_attendances__attended_minutes"), recorded=Count("slot_attendances"))
        .order_by("trainee__last_name", "trainee__first_name")
    )
    rows = []
    for p in participants:
        if p.recorded:
            rows.append({"name": p.trainee.full_name, "minutes": int(p.attended or 0), "basis": "attended"})
        else:
            rows.append(
                {"name": p.trainee.full_name, "minutes": enrolment.session.total_minutes or 0, "basis": "planned"}
            )
    return rows


def client_payer_kind(client: Client) -> str:
    return CLIENT_PAYER_KIND.get(client.kind, "")


def _client_address(client: Client) -> str:
    return "\n".join(p for p in [client.street, f"{client.postal_code} {client.city}".strip()] if p)


def is_third_party(line: FundingLine, client: Client) -> bool:
    """A funding line paid by someone else than the client (an OPCO, the CDC, a region…): it gets its own invoice.
    A line of the client's own payer kind without another payer's name is the client's part."""
    own = client_payer_kind(client)
    return not (line.payer_kind == own and (not line.payer_name or line.payer_name == client.name))


def _session_label(session: Session) -> str:
    period = ""
    if session.start_date:
        period = (
            _("le %(d)s") % {"d": fr_date(session.start_date)}
            if session.end_date in (None, session.start_date)
            else _("du %(a)s au %(b)s") % {"a": fr_date(session.start_date), "b": fr_date(session.end_date)}
        )
    hours = format_minutes(session.total_minutes) if session.total_minutes else ""
    details = ", ".join(p for p in [period, hours] if p)
    return _("Formation « %(title)s »") % {"title": session.title} + (f" — {details}" if details else "")


def _enrolment_for_billing(enrolment: Enrolment) -> Enrolment:
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise ValidationError({"enrolment": _("Cette inscription est annulée : elle ne se facture pas.")})
    if enrolment.price_cents <= 0:
        raise ValidationError(
            {"enrolment": _("Le prix de l'inscription est nul : saisissez-le d'abord sur la session.")}
        )
    return enrolment


def _new_line(
    invoice: Invoice,
    *,
    position: int,
    label: str,
    quantity: int,
    unit_price_cents: int,
    enrolment: Enrolment | None = None,
    funding_line: FundingLine | None = None,
) -> InvoiceLine:
    """A line of the draft `invoice` (checked by the caller): its amount is quantity × unit price."""
    return InvoiceLine.objects.create(
        organisation_id=invoice.organisation_id,
        invoice=invoice,
        position=position,
        label=label[:300],
        enrolment=enrolment,
        funding_line=funding_line,
        quantity=quantity,
        unit_price_cents=unit_price_cents,
        amount_cents=quantity * unit_price_cents,
    )


def _create_draft(
    *,
    actor: Actor,
    kind: str,
    client: Client,
    recipient_name: str,
    lines: list[dict[str, Any]],
    session: Session | None = None,
    enrolment: Enrolment | None = None,
    payer_kind: str = "",
    scheme: str = "",
    recipient_address: str = "",
    recipient_siret: str = "",
    recipient_email: str = "",
    quote: Invoice | None = None,
    corrects: Invoice | None = None,
    notes: str = "",
    funder: Funder | None = None,
    chorus_service_code: str = "",
    commitment_number: str = "",
    trainees: list[dict[str, Any]] | None = None,
) -> Invoice:
    invoice = Invoice.objects.create(
        funder=funder,
        chorus_service_code=chorus_service_code,
        commitment_number=commitment_number,
        trainees=trainees or [],
        organisation_id=actor.organisation_id,
        kind=kind,
        client=client,
        session=session,
        enrolment=enrolment,
        payer_kind=payer_kind,
        scheme=scheme,
        recipient_name=recipient_name[:200],
        recipient_address=recipient_address,
        recipient_siret=recipient_siret,
        recipient_email=recipient_email,
        quote=quote,
        corrects=corrects,
        payment_terms=_terms(kind, payer_kind),
        notes=notes,
    )
    for position, line in enumerate(lines, start=1):
        _check_line(line.get("label", ""), line.get("quantity", 1), line["unit_price_cents"])
        _new_line(
            invoice,
            position=position,
            label=line["label"],
            quantity=line.get("quantity", 1),
            unit_price_cents=line["unit_price_cents"],
            enrolment=line.get("enrolment"),
            funding_line=line.get("funding_line"),
        )
    _recompute(invoice)
    log_action(
        actor=actor,
        obj=invoice,
        action="billing.invoice.create",
        data={"kind": kind, "recipient": invoice.recipient_name, "total_ht_cents": invoice.total_ht_cents},
    )
    return invoice


def _terms(kind: str, payer_kind: str) -> str:
    """Late-payment penalties and the 40 € indemnity concern professional buyers only (L441-10, D441-5 Code de
    commerce); a trainee paying personally pays by the contract's schedule (L6353-6 Code du travail)."""
    if kind == InvoiceKind.CREDIT_NOTE:
        return ""
    return individuals.CONSUMER_TERMS if payer_kind == PayerKind.INDIVIDUAL else DEFAULT_TERMS


def _same_recipient(piece: Invoice) -> dict[str, Any]:
    """The client, session, payer and recipient of `piece`, for a piece made from it (invoice from a quote, note)."""
    return {
        "client": piece.client,
        "session": piece.session,
        "enrolment": piece.enrolment,
        "payer_kind": piece.payer_kind,
        "scheme": piece.scheme,
        "recipient_name": piece.recipient_name,
        "recipient_address": piece.recipient_address,
        "recipient_siret": piece.recipient_siret,
        "recipient_email": piece.recipient_email,
        "funder": piece.funder,
        "chorus_service_code": piece.chorus_service_code,
        "commitment_number": piece.commitment_number,
        "trainees": piece.trainees,
    }


def _open_invoices_of(enrolment: Enrolment) -> list[Invoice]:
    """The enrolment's invoices still in force: drafts, and issued ones not entirely cancelled by credit notes."""
    invoices = list(Invoice.objects.filter(enrolment=enrolment, kind=InvoiceKind.INVOICE))
    credited = dict(
        Invoice.objects.filter(corrects__in=invoices, kind=InvoiceKind.CREDIT_NOTE, status=InvoiceStatus.ISSUED)
        .values("corrects")
        .annotate(total=Sum("total_ht_cents"))
        .values_list("corrects", "total")
    )
    return [i for i in invoices if i.status == InvoiceStatus.DRAFT or credited.get(i.pk, 0) < i.total_ht_cents]


def _hours_lines(
    head: str, due: realised.LineDue, trainees: list[realised.TraineeHours], enrolment: Enrolment
) -> list[dict[str, Any]]:
    """The invoice lines of a funding line billed on hours realised: one per trainee with their hours, then the
    drop-out clause's indemnity on its own line (never charged to a funder: the basis refuses it)."""
    rate = ""
    if due.funding_line.hourly_rate_cents:
        rate = " " + _("× %(rate)s HT de l'heure") % {"rate": format_cents(due.funding_line.hourly_rate_cents)}
    lines = [
        {
            "label": f"{head} — {t.name} : {t.text}{rate}",
            "unit_price_cents": due.per_trainee.get(t.participant_id, 0),
            "enrolment": enrolment,
            "funding_line": due.funding_line,
        }
        for t in trainees
    ]
    if due.dropout_fee_cents:
        lines.append(
            {
                "label": _(
                    "Dédit pour abandon prévu par la convention (%(percent)s %% des heures non réalisées) — "
                    "non imputable sur les fonds de la formation professionnelle"
                )
                % {"percent": due.funding_line.dropout_fee_percent},
                "unit_price_cents": due.dropout_fee_cents,
                "enrolment": enrolment,
                "funding_line": due.funding_line,
            }
        )
    return lines


def _check_line(label: str, quantity: int, unit_price_cents: int) -> None:
    errors = {}
    if not str(label).strip():
        errors["label"] = _("Indiquez la désignation de la ligne.")
    if quantity is None or quantity < 1:
        errors["quantity"] = _("La quantité est un nombre entier d'au moins 1.")
    if unit_price_cents is None or unit_price_cents < 0:
        errors["unit_price_cents"] = _("Le prix unitaire ne peut pas être négatif : corrigez par un avoir.")
    if errors:
        raise ValidationError(errors)


def _vat_rate_bp(invoice: Invoice, org: Organisation) -> int:
    if invoice.kind == InvoiceKind.CREDIT_NOTE and invoice.corrects_id:
        return Invoice.objects.filter(pk=invoice.corrects_id).values_list("vat_rate_bp", flat=True).get()
    return org.vat_rate_bp


def _recompute(invoice: Invoice, org: Organisation | None = None) -> None:
    """A draft's totals from its lines: HT exact, VAT on the HT total rounded half up, TTC = HT + VAT."""
    org = org or Organisation.objects.get(pk=invoice.organisation_id)
    total = InvoiceLine.objects.filter(invoice=invoice).aggregate(t=Sum("amount_cents"))["t"] or 0
    invoice.vat_rate_bp = _vat_rate_bp(invoice, org)
    invoice.total_ht_cents = total
    invoice.total_vat_cents = vat_cents(total, invoice.vat_rate_bp)
    invoice.total_ttc_cents = total + invoice.total_vat_cents
    Invoice.objects.filter(pk=invoice.pk, status=InvoiceStatus.DRAFT).update(
        vat_rate_bp=invoice.vat_rate_bp,
        total_ht_cents=invoice.total_ht_cents,
        total_vat_cents=invoice.total_vat_cents,
        total_ttc_cents=invoice.total_ttc_cents,
        updated_at=timezone.now(),
    )
