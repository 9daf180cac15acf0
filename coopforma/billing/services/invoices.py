# SPDX-License-Identifier: AGPL-3.0-or-later
"""Invoices: drafts from an enrolment, draft edits, and the issue (gapless number, frozen legal mentions and
totals, member shares, PDF)."""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.billing import cpf, individuals, realised
from coopforma.billing.models import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceSequence,
    InvoiceStatus,
    MemberShare,
    Payment,
)
from coopforma.billing.rules import contribution_cents, split_largest_remainder
from coopforma.billing.selectors import funder_for_payer
from coopforma.billing.services.common import (
    DRAFT_FIELDS,
    LINE_FIELDS,
    PAYMENT_DAYS,
    PREFIXES,
    _corrected_id,
    _locked,
    _locked_enrolment,
    _locked_line,
    _manage,
    _require_draft,
)
from coopforma.billing.services.drafts import (
    _check_line,
    _client_address,
    _create_draft,
    _enrolment_for_billing,
    _hours_lines,
    _new_line,
    _open_invoices_of,
    _recompute,
    _session_label,
    _trainees_of,
    client_payer_kind,
    is_third_party,
)
from coopforma.billing.services.fiscal_years import _check_open_year
from coopforma.core.formatting import fr_date
from coopforma.core.hours import format_minutes
from coopforma.core.identifiers import format_iban
from coopforma.core.legal import nda_mention
from coopforma.core.log import diff, log_action, snapshot
from coopforma.core.money import format_cents, vat_mention
from coopforma.people.models import Client, ClientKind, MemberStructure, TrainerEmployer
from coopforma.training_sessions.models import (
    CpfState,
    Enrolment,
    FundingLine,
    FundingScheme,
    PayerKind,
    Session,
)


def invoice_create_for_enrolment(*, actor: Actor, enrolment_id: int) -> list[Invoice]:
    """Draft invoices of an enrolment: one per third-party funding line (an OPCO paying directly, the CDC…), with
    that line's payer kind and scheme, and one to the client for the price minus what those funders pay. A line
    billed on hours realised bills the attended hours, one invoice line per trainee (Code du travail L6354-1);
    once the hours are known, every invoice lists the trainees with their realised hours."""
    _manage(actor)
    with transaction.atomic():
        enrolment = _enrolment_for_billing(_locked_enrolment(actor, enrolment_id))
        already = _open_invoices_of(enrolment)
        # An invoice converted from the enrolment's quote bills the client's share only (`quote_convert`): the
        # funders' invoices are still to be made, the client's part is not made again. One that billed more than
        # that share (converted before this rule: the whole price) still blocks, else the funders would be billed
        # the same amounts a second time.
        others = sum(f.amount_cents for f in enrolment.funding_lines.all() if is_third_party(f, enrolment.client))
        share = enrolment.price_cents - others
        converted = (
            [i for i in already if i.quote_id and not i.funder_id and i.total_ht_cents <= share] if others else []
        )
        already = [i for i in already if i not in converted]
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
        if not cpf.holder_pays_through_cpf(enrolment) and not converted:
            client_lines = _client_share_lines(enrolment, enrolment.price_cents, label, all_lines, trainees)
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


def invoice_create_for_client(
    *,
    actor: Actor,
    client_id: int,
    label: str,
    amount_cents: int,
    session_id: int | None = None,
    enrolment_id: int | None = None,
    recipient_siret: str = "",
    chorus_service_code: str = "",
    commitment_number: str = "",
    notes: str = "",
) -> Invoice:
    """A draft invoice of one line to a client of the organisation (a public buyer's contract, a lot of a won
    call for tenders): the amount agreed, the client as recipient, its Chorus Pro data (SIRET, service code,
    commitment number). A draft only: no number, no legal mentions; it is issued through `invoice_issue` like any
    other. With an enrolment, the draft is that enrolment's (it is then billed once)."""
    _manage(actor)
    client = Client.objects.filter(organisation_id=actor.organisation_id, pk=client_id).first()
    if client is None:
        raise ValidationError({"client": _("Client introuvable, ou hors de votre organisation.")})
    session = None
    if session_id is not None:
        session = Session.objects.filter(organisation_id=actor.organisation_id, pk=session_id).first()
        if session is None:
            raise ValidationError({"session": _("Session introuvable, ou hors de votre organisation.")})
    enrolment = None
    if enrolment_id is not None:
        enrolment = Enrolment.objects.filter(
            organisation_id=actor.organisation_id, pk=enrolment_id, client=client, session=session
        ).first()
        if enrolment is None:
            raise ValidationError({"enrolment": _("Inscription introuvable pour ce client et cette session.")})
        if _open_invoices_of(enrolment):
            raise ValidationError({"enrolment": _("Cette inscription est déjà facturée.")})
    if not isinstance(amount_cents, int) or isinstance(amount_cents, bool) or amount_cents <= 0:
        raise ValidationError({"amount_cents": _("Le montant est un nombre de centimes supérieur à 0.")})
    with transaction.atomic():
        return _create_draft(
            actor=actor,
            kind=InvoiceKind.INVOICE,
            client=client,
            session=session,
            enrolment=enrolment,
            payer_kind=client_payer_kind(client),
            recipient_name=client.name,
            recipient_address=_client_address(client),
            recipient_siret=recipient_siret or client.siret,
            recipient_email=client.email,
            chorus_service_code=chorus_service_code,
            commitment_number=commitment_number,
            lines=[{"label": label, "unit_price_cents": amount_cents, "enrolment": enrolment}],
            notes=notes,
        )


