# SPDX-License-Identifier: AGPL-3.0-or-later
"""The chain's pure rules: how records fold into a participant's attendance, and the exact minutes.

Used both when appending (to update the projection in the same transaction) and by `attendance verify`
(to recompute the projection from the proof and compare).
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.dateparse import parse_datetime

from coopforma.attendance.models import (
    AttendanceRecord,
    AttendanceStatus,
    RecordKind,
    SignMethod,
    truncate_to_millisecond,
)
from coopforma.core.dates import minutes_between
from coopforma.training_sessions.models import Slot

PROJECTED_FIELDS = ("status", "method", "signed_at", "arrival_at", "connected_at", "left_at", "reason")


def blank_state() -> dict[str, Any]:
    return {
        "status": AttendanceStatus.UNKNOWN.value,
        "method": "",
        "signed_at": None,
        "arrival_at": None,
        "connected_at": None,
        "left_at": None,
        "reason": "",
        "attended_minutes": 0,
    }


def _dt(value: Any) -> dt.datetime | None:
    parsed = parse_datetime(value) if isinstance(value, str) and value else None
    # Millisecond precision, as the projection keeps it after a dumpdata/loaddata round trip.
    return truncate_to_millisecond(parsed) if parsed is not None else None


def attended_minutes_for(state: dict[str, Any], slot: Slot) -> int:
    """present: the slot's minutes; late: from arrival; absent, excused, unknown: 0.

    A remote trainee's declared departure before the end shortens the time (connection logs, R6313-3).
    """
    if state["status"] not in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
        return 0
    begin = slot.starts_at
    if state["status"] == AttendanceStatus.LATE and state["arrival_at"] is not None:
        begin = max(begin, state["arrival_at"])
    end = slot.ends_at
    if state["left_at"] is not None:
        end = min(end, state["left_at"])
    return min(minutes_between(begin, end), slot.minutes)


def _signed(state: dict[str, Any], record: AttendanceRecord, method: str) -> None:
    state["signed_at"] = record.created_at
    state["method"] = method
    state["status"] = AttendanceStatus.LATE if state["arrival_at"] is not None else AttendanceStatus.PRESENT


def apply(state: dict[str, Any], record: AttendanceRecord, slot: Slot) -> dict[str, Any]:
    """The participant's state after `record` (a record about that participant)."""
    state = dict(state)
    payload = record.payload or {}
    kind = record.kind
    if kind == RecordKind.CONNECTED:
        state["connected_at"] = record.created_at
        if record.created_at > slot.starts_at:
            state["arrival_at"] = record.created_at
    elif kind == RecordKind.DISCONNECTED:
        state["left_at"] = record.created_at
    elif kind == RecordKind.SIGNED:
        _signed(state, record, payload.get("method", SignMethod.LINK))
    elif kind == RecordKind.SIGNED_ON_BEHALF:
        state["reason"] = payload.get("reason", "")
        _signed(state, record, SignMethod.ON_BEHALF)
    elif kind == RecordKind.PAPER_ENTRY:
        state["arrival_at"] = _dt(payload.get("arrival_at"))
        state["status"] = payload.get("status", AttendanceStatus.PRESENT)
        state["reason"] = payload.get("reason", "")
        state["method"] = SignMethod.PAPER
        if state["status"] in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
            state["signed_at"] = record.created_at
    elif kind == RecordKind.MARKED_ABSENT:
        state["status"] = AttendanceStatus.ABSENT
        state["arrival_at"] = None
        state["reason"] = payload.get("reason", "")
    elif kind == RecordKind.MARKED_LATE:
        state["status"] = AttendanceStatus.LATE
        state["arrival_at"] = _dt(payload.get("arrival_at"))
        state["reason"] = payload.get("reason", "")
    elif kind == RecordKind.EXCUSED:
        state["status"] = AttendanceStatus.EXCUSED
        state["arrival_at"] = None
        state["reason"] = payload.get("reason", "")
    elif kind == RecordKind.CORRECTED:
        state["status"] = payload["status"]
        state["arrival_at"] = _dt(payload.get("arrival_at"))
        state["reason"] = payload.get("reason", "")
    state["attended_minutes"] = attended_minutes_for(state, slot)
    return state


def replay(records: Iterable[AttendanceRecord], slot: Slot) -> dict[int, dict[str, Any]]:
    """Every participant's state on `slot`, folded from its records in sequence order."""
    states: dict[int, dict[str, Any]] = {}
    for record in records:
        if record.participant_id is None:
            continue
        states[record.participant_id] = apply(states.get(record.participant_id, blank_state()), record, slot)
    return states
