# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the émargement: the trainer's slot, a session's attendance and hours, the assiduity rates.

Who runs a slot: its trainers (or, when the slot names none, the session's), and admin / quality manager
(flag `org.view_all`). Others who see the session (member-structure manager) get 403; the rest 404.
Hours are integer minutes; rates are Decimal (never floats).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.http import Http404

from coopforma.accounts.actor import Actor
from coopforma.attendance.models import (
    AttendanceDrawing,
    AttendanceLink,
    AttendanceRecord,
    AttendanceStatus,
    ParticipantAttendance,
    RecordKind,
    SlotAttendance,
    SlotState,
)
from coopforma.people.scope import actor_scope
from coopforma.training_sessions.models import Participant, ParticipantStatus, Session, Slot
from coopforma.training_sessions.selectors import session_get, session_queryset_for


def slot_queryset_for(actor: Actor) -> QuerySet[Slot]:
    return Slot.objects.filter(organisation=actor.organisation, session__in=session_queryset_for(actor))


def slot_get(*, actor: Actor, slot_id: int) -> Slot:
    """One slot of a session the actor sees, with its session and trainers; 404 otherwise."""
    slot = (
        slot_queryset_for(actor)
        .select_related("session", "session__training", "place")
        .prefetch_related("trainers", "session__trainers")
        .filter(pk=slot_id)
        .first()
    )
    if slot is None:
        raise Http404
    return slot


def slot_can_run(actor: Actor, slot: Slot) -> bool:
    """Open, mark, sign for, close: the slot's trainers (the session's when the slot names none), admin, quality."""
    if actor.sees_all:
        return True
    trainer_id = actor_scope(actor).trainer_id
    if trainer_id is None:
        return False
    trainer_ids = {t.pk for t in slot.trainers.all()} or {t.pk for t in slot.session.trainers.all()}
    return trainer_id in trainer_ids


def slot_can_correct(actor: Actor, slot: Slot) -> bool:
    """After closing, corrections belong to the quality manager (flag `org.view_all`)."""
    return actor.sees_all


def slot_run_get(*, actor: Actor, slot_id: int) -> Slot:
    """The slot for its live page: 404 if not visible, 403 if visible but not run by the actor."""
    from django.core.exceptions import PermissionDenied

    slot = slot_get(actor=actor, slot_id=slot_id)
    if not slot_can_run(actor, slot):
        raise PermissionDenied("attendance.run")
    return slot


def slot_head(slot: Slot) -> SlotAttendance:
    """The slot's state (unsaved PENDING one when nothing happened yet)."""
    head = SlotAttendance.objects.filter(slot=slot).first()
    return head or SlotAttendance(slot=slot, organisation_id=slot.organisation_id)


@dataclass
class Row:
    participant: Participant
    attendance: ParticipantAttendance | None

    @property
    def status(self) -> str:
        return self.attendance.status if self.attendance else AttendanceStatus.UNKNOWN


@dataclass
class SlotLive:
    slot: Slot
    head: SlotAttendance
    rows: list[Row]
    can_correct: bool

    @property
    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in AttendanceStatus}
        for row in self.rows:
            counts[row.status] += 1
        return counts


def _active_participants(session_id: int) -> QuerySet[Participant]:
    return (
        Participant.objects.filter(session_id=session_id)
        .exclude(status=ParticipantStatus.CANCELLED)
        .select_related("trainee")
        .order_by("trainee__last_name", "trainee__first_name", "pk")
    )


def slot_live(*, actor: Actor, slot_id: int) -> SlotLive:
    slot = slot_run_get(actor=actor, slot_id=slot_id)
    by_participant = {a.participant_id: a for a in ParticipantAttendance.objects.filter(slot=slot)}
    rows = [Row(p, by_participant.get(p.pk)) for p in _active_participants(slot.session_id)]
    return SlotLive(slot=slot, head=slot_head(slot), rows=rows, can_correct=slot_can_correct(actor, slot))


def slot_records(*, actor: Actor, slot_id: int) -> list[AttendanceRecord]:
    slot = slot_run_get(actor=actor, slot_id=slot_id)
    records = AttendanceRecord.objects.filter(slot=slot).select_related("participant__trainee")
    return list(records.order_by(F("sequence").asc(nulls_last=True), "pk"))  # pending ones last, as recorded


# --- Hours --------------------------------------------------------------------------------------------------


