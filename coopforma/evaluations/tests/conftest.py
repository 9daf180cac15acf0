# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.evaluations.tests.factories import finished_session


@pytest.fixture(autouse=True)
def _site(settings):  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://of.example"


@pytest.fixture
def training(org, member):  # type: ignore[no-untyped-def]
    return TrainingFactory(organisation=org, member_structure=member, status="validated", is_public=True)


@pytest.fixture
def session(training, trainer):  # type: ignore[no-untyped-def]
    """A session of `member`'s training, taught by `trainer`, finished two days ago, three trainees."""
    s = finished_session(training=training)
    s.trainers.add(trainer)
    return s
