# SPDX-License-Identifier: AGPL-3.0-or-later
"""Factories of this app's records."""

import datetime as dt
from typing import Any

from django.core.files.base import ContentFile

from coopforma.quality.models import (
    Audit,
    AuditPack,
    Complaint,
    Evidence,
    ImprovementAction,
    NonConformity,
    SubcontractorCheck,
    WatchEntry,
)


def objects_with_id(i: int, **records: Any) -> None:
    """Create one record of each kind this app's pages address by id, with primary key `i`, in records["org"]
    (used by tests/test_every_route.py; records holds org, admin, mark, member, trainer, client, training,
    session, enrolment and participant, all with id `i`). Their texts carry records["mark"].

    The quality API addresses no record by id: `/quality/indicators/{number}` takes an indicator number."""
    org, mark, day = records["org"], records["mark"], dt.date(2026, 3, 2)
    Evidence.objects.create(
        pk=i, organisation=org, title=f"Procédure {mark}", indicators=[31], covers=True, dated=day,
        file=ContentFile(b"texte", name="procedure.txt"), member_structure=records["member"],
    )  # fmt: skip
    complaint = Complaint.objects.create(
        pk=i, organisation=org, kind="complaint", received_on=day, source=f"Client {mark}", description=mark,
        session=records["session"], participant=records["participant"], acknowledge_due=day, answer_due=day,
    )  # fmt: skip
    ImprovementAction.objects.create(
        pk=i, organisation=org, source="complaint", complaint=complaint, cause=mark, action=f"Action {mark}",
        due_on=day,
    )  # fmt: skip
    WatchEntry.objects.create(pk=i, organisation=org, indicator=23, seen_on=day, source=f"JO {mark}", summary=mark)
    SubcontractorCheck.objects.create(pk=i, organisation=org, trainer=records["trainer"], checked_on=day, notes=mark)
    audit = Audit.objects.create(pk=i, organisation=org, kind="initial", planned_on=day, certifier=f"Certif {mark}")
    NonConformity.objects.create(
        pk=i, organisation=org, audit=audit, indicator=1, severity="minor", description=mark, due_on=day
    )
    AuditPack.objects.create(
        pk=i, organisation=org, status="ready", file=ContentFile(b"PK\x05\x06" + bytes(18), name="pack.zip")
    )
