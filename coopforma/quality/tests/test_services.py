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
    major = services.nonconformity_create(actor=quality_actor, audit_id=audit.pk, indicator=4, severity="major",
                                          description="x")  # fmt: skip
    minor = services.nonconformity_create(actor=quality_actor, audit_id=audit.pk, indicator=1, severity="minor",
                                          description="x")  # fmt: skip
    assert major.due_on == dt.date(2025, 11, 30) and minor.due_on == dt.date(2026, 2, 28)
    assert ActivityLog.objects.filter(action="quality.nonconformity.created").count() == 2
    with pytest.raises(ValidationError) as exc:
        services.nonconformity_update(actor=quality_actor, nonconformity_id=minor.pk, closed_on=dt.date(2025, 12, 1))
    assert "closure_note" in exc.value.message_dict
    services.nonconformity_update(actor=quality_actor, nonconformity_id=minor.pk, closed_on=dt.date(2025, 12, 1),
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
        services.complaint_update(actor=trainer_actor, complaint_id=complaint.pk, answer="x")


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
            actor=quality_actor,
            complaint_id=complaint.pk,
            acknowledged_on=TODAY - dt.timedelta(days=1),
            answered_on=TODAY,
        )
    assert set(exc.value.message_dict) == {"acknowledged_on", "answer"}


@pytest.mark.django_db
def test_another_organisations_ids_are_not_found(quality_actor, stranger, other_org):
    """The update services take ids and look them up in the actor's organisation only: 404, nothing written."""
    from django.http import Http404

    from conftest import make_actor
    from coopforma.quality.models import Evidence

    audit = services.audit_create(actor=quality_actor, kind="surveillance", planned_on=TODAY, done_on=TODAY)
    nc = services.nonconformity_create(actor=quality_actor, audit_id=audit.pk, indicator=1, severity="minor",
                                       description="x")  # fmt: skip
    complaint = services.complaint_report(actor=quality_actor, kind="complaint", received_on=TODAY, source="x",
                                          description="y", session=None)  # fmt: skip
    action = services.improvement_create(actor=quality_actor, source="audit", cause="c", action="a", due_on=TODAY)
    entry = services.watch_create(actor=quality_actor, indicator=23, seen_on=TODAY, source="s", summary="s")
    evidence = services.evidence_create(actor=quality_actor, title="t", indicators=[1], note="n", dated=TODAY)
    them = make_actor(stranger, other_org)
    calls = [
        lambda: services.audit_update(actor=them, audit_id=audit.pk, notes="pris"),
        lambda: services.nonconformity_create(
            actor=them, audit_id=audit.pk, indicator=1, severity="minor", description="x"
        ),
        lambda: services.nonconformity_update(actor=them, nonconformity_id=nc.pk, action_plan="pris"),
        lambda: services.complaint_update(actor=them, complaint_id=complaint.pk, analysis="pris"),
        lambda: services.improvement_update(actor=them, improvement_id=action.pk, effect="pris"),
        lambda: services.watch_update(actor=them, entry_id=entry.pk, summary="pris"),
        lambda: services.evidence_delete(actor=them, evidence_id=evidence.pk),
        lambda: services.audit_update(actor=quality_actor, audit_id=2**70, notes="x"),
    ]
    for call in calls:
        with pytest.raises(Http404):
            call()
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert audit.nonconformities.count() == 1
    assert not ActivityLog.objects.filter(data__changes__isnull=False, action__endswith=".updated").exists()


@pytest.mark.django_db
def test_update_services_refuse_fields_they_do_not_name(quality_actor):
    audit = services.audit_create(actor=quality_actor, kind="surveillance", planned_on=TODAY, done_on=TODAY)
    for field in ("organisation_id", "created_at", "nonsense"):
        with pytest.raises(TypeError, match=field):
            services.audit_update(actor=quality_actor, audit_id=audit.pk, **{field: 1})
    with pytest.raises(TypeError, match="organisation"):
        services.settings_update(actor=quality_actor, organisation=None)
    services.audit_update(actor=quality_actor, audit_id=audit.pk, notes="ok")
    audit.refresh_from_db()
    assert audit.notes == "ok" and audit.organisation_id == quality_actor.organisation.pk
