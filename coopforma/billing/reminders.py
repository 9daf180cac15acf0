# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reminders of overdue invoices: the organisation's settings and texts, and their sending.

An issued invoice never changes (CGI annexe II art. 242 nonies A): each reminder is its own `Reminder` row, at
most one per rank (1, 2, 3), e-mailed through the outbox (`core.mail.send_mail_logged`). A reminder is due for an
issued invoice (not a quote, not a credit note) past its due date with a balance left (TTC − payments − credit
notes), when the delay of its rank after the due date has passed and, from the second one, the gap between the
two delays has passed since the previous reminder (so an organisation turning reminders on sends the first one
to a long-overdue invoice, not three at once). Texts carry placeholders ({numero}, {montant_du}…); an unknown one
is refused with its name. {penalites} holds the late-payment wording: for a business, L441-10 and D441-5 of the
Code de commerce (penalties and the 40 € recovery fee); for a public buyer, L2192-13 of the Code de la commande
publique (moratory interest and the same fee); for a consumer, nothing (those articles apply between
professionals; a consumer owes only the legal interest after a formal notice, Code civil art. 1231-6).

Scheduled: `coopforma billing remind --due [--dry-run] [--org <slug>]` (task `billing.tasks.billing_remind_due`).
"""

import datetime as dt
import string
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.billing.models import Invoice, InvoiceKind, InvoiceStatus, Reminder, ReminderSettings
from coopforma.billing.selectors import with_amounts
from coopforma.core.log import diff, log_action, snapshot
from coopforma.core.mail import send_mail_logged
from coopforma.core.money import format_cents
from coopforma.people.models import ClientKind
from coopforma.training_sessions.models import PayerKind

PURPOSE = "billing.reminder"
PLACEHOLDERS = {
    "numero": "numéro de la facture",
    "emission": "date d'émission",
    "echeance": "date d'échéance",
    "montant_du": "montant restant dû",
    "destinataire": "destinataire de la facture",
    "organisme": "nom de l'organisme",
    "relance": "« Première relance », « Deuxième relance » ou « Troisième relance »",
    "penalites": "mention des pénalités de retard (vide pour un particulier)",
}
RANK_LABELS = {1: "Première relance", 2: "Deuxième relance", 3: "Troisième relance"}
PENALTIES_BUSINESS = (
    "\nÀ défaut de paiement, des pénalités de retard sont exigibles de plein droit, ainsi qu'une indemnité "
    "forfaitaire pour frais de recouvrement de 40 € (art. L441-10 et D441-5 du Code de commerce).\n"
)
PENALTIES_PUBLIC = (
    "\nLe retard de paiement fait courir de plein droit des intérêts moratoires et une indemnité forfaitaire pour "
    "frais de recouvrement de 40 € (art. L2192-13 du Code de la commande publique).\n"
)
SETTINGS_FIELDS = ("enabled", "days_1", "days_2", "days_3", "subject", "body")


# --- Settings and texts ---------------------------------------------------------------------------------------


def reminder_settings_of(organisation: Organisation) -> ReminderSettings:
    """The organisation's settings (defaults, unsaved, when it never changed them)."""
    found = ReminderSettings.objects.filter(organisation=organisation).first()
    return found or ReminderSettings(organisation=organisation)


def placeholder_errors(text: str) -> list[str]:
    """What is wrong with the placeholders of `text` (French, naming each), [] when it is fine."""
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:
        return [_("Accolade { ou } isolée : une variable s'écrit {numero} ; pour une accolade seule, doublez-la.")]
    errors = []
    for _literal, name, spec, conversion in fields:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            shown = "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
            errors.append(
                _("Variable inconnue %(name)s : les variables possibles sont %(known)s.")
                % {"name": shown, "known": ", ".join("{" + k + "}" for k in PLACEHOLDERS)}
            )
    return errors


