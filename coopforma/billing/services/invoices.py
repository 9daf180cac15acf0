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

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.billing import cpf, individuals, realised
from coopforma.billing.models import (
    ClosedFiscalYear,
    Funder,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceSequence,
    InvoiceStatus,
    MemberShare,
    Payment,
    PaymentMethod,
)
from coopforma.billing.rules import contribution_cents, fiscal_year_of, national_funders, split_largest_remainder
from coopforma.billing.selectors import funder_for_payer, invoice_queryset_for
from coopforma.core.hours import format_minutes
from coopforma.core.identifiers import compact, format_iban
from coopforma.core.locking import id_or_404, lock_for_update
from coopforma.core.log import diff, log_action, snapshot
from coopforma.core.money import format_cents, vat_cents, vat_mention
from coopforma.people.models import Client, ClientKind, MemberStructure, TrainerEmployer
from coopforma.training_sessions.documents import NDA_DISCLAIMER, fr_date
from coopforma.training_sessions.models import (
    CpfState,
    Enrolment,
    EnrolmentStatus,
    FundingLine,
    FundingScheme,
    PayerKind,
    Session,
)

PREFIXES = {InvoiceKind.INVOICE: "F", InvoiceKind.QUOTE: "D", InvoiceKind.CREDIT_NOTE: "A"}
PAYMENT_DAYS = 30  # default due date of an invoice and validity of a quote
CLIENT_PAYER_KIND = {
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


# --- Fiscal years -------------------------------------------------------------------------------------------


def fiscal_year(org: Organisation, day: dt.date) -> int:
    return fiscal_year_of(org.fiscal_year_start_month, day)


def _check_open_year(org: Organisation, day: dt.date, field: str) -> int:
    year = fiscal_year(org, day)
    if ClosedFiscalYear.objects.filter(organisation=org, fiscal_year=year).exists():
        start, end = org.fiscal_year_bounds(year)
        raise ValidationError(
            {
                field: _(
                    "Le %(day)s appartient à l'exercice %(year)s (du %(start)s au %(end)s), qui est clôturé : "
                    "choisissez une date dans un exercice ouvert."
                )
                % {
                    "day": fr_date(day),
                    "year": year,
                    "start": fr_date(start),
                    "end": fr_date(end - dt.timedelta(days=1)),
                }
            }
        )
    return year


def fiscal_year_close(*, actor: Actor, year: int) -> ClosedFiscalYear:
    """Close a finished fiscal year: nothing may then be issued or paid with a date inside it."""
    _manage(actor)
    org = actor.organisation
    start, end = org.fiscal_year_bounds(year)
    if end > timezone.localdate():
        raise ValidationError(
            {
                "year": _("L'exercice %(year)s se termine le %(end)s : il ne peut être clôturé qu'une fois terminé.")
                % {"year": year, "end": fr_date(end - dt.timedelta(days=1))}
            }
        )
    with transaction.atomic():
        if ClosedFiscalYear.objects.filter(organisation=org, fiscal_year=year).exists():
            raise ValidationError({"year": _("L'exercice %(year)s est déjà clôturé.") % {"year": year}})
        drafts = Invoice.objects.filter(organisation=org, status=InvoiceStatus.DRAFT).count()
        closed = ClosedFiscalYear.objects.create(organisation=org, fiscal_year=year, closed_by=actor.user)
        log_action(
            actor=actor,
            obj=closed,
            action="billing.fiscal_year.close",
            data={"year": year, "start": start, "end": end, "open_drafts": drafts},
        )
    return closed


# --- Funders' address book ---------------------------------------------------------------------------------

FUNDER_FIELDS = (
    "kind",
    "name",
    "street",
    "postal_code",
    "city",
    "siret",
    "email",
    "public_buyer",
    "chorus_service_code",
)


def funders_seed() -> int:
    """The national funders (billing/data/funders.json) as shared rows; idempotent (also run by migration 0003)."""
    for row in national_funders():
        Funder.objects.update_or_create(organisation=None, name=row["name"], defaults=row)
    return Funder.objects.filter(organisation__isnull=True).count()


def funder_create(*, actor: Actor, **fields: Any) -> Funder:
    """A funder of the organisation's own (a Région, a Transitions Pro, a local authority…) in its address book."""
    _manage(actor)
    unknown = set(fields) - set(FUNDER_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Ce champ ne se modifie pas.")})
    funder = Funder(organisation_id=actor.organisation_id, **fields)
    if funder.siret:
        funder.siret = compact(funder.siret)
    errors = {}
    if not funder.address_complete:
        errors["street"] = _(
            "L'adresse complète du financeur (rue, code postal, ville) est obligatoire : elle figure sur ses "
            "factures (art. 242 nonies A de l'annexe II du CGI)."
        )
    if funder.public_buyer and not funder.siret:
        errors["siret"] = _("Un acheteur public reçoit ses factures par Chorus Pro, qui l'identifie par son SIRET.")
    if Funder.objects.filter(organisation_id=actor.organisation_id, name__iexact=funder.name.strip()).exists():
        errors["name"] = _("Ce financeur est déjà dans votre carnet d'adresses.")
    if errors:
        raise ValidationError(errors)
    funder.full_clean(exclude=["organisation"])
    with transaction.atomic():
        funder.save()
        log_action(actor=actor, obj=funder, action="billing.funder.create", data={"name": funder.name})
    return funder


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


# --- Drafts from an enrolment -------------------------------------------------------------------------------


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


def invoice_create_for_enrolment(*, actor: Actor, enrolment_id: int) -> list[Invoice]:
    """Draft invoices of an enrolment: one per third-party funding line (an OPCO paying directly, the CDC…), with
    that line's payer kind and scheme, and one to the client for the price minus what those funders pay. A line
    billed on hours realised bills the attended hours, one invoice line per trainee (Code du travail L6354-1);
    once the hours are known, every invoice lists the trainees with their realised hours."""
    _manage(actor)
    with transaction.atomic():
        enrolment = _enrolment_for_billing(_locked_enrolment(actor, enrolment_id))
        already = _open_invoices_of(enrolment)
        if already and not (enrolment.client.kind == ClientKind.INDIVIDUAL and not is_funded_by_others(enrolment)):
            raise ValidationError(
                {
                    "enrolment": _(
                        "Cette inscription est déjà facturée (%(pieces)s) : annulez la facture par un avoir, ou "
                        "supprimez le brouillon, avant d'en créer une autre."
                    )
                    % {"pieces": ", ".join(str(i) for i in already)}
                }
            )
        client = enrolment.client
        session = enrolment.session
        label = _session_label(session)
        all_lines = list(enrolment.funding_lines.all())
        funders = [line for line in all_lines if is_third_party(line, client)]
        own_lines = [line for line in all_lines if not is_third_party(line, client)]
        funded = sum(line.amount_cents for line in funders)
        consumer = client.kind == ClientKind.INDIVIDUAL and not funders
        if consumer:
            return [_consumer_draft(actor=actor, enrolment=enrolment, label=label, open_pieces=already)]
        cpf_funded = [line for line in funders if line.payer_kind == PayerKind.CPF]
        if cpf_funded and enrolment.cpf_state != CpfState.SERVICE_DONE:
            raise ValidationError(
                {
                    "enrolment": _(
                        "La Caisse des dépôts se facture après la déclaration du service fait sur EDOF (%(rule)s) : "
                        "dossier « %(state)s ». Déclarez l'entrée en formation puis le service fait."
                    )
                    % {"rule": cpf.RULE, "state": enrolment.get_cpf_state_display()}
                }
            )
        if funded > enrolment.price_cents:
            raise ValidationError(
                {
                    "enrolment": _(
                        "Les financements de tiers (%(funded)s) dépassent le prix de l'inscription (%(price)s) : "
                        "corrigez les lignes de financement."
                    )
                    % {"funded": format_cents(funded), "price": format_cents(enrolment.price_cents)}
                }
            )
        if any(line.basis in realised.BY_HOURS for line in all_lines):
            realised.check_hours_known(enrolment)
        trainees = realised.trainee_hours(enrolment) if realised.hours_known(enrolment) else []
        notes = realised.hours_summary(trainees)
        created = []
        printed_trainees = _trainees_of(enrolment)
        # CPF: the holder ordered on Mon Compte Formation and pays nothing to the OF; a remaining share, if any, is
        # paid on the platform and documented on the invoice to the Caisse des dépôts.
        holder_share = max(enrolment.price_cents - funded, 0) if cpf.holder_pays_through_cpf(enrolment) else 0
        # The client's part: its own flat lines and the price no line covers, in one line (as the convention
        # says); its own lines billed on hours realised, one line per trainee (and the drop-out clause apart).
        client_lines: list[dict[str, Any]] = []
        if not cpf.holder_pays_through_cpf(enrolment):
            flat_own = [line for line in own_lines if line.basis not in realised.BY_HOURS]
            uncovered = max(enrolment.price_cents - sum(line.amount_cents for line in all_lines), 0)
            flat_amount = uncovered + sum(line.amount_cents for line in flat_own)
            if flat_amount > 0:
                client_lines.append(
                    {
                        "label": label + (f" — {_('reste à charge après financements')}" if funders else ""),
                        "unit_price_cents": flat_amount,
                        "enrolment": enrolment,
                        "funding_line": flat_own[0] if len(flat_own) == 1 and not uncovered else None,
                    }
                )
            for line in own_lines:
                if line.basis in realised.BY_HOURS:
                    client_lines.extend(_hours_lines(label, realised.line_due(line, trainees), trainees, enrolment))
        if sum(line["unit_price_cents"] for line in client_lines) > 0:
            created.append(
                _create_draft(
                    actor=actor,
                    kind=InvoiceKind.INVOICE,
                    client=client,
                    session=session,
                    enrolment=enrolment,
                    payer_kind=client_payer_kind(client),
                    scheme=own_lines[0].scheme if len(own_lines) == 1 else "",
                    recipient_name=client.name,
                    recipient_address=_client_address(client),
                    recipient_siret=client.siret,
                    recipient_email=client.email,
                    trainees=printed_trainees,
                    lines=client_lines,
                    notes=notes,
                )
            )
        for line in funders:
            if line.payer_kind == PayerKind.CPF:
                created.append(_cpf_draft(actor=actor, enrolment=enrolment, line=line, label=label, rest=holder_share))
                continue
            funder = funder_for_payer(
                organisation_id=actor.organisation_id, payer_name=line.payer_name, payer_kind=line.payer_kind
            )
            details = ", ".join(
                p
                for p in [
                    line.get_scheme_display() if line.scheme else "",
                    _("réf. %(r)s") % {"r": line.reference} if line.reference else "",
                    _("stagiaire(s) de %(c)s") % {"c": client.name},
                ]
                if p
            )
            head = f"{label} — {_('prise en charge')} ({details})"
            if line.basis in realised.BY_HOURS:
                lines = _hours_lines(head, realised.line_due(line, trainees), trainees, enrolment)
            else:
                lines = [
                    {"label": head, "unit_price_cents": line.amount_cents, "enrolment": enrolment, "funding_line": line}
                ]
            if sum(item["unit_price_cents"] for item in lines) <= 0:
                continue  # no hour realised: nothing is due to this funder (L6354-1)
            created.append(
                _create_draft(
                    actor=actor,
                    kind=InvoiceKind.INVOICE,
                    client=client,
                    session=session,
                    enrolment=enrolment,
                    payer_kind=line.payer_kind,
                    scheme=line.scheme,
                    recipient_name=funder.name if funder else line.payer_name or str(line.get_payer_kind_display()),
                    recipient_address=funder.address if funder and funder.address_complete else "",
                    recipient_siret=funder.siret if funder else "",
                    recipient_email=funder.email if funder else "",
                    funder=funder,
                    chorus_service_code=funder.chorus_service_code if funder else "",
                    commitment_number=line.reference if funder and funder.public_buyer else "",
                    trainees=printed_trainees,
                    lines=lines,
                    notes=notes,
                )
            )
        if not created:
            raise ValidationError(
                {
                    "enrolment": _(
                        "Rien à facturer : aucune heure n'a été réalisée et les financements sont facturés aux "
                        "heures réalisées (Code du travail, art. L6354-1)."
                    )
                }
            )
    return created


def is_funded_by_others(enrolment: Enrolment) -> bool:
    return any(is_third_party(line, enrolment.client) for line in enrolment.funding_lines.all())


def _consumer_draft(*, actor: Actor, enrolment: Enrolment, label: str, open_pieces: list[Invoice]) -> Invoice:
    """A trainee paying personally is invoiced instalment by instalment: what the contract's schedule makes due
    today minus what was already invoiced (L6353-6)."""
    drafts = [p for p in open_pieces if p.status == InvoiceStatus.DRAFT]
    if drafts:
        raise ValidationError(
            {
                "enrolment": _("Un brouillon de facture existe déjà (%(draft)s) : émettez-le ou supprimez-le.")
                % {"draft": str(drafts[0])}
            }
        )
    today = timezone.localdate()
    individuals.check_payable(enrolment, today)
    due = individuals.amount_due_now(enrolment, today)
    if due <= 0:
        raise ValidationError(
            {
                "enrolment": _(
                    "Rien n'est exigible à ce jour selon l'échéancier du contrat (art. L6353-6 du Code du travail). "
                    "%(schedule)s"
                )
                % {"schedule": individuals.schedule_text(enrolment)}
            }
        )
    notes = individuals.schedule_text(enrolment)
    hours_label = ""
    # A contract billed on the hours realised (L6353-7, L6354-1): once they are known, the trainee owes their value
    # (and the drop-out clause, if any), never the schedule's instalments beyond it.
    lines = list(enrolment.funding_lines.all())
    if any(line.basis in realised.BY_HOURS for line in lines) and realised.hours_known(enrolment):
        trainees = realised.trainee_hours(enrolment)
        owed = sum(realised.line_due(line, trainees).total_cents for line in lines)
        owed += max(enrolment.price_cents - sum(line.amount_cents for line in lines), 0)
        due = min(due, max(owed - individuals.invoiced_to_trainee(enrolment), 0))
        notes = " ".join(n for n in [realised.hours_summary(trainees), notes] if n)
        hours_label = ", ".join(f"{t.name} : {t.text}" for t in trainees)
        if due <= 0:
            raise ValidationError(
                {
                    "enrolment": _(
                        "Rien à facturer : les heures réalisées sont déjà facturées (Code du travail, art. L6354-1)."
                    )
                }
            )
    whole = due == enrolment.price_cents and not open_pieces
    return _create_draft(
        actor=actor,
        kind=InvoiceKind.INVOICE,
        client=enrolment.client,
        session=enrolment.session,
        enrolment=enrolment,
        payer_kind=PayerKind.INDIVIDUAL,
        recipient_name=enrolment.client.name,
        recipient_address=_client_address(enrolment.client),
        recipient_email=enrolment.client.email,
        lines=[
            {
                "label": (
                    f"{label} — {hours_label}"
                    if hours_label
                    else label
                    if whole
                    else f"{label} — {_('échéance(s) exigible(s) du contrat')}"
                ),
                "unit_price_cents": due,
                "enrolment": enrolment,
            }
        ],
        notes=notes,
    )


def _cpf_draft(*, actor: Actor, enrolment: Enrolment, line: FundingLine, label: str, rest: int) -> Invoice:
    """The invoice data of a CPF dossier after its « service fait »: to the Caisse des dépôts, the line's amount pro
    rata the taux de réalisation (BPF cadre C line 2e)."""
    completion = enrolment.cpf_completion_rate or 0
    amount = cpf.cpf_amount_cents(line, completion)
    if amount <= 0:
        raise ValidationError(
            {"enrolment": _("Taux de réalisation nul : la Caisse des dépôts ne paie rien pour ce dossier.")}
        )
    trainees = ", ".join(p.trainee.full_name for p in enrolment.participants.select_related("trainee"))
    details = _(
        "dossier CPF %(ref)s, titulaire %(holder)s, entrée le %(entry)s, service fait le %(done)s : "
        "%(realised)s réalisées sur %(planned)s, taux de réalisation %(rate)s %%"
    ) % {
        "ref": line.reference or "—",
        "holder": trainees or enrolment.client.name,
        "entry": fr_date(enrolment.cpf_entry_on),
        "done": fr_date(enrolment.cpf_service_done_on),
        "realised": format_minutes(enrolment.cpf_realised_minutes or 0),
        "planned": format_minutes(enrolment.cpf_planned_minutes or 0),
        "rate": completion,
    }
    notes = []
    if completion < 100:
        notes.append(
            _("Réalisation partielle : %(amount)s HT sur %(full)s, au prorata du taux de réalisation.")
            % {"amount": format_cents(amount), "full": format_cents(line.amount_cents)}
        )
    if rest:
        notes.append(
            _(
                "Reste à charge du titulaire : %(rest)s, réglé sur Mon Compte Formation ; l'organisme ne le lui "
                "facture pas."
            )
            % {"rest": format_cents(rest)}
        )
    return _create_draft(
        actor=actor,
        kind=InvoiceKind.INVOICE,
        client=enrolment.client,
        session=enrolment.session,
        enrolment=enrolment,
        payer_kind=PayerKind.CPF,
        scheme=FundingScheme.CPF,
        recipient_name=cpf.CDC_NAME,
        recipient_address=cpf.CDC_ADDRESS,
        lines=[
            {
                "label": f"{label} — {details}",
                "unit_price_cents": amount,
                "enrolment": enrolment,
                "funding_line": line,
            }
        ],
        notes=" ".join(notes),
    )


def _refuse_holder_pieces(enrolment: Enrolment) -> None:
    if cpf.holder_pays_through_cpf(enrolment):
        raise ValidationError(
            {
                "enrolment": _(
                    "%(holder)s finance sa formation par son CPF : ni devis, ni contrat, ni facture au titulaire. "
                    "La commande se passe sur Mon Compte Formation, dont les conditions générales tiennent lieu de "
                    "contrat, et la Caisse des dépôts est facturée après le service fait (%(rule)s)."
                )
                % {"holder": enrolment.client.name, "rule": cpf.RULE}
            }
        )


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


# --- Draft edits --------------------------------------------------------------------------------------------


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


def invoice_update(*, actor: Actor, invoice_id: int, **fields: Any) -> Invoice:
    """Edit a draft's recipient, payer category, dates and texts."""
    _manage(actor)
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: _("Ce champ ne se modifie pas.")})
    with transaction.atomic():
        locked = _locked(actor, invoice_id)
        _require_draft(locked)
        before = snapshot(locked, list(DRAFT_FIELDS))
        for name, value in fields.items():
            setattr(
                locked, name, value if value is not None else ("" if name not in ("due_on", "valid_until") else None)
            )
        errors = {}
        if not locked.recipient_name.strip():
            errors["recipient_name"] = _("Indiquez le destinataire de la pièce.")
        if locked.payer_kind and locked.payer_kind not in PayerKind.values:
            errors["payer_kind"] = _("Catégorie de payeur inconnue.")
        if errors:
            raise ValidationError(errors)
        locked.full_clean(exclude=["organisation", "client", "session", "enrolment", "quote", "corrects", "document"])
        locked.save()
        log_action(
            actor=actor,
            obj=locked,
            action="billing.invoice.update",
            data={"changes": diff(before, snapshot(locked, list(DRAFT_FIELDS)))},
        )
    return locked


