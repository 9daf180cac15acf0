# SPDX-License-Identifier: AGPL-3.0-or-later
"""Sessions: creation from a training, edits, trainers, the programme copy, status transitions."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.catalogue.models import Modality, TrainingStatus
from coopforma.core.log import diff, log_action, snapshot
from coopforma.people.models import Trainer
from coopforma.people.scope import actor_scope
from coopforma.training_sessions import selectors
from coopforma.training_sessions.models import (
    Enrolment,
    EnrolmentStatus,
    Participant,
    ParticipantStatus,
    Session,
    SessionStatus,
)
from coopforma.training_sessions.services._common import (
    _place,
    _raise,
    _session_for_update,
)
from coopforma.training_sessions.services.slots import PERIODS, SlotTrainer, _add_day

# The programme fields a session may adapt (its copy of the training's programme).
PROGRAMME_EDITABLE = [
    "objectives",
    "audience",
    "prerequisites",
    "content",
    "methods",
    "evaluation_methods",
    "accessibility",
    "duration_minutes",
    "modality",
]

# draft → confirmed → running → done; cancelled from any state but done.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    SessionStatus.DRAFT: (SessionStatus.CONFIRMED, SessionStatus.CANCELLED),
    SessionStatus.CONFIRMED: (SessionStatus.RUNNING, SessionStatus.CANCELLED),
    SessionStatus.RUNNING: (SessionStatus.DONE, SessionStatus.CANCELLED),
    SessionStatus.DONE: (),
    SessionStatus.CANCELLED: (),
}


# --- Sessions -----------------------------------------------------------------------------------------------


def _check_capacities(min_capacity: int, max_capacity: int) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {"min_capacity": [], "max_capacity": []}
    if max_capacity < 1:
        errors["max_capacity"].append(_("L'effectif maximum doit être d'au moins 1 stagiaire."))
    if min_capacity > max_capacity:
        errors["min_capacity"].append(
            _("L'effectif minimum (%(min)s) ne peut pas dépasser l'effectif maximum (%(max)s).")
            % {"min": min_capacity, "max": max_capacity}
        )
    return errors


@transaction.atomic
def session_create(
    *,
    actor: Actor,
    training_id: int,
    title: str = "",
    status: str = SessionStatus.DRAFT,
    min_capacity: int = 1,
    max_capacity: int = 12,
    place_id: int | None = None,
    remote_url: str = "",
    is_public: bool = False,
    notes: str = "",
    first_date: dt.date | None = None,
    first_period: str = "",
    days: int = 1,
) -> Session:
    """A session from a training: copies its programme, title, member structure and trainers.

    A trainer creating it must teach the training or belong to its structure, and is added to its trainers.
    With `first_date` and `first_period` (am, pm, both), the first slots are created too (default hours).
    """
    actor.require("sessions.create")
    training = selectors.training_queryset_for(actor).filter(pk=training_id).first()
    if training is None:
        archived = selectors.training_queryset_for(actor, include_archived=True).filter(
            pk=training_id, status=TrainingStatus.ARCHIVED
        )
        raise ValidationError(
            {
                "training": _("Cette formation est archivée : choisissez une formation active.")
                if archived.exists()
                else _("Formation introuvable, ou que vous n'animez pas et qui n'est pas celle de votre structure.")
            }
        )
    if status not in (SessionStatus.DRAFT, SessionStatus.CONFIRMED):
        raise ValidationError({"status": _("Une nouvelle session est en brouillon ou confirmée.")})
    _require_validated_programme(training, field="training")
    _raise(_check_capacities(min_capacity, max_capacity))
    session = Session(
        organisation=actor.organisation,
        training=training,
        member_structure_id=training.member_structure_id,
        title=(title or "").strip() or training.title,
        programme=training.programme_snapshot(),
        status=status,
        min_capacity=min_capacity,
        max_capacity=max_capacity,
        place=_place(actor, place_id),
        remote_url=remote_url or "",
        is_public=is_public,
        notes=notes or "",
    )
    session.full_clean()
    session.save()
    trainer_ids = set(training.trainers.values_list("pk", flat=True))
    own = actor_scope(actor).trainer_id
    if own:
        trainer_ids.add(own)
    session.trainers.add(*trainer_ids)
    log_action(
        actor=actor,
        obj=session,
        action="sessions.session.created",
        data={"training": training, "title": session.title, "status": session.status},
    )
    if first_date and first_period:
        if first_period not in PERIODS:
            raise ValidationError({"first_period": _("Choisissez matin, après-midi ou journée entière.")})
        day, added = first_date, 0
        while added < max(1, min(days or 1, 20)):
            if day.weekday() < 5 or added == 0:
                _add_day(actor=actor, session=session, day=day, period=first_period, field="first_date")
                added += 1
            day += dt.timedelta(days=1)
    return session


@transaction.atomic
def session_update(
    *, actor: Actor, session_id: int, trainer_ids: Iterable[int] | None = None, **fields: Any
) -> Session:
    """Edit the session's facts: title, capacities, main place or link, public agenda, notes, trainers."""
    session = _session_for_update(actor, session_id)
    before = snapshot(session)
    allowed = {
        "title",
        "min_capacity",
        "max_capacity",
        "remote_url",
        "is_public",
        "notes",
        "subcontracted_out",
        "subcontractor_name",
        "subcontractor_siret",
        "subcontractor_nda",
    }
    for key, value in fields.items():
        if key == "place_id":
            session.place = _place(actor, value)
        elif key in allowed:
            setattr(session, key, value if value is not None else "")
        else:
            raise ValueError(f"session_update: unknown field {key}")
    session.title = (session.title or "").strip()
    errors = _check_capacities(session.min_capacity, session.max_capacity)
    taken = selectors.session_occupancy(session)
    if session.max_capacity < taken:
        errors["max_capacity"].append(
            _("L'effectif maximum (%(max)s) est inférieur aux %(taken)s stagiaires déjà inscrit·es.")
            % {"max": session.max_capacity, "taken": taken}
        )
    _raise(errors)
    session.full_clean()
    session.save()
    changes = diff(before, snapshot(session))
    if trainer_ids is not None:
        changes.update(_set_session_trainers(actor, session, set(trainer_ids)))
    if changes:
        log_action(actor=actor, obj=session, action="sessions.session.updated", data={"changes": changes})
    return session


