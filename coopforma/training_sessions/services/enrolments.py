# SPDX-License-Identifier: AGPL-3.0-or-later
"""Enrolments: a client in a session at a price; editing (with its funding lines) and deleting one
entered by mistake."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.core.log import diff, log_action, snapshot
from coopforma.people.models import ClientKind, Contact
from coopforma.people.selectors import client_queryset
from coopforma.training_sessions import selectors
from coopforma.training_sessions.models import (
    Enrolment,
    EnrolmentStatus,
    Participant,
    ParticipantStatus,
    Session,
)
from coopforma.training_sessions.services._common import (
    _check_capacity,
    _documents_of,
    _evidence_of,
    _require_open,
    _session_for_update,
)
from coopforma.training_sessions.services.funding_lines import (
    _funding_total,
    _line_data,
    _replace_funding_lines,
    _total_too_high,
)

# --- Enrolments and funding lines ---------------------------------------------------------------------------


def _check_entrusted(client_kind: str, entrusted_trainees: int, entrusted_minutes: int) -> None:
    if client_kind != ClientKind.TRAINING_ORG and (entrusted_trainees or entrusted_minutes):
        raise ValidationError(
            {
                "entrusted_trainees": _(
                    "Les stagiaires confiés ne concernent que les clients organismes de formation (sous-traitance) : "
                    "ajoutez plutôt les participant·es."
                )
            }
        )


def _check_not_enrolled(session: Session, enrolment: Enrolment) -> None:
    other = (
        Enrolment.objects.filter(session=session, client_id=enrolment.client_id)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .exclude(pk=enrolment.pk)
        .first()
    )
    if other is not None:
        raise ValidationError(
            {
                "client": _("« %(client)s » est déjà inscrit à cette session (inscription du %(date)s).")
                % {"client": enrolment.client, "date": timezone.localtime(other.created_at).strftime("%d/%m/%Y")}
            }
        )


def _contact(client_id: int, contact_id: int | None) -> Contact | None:
    if not contact_id:
        return None
    contact = Contact.objects.filter(pk=contact_id, client_id=client_id).first()
    if contact is None:
        raise ValidationError({"contact": _("Ce contact n'appartient pas au client choisi.")})
    return contact


@transaction.atomic
def enrolment_create(
    *,
    actor: Actor,
    session_id: int,
    client_id: int,
    price_cents: int = 0,
    contact_id: int | None = None,
    status: str = EnrolmentStatus.CONFIRMED,
    notes: str = "",
    entrusted_trainees: int = 0,
    entrusted_minutes: int = 0,
) -> Enrolment:
    """Enrol a client (visible to the actor, once per session) at a price; another OF records counts only."""
    session = _session_for_update(actor, session_id)
    _require_open(session)
    client = client_queryset(actor=actor).filter(pk=client_id).first()
    if client is None:
        raise ValidationError({"client": _("Client introuvable, ou hors de votre périmètre.")})
    if status == EnrolmentStatus.CANCELLED:
        raise ValidationError({"status": _("Une nouvelle inscription ne peut pas être annulée.")})
    enrolment = Enrolment(
        organisation=actor.organisation,
        session=session,
        client=client,
        contact=_contact(client.pk, contact_id),
        status=status,
        price_cents=price_cents or 0,
        notes=notes or "",
        entrusted_trainees=entrusted_trainees or 0,
        entrusted_minutes=entrusted_minutes or 0,
    )
    _check_not_enrolled(session, enrolment)
    _check_entrusted(client.kind, enrolment.entrusted_trainees, enrolment.entrusted_minutes)
    _check_capacity(session, enrolment.entrusted_trainees, field="entrusted_trainees")
    enrolment.full_clean()
    enrolment.save()
    log_action(
        actor=actor,
        obj=enrolment,
        action="sessions.enrolment.created",
        data={"session": session, "client": client, "price_cents": enrolment.price_cents, "status": status},
    )
    return enrolment


@transaction.atomic
def enrolment_update(
    *, actor: Actor, enrolment_id: int, funding_lines: list[dict[str, Any]] | None = None, **fields: Any
) -> Enrolment:
    """Edit price, contact, status, notes, entrusted counts; cancelling cancels the enrolment's participants.

    `funding_lines` (API): the complete list of lines; lines with an id are updated, without one created,
    the others deleted.
    """
    found = selectors.enrolment_get(actor=actor, enrolment_id=enrolment_id)
    session = _session_for_update(actor, found.session_id)
    enrolment = Enrolment.objects.select_for_update().select_related("client").get(pk=found.pk)
    before = snapshot(enrolment)
    allowed = {"price_cents", "status", "notes", "entrusted_trainees", "entrusted_minutes"}
    for key, value in fields.items():
        if key == "contact_id":
            enrolment.contact = _contact(enrolment.client_id, value)
        elif key in allowed:
            setattr(enrolment, key, value if value is not None else ("" if key == "notes" else 0))
        else:
            raise ValueError(f"enrolment_update: unknown field {key}")
    old_status = before["status"]
    if enrolment.status not in EnrolmentStatus.values:
        raise ValidationError({"status": _("État inconnu : « %(v)s ».") % {"v": enrolment.status}})
    if old_status == EnrolmentStatus.CANCELLED and enrolment.status != EnrolmentStatus.CANCELLED:
        _require_open(session)
        _check_not_enrolled(session, enrolment)
    _check_entrusted(enrolment.client.kind, enrolment.entrusted_trainees, enrolment.entrusted_minutes)
    if (
        enrolment.entrusted_trainees
        and not before["entrusted_trainees"]
        and enrolment.participants.exclude(status=ParticipantStatus.CANCELLED).exists()
    ):
        raise ValidationError(
            {
                "entrusted_trainees": _(
                    "Cette inscription a déjà des stagiaires inscrit·es nominativement : ils et elles sont "
                    "compté·es au BPF (cadre G) avec leurs heures ; un nombre en plus les compterait deux fois."
                )
            }
        )
    if enrolment.status != EnrolmentStatus.CANCELLED:
        freed = before["entrusted_trainees"] if old_status != EnrolmentStatus.CANCELLED else 0
        _check_capacity(session, enrolment.entrusted_trainees - freed, field="entrusted_trainees")
    if funding_lines is None:
        total = _funding_total(enrolment)
        if total > enrolment.price_cents:
            raise ValidationError({"price_cents": _total_too_high(total, enrolment.price_cents)})
    enrolment.full_clean()
    enrolment.save()
    data: dict[str, Any] = {"changes": diff(before, snapshot(enrolment))}
    if funding_lines is not None:
        data["funding_lines"] = _replace_funding_lines(actor, enrolment, funding_lines)
    if enrolment.status == EnrolmentStatus.CANCELLED and old_status != EnrolmentStatus.CANCELLED:
        participants = list(
            enrolment.participants.exclude(status=ParticipantStatus.CANCELLED).select_related("trainee")
        )
        Participant.objects.filter(pk__in=[p.pk for p in participants]).update(
            status=ParticipantStatus.CANCELLED, updated_at=timezone.now()
        )
        data["participants_cancelled"] = [str(p.trainee) for p in participants]
    if data["changes"] or data.get("funding_lines") or data.get("participants_cancelled"):
        log_action(actor=actor, obj=enrolment, action="sessions.enrolment.updated", data=data)
    return enrolment


@transaction.atomic
def enrolment_delete(*, actor: Actor, enrolment_id: int) -> None:
    """Delete an enrolment entered by mistake, with its funding lines and participants. Refused once anything
    was issued or recorded for it (an invoice or quote, a document, an émargement): cancel it instead."""
    found = selectors.enrolment_get(actor=actor, enrolment_id=enrolment_id)
    _session_for_update(actor, found.session_id)
    enrolment = Enrolment.objects.select_for_update().select_related("client").get(pk=found.pk)
    participants = list(enrolment.participants.select_related("trainee"))
    reason = _evidence_of(participants)
    if not reason and _documents_of(Enrolment, enrolment.pk):
        reason = _(
            "Une convention, un contrat ou un devis a été établi pour cette inscription : il se conserve. Passez "
            "l'inscription à l'état « Annulée » au lieu de la supprimer."
        )
    if reason:
        raise ValidationError({"enrolment": reason})
    data = {
        "client": enrolment.client.name,
        "price_cents": enrolment.price_cents,
        "participants": [p.trainee.full_name for p in participants],
        "funding_lines": [_line_data(line) for line in enrolment.funding_lines.all()],
    }
    try:
        with transaction.atomic():
            enrolment.delete()
    except ProtectedError:  # billing.Invoice / InvoiceLine protect it
        raise ValidationError(
            {
                "enrolment": _(
                    "Cette inscription a un devis ou une facture : une pièce de facturation ne se supprime pas (Code "
                    "de commerce, art. L441-9). Passez l'inscription à l'état « Annulée » et corrigez par un avoir."
                )
            }
        ) from None
    log_action(actor=actor, obj=found.session, action="sessions.enrolment.deleted", data=data)