def invoice_line_add(
    *, actor: Actor, invoice_id: int, label: str, unit_price_cents: int, quantity: int = 1
) -> InvoiceLine:
    _manage(actor)
    _check_line(label, quantity, unit_price_cents)
    with transaction.atomic():
        locked = _locked(actor, invoice_id)
        _require_draft(locked)
        position = (InvoiceLine.objects.filter(invoice=locked).count()) + 1
        line = _new_line(locked, position=position, label=label, quantity=quantity, unit_price_cents=unit_price_cents)
        _recompute(locked, actor.organisation)
        log_action(
            actor=actor,
            obj=locked,
            action="billing.invoice_line.add",
            data={"label": line.label, "amount_cents": line.amount_cents},
        )
    return line


def invoice_line_update(
    *, actor: Actor, line_id: int, label: str, unit_price_cents: int, quantity: int = 1
) -> InvoiceLine:
    _manage(actor)
    _check_line(label, quantity, unit_price_cents)
    with transaction.atomic():
        locked, line = _locked_line(actor, line_id)
        _require_draft(locked)
        before = snapshot(line, LINE_FIELDS)
        line.label = label[:300]
        line.quantity = quantity
        line.unit_price_cents = unit_price_cents
        line.amount_cents = quantity * unit_price_cents
        line.save()
        _recompute(locked, actor.organisation)
        log_action(
            actor=actor,
            obj=locked,
            action="billing.invoice_line.update",
            data={"changes": diff(before, snapshot(line, LINE_FIELDS))},
        )
    return line