def _set_session_trainers(actor: Actor, session: Session, wanted: set[int]) -> dict[str, list[Any]]:
    current = set(session.trainers.values_list("pk", flat=True))
    if wanted == current:
        return {}
    teaching = set(SlotTrainer.objects.filter(slot__session=session).values_list("trainer_id", flat=True))
    errors: list[str] = []
    for trainer in Trainer.objects.filter(pk__in=teaching - wanted).order_by("last_name"):
        errors.append(
            _("%(name)s anime des créneaux de la session : retirez-le ou la des créneaux d'abord.")
            % {"name": trainer.full_name}
        )
    added = Trainer.objects.filter(pk__in=wanted - current)
    if added.exclude(organisation=actor.organisation).exists() or added.count() != len(wanted - current):
        errors.append(_("Formateur·rice introuvable dans votre organisme."))
    for trainer in added.filter(organisation=actor.organisation):
        if not trainer.can_deliver:
            errors.append(
                _("%(name)s ne peut pas animer : parcours formateur « %(state)s ».")
                % {"name": trainer.full_name, "state": trainer.get_onboarding_state_display()}
            )
    own = actor_scope(actor).trainer_id
    if own and own in current and own not in wanted and not actor.sees_all:
        errors.append(_("Vous ne pouvez pas vous retirer vous-même de la session : vous n'y auriez plus accès."))
    _raise({"trainers": errors})
    before = sorted(str(t) for t in session.trainers.all())
    session.trainers.set(wanted)
    return {"trainers": [before, sorted(str(t) for t in session.trainers.all())]}


