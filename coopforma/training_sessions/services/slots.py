# SPDX-License-Identifier: AGPL-3.0-or-later
"""Slots: a session's dated time spans (checked against overlaps, trainers and places), added one by one
or by half-days."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.core.dates import minutes_between
from coopforma.core.log import diff, log_action, snapshot
from coopforma.people.models import Trainer
from coopforma.training_sessions.models import (
    Place,
    Session,
    SessionStatus,
    Slot,
)
from coopforma.training_sessions.services._common import (
    _aware,
    _place,
    _raise,
    _require_open,
    _session_for_update,
    _tz,
    describe_span,
    local_datetime,
)

SlotTrainer = Slot.trainers.through

# Default hours of a half-day (local time).
MORNING = (dt.time(9, 0), dt.time(12, 30))
AFTERNOON = (dt.time(13, 30), dt.time(17, 0))
PERIODS = {"am": [MORNING], "pm": [AFTERNOON], "both": [MORNING, AFTERNOON]}


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
