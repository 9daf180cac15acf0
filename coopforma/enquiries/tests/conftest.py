# SPDX-License-Identifier: AGPL-3.0-or-later
import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.enquiries.forms import started_token
from coopforma.training_sessions.tests.factories import SessionFactory


@pytest.fixture(autouse=True)
def _mail_at_once(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The outbox sends at once (a test never commits its transaction)."""
    settings.MEDIA_ROOT = tmp_path
    shim = SimpleNamespace(atomic=transaction.atomic, on_commit=lambda func, robust=False: func())
    monkeypatch.setattr("coopforma.core.mail.transaction", shim)


@pytest.fixture
def training(org, member):  # type: ignore[no-untyped-def]
    """A published training of `member`."""
    return TrainingFactory(organisation=org, member_structure=member, title="Animer une coopérative", is_public=True)


@pytest.fixture
def other_training(org, other_member):  # type: ignore[no-untyped-def]
    """A published training of another member structure of the same OF."""
    return TrainingFactory(organisation=org, member_structure=other_member, title="Gouvernance", is_public=True)


@pytest.fixture
def session(training):  # type: ignore[no-untyped-def]
    """A public session in three weeks, 2 places."""
    start = timezone.localdate() + dt.timedelta(days=21)
    return SessionFactory(
        training=training,
        is_public=True,
        max_capacity=2,
        start_date=start,
        end_date=start + dt.timedelta(days=1),
    )


@pytest.fixture
def started():  # type: ignore[no-untyped-def]
    """A form shown a minute ago (past the minimum fill time)."""
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=1), tick=False):
        return started_token()


def person(**extra):  # type: ignore[no-untyped-def]
    data = {
        "requester_kind": "individual",
        "first_name": "Léa",
        "last_name": "Martin",
        "email": "lea.martin@example.org",
        "phone": "06 12 34 56 78",
        "company_name": "",
        "company_siret": "",
        "funding_hint": "self",
        "message": "Je suis intéressée.",
        "consent": "on",
    }
    data.update(extra)
    return data
