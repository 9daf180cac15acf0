# SPDX-License-Identifier: AGPL-3.0-or-later
"""« Je signe » records at once; the chain is sealed just after, in the order of recording, and before it is read.

PostgreSQL's way is forced here (`_chain_at_once` False: the signature is recorded pending) and no worker runs
(`_enqueue_seal` only notes the slot), so that each step can be seen. Real concurrency: test_concurrency.py."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from coopforma.accounts.tests.factories import MembershipFactory, UserFactory
from coopforma.attendance import services
from coopforma.attendance.models import AttendanceRecord, ParticipantAttendance, SlotAttendance
from coopforma.attendance.selectors import slot_live
from coopforma.attendance.tasks import seal_slot
from coopforma.attendance.tests.conftest import make_participant
from coopforma.attendance.tokens import qr_token
from coopforma.attendance.verify import verify_all
from coopforma.core.models import ActivityLog

pytestmark = pytest.mark.django_db

PHONE = {"HTTP_USER_AGENT": "Mozilla/5.0 (Android) Phone", "REMOTE_ADDR": "10.0.0.7"}


@pytest.fixture
def pending_mode(monkeypatch):  # type: ignore[no-untyped-def]
    queued: list[int] = []
    monkeypatch.setattr(services, "_chain_at_once", lambda: False)
    monkeypatch.setattr(services, "_tasks_in_process", lambda: False)
    monkeypatch.setattr(services, "_enqueue_seal", queued.append)
    return queued


def _pending(slot):  # type: ignore[no-untyped-def]
    return AttendanceRecord.objects.filter(slot=slot, sequence__isnull=True)


def _signed_lines() -> int:
    return ActivityLog.objects.filter(action="attendance.participant.signed").count()


def _phone(participant) -> Client:  # type: ignore[no-untyped-def]
    client = Client(**PHONE)
    client.get(reverse("emargement:link", kwargs={"token": services.link_issue(participant=participant)}))
    return client


def test_the_phone_says_recorded_at_once_and_the_chain_is_sealed_just_after(trainer_actor, slot, alice, pending_mode):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    url = reverse("emargement:qr", kwargs={"token": qr_token(slot.pk)})

    response = _phone(alice).post(url, {"participant": alice.pk})

    assert response.status_code == 200
    assert "Merci Alice, votre signature est enregistrée." in response.content.decode()
    record = AttendanceRecord.objects.get(slot=slot, kind="signed")
    assert record.pending and record.hash == "" and record.ip == "10.0.0.7"  # recorded, not sealed yet
    assert pending_mode == [slot.pk]  # the sealing is left to the worker
    rows = {row.participant.pk: row for row in slot_live(actor=trainer_actor, slot_id=slot.pk).rows}
    assert rows[alice.pk].attendance.signed  # the trainer's page counts it at once
    assert _signed_lines() == 0  # the history line comes with the sealing
    assert verify_all() == (1, [])

    assert seal_slot.call(slot.pk) == 1  # the worker's task
    record.refresh_from_db()
    assert record.sequence == 2 and record.hash == record.compute_hash()
    assert _signed_lines() == 1
    assert seal_slot.call(slot.pk) == 0  # idempotent: nothing sealed twice
    assert _signed_lines() == 1
    assert verify_all() == (1, [])


def test_the_sign_request_writes_only_the_signature(
    trainer_actor, slot, alice, pending_mode, django_assert_num_queries
):
    """No chain head written, no lock on it, no history line: the session, the slot, the phone's trainees, then
    one transaction (the slot's state with the trainee's projection, the record, the projection)."""
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    phone = _phone(alice)
    url = reverse("emargement:qr", kwargs={"token": qr_token(slot.pk)})
    head_before = SlotAttendance.objects.values("last_sequence", "last_hash", "updated_at").get(slot=slot)
    # The test's own transaction makes BEGIN/COMMIT a SAVEPOINT/RELEASE; PostgreSQL adds the advisory lock.
    with django_assert_num_queries(8 + (connection.vendor == "postgresql")):
        phone.post(url, {"participant": alice.pk})
    assert SlotAttendance.objects.values("last_sequence", "last_hash", "updated_at").get(slot=slot) == head_before
    assert _pending(slot).count() == 1


def test_a_trainee_marked_late_then_signing_keeps_the_arrival(trainer_actor, slot, alice, now, pending_mode):
    """The projection read with the slot's state (one query) is folded, not replaced."""
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    arrival = slot.starts_at + dt.timedelta(minutes=30)
    services.attendance_mark(
        actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, mark="late", arrival=arrival
    )
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")

    projection = ParticipantAttendance.objects.get(slot=slot, participant=alice)
    assert projection.status == "late" and projection.signed and projection.arrival_at == arrival
    assert projection.attended_minutes == slot.minutes - 30
    assert verify_all() == (1, [])
    assert services.attendance_seal(slot_id=slot.pk) == 1
    assert verify_all() == (1, [])