def attended_minutes(participant: Participant) -> int:
    """Exact attended minutes of a participant over their session (present: slot; late: from arrival; else 0)."""
    total = ParticipantAttendance.objects.filter(participant=participant).aggregate(m=Sum("attended_minutes"))["m"]
    return int(total or 0)


def rate(attended: int, planned: int) -> Decimal | None:
    """Assiduité = attended / planned, as a Decimal fraction (None when nothing is planned)."""
    if planned <= 0:
        return None
    return Decimal(attended) / Decimal(planned)


def percent(value: Decimal | None) -> int | None:
    """The integer percentage (rounded half up), as the CPF's taux de réalisation."""
    if value is None:
        return None
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class TraineeLine:
    participant: Participant
    cells: list[ParticipantAttendance | None]
    attended_minutes: int
    planned_minutes: int
    excused_minutes: int

    @property
    def rate(self) -> Decimal | None:
        return rate(self.attended_minutes, self.planned_minutes)

    @property
    def rate_percent(self) -> int | None:
        return percent(self.rate)


@dataclass
class SessionAttendance:
    session: Session
    slots: list[Slot]
    heads: dict[int, SlotAttendance]
    lines: list[TraineeLine]
    training_attended_minutes: int = 0
    training_planned_minutes: int = 0
    slot_states: list[str] = field(default_factory=list)

    @property
    def attended_minutes(self) -> int:
        return sum(line.attended_minutes for line in self.lines)

    @property
    def planned_minutes(self) -> int:
        return sum(line.planned_minutes for line in self.lines)

    @property
    def rate_percent(self) -> int | None:
        return percent(rate(self.attended_minutes, self.planned_minutes))

    @property
    def training_rate_percent(self) -> int | None:
        return percent(rate(self.training_attended_minutes, self.training_planned_minutes))


def _training_totals(session: Session) -> tuple[int, int]:
    """Attended and planned trainee-minutes over every session of the session's training (2 queries)."""
    sessions = Session.objects.filter(organisation_id=session.organisation_id, training_id=session.training_id)
    slot_minutes: dict[int, int] = {}
    for starts_at, ends_at, session_id in Slot.objects.filter(session__in=sessions).values_list(
        "starts_at", "ends_at", "session_id"
    ):
        slot_minutes[session_id] = slot_minutes.get(session_id, 0) + Slot(starts_at=starts_at, ends_at=ends_at).minutes
    counts: dict[int, int] = {}
    for session_id in (
        Participant.objects.filter(session__in=sessions)
        .exclude(status=ParticipantStatus.CANCELLED)
        .values_list("session_id", flat=True)
    ):
        counts[session_id] = counts.get(session_id, 0) + 1
    planned = sum(slot_minutes.get(sid, 0) * n for sid, n in counts.items())
    attended = (
        ParticipantAttendance.objects.filter(slot__session__in=sessions)
        .exclude(participant__status=ParticipantStatus.CANCELLED)
        .aggregate(m=Sum("attended_minutes"))["m"]
    )
    return int(attended or 0), planned


def session_attendance(*, actor: Actor, session_id: int) -> SessionAttendance:
    """Slots × participants, each trainee's attended/planned minutes and rate (constant number of queries)."""
    session = session_get(actor=actor, session_id=session_id)
    slots = list(Slot.objects.filter(session=session).order_by("starts_at", "pk"))
    heads = {h.slot_id: h for h in SlotAttendance.objects.filter(slot__session=session)}
    cells: dict[tuple[int, int], ParticipantAttendance] = {
        (a.slot_id, a.participant_id): a for a in ParticipantAttendance.objects.filter(slot__session=session)
    }
    planned = sum(s.minutes for s in slots)
    lines = []
    for participant in _active_participants(session.pk):
        row = [cells.get((s.pk, participant.pk)) for s in slots]
        attended = sum(c.attended_minutes for c in row if c)
        excused = sum(s.minutes for s, c in zip(slots, row, strict=True) if c and c.status == AttendanceStatus.EXCUSED)
        lines.append(TraineeLine(participant, row, attended, planned, excused))
    training_attended, training_planned = _training_totals(session)
    return SessionAttendance(
        session=session,
        slots=slots,
        heads=heads,
        lines=lines,
        training_attended_minutes=training_attended,
        training_planned_minutes=training_planned,
        slot_states=[heads[s.pk].state if s.pk in heads else SlotState.PENDING for s in slots],
    )


