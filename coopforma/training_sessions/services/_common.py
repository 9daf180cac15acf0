# SPDX-License-Identifier: AGPL-3.0-or-later
"""What every session write shares: local times, the locked session, capacity, the evidence that
forbids a deletion."""

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.training_sessions import selectors
from coopforma.training_sessions.models import (
    Participant,
    Place,
    Session,
    SessionStatus,
)

# --- Helpers ------------------------------------------------------------------------------------------------


def _tz() -> dt.tzinfo:
    return timezone.get_default_timezone()


def local_datetime(day: dt.date, time: dt.time) -> dt.datetime:
    """A local wall-clock time (Europe/Paris by default) as an aware datetime."""
    return dt.datetime.combine(day, time, tzinfo=_tz())


def _aware(value: dt.datetime) -> dt.datetime:
    return value if timezone.is_aware(value) else value.replace(tzinfo=_tz())


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
