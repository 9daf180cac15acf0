# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the émargement: every one appends a chained record under the slot's row lock.

`_append` is the only way a record is chained: it locks the slot's `SlotAttendance` row
(`select_for_update`), takes the head's sequence and hash, inserts the next record and moves the head, and
updates the participant's projection — all in the caller's transaction, so concurrent appends to one slot
are serialised and the chain never forks.

A trainee's signature (`attendance_sign`, thirty phones in the same second) does not touch that row: it
records the signature at once, pending (an insert: no sequence, no hash; its own time and id; the projection
updated), under a shared advisory lock of the slot's chain (PostgreSQL, in memory) that other signatures share
and that only the chain writers exclude. Then `attendance_seal` chains the pending signatures in the order they
were recorded (their id) under the exclusive lock, or leaves them to whoever holds it: every holder of the
exclusive lock (`_lock`) chains the pending ones first, and looks again after its commit. Closing therefore
chains every signature before the closing record, and a signature can never follow it.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.attendance import chain
from coopforma.attendance.drawing import check_png
from coopforma.attendance.drawing import sha256 as drawing_sha256
from coopforma.attendance.mails import ATTENDANCE_LINK
from coopforma.attendance.models import (
    PERSONAL_PAYLOAD_KEYS,
    SIGNATURE_KINDS,
    AttendanceDrawing,
    AttendanceLink,
    AttendanceRecord,
    AttendanceStatus,
    ParticipantAttendance,
    RecordKind,
    SignMethod,
    SlotAttendance,
    SlotState,
    truncate_to_millisecond,
)
from coopforma.attendance.selectors import slot_can_correct, slot_can_run, slot_get
from coopforma.core.compat import tasks_wait_for_worker
from coopforma.core.locking import id_or_404
from coopforma.core.log import log_action
from coopforma.core.mail import send_mail_logged
from coopforma.core.mail_texts import mail_text_render
from coopforma.training_sessions.models import Participant, ParticipantStatus, Slot

OPEN_BEFORE = dt.timedelta(minutes=15)
INACTIVE_PARTICIPANTS = (ParticipantStatus.CANCELLED,)