def invoice_line_remove(*, actor: Actor, line_id: int) -> None:
    _manage(actor)
    with transaction.atomic():
        locked, line = _locked_line(actor, line_id)
        _require_draft(locked)
        label = line.label
        line.delete()
        _recompute(locked, actor.organisation)
        log_action(actor=actor, obj=locked, action="billing.invoice_line.remove", data={"label": label})


def invoice_delete_draft(*, actor: Actor, invoice_id: int) -> None:
    """A draft has no number: it may be deleted. An issued piece never is."""
    _manage(actor)
    with transaction.atomic():
        locked = _locked(actor, invoice_id)
        _require_draft(locked)
        log_action(
            actor=actor,
            obj=locked,
            action="billing.invoice.delete",
            data={"kind": locked.kind, "recipient": locked.recipient_name, "total_ht_cents": locked.total_ht_cents},
        )
        locked.delete()


# --- Issue --------------------------------------------------------------------------------------------------


def legal_snapshot(org: Organisation, vat_rate_bp: int) -> dict[str, Any]:
    """The seller's mentions printed on the piece, frozen at issue (art. 242 nonies A annexe II CGI, L6352-12)."""
    if org.nda:
        nda_mention = f"Déclaration d'activité enregistrée sous le numéro {org.nda}" + (
            f" auprès du préfet de région {org.nda_region}." if org.nda_region else " auprès du préfet de région."
        )
        nda_mention += f" {NDA_DISCLAIMER}"
    else:
        nda_mention = "Déclaration d'activité en cours d'enregistrement auprès du préfet de région."
    return {
        "name": org.name,
        "legal_form": org.legal_form,
        "address": org.address,
        "siret": org.siret,
        "naf_code": org.naf_code,
        "nda": org.nda,
        "nda_mention": nda_mention,
        "email": org.email,
        "phone": org.phone,
        "vat_number": org.vat_number,
        "vat_exempt": vat_rate_bp == 0,
        "vat_mention": vat_mention(vat_rate_bp),
        "registry": org.registry_mention,
        "capital": org.capital_mention,
        "iban": format_iban(org.iban) if org.iban else "",
        "bic": org.bic,
    }


