# SPDX-License-Identifier: AGPL-3.0-or-later
import datetime as dt

import pytest

from coopforma.attendance import services
from coopforma.attendance.models import AttendanceRecord

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


def test_open_mark_read_close(api, trainer_user, org, slot, alice, bruno, session):
    client = api(trainer_user, org)
    opened = client.post(f"{BASE}/slots/{slot.pk}/open")
    assert opened.status_code == 200
    assert opened.json()["state"] == "open" and opened.json()["last_sequence"] == 1
    assert client.post(f"{BASE}/slots/{slot.pk}/open").status_code == 422

    arrival = (slot.starts_at + dt.timedelta(minutes=20)).isoformat()
    marked = client.post(
        f"{BASE}/slots/{slot.pk}/attendance",
        {"participant_id": bruno.pk, "mark": "late", "arrival_at": arrival},
        content_type="application/json",
    )
    assert marked.status_code == 201
    assert marked.json()["status"] == "late" and marked.json()["attended_minutes"] == 190

    refused = client.post(
        f"{BASE}/slots/{slot.pk}/attendance",
        {"participant_id": alice.pk, "mark": "on_behalf"},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["body", "reason"]

    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    services.attendance_sign(participant=bruno, slot_id=slot.pk, method="qr")  # late, then signs on arrival
    body = client.get(f"{BASE}/slots/{slot.pk}/attendance").json()
    assert [(p["trainee"], p["status"], p["attended_minutes"]) for p in body["participants"]] == [
        ("Alice Martin", "present", 210),
        ("Bruno Petit", "late", 190),
    ]

    closed = client.post(f"{BASE}/slots/{slot.pk}/close", {"trainer_name": "Théo"}, content_type="application/json")
    assert closed.status_code == 200 and closed.json()["trainer_signature"] == "Théo"

    summary = client.get(f"{BASE}/sessions/{session.pk}/attendance").json()
    assert summary["attended_minutes"] == 400 and summary["planned_minutes"] == 420
    assert summary["rate_percent"] == 95
    assert summary["trainees"][1]["slots"][0]["status"] == "late"


def test_correct_after_close_needs_quality(api, trainer_user, quality_user, org, slot, alice, trainer_actor):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.slot_close(actor=trainer_actor, slot_id=slot.pk, trainer_name="Théo")
    data = {"participant_id": alice.pk, "mark": "correct", "status": "absent", "reason": "Parti·e à 9 h"}
    path = f"{BASE}/slots/{slot.pk}/attendance"
    assert api(trainer_user, org).post(path, data, content_type="application/json").status_code == 403
    response = api(quality_user, org).post(path, data, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "absent"
    assert AttendanceRecord.objects.filter(slot=slot, kind="corrected").count() == 1


def test_unknown_participant_is_422(api, trainer_user, org, slot, other_session, trainer_actor):
    response = api(trainer_user, org).post(
        f"{BASE}/slots/{slot.pk}/attendance",
        {"participant_id": 999999, "mark": "absent"},
        content_type="application/json",
    )
    assert response.status_code == 422