@dataclass(frozen=True)
class Origin:
    """Where a request came from (kept in the record)."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def of(cls, request: Any) -> "Origin":
        if request is None:
            return cls()
        return cls(
            ip=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )


def actor_label(actor: Actor) -> str:
    return f"user:{actor.user.pk}"


def trainee_label(participant: Participant) -> str:
    return f"trainee:{participant.pk}"


def _slot(actor: Actor, slot_id: int) -> Slot:
    """A slot of a session the actor sees (the selector's rule); Http404 otherwise."""
    return slot_get(actor=actor, slot_id=id_or_404(slot_id))


def _trainee_slot(participant: Participant, slot_id: int) -> Slot:
    """A slot of the trainee's organisation; Http404 otherwise (its session is checked with the trainee's)."""
    slot = Slot.objects.filter(organisation_id=participant.organisation_id, pk=id_or_404(slot_id)).first()
    if slot is None:
        raise Http404
    return slot


def _participant(slot: Slot, participant_id: int) -> Participant:
    """A participant of the slot's organisation; Http404 otherwise (its session is checked by the caller)."""
    participant = (
        Participant.objects.filter(organisation_id=slot.organisation_id, pk=id_or_404(participant_id))
        .select_related("trainee")
        .first()
    )
    if participant is None:
        raise Http404
    return participant


# The advisory locks of the chains (PostgreSQL): (this class, the slot id). The signatures take it shared, every
# chain writer exclusive: a writer waits for the signatures being recorded, which then see what it wrote.
CHAIN_LOCK_CLASS = 0x656D6172  # "emar"


def _advisory(function: str, slot_id: int) -> bool:
    """`pg_advisory_xact_lock…(CHAIN_LOCK_CLASS, slot)` in the current transaction; True elsewhere than PostgreSQL
    (SQLite serialises its writers on the database's write lock)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [CHAIN_LOCK_CLASS, slot_id & 0x7FFFFFFF])
        return cursor.fetchone()[0] is not False  # the blocking ones return void (None), the try one a boolean


def _lock(slot: Slot) -> SlotAttendance:
    """What every change of a slot's émargement writes: its chain head, locked until the transaction ends (the
    slot comes from the actor's organisation, so the head does too), after the chain's exclusive advisory lock,
    which waits for the signatures being recorded. The pending signatures are chained first, so that what is
    appended next follows them; and after the commit, any recorded meanwhile."""
    _advisory("pg_advisory_xact_lock", slot.pk)
    head = SlotAttendance.objects.select_for_update().filter(slot=slot, organisation_id=slot.organisation_id).first()
    if head is None:
        SlotAttendance.objects.get_or_create(slot=slot, defaults={"organisation_id": slot.organisation_id})
        head = SlotAttendance.objects.select_for_update().get(slot=slot)
    _seal_pending(head, slot)
    slot_id = slot.pk
    transaction.on_commit(lambda: attendance_seal(slot_id=slot_id), robust=True)
    return head


def _sealable(record: AttendanceRecord) -> bool:
    """A pending record the sealer may chain: a trainee's signature whose personal digest still matches (chaining
    an altered one would seal the alteration: it stays pending, and `attendance verify` reports it)."""
    if record.kind != RecordKind.SIGNED or record.hash or record.prev_hash:
        return False
    return record.personal_erased_at is not None or record.compute_personal_digest() == record.personal_digest


def _seal_pending(head: SlotAttendance, slot: Slot) -> list[AttendanceRecord]:
    """Chain the slot's pending signatures after the locked `head`, in the order they were recorded (their id).

    Under the chain's exclusive lock no signature is being recorded (each holds the shared lock until its
    commit), so every pending one is visible here and nobody else chains them; one recorded later has a greater
    id. Their projection already counts them; their history lines are written here. Never after the close."""
    if head.state == SlotState.CLOSED:
        return []  # a signature left pending on a closed slot is not chained after it: the verification reports it
    pending = [
        record
        for record in AttendanceRecord.objects.filter(slot=slot, sequence__isnull=True).order_by("pk")
        if _sealable(record)
    ]
    for record in pending:
        head.last_sequence += 1
        record.sequence, record.prev_hash = head.last_sequence, head.last_hash
        record.hash = record.compute_hash()
        head.last_hash = record.hash
    if pending:
        # The one sanctioned update of a record besides erasure: giving a pending one its place in the chain.
        AttendanceRecord.objects.bulk_update(pending, ["sequence", "prev_hash", "hash"])
        head.save(update_fields=["last_sequence", "last_hash", "updated_at"])
        _log_signed(pending)
    return pending


def _log_signed(records: list[AttendanceRecord]) -> None:
    """The history lines of trainees' signatures (the request that recorded them pending wrote none: fewer
    writes at the busiest moment; the record keeps its own time)."""
    ids = {record.participant_id for record in records if record.participant_id is not None}
    participants = Participant.objects.select_related("trainee", "session").in_bulk(ids)
    for record in records:
        participant = participants.get(record.participant_id)
        if participant is not None:
            method = (record.payload or {}).get("method", "")
            log_action(
                actor=None,
                obj=participant,
                action="attendance.participant.signed",
                data={"slot": record.slot_id, "method": method, "signed_at": record.created_at},
            )


def attendance_seal(*, slot_id: int, wait: bool = False) -> int:
    """Chain the pending signatures of a slot; returns how many. Loops while some remain, so a signature recorded
    during a seal is not left behind. Idempotent, and two sealers never chain a record twice (the chain's
    exclusive lock, then the head's row lock).

    `wait=False` (after a trainer's write): when another transaction holds the chain (a writer, another sealer) or
    signatures are being recorded, returns at once (the holder chains them after its commit). `wait=True` (the
    background task, the periodic seal, before the chain is read or printed): waits for the signatures being
    recorded (milliseconds; a refused one too), then chains them."""
    return len(_seal_all(slot_id, wait=wait))


def attendance_seal_pending() -> int:
    """Chain every slot's pending signatures (`coopforma attendance seal`, each minute by `coopforma cron`): the
    safety net of the background task that chains them just after they are recorded. Returns how many."""
    slot_ids = (
        AttendanceRecord.objects.filter(sequence__isnull=True).values_list("slot_id", flat=True).distinct().order_by()
    )
    return sum(len(_seal_all(slot_id, wait=True)) for slot_id in list(slot_ids))


def _seal_all(slot_id: int, *, wait: bool) -> list[AttendanceRecord]:
    sealed: list[AttendanceRecord] = []
    while AttendanceRecord.objects.filter(slot_id=slot_id, sequence__isnull=True).exists():
        with transaction.atomic():
            if not _advisory("pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock", slot_id):
                return sealed  # busy: its holder chains them after its commit
            head = (
                SlotAttendance.objects.select_for_update(skip_locked=not wait)
                .select_related("slot")
                .filter(slot_id=slot_id)
                .first()
            )
            if head is None:
                return sealed
            batch = _seal_pending(head, head.slot)
        if not batch:  # what is left is not to be chained (altered, or on a closed slot): the verification says so
            return sealed
        sealed += batch
    return sealed


def attendance_seal_session(*, session_id: int) -> int:
    """Chain the pending signatures of a session's slots before its émargement is read or printed (the sheet, the
    API, the documents): nothing is shown as chained before it is. One query when nothing is pending."""
    slot_ids = (
        AttendanceRecord.objects.filter(slot__session_id=session_id, sequence__isnull=True)
        .values_list("slot_id", flat=True)
        .distinct()
        .order_by()
    )
    return sum(len(_seal_all(slot_id, wait=True)) for slot_id in list(slot_ids))


def _lock_unclosed(slot: Slot) -> SlotAttendance:
    """The locked chain head of a slot that is not closed (after closing, changes are corrections)."""
    head = _lock(slot)
    if head.state == SlotState.CLOSED:
        raise ValidationError(
            {"slot": _("Ce créneau est clos : une modification est une correction (motif et responsable qualité).")},
            code="closed",
        )
    return head


def _late_arrival(slot: Slot, status: str, arrival: dt.time | dt.datetime | None) -> dt.datetime | None:
    """A late trainee's arrival, which must fall inside the slot; None for any other status."""
    if status != AttendanceStatus.LATE:
        return None
    arrival_at = _arrival(slot, arrival)
    if arrival_at is None or not slot.starts_at < arrival_at < slot.ends_at:
        raise ValidationError(
            {"arrival": _("Indiquez une heure d'arrivée comprise dans le créneau (%(slot)s).") % {"slot": str(slot)}}
        )
    return arrival_at


def _append(
    *,
    head: SlotAttendance,
    slot: Slot,
    kind: str,
    actor: str,
    origin: Origin | None,
    participant: Participant | None = None,
    payload: dict[str, Any] | None = None,
    now: dt.datetime | None = None,
) -> AttendanceRecord:
    """Append one record to the locked chain `head` and update the participant's projection."""
    origin = origin or Origin()
    record = AttendanceRecord(
        organisation_id=slot.organisation_id,
        slot=slot,
        participant=participant,
        kind=kind,
        payload=payload or {},
        actor=actor,
        ip=origin.ip,
        user_agent=origin.user_agent[:300],
        # Stored at the millisecond, as the canonical form and every serialiser keep it.
        created_at=truncate_to_millisecond(now or timezone.now()),
        sequence=head.last_sequence + 1,
        prev_hash=head.last_hash,
    )
    record.seal()
    record.save()
    head.last_sequence = head.last_sequence + 1
    head.last_hash = record.hash
    head.save(update_fields=["last_sequence", "last_hash", "updated_at"])
    if participant is not None:
        _project(slot, participant, record)
    return record


def _project(slot: Slot, participant: Participant, record: AttendanceRecord) -> None:
    """Fold `record` into the participant's projection. Under the slot's lock (exclusive, or shared by the
    signatures, each about its own participant), nobody else writes this projection: a plain insert or update."""
    projection = ParticipantAttendance.objects.filter(slot=slot, participant=participant).first()
    state = chain.blank_state()
    if projection is not None:
        state.update({f: getattr(projection, f) for f in (*chain.PROJECTED_FIELDS, "attended_minutes")})
    state = chain.apply(state, record, slot)
    if projection is None:
        ParticipantAttendance.objects.create(
            slot=slot, participant=participant, organisation_id=slot.organisation_id, **state
        )
    else:
        for name, value in state.items():
            setattr(projection, name, value)
        projection.save(update_fields=[*state, "updated_at"])


def _current(slot: Slot, participant: Participant) -> ParticipantAttendance | None:
    return ParticipantAttendance.objects.filter(slot=slot, participant=participant).first()


def _written(slot: Slot, participant: Participant) -> ParticipantAttendance:
    """The row a signature or mark has just written (one per slot and participant)."""
    return ParticipantAttendance.objects.get(slot=slot, participant=participant)


def _check_participant(slot: Slot, participant: Participant, *, field: str = "participant") -> None:
    if participant.session_id != slot.session_id or participant.organisation_id != slot.organisation_id:
        raise ValidationError(
            {field: _("Cette personne n'est pas inscrite à la session de ce créneau.")}, code="other_session"
        )
    if participant.status in INACTIVE_PARTICIPANTS:
        raise ValidationError({field: _("Cette participation a été annulée.")}, code="cancelled")


def _already_signed(slot: Slot, participant: Participant) -> bool:
    return AttendanceRecord.objects.filter(slot=slot, participant=participant, kind__in=SIGNATURE_KINDS).exists()


def _require_run(actor: Actor, slot: Slot) -> None:
    if not slot_can_run(actor, slot):
        raise PermissionDenied("attendance.run")


# --- The trainer's slot -------------------------------------------------------------------------------------


@transaction.atomic
def slot_open(
    *, actor: Actor, slot_id: int, origin: Origin | None = None, now: dt.datetime | None = None
) -> SlotAttendance:
    """Open the émargement: from 15 minutes before the start until the trainer closes it."""
    slot = _slot(actor, slot_id)
    _require_run(actor, slot)
    now = now or timezone.now()
    head = _lock(slot)
    if head.state == SlotState.OPEN:
        raise ValidationError({"slot": _("L'émargement de ce créneau est déjà ouvert.")}, code="already_open")
    if head.state == SlotState.CLOSED:
        raise ValidationError({"slot": _("L'émargement de ce créneau est clos.")}, code="closed")
    opens_at = slot.starts_at - OPEN_BEFORE
    if now < opens_at:
        raise ValidationError(
            {
                "slot": _("L'émargement ne peut être ouvert qu'à partir du %(when)s (15 minutes avant le début).")
                % {"when": timezone.localtime(opens_at).strftime("%d/%m/%Y à %H:%M")}
            },
            code="too_early",
        )
    _append(head=head, slot=slot, kind=RecordKind.OPENED, actor=actor_label(actor), origin=origin, now=now)
    head.state, head.opened_at, head.opened_by = SlotState.OPEN, now, actor.user
    head.save(update_fields=["state", "opened_at", "opened_by", "updated_at"])
    log_action(actor=actor, obj=slot, action="attendance.slot.opened", data={})
    return head


@transaction.atomic
def slot_close(
    *,
    actor: Actor,
    slot_id: int,
    trainer_name: str,
    confirm_unsigned: bool = False,
    origin: Origin | None = None,
    now: dt.datetime | None = None,
) -> SlotAttendance:
    """The trainer signs (typed name) and closes the slot; afterwards only corrections are possible.

    No hour without a signature (R6313-3: the proof is the émargement): a trainee marked late who never signed
    is not counted. Closing with such trainees asks the trainer's confirmation (`confirm_unsigned`); once
    confirmed, each is recorded absent with the reason, so that nothing unsigned counts."""
    slot = _slot(actor, slot_id)
    _require_run(actor, slot)
    now = now or timezone.now()
    trainer_name = (trainer_name or "").strip()
    if not trainer_name:
        raise ValidationError(
            {"trainer_name": _("Tapez votre nom pour signer la feuille de ce créneau avant de le clore.")}
        )
    head = _lock(slot)
    if head.state != SlotState.OPEN:
        raise ValidationError({"slot": _("Seul un émargement ouvert peut être clos.")}, code="not_open")
    label = actor_label(actor)
    unsigned = list(
        ParticipantAttendance.objects.filter(slot=slot, status=AttendanceStatus.LATE, signed_at__isnull=True)
        .select_related("participant__trainee")
        .order_by("participant__trainee__last_name", "participant__trainee__first_name")
    )
    if unsigned and not confirm_unsigned:
        names = ", ".join(a.participant.trainee.full_name for a in unsigned)
        raise ValidationError(
            {
                "confirm_unsigned": _(
                    "Marqué·es en retard, %(names)s n'ont pas signé ce créneau : sans signature, aucune heure ne "
                    "leur sera comptée (art. R6313-3 du Code du travail). Faites-les signer avec le QR code, ou "
                    "signez pour leur compte avec un motif ; sinon cochez la confirmation pour clore."
                )
                % {"names": names}
            },
            code="unsigned_late",
        )
    for attendance in unsigned:
        _append(
            head=head,
            slot=slot,
            kind=RecordKind.MARKED_ABSENT,
            actor=label,
            origin=origin,
            participant=attendance.participant,
            payload={"reason": "Arrivée en retard sans signature : aucune heure comptée (clôture confirmée)."},
            now=now,
        )
    _append(
        head=head,
        slot=slot,
        kind=RecordKind.TRAINER_SIGNED,
        actor=label,
        origin=origin,
        now=now,
        payload={"name": trainer_name[:200]},
    )
    _append(head=head, slot=slot, kind=RecordKind.CLOSED, actor=label, origin=origin, now=now)
    head.state, head.closed_at, head.closed_by = SlotState.CLOSED, now, actor.user
    head.trainer_signature, head.trainer_signed_at = trainer_name[:200], now
    head.save(update_fields=["state", "closed_at", "closed_by", "trainer_signature", "trainer_signed_at", "updated_at"])
    log_action(
        actor=actor,
        obj=slot,
        action="attendance.slot.closed",
        data={
            "trainer_signature": trainer_name,
            "unsigned_not_counted": [a.participant.trainee.full_name for a in unsigned],
        },
    )
    return head


MARKS = {
    "absent": RecordKind.MARKED_ABSENT,
    "late": RecordKind.MARKED_LATE,
    "excused": RecordKind.EXCUSED,
    "on_behalf": RecordKind.SIGNED_ON_BEHALF,
}


def _arrival(slot: Slot, arrival: dt.time | dt.datetime | None) -> dt.datetime | None:
    if arrival is None:
        return None
    if isinstance(arrival, dt.datetime):
        return arrival if timezone.is_aware(arrival) else timezone.make_aware(arrival)
    day = timezone.localtime(slot.starts_at).date()
    return timezone.make_aware(dt.datetime.combine(day, arrival), timezone.get_current_timezone())


@transaction.atomic
def attendance_mark(
    *,
    actor: Actor,
    slot_id: int,
    participant_id: int,
    mark: str,
    reason: str = "",
    arrival: dt.time | dt.datetime | None = None,
    origin: Origin | None = None,
    now: dt.datetime | None = None,
) -> ParticipantAttendance:
    """The trainer marks a trainee absent, late (arrival time), excused (justification) or signs for them (reason)."""
    slot = _slot(actor, slot_id)
    _require_run(actor, slot)
    participant = _participant(slot, participant_id)
    _check_participant(slot, participant)
    if mark not in MARKS:
        raise ValidationError(
            {"mark": _("Choisissez absent·e, en retard, absence justifiée ou signature pour le compte.")}
        )
    reason = (reason or "").strip()
    arrival_at = _arrival(slot, arrival)
    head = _lock_unclosed(slot)
    payload: dict[str, Any] = {}
    if mark == "on_behalf":
        if head.state != SlotState.OPEN:
            raise ValidationError({"slot": _("Ouvrez l'émargement du créneau avant de signer pour un·e stagiaire.")})
        if not reason:
            raise ValidationError({"reason": _("Indiquez pourquoi vous signez pour le compte de ce·tte stagiaire.")})
        if _already_signed(slot, participant):
            raise ValidationError(
                {"participant": _("Ce·tte stagiaire a déjà signé ce créneau.")}, code="already_signed"
            )
    elif mark == "late":
        if arrival_at is None:
            raise ValidationError({"arrival": _("Indiquez l'heure d'arrivée du ou de la stagiaire en retard.")})
        if not (slot.starts_at < arrival_at < slot.ends_at):
            raise ValidationError(
                {
                    "arrival": _("L'heure d'arrivée doit être comprise entre le début et la fin du créneau (%(slot)s).")
                    % {"slot": str(slot)}
                }
            )
        payload["arrival_at"] = arrival_at.astimezone(dt.UTC).isoformat()
    elif mark == "excused":
        if not reason:
            raise ValidationError({"reason": _("Indiquez le justificatif ou le motif de l'absence.")})
    elif mark == "absent" and _already_signed(slot, participant):
        raise ValidationError(
            {"participant": _("Ce·tte stagiaire a signé ce créneau : corrigez sa présence avec un motif.")},
            code="already_signed",
        )
    payload["reason"] = reason
    try:
        with transaction.atomic():
            _append(
                head=head,
                slot=slot,
                kind=MARKS[mark],
                actor=actor_label(actor),
                origin=origin,
                participant=participant,
                payload=payload,
                now=now,
            )
    except IntegrityError:
        raise ValidationError(
            {"participant": _("Ce·tte stagiaire a déjà signé ce créneau.")}, code="already_signed"
        ) from None
    log_action(actor=actor, obj=participant, action=f"attendance.participant.{mark}", data={"slot": slot.pk, **payload})
    return _written(slot, participant)


CORRECTABLE = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED)


