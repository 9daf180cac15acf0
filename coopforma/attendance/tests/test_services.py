# SPDX-License-Identifier: AGPL-3.0-or-later
import datetime as dt
import itertools

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection

from coopforma.attendance import services
from coopforma.attendance.models import (
    GENESIS_HASH,
    AppendOnlyError,
    AttendanceLink,
    AttendanceRecord,
    ParticipantAttendance,
    RecordKind,
    SlotAttendance,
)
from coopforma.attendance.selectors import attended_minutes, percent, rate
from coopforma.attendance.verify import verify_all
from coopforma.core.mail import MASKED
from coopforma.core.models import ActivityLog, OutboundEmail
from coopforma.core.tests.leaks import stored_texts
from coopforma.training_sessions.tests.factories import ParticipantFactory, SlotFactory

pytestmark = pytest.mark.django_db


def errors(exc: ValidationError) -> str:
    return " ".join(m for ms in exc.message_dict.values() for m in ms)


def test_open_sign_close_builds_a_chain(trainer_actor, slot, alice, bruno):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(
        participant=alice, slot_id=slot.pk, method="qr", origin=services.Origin("10.0.0.1", "Phone")
    )
    services.attendance_sign(participant=bruno, slot_id=slot.pk, method="qr")
    services.slot_close(actor=trainer_actor, slot_id=slot.pk, trainer_name="Théo Formateur")

    records = list(AttendanceRecord.objects.filter(slot=slot).order_by("sequence"))
    assert [r.kind for r in records] == ["opened", "signed", "signed", "trainer_signed", "closed"]
    assert [r.sequence for r in records] == [1, 2, 3, 4, 5]
    assert records[0].prev_hash == GENESIS_HASH
    for prev, record in itertools.pairwise(records):
        assert record.prev_hash == prev.hash
        assert record.hash == record.compute_hash()
    assert records[1].actor == f"trainee:{alice.pk}" and records[1].ip == "10.0.0.1"
    head = SlotAttendance.objects.get(slot=slot)
    assert head.state == "closed" and head.last_sequence == 5 and head.last_hash == records[-1].hash
    assert head.trainer_signature == "Théo Formateur"
    assert ParticipantAttendance.objects.get(slot=slot, participant=alice).attended_minutes == 210
    assert ActivityLog.objects.filter(action="attendance.slot.closed").count() == 1
    assert verify_all() == (1, [])


def test_open_refused_too_early_and_twice(trainer_actor, session, trainer, now):
    later = SlotFactory(session=session, starts_at=now + dt.timedelta(minutes=30), ends_at=now + dt.timedelta(hours=3))
    with pytest.raises(ValidationError) as exc:
        services.slot_open(actor=trainer_actor, slot_id=later.pk)
    assert "15 minutes avant le début" in errors(exc.value)
    services.slot_open(actor=trainer_actor, slot_id=later.pk, now=now + dt.timedelta(minutes=16))
    with pytest.raises(ValidationError, match="déjà ouvert"):
        services.slot_open(actor=trainer_actor, slot_id=later.pk, now=now + dt.timedelta(minutes=17))


def test_manager_and_other_trainer_cannot_run_the_slot(manager_actor, slot, org, other_trainer):
    with pytest.raises(PermissionDenied):
        services.slot_open(actor=manager_actor, slot_id=slot.pk)


def test_sign_refusals(trainer_actor, slot, alice, other_session, enrolment):
    with pytest.raises(ValidationError, match="pas encore ouvert"):
        services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    with pytest.raises(ValidationError, match="déjà signé"):
        services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    stranger = ParticipantFactory(session=other_session, enrolment__session=other_session)
    with pytest.raises(ValidationError, match="pas inscrite à la session"):
        services.attendance_sign(participant=stranger, slot_id=slot.pk, method="qr")
    services.slot_close(actor=trainer_actor, slot_id=slot.pk, trainer_name="Théo")
    with pytest.raises(ValidationError, match="clos"):
        services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    assert AttendanceRecord.objects.filter(slot=slot, kind="signed").count() == 1


def test_signature_constraint_holds_even_without_the_service_check(trainer_actor, slot, alice):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    original = services._already_signed
    services._already_signed = lambda slot, participant: False  # simulate the race the lock prevents
    try:
        with pytest.raises(ValidationError, match="déjà signé"):
            services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    finally:
        services._already_signed = original
    assert AttendanceRecord.objects.filter(slot=slot, participant=alice).count() == 1
    assert verify_all() == (1, [])


