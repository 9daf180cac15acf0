# SPDX-License-Identifier: AGPL-3.0-or-later
"""Attended hours in the session documents (certificat de réalisation, attestation, feuille d'émargement).

training_sessions builds the documents' contexts but sits above attendance in the layers and cannot read it:
`AttendanceConfig.ready()` registers context providers with the documents engine
(`documents.registry.register_context_provider`). Once the session has émargement (a slot opened or closed, or
a trainee's presence recorded), `trainee.hours` / `trainee.hours_minutes` become the hours actually attended
(`attendance.selectors` rules: present = the slot, late = from the arrival, absent/excused = 0); before that
they stay the planned hours and `trainee.hours_basis` says so.

Cost: one query per session and per document outside a batch; inside `documents.registry.batch()` (a bulk run,
the session documents page) one query for the whole run, whatever the number of trainees.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from coopforma.attendance.models import SlotState
from coopforma.documents.registry import Keyword, register_context_provider
from coopforma.training_sessions.documents import fr_hours
from coopforma.training_sessions.models import Participant, Session, Slot

BASIS_ATTENDED = "heures réalisées d'après l'émargement"
BASIS_PLANNED = "heures planifiées (émargement non saisi)"


@dataclass
class SessionHours:
    recorded: bool = False  # the session has émargement: hours come from it
    minutes: dict[int, int] = field(default_factory=dict)  # participant id -> attended minutes
    slots: dict[int, dict[int, str]] = field(default_factory=dict)  # slot id -> participant id -> status


_BATCH: ContextVar[dict[int, SessionHours] | None] = ContextVar("attendance_documents_batch", default=None)


@contextmanager
def batch() -> Iterator[None]:
    """Within the block, each session's attendance is read once (entered by `documents.registry.batch`)."""
    token = _BATCH.set({})
    try:
        yield
    finally:
        _BATCH.reset(token)


def _read(session_id: int) -> SessionHours:
    """One query: the session's slots LEFT JOIN their émargement state and their trainees' projections."""
    hours = SessionHours()
    rows = Slot.objects.filter(session_id=session_id).values_list(
        "pk",
        "attendance__state",
        "participant_attendances__participant_id",
        "participant_attendances__attended_minutes",
        "participant_attendances__status",
    )
    for slot_id, state, participant_id, minutes, status in rows:
        if state in (SlotState.OPEN, SlotState.CLOSED) or participant_id is not None:
            hours.recorded = True
        if participant_id is not None:
            hours.minutes[participant_id] = hours.minutes.get(participant_id, 0) + int(minutes or 0)
            hours.slots.setdefault(slot_id, {})[participant_id] = status
    return hours


def session_hours(session_id: int) -> SessionHours:
    cache = _BATCH.get()
    if cache is None:
        return _read(session_id)
    if session_id not in cache:
        cache[session_id] = _read(session_id)
    return cache[session_id]


def participant_provider(subject: Participant, context: dict[str, Any]) -> dict[str, Any]:
    """certificate / attestation: the trainee's attended hours replace the planned ones once émargement exists."""
    trainee = dict(context.get("trainee") or {})
    session = context.get("session") or {}
    planned = int(trainee.get("hours_minutes") or session.get("duration_minutes") or 0)
    trainee["planned_hours"] = fr_hours(planned)
    trainee["planned_hours_minutes"] = planned
    hours = session_hours(subject.session_id)
    if hours.recorded:
        attended = hours.minutes.get(subject.pk, 0)
        trainee["hours"] = fr_hours(attended)
        trainee["hours_minutes"] = attended
        trainee["hours_attended"] = True
        trainee["hours_basis"] = BASIS_ATTENDED
    else:
        trainee["hours"] = fr_hours(planned)
        trainee["hours_minutes"] = planned
        trainee["hours_attended"] = False
        trainee["hours_basis"] = BASIS_PLANNED
    return {**context, "trainee": trainee}


def session_provider(subject: Session, context: dict[str, Any]) -> dict[str, Any]:
    """attendance_sheet: whether the session already has émargement (the sheet is then a printout of it)."""
    session = dict(context.get("session") or {})
    session["attendance_recorded"] = session_hours(subject.pk).recorded
    return {**context, "session": session}


TRAINEE_HOURS_KEYWORDS = (
    Keyword(
        "trainee.hours",
        "Heures suivies d'après l'émargement (heures planifiées, signalées par « Base des heures », "
        "tant qu'aucun émargement n'est saisi)",
        "13 h",
    ),
    Keyword("trainee.hours_minutes", "Heures suivies en minutes (même règle que « Heures suivies »)", 780),
    Keyword("trainee.hours_basis", "Base des heures : réalisées d'après l'émargement, ou planifiées", BASIS_ATTENDED),
    Keyword("trainee.hours_attended", "Vrai quand les heures viennent de l'émargement", True),
    Keyword("trainee.planned_hours", "Heures planifiées de la session", "14 h"),
    Keyword("trainee.planned_hours_minutes", "Heures planifiées en minutes", 840),
)

SESSION_KEYWORDS = (Keyword("session.attendance_recorded", "Vrai quand l'émargement de la session a commencé", False),)


def register_providers() -> None:
    """Called by AttendanceConfig.ready() (registering twice is a no-op)."""
    for code in ("certificate", "attestation"):
        register_context_provider(code, participant_provider, batch=batch, keywords=TRAINEE_HOURS_KEYWORDS)
    register_context_provider("attendance_sheet", session_provider, batch=batch, keywords=SESSION_KEYWORDS)
