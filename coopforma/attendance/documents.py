# SPDX-License-Identifier: AGPL-3.0-or-later
"""Attended hours in the session documents (certificat de réalisation, attestation, feuille d'émargement).

training_sessions builds the documents' contexts but sits above attendance in the layers and cannot read it:
`AttendanceConfig.ready()` registers context providers with the documents engine
(`documents.registry.register_context_provider`). Once the session has émargement (a slot opened or closed, or
a trainee's presence recorded), `trainee.hours` / `trainee.hours_minutes` become the hours actually attended
(`attendance.selectors` rules: present = the slot, late = from the arrival, absent/excused = 0); before that
they stay the planned hours and `trainee.hours_basis` says so.

The same facts decide whether a certificat de réalisation or an attestation may be made final
(`documents.registry.register_finalise_check`): only once the trainee's last slot has ended and the émargement
of every slot up to it is closed. Until then the draft says « prévisionnel » (`trainee.provisional`) and prints
the planned period. Each trainee's own first and last dates (the first and last slot where they attended) and
attended hours are printed, not the session's.

Cost: one query per session and per document outside a batch; inside `documents.registry.batch()` (a bulk run,
the session documents page) one query for the whole run, whatever the number of trainees.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from coopforma.attendance.models import SlotState
from coopforma.attendance.services import attendance_seal_session
from coopforma.core.formatting import fr_date, fr_hours
from coopforma.documents.registry import Keyword, register_context_provider, register_finalise_check
from coopforma.training_sessions.models import Participant, ParticipantStatus, Session, Slot

BASIS_ATTENDED = "heures réalisées d'après l'émargement"
BASIS_PLANNED = "heures planifiées (émargement non saisi)"
BASIS_PROVISIONAL = "prévisionnel : la formation n'est pas terminée ou son émargement n'est pas clos"


@dataclass(frozen=True)
class SlotFacts:
    pk: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str


@dataclass
class SessionHours:
    recorded: bool = False  # the session has émargement: hours come from it
    minutes: dict[int, int] = field(default_factory=dict)  # participant id -> attended minutes
    slots: dict[int, dict[int, str]] = field(default_factory=dict)  # slot id -> participant id -> status
    slot_list: list[SlotFacts] = field(default_factory=list)  # every slot of the session, in time order
    per_slot: dict[int, dict[int, int]] = field(default_factory=dict)  # participant id -> slot id -> minutes


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
    rows = (
        Slot.objects.filter(session_id=session_id)
        .order_by("starts_at", "pk")
        .values_list(
            "pk",
            "starts_at",
            "ends_at",
            "attendance__state",
            "participant_attendances__participant_id",
            "participant_attendances__attended_minutes",
            "participant_attendances__status",
        )
    )
    seen: set[int] = set()
    for slot_id, starts_at, ends_at, state, participant_id, minutes, status in rows:
        if slot_id not in seen:
            seen.add(slot_id)
            hours.slot_list.append(SlotFacts(slot_id, starts_at, ends_at, state or SlotState.PENDING))
        if state in (SlotState.OPEN, SlotState.CLOSED) or participant_id is not None:
            hours.recorded = True
        if participant_id is not None:
            hours.minutes[participant_id] = hours.minutes.get(participant_id, 0) + int(minutes or 0)
            hours.slots.setdefault(slot_id, {})[participant_id] = status
            hours.per_slot.setdefault(participant_id, {})[slot_id] = int(minutes or 0)
    return hours


@dataclass(frozen=True)
class TraineeFacts:
    """Where a participant's training stands: their own dates and hours, and why it is not over yet."""

    first: dt.datetime | None  # start of the first slot they attended (minutes > 0)
    last: dt.datetime | None  # end of the last slot they attended
    attended: int
    blocker: str  # empty once the last slot has ended and the émargement up to it is closed