@transaction.atomic
def attendance_correct(
    *,
    actor: Actor,
    slot_id: int,
    participant_id: int,
    status: str,
    reason: str,
    arrival: dt.time | dt.datetime | None = None,
    origin: Origin | None = None,
    now: dt.datetime | None = None,
) -> ParticipantAttendance:
    """A correction is a new `corrected` record (the old ones stay). After closing: quality manager only."""
    slot = _slot(actor, slot_id)
    head = _lock(slot)
    if head.state == SlotState.CLOSED:
        if not slot_can_correct(actor, slot):
            raise PermissionDenied("attendance.correct")
    else:
        _require_run(actor, slot)
    participant = _participant(slot, participant_id)
    _check_participant(slot, participant)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Une correction doit être motivée : indiquez le motif.")})
    if status not in CORRECTABLE:
        raise ValidationError({"status": _("Choisissez présent·e, en retard, absent·e ou absence justifiée.")})
    arrival_at = _late_arrival(slot, status, arrival)
    before = _current(slot, participant)
    previous = {
        "status": before.status if before else AttendanceStatus.UNKNOWN,
        "arrival_at": before.arrival_at.astimezone(dt.UTC).isoformat() if before and before.arrival_at else None,
        "attended_minutes": before.attended_minutes if before else 0,
    }
    payload = {
        "status": status,
        "arrival_at": arrival_at.astimezone(dt.UTC).isoformat() if arrival_at else None,
        "reason": reason,
        "previous": previous,
    }
    _append(
        head=head,
        slot=slot,
        kind=RecordKind.CORRECTED,
        actor=actor_label(actor),
        origin=origin,
        participant=participant,
        payload=payload,
        now=now,
    )
    after = _current(slot, participant)
    assert after is not None
    log_action(
        actor=actor,
        obj=participant,
        action="attendance.participant.corrected",
        data={"slot": slot.pk, "reason": reason, "changes": {"status": [previous["status"], status]}},
    )
    return after