def _next_sequence(org_id: int, kind: str, year: int, issued_on: dt.date) -> int:
    """The next number of (organisation, kind, fiscal year), under a row lock held until the transaction ends. The
    chronology is checked under the same lock, so concurrent issues cannot be numbered out of date order."""
    InvoiceSequence.objects.get_or_create(organisation_id=org_id, kind=kind, fiscal_year=year)
    counter = InvoiceSequence.objects.select_for_update().get(organisation_id=org_id, kind=kind, fiscal_year=year)
    last = (
        Invoice.objects.filter(organisation_id=org_id, kind=kind, fiscal_year=year, sequence__isnull=False)
        .order_by("-sequence")
        .values_list("issued_on", "number")
        .first()
    )
    if last and last[0] > issued_on:
        raise ValidationError(
            {
                "issued_on": _(
                    "La pièce précédente (%(number)s) est datée du %(date)s : la numérotation est chronologique, "
                    "choisissez une date égale ou postérieure."
                )
                % {"number": last[1], "date": fr_date(last[0])}
            }
        )
    counter.last += 1
    counter.save(update_fields=["last", "updated_at"])
    return counter.last


def _credited(invoice_id: int) -> tuple[int, int]:
    """(HT, TTC) of the issued credit notes of an invoice."""
    totals = Invoice.objects.filter(
        corrects_id=invoice_id, kind=InvoiceKind.CREDIT_NOTE, status=InvoiceStatus.ISSUED
    ).aggregate(ht=Sum("total_ht_cents"), ttc=Sum("total_ttc_cents"))
    return totals["ht"] or 0, totals["ttc"] or 0


