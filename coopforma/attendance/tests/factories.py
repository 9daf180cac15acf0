# SPDX-License-Identifier: AGPL-3.0-or-later
"""Factories of this app's records."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from coopforma.accounts.actor import actor_for
from coopforma.accounts.roles import Role
from coopforma.attendance import services
from coopforma.attendance.models import AttendanceRecord


def objects_with_id(i: int, **records: Any) -> None:
    """Create one record of each kind this app's pages and API address by id, with primary key `i`, in
    records["org"] (used by tests/test_every_route.py; records holds org, admin, mark, member, trainer, client,
    training, session, enrolment and participant, all with id `i`): the signed paper sheet of slot `i`.

    The chain of records is append-only and numbered by the service; the scan's id is set afterwards (an id is
    not part of the hashed record)."""
    actor = actor_for(records["admin"], records["org"], Role.ADMIN)
    upload = SimpleUploadedFile("feuille.pdf", b"%PDF-1.4 " + records["mark"].encode())
    scan = services.paper_scan_upload(actor=actor, slot_id=records["slot"].pk, upload=upload)
    AttendanceRecord.objects.filter(pk=scan.pk).update(id=i)