@transaction.atomic
def attendance_paper_entry(
    *,
    actor: Actor,
    slot_id: int,
    participant_id: int,
    status: str,
    reason: str = "",
    arrival: dt.time | dt.datetime | None = None,
    origin: Origin | None = None,
    now: dt.datetime | None = None,
) -> ParticipantAttendance:
    """Paper fallback: the trainer enters what the signed paper sheet says, kept as such (`paper_entry`).

    Entered once the slot has ended, the entry is a late transcription: its reason is then required and kept
    in the chain (why the sheet is transcribed afterwards); during the slot it stays optional."""
    slot = _slot(actor, slot_id)
    _require_run(actor, slot)
    participant = _participant(slot, participant_id)
    _check_participant(slot, participant)
    if status not in (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT):
        raise ValidationError({"status": _("D'après la feuille papier : présent·e, en retard ou absent·e.")})
    if (now or timezone.now()) >= slot.ends_at and not (reason or "").strip():
        raise ValidationError(
            {
                "reason": _(
                    "Le créneau est terminé : indiquez le motif de cette saisie tardive d'après la feuille papier."
                )
            },
            code="reason_required",
        )
    arrival_at = _late_arrival(slot, status, arrival)
    head = _lock_unclosed(slot)
    if _already_signed(slot, participant):
        raise ValidationError({"participant": _("Ce·tte stagiaire a déjà signé ce créneau.")}, code="already_signed")
    payload = {
        "status": status,
        "arrival_at": arrival_at.astimezone(dt.UTC).isoformat() if arrival_at else None,
        "reason": (reason or "").strip(),
    }
    _append(
        head=head,
        slot=slot,
        kind=RecordKind.PAPER_ENTRY,
        actor=actor_label(actor),
        origin=origin,
        participant=participant,
        payload=payload,
        now=now,
    )
    log_action(
        actor=actor, obj=participant, action="attendance.participant.paper_entry", data={"slot": slot.pk, **payload}
    )
    return _written(slot, participant)