def _paid(invoice_id: int) -> int:
    return Payment.objects.filter(invoice_id=invoice_id).aggregate(t=Sum("amount_cents"))["t"] or 0


def balance_cents(invoice: Invoice) -> int:
    """What remains to be paid: TTC − payments − credit notes TTC (negative: to refund)."""
    if invoice.kind != InvoiceKind.INVOICE or invoice.status != InvoiceStatus.ISSUED:
        return 0
    return invoice.total_ttc_cents - _paid(invoice.pk) - _credited(invoice.pk)[1]


def _delivery_weights(session: Session) -> dict[int, int]:
    """Minutes delivered per member structure: each slot's minutes go to the member structure of each of its
    trainers (the slot's, else the session's); a slot without any trainer goes to the session's structure."""
    weights: dict[int, int] = defaultdict(int)

    def members(trainers: Any) -> list[int]:
        # An external subcontractor belongs to no member structure: the OF pays them, no structure gets a share
        # for their hours (a member structure they were once attached to included).
        return [
            t.member_structure_id
            for t in trainers
            if t.member_structure_id is not None and t.employer != TrainerEmployer.SUBCONTRACTOR
        ]

    session_trainers = list(session.trainers.all())
    slots = list(session.slots.prefetch_related("trainers"))
    for slot in slots:
        # A slot delivered only by subcontractors goes to the session's own structure, which organised it.
        structures = members(list(slot.trainers.all()) or session_trainers)
        for structure_id in structures or [session.member_structure_id]:
            weights[structure_id] += slot.minutes
    if not slots:
        for structure_id in members(session_trainers) or [session.member_structure_id]:
            weights[structure_id] += 1
    return dict(sorted(weights.items()))