def test_marks_need_reasons_and_arrival(trainer_actor, slot, alice, bruno):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    with pytest.raises(ValidationError) as exc:
        services.attendance_mark(
            actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, mark="on_behalf", reason=" "
        )
    assert "pour le compte" in errors(exc.value)
    with pytest.raises(ValidationError, match="heure d'arrivée"):
        services.attendance_mark(actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, mark="late")
    with pytest.raises(ValidationError, match="justificatif"):
        services.attendance_mark(actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, mark="excused")
    services.attendance_mark(
        actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, mark="on_behalf", reason="Téléphone déchargé"
    )
    with pytest.raises(ValidationError, match="déjà signé"):
        services.attendance_mark(
            actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, mark="on_behalf", reason="x"
        )
    with pytest.raises(ValidationError, match="corrigez"):
        services.attendance_mark(actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, mark="absent")
    arrival = slot.starts_at + dt.timedelta(minutes=45)
    state = services.attendance_mark(
        actor=trainer_actor, slot_id=slot.pk, participant_id=bruno.pk, mark="late", arrival=arrival
    )
    assert state.status == "late" and state.attended_minutes == 210 - 45
    services.attendance_sign(participant=bruno, slot_id=slot.pk, method="qr")
    bruno_state = ParticipantAttendance.objects.get(slot=slot, participant=bruno)
    assert bruno_state.status == "late" and bruno_state.attended_minutes == 165 and bruno_state.method == "qr"
    alice_state = ParticipantAttendance.objects.get(slot=slot, participant=alice)
    assert alice_state.method == "on_behalf" and alice_state.reason == "Téléphone déchargé"
    assert verify_all() == (1, [])


def test_correction_after_close_needs_quality_and_reason(trainer_actor, quality_actor, slot, alice):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_mark(actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, mark="absent")
    services.slot_close(actor=trainer_actor, slot_id=slot.pk, trainer_name="Théo")
    with pytest.raises(ValidationError, match="clos"):
        services.attendance_mark(
            actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, mark="late", arrival=slot.ends_at
        )
    with pytest.raises(PermissionDenied):
        services.attendance_correct(
            actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, status="present", reason="x"
        )
    with pytest.raises(ValidationError, match="motivée"):
        services.attendance_correct(
            actor=quality_actor, slot_id=slot.pk, participant_id=alice.pk, status="present", reason=""
        )
    state = services.attendance_correct(
        actor=quality_actor,
        slot_id=slot.pk,
        participant_id=alice.pk,
        status="present",
        reason="Feuille papier retrouvée",
    )
    assert state.status == "present" and state.attended_minutes == 210
    corrected = AttendanceRecord.objects.get(slot=slot, kind=RecordKind.CORRECTED)
    assert corrected.payload["previous"]["status"] == "absent"
    assert AttendanceRecord.objects.filter(slot=slot, kind="marked_absent").count() == 1  # the old record stays
    assert verify_all() == (1, [])


def test_remote_connection_and_departure(trainer_actor, slot, alice, now):
    slot.remote_url = "https://visio.example/salle"
    slot.save()
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_connection(
        participant=alice, slot_id=slot.pk, event="connected", now=slot.starts_at + dt.timedelta(minutes=10)
    )
    services.attendance_sign(
        participant=alice, slot_id=slot.pk, method="remote", now=slot.starts_at + dt.timedelta(minutes=11)
    )
    with pytest.raises(ValidationError, match="déjà enregistrée"):
        services.attendance_connection(participant=alice, slot_id=slot.pk, event="connected")
    services.attendance_connection(
        participant=alice, slot_id=slot.pk, event="left", now=slot.ends_at - dt.timedelta(minutes=20)
    )
    state = ParticipantAttendance.objects.get(slot=slot, participant=alice)
    assert state.status == "late" and state.attended_minutes == 210 - 10 - 20
    assert verify_all() == (1, [])


def test_records_are_append_only(trainer_actor, slot):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    record = AttendanceRecord.objects.get(slot=slot)
    record.kind = "closed"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()


def test_verify_catches_a_tampered_row(trainer_actor, slot, alice, capsys):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_mark(actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, mark="absent")
    call_command("attendance", "verify")
    assert "OK" in capsys.readouterr().out
    record = AttendanceRecord.objects.get(slot=slot, kind="marked_absent")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE attendance_attendancerecord SET kind = %s WHERE id = %s", ["signed", record.pk])
    with pytest.raises(SystemExit) as exc:
        call_command("attendance", "verify", "--org", slot.organisation.slug)
    assert exc.value.code == 1
    out = capsys.readouterr().out
    assert f"créneau {slot.pk}, séquence 2 : contenu modifié" in out
    assert "projection du participant" in out  # the projection no longer matches the (tampered) chain


