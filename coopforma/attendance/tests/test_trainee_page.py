# SPDX-License-Identifier: AGPL-3.0-or-later
"""The trainee's page shows the hours attended in each session and the assiduité (issue #4 §5)."""

import datetime as dt

import pytest
from django.urls import reverse

from coopforma.attendance import services
from coopforma.training_sessions.tests.factories import PARIS, SlotFactory

pytestmark = pytest.mark.django_db


def test_trainee_page_shows_attended_over_planned_hours(web, admin_user, admin_actor, org, session, alice, trainer):
    first = SlotFactory(
        session=session,
        starts_at=dt.datetime(2026, 3, 2, 9, tzinfo=PARIS),
        ends_at=dt.datetime(2026, 3, 2, 12, 30, tzinfo=PARIS),
    )
    second = SlotFactory(
        session=session,
        starts_at=dt.datetime(2026, 3, 2, 13, 30, tzinfo=PARIS),
        ends_at=dt.datetime(2026, 3, 2, 17, tzinfo=PARIS),
    )
    for slot in (first, second):
        slot.trainers.add(trainer)
    session.total_minutes = first.minutes + second.minutes  # 7 h planned
    session.save(update_fields=["total_minutes"])
    url = reverse("people:trainee_detail", kwargs={"org": org.slug, "pk": alice.trainee_id})

    before = web(admin_user).get(url).text
    assert "7\xa0h" in before and "émargement non saisi" in before  # nothing entered yet: no hours claimed

    services.attendance_paper_entry(
        actor=admin_actor,
        slot_id=first.pk,
        participant_id=alice.pk,
        status="present",
        reason="Feuille papier signée transcrite après le créneau",
    )
    services.attendance_paper_entry(
        actor=admin_actor,
        slot_id=second.pk,
        participant_id=alice.pk,
        status="absent",
        reason="Feuille papier signée transcrite après le créneau",
    )
    page = web(admin_user).get(url).text
    assert "3\xa0h\xa030 / 7\xa0h" in page
    assert "50 %" in page