# --- The trainee's phone ------------------------------------------------------------------------------------


@dataclass
class TraineeSlot:
    slot: Slot
    state: str
    attendance: ParticipantAttendance | None

    @property
    def is_remote(self) -> bool:
        return self.slot.is_remote


def trainee_slots(participant: Participant) -> list[TraineeSlot]:
    """The participant's session slots with their state and the participant's own attendance (no actor: the link)."""
    slots = list(Slot.objects.filter(session_id=participant.session_id).select_related("place").order_by("starts_at"))
    heads = {h.slot_id: h.state for h in SlotAttendance.objects.filter(slot__session_id=participant.session_id)}
    mine = {a.slot_id: a for a in ParticipantAttendance.objects.filter(participant=participant)}
    return [TraineeSlot(s, heads.get(s.pk, SlotState.PENDING), mine.get(s.pk)) for s in slots]


def trainee_slots_of(participants: list[Participant]) -> dict[int, list[TraineeSlot]]:
    """`trainee_slots` for several participants at once, in three queries (the trainee portal lists them all)."""
    session_ids = {p.session_id for p in participants}
    slots = list(Slot.objects.filter(session_id__in=session_ids).select_related("place").order_by("starts_at", "id"))
    heads = {h.slot_id: h.state for h in SlotAttendance.objects.filter(slot__session_id__in=session_ids)}
    mine = {
        (a.participant_id, a.slot_id): a
        for a in ParticipantAttendance.objects.filter(participant_id__in=[p.pk for p in participants])
    }
    return {
        p.pk: [
            TraineeSlot(s, heads.get(s.pk, SlotState.PENDING), mine.get((p.pk, s.pk)))
            for s in slots
            if s.session_id == p.session_id
        ]
        for p in participants
    }


def attendance_link_participant(*, link_id: int, token_hash: str) -> Participant | None:
    """The participant of a personal émargement link still valid (not replaced by a newer one since it was
    opened): the trainee portal keeps the link's id and hash in the browser session, never the token."""
    link = (
        AttendanceLink.objects.select_related("participant__trainee", "participant__session", "organisation")
        .filter(pk=link_id, token_hash=token_hash)
        .first()
    )
    return link.participant if link is not None else None


# The phone's signing pages name the session, never show its programme: not read at the busiest moment.
_SESSION_HEAVY = ("session__programme", "session__notes", "session__cancelled_reason")


def slot_candidates(*, slot_id: int, participant_ids: list[int]) -> tuple[Slot | None, list[Participant]]:
    """The slot (any organisation: the QR token was signed by us) and the phone's participants enrolled in its
    session, in the phone's order. A shared phone may hold several: the page makes the person choose."""
    slot = Slot.objects.select_related("session").defer(*_SESSION_HEAVY).filter(pk=slot_id).first()
    if slot is None:
        return None, []
    participants = Participant.objects.select_related("trainee").filter(pk__in=participant_ids, session=slot.session)
    found = {p.pk: p for p in participants}
    for participant in found.values():
        participant.session = slot.session  # the slot's own session (the filter says so): not read twice
    return slot, [found[pk] for pk in participant_ids if pk in found]


def slot_signers(*, slot_id: int, participant_ids: list[int]) -> tuple[Slot | None, list[Participant]]:
    """As `slot_candidates`, for « Je signe » itself (thirty phones in the same second): the slot alone and the
    trainees with their names, nothing the signature does not read (a page that shows the session reads it then)."""
    slot = Slot.objects.filter(pk=slot_id).first()
    if slot is None:
        return None, []
    participants = Participant.objects.select_related("trainee").filter(
        pk__in=participant_ids, session_id=slot.session_id
    )
    found = {p.pk: p for p in participants}
    return slot, [found[pk] for pk in participant_ids if pk in found]


def participant_by_id(participant_id: int) -> Participant | None:
    return Participant.objects.select_related("trainee", "session").filter(pk=participant_id).first()


# --- Paper fallback -----------------------------------------------------------------------------------------