def _share_rows(invoice: Invoice) -> list[MemberShare]:
    """The member shares of an issued invoice or credit note (basis split by largest remainder, sum exact)."""
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        source = list(MemberShare.objects.filter(invoice_id=invoice.corrects_id).order_by("member_structure_id"))
        parts = split_largest_remainder(invoice.total_ht_cents, {s.member_structure_id: s.basis_cents for s in source})
        rates = {s.member_structure_id: s.contribution_rate for s in source}
    else:
        if invoice.session_id:
            weights = _delivery_weights(Session.objects.get(pk=invoice.session_id))
        elif invoice.client.member_structure_id:
            weights = {invoice.client.member_structure_id: 1}
        else:
            weights = {}
        parts = split_largest_remainder(invoice.total_ht_cents, weights)
        rates = dict(MemberStructure.objects.filter(pk__in=parts).values_list("pk", "contribution_rate"))
    rows = []
    for structure_id, basis in parts.items():
        contribution = contribution_cents(basis, rates[structure_id])
        rows.append(
            MemberShare(
                organisation_id=invoice.organisation_id,
                invoice=invoice,
                member_structure_id=structure_id,
                basis_cents=basis,
                contribution_rate=rates[structure_id],
                contribution_cents=contribution,
                due_cents=basis - contribution,
            )
        )
    return rows


