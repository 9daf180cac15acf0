# SPDX-License-Identifier: AGPL-3.0-or-later
"""A small world for the quality tests: one finished two-day session of `member` taught by `trainer`, with
three trainees, and media files in a temporary directory."""

import datetime as dt

import pytest
from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.training_sessions.tests.factories import EnrolmentFactory, ParticipantFactory, SessionFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://coopforma.example"


@pytest.fixture
def training(org, member, trainer):  # type: ignore[no-untyped-def]
    org.email = "contact@coop-test.example"  # the public page's contact (indicator 1)
    org.save()
    training = TrainingFactory(organisation=org, member_structure=member, is_public=True, access_delay="10 jours")
    training.trainers.add(trainer)
    return training


def make_session(training, *, days_ago: int = 10, trainees: int = 3, minutes: int = 21 * 60):  # type: ignore[no-untyped-def]
    end = timezone.localdate() - dt.timedelta(days=days_ago)
    session = SessionFactory(
        training=training, status="done", start_date=end - dt.timedelta(days=1), end_date=end, total_minutes=minutes
    )
    enrolment = EnrolmentFactory(session=session)
    for _ in range(trainees):
        ParticipantFactory(enrolment=enrolment, status="completed")
    return session


@pytest.fixture
def session(training, trainer):  # type: ignore[no-untyped-def]
    session = make_session(training)
    session.trainers.add(trainer)
    return session
