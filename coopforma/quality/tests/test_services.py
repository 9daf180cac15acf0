# SPDX-License-Identifier: AGPL-3.0-or-later
"""Services: deadlines, validation with field messages, tenancy, the activity log."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from coopforma.core.models import ActivityLog
from coopforma.quality import services
from coopforma.quality.tests.conftest import make_session

TODAY = dt.date.today()


@pytest.mark.django_db
def test_nonconformity_deadline_follows_its_severity(quality_actor):
    audit = services.audit_create(actor=quality_actor, kind="surveillance", planned_on=dt.date(2025, 8, 31),
                                  done_on=dt.date(2025, 8, 31))  # fmt: skip
    major = services.nonconformity_create(actor=quality_actor, audit=audit, indicator=4, severity="major",
                                          description="x")  # fmt: skip
    minor = services.nonconformity_create(actor=quality_actor, audit=audit, indicator=1, severity="minor",
                                          description="x")  # fmt: skip
    assert major.due_on == dt.date(2025, 11, 30) and minor.due_on == dt.date(2026, 2, 28)
    assert ActivityLog.objects.filter(action="quality.nonconformity.created").count() == 2
    with pytest.raises(ValidationError) as exc:
        services.nonconformity_update(actor=quality_actor, nonconformity=minor, closed_on=dt.date(2025, 12, 1))
    assert "closure_note" in exc.value.message_dict
    services.nonconformity_update(actor=quality_actor, nonconformity=minor, closed_on=dt.date(2025, 12, 1),
                                  closure_note="Registre tenu")  # fmt: skip
    assert ActivityLog.objects.filter(action="quality.nonconformity.closed", object_id=minor.pk).exists()


@pytest.mark.django_db
def test_records_of_another_organisation_are_refused(quality_actor, other_org):
    from coopforma.catalogue.tests.factories import TrainingFactory

    foreign = make_session(TrainingFactory(organisation=other_org))
    with pytest.raises(ValidationError):
        services.complaint_report(actor=quality_actor, kind="complaint", received_on=TODAY, source="x",
                                  description="y", session=foreign)  # fmt: skip


@pytest.mark.django_db
def test_roles_are_checked_by_the_services(trainer_actor, manager_actor):
    with pytest.raises(PermissionDenied):
        services.watch_create(actor=manager_actor, indicator=23, seen_on=TODAY, source="s", summary="s")
    with pytest.raises(PermissionDenied):
        services.audit_pack_request(actor=trainer_actor, period_start=None, period_end=None)
    complaint = services.complaint_report(actor=trainer_actor, kind="incident", received_on=TODAY, source="moi",
                                          description="Salle fermée", session=None)  # fmt: skip
    assert complaint.reported_by == trainer_actor.user
    with pytest.raises(PermissionDenied):
        services.complaint_update(actor=trainer_actor, complaint=complaint, answer="x")


@pytest.mark.django_db
def test_complaint_dates_are_checked_field_by_field(quality_actor):
    with pytest.raises(ValidationError) as exc:
        services.complaint_report(actor=quality_actor, kind="complaint", received_on=TODAY + dt.timedelta(days=2),
                                  source="x", description="y", session=None)  # fmt: skip
    assert exc.value.message_dict["received_on"] == ["Cette date est dans le futur."]
    complaint = services.complaint_report(actor=quality_actor, kind="complaint", received_on=TODAY, source="x",
                                          description="y", session=None)  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        services.complaint_update(
            actor=quality_actor, complaint=complaint, acknowledged_on=TODAY - dt.timedelta(days=1), answered_on=TODAY
        )
    assert set(exc.value.message_dict) == {"acknowledged_on", "answer"}
