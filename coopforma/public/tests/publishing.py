# SPDX-License-Identifier: AGPL-3.0-or-later
"""Published trainings and public sessions for the SEO, feeds and widget tests (dates relative to the frozen
day, so the tests hold whatever COOPFORMA_TEST_NOW says)."""

import datetime as dt
from typing import Any

from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.training_sessions.tests.factories import PARIS, PlaceFactory, SessionFactory, SlotFactory


def published_training(org: Any, member: Any, **fields: Any) -> Any:
    return TrainingFactory(organisation=org, member_structure=member, status="validated", is_public=True, **fields)


def public_session(training: Any, *, days_ahead: int, is_public: bool = True, status: str = "confirmed") -> Any:
    """A session with two slots of 3 h 30, `days_ahead` days from today, at a place in Rennes."""
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    place = PlaceFactory(organisation=training.organisation)
    session = SessionFactory(
        training=training, is_public=is_public, status=status, place=place, start_date=day,
        end_date=day + dt.timedelta(days=1), total_minutes=420,
    )  # fmt: skip
    for offset in (0, 1):
        start = dt.datetime.combine(day + dt.timedelta(days=offset), dt.time(9), tzinfo=PARIS)
        SlotFactory(session=session, starts_at=start, ends_at=start + dt.timedelta(hours=3, minutes=30))
    return session