def reminder_settings_update(*, actor: Actor, **fields: Any) -> ReminderSettings:
    """Change the organisation's reminder settings (flag `billing.manage`): delays increasing, texts with known
    placeholders only; nothing is written when something is refused."""
    actor.require("billing.manage")
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        current = ReminderSettings.objects.select_for_update().filter(
            organisation_id=actor.organisation_id
        ).first() or ReminderSettings(organisation_id=actor.organisation_id)
        before = snapshot(current, SETTINGS_FIELDS)
        for name, value in fields.items():
            setattr(current, name, value.strip() if isinstance(value, str) else value)
        errors: dict[str, list[str]] = {}
        for name in ("subject", "body"):
            if not getattr(current, name):
                errors[name] = [_("Ce texte ne peut pas être vide.")]
            elif found := placeholder_errors(getattr(current, name)):
                errors[name] = found
        if not current.days_1:
            errors["days_1"] = [_("Le délai de la première relance doit être d'au moins un jour.")]
        delays = [current.days_1, current.days_2, current.days_3]
        if current.days_3 and not current.days_2:
            errors["days_3"] = [_("Une troisième relance suppose une deuxième relance.")]
        for rank in (2, 3):
            if delays[rank - 1] and delays[rank - 1] <= delays[rank - 2]:
                errors[f"days_{rank}"] = [
                    _("La relance %(rank)s doit venir après la relance %(prev)s (plus de %(days)s jours).")
                    % {"rank": rank, "prev": rank - 1, "days": delays[rank - 2]}
                ]
        if errors:
            raise ValidationError(errors)
        current.save()
        changes = diff(before, snapshot(current, SETTINGS_FIELDS))
        if changes:
            log_action(actor=actor, obj=current, action="billing.reminders.update", data=changes)
    return current


# --- What is due ------------------------------------------------------------------------------------------------


def overdue_invoices(organisation_id: int, today: dt.date) -> Any:
    """Issued invoices (not quotes, not credit notes, not CPF: the Caisse des dépôts pays what is declared in EDOF)
    past their due date with a balance left, with
    `balance_cents`, the number of reminders sent and the date of the last one."""
    qs = Invoice.objects.filter(
        organisation_id=organisation_id, kind=InvoiceKind.INVOICE, status=InvoiceStatus.ISSUED, due_on__lt=today
    )
    qs = qs.exclude(payer_kind=PayerKind.CPF)  # the Caisse des dépôts pays through EDOF, not on an e-mail
    return (
        with_amounts(qs)
        .filter(balance_cents__gt=0)
        .annotate(reminders_sent=Count("reminders"), last_reminder_at=Max("reminders__sent_at"))
        .select_related("client", "funder", "organisation")
        .order_by("due_on", "id")
    )


def next_rank(invoice: Invoice, delays: list[int], today: dt.date) -> int | None:
    """The rank of the reminder due today for this overdue invoice, None when none is due."""
    rank = invoice.reminders_sent + 1
    if rank > len(delays) or invoice.due_on + dt.timedelta(days=delays[rank - 1]) > today:
        return None
    if rank > 1 and invoice.last_reminder_at is not None:
        gap = delays[rank - 1] - delays[rank - 2]
        if timezone.localdate(invoice.last_reminder_at) + dt.timedelta(days=gap) > today:
            return None
    return rank


def recipient_email(invoice: Invoice) -> str:
    """Where the reminder goes: the invoice's recipient e-mail, else the funder's billing e-mail, else the
    client's, else its first contact with one."""
    if invoice.recipient_email:
        return invoice.recipient_email
    if invoice.funder_id and invoice.funder.email:
        return invoice.funder.email
    if invoice.client.email:
        return invoice.client.email
    contact = invoice.client.contacts.exclude(email="").order_by("id").first()
    return contact.email if contact else ""


def is_consumer(invoice: Invoice) -> bool:
    """A private person paying for themself: no professional late-payment penalties (L441-10 is B2B)."""
    if invoice.funder_id:
        return False
    return invoice.payer_kind == PayerKind.INDIVIDUAL or invoice.client.kind == ClientKind.INDIVIDUAL


def penalties_text(invoice: Invoice) -> str:
    if is_consumer(invoice):
        return ""
    if invoice.funder_id and invoice.funder.public_buyer:
        return PENALTIES_PUBLIC
    return PENALTIES_BUSINESS


def render(settings: ReminderSettings, invoice: Invoice, rank: int, balance: int) -> tuple[str, str]:
    """(subject, body) of the reminder of `rank` for `invoice`, from the organisation's texts."""
    values = {
        "numero": invoice.number,
        "emission": invoice.issued_on.strftime("%d/%m/%Y") if invoice.issued_on else "",
        "echeance": invoice.due_on.strftime("%d/%m/%Y") if invoice.due_on else "",
        "montant_du": format_cents(balance),
        "destinataire": invoice.recipient_name,
        "organisme": invoice.organisation.name,
        "relance": RANK_LABELS[rank],
        "penalites": penalties_text(invoice),
    }
    subject = " ".join(settings.subject.format(**values).split())
    body = settings.body.format(**values)
    while "\n\n\n" in body:  # an empty {penalites} leaves no hole
        body = body.replace("\n\n\n", "\n\n")
    return subject, body


