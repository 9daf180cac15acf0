# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes for sessions: creation from a training, programme, slots, enrolments, funding lines, participants.

Every function takes the actor first (keyword-only), refuses what the actor may not see (404) or do (403),
validates (ValidationError naming the field), saves in a transaction and logs the event.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.catalogue.models import Modality, TrainingStatus
from coopforma.core.log import diff, log_action, snapshot
from coopforma.core.money import format_cents
from coopforma.people.models import ClientKind, Contact, Trainee, Trainer
from coopforma.people.scope import actor_scope
from coopforma.people.selectors import client_queryset, trainee_queryset
from coopforma.training_sessions import selectors
from coopforma.training_sessions.models import (
    BpfTraineeType,
    Enrolment,
    EnrolmentStatus,
    FundingBasis,
    FundingLine,
    FundingScheme,
    Participant,
    ParticipantStatus,
    PayerKind,
    Place,
    Session,
    SessionStatus,
    Slot,
)

SlotTrainer = Slot.trainers.through

# Default hours of a half-day (local time).
MORNING = (dt.time(9, 0), dt.time(12, 30))
AFTERNOON = (dt.time(13, 30), dt.time(17, 0))
PERIODS = {"am": [MORNING], "pm": [AFTERNOON], "both": [MORNING, AFTERNOON]}

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

# Cerfa 10443 cadre F-1: the usual trainee type for each kind of client.
BPF_DEFAULTS = {
    ClientKind.COMPANY: BpfTraineeType.PRIVATE_EMPLOYEE,
    ClientKind.INDIVIDUAL: BpfTraineeType.INDIVIDUAL,
    ClientKind.PUBLIC_BODY: BpfTraineeType.OTHER,
}

SCHEME_REQUIRED = {PayerKind.OPCO}
FUNDING_LINE_FIELDS = (
    "payer_kind",
    "payer_name",
    "scheme",
    "amount_cents",
    "reference",
    "basis",
    "hourly_rate_cents",
    "dropout_fee_percent",
)
NULLABLE_FUNDING_FIELDS = {"amount_cents", "hourly_rate_cents", "dropout_fee_percent"}
SCHEME_ALLOWED = {PayerKind.OPCO, PayerKind.CPF}


# --- Helpers ------------------------------------------------------------------------------------------------


