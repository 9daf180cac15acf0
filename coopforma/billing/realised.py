# SPDX-License-Identifier: AGPL-3.0-or-later
"""What each funding line of an enrolment owes once the hours are delivered (reads only, no writes).

Each funding line states its basis (`FundingBasis`), as the convention prints it:
- flat price: the line's amount is due in full, whatever the hours attended;
- hours realised: the amount × attended trainee-minutes ÷ planned trainee-minutes, or the hourly rate × attended
  hours when the line has one, never more than the amount; the hours not realised are not due and, if already
  paid, are refunded by a credit note (Code du travail L6354-1: « l'organisme prestataire rembourse au
  cocontractant les sommes indûment perçues »);
- hours realised plus the convention's drop-out clause: the same, and for a trainee who abandoned, the stated
  percentage of the value of their hours not realised, billed on a separate line (a dédit is not a training
  expense: no funder pays it).

Attended minutes come from the émargement (`attendance.selectors.attended_minutes`); the planned minutes of a
trainee are the session's planned duration. Amounts are integer cents rounded half up; the split between trainees
is exact (largest remainder).
"""

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.attendance.models import SlotAttendance, SlotState
from coopforma.attendance.selectors import attended_minutes
from coopforma.billing.models import Invoice, InvoiceKind, InvoiceStatus
from coopforma.billing.rules import split_largest_remainder
from coopforma.core.formatting import fr_date
from coopforma.core.hours import format_minutes
from coopforma.training_sessions.models import (
    Enrolment,
    FundingBasis,
    FundingLine,
    Participant,
    ParticipantStatus,
    Slot,
)

BY_HOURS = {FundingBasis.HOURS, FundingBasis.DROPOUT_CLAUSE}


def round_half_up(value: Fraction) -> int:
    """Cents of a non-negative exact amount, rounded half up."""
    return int(value * 2 + 1) // 2


@dataclass
class TraineeHours:
    participant_id: int
    name: str
    attended_minutes: int
    planned_minutes: int
    dropped_out: bool

    @property
    def text(self) -> str:
        """« 17 h 30 réalisées sur 21 h » (with the drop-out said)."""
        text = _("%(done)s réalisées sur %(planned)s") % {
            "done": format_minutes(self.attended_minutes),
            "planned": format_minutes(self.planned_minutes),
        }
        return text + (" " + _("(abandon)") if self.dropped_out else "")


@dataclass
class LineDue:
    """What one funding line owes: `realised_cents` for the training (split per trainee in `per_trainee`), plus
    `dropout_fee_cents` under a drop-out clause."""

    funding_line: FundingLine
    realised_cents: int
    dropout_fee_cents: int = 0
    per_trainee: dict[int, int] = field(default_factory=dict)

    @property
    def basis(self) -> str:
        return self.funding_line.basis

    @property
    def total_cents(self) -> int:
        return self.realised_cents + self.dropout_fee_cents


def trainee_hours(enrolment: Enrolment) -> list[TraineeHours]:
    """The enrolment's trainees (not cancelled) with their attended and planned minutes."""
    planned = enrolment.session.total_minutes
    participants = (
        Participant.objects.filter(enrolment=enrolment)
        .exclude(status=ParticipantStatus.CANCELLED)
        .select_related("trainee")
        .order_by("trainee__last_name", "trainee__first_name", "pk")
    )
    return [
        TraineeHours(
            participant_id=p.pk,
            name=p.trainee.full_name,
            attended_minutes=min(attended_minutes(p), planned),
            planned_minutes=planned,
            dropped_out=p.status == ParticipantStatus.DROPPED_OUT,
        )
        for p in participants
    ]


def check_hours_known(enrolment: Enrolment, *, now: dt.datetime | None = None) -> None:
    """Hours realised are known once every slot of the session has ended and its émargement is closed."""
    now = now or timezone.now()
    slots = list(Slot.objects.filter(session_id=enrolment.session_id).order_by("starts_at"))
    if not slots:
        raise ValidationError(
            {"enrolment": _("La session n'a aucun créneau : les heures réalisées ne peuvent pas être comptées.")}
        )
    last = slots[-1]
    if last.ends_at > now:
        raise ValidationError(
            {
                "enrolment": _(
                    "Un financement est facturé aux heures réalisées : la session n'est pas terminée (dernier "
                    "créneau le %(date)s). Facturez après ce créneau, une fois l'émargement clos "
                    "(Code du travail, art. L6354-1)."
                )
                % {"date": fr_date(timezone.localtime(last.ends_at).date())}
            }
        )
    closed = set(
        SlotAttendance.objects.filter(slot__in=slots, state=SlotState.CLOSED).values_list("slot_id", flat=True)
    )
    open_slots = [s for s in slots if s.pk not in closed]
    if open_slots:
        raise ValidationError(
            {
                "enrolment": _(
                    "Un financement est facturé aux heures réalisées : l'émargement du créneau du %(date)s n'est pas "
                    "clos. Clôturez-le (ou saisissez la feuille papier) avant de facturer."
                )
                % {"date": fr_date(timezone.localtime(open_slots[0].starts_at).date())}
            }
        )


