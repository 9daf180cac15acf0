# SPDX-License-Identifier: AGPL-3.0-or-later
"""A signature recorded at once (pending), chained just after (`attendance_seal`): counted, ordered, verified."""

import datetime as dt
import io
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coopforma.attendance import services
from coopforma.attendance.models import AttendanceRecord, ParticipantAttendance, SlotAttendance
from coopforma.attendance.selectors import slot_live
from coopforma.attendance.tests.conftest import make_participant
from coopforma.attendance.verify import verify_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_seal(monkeypatch):  # type: ignore[no-untyped-def]
    """PostgreSQL's way (pending, then sealed), and the sealer has not run yet (another request holds the chain):
    signatures stay pending."""
    monkeypatch.setattr(services, "_chain_at_once", lambda: False)
    monkeypatch.setattr(services, "_seal_all", lambda slot_id, wait=False: [])
    return monkeypatch


def _chain(slot):  # type: ignore[no-untyped-def]
    return list(AttendanceRecord.objects.filter(slot=slot, sequence__isnull=False).order_by("sequence"))


def _assert_linked(slot):  # type: ignore[no-untyped-def]
    records = _chain(slot)
    assert [r.sequence for r in records] == list(range(1, len(records) + 1))
    for prev, record in itertools.pairwise(records):
        assert record.prev_hash == prev.hash and record.hash == record.compute_hash()
    head = SlotAttendance.objects.get(slot=slot)
    assert (head.last_sequence, head.last_hash) == (records[-1].sequence, records[-1].hash)


def test_a_pending_signature_counts_and_verifies(trainer_actor, trainer, slot, alice, bruno, no_seal):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    record = services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")

    assert record.pending and record.pk and record.hash == ""
    assert AttendanceRecord.objects.filter(slot=slot, sequence__isnull=True).count() == 1
    projection = ParticipantAttendance.objects.get(slot=slot, participant=alice)
    assert projection.status == "present" and projection.signed_at == record.created_at
    assert projection.attended_minutes == 210
    rows = {row.participant.pk: row for row in slot_live(actor=trainer_actor, slot_id=slot.pk).rows}
    assert rows[alice.pk].attendance is not None and rows[alice.pk].attendance.signed
    assert verify_all() == (1, [])  # the pending signature is part of the projection's recomputation
    with pytest.raises(ValidationError) as exc:  # pending is signed: a second time is refused
        services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    assert exc.value.messages == ["Vous avez déjà signé ce créneau."]


def test_sqlite_chains_a_signature_at_once(trainer_actor, slot, alice):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    record = services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    assert record.sequence == 2 and record.hash == record.compute_hash()  # on PostgreSQL: chained by the seal
    assert verify_all() == (1, [])


def test_seal_chains_pending_signatures_in_their_order_once(trainer_actor, slot, enrolment, now, no_seal):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    people = [make_participant(enrolment, f"P{i}", f"Nom{i}") for i in range(4)]
    # Recorded (inserted) in this order; the times given say otherwise: the chain follows the recording, the id.
    for person, seconds in zip(people, (30, 10, 20, 40), strict=True):
        at = now + dt.timedelta(seconds=seconds)
        services.attendance_sign(participant=person, slot_id=slot.pk, method="qr", now=at)
    no_seal.undo()

    assert services.attendance_seal(slot_id=slot.pk) == 4
    assert services.attendance_seal(slot_id=slot.pk) == 0  # nothing chained twice
    chained = _chain(slot)[1:]
    assert [r.participant_id for r in chained] == [p.pk for p in people]
    assert [r.pk for r in chained] == sorted(r.pk for r in chained)
    assert [r.created_at for r in chained] == [now + dt.timedelta(seconds=s) for s in (30, 10, 20, 40)]
    _assert_linked(slot)
    assert not AttendanceRecord.objects.filter(slot=slot, sequence__isnull=True).exists()
    assert verify_all() == (1, [])


def test_a_trainer_write_chains_pending_signatures_first(trainer_actor, slot, alice, bruno, no_seal):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    services.attendance_mark(actor=trainer_actor, slot_id=slot.pk, participant_id=bruno.pk, mark="absent")

    assert [(r.kind, r.participant_id) for r in _chain(slot)] == [
        ("opened", None),
        ("signed", alice.pk),
        ("marked_absent", bruno.pk),
    ]
    _assert_linked(slot)
    assert verify_all() == (1, [])


