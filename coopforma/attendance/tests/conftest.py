# SPDX-License-Identifier: AGPL-3.0-or-later
"""Fixtures of the émargement tests: a session of `member` taught by `trainer`, a slot starting now, trainees."""

import datetime as dt

import pytest
from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import ClientFactory, TraineeFactory
from coopforma.training_sessions.tests.factories import (
    EnrolmentFactory,
    ParticipantFactory,
    SessionFactory,
    SlotFactory,
)


@pytest.fixture
def training(org, member, trainer):  # type: ignore[no-untyped-def]
    training = TrainingFactory(organisation=org, member_structure=member, title="Animer une réunion coopérative")
    training.trainers.add(trainer)
    return training


@pytest.fixture
def session(training, trainer):  # type: ignore[no-untyped-def]
    session = SessionFactory(training=training, title="Réunions coopératives", status="running")
    session.trainers.add(trainer)
    return session


@pytest.fixture
def other_session(org, other_member, other_trainer):  # type: ignore[no-untyped-def]
    training = TrainingFactory(organisation=org, member_structure=other_member, title="Gouvernance partagée")
    session = SessionFactory(training=training, title="Gouvernance partagée — avril")
    session.trainers.add(other_trainer)
    return session


@pytest.fixture
def now():  # type: ignore[no-untyped-def]
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def slot(session, trainer, now):  # type: ignore[no-untyped-def]
    """A 3 h 30 slot that started 5 minutes ago (so it may be opened)."""
    slot = SlotFactory(
        session=session, starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(minutes=205)
    )
    slot.trainers.add(trainer)
    return slot


@pytest.fixture
def enrolment(org, member, session):  # type: ignore[no-untyped-def]
    company = ClientFactory(organisation=org, member_structure=member, name="Boulangerie Coop", kind="company")
    return EnrolmentFactory(session=session, client=company)


def make_participant(enrolment, first_name: str, last_name: str):  # type: ignore[no-untyped-def]
    trainee = TraineeFactory(
        organisation=enrolment.organisation,
        client=enrolment.client,
        first_name=first_name,
        last_name=last_name,
        email=f"{first_name.lower()}@example.org",
    )
    return ParticipantFactory(enrolment=enrolment, trainee=trainee)


@pytest.fixture
def alice(enrolment):  # type: ignore[no-untyped-def]
    return make_participant(enrolment, "Alice", "Martin")


@pytest.fixture
def bruno(enrolment):  # type: ignore[no-untyped-def]
    return make_participant(enrolment, "Bruno", "Petit")


@pytest.fixture(autouse=True)
def _no_seal_scheduled_by_an_earlier_test():
    """The chaining tasks a process has scheduled are remembered per slot id (services._SEALS_SCHEDULED): a test
    starts with none, whatever slot ids the earlier tests used."""
    from coopforma.attendance import services

    services._SEALS_SCHEDULED.clear()
    yield
    services._SEALS_SCHEDULED.clear()
