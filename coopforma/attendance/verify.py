# SPDX-License-Identifier: AGPL-3.0-or-later
"""Tamper evidence: recompute every slot's chain and projection from the records and list each break."""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from coopforma.attendance import chain
from coopforma.attendance.models import (
    GENESIS_HASH,
    AttendanceDrawing,
    AttendanceRecord,
    ParticipantAttendance,
    RecordKind,
    SlotAttendance,
    SlotState,
)
from coopforma.training_sessions.models import Slot


def _blank(personal: dict[str, Any]) -> bool:
    """True when an erased record's personal part holds nothing any more."""
    return not personal["ip"] and not personal["user_agent"] and not any(personal["payload"].values())


def _sha256(data: bytes | memoryview) -> str:
    return hashlib.sha256(bytes(data)).hexdigest()


@dataclass(frozen=True)
class Break:
    slot_id: int
    sequence: int | None
    what: str

    def __str__(self) -> str:
        where = f"séquence {self.sequence}" if self.sequence is not None else "tête de chaîne"
        return f"créneau {self.slot_id}, {where} : {self.what}"


def verify_slot(slot: Slot) -> list[Break]:
    """The chained records (sequence, hashes, head, the order of recording), then the pending signatures
    (recorded, not chained yet: an open slot only) in their order, and the projection recomputed from both."""
    breaks: list[Break] = []
    records = list(AttendanceRecord.objects.filter(slot=slot, sequence__isnull=False).order_by("sequence"))
    pending = list(AttendanceRecord.objects.filter(slot=slot, sequence__isnull=True).order_by("pk"))
    drawings = {d.record_id: d for d in AttendanceDrawing.objects.filter(record__slot=slot)}
    prev_hash, prev_pk = GENESIS_HASH, 0
    for expected, record in enumerate(records, start=1):
        if record.sequence != expected:
            breaks.append(Break(slot.pk, record.sequence, f"séquence attendue {expected} (enregistrement manquant)"))
        if record.pk < prev_pk:  # the chain follows the order of recording (ids grow with each insert)
            breaks.append(Break(slot.pk, record.sequence, "ordre de la chaîne différent de l'ordre d'enregistrement"))
        prev_pk = record.pk
        if record.prev_hash != prev_hash:
            breaks.append(Break(slot.pk, record.sequence, "prev_hash ne correspond pas au hash précédent"))
        if record.personal_erased_at is None:
            if record.compute_personal_digest() != record.personal_digest:
                breaks.append(Break(slot.pk, record.sequence, "données personnelles modifiées (empreinte)"))
        elif not _blank(record.personal_data()):
            breaks.append(Break(slot.pk, record.sequence, "données effacées non vides"))
        sealed = (record.payload or {}).get("drawing_sha256")
        drawing = drawings.get(record.pk)
        erased = drawing is None and record.personal_erased_at is not None  # RGPD erasure removes the image
        if (sealed or drawing) and not erased and (drawing is None or _sha256(drawing.png) != sealed):
            breaks.append(Break(slot.pk, record.sequence, "signature dessinée modifiée ou absente (empreinte)"))
        computed = record.compute_hash()
        if computed != record.hash:
            breaks.append(Break(slot.pk, record.sequence, f"contenu modifié (hash recalculé {computed[:12]}…)"))
        prev_hash = record.hash
    head = SlotAttendance.objects.filter(slot=slot).first()
    last_seq = records[-1].sequence if records else 0
    if head is not None and (head.last_sequence != last_seq or head.last_hash != prev_hash):
        breaks.append(Break(slot.pk, None, f"tête {head.last_sequence} ≠ dernier enregistrement {last_seq}"))
    for record in pending:
        if record.kind != RecordKind.SIGNED or record.prev_hash or record.hash:
            breaks.append(Break(slot.pk, None, f"enregistrement {record.pk} hors chaîne (ni signature en attente)"))
        elif head is not None and head.state == SlotState.CLOSED:
            breaks.append(Break(slot.pk, None, f"signature {record.pk} en attente sur un créneau clos"))
        elif record.personal_erased_at is None and record.compute_personal_digest() != record.personal_digest:
            breaks.append(Break(slot.pk, None, f"signature {record.pk} en attente : données personnelles modifiées"))
        sealed = (record.payload or {}).get("drawing_sha256")
        drawing = drawings.get(record.pk)
        erased = drawing is None and record.personal_erased_at is not None
        if (sealed or drawing) and not erased and (drawing is None or _sha256(drawing.png) != sealed):
            breaks.append(Break(slot.pk, None, f"signature {record.pk} en attente : signature dessinée modifiée"))
    expected_states = chain.replay([*records, *pending], slot)
    stored = {p.participant_id: p for p in ParticipantAttendance.objects.filter(slot=slot)}
    for participant_id in sorted(set(expected_states) | set(stored)):
        state = expected_states.get(participant_id)
        row = stored.get(participant_id)
        if state is None or row is None:
            breaks.append(Break(slot.pk, None, f"projection du participant {participant_id} sans enregistrement"))
            continue
        for name in (*chain.PROJECTED_FIELDS, "attended_minutes"):
            if getattr(row, name) != state[name]:
                breaks.append(
                    Break(
                        slot.pk,
                        None,
                        f"projection du participant {participant_id} : {name} = {getattr(row, name)!r}, "
                        f"attendu {state[name]!r}",
                    )
                )
    return breaks


def verify_all(*, organisation_slug: str | None = None) -> tuple[int, list[Break]]:
    """(number of slots checked, breaks) over every slot that has records or a state."""
    slots = Slot.objects.filter(
        Q(pk__in=AttendanceRecord.objects.values("slot_id")) | Q(pk__in=SlotAttendance.objects.values("slot_id"))
    )
    if organisation_slug:
        slots = slots.filter(organisation__slug=organisation_slug)
    checked, breaks = 0, []
    for slot in slots.order_by("pk"):
        checked += 1
        breaks.extend(verify_slot(slot))
    return checked, breaks
