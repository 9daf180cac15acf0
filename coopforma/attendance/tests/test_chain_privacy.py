# SPDX-License-Identifier: AGPL-3.0-or-later
"""Chain v2: survives dumpdata/loaddata, still detects tampering, and stays valid after erasure (RGPD art. 17)."""

import datetime as dt
import importlib
import io

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection

from coopforma.attendance import services
from coopforma.attendance.models import AttendanceRecord, ParticipantAttendance, SlotAttendance
from coopforma.attendance.verify import verify_all
from coopforma.core.models import ActivityLog

pytestmark = pytest.mark.django_db

reseal_migration = importlib.import_module("coopforma.attendance.migrations.0003_privacy_chain_digest")


def _chain(trainer_actor, admin_actor, slot, alice, bruno, now):
    """A closed slot whose events carry sub-millisecond timestamps, reasons, IPs and a trainer's name."""
    odd = now + dt.timedelta(seconds=1, microseconds=234567)
    services.slot_open(actor=trainer_actor, slot_id=slot.pk, now=odd)
    services.attendance_sign(
        participant=alice, slot_id=slot.pk, method="qr", origin=services.Origin("10.0.0.7", "Phone"), now=odd
    )
    services.attendance_mark(
        actor=admin_actor, slot_id=slot.pk, participant_id=bruno.pk, mark="excused", reason="Arrêt maladie de Bruno"
    )
    services.slot_close(actor=trainer_actor, slot_id=slot.pk, trainer_name="Théo Formateur", now=odd)


def test_dumpdata_loaddata_round_trip_keeps_the_chain_valid(
    trainer_actor, admin_actor, slot, alice, bruno, now, tmp_path, capsys
):
    _chain(trainer_actor, admin_actor, slot, alice, bruno, now)
    before = list(AttendanceRecord.objects.order_by("slot_id", "sequence").values_list("hash", flat=True))
    dump = tmp_path / "attendance.json"
    out = io.StringIO()
    call_command("dumpdata", "attendance", format="json", stdout=out)
    dump.write_text(out.getvalue())
    AttendanceRecord.objects.all().delete()  # a queryset delete: the model's delete() guard is for code
    ParticipantAttendance.objects.all().delete()
    SlotAttendance.objects.all().delete()
    call_command("loaddata", str(dump), verbosity=0)
    after = list(AttendanceRecord.objects.order_by("slot_id", "sequence").values_list("hash", flat=True))
    assert after == before and len(after) == 5
    call_command("attendance", "verify")
    assert "aucune rupture" in capsys.readouterr().out


def test_sub_millisecond_precision_is_outside_the_hash(trainer_actor, admin_actor, slot, alice, bruno, now):
    _chain(trainer_actor, admin_actor, slot, alice, bruno, now)
    record = AttendanceRecord.objects.filter(slot=slot).order_by("sequence").first()
    assert record.created_at.microsecond == 234000  # stored at the millisecond
    record.created_at += dt.timedelta(microseconds=999)
    assert record.compute_hash() == record.hash
    record.created_at += dt.timedelta(microseconds=1)
    assert record.compute_hash() != record.hash


def test_tampering_with_a_personal_field_is_still_detected(trainer_actor, admin_actor, slot, alice, bruno, now):
    _chain(trainer_actor, admin_actor, slot, alice, bruno, now)
    excused = AttendanceRecord.objects.get(slot=slot, kind="excused")
    AttendanceRecord.objects.filter(pk=excused.pk).update(payload={"reason": "Autre motif"})
    signed = AttendanceRecord.objects.get(slot=slot, kind="signed")
    AttendanceRecord.objects.filter(pk=signed.pk).update(ip="10.9.9.9")
    _, breaks = verify_all()
    texts = {(b.sequence, b.what) for b in breaks}
    assert (excused.sequence, "données personnelles modifiées (empreinte)") in texts
    assert (signed.sequence, "données personnelles modifiées (empreinte)") in texts


def test_tampering_with_the_proof_is_still_detected(trainer_actor, admin_actor, slot, alice, bruno, now):
    _chain(trainer_actor, admin_actor, slot, alice, bruno, now)
    record = AttendanceRecord.objects.get(slot=slot, kind="excused")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE attendance_attendancerecord SET kind = %s WHERE id = %s", ["signed", record.pk])
    _, breaks = verify_all()
    assert any(b.sequence == record.sequence and b.what.startswith("contenu modifié") for b in breaks)


