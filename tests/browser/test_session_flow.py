# SPDX-License-Identifier: AGPL-3.0-or-later
"""Issue #2's browser flow: log in, create a session, enrol a client and a trainee, see it on the calendar."""

import datetime as dt
import re

import pytest

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import ClientFactory
from coopforma.training_sessions.models import Participant, Session
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_create_a_session_enrol_a_client_and_a_trainee_then_see_it_on_the_calendar(
    page, trainer_user, trainer, org, member
):
    training = TrainingFactory(organisation=org, member_structure=member, title="Animer une coopération territoriale")
    training.trainers.add(trainer)
    ClientFactory(organisation=org, member_structure=member, name="Scic Les Communs")
    day = dt.date(2026, 12, 8)

    log_in(page, trainer_user)  # a trainer of a CAE: the usual author of a session
    page.wait_for_url(f"**/o/{org.slug}/")
    page.get_by_role("link", name="Nouvelle session").first.click()
    page.get_by_label(re.compile(r"^Formation\b")).select_option(label=training.title)
    page.get_by_label("Premier jour (facultatif)").fill(day.isoformat())
    page.get_by_role("button", name="Créer la session").click()

    page.wait_for_url(re.compile(rf"/o/{org.slug}/sessions/\d+/$"))
    session = Session.objects.get(training=training)
    assert page.get_by_role("heading", level=1).inner_text().startswith(training.title)
    assert session.start_date == day and session.total_minutes > 0

    page.get_by_role("link", name="Inscrire un client").click()
    page.get_by_label(re.compile(r"^Client\b")).select_option(label="Scic Les Communs")
    page.get_by_label("Prix HT (€)").fill("1 400,00")
    page.get_by_role("button", name="Inscrire le client").click()
    page.wait_for_url(re.compile(rf"/o/{org.slug}/sessions/{session.pk}/"))
    assert "Scic Les Communs" in page.content()

    page.get_by_role("link", name=re.compile("Ajouter un·e stagiaire")).first.click()
    page.get_by_label("Prénom (nouveau ou nouvelle stagiaire)").fill("Inès")
    page.get_by_label(re.compile(r"^Nom \(nouveau")).fill("Laurent")
    page.get_by_label("E-mail (nouveau ou nouvelle stagiaire)").fill("ines.laurent@example.org")
    page.get_by_role("button", name="Ajouter le ou la stagiaire").click()
    page.wait_for_url(re.compile(rf"/o/{org.slug}/sessions/{session.pk}/"))
    assert "Laurent" in page.content()
    participant = Participant.objects.get(session=session)
    assert participant.trainee.email == "ines.laurent@example.org"
    assert participant.enrolment.price_cents == 140000

    page.goto(f"/o/{org.slug}/sessions/calendar/?month={day:%Y-%m}")
    link = page.get_by_role("link", name=re.compile(training.title)).first
    assert link.is_visible()
    link.click()
    page.wait_for_url(re.compile(rf"/o/{org.slug}/sessions/{session.pk}/$"))


def test_the_calendar_is_usable_on_a_phone(phone, trainer_user, trainer, org, member):
    log_in(phone, trainer_user)
    phone.wait_for_url(f"**/o/{org.slug}/")
    phone.goto(f"/o/{org.slug}/sessions/calendar/")
    # The wide navigation collapses into a menu; the page does not scroll sideways.
    assert phone.get_by_text("Menu").is_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
