# SPDX-License-Identifier: AGPL-3.0-or-later
"""The CPF cycle of an enrolment (Mon Compte Formation, EDOF, Caisse des dépôts et consignations).

A training bought with the compte personnel de formation is ordered by its holder on Mon Compte Formation, whose
general terms (CGU) and the « conditions particulières des organismes de formation » stand in for the contract
(Code du travail L6323-2, L6333-6 to -8; the holder signs no L6353-3 contract and receives no invoice from the
OF). The OF is paid by the Caisse des dépôts, once it has declared on EDOF:

1. the entry into training (within 3 working days of the actual start);
2. the exit and the « service fait », with the taux de réalisation = hours realised ÷ hours planned, rounded to an
   integer percentage, computed from the proofs of attendance; a partial completion is paid pro rata;
3. then the invoice data (amount, dossier number), from which the Caisse des dépôts pays.

The states are recorded on the enrolment (`Enrolment.cpf_state`). This module holds the writes of steps 1–2 and
the amount of step 3; `services.invoice_create_for_enrolment` drafts the invoice to the Caisse des dépôts (BPF
cadre C line 2e) and never one to the holder. Billing reads attendance here (the hours realised) although both
apps sit on the same layer: the service fait is a billing event that needs the attendance record, and attendance
never reads billing.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.attendance.models import SlotAttendance, SlotState
from coopforma.attendance.selectors import attended_minutes, percent, rate
from coopforma.core.formatting import fr_date
from coopforma.core.hours import format_minutes
from coopforma.core.log import log_action
from coopforma.people.models import ClientKind
from coopforma.training_sessions.models import (
    CpfState,
    Enrolment,
    EnrolmentStatus,
    FundingLine,
    ParticipantStatus,
    PayerKind,
)

CDC_NAME = "Caisse des dépôts et consignations — Mon Compte Formation"
CDC_ADDRESS = "56 rue de Lille\n75007 Paris"
RULE = "CGU de Mon Compte Formation et conditions particulières des organismes de formation"


def cpf_lines(enrolment: Enrolment) -> list[FundingLine]:
    return [line for line in enrolment.funding_lines.all() if line.payer_kind == PayerKind.CPF]


def holder_pays_through_cpf(enrolment: Enrolment) -> bool:
    """An individual's enrolment funded by their CPF: no contract, no quote, no invoice to the holder."""
    return enrolment.client.kind == ClientKind.INDIVIDUAL and bool(cpf_lines(enrolment))


def cpf_amount_cents(line: FundingLine, completion_rate: int) -> int:
    """What the Caisse des dépôts pays for a line: its amount × the taux de réalisation, rounded half up."""
    exact = Decimal(line.amount_cents) * Decimal(min(completion_rate, 100)) / Decimal(100)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _locked_cpf(actor: Actor, enrolment: Enrolment) -> Enrolment:
    actor.require("billing.manage")
    locked = (
        Enrolment.objects.select_for_update()
        .filter(pk=enrolment.pk, organisation_id=actor.organisation_id)
        .select_related("session", "client")
        .first()
    )
    if locked is None:
        raise ValidationError({"enrolment": _("Cette inscription n'existe pas.")})
    if locked.status == EnrolmentStatus.CANCELLED:
        raise ValidationError({"enrolment": _("Cette inscription est annulée : aucun dossier CPF à déclarer.")})
    if not cpf_lines(locked):
        raise ValidationError(
            {
                "enrolment": _(
                    "Cette inscription n'a pas de financement par le CPF (Caisse des dépôts) : ajoutez la ligne de "
                    "financement avant de déclarer le dossier."
                )
            }
        )
    return locked


def _check_day(day: dt.date | None, field: str) -> dt.date:
    if day is None:
        raise ValidationError({field: _("Indiquez la date.")})
    if day > timezone.localdate():
        raise ValidationError({field: _("La date ne peut pas être dans le futur : on déclare ce qui a eu lieu.")})
    return day


def cpf_entry_declare(*, actor: Actor, enrolment: Enrolment, entered_on: dt.date | None) -> Enrolment:
    """Record the entry into training declared on EDOF (step 1 of the CPF cycle)."""
    with transaction.atomic():
        locked = _locked_cpf(actor, enrolment)
        entered_on = _check_day(entered_on, "entered_on")
        if locked.cpf_state != CpfState.NONE:
            raise ValidationError(
                {
                    "entered_on": _("L'entrée en formation est déjà déclarée (le %(day)s).")
                    % {"day": fr_date(locked.cpf_entry_on)}
                }
            )
        start = locked.session.start_date
        if start is None or entered_on < start:
            raise ValidationError(
                {
                    "entered_on": _(
                        "L'entrée en formation se déclare une fois la formation commencée (premier créneau : "
                        "%(start)s) ; %(rule)s."
                    )
                    % {"start": fr_date(start) if start else _("aucun"), "rule": RULE}
                }
            )
        locked.cpf_state = CpfState.ENTRY_DECLARED
        locked.cpf_entry_on = entered_on
        locked.save(update_fields=["cpf_state", "cpf_entry_on", "updated_at"])
        log_action(actor=actor, obj=locked, action="billing.cpf.entry_declare", data={"entered_on": entered_on})
    return locked