def _tz() -> dt.tzinfo:
    return timezone.get_default_timezone()


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A local wall-clock time (Europe/Paris by default) as an aware datetime."""
    return dt.datetime.combine(day, time, tzinfo=_tz())


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else value.replace(tzinfo=_tz())


def minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    """Exact minutes (computed in UTC, so a DST change inside the span is counted right)."""
    return int((end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds() // 60)


def describe_span(start: dt.datetime, end: dt.datetime) -> str:
    start, end = timezone.localtime(start, _tz()), timezone.localtime(end, _tz())
    return _("le %(date)s de %(start)s à %(end)s") % {
        "date": start.strftime("%d/%m/%Y"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
    }


def _raise(errors: dict[str, list[str]]) -> None:
    errors = {key: messages for key, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)


def _session_for_update(actor: Actor, session_id: int) -> Session:
    """The visible session, locked; 404 otherwise (seeing a session is the right to edit it)."""
    session = selectors.session_queryset_for(actor).select_for_update().filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def _require_open(session: Session) -> None:
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _("La session « %(title)s » est annulée : elle ne peut plus être modifiée.")
                % {"title": session.title}
            }
        )


def _place(actor: Actor, place_id: int | None) -> Place | None:
    if not place_id:
        return None
    place = selectors.place_queryset_for(actor).filter(pk=place_id).first()
    if place is None:
        raise ValidationError({"place": _("Ce lieu n'existe pas dans votre organisme.")})
    return place


def _check_capacity(session: Session, adding: int, *, field: str = NON_FIELD_ERRORS, freed: int = 0) -> None:
    """Non-cancelled participants + entrusted trainees must fit in max_capacity."""
    if adding <= 0:
        return
    taken = selectors.session_occupancy(session) - freed
    if taken + adding <= session.max_capacity:
        return
    if taken >= session.max_capacity:
        message = _("La session est complète : %(taken)s places sur %(max)s.") % {
            "taken": taken,
            "max": session.max_capacity,
        }
    else:
        message = _(
            "La session n'a plus que %(free)s place(s) libre(s) (%(taken)s sur %(max)s) : impossible d'en ajouter "
            "%(adding)s."
        ) % {"free": session.max_capacity - taken, "taken": taken, "max": session.max_capacity, "adding": adding}
    raise ValidationError({field: message})


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


# --- Slots --------------------------------------------------------------------------------------------------


def _refresh_session(session: Session, trainer_ids: Iterable[int] = ()) -> None:
    """Keep start_date, end_date and total_minutes in step with the slots; slot trainers teach the session."""
    spans = list(Slot.objects.filter(session=session).values_list("starts_at", "ends_at"))
    tz = _tz()
    session.start_date = min((timezone.localtime(s, tz).date() for s, _e in spans), default=None)
    session.end_date = max((timezone.localtime(e, tz).date() for _s, e in spans), default=None)
    session.total_minutes = sum(minutes_between(s, e) for s, e in spans)
    session.save(update_fields=["start_date", "end_date", "total_minutes", "updated_at"])
    if trainer_ids:
        session.trainers.add(*trainer_ids)


def _clean_slot(
    *,
    actor: Actor,
    session: Session,
    slot: Slot,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place_id: int | None,
    trainer_ids: Iterable[int],
) -> tuple[dt.datetime, dt.datetime, Place | None, list[Trainer]]:
    errors: dict[str, list[str]] = {"starts_at": [], "ends_at": [], "place": [], "trainers": []}
    if starts_at is None:
        errors["starts_at"].append(_("Indiquez l'heure de début."))
    if ends_at is None:
        errors["ends_at"].append(_("Indiquez l'heure de fin."))
    _raise(errors)
    assert starts_at is not None and ends_at is not None
    starts_at, ends_at = _aware(starts_at), _aware(ends_at)
    local_start, local_end = timezone.localtime(starts_at, _tz()), timezone.localtime(ends_at, _tz())
    if ends_at <= starts_at:
        errors["ends_at"].append(
            _("L'heure de fin (%(end)s) doit être après l'heure de début (%(start)s).")
            % {"end": local_end.strftime("%H:%M"), "start": local_start.strftime("%H:%M")}
        )
    elif local_start.date() != local_end.date():
        errors["ends_at"].append(
            _(
                "Un créneau commence et finit le même jour (début le %(start)s, fin le %(end)s) : "
                "créez un créneau par jour."
            )
            % {"start": local_start.strftime("%d/%m/%Y"), "end": local_end.strftime("%d/%m/%Y")}
        )
    _raise(errors)
    place = _place(actor, place_id)
    wanted = {int(pk) for pk in trainer_ids}
    trainers = list(Trainer.objects.filter(organisation=actor.organisation, pk__in=wanted).order_by("last_name"))
    if len(trainers) != len(wanted):
        errors["trainers"].append(_("Formateur·rice introuvable dans votre organisme."))
    for trainer in trainers:
        if not trainer.can_deliver:
            errors["trainers"].append(
                _("%(name)s ne peut pas animer : parcours formateur « %(state)s » (il faut être validé·e ou actif·ve).")
                % {"name": trainer.full_name, "state": trainer.get_onboarding_state_display()}
            )
    # Overlaps: a trainer or a place cannot be in two non-cancelled sessions of the organisation at once.
    conflicts = (
        SlotTrainer.objects.filter(
            trainer_id__in=[t.pk for t in trainers],
            slot__organisation=actor.organisation,
            slot__starts_at__lt=ends_at,
            slot__ends_at__gt=starts_at,
        )
        .exclude(slot__session__status=SessionStatus.CANCELLED)
        .select_related("trainer", "slot__session")
        .order_by("slot__starts_at")
    )
    if slot.pk:
        conflicts = conflicts.exclude(slot_id=slot.pk)
    seen: set[int] = set()
    for conflict in conflicts:
        if conflict.trainer_id in seen:
            continue
        seen.add(conflict.trainer_id)
        errors["trainers"].append(
            _("%(name)s anime déjà « %(title)s » %(span)s.")
            % {
                "name": conflict.trainer.full_name,
                "title": conflict.slot.session.title,
                "span": describe_span(conflict.slot.starts_at, conflict.slot.ends_at),
            }
        )
    if place is not None:
        taken = (
            Slot.objects.filter(
                organisation=actor.organisation, place=place, starts_at__lt=ends_at, ends_at__gt=starts_at
            )
            .exclude(session__status=SessionStatus.CANCELLED)
            .select_related("session")
            .order_by("starts_at")
        )
        if slot.pk:
            taken = taken.exclude(pk=slot.pk)
        other = taken.first()
        if other is not None:
            errors["place"].append(
                _("Le lieu « %(place)s » est déjà occupé par « %(title)s » %(span)s.")
                % {
                    "place": place.name,
                    "title": other.session.title,
                    "span": describe_span(other.starts_at, other.ends_at),
                }
            )
    _raise(errors)
    return starts_at, ends_at, place, trainers


def _save_slot(
    *,
    actor: Actor,
    session: Session,
    slot: Slot,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place_id: int | None,
    remote_url: str,
    trainer_ids: Iterable[int],
) -> Slot:
    starts_at, ends_at, place, trainers = _clean_slot(
        actor=actor,
        session=session,
        slot=slot,
        starts_at=starts_at,
        ends_at=ends_at,
        place_id=place_id,
        trainer_ids=trainer_ids,
    )
    slot.organisation = actor.organisation
    slot.session = session
    slot.starts_at, slot.ends_at, slot.place, slot.remote_url = starts_at, ends_at, place, remote_url or ""
    slot.full_clean()
    slot.save()
    slot.trainers.set(trainers)
    _refresh_session(session, [t.pk for t in trainers])
    return slot


@transaction.atomic
def slot_create(
    *,
    actor: Actor,
    session_id: int,
    starts_at: dt.datetime | None,
    ends_at: dt.datetime | None,
    place_id: int | None = None,
    remote_url: str = "",
    trainer_ids: Iterable[int] = (),
) -> Slot:
    session = _session_for_update(actor, session_id)
    _require_open(session)
    slot = _save_slot(
        actor=actor,
        session=session,
        slot=Slot(),
        starts_at=starts_at,
        ends_at=ends_at,
        place_id=place_id,
        remote_url=remote_url,
        trainer_ids=trainer_ids,
    )
    log_action(
        actor=actor,
        obj=slot,
        action="sessions.slot.created",
        data={
            "session": session,
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
            "trainers": sorted(str(t) for t in slot.trainers.all()),
        },
    )
    return slot


def _add_day(*, actor: Actor, session: Session, day: dt.date, period: str, field: str = "date") -> list[Slot]:
    trainer_ids = [t.pk for t in session.trainers.all() if t.can_deliver]
    slots = []
    for start, end in PERIODS[period]:
        try:
            slot = _save_slot(
                actor=actor,
                session=session,
                slot=Slot(),
                starts_at=local_datetime(day, start),
                ends_at=local_datetime(day, end),
                place_id=session.place_id,
                remote_url=session.remote_url,
                trainer_ids=trainer_ids,
            )
        except ValidationError as exc:
            messages = [m for errors in exc.message_dict.values() for m in errors]
            raise ValidationError({field: messages}) from exc
        log_action(
            actor=actor,
            obj=slot,
            action="sessions.slot.created",
            data={"session": session, "starts_at": slot.starts_at, "ends_at": slot.ends_at},
        )
        slots.append(slot)
    return slots


@transaction.atomic
def slot_add_day(*, actor: Actor, session_id: int, date: dt.date, period: str = "both") -> list[Slot]:
    """Add a morning, an afternoon or both (09:00–12:30, 13:30–17:00) at the session's place, with its trainers."""
    session = _session_for_update(actor, session_id)
    _require_open(session)
    if period not in PERIODS:
        raise ValidationError({"period": _("Choisissez matin, après-midi ou journée entière.")})
    if date is None:
        raise ValidationError({"date": _("Indiquez la date.")})
    return _add_day(actor=actor, session=session, day=date, period=period)