@transaction.atomic
def session_programme_update(*, actor: Actor, session_id: int, programme: dict[str, Any]) -> Session:
    """Adapt this session's copy of the programme; the training and the other sessions are not touched."""
    session = _session_for_update(actor, session_id)
    unknown = set(programme) - set(PROGRAMME_EDITABLE)
    if unknown:
        raise ValidationError({NON_FIELD_ERRORS: _("Champs inconnus : %(f)s.") % {"f": ", ".join(sorted(unknown))}})
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key, value in programme.items():
        if key == "objectives":
            if isinstance(value, str):
                value = value.splitlines()
            cleaned[key] = [str(line).strip() for line in value or [] if str(line).strip()]
        elif key == "duration_minutes":
            if value is None or int(value) < 0:
                errors["duration_minutes"] = [_("La durée doit être un nombre positif de minutes.")]
            else:
                cleaned[key] = int(value)
        elif key == "modality":
            if value not in Modality.values:
                errors["modality"] = [_("Modalité inconnue : « %(v)s ».") % {"v": value}]
            else:
                cleaned[key] = value
        else:
            cleaned[key] = (value or "").strip()
    _raise(errors)
    before = dict(session.programme or {})
    session.programme = {**before, **cleaned}
    session.save(update_fields=["programme", "updated_at"])
    changes = {k: [before.get(k), v] for k, v in cleaned.items() if before.get(k) != v}
    if changes:
        log_action(actor=actor, obj=session, action="sessions.programme.updated", data={"changes": changes})
    return session


@transaction.atomic
def _require_validated_programme(training: Any, *, field: str) -> None:
    """A session follows a pre-established programme (Code du travail L6353-1; Qualiopi indicator 1): it is
    created and confirmed only from a training whose programme has been validated."""
    if training.status != TrainingStatus.VALIDATED:
        raise ValidationError(
            {
                field: _(
                    "Le programme de « %(title)s » est à l'état « %(status)s » : une session se crée et se confirme "
                    "à partir d'un programme validé (programme préétabli, art. L6353-1 du Code du travail). "
                    "Faites d'abord valider la formation."
                )
                % {"title": training.title, "status": TrainingStatus(training.status).label}
            }
        )


def session_transition(
    *, actor: Actor, session_id: int, status: str, reason: str = "", cancel_enrolments: bool = False
) -> Session:
    """draft → confirmed → running → done; cancelled from any state but done (a reason is required).

    Cancelling touches nothing else unless `cancel_enrolments` is asked: then the active enrolments and
    their participants are cancelled too (and listed in the log).
    """
    session = _session_for_update(actor, session_id)
    current = session.status
    if status not in TRANSITIONS.get(current, ()):
        allowed = TRANSITIONS.get(current, ())
        labels = ", ".join(str(SessionStatus(s).label) for s in allowed) or _("aucune")
        target = SessionStatus(status).label if status in SessionStatus.values else status
        raise ValidationError(
            {
                "status": _("Passage impossible de « %(from)s » à « %(to)s ». Étapes possibles : %(allowed)s.")
                % {"from": SessionStatus(current).label, "to": target, "allowed": labels}
            }
        )
    if status == SessionStatus.CONFIRMED:
        _require_validated_programme(session.training, field="status")
    data: dict[str, Any] = {"changes": {"status": [current, status]}}
    if status == SessionStatus.DONE and not session.slots.exists():
        raise ValidationError(
            {"status": _("Une session sans créneau ne peut pas être terminée : ajoutez ses dates et horaires.")}
        )
    if status == SessionStatus.CANCELLED:
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": _("Indiquez le motif de l'annulation.")})
        session.cancelled_reason = reason
        data["reason"] = reason
        if cancel_enrolments:
            enrolments = list(session.enrolments.exclude(status=EnrolmentStatus.CANCELLED).select_related("client"))
            participants = list(
                session.participants.exclude(status=ParticipantStatus.CANCELLED).select_related("trainee")
            )
            Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).update(
                status=EnrolmentStatus.CANCELLED, updated_at=timezone.now()
            )
            Participant.objects.filter(pk__in=[p.pk for p in participants]).update(
                status=ParticipantStatus.CANCELLED, updated_at=timezone.now()
            )
            data["enrolments_cancelled"] = [str(e.client) for e in enrolments]
            data["participants_cancelled"] = [str(p.trainee) for p in participants]
    session.status = status
    session.save(update_fields=["status", "cancelled_reason", "updated_at"])
    log_action(actor=actor, obj=session, action=f"sessions.session.{status}", data=data)
    return session