def cpf_service_done_declare(*, actor: Actor, enrolment: Enrolment, declared_on: dt.date | None = None) -> Enrolment:
    """Record the « service fait » declared on EDOF (step 2): hours realised from the closed attendance record,
    taux de réalisation = realised ÷ planned as an integer percentage, rounded half up."""
    declared_on = declared_on or timezone.localdate()
    with transaction.atomic():
        locked = _locked_cpf(actor, enrolment)
        declared_on = _check_day(declared_on, "declared_on")
        if locked.cpf_state == CpfState.NONE:
            raise ValidationError(
                {
                    "declared_on": _(
                        "Déclarez d'abord l'entrée en formation : le service fait suit l'entrée (%(rule)s)."
                    )
                    % {"rule": RULE}
                }
            )
        if locked.cpf_state != CpfState.ENTRY_DECLARED:
            raise ValidationError(
                {
                    "declared_on": _("Le service fait est déjà déclaré (le %(day)s, taux de réalisation %(rate)s %%).")
                    % {"day": fr_date(locked.cpf_service_done_on), "rate": locked.cpf_completion_rate}
                }
            )
        if declared_on < locked.cpf_entry_on:
            raise ValidationError(
                {
                    "declared_on": _("Le service fait ne peut précéder l'entrée en formation (%(day)s).")
                    % {"day": fr_date(locked.cpf_entry_on)}
                }
            )
        participants = [p for p in locked.participants.all() if p.status != ParticipantStatus.CANCELLED]
        if not participants:
            raise ValidationError({"declared_on": _("Aucun·e stagiaire sur cette inscription : rien n'a été réalisé.")})
        session = locked.session
        every_left = all(p.status == ParticipantStatus.DROPPED_OUT for p in participants)
        end = dt.datetime.combine(declared_on, dt.time.max, tzinfo=timezone.get_current_timezone())
        slots = list(session.slots.order_by("starts_at"))
        if not every_left and slots and slots[-1].ends_at > end:
            raise ValidationError(
                {
                    "declared_on": _(
                        "La formation n'est pas terminée (dernier créneau le %(day)s) : le service fait se déclare "
                        "à la sortie du ou de la stagiaire (%(rule)s)."
                    )
                    % {"day": fr_date(timezone.localtime(slots[-1].ends_at).date()), "rule": RULE}
                }
            )
        ended = [s.pk for s in slots if s.ends_at <= end]
        closed = set(
            SlotAttendance.objects.filter(slot_id__in=ended, state=SlotState.CLOSED).values_list("slot_id", flat=True)
        )
        open_slot = next((s for s in slots if s.pk in ended and s.pk not in closed), None)
        if open_slot is not None:
            raise ValidationError(
                {
                    "declared_on": _(
                        "L'émargement du créneau du %(slot)s n'est pas clos : le taux de réalisation se calcule sur "
                        "les preuves de réalisation (émargements clos)."
                    )
                    % {"slot": str(open_slot)}
                }
            )
        realised = sum(attended_minutes(p) for p in participants)
        planned = session.total_minutes * len(participants)
        completion = percent(rate(realised, planned))
        if completion is None:
            raise ValidationError(
                {"declared_on": _("La session n'a aucune heure planifiée : le taux est incalculable.")}
            )
        locked.cpf_state = CpfState.SERVICE_DONE
        locked.cpf_service_done_on = declared_on
        locked.cpf_realised_minutes = realised
        locked.cpf_planned_minutes = planned
        locked.cpf_completion_rate = min(completion, 100)
        locked.save(
            update_fields=[
                "cpf_state",
                "cpf_service_done_on",
                "cpf_realised_minutes",
                "cpf_planned_minutes",
                "cpf_completion_rate",
                "updated_at",
            ]
        )
        log_action(
            actor=actor,
            obj=locked,
            action="billing.cpf.service_done_declare",
            data={
                "declared_on": declared_on,
                "realised": format_minutes(realised),
                "planned": format_minutes(planned),
                "completion_rate": locked.cpf_completion_rate,
            },
        )
    return locked


def cpf_mark_invoiced(*, actor: Actor, enrolment_id: int, number: str) -> None:
    """Step 3: the invoice data are issued (called inside the issuing transaction of the CDC's invoice)."""
    Enrolment.objects.filter(pk=enrolment_id, cpf_state=CpfState.SERVICE_DONE).update(
        cpf_state=CpfState.INVOICED, updated_at=timezone.now()
    )
    enrolment = Enrolment.objects.get(pk=enrolment_id)
    log_action(actor=actor, obj=enrolment, action="billing.cpf.invoice", data={"number": number})