@transaction.atomic
def slot_update(*, actor: Actor, session_id: int, slot_id: int, **fields: Any) -> Slot:
    """Change a slot's times, place, link or trainers (fields not given keep their value)."""
    session = _session_for_update(actor, session_id)
    _require_open(session)
    slot = Slot.objects.filter(pk=slot_id, session=session).first()
    if slot is None:
        raise Http404
    before = snapshot(slot)
    trainers_before = sorted(str(t) for t in slot.trainers.all())
    unknown = set(fields) - {"starts_at", "ends_at", "place_id", "remote_url", "trainer_ids"}
    if unknown:
        raise ValueError(f"slot_update: unknown fields {unknown}")
    _save_slot(
        actor=actor,
        session=session,
        slot=slot,
        starts_at=fields.get("starts_at", slot.starts_at),
        ends_at=fields.get("ends_at", slot.ends_at),
        place_id=fields.get("place_id", slot.place_id),
        remote_url=fields.get("remote_url", slot.remote_url),
        trainer_ids=fields.get("trainer_ids", [t.pk for t in slot.trainers.all()]),
    )
    changes = diff(before, snapshot(slot))
    trainers_after = sorted(str(t) for t in slot.trainers.all())
    if trainers_after != trainers_before:
        changes["trainers"] = [trainers_before, trainers_after]
    if changes:
        log_action(actor=actor, obj=slot, action="sessions.slot.updated", data={"changes": changes})
    return slot