def _check_issue(invoice: Invoice, org: Organisation, issued_on: dt.date) -> int:
    """Every check before a number is taken; returns the fiscal year."""
    errors = {}
    if not InvoiceLine.objects.filter(invoice=invoice).exists():
        errors["lines"] = _("Ajoutez au moins une ligne avant d'émettre la pièce.")
    elif invoice.total_ht_cents <= 0:
        errors["lines"] = _("Le total HT est nul : une pièce émise porte un montant.")
    if not invoice.recipient_name.strip():
        errors["recipient_name"] = _("Indiquez le destinataire de la pièce.")
    elif invoice.kind == InvoiceKind.INVOICE and (invoice.funder_id or invoice.recipient_name != invoice.client.name):
        if not invoice.recipient_address.strip():
            errors["recipient_address"] = _(
                "Indiquez l'adresse de %(name)s : une facture porte le nom et l'adresse de son destinataire "
                "(art. 242 nonies A de l'annexe II du CGI). Complétez le carnet d'adresses des financeurs."
            ) % {"name": invoice.recipient_name}
        if invoice.funder_id and invoice.funder.public_buyer and not invoice.recipient_siret:
            errors["recipient_siret"] = _(
                "%(name)s est un acheteur public : sa facture est déposée sur Chorus Pro, qui exige son SIRET."
            ) % {"name": invoice.recipient_name}
    if issued_on > timezone.localdate():
        errors["issued_on"] = _("La date d'émission ne peut pas être dans le futur.")
    if errors:
        raise ValidationError(errors)
    year = _check_open_year(org, issued_on, "issued_on")
    return year


