# SPDX-License-Identifier: AGPL-3.0-or-later
"""The émargement services take ids and find them in the actor's organisation only (the trainee's, for what a
trainee does): another organisation's id is not found (Http404, as the selectors answer) and nothing is written."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from conftest import make_actor
from coopforma.attendance import services
from coopforma.attendance.models import AttendanceRecord, SignMethod
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import ClientFactory, MemberStructureFactory, TraineeFactory
from coopforma.training_sessions.tests.factories import (
    EnrolmentFactory,
    ParticipantFactory,
    SessionFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign(other_org, now):  # type: ignore[no-untyped-def]
    """A running slot of another organisation, with one trainee."""
    member = MemberStructureFactory(organisation=other_org, name="Ailleurs")
    session = SessionFactory(
        training=TrainingFactory(organisation=other_org, member_structure=member), status="running"
    )
    slot = SlotFactory(session=session, starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(hours=3))
    client = ClientFactory(organisation=other_org, member_structure=member, name="Client ailleurs", kind="company")
    trainee = TraineeFactory(organisation=other_org, client=client, first_name="Zoé", last_name="Ailleurs")
    participant = ParticipantFactory(enrolment=EnrolmentFactory(session=session, client=client), trainee=trainee)
    return slot, participant


def test_another_organisations_ids_are_not_found(admin_actor, slot, alice, stranger, other_org, foreign, now):
    them = make_actor(stranger, other_org)
    their_slot, their_participant = foreign
    services.slot_open(actor=admin_actor, slot_id=slot.pk, now=now)
    records = AttendanceRecord.objects.count()
    scan = SimpleUploadedFile("feuille.pdf", b"%PDF-1.4 feuille", content_type="application/pdf")
    calls = [
        # Their administrator on our slot.
        lambda: services.slot_open(actor=them, slot_id=slot.pk, now=now),
        lambda: services.slot_close(actor=them, slot_id=slot.pk, trainer_name="Sam", now=now),
        lambda: services.attendance_mark(actor=them, slot_id=slot.pk, participant_id=alice.pk, mark="absent"),
        lambda: services.attendance_correct(
            actor=them, slot_id=slot.pk, participant_id=alice.pk, status="absent", reason="pris"
        ),
        lambda: services.attendance_paper_entry(actor=them, slot_id=slot.pk, participant_id=alice.pk, status="absent"),
        lambda: services.links_send(actor=them, slot_id=slot.pk, base_url="https://x.example"),
        lambda: services.paper_scan_upload(actor=them, slot_id=slot.pk, upload=scan),
        # Our administrator, our slot, their trainee.
        lambda: services.attendance_mark(
            actor=admin_actor, slot_id=slot.pk, participant_id=their_participant.pk, mark="absent"
        ),
        lambda: services.attendance_correct(
            actor=admin_actor, slot_id=slot.pk, participant_id=their_participant.pk, status="absent", reason="pris"
        ),
        # A trainee of theirs on our slot, ours on theirs.
        lambda: services.attendance_sign(participant=their_participant, slot_id=slot.pk, method=SignMethod.QR),
        lambda: services.attendance_sign(participant=alice, slot_id=their_slot.pk, method=SignMethod.QR),
        lambda: services.attendance_connection(participant=their_participant, slot_id=slot.pk, event="connected"),
        # Ids that cannot be rows.
        lambda: services.slot_open(actor=admin_actor, slot_id=2**70, now=now),
        lambda: services.attendance_mark(actor=admin_actor, slot_id=slot.pk, participant_id="x", mark="absent"),
    ]
    for call in calls:
        with pytest.raises(Http404):
            call()
    assert AttendanceRecord.objects.count() == records