@dataclass
class PaperSheet:
    """What the printable sheet shows: a slot (`single`) or every slot of a session, and their trainees."""

    session: Session
    organisation: Any
    slots: list[Slot]
    participants: list[Participant]
    single: bool
    place: str = ""
    trainers: list[str] = field(default_factory=list)
    employers: dict[int, str] = field(default_factory=dict)
    cells: dict[tuple[int, int], ParticipantAttendance] = field(default_factory=dict)
    trainer_signatures: dict[int, str] = field(default_factory=dict)  # slot id -> typed signature once closed
    slot_trainers: dict[int, list[str]] = field(default_factory=dict)  # slot id -> its trainers (the session's)
    started: set[int] = field(default_factory=set)  # slots whose electronic émargement is open or closed
    drawings: dict[tuple[int, int], bytes] = field(default_factory=dict)  # (slot, participant) -> drawn PNG


def _paper_sheet(session: Session, slots: list[Slot], *, single: bool) -> PaperSheet:
    participants = list(_active_participants(session.pk).select_related("enrolment__client"))
    slot_ids = [s.pk for s in slots]
    cells = {(a.slot_id, a.participant_id): a for a in ParticipantAttendance.objects.filter(slot_id__in=slot_ids)}
    heads = list(
        SlotAttendance.objects.filter(slot_id__in=slot_ids).values_list("slot_id", "state", "trainer_signature")
    )
    signatures = {slot_id: signature for slot_id, state, signature in heads if state == SlotState.CLOSED}
    started = {slot_id for slot_id, state, _signature in heads if state in (SlotState.OPEN, SlotState.CLOSED)}
    trainers: list[str] = []
    slot_trainers: dict[int, list[str]] = {}
    for slot in slots:
        names = [t.full_name for t in (list(slot.trainers.all()) or list(session.trainers.all()))]
        slot_trainers[slot.pk] = names
        for name in names:
            if name not in trainers:
                trainers.append(name)
    places: list[str] = []
    for slot in slots:
        place = slot.place or session.place
        label = f"{place.name}, {place.address}".strip(", ") if place else (slot.remote_url or session.remote_url)
        label = label or "—"
        if label not in places:
            places.append(label)
    employers = {p.pk: p.enrolment.client.name if p.enrolment.client.kind != "individual" else "" for p in participants}
    drawings = {
        (slot_id, participant_id): bytes(png)
        for slot_id, participant_id, png in AttendanceDrawing.objects.filter(record__slot_id__in=slot_ids).values_list(
            "record__slot_id", "record__participant_id", "png"
        )
    }
    return PaperSheet(
        session=session,
        organisation=session.organisation,
        slots=slots,
        participants=participants,
        single=single,
        place=" ; ".join(places),
        trainers=trainers,
        employers=employers,
        cells=cells,
        trainer_signatures=signatures,
        slot_trainers=slot_trainers,
        started=started,
        drawings=drawings,
    )


def paper_sheet_for_slot(*, actor: Actor, slot_id: int) -> PaperSheet:
    """The slot's printable sheet: whoever runs the slot (404 / 403 as the slot page)."""
    slot = slot_run_get(actor=actor, slot_id=slot_id)
    session = (
        Session.objects.select_related("organisation", "place").prefetch_related("trainers").get(pk=slot.session_id)
    )
    return _paper_sheet(session, [slot], single=True)


def paper_sheet_for_session(*, actor: Actor, session_id: int) -> PaperSheet:
    """Every slot of the session on one sheet: whoever sees the session (as the session attendance page)."""
    session = session_get(actor=actor, session_id=session_id)
    session = Session.objects.select_related("organisation", "place").prefetch_related("trainers").get(pk=session.pk)
    slots = list(
        Slot.objects.filter(session=session).select_related("place").prefetch_related("trainers").order_by("starts_at")
    )
    return _paper_sheet(session, slots, single=False)


def slot_scans(slot: Slot) -> list[AttendanceRecord]:
    """The signed paper sheets uploaded for the slot (records `paper_scan`), oldest first."""
    return list(AttendanceRecord.objects.filter(slot=slot, kind=RecordKind.PAPER_SCAN).order_by("sequence"))


def scan_get(*, actor: Actor, slot_id: int, record_id: int) -> AttendanceRecord:
    """One uploaded scan of a slot the actor runs (404 when it is not this slot's)."""
    slot = slot_run_get(actor=actor, slot_id=slot_id)
    record = AttendanceRecord.objects.filter(slot=slot, kind=RecordKind.PAPER_SCAN, pk=record_id).first()
    if record is None:
        raise Http404
    return record