@dataclass
class Planned:
    invoice: Invoice
    rank: int
    to: str


def _send(*, actor: Actor | None, settings: ReminderSettings, planned: Planned, now: dt.datetime) -> Reminder:
    """Write the reminder and its e-mail (inside the caller's transaction); IntegrityError if the rank was sent."""
    invoice = planned.invoice
    subject, body = render(settings, invoice, planned.rank, invoice.balance_cents)
    reminder = Reminder.objects.create(
        organisation_id=invoice.organisation_id,
        invoice=invoice,
        rank=planned.rank,
        sent_at=now,
        to=planned.to,
        balance_cents=invoice.balance_cents,
        sent_by=actor.user if actor else None,
    )
    reminder.email = send_mail_logged(
        organisation=invoice.organisation, to=planned.to, subject=subject, body=body, purpose=PURPOSE, about=invoice
    )
    reminder.save(update_fields=["email", "updated_at"])
    log_action(
        actor=actor,
        obj=invoice,
        action="billing.invoice.remind",
        data={"rank": planned.rank, "to": planned.to, "balance_cents": invoice.balance_cents},
    )
    return reminder


@dataclass
class RunSummary:
    sent: list[Planned]
    without_email: list[Invoice]

    def __str__(self) -> str:
        return _("%(sent)s relance(s) envoyée(s), %(missing)s facture(s) échue(s) sans adresse e-mail.") % {
            "sent": len(self.sent),
            "missing": len(self.without_email),
        }


def invoice_reminders_send_due(
    *, now: dt.datetime, organisation: Organisation | None = None, dry_run: bool = False
) -> RunSummary:
    """Send the reminders due at `now` for every organisation that turned them on (or only `organisation`);
    with `dry_run`, write nothing and return what would be sent."""
    today = timezone.localdate(now)
    summary = RunSummary(sent=[], without_email=[])
    configured = ReminderSettings.objects.filter(enabled=True).select_related("organisation")
    if organisation is not None:
        configured = configured.filter(organisation=organisation)
    for settings in configured:
        delays = settings.delays()
        for invoice in overdue_invoices(settings.organisation_id, today):
            rank = next_rank(invoice, delays, today)
            if rank is None:
                continue
            to = recipient_email(invoice)
            if not to:
                summary.without_email.append(invoice)
                continue
            planned = Planned(invoice=invoice, rank=rank, to=to)
            if not dry_run:
                try:
                    with transaction.atomic():
                        _send(actor=None, settings=settings, planned=planned, now=now)
                except IntegrityError:  # another run sent this rank meanwhile: never twice
                    continue
            summary.sent.append(planned)
    return summary


def invoice_remind(*, actor: Actor, invoice: Invoice) -> Reminder:
    """« Relancer maintenant »: send the next reminder of an overdue invoice at once (flag `billing.manage`),
    whatever the delays, while fewer than three were sent."""
    actor.require("billing.manage")
    now = timezone.now()
    found = overdue_invoices(actor.organisation_id, timezone.localdate(now)).filter(pk=invoice.pk).first()
    if found is None:
        raise ValidationError({"invoice": _("Seule une facture émise, échue et non soldée peut être relancée.")})
    if found.reminders_sent >= 3:
        raise ValidationError(
            {"invoice": _("Les trois relances de la facture %(n)s sont déjà envoyées.") % {"n": found.number}}
        )
    to = recipient_email(found)
    if not to:
        raise ValidationError(
            {
                "invoice": _("Aucune adresse e-mail pour %(name)s : renseignez celle du client ou du financeur.")
                % {"name": found.recipient_name}
            }
        )
    settings = reminder_settings_of(actor.organisation)
    try:
        with transaction.atomic():
            return _send(actor=actor, settings=settings, planned=Planned(found, found.reminders_sent + 1, to), now=now)
    except IntegrityError as exc:
        raise ValidationError({"invoice": _("Cette relance vient d'être envoyée.")}) from exc


def reminders_sent_since(organisation_id: int, since: dt.datetime) -> int:
    return Reminder.objects.filter(organisation_id=organisation_id, sent_at__gte=since).count()
