# SPDX-License-Identifier: AGPL-3.0-or-later
"""Chain v2: millisecond UTC timestamps and a salted digest of the personal fields; re-seal existing chains.

Each slot's v1 chain is verified first (with the v1 rules frozen here). A chain cut to the millisecond by a
`dumpdata`/`loaddata` round trip is recognised by trying the lost microseconds (at most 1,000 hashes a record).
Only chains that verified are re-sealed; the others are left as they are and listed. One activity-log entry per
organisation records what was done (`attendance.chain.resealed`).
"""

import datetime
import hashlib
import json
import secrets

from django.db import migrations, models

GENESIS_HASH = "0" * 64
PERSONAL_PAYLOAD_KEYS = ("name", "reason")


def _json(data):
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _v1_hash(record, created_at):
    data = {
        "organisation": record.organisation_id,
        "slot": record.slot_id,
        "participant": record.participant_id,
        "kind": record.kind,
        "payload": record.payload,
        "actor": record.actor,
        "ip": record.ip or "",
        "user_agent": record.user_agent,
        "created_at": created_at.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "sequence": record.sequence,
        "prev_hash": record.prev_hash,
    }
    return hashlib.sha256(_json(data)).hexdigest()


def _v1_valid(record):
    """(valid, recovered): recovered when only the microseconds lost by a serialiser made it fail."""
    if _v1_hash(record, record.created_at) == record.hash:
        return True, False
    if record.created_at.microsecond % 1000 == 0:
        base = record.created_at
        for extra in range(1, 1000):
            if _v1_hash(record, base + datetime.timedelta(microseconds=extra)) == record.hash:
                return True, True
    return False, False


def _v2_seal(record, prev_hash):
    payload = record.payload or {}
    personal = {
        "salt": record.personal_salt,
        "ip": record.ip or "",
        "user_agent": record.user_agent or "",
        "payload": {key: payload[key] for key in PERSONAL_PAYLOAD_KEYS if key in payload},
    }
    record.personal_digest = hashlib.sha256(_json(personal)).hexdigest()
    record.prev_hash = prev_hash
    data = {
        "v": 2,
        "organisation": record.organisation_id,
        "slot": record.slot_id,
        "participant": record.participant_id,
        "kind": record.kind,
        "payload": {k: v for k, v in payload.items() if k not in PERSONAL_PAYLOAD_KEYS},
        "actor": record.actor,
        "created_at": record.created_at.astimezone(datetime.UTC).isoformat(timespec="milliseconds"),
        "sequence": record.sequence,
        "prev_hash": record.prev_hash,
        "personal_digest": record.personal_digest,
    }
    record.hash = hashlib.sha256(_json(data)).hexdigest()


def reseal(apps, schema_editor):
    AttendanceRecord = apps.get_model("attendance", "AttendanceRecord")
    SlotAttendance = apps.get_model("attendance", "SlotAttendance")
    ActivityLog = apps.get_model("core", "ActivityLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    reports = {}
    slot_ids = AttendanceRecord.objects.order_by().values_list("slot_id", flat=True).distinct()
    for slot_id in sorted(set(slot_ids)):
        records = list(AttendanceRecord.objects.filter(slot_id=slot_id).order_by("sequence"))
        organisation_id = records[0].organisation_id
        report = reports.setdefault(
            organisation_id, {"slots": 0, "records": 0, "recovered_microseconds": 0, "not_resealed": []}
        )
        problems, recovered, prev_hash = [], 0, GENESIS_HASH
        for expected, record in enumerate(records, start=1):
            valid, was_recovered = _v1_valid(record)
            if record.sequence != expected or record.prev_hash != prev_hash or not valid:
                problems.append(record.sequence)
            recovered += was_recovered
            prev_hash = record.hash
        if problems:
            report["not_resealed"].append({"slot": slot_id, "sequences": problems})
            continue
        prev_hash = GENESIS_HASH
        for record in records:
            record.personal_salt = secrets.token_hex(16)
            _v2_seal(record, prev_hash)
            AttendanceRecord.objects.filter(pk=record.pk).update(
                personal_salt=record.personal_salt,
                personal_digest=record.personal_digest,
                prev_hash=record.prev_hash,
                hash=record.hash,
            )
            prev_hash = record.hash
        SlotAttendance.objects.filter(slot_id=slot_id).update(last_hash=prev_hash)
        report["slots"] += 1
        report["records"] += len(records)
        report["recovered_microseconds"] += recovered
    if not reports:
        return
    content_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="organisation")
    for organisation_id, report in reports.items():
        ActivityLog.objects.create(
            organisation_id=organisation_id,
            actor=None,
            actor_label="système",
            content_type=content_type,
            object_id=organisation_id,
            object_repr="",
            action="attendance.chain.resealed",
            data={
                "chain_version": 2,
                "reason": "Chaîne d'émargement v2 : horodatage UTC à la milliseconde (sauvegarde et restauration) "
                "et empreinte des données personnelles (effacement, RGPD art. 17).",
                **report,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0002_paper_scan"),
        ("accounts", "0003_membership_invitation_state"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0004_redact_outbox_secrets"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendancerecord",
            name="personal_salt",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name="attendancerecord",
            name="personal_digest",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="attendancerecord",
            name="personal_erased_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(reseal, migrations.RunPython.noop),
    ]