def test_an_altered_pending_signature_is_not_sealed(trainer_actor, slot, alice, bruno, pending_mode):
    """Sealing it would seal the alteration: it stays pending, the others are chained, the verification says it."""
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    altered = services.attendance_sign(
        participant=alice, slot_id=slot.pk, method="qr", origin=services.Origin("10.0.0.1", "Phone")
    )
    services.attendance_sign(participant=bruno, slot_id=slot.pk, method="qr")
    AttendanceRecord.objects.filter(pk=altered.pk).update(ip="10.9.9.9")

    assert services.attendance_seal(slot_id=slot.pk) == 1
    assert list(_pending(slot)) == [altered]
    _checked, breaks = verify_all()
    assert [str(b) for b in breaks] == [
        f"créneau {slot.pk}, tête de chaîne : signature {altered.pk} en attente : données personnelles modifiées"
    ]


def test_nothing_is_sealed_after_the_close(trainer_actor, slot, alice, pending_mode):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    SlotAttendance.objects.filter(slot=slot).update(state="closed")  # a close that skipped the seal

    assert services.attendance_seal(slot_id=slot.pk) == 0
    assert _pending(slot).count() == 1
    _checked, breaks = verify_all()
    assert any("en attente sur un créneau clos" in str(b) for b in breaks)


def test_verification_reports_a_chain_out_of_the_order_of_recording(trainer_actor, slot, alice, bruno, pending_mode):
    """A sealer that chained the later-recorded signature first: every hash is right, the order is not."""
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    first = services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    second = services.attendance_sign(participant=bruno, slot_id=slot.pk, method="qr")
    head = SlotAttendance.objects.get(slot=slot)
    for record in (second, first):  # the wrong order
        head.last_sequence += 1
        record.sequence, record.prev_hash = head.last_sequence, head.last_hash
        record.hash = record.compute_hash()
        head.last_hash = record.hash
    AttendanceRecord.objects.bulk_update([first, second], ["sequence", "prev_hash", "hash"])
    head.save(update_fields=["last_sequence", "last_hash"])

    _checked, breaks = verify_all()
    assert [str(b) for b in breaks] == [
        f"créneau {slot.pk}, séquence 3 : ordre de la chaîne différent de l'ordre d'enregistrement"
    ]


def test_the_sheet_the_api_and_the_verification_seal_first(
    web, api, trainer_user, trainer_actor, org, slot, enrolment, alice, bruno, pending_mode
):
    """Nothing is shown as chained before it is: reading the chain or printing the sheet seals what is pending."""
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    sheet = web(trainer_user).get(f"/o/{org.slug}/attendance/slots/{slot.pk}/sheet.pdf")
    assert sheet.status_code == 200 and not _pending(slot).exists()

    services.attendance_sign(participant=bruno, slot_id=slot.pk, method="qr")
    body = api(trainer_user, org).get(f"/api/v1/slots/{slot.pk}/attendance").json()
    assert not _pending(slot).exists()
    head = SlotAttendance.objects.get(slot=slot)
    assert (head.last_sequence, head.last_hash) == (3, AttendanceRecord.objects.get(slot=slot, sequence=3).hash)
    assert body["last_sequence"] == 3 and body["last_hash"] == head.last_hash

    chloe = make_participant(enrolment, "Chloé", "Roux")
    services.attendance_sign(participant=chloe, slot_id=slot.pk, method="qr")
    out = io.StringIO()
    call_command("attendance", "verify", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 signature(s) en attente chaînée(s) avant la vérification.",
        "OK : 1 créneau(x) vérifié(s), aucune rupture.",
    ]
    assert not _pending(slot).exists()


def test_a_refused_reader_seals_nothing(web, api, other_org, slot, trainer_actor, alice, pending_mode):
    """Another organisation's admin with our ids: 404, and the pending signature stays as it was."""
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    stranger = UserFactory()
    MembershipFactory(user=stranger, organisation=other_org, role="admin")
    assert web(stranger).get(f"/o/{other_org.slug}/attendance/slots/{slot.pk}/sheet.pdf").status_code == 404
    assert api(stranger, other_org).get(f"/api/v1/slots/{slot.pk}/attendance").status_code == 404
    assert _pending(slot).count() == 1