# --- The trainee's phone ------------------------------------------------------------------------------------


def _trainee_checks(state: str, slot: Slot, participant: Participant) -> None:
    _check_participant(slot, participant, field="slot")
    if state == SlotState.PENDING:
        raise ValidationError(
            {
                "slot": _(
                    "L'émargement de ce créneau n'est pas encore ouvert : attendez que votre formateur·rice l'ouvre."
                )
            },
            code="not_open",
        )
    if state == SlotState.CLOSED:
        raise ValidationError({"slot": _("L'émargement de ce créneau est clos.")}, code="closed")


def attendance_sign(
    *,
    participant: Participant,
    slot_id: int,
    method: str,
    origin: Origin | None = None,
    now: dt.datetime | None = None,
    drawing: bytes | None = None,
    slot: Slot | None = None,
) -> AttendanceRecord:
    """The trainee signs an open slot. Once: a second time is refused. `participant` is who signs, as their
    personal link or the QR page identified them (the trainee's actor); the slot is looked up in their
    organisation (Http404 otherwise).

    Presence: on an on-site slot only the rotating QR code on the trainer's screen signs (`method` QR, which the
    QR page gives only after checking the code's signature and 45-second window); the personal link alone would
    let an absent trainee sign from home. It signs a remote slot (REMOTE, or LINK in older records). The trainer
    can still mark a trainee (`attendance_mark`, « signé pour le compte », with a reason).

    Thirty trainees sign one slot within the same second: the signature is recorded at once, pending, under the
    head's shared lock (the signatures do not wait for each other, only for a chain writer), then chained by
    `attendance_seal` (module docstring). The state is checked under the shared lock; a second signature (two
    taps, or a signature already chained, or one for the trainee's account) is stopped by the unique constraint
    (`attendance_signed_once_per_slot`, pending records included) and told it already signed: the fewest
    queries, for the busiest moment. The chaining is a background task (`attendance.tasks.seal_slot`): returns
    the record pending (chained at once on SQLite, and when tasks run in-process).

    `drawing`: the optional signature drawn on the phone (PNG, `attendance.drawing.check_png`), kept beside the
    record; its SHA-256 goes into the record's payload, so the chain seals it.

    `slot`: the slot `slot_id` names when the caller has just read it (the phone pages do): one query fewer at the
    busiest moment; whatever it is, the checks under the lock refuse a slot of another session or organisation."""
    if method not in (SignMethod.QR, SignMethod.LINK, SignMethod.REMOTE):
        raise ValidationError({"method": "unknown method"})
    if drawing is not None:
        drawing = check_png(drawing)
    if slot is None or slot.pk != id_or_404(slot_id):
        slot = _trainee_slot(participant, slot_id)
    if method != SignMethod.QR and not slot.is_remote:
        raise ValidationError(
            {
                "slot": _(
                    "Ce créneau a lieu en présentiel : pour signer, scannez le QR code affiché par votre "
                    "formateur·rice. Votre lien personnel seul ne suffit pas."
                )
            },
            code="qr_required",
        )
    try:
        record = _sign_pending(
            participant=participant, slot=slot, method=method, origin=origin, now=now, drawing=drawing
        )
    except IntegrityError:
        raise ValidationError({"slot": _("Vous avez déjà signé ce créneau.")}, code="already_signed") from None
    if record.sequence is None:
        _enqueue_seal(slot.pk)
        if _tasks_in_process():  # tasks run in this process (tests, TASKS_BACKEND=immediate): chained by now
            record.refresh_from_db(fields=["sequence", "prev_hash", "hash"])
    return record


