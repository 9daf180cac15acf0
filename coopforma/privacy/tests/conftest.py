# SPDX-License-Identifier: AGPL-3.0-or-later
"""A finished-this-week session of `member` with two trainees, émargement, an e-mail and history."""

import pytest
from django.utils import timezone

from coopforma.attendance import services as attendance
from coopforma.attendance.tests import conftest as attendance_fixtures
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.core.mail import send_mail_logged
from coopforma.people.tests.factories import TraineeFactory
from coopforma.training_sessions.tests.factories import ParticipantFactory, SessionFactory


@pytest.fixture
def session(org, member, trainer):  # type: ignore[no-untyped-def]
    training = TrainingFactory(organisation=org, member_structure=member, title="Animer une réunion coopérative")
    training.trainers.add(trainer)
    today = timezone.localdate()
    session = SessionFactory(training=training, title="Réunions coopératives", status="running")
    session.start_date = session.end_date = today
    session.save(update_fields=["start_date", "end_date"])
    session.trainers.add(trainer)
    return session


# The émargement fixtures' own `now`, `slot` (started 5 minutes ago, 3 h 30) and `enrolment` (a company of
# `member`), over this package's `session`.
now = attendance_fixtures.now
slot = attendance_fixtures.slot
enrolment = attendance_fixtures.enrolment


def make_participant(enrolment, first_name: str, last_name: str):  # type: ignore[no-untyped-def]
    trainee = TraineeFactory(
        organisation=enrolment.organisation,
        client=enrolment.client,
        first_name=first_name,
        last_name=last_name,
        email=f"{first_name.lower()}@example.org",
        phone="06 12 34 56 78",
        adaptation_needs="Fauteuil roulant",
    )
    return ParticipantFactory(enrolment=enrolment, trainee=trainee)


@pytest.fixture
def alice(enrolment):  # type: ignore[no-untyped-def]
    return make_participant(enrolment, "Alice", "Martin")


@pytest.fixture
def bruno(enrolment):  # type: ignore[no-untyped-def]
    return make_participant(enrolment, "Bruno", "Petit")


@pytest.fixture
def lived(org, trainer_actor, admin_actor, slot, alice, bruno):  # type: ignore[no-untyped-def]
    """Alice signed (from 10.0.0.7), Bruno was excused with a reason naming him; an e-mail to Alice."""
    attendance.slot_open(actor=trainer_actor, slot_id=slot.pk)
    attendance.attendance_sign(
        participant=alice, slot_id=slot.pk, method="qr", origin=attendance.Origin("10.0.0.7", "Firefox Alice")
    )
    attendance.attendance_mark(
        actor=admin_actor,
        slot_id=slot.pk,
        participant_id=bruno.pk,
        mark="excused",
        reason="Certificat médical de Bruno Petit",
    )
    attendance.slot_close(actor=trainer_actor, slot_id=slot.pk, trainer_name="Théo Formateur")
    send_mail_logged(
        organisation=org, to="alice@example.org", subject="Votre convocation", body="Bonjour Alice Martin, à lundi."
    )
    send_mail_logged(
        organisation=org, to="theo@example.org", subject="Liste", body="Participants : Alice Martin, Bruno Petit."
    )
    return alice.trainee
