# SPDX-License-Identifier: AGPL-3.0-or-later
"""API routes for slots' attendance (émargement): read states and minutes, open, close, mark, correct.

Thin: parse, call a selector or service of attendance, serialise. Durations in integer minutes (*_minutes),
rates as integer percentages, datetimes in ISO 8601 with their offset.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from coopforma.api.auth import MEMBER, get_actor, permission
from coopforma.api.params import coded
from coopforma.attendance import selectors, services
from coopforma.attendance.models import AttendanceStatus, ParticipantAttendance, SignMethod, SlotAttendance, SlotState
from coopforma.attendance.selectors import SessionAttendance, SlotLive
from coopforma.training_sessions.models import Participant, Slot

router = Router(tags=["attendance"])


class ScanOut(Schema):
    record_id: int
    slot_id: int
    sha256: str
    size: int
    content_type: str
    name: str


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value else None


class Mark(models.TextChoices):
    """What a trainer (or an integrator) records for a trainee on a slot."""

    ABSENT = "absent", _("Absent·e")
    LATE = "late", _("En retard (avec l'heure d'arrivée)")
    EXCUSED = "excused", _("Absence justifiée (avec le motif)")
    ON_BEHALF = "on_behalf", _("Signé pour le compte du stagiaire (avec le motif)")
    PAPER = "paper", _("Saisie d'une feuille papier signée (avec `status` et le motif)")
    CORRECT = "correct", _("Correction après clôture (avec `status` et le motif)")


class AttendanceOut(Schema):
    participant_id: int
    trainee: str
    status: str = coded(AttendanceStatus)
    method: str = coded(SignMethod, default="")
    signed_at: dt.datetime | None
    arrival_at: dt.datetime | None
    connected_at: dt.datetime | None
    left_at: dt.datetime | None
    reason: str
    attended_minutes: int


def _attendance(participant: Participant, cell: ParticipantAttendance | None) -> AttendanceOut:
    return AttendanceOut(
        participant_id=participant.pk,
        trainee=str(participant.trainee),
        status=cell.status if cell else "unknown",
        method=cell.method if cell else "",
        signed_at=_local(cell.signed_at) if cell else None,
        arrival_at=_local(cell.arrival_at) if cell else None,
        connected_at=_local(cell.connected_at) if cell else None,
        left_at=_local(cell.left_at) if cell else None,
        reason=cell.reason if cell else "",
        attended_minutes=cell.attended_minutes if cell else 0,
    )


class SlotStateOut(Schema):
    slot_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    minutes: int
    state: str = coded(SlotState)
    opened_at: dt.datetime | None
    closed_at: dt.datetime | None
    trainer_signature: str
    last_sequence: int
    last_hash: str


class SlotAttendanceOut(SlotStateOut):
    participants: list[AttendanceOut]


def _slot_state(slot: Slot, head: SlotAttendance | None) -> dict[str, Any]:
    return {
        "slot_id": slot.pk,
        "starts_at": _local(slot.starts_at),
        "ends_at": _local(slot.ends_at),
        "minutes": slot.minutes,
        "state": head.state if head else "pending",
        "opened_at": _local(head.opened_at) if head else None,
        "closed_at": _local(head.closed_at) if head else None,
        "trainer_signature": head.trainer_signature if head else "",
        "last_sequence": head.last_sequence if head else 0,
        "last_hash": head.last_hash if head else "",
    }


def _slot_out(live: SlotLive) -> SlotAttendanceOut:
    return SlotAttendanceOut(
        **_slot_state(live.slot, live.head),
        participants=[_attendance(row.participant, row.attendance) for row in live.rows],
    )


class TraineeLineOut(Schema):
    participant_id: int
    trainee: str
    attended_minutes: int
    planned_minutes: int
    excused_minutes: int
    rate_percent: int | None
    slots: list[AttendanceOut]


class SessionAttendanceOut(Schema):
    session_id: int
    attended_minutes: int
    planned_minutes: int
    rate_percent: int | None
    training_rate_percent: int | None
    slots: list[SlotStateOut]
    trainees: list[TraineeLineOut]


def _session_out(summary: SessionAttendance) -> SessionAttendanceOut:
    return SessionAttendanceOut(
        session_id=summary.session.pk,
        attended_minutes=summary.attended_minutes,
        planned_minutes=summary.planned_minutes,
        rate_percent=summary.rate_percent,
        training_rate_percent=summary.training_rate_percent,
        slots=[SlotStateOut(**_slot_state(s, summary.heads.get(s.pk))) for s in summary.slots],
        trainees=[
            TraineeLineOut(
                participant_id=line.participant.pk,
                trainee=str(line.participant.trainee),
                attended_minutes=line.attended_minutes,
                planned_minutes=line.planned_minutes,
                excused_minutes=line.excused_minutes,
                rate_percent=line.rate_percent,
                slots=[_attendance(line.participant, cell) for cell in line.cells],
            )
            for line in summary.lines
        ],
    )


class CloseIn(Schema):
    trainer_name: str
    confirm_unsigned: bool = False  # close although trainees marked late never signed (they count 0 h)


class MarkIn(Schema):
    participant_id: int
    mark: str = coded(Mark)
    status: str = Field("", description="with `paper` or `correct`: present, late or absent (as the signed sheet says)")
    reason: str = Field("", description="required with `paper` once the slot has ended (why the sheet is entered late)")
    arrival_at: dt.datetime | None = None


@router.get("/sessions/{session_id}/attendance", response=SessionAttendanceOut)
@permission(MEMBER)
def session_attendance_get(request: HttpRequest, session_id: int) -> SessionAttendanceOut:
    actor = get_actor(request)
    summary = selectors.session_attendance(actor=actor, session_id=session_id)  # the session is the actor's
    if services.attendance_seal_session(session_id=summary.session.pk):  # the chain heads shown include them
        summary = selectors.session_attendance(actor=actor, session_id=session_id)
    return _session_out(summary)


@router.get("/slots/{slot_id}/attendance", response=SlotAttendanceOut)
@permission(MEMBER)
def slot_attendance_get(request: HttpRequest, slot_id: int) -> SlotAttendanceOut:
    actor = get_actor(request)
    live = selectors.slot_live(actor=actor, slot_id=slot_id)  # the slot is the actor's
    if services.attendance_seal(slot_id=live.slot.pk, wait=True):  # the chain head shown includes them
        live = selectors.slot_live(actor=actor, slot_id=slot_id)
    return _slot_out(live)


@router.post("/slots/{slot_id}/open", response=SlotAttendanceOut)
@permission(MEMBER)
def slot_open(request: HttpRequest, slot_id: int) -> SlotAttendanceOut:
    actor = get_actor(request)
    services.slot_open(actor=actor, slot_id=slot_id, origin=services.Origin.of(request))
    return _slot_out(selectors.slot_live(actor=actor, slot_id=slot_id))


@router.post("/slots/{slot_id}/close", response=SlotAttendanceOut)
@permission(MEMBER)
def slot_close(request: HttpRequest, slot_id: int, payload: CloseIn) -> SlotAttendanceOut:
    actor = get_actor(request)
    services.slot_close(
        actor=actor,
        slot_id=slot_id,
        trainer_name=payload.trainer_name,
        confirm_unsigned=payload.confirm_unsigned,
        origin=services.Origin.of(request),
    )
    return _slot_out(selectors.slot_live(actor=actor, slot_id=slot_id))


@router.post("/slots/{slot_id}/attendance", response={201: AttendanceOut})
@permission(MEMBER)
def attendance_mark(request: HttpRequest, slot_id: int, payload: MarkIn) -> Status:
    actor = get_actor(request)
    live = selectors.slot_live(actor=actor, slot_id=slot_id)
    participant = next((r.participant for r in live.rows if r.participant.pk == payload.participant_id), None)
    if participant is None:
        raise ValidationError({"participant_id": "Cette personne n'est pas inscrite à la session de ce créneau."})
    origin = services.Origin.of(request)
    if payload.mark == "paper":
        cell = services.attendance_paper_entry(
            actor=actor,
            slot_id=live.slot.pk,
            participant_id=participant.pk,
            status=payload.status,
            reason=payload.reason,
            arrival=payload.arrival_at,
            origin=origin,
        )
    elif payload.mark == "correct":
        cell = services.attendance_correct(
            actor=actor,
            slot_id=live.slot.pk,
            participant_id=participant.pk,
            status=payload.status,
            reason=payload.reason,
            arrival=payload.arrival_at,
            origin=origin,
        )
    else:
        cell = services.attendance_mark(
            actor=actor,
            slot_id=live.slot.pk,
            participant_id=participant.pk,
            mark=payload.mark,
            reason=payload.reason,
            arrival=payload.arrival_at,
            origin=origin,
        )
    return Status(201, _attendance(participant, cell))


@router.post("/slots/{slot_id}/scans", response={201: ScanOut})
@permission(MEMBER)
def slot_scan_upload(
    request: HttpRequest,
    slot_id: int,
    scan: UploadedFile | None = File(None),  # noqa: B008 (ninja's way to declare a multipart field)
) -> Status[ScanOut]:
    """The signed paper sheet of a slot (multipart field `scan`: PDF, JPEG or PNG, 10 Mo at most), stored with its
    SHA-256 and recorded in the slot's chain: the proof behind the paper entries."""
    actor = get_actor(request)
    record = services.paper_scan_upload(actor=actor, slot_id=slot_id, upload=scan, origin=services.Origin.of(request))
    payload = record.payload
    return Status(
        201,
        ScanOut(
            record_id=record.pk,
            slot_id=slot_id,
            sha256=payload["sha256"],
            size=payload["size"],
            content_type=payload["content_type"],
            name=payload["name"],
        ),
    )