def _tasks_in_process() -> bool:
    return not tasks_wait_for_worker()


# How long after a signature its chaining runs (the worker's task; `coopforma attendance seal` each minute too).
SEAL_DELAY = dt.timedelta(seconds=2)


def _enqueue_seal(slot_id: int) -> None:
    """The chaining of a pending signature leaves the trainee's request: one row for the task worker instead of
    the exclusive lock and its writes at the busiest moment. A lost task loses nothing: the next chain writer,
    the close and the periodic `coopforma attendance seal` chain what is pending, and verification covers it."""
    from coopforma.attendance.tasks import seal_slot

    if seal_slot.get_backend().supports_defer:
        # Thirty trainees tap within the same second: the chaining waits until the burst has passed, so that its
        # exclusive lock does not hold the next signatures back; the first of these tasks then chains them all.
        # This process already scheduled one that will run after this signature is committed: no second row.
        now = timezone.now()
        due = _SEALS_SCHEDULED.get(slot_id)
        if due is not None and due - now > SEAL_MARGIN:
            return
        _SEALS_SCHEDULED[slot_id] = now + SEAL_DELAY
        if len(_SEALS_SCHEDULED) > 1000:  # a long-lived process: forget the past ones
            for key in [key for key, when in _SEALS_SCHEDULED.items() if when < now]:
                del _SEALS_SCHEDULED[key]
        seal_slot.using(run_after=now + SEAL_DELAY).enqueue(slot_id)
    else:
        seal_slot.enqueue(slot_id)


# The chaining tasks this process has scheduled, per slot: when they run. A signature committed at least
# SEAL_MARGIN before that is chained by it; a later one schedules its own task.
_SEALS_SCHEDULED: dict[int, dt.datetime] = {}
SEAL_MARGIN = dt.timedelta(milliseconds=500)