@transaction.atomic
def slot_delete(*, actor: Actor, session_id: int, slot_id: int) -> None:
    session = _session_for_update(actor, session_id)
    slot = Slot.objects.filter(pk=slot_id, session=session).first()
    if slot is None:
        raise Http404
    label = str(slot)
    try:
        slot.delete()
    except ProtectedError:  # the émargement's records are kept for good (attendance.AttendanceRecord)
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "Le créneau du %(slot)s a un émargement (ouvert, signé ou saisi) : il ne peut plus être "
                    "supprimé. Modifiez ses horaires si besoin."
                )
                % {"slot": label}
            }
        ) from None
    _refresh_session(session)
    log_action(actor=actor, obj=session, action="sessions.slot.deleted", data={"slot": label})


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


def _funding_total(enrolment: Enrolment, *, exclude_id: int | None = None) -> int:
    qs = FundingLine.objects.filter(enrolment=enrolment)
    if exclude_id:
        qs = qs.exclude(pk=exclude_id)
    return sum(qs.values_list("amount_cents", flat=True))


def _total_too_high(total: int, price: int) -> str:
    return _("Le total des financements (%(total)s) dépasserait le prix de l'inscription (%(price)s).") % {
        "total": format_cents(total),
        "price": format_cents(price),
    }


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