def test_verify_catches_a_tampered_projection(trainer_actor, slot, alice):
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_mark(actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, mark="absent")
    ParticipantAttendance.objects.filter(slot=slot).update(status="present", attended_minutes=210)
    _, breaks = verify_all()
    assert {b.what.split(" = ")[0] for b in breaks} == {
        f"projection du participant {alice.pk} : status",
        f"projection du participant {alice.pk} : attended_minutes",
    }


def test_appends_in_sequence_keep_the_chain(trainer_actor, admin_actor, slot, alice, bruno):
    """Two services appending to one chain one after the other (each under the row lock) never fork it."""
    services.slot_open(actor=trainer_actor, slot_id=slot.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    services.attendance_mark(
        actor=admin_actor, slot_id=slot.pk, participant_id=bruno.pk, mark="excused", reason="Arrêt maladie"
    )
    services.attendance_sign(participant=bruno, slot_id=slot.pk, method="qr")
    records = list(AttendanceRecord.objects.filter(slot=slot).order_by("sequence"))
    assert [r.prev_hash for r in records[1:]] == [r.hash for r in records[:-1]]
    assert len({r.hash for r in records}) == len(records)
    assert verify_all() == (1, [])


def test_hours_exact(trainer_actor, session, slot, alice, bruno, now):
    second = SlotFactory(
        session=session, starts_at=now - dt.timedelta(minutes=10), ends_at=now + dt.timedelta(minutes=95)
    )
    for s in (slot, second):
        services.slot_open(actor=trainer_actor, slot_id=s.pk)
    services.attendance_sign(participant=alice, slot_id=slot.pk, method="qr")
    services.attendance_mark(
        actor=trainer_actor,
        slot_id=second.pk,
        participant_id=alice.pk,
        mark="late",
        arrival=second.starts_at + dt.timedelta(minutes=7),
    )
    services.attendance_mark(
        actor=trainer_actor, slot_id=slot.pk, participant_id=bruno.pk, mark="excused", reason="Certificat"
    )
    assert attended_minutes(alice) == 210 + 98
    assert attended_minutes(bruno) == 0
    assert rate(308, 315) == __import__("decimal").Decimal(308) / 315
    assert percent(rate(308, 315)) == 98  # 97.78 → 98
    assert percent(rate(1, 3)) == 33 and percent(rate(0, 0)) is None


def test_links_sent_by_mail(trainer_actor, slot, alice, bruno, django_capture_on_commit_callbacks):
    bruno.trainee.email = ""
    bruno.trainee.save()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.links_send(actor=trainer_actor, slot_id=slot.pk, base_url="https://coop.example")
    assert sent == 1
    [message] = mail.outbox
    assert message.to == ["alice@example.org"] and "https://coop.example/e/" in message.body
    token = message.body.split("/e/")[1].split("/")[0]
    assert services.link_resolve(token=token) == alice
    assert services.link_resolve(token="nope") is None
    # The outbox keeps the message without a usable link (staff read it), and only the hash is stored.
    email = OutboundEmail.objects.get(purpose="attendance.link")
    assert MASKED in email.readable_body and "/e/" not in email.body
    assert token not in stored_texts()
    assert AttendanceLink.objects.get(participant=alice).token_hash == AttendanceLink.hash_token(token)


def test_paper_entry_is_kept_as_such(trainer_actor, slot, alice, bruno):
    services.attendance_paper_entry(actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, status="present")
    late = services.attendance_paper_entry(
        actor=trainer_actor,
        slot_id=slot.pk,
        participant_id=bruno.pk,
        status="late",
        arrival=slot.starts_at + dt.timedelta(minutes=60),
    )
    assert late.method == "paper" and late.attended_minutes == 150
    with pytest.raises(ValidationError, match="déjà signé"):
        services.attendance_paper_entry(actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, status="absent")
    with pytest.raises(ValidationError, match="feuille papier"):
        services.attendance_paper_entry(actor=trainer_actor, slot_id=slot.pk, participant_id=alice.pk, status="excused")
    assert AttendanceRecord.objects.filter(slot=slot, kind="paper_entry").count() == 2
    assert verify_all() == (1, [])