def _state_and_projection(slot: Slot, participant: Participant) -> tuple[str, int | None, dict[str, Any] | None]:
    """One query: the slot's émargement state, and the participant's projection on it (its id and fields) if any.

    Plain SQL on the busiest path (thirty phones in the same second): the ORM would spend more time building
    this query than the database answering it."""
    fields = (*chain.PROJECTED_FIELDS, "attended_minutes")
    head, projection = SlotAttendance._meta.db_table, ParticipantAttendance._meta.db_table
    columns = ", ".join(f"p.{name}" for name in fields)
    sql = (
        f"SELECT h.state, p.id, {columns} FROM {head} h LEFT JOIN {projection} p "  # noqa: S608 - our tables
        "ON p.slot_id = h.slot_id AND p.participant_id = %s WHERE h.slot_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [participant.pk, slot.pk])
        row = cursor.fetchone()
    if row is None:
        return SlotState.PENDING, None, None
    if row[1] is None:
        return row[0], None, None
    values = dict(zip(fields, row[2:], strict=True))
    for name in ("signed_at", "arrival_at", "connected_at", "left_at"):
        values[name] = _db_datetime(values[name])
    return row[0], row[1], values


def _db_datetime(value: Any) -> dt.datetime | None:
    """A datetime read with plain SQL: aware on PostgreSQL, a UTC string on SQLite."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


@transaction.atomic
def _sign_pending(
    *,
    participant: Participant,
    slot: Slot,
    method: str,
    origin: Origin | None,
    now: dt.datetime | None,
    drawing: bytes | None = None,
) -> AttendanceRecord:
    payload = {"method": str(method)}
    if drawing is not None:
        payload["drawing_sha256"] = drawing_sha256(drawing)
    if _chain_at_once():
        head = SlotAttendance.objects.filter(slot=slot).first() or SlotAttendance(slot=slot)
        _trainee_checks(head.state, slot, participant)
        _seal_pending(head, slot)  # none expected: keeps the order if the database changed under a pending one
        record = _append(
            head=head,
            slot=slot,
            kind=RecordKind.SIGNED,
            actor=trainee_label(participant),
            origin=origin,
            participant=participant,
            payload=payload,
            now=now,
        )
        _log_signed([record])
    else:
        # The shared lock: other signatures share it, a chain writer (open, marks, close, seal) waits for it.
        _advisory("pg_advisory_xact_lock_shared", slot.pk)
        state, projection_id, projection = _state_and_projection(slot, participant)  # read after the lock
        _trainee_checks(state, slot, participant)
        record = _record_pending(participant=participant, slot=slot, payload=payload, origin=origin, now=now)
        _project_signature(slot, participant, record, projection_id, projection)
    if drawing is not None:
        AttendanceDrawing.objects.create(
            organisation_id=slot.organisation_id, record=record, png=drawing, sha256=payload["drawing_sha256"]
        )
    return record


def _chain_at_once() -> bool:
    """SQLite has no row lock: its writers queue on the database's write lock (`BEGIN IMMEDIATE`) anyway, so a
    signature is chained at once, in its one transaction. PostgreSQL records it pending and chains it after."""
    return not connection.features.has_select_for_update


def _record_pending(
    *, participant: Participant, slot: Slot, payload: dict[str, str], origin: Origin | None, now: dt.datetime | None
) -> AttendanceRecord:
    """Insert the signature, pending (no sequence, no hash): its id is its place in the order of recording."""
    origin = origin or Origin()
    record = AttendanceRecord(
        organisation_id=slot.organisation_id,
        slot=slot,
        participant=participant,
        kind=RecordKind.SIGNED,
        payload=payload,
        actor=trainee_label(participant),
        ip=origin.ip,
        user_agent=origin.user_agent[:300],
        created_at=truncate_to_millisecond(now or timezone.now()),
    )
    record.digest_personal()
    record.save()
    return record


def _project_signature(
    slot: Slot,
    participant: Participant,
    record: AttendanceRecord,
    projection_id: int | None,
    projection: dict[str, Any] | None,
) -> None:
    """Fold the pending signature into the projection read with the slot's state (one write). Under the shared
    lock no chain writer changes it, and a second signature of the trainee stops at the record's constraint."""
    state = chain.apply(projection or chain.blank_state(), record, slot)
    if projection_id is None:
        ParticipantAttendance.objects.create(
            slot=slot, participant=participant, organisation_id=slot.organisation_id, **state
        )
    else:
        ParticipantAttendance.objects.filter(pk=projection_id).update(**state, updated_at=timezone.now())


@transaction.atomic
def attendance_connection(
    *, participant: Participant, slot_id: int, event: str, origin: Origin | None = None, now: dt.datetime | None = None
) -> AttendanceRecord:
    """Remote slots: the trainee declares « Je suis connecté·e » (start) and « Je quitte » (end). `participant`
    is who declares (as for `attendance_sign`); the slot is looked up in their organisation (Http404 otherwise)."""
    kind = {"connected": RecordKind.CONNECTED, "left": RecordKind.DISCONNECTED}.get(event)
    if kind is None:
        raise ValidationError({"event": "unknown event"})
    slot = _trainee_slot(participant, slot_id)
    if not slot.is_remote:  # on site, the trainer's marks say who arrived late or left early
        raise ValidationError(
            {"slot": _("La connexion et le départ se déclarent seulement pour un créneau à distance.")},
            code="not_remote",
        )
    head = _lock(slot)
    _trainee_checks(head.state, slot, participant)
    current = _current(slot, participant)
    if kind == RecordKind.CONNECTED and current and current.connected_at:
        raise ValidationError({"slot": _("Votre connexion est déjà enregistrée.")}, code="already_connected")
    if kind == RecordKind.DISCONNECTED:
        if not current or not current.connected_at:
            raise ValidationError({"slot": _("Indiquez d'abord que vous êtes connecté·e.")}, code="not_connected")
        if current.left_at:
            raise ValidationError({"slot": _("Votre départ est déjà enregistré.")}, code="already_left")
    return _append(
        head=head,
        slot=slot,
        kind=kind,
        actor=trainee_label(participant),
        origin=origin,
        participant=participant,
        now=now,
    )


# --- Personal links -----------------------------------------------------------------------------------------


def link_issue(*, participant: Participant) -> str:
    """A new personal link token for the participant (replaces the previous one); returns the clear token."""
    token = secrets.token_urlsafe(24)
    AttendanceLink.objects.update_or_create(
        participant=participant,
        defaults={"organisation_id": participant.organisation_id, "token_hash": AttendanceLink.hash_token(token)},
    )
    return token


def link_resolve(*, token: str) -> Participant | None:
    link = (
        AttendanceLink.objects.select_related("participant__trainee", "participant__session")
        .filter(token_hash=AttendanceLink.hash_token(token))
        .first()
    )
    if link is None:
        return None
    AttendanceLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return link.participant


@transaction.atomic
def links_send(*, actor: Actor, slot_id: int, base_url: str) -> int:
    """E-mail each active participant of the slot's session their personal émargement link. Returns the count."""
    slot = _slot(actor, slot_id)
    _require_run(actor, slot)
    participants = (
        Participant.objects.filter(session_id=slot.session_id)
        .exclude(status__in=INACTIVE_PARTICIPANTS)
        .select_related("trainee", "session")
    )
    sent = 0
    for participant in participants:
        email = participant.trainee.email
        if not email:
            continue
        token = link_issue(participant=participant)
        url = base_url.rstrip("/") + reverse("emargement:link", kwargs={"token": token})
        subject, body = mail_text_render(
            organisation_id=actor.organisation_id,
            code=ATTENDANCE_LINK.code,
            values={"name": participant.trainee.first_name, "session": participant.session.title, "url": url},
        )
        send_mail_logged(
            organisation=actor.organisation,
            to=email,
            subject=subject,
            body=body,
            purpose="attendance.link",
            about=participant,
            secrets=[url],
        )
        AttendanceLink.objects.filter(participant=participant).update(sent_at=timezone.now())
        sent += 1
    log_action(actor=actor, obj=slot, action="attendance.links.sent", data={"count": sent})
    return sent


# --- Paper fallback: the signed scan ------------------------------------------------------------------------

MAX_SCAN_BYTES = 10 * 1024 * 1024
# What the file starts with -> (content type, extension): the name and the browser's type are not trusted.
SCAN_TYPES = {
    b"%PDF-": ("application/pdf", ".pdf"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
}


def _scan_type(data: bytes) -> tuple[str, str] | None:
    for magic, found in SCAN_TYPES.items():
        if data.startswith(magic):
            return found
    return None


def scan_read(record: AttendanceRecord) -> bytes:
    """The stored scan, checked against the SHA-256 in its (chained) record."""
    with default_storage.open(record.payload["file"], "rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != record.payload["sha256"]:
        raise ValidationError({"scan": _("Le fichier du scan a été altéré depuis son dépôt.")})
    return data


@transaction.atomic
def paper_scan_upload(
    *, actor: Actor, slot_id: int, upload: Any, origin: Origin | None = None, now: dt.datetime | None = None
) -> AttendanceRecord:
    """The signed paper sheet of a slot (PDF, JPEG or PNG, 10 Mo at most), stored with its SHA-256 and recorded in
    the slot's chain (`paper_scan`): the proof that the paper entries come from a signed sheet. Any state."""
    slot = _slot(actor, slot_id)
    _require_run(actor, slot)
    if upload is None:
        raise ValidationError({"scan": _("Choisissez le fichier de la feuille signée (PDF, JPEG ou PNG).")})
    if upload.size is not None and upload.size > MAX_SCAN_BYTES:
        raise ValidationError(
            {
                "scan": _("« %(name)s » dépasse 10 Mo : numérisez la feuille en plus basse résolution.")
                % {"name": upload.name}
            }
        )
    data = upload.read(MAX_SCAN_BYTES + 1)
    if len(data) > MAX_SCAN_BYTES:
        raise ValidationError(
            {
                "scan": _("« %(name)s » dépasse 10 Mo : numérisez la feuille en plus basse résolution.")
                % {"name": upload.name}
            }
        )
    found = _scan_type(data)
    if found is None:
        raise ValidationError(
            {"scan": _("« %(name)s » n'est ni un PDF, ni une image JPEG ou PNG.") % {"name": upload.name}}
        )
    content_type, extension = found
    sha256 = hashlib.sha256(data).hexdigest()
    head = _lock(slot)
    if AttendanceRecord.objects.filter(slot=slot, kind=RecordKind.PAPER_SCAN, payload__sha256=sha256).exists():
        raise ValidationError({"scan": _("Ce scan est déjà enregistré pour ce créneau.")}, code="duplicate")
    name = f"attendance/scans/{slot.organisation_id}/{slot.pk}/{sha256}{extension}"
    stored = name if default_storage.exists(name) else default_storage.save(name, ContentFile(data))
    payload = {
        "file": stored,
        "sha256": sha256,
        "size": len(data),
        "content_type": content_type,
        "name": (upload.name or "")[:200],
    }
    record = _append(
        head=head,
        slot=slot,
        kind=RecordKind.PAPER_SCAN,
        actor=actor_label(actor),
        origin=origin,
        payload=payload,
        now=now,
    )
    log_action(actor=actor, obj=slot, action="attendance.slot.paper_scan", data=payload)
    return record


def _erase_records(records: Any, now: dt.datetime) -> int:
    """Blank the personal fields of `records` and their salt; the chain covers only their digest (RGPD art. 17).

    The one sanctioned update of the append-only records: a queryset update, bypassing `save()`.
    """
    count = 0
    for record in records.filter(personal_erased_at__isnull=True):
        payload = dict(record.payload or {})
        for key in PERSONAL_PAYLOAD_KEYS:
            if key in payload:
                payload[key] = ""
        AttendanceRecord.objects.filter(pk=record.pk).update(
            ip=None, user_agent="", payload=payload, personal_salt="", personal_erased_at=now
        )
        count += 1
    return count


@transaction.atomic
def attendance_participant_erase(*, participant: Participant, now: dt.datetime | None = None) -> int:
    """Erase a trainee's personal data in the émargement (reasons, IP, browser, drawn signatures), keeping the
    proof valid.

    Statuses, times and hashes stay: they are the proof of attendance behind the certificat de réalisation
    (Code du travail R6332-26) and are kept as long as the funders may check them.
    """
    now = now or timezone.now()
    count = _erase_records(AttendanceRecord.objects.filter(participant=participant), now)
    ParticipantAttendance.objects.filter(participant=participant).update(reason="")
    AttendanceLink.objects.filter(participant=participant).delete()
    # The drawn signatures go; their SHA-256 stays in the sealed payloads (a hash reveals nothing of the image).
    AttendanceDrawing.objects.filter(record__participant=participant).delete()
    return count


@transaction.atomic
def attendance_trainer_erase(*, slots: Any, name: str, now: dt.datetime | None = None) -> int:
    """Erase a trainer's typed signature name on `slots` (the records and the slot heads)."""
    now = now or timezone.now()
    records = AttendanceRecord.objects.filter(slot__in=slots, kind=RecordKind.TRAINER_SIGNED, payload__name=name)
    count = _erase_records(records, now)
    SlotAttendance.objects.filter(slot__in=slots, trainer_signature=name).update(trainer_signature="")
    return count