def line_due(line: FundingLine, trainees: list[TraineeHours]) -> LineDue:
    """What `line` owes given the trainees' hours (see the module's docstring)."""
    if line.basis not in BY_HOURS:
        return LineDue(funding_line=line, realised_cents=line.amount_cents)
    planned = sum(t.planned_minutes for t in trainees)
    if planned <= 0:
        raise ValidationError(
            {
                "enrolment": _(
                    "Le financement « %(line)s » est facturé aux heures réalisées, mais l'inscription n'a aucun "
                    "stagiaire ni durée prévue : ajoutez les stagiaires ou passez la ligne au prix forfaitaire."
                )
                % {"line": line.payer_name or line.get_payer_kind_display()}
            }
        )
    attended = sum(t.attended_minutes for t in trainees)

    def value(minutes: int) -> Fraction:
        if line.hourly_rate_cents:
            return Fraction(line.hourly_rate_cents * minutes, 60)
        return Fraction(line.amount_cents * minutes, planned)

    realised = min(round_half_up(value(attended)), line.amount_cents)
    per_trainee = split_largest_remainder(realised, {t.participant_id: t.attended_minutes for t in trainees})
    fee = 0
    if line.basis == FundingBasis.DROPOUT_CLAUSE and line.dropout_fee_percent:
        unrealised = sum(t.planned_minutes - t.attended_minutes for t in trainees if t.dropped_out)
        fee = round_half_up(value(unrealised) * line.dropout_fee_percent / 100)
        fee = min(fee, line.amount_cents - realised)
    return LineDue(funding_line=line, realised_cents=realised, dropout_fee_cents=fee, per_trainee=per_trainee)


def hours_summary(trainees: list[TraineeHours]) -> str:
    """« Stagiaires et heures réalisées : Ada Martin, 21 h réalisées sur 21 h ; … » for an invoice's notes."""
    if not trainees:
        return ""
    return (
        _("Stagiaires et heures réalisées (feuilles d'émargement disponibles) : ")
        + " ; ".join(f"{t.name}, {t.text}" for t in trainees)
        + "."
    )


def hours_known(enrolment: Enrolment) -> bool:
    try:
        check_hours_known(enrolment)
    except ValidationError:
        return False
    return True


@dataclass
class UnrealisedProposal:
    """A credit note to propose on an issued invoice: the HT amount billed beyond what the hours realised owe."""

    invoice_id: int
    billed_cents: int  # HT billed, net of the credit notes already issued
    due_cents: int  # HT owed by this payer for the hours realised
    trainees: list[TraineeHours]

    @property
    def amount_cents(self) -> int:
        return self.billed_cents - self.due_cents

    @property
    def reason(self) -> str:
        hours = " ; ".join(f"{t.name}, {t.text}" for t in self.trainees)
        return _(
            "Heures non réalisées (%(hours)s) — remboursement des sommes indûment perçues, "
            "art. L6354-1 du Code du travail"
        ) % {"hours": hours}


def due_for_invoice(invoice: Invoice, trainees: list[TraineeHours]) -> int | None:
    """HT owed now by the payer of `invoice` (an invoice drafted from an enrolment) for the hours realised; None
    when none of its lines is billed on hours realised (a flat price owes its amount: nothing to compare)."""
    from coopforma.billing.services import is_third_party

    enrolment = invoice.enrolment
    all_lines = list(enrolment.funding_lines.all())
    billed_lines = {line.funding_line_id for line in invoice.lines.all() if line.funding_line_id}
    third = [line for line in all_lines if line.pk in billed_lines and is_third_party(line, enrolment.client)]
    if third:
        relevant = third
        flat = 0
    else:
        relevant = [line for line in all_lines if not is_third_party(line, enrolment.client)]
        flat = max(enrolment.price_cents - sum(line.amount_cents for line in all_lines), 0)
    if not any(line.basis in BY_HOURS for line in relevant):
        return None
    return flat + sum(line_due(line, trainees).total_cents for line in relevant)


def unrealised_proposal(invoice: Invoice) -> UnrealisedProposal | None:
    """The credit note owed on an issued invoice for hours not realised (Code du travail L6354-1), if any."""
    if invoice.kind != InvoiceKind.INVOICE or invoice.status != InvoiceStatus.ISSUED or invoice.enrolment_id is None:
        return None
    if not hours_known(invoice.enrolment):
        return None
    trainees = trainee_hours(invoice.enrolment)
    due = due_for_invoice(invoice, trainees)
    if due is None:
        return None
    credited = sum(
        Invoice.objects.filter(corrects=invoice, kind=InvoiceKind.CREDIT_NOTE, status=InvoiceStatus.ISSUED).values_list(
            "total_ht_cents", flat=True
        )
    )
    billed = invoice.total_ht_cents - credited
    if billed <= due:
        return None
    return UnrealisedProposal(invoice_id=invoice.pk, billed_cents=billed, due_cents=due, trainees=trainees)
