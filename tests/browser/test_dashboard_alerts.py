# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue 14, point 3, as the OF's manager (its administrator) touches it: the dashboard chases a past slot whose
émargement was never opened (instead of « tout est à jour »), and its link lands on that slot's émargement page."""

import datetime as dt

import pytest
from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.training_sessions.tests.factories import PARIS, ParticipantFactory, SessionFactory, SlotFactory
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_follows_the_alert_of_a_past_unsigned_slot_to_its_page(page, admin_user, org, member, trainer):
    day = timezone.localdate() - dt.timedelta(days=9)
    training = TrainingFactory(organisation=org, member_structure=member, title="Coopérer en territoire")
    session = SessionFactory(training=training, title="Coopérer en territoire", start_date=day, end_date=day)
    session.trainers.add(trainer)
    slot = SlotFactory(
        session=session,
        starts_at=dt.datetime.combine(day, dt.time(9), tzinfo=PARIS),
        ends_at=dt.datetime.combine(day, dt.time(12, 30), tzinfo=PARIS),
    )
    slot.trainers.add(trainer)
    ParticipantFactory(enrolment__session=session)

    log_in(page, admin_user)
    page.goto(f"/o/{org.slug}/")
    todo = page.get_by_role("region", name="À faire")
    assert todo.get_by_text("Rien d'urgent").count() == 0
    alert = todo.get_by_role(
        "link", name=f"« Coopérer en territoire » : 1 créneau passé sans émargement clos (le {day:%d/%m/%Y} à 09 h 00)"
    )
    alert.click()
    page.wait_for_url(f"**/o/{org.slug}/attendance/slots/{slot.pk}/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Émargement du")
    assert page.get_by_text("Pas encore ouvert").first.is_visible()
