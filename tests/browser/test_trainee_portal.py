# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue #14 §7 in a phone's browser (390 px): a trainee opens their personal link, lands on their one portal
page, sees their slots, a questionnaire to answer and their convocation, draws a signature and signs a remote
slot with « Je signe »."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from coopforma.attendance import services as attendance
from coopforma.attendance.models import AttendanceDrawing, AttendanceRecord, RecordKind
from coopforma.attendance.verify import verify_all
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.documents import signing
from coopforma.evaluations.tests.factories import open_survey
from coopforma.people.tests.factories import TraineeFactory
from coopforma.public.tests.helpers import final_document
from coopforma.training_sessions.tests.factories import (
    EnrolmentFactory,
    ParticipantFactory,
    SessionFactory,
    SlotFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_trainee_opens_their_portal_sees_slots_questionnaire_document_and_signs_a_remote_slot(
    phone, settings, tmp_path, org, member, trainer, trainer_actor, admin_actor
):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    training = TrainingFactory(organisation=org, member_structure=member, title="Coopérer à distance")
    training.trainers.add(trainer)
    session = SessionFactory(training=training, title="Coopérer à distance — décembre", status="running")
    session.trainers.add(trainer)
    now = timezone.now().replace(microsecond=0)
    remote = SlotFactory(
        session=session,
        starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=3),
        remote_url="https://visio.example/coop",
    )
    remote.trainers.add(trainer)
    paul = ParticipantFactory(
        enrolment=EnrolmentFactory(session=session),
        trainee=TraineeFactory(organisation=org, first_name="Paul", last_name="Martin", email="paul@example.org"),
    )
    attendance.slot_open(actor=trainer_actor, slot_id=remote.pk)
    open_survey(session)
    convocation = final_document(
        org,
        title="Convocation de Paul Martin",
        context={"trainee": {"full_name": "Paul Martin", "email": "paul@example.org"}},
    )
    signing.document_diffuse(actor=admin_actor, document_id=convocation.pk)
    token = attendance.link_issue(participant=paul)

    phone.goto(f"/e/{token}/")  # the personal link of the e-mail
    phone.wait_for_url("**/p/espace/")
    assert phone.get_by_role("heading", name="Coopérer à distance — décembre").is_visible()
    assert phone.get_by_text(str(remote)).is_visible()
    assert phone.get_by_role("link", name=re.compile("Répondre :")).is_visible()
    assert phone.get_by_text("Convocation de Paul Martin").is_visible()

    canvas = phone.locator("canvas[data-drawing]")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    phone.mouse.move(box["x"] + 20, box["y"] + 70)
    phone.mouse.down()
    for x, y in ((60, 20), (110, 80), (170, 30), (230, 75)):
        phone.mouse.move(box["x"] + x, box["y"] + y, steps=4)
    phone.mouse.up()
    phone.get_by_role("button", name="Je signe").click()
    phone.get_by_text("Merci, votre signature est enregistrée.").wait_for()
    assert phone.get_by_text(re.compile(r"Signé à \d\d:\d\d")).is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1  # no sideways scrolling

    record = AttendanceRecord.objects.get(kind=RecordKind.SIGNED, participant=paul)
    assert record.payload["method"] == "remote"
    assert AttendanceDrawing.objects.get(record=record).sha256 == record.payload["drawing_sha256"]
    assert verify_all()[1] == []

    # The questionnaire opens from the portal.
    phone.get_by_role("link", name=re.compile("Répondre :")).click()
    phone.wait_for_url(re.compile(r"/q/\d+/"))
    assert phone.get_by_role("heading").first.is_visible()