def _issue(*, actor: Actor, invoice: Invoice, issued_on: dt.date) -> Invoice:
    """Inside a transaction, on a locked draft: checks, number, snapshot, shares, PDF."""
    org = actor.organisation
    _require_draft(invoice)
    _recompute(invoice, org)
    if invoice.kind == InvoiceKind.CREDIT_NOTE:
        corrected = Invoice.objects.select_for_update().get(pk=invoice.corrects_id)
        credited_ht, _ttc = _credited(corrected.pk)
        if credited_ht + invoice.total_ht_cents > corrected.total_ht_cents:
            raise ValidationError(
                {
                    "amount_cents": _(
                        "Les avoirs de %(number)s dépasseraient la facture : il reste %(left)s HT à annuler."
                    )
                    % {"number": corrected.number, "left": format_cents(corrected.total_ht_cents - credited_ht)}
                }
            )
    if invoice.kind in (InvoiceKind.INVOICE, InvoiceKind.QUOTE) and invoice.enrolment_id:
        enrolment = Enrolment.objects.select_related("client").get(pk=invoice.enrolment_id)
        if invoice.payer_kind != PayerKind.CPF:
            _refuse_holder_pieces(enrolment)
    individuals.check_issue(invoice, issued_on)
    year = _check_issue(invoice, org, issued_on)
    sequence = _next_sequence(org.pk, invoice.kind, year, issued_on)
    invoice.fiscal_year = year
    invoice.sequence = sequence
    invoice.number = f"{PREFIXES[invoice.kind]}-{year}-{sequence:04d}"
    invoice.issued_on = issued_on
    invoice.status = InvoiceStatus.ISSUED
    invoice.legal = legal_snapshot(org, invoice.vat_rate_bp)
    if invoice.kind == InvoiceKind.INVOICE and invoice.due_on is None:
        invoice.due_on = issued_on + dt.timedelta(days=PAYMENT_DAYS)
    if invoice.kind == InvoiceKind.QUOTE and invoice.valid_until is None:
        invoice.valid_until = issued_on + dt.timedelta(days=PAYMENT_DAYS)
    invoice.save()
    if invoice.kind != InvoiceKind.QUOTE:
        MemberShare.objects.bulk_create(_share_rows(invoice))
    if invoice.kind == InvoiceKind.INVOICE and invoice.payer_kind == PayerKind.CPF and invoice.enrolment_id:
        cpf.cpf_mark_invoiced(actor=actor, enrolment_id=invoice.enrolment_id, number=invoice.number)
    log_action(
        actor=actor,
        obj=invoice,
        action="billing.invoice.issue",
        data={
            "number": invoice.number,
            "issued_on": issued_on,
            "total_ht_cents": invoice.total_ht_cents,
            "total_ttc_cents": invoice.total_ttc_cents,
            "payer_kind": invoice.payer_kind,
            "scheme": invoice.scheme,
        },
    )
    _attach_pdf(actor, invoice)
    return invoice


def _attach_pdf(actor: Actor, invoice: Invoice) -> None:
    """The final PDF of the issued piece (documents engine: stored once, SHA-256, QR verification). Its link is
    the one field set after issue, in the same transaction."""
    from coopforma.billing.documents import kind_code
    from coopforma.documents.services import document_finalise, document_generate

    document = document_generate(actor=actor, kind=kind_code(invoice), subject=invoice)
    document = document_finalise(actor=actor, document_id=document.pk)
    Invoice.objects.filter(pk=invoice.pk).update(document=document)
    invoice.document = document


def invoice_issue(*, actor: Actor, invoice_id: int, issued_on: dt.date | None = None) -> Invoice:
    """Issue a draft quote or invoice: next gapless number, frozen legal mentions and totals, member shares, PDF."""
    _manage(actor)
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        locked = _locked(actor, invoice_id)
        return _issue(actor=actor, invoice=locked, issued_on=issued_on)


# --- Quotes -------------------------------------------------------------------------------------------------


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


# --- Credit notes -------------------------------------------------------------------------------------------


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


# --- Payments -----------------------------------------------------------------------------------------------


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