def trainee_facts(participant: Participant, hours: SessionHours, *, now: dt.datetime | None = None) -> TraineeFacts:
    """The participant's last slot is the session's last one, or, after an abandon, the last one where their
    presence or absence was recorded. It must have ended and every slot up to it must be closed."""
    now = now or timezone.now()
    mine = hours.per_slot.get(participant.pk, {})
    attended_slots = [s for s in hours.slot_list if mine.get(s.pk, 0) > 0]
    first = attended_slots[0].starts_at if attended_slots else None
    last = attended_slots[-1].ends_at if attended_slots else None
    attended = hours.minutes.get(participant.pk, 0)
    slots = hours.slot_list
    if participant.status == ParticipantStatus.DROPPED_OUT:
        recorded = [s for s in slots if s.pk in mine]
        slots = [s for s in slots if recorded and s.starts_at <= recorded[-1].starts_at]
    if not slots:
        return TraineeFacts(first, last, attended, "la session n'a aucun créneau")
    final_slot = slots[-1]
    if final_slot.ends_at > now:
        end = timezone.localtime(final_slot.ends_at)
        return TraineeFacts(
            first, last, attended, f"la formation n'est pas terminée (dernier créneau le {end:%d/%m/%Y à %H h %M})"
        )
    open_slots = [s for s in slots if s.state != SlotState.CLOSED]
    if open_slots:
        dates = ", ".join(f"{timezone.localtime(s.starts_at):%d/%m/%Y %H h %M}" for s in open_slots[:3])
        more = f" et {len(open_slots) - 3} autre(s)" if len(open_slots) > 3 else ""
        return TraineeFacts(
            first, last, attended, f"l'émargement n'est pas clos pour le(s) créneau(x) du {dates}{more}"
        )
    return TraineeFacts(first, last, attended, "")


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
    facts = trainee_facts(subject, hours)
    trainee["provisional"] = bool(facts.blocker)
    trainee["provisional_reason"] = facts.blocker
    if facts.blocker:
        # Not over yet: the planned period, labelled « prévisionnel » (the document cannot be made final).
        trainee["first_date"] = session.get("start_date", "")
        trainee["last_date"] = session.get("end_date", "")
    else:
        trainee["first_date"] = fr_date(facts.first)
        trainee["last_date"] = fr_date(facts.last)
    trainee["period"] = (
        f"du {trainee['first_date']} au {trainee['last_date']}" if trainee["first_date"] else "aucune présence"
    )
    if hours.recorded:
        attended = hours.minutes.get(subject.pk, 0)
        trainee["hours"] = fr_hours(attended)
        trainee["hours_minutes"] = attended
        trainee["hours_attended"] = True
        trainee["hours_basis"] = BASIS_PROVISIONAL if facts.blocker else BASIS_ATTENDED
    else:
        trainee["hours"] = fr_hours(planned)
        trainee["hours_minutes"] = planned
        trainee["hours_attended"] = False
        trainee["hours_basis"] = BASIS_PROVISIONAL if facts.blocker else BASIS_PLANNED
    return {**context, "trainee": trainee}


RULES = {
    "certificate": "le certificat de réalisation atteste des heures réellement suivies "
    "(art. R6313-3 du Code du travail)",
    "attestation": "l'attestation de fin de formation est remise à l'issue de la formation (art. L6353-1 du Code du "
    "travail)",
}


def _final_check(code: str) -> Any:
    def check(subject: Participant, context: dict[str, Any]) -> list[str]:
        """No certificate for hours not delivered: refuse before the end, and a draft made before it."""
        facts = trainee_facts(subject, session_hours(subject.session_id))
        name = subject.trainee.full_name
        if facts.blocker:
            return [
                f"Document pour {name} refusé : {facts.blocker} ; {RULES[code]}. Il reste un brouillon prévisionnel."
            ]
        stored = context.get("trainee") or {}
        if stored.get("provisional", True) or stored.get("hours_minutes") != facts.attended:
            return [
                f"Le brouillon pour {name} a été établi avant la clôture de l'émargement ou les heures ont changé "
                f"depuis : générez-le à nouveau pour y porter les heures réalisées ({fr_hours(facts.attended)})."
            ]
        return []

    return check


_CHECKS = {code: _final_check(code) for code in RULES}


def session_provider(subject: Session, context: dict[str, Any]) -> dict[str, Any]:
    """attendance_sheet: whether the session already has émargement (the sheet is then a printout of it). The
    signatures still pending are chained first: the sheet prints a chained émargement."""
    attendance_seal_session(session_id=subject.pk)
    session = dict(context.get("session") or {})
    hours = session_hours(subject.pk)
    session["attendance_recorded"] = hours.recorded
    started = {s.pk for s in hours.slot_list if s.state in (SlotState.OPEN, SlotState.CLOSED)}
    # A slot whose electronic émargement has started prints no blank signature box (one proof per half-day).
    session["slots"] = [{**slot, "electronic": slot.get("id") in started} for slot in session.get("slots") or []]
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
    Keyword("trainee.first_date", "Premier jour suivi par le ou la stagiaire", "02/03/2026"),
    Keyword("trainee.last_date", "Dernier jour suivi par le ou la stagiaire", "03/03/2026"),
    Keyword("trainee.period", "Période suivie par le ou la stagiaire", "du 02/03/2026 au 03/03/2026"),
    Keyword("trainee.provisional", "Vrai tant que la formation n'est pas terminée et son émargement clos", False),
    Keyword("trainee.provisional_reason", "Pourquoi le document est prévisionnel", ""),
)

SESSION_KEYWORDS = (
    Keyword("session.attendance_recorded", "Vrai quand l'émargement de la session a commencé", False),
    Keyword(
        "session.slots",
        "Créneaux (liste : date, weekday, start, end, duration, half_day, place, trainers, is_remote, electronic — "
        "vrai quand l'émargement électronique du créneau a commencé)",
        [
            {
                "date": "02/03/2026",
                "weekday": "lundi",
                "start": "09 h 00",
                "end": "12 h 30",
                "duration": "3 h 30",
                "half_day": "Matin",
                "place": "Salle du Marché",
                "trainers": "Théo Formateur",
                "id": 1,
                "is_remote": False,
                "electronic": False,
            }
        ],
    ),
)


def register_providers() -> None:
    """Called by AttendanceConfig.ready() (registering twice is a no-op)."""
    for code in ("certificate", "attestation"):
        register_context_provider(code, participant_provider, batch=batch, keywords=TRAINEE_HOURS_KEYWORDS)
        register_finalise_check(code, _CHECKS[code])
    register_context_provider("attendance_sheet", session_provider, batch=batch, keywords=SESSION_KEYWORDS)