def _clean_funding_line(line: FundingLine) -> None:
    errors: dict[str, list[str]] = {"payer_kind": [], "scheme": [], "amount_cents": []}
    if line.payer_kind not in PayerKind.values:
        errors["payer_kind"].append(_("Choisissez qui paie."))
    if line.scheme and line.scheme not in FundingScheme.values:
        errors["scheme"].append(_("Dispositif inconnu : « %(v)s ».") % {"v": line.scheme})
    if line.payer_kind in SCHEME_REQUIRED and not line.scheme:
        errors["scheme"].append(_("Précisez le dispositif (lignes 2a à 2h du BPF) d'un financement par un OPCO."))
    if line.scheme and line.payer_kind not in SCHEME_ALLOWED:
        errors["scheme"].append(
            _("Le dispositif ne s'indique que pour un financement par un OPCO ou par le CPF (ici : %(payer)s).")
            % {"payer": line.get_payer_kind_display()}
        )
    if line.amount_cents is None or line.amount_cents <= 0:
        errors["amount_cents"].append(_("Le montant doit être supérieur à 0."))
    errors.update(_basis_errors(line))
    _raise(errors)


# Who may be billed a drop-out indemnity: the buyer itself (company, individual, another OF, an employer), never a
# funder, which pays only for the hours delivered (Code du travail L6354-1).
DROPOUT_CLAUSE_PAYERS = {
    PayerKind.COMPANY,
    PayerKind.INDIVIDUAL,
    PayerKind.OTHER_OF,
    PayerKind.PUBLIC_EMPLOYER,
    PayerKind.OTHER,
}


def _basis_errors(line: FundingLine) -> dict[str, list[str]]:
    """The billing basis of a funding line: flat, hours realised (optional hourly rate), or hours realised plus the
    convention's drop-out clause (a percentage of the hours not realised by a trainee who abandoned)."""
    errors: dict[str, list[str]] = {"basis": [], "hourly_rate_cents": [], "dropout_fee_percent": []}
    line.basis = line.basis or FundingBasis.FLAT
    if line.basis not in FundingBasis.values:
        errors["basis"].append(_("Base de facturation inconnue : « %(v)s ».") % {"v": line.basis})
        return errors
    if line.hourly_rate_cents is not None:
        if line.basis == FundingBasis.FLAT:
            errors["hourly_rate_cents"].append(
                _("Un taux horaire ne s'indique que pour une facturation aux heures réalisées.")
            )
        elif line.hourly_rate_cents <= 0:
            errors["hourly_rate_cents"].append(_("Le taux horaire doit être supérieur à 0."))
    if line.basis == FundingBasis.DROPOUT_CLAUSE:
        if line.payer_kind not in DROPOUT_CLAUSE_PAYERS:
            errors["basis"].append(
                _(
                    "%(payer)s ne paie que les heures réalisées : un dédit pour abandon ne se facture qu'au client, "
                    "jamais à un financeur (Code du travail, art. L6354-1)."
                )
                % {"payer": line.get_payer_kind_display()}
            )
        if line.dropout_fee_percent is None or not 1 <= line.dropout_fee_percent <= 100:
            errors["dropout_fee_percent"].append(
                _("Indiquez le dédit prévu par la convention : un pourcentage de 1 à 100 des heures non réalisées.")
            )
    elif line.dropout_fee_percent is not None:
        errors["dropout_fee_percent"].append(
            _("Un dédit ne s'indique qu'avec la base « heures réalisées, plus le dédit de la convention ».")
        )
    return errors


def _line_data(line: FundingLine) -> dict[str, Any]:
    return {
        "payer_kind": line.payer_kind,
        "amount_cents": line.amount_cents,
        "scheme": line.scheme,
        "basis": line.basis,
        "hourly_rate_cents": line.hourly_rate_cents,
        "dropout_fee_percent": line.dropout_fee_percent,
    }