def test_erasing_personal_fields_keeps_verify_green(trainer_actor, admin_actor, slot, alice, bruno, now, capsys):
    _chain(trainer_actor, admin_actor, slot, alice, bruno, now)
    hashes = list(AttendanceRecord.objects.order_by("sequence").values_list("hash", flat=True))
    assert services.attendance_participant_erase(participant=bruno) == 1
    assert services.attendance_participant_erase(participant=alice) == 1
    assert services.attendance_trainer_erase(slots=[slot], name="Théo Formateur") == 1
    assert list(AttendanceRecord.objects.order_by("sequence").values_list("hash", flat=True)) == hashes
    texts = " ".join(
        f"{r.ip} {r.user_agent} {r.payload} {r.personal_salt}" for r in AttendanceRecord.objects.filter(slot=slot)
    )
    assert "Bruno" not in texts and "10.0.0.7" not in texts and "Phone" not in texts and "Théo" not in texts
    assert ParticipantAttendance.objects.get(participant=bruno).reason == ""
    assert ParticipantAttendance.objects.get(participant=bruno).status == "excused"  # the proof stays
    assert SlotAttendance.objects.get(slot=slot).trainer_signature == ""
    call_command("attendance", "verify")
    assert "aucune rupture" in capsys.readouterr().out
    # An erased record that holds personal data again is a break.
    record = AttendanceRecord.objects.get(slot=slot, kind="excused")
    AttendanceRecord.objects.filter(pk=record.pk).update(payload={"reason": "Arrêt maladie de Bruno"})
    _, breaks = verify_all()
    assert any(b.what == "données effacées non vides" for b in breaks)


def _as_v1(truncate: bool) -> None:
    """Rewrite every chain with the v1 rules (microseconds, personal fields in clear), optionally as loaddata would."""
    for slot_id in set(AttendanceRecord.objects.values_list("slot_id", flat=True)):
        prev = "0" * 64
        for record in AttendanceRecord.objects.filter(slot_id=slot_id).order_by("sequence"):
            record.created_at = record.created_at + dt.timedelta(microseconds=321)
            record.prev_hash = prev
            record.hash = reseal_migration._v1_hash(record, record.created_at)
            stored = record.created_at.replace(microsecond=record.created_at.microsecond // 1000 * 1000)
            AttendanceRecord.objects.filter(pk=record.pk).update(
                created_at=stored if truncate else record.created_at,
                prev_hash=prev,
                hash=record.hash,
                personal_salt="",
                personal_digest="",
            )
            prev = record.hash
        SlotAttendance.objects.filter(slot_id=slot_id).update(last_hash=prev)


def test_migration_reseals_v1_chains_even_after_a_loaddata(trainer_actor, admin_actor, slot, alice, bruno, now):
    _chain(trainer_actor, admin_actor, slot, alice, bruno, now)
    _as_v1(truncate=True)
    assert verify_all()[1]  # v1 chains do not verify under v2 rules
    reseal_migration.reseal(django_apps, None)
    assert verify_all() == (1, [])
    entry = ActivityLog.objects.get(action="attendance.chain.resealed")
    assert entry.organisation_id == slot.organisation_id
    assert entry.data["slots"] == 1 and entry.data["records"] == 5 and entry.data["recovered_microseconds"] == 5
    assert entry.data["not_resealed"] == []


def test_migration_does_not_launder_a_tampered_v1_chain(trainer_actor, admin_actor, slot, alice, bruno, now):
    _chain(trainer_actor, admin_actor, slot, alice, bruno, now)
    _as_v1(truncate=False)
    excused = AttendanceRecord.objects.get(slot=slot, kind="excused")
    AttendanceRecord.objects.filter(pk=excused.pk).update(kind="signed")
    reseal_migration.reseal(django_apps, None)
    entry = ActivityLog.objects.get(action="attendance.chain.resealed")
    assert entry.data["slots"] == 0
    assert entry.data["not_resealed"] == [{"slot": slot.pk, "sequences": [excused.sequence]}]
    assert verify_all()[1]  # still reported