def test_close_seals_every_pending_signature(trainer_actor, slot, alice, bruno, no_seal):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    services.attendance_sign(participant=bruno, slot_id=slot.pk, method="qr")
    services.slot_close(actor=trainer_actor, slot_id=slot.pk, trainer_name="Théo Formateur")

    assert [r.kind for r in _chain(slot)] == ["opened", "signed", "signed", "trainer_signed", "closed"]
    assert not AttendanceRecord.objects.filter(slot=slot, sequence__isnull=True).exists()
    _assert_linked(slot)
    assert verify_all() == (1, [])


def test_verify_reports_a_pending_signature_left_on_a_closed_slot(trainer_actor, slot, alice, no_seal):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    SlotAttendance.objects.filter(slot=slot).update(state="closed")  # a close that skipped the seal

    _checked, breaks = verify_all()
    assert any("en attente sur un créneau clos" in str(b) for b in breaks)


def test_verify_reports_a_tampered_pending_signature(trainer_actor, slot, alice, no_seal):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    record = services.attendance_sign(
        participant=alice, slot_id=slot.pk, method="qr", origin=services.Origin("10.0.0.1", "Phone")
    )
    AttendanceRecord.objects.filter(pk=record.pk).update(ip="10.9.9.9")

    _checked, breaks = verify_all()
    assert any("données personnelles modifiées" in str(b) for b in breaks)


def test_the_trainees_request_only_enqueues_the_chaining_and_the_worker_or_cron_chains(
    trainer_actor, slot, alice, bruno, monkeypatch
):
    """With a task worker (the database backend), « Je signe » writes the pending signature and one task row;
    the task (or, if it were lost, `coopforma attendance seal` each minute) chains it."""
    from django.core.management import call_command

    from coopforma.attendance.tasks import seal_slot

    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    queued: list[int] = []
    monkeypatch.setattr(services, "_chain_at_once", lambda: False)
    monkeypatch.setattr(services, "_tasks_in_process", lambda: False)
    monkeypatch.setattr(services, "_enqueue_seal", queued.append)
    first = services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    second = services.attendance_sign(participant=bruno, slot_id=slot.pk, method="qr")
    assert queued == [slot.pk, slot.pk]
    assert first.sequence is None and second.sequence is None  # recorded, not chained in the request
    assert verify_all() == (1, [])

    assert seal_slot.call(slot.pk) == 2  # the worker's task
    assert seal_slot.call(slot.pk) == 0  # the thirty others find nothing left
    _assert_linked(slot)

    chloe = make_participant(alice.enrolment, "Chloé", "Roux")
    services.attendance_sign(participant=chloe, slot_id=slot.pk, method="qr")
    out = io.StringIO()
    call_command("attendance", "seal", stdout=out)
    assert out.getvalue().strip() == "1 signature(s) chaînée(s)."
    _assert_linked(slot)
    assert not AttendanceRecord.objects.filter(slot=slot, sequence__isnull=True).exists()
    assert verify_all() == (1, [])


def test_the_chaining_task_waits_until_the_burst_has_passed(trainer_actor, slot, alice, bruno, settings, monkeypatch):
    """With the database backend (the worker's), the chaining is enqueued to run SEAL_DELAY after the signature,
    so that thirty trainees tapping together do not wait for its exclusive lock; one task chains them all, and a
    process that has scheduled it does not write a second row for the signatures it will find (one query fewer
    for each of the thirty)."""
    from coopforma.attendance.tasks import seal_slot

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(services, "_chain_at_once", lambda: False)  # as on PostgreSQL
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    services.attendance_sign(participant=bruno, slot_id=slot.pk, method="qr")
    from django_tasks_db.models import DBTaskResult

    rows = list(DBTaskResult.objects.filter(task_path__endswith="seal_slot"))
    assert len(rows) == 1 and rows[0].args_kwargs["args"] == [slot.pk]  # Bruno's is chained by Alice's task
    delay = services.SEAL_DELAY
    assert abs(rows[0].run_after - rows[0].enqueued_at - delay) < dt.timedelta(seconds=1)
    assert AttendanceRecord.objects.filter(slot=slot, sequence__isnull=True).count() == 2  # pending until then

    # A signature too close to the scheduled run (it might commit after the task has read) schedules its own.
    services._SEALS_SCHEDULED[slot.pk] = timezone.now() + services.SEAL_MARGIN / 2
    chloe = make_participant(alice.enrolment, "Chloé", "Roux")
    services.attendance_sign(participant=chloe, slot_id=slot.pk, method="qr")
    assert DBTaskResult.objects.filter(task_path__endswith="seal_slot").count() == 2
    assert seal_slot.call(slot.pk) == 3
    _assert_linked(slot)
    assert verify_all() == (1, [])