def _replace_funding_lines(actor: Actor, enrolment: Enrolment, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    existing = {line.pk: line for line in FundingLine.objects.filter(enrolment=enrolment)}
    keep: list[FundingLine] = []
    for index, data in enumerate(lines):
        line_id = data.get("id")
        if line_id and line_id not in existing:
            raise ValidationError({"funding_lines": _("Ligne de financement n° %(n)s introuvable.") % {"n": line_id}})
        line = existing.get(line_id) if line_id else FundingLine(organisation=actor.organisation, enrolment=enrolment)
        assert line is not None
        for key in FUNDING_LINE_FIELDS:
            if key in data or not line.pk:
                value = data.get(key)
                setattr(line, key, value if value is not None or key in NULLABLE_FUNDING_FIELDS else "")
        try:
            _clean_funding_line(line)
        except ValidationError as exc:
            raise ValidationError({f"funding_lines[{index}].{k}": v for k, v in exc.message_dict.items()}) from exc
        keep.append(line)
    total = sum(line.amount_cents for line in keep)
    if total > enrolment.price_cents:
        raise ValidationError({"funding_lines": _total_too_high(total, enrolment.price_cents)})
    kept_ids = {line.pk for line in keep if line.pk}
    for line in FundingLine.objects.filter(enrolment=enrolment).exclude(pk__in=kept_ids):
        _delete_funding_line(line, field="funding_lines")
    for line in keep:
        line.full_clean()
        line.save()
    return [_line_data(line) for line in keep]


@transaction.atomic
def funding_line_create(
    *,
    actor: Actor,
    enrolment_id: int,
    payer_kind: str,
    amount_cents: int | None,
    payer_name: str = "",
    scheme: str = "",
    reference: str = "",
    basis: str = FundingBasis.FLAT,
    hourly_rate_cents: int | None = None,
    dropout_fee_percent: int | None = None,
) -> FundingLine:
    """Who pays part of the price (cadre C of the BPF) and on which basis (flat, hours realised, drop-out clause);
    the lines' total may not exceed the price."""
    found = selectors.enrolment_get(actor=actor, enrolment_id=enrolment_id)
    _session_for_update(actor, found.session_id)
    enrolment = Enrolment.objects.select_for_update().get(pk=found.pk)
    line = FundingLine(
        organisation=actor.organisation,
        enrolment=enrolment,
        payer_kind=payer_kind,
        payer_name=payer_name or "",
        scheme=scheme or "",
        amount_cents=amount_cents,
        reference=reference or "",
        basis=basis or FundingBasis.FLAT,
        hourly_rate_cents=hourly_rate_cents,
        dropout_fee_percent=dropout_fee_percent,
    )
    _clean_funding_line(line)
    total = _funding_total(enrolment) + line.amount_cents
    if total > enrolment.price_cents:
        raise ValidationError({"amount_cents": _total_too_high(total, enrolment.price_cents)})
    line.full_clean()
    line.save()
    log_action(actor=actor, obj=line, action="sessions.funding_line.created", data=_line_data(line))
    return line


@transaction.atomic
def funding_line_update(*, actor: Actor, funding_line_id: int, **fields: Any) -> FundingLine:
    found = selectors.funding_line_get(actor=actor, funding_line_id=funding_line_id)
    _session_for_update(actor, found.enrolment.session_id)
    line = FundingLine.objects.select_for_update().select_related("enrolment").get(pk=found.pk)
    before = snapshot(line)
    for key, value in fields.items():
        if key not in FUNDING_LINE_FIELDS:
            raise ValueError(f"funding_line_update: unknown field {key}")
        setattr(line, key, value if value is not None or key in NULLABLE_FUNDING_FIELDS else "")
    _clean_funding_line(line)
    total = _funding_total(line.enrolment, exclude_id=line.pk) + line.amount_cents
    if total > line.enrolment.price_cents:
        raise ValidationError({"amount_cents": _total_too_high(total, line.enrolment.price_cents)})
    line.full_clean()
    line.save()
    changes = diff(before, snapshot(line))
    if changes:
        log_action(actor=actor, obj=line, action="sessions.funding_line.updated", data={"changes": changes})
    return line


@transaction.atomic
def funding_line_delete(*, actor: Actor, funding_line_id: int) -> None:
    line = selectors.funding_line_get(actor=actor, funding_line_id=funding_line_id)
    enrolment = line.enrolment
    _session_for_update(actor, enrolment.session_id)
    data = {"funding_line": str(line), **_line_data(line)}
    _delete_funding_line(line)
    log_action(actor=actor, obj=enrolment, action="sessions.funding_line.deleted", data=data)


def _delete_funding_line(line: FundingLine, *, field: str = NON_FIELD_ERRORS) -> None:
    try:
        line.delete()
    except ProtectedError:  # an invoice's line bills it (billing.InvoiceLine)
        raise ValidationError(
            {
                field: _(
                    "La ligne de financement « %(line)s » est facturée : elle ne peut plus être supprimée "
                    "(annulez d'abord la facture par un avoir, ou supprimez le brouillon)."
                )
                % {"line": line}
            }
        ) from None


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


# --- Places -------------------------------------------------------------------------------------------------

PLACE_FIELDS = ("name", "street", "postal_code", "city", "accessibility", "capacity")


@transaction.atomic
def place_create(*, actor: Actor, name: str, **fields: Any) -> Place:
    actor.require("sessions.create")
    place = Place(organisation=actor.organisation, name=(name or "").strip())
    for key, value in fields.items():
        if key not in PLACE_FIELDS:
            raise ValueError(f"place_create: unknown field {key}")
        setattr(place, key, value if value is not None or key == "capacity" else "")
    if not place.name:
        raise ValidationError({"name": _("Donnez un nom au lieu (ex. : « Salle du Marché, Rennes »).")})
    place.full_clean()
    place.save()
    log_action(actor=actor, obj=place, action="sessions.place.created", data={"name": place.name})
    return place


@transaction.atomic
def place_update(*, actor: Actor, place_id: int, **fields: Any) -> Place:
    """Places are shared by every session of the organisation: admin, quality and managers edit them."""
    place = selectors.place_get(actor=actor, place_id=place_id)
    if not selectors.place_can_edit(actor):
        raise PermissionDenied("sessions.place.edit")
    before = snapshot(place)
    for key, value in fields.items():
        if key not in PLACE_FIELDS:
            raise ValueError(f"place_update: unknown field {key}")
        setattr(place, key, value if value is not None or key == "capacity" else "")
    place.name = (place.name or "").strip()
    if not place.name:
        raise ValidationError({"name": _("Donnez un nom au lieu.")})
    place.full_clean()
    place.save()
    changes = diff(before, snapshot(place))
    if changes:
        log_action(actor=actor, obj=place, action="sessions.place.updated", data={"changes": changes})
    return place


# --- Deleting an enrolment or a participant (API) -----------------------------------------------------------


def _documents_of(model: type, pk: int) -> bool:
    """Whether a document (convention, contract, convocation, certificate…) was generated for this record."""
    from django.contrib.contenttypes.models import ContentType

    from coopforma.documents.models import Document

    return Document.objects.filter(subject_type=ContentType.objects.get_for_model(model), subject_id=pk).exists()


def _evidence_of(participants: list[Participant]) -> str:
    """Why these participants may not be deleted (their émargement, a document about them), or ""."""
    for participant in participants:
        if participant.slot_attendances.exists() or participant.attendance_records.exists():
            return _(
                "%(name)s a déjà émargé : l'émargement est une preuve de réalisation à conserver (Code du travail, "
                "art. R6313-3). Passez l'état à « Annulé·e » ou « Abandon » au lieu de supprimer."
            ) % {"name": participant.trainee.full_name}
        if _documents_of(Participant, participant.pk):
            return _(
                "Un document a été établi pour %(name)s (convocation, attestation…) : il se conserve. Passez l'état à "
                "« Annulé·e » au lieu de supprimer."
            ) % {"name": participant.trainee.full_name}
    return ""


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