def _client_share_lines(
    enrolment: Enrolment, price_cents: int, label: str, all_lines: list[Any], trainees: list[Any]
) -> list[dict[str, Any]]:
    """The client's part of `price_cents`: its own flat lines and the price no funding line covers, in one line (as
    the convention says); its own lines billed on hours realised, one line per trainee (and the drop-out clause
    apart). What third parties pay (an OPCO, a Région…) is theirs to be invoiced, never the client's."""
    client = enrolment.client
    own_lines = [line for line in all_lines if not is_third_party(line, client)]
    funded_by_others = len(own_lines) < len(all_lines)
    flat_own = [line for line in own_lines if line.basis not in realised.BY_HOURS]
    uncovered = max(price_cents - sum(line.amount_cents for line in all_lines), 0)
    flat_amount = uncovered + sum(line.amount_cents for line in flat_own)
    lines: list[dict[str, Any]] = []
    if flat_amount > 0:
        lines.append(
            {
                "label": label + (f" — {_('reste à charge après financements')}" if funded_by_others else ""),
                "unit_price_cents": flat_amount,
                "enrolment": enrolment,
                "funding_line": flat_own[0] if len(flat_own) == 1 and not uncovered else None,
            }
        )
    for line in own_lines:
        if line.basis in realised.BY_HOURS:
            lines.extend(_hours_lines(label, realised.line_due(line, trainees), trainees, enrolment))
    return lines


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


def legal_snapshot(org: Organisation, vat_rate_bp: int) -> dict[str, Any]:
    """The seller's mentions printed on the piece, frozen at issue (art. 242 nonies A annexe II CGI, L6352-12)."""
    return {
        "name": org.name,
        "legal_form": org.legal_form,
        "address": org.address,
        "siret": org.siret,
        "naf_code": org.naf_code,
        "nda": org.nda,
        "nda_mention": nda_mention(org.nda, org.nda_region),
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
    if last and last[0] is not None and last[0] > issued_on:
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
        source = list(MemberShare.objects.filter(invoice_id=_corrected_id(invoice)).order_by("member_structure_id"))
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


def _missing_address_message(invoice: Invoice) -> str:
    """Why an invoice to a funder without an address is refused, which field is missing and where to fill it."""
    funder = invoice.funder if invoice.funder_id else None
    if funder is not None and not funder.address_complete:
        parts = ((_("rue"), funder.street), (_("code postal"), funder.postal_code), (_("ville"), funder.city))
        missing = [label for label, value in parts if not value.strip()]
        return _(
            "Adresse de %(name)s manquante (%(missing)s) : Coopforma ne fournit pas l'adresse de facturation de ce "
            "financeur. Renseignez le champ « Adresse du destinataire » de ce brouillon (« Modifier le brouillon »), "
            "et pour les prochaines factures ajoutez %(name)s avec son adresse dans Facturation → « Financeurs » : "
            "votre fiche remplace celle de la liste nationale. Une facture porte le nom et l'adresse de son "
            "destinataire (art. 242 nonies A de l'annexe II du CGI)."
        ) % {"name": invoice.recipient_name, "missing": ", ".join(missing)}
    return _(
        "Indiquez l'adresse de %(name)s dans le champ « Adresse du destinataire » de ce brouillon (« Modifier le "
        "brouillon ») : une facture porte le nom et l'adresse de son destinataire (art. 242 nonies A de l'annexe II "
        "du CGI). Complétez aussi le carnet d'adresses des financeurs (Facturation → « Financeurs »)."
    ) % {"name": invoice.recipient_name}


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
            errors["recipient_address"] = _missing_address_message(invoice)
        if invoice.funder is not None and invoice.funder.public_buyer and not invoice.recipient_siret:
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
        corrected = Invoice.objects.select_for_update().get(pk=_corrected_id(invoice))
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
