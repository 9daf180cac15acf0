# SPDX-License-Identifier: AGPL-3.0-or-later
"""Participants: trainees in a session through an enrolment (existing, or created on the way)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.core.log import diff, log_action, snapshot
from coopforma.people.models import ClientKind, Trainee
from coopforma.people.selectors import trainee_queryset
from coopforma.training_sessions import selectors
from coopforma.training_sessions.models import (
    BpfTraineeType,
    Enrolment,
    EnrolmentStatus,
    Participant,
    ParticipantStatus,
)
from coopforma.training_sessions.services._common import (
    _check_capacity,
    _evidence_of,
    _raise,
    _require_open,
    _session_for_update,
)

# Cerfa 10443 cadre F-1: the usual trainee type for each kind of client.
BPF_DEFAULTS: dict[str, str] = {
    ClientKind.COMPANY: BpfTraineeType.PRIVATE_EMPLOYEE,
    ClientKind.INDIVIDUAL: BpfTraineeType.INDIVIDUAL,
    ClientKind.PUBLIC_BODY: BpfTraineeType.OTHER,
}


# --- Participants -------------------------------------------------------------------------------------------


def default_bpf_type(client_kind: str) -> str:
    return str(BPF_DEFAULTS.get(client_kind, ""))


def _new_trainee(actor: Actor, enrolment: Enrolment, data: dict[str, Any]) -> Trainee:
    first_name = (data.get("first_name") or "").strip()
    last_name = (data.get("last_name") or "").strip()
    email = (data.get("email") or "").strip().lower()
    errors: dict[str, list[str]] = {"first_name": [], "last_name": [], "email": []}
    if not first_name:
        errors["first_name"].append(_("Indiquez le prénom du ou de la stagiaire."))
    if not last_name:
        errors["last_name"].append(_("Indiquez le nom du ou de la stagiaire."))
    if email:
        twin = trainee_queryset(actor=actor).filter(email__iexact=email).first()
        if twin is not None:
            errors["email"].append(
                _("%(name)s a déjà cet e-mail : choisissez ce ou cette stagiaire dans la liste.") % {"name": twin}
            )
    _raise(errors)
    trainee = Trainee(
        organisation=actor.organisation,
        client=enrolment.client,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    trainee.full_clean()
    trainee.save()
    log_action(actor=actor, obj=trainee, action="people.trainee.created", data={"client": enrolment.client})
    return trainee


@transaction.atomic
def participant_add(
    *,
    actor: Actor,
    session_id: int,
    enrolment_id: int,
    trainee_id: int | None = None,
    new_trainee: dict[str, Any] | None = None,
    bpf_trainee_type: str = "",
    status: str = ParticipantStatus.REGISTERED,
) -> Participant:
    """A trainee (existing, or created from first name, last name, e-mail) in the session, through an enrolment.

    Refused: another OF's enrolment (counts only), a trainee already in the session, a full session.
    """
    session = _session_for_update(actor, session_id)
    _require_open(session)
    enrolment = (
        Enrolment.objects.filter(pk=enrolment_id, session=session).select_related("client").first()
        if enrolment_id
        else None
    )
    if enrolment is None:
        raise ValidationError({"enrolment": _("Choisissez l'inscription (le client) de cette session.")})
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise ValidationError(
            {"enrolment": _("L'inscription de « %(client)s » est annulée.") % {"client": enrolment.client}}
        )
    if enrolment.client.kind == ClientKind.TRAINING_ORG and enrolment.entrusted_trainees:
        # Named trainees of another OF (BPF cadre G, with their attendance) or counts, not both: the counts would
        # be ignored and the places counted twice.
        raise ValidationError(
            {
                "enrolment": _(
                    "L'inscription de « %(client)s » enregistre déjà %(n)s stagiaires confié·es en nombre : "
                    "remettez ce nombre à zéro pour les inscrire nominativement (avec leur émargement)."
                )
                % {"client": enrolment.client, "n": enrolment.entrusted_trainees}
            }
        )
    if status not in ParticipantStatus.values:
        raise ValidationError({"status": _("État inconnu : « %(v)s ».") % {"v": status}})
    bpf_trainee_type = bpf_trainee_type or default_bpf_type(enrolment.client.kind)
    entrusted = enrolment.client.kind == ClientKind.TRAINING_ORG  # BPF cadre G: trainees and hours, no type
    if bpf_trainee_type not in BpfTraineeType.values and not (entrusted and not bpf_trainee_type):
        raise ValidationError({"bpf_trainee_type": _("Indiquez le type de stagiaire pour le BPF (a à e).")})
    trainee: Trainee | None = None
    if trainee_id:
        trainee = trainee_queryset(actor=actor).filter(pk=trainee_id).first()
        if trainee is None:
            raise ValidationError({"trainee": _("Stagiaire introuvable, ou hors de votre périmètre.")})
        twin = Participant.objects.filter(session=session, trainee=trainee).first()
        if twin is not None:
            raise ValidationError(
                {
                    "trainee": _("%(name)s participe déjà à cette session (%(status)s).")
                    % {"name": trainee.full_name, "status": twin.get_status_display()}
                }
            )
    elif not new_trainee or not any((new_trainee.get(k) or "").strip() for k in ("first_name", "last_name")):
        raise ValidationError(
            {
                "trainee": _(
                    "Choisissez un·e stagiaire existant·e, ou saisissez le prénom et le nom d'un·e nouveau·elle."
                )
            }
        )
    if status != ParticipantStatus.CANCELLED:
        _check_capacity(session, 1)
    if trainee is None:
        assert new_trainee is not None
        trainee = _new_trainee(actor, enrolment, new_trainee)
    participant = Participant(
        organisation=actor.organisation,
        session=session,
        enrolment=enrolment,
        trainee=trainee,
        bpf_trainee_type=bpf_trainee_type,
        status=status,
    )
    participant.full_clean()
    participant.save()
    log_action(
        actor=actor,
        obj=participant,
        action="sessions.participant.created",
        data={"session": session, "trainee": trainee, "client": enrolment.client, "bpf_trainee_type": bpf_trainee_type},
    )
    return participant


@transaction.atomic
def participant_update(*, actor: Actor, participant_id: int, **fields: Any) -> Participant:
    """Change a participant's status or BPF type; back from cancelled only if there is room."""
    found = selectors.participant_get(actor=actor, participant_id=participant_id)
    session = _session_for_update(actor, found.session_id)
    participant = (
        Participant.objects.select_for_update().select_related("enrolment__client", "trainee").get(pk=found.pk)
    )
    before = snapshot(participant)
    for key, value in fields.items():
        if key not in {"status", "bpf_trainee_type"}:
            raise ValueError(f"participant_update: unknown field {key}")
        if value is not None:
            setattr(participant, key, value)
    errors: dict[str, list[str]] = {}
    if participant.status not in ParticipantStatus.values:
        errors["status"] = [_("État inconnu : « %(v)s ».") % {"v": participant.status}]
    if participant.bpf_trainee_type not in BpfTraineeType.values:
        errors["bpf_trainee_type"] = [_("Indiquez le type de stagiaire pour le BPF (a à e).")]
    _raise(errors)
    if before["status"] == ParticipantStatus.CANCELLED and participant.status != ParticipantStatus.CANCELLED:
        if participant.enrolment.status == EnrolmentStatus.CANCELLED:
            raise ValidationError(
                {"status": _("L'inscription de « %(client)s » est annulée.") % {"client": participant.enrolment.client}}
            )
        _require_open(session)
        _check_capacity(session, 1, field="status")
    participant.full_clean()
    participant.save()
    changes = diff(before, snapshot(participant))
    if changes:
        log_action(actor=actor, obj=participant, action="sessions.participant.updated", data={"changes": changes})
    return participant


@transaction.atomic
def participant_delete(*, actor: Actor, participant_id: int) -> None:
    """Remove a trainee added by mistake. Refused once they signed or a document names them: cancel instead."""
    found = selectors.participant_get(actor=actor, participant_id=participant_id)
    _session_for_update(actor, found.session_id)
    participant = Participant.objects.select_for_update().select_related("trainee", "session").get(pk=found.pk)
    reason = _evidence_of([participant])
    if reason:
        raise ValidationError({"participant": reason})
    data = {"trainee": participant.trainee.full_name, "enrolment_id": participant.enrolment_id}
    try:
        with transaction.atomic():
            participant.delete()
    except ProtectedError:
        raise ValidationError(
            {
                "participant": _(
                    "Des preuves de réalisation désignent ce ou cette stagiaire : passez l'état à « Annulé·e »."
                )
            }
        ) from None
    log_action(actor=actor, obj=participant.session, action="sessions.participant.deleted", data=data)
