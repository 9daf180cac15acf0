# SPDX-License-Identifier: AGPL-3.0-or-later
"""The main path through the web UI: create a session, add a slot, enrol a client, add a trainee, see the calendar."""

import pytest

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import ClientFactory
from coopforma.training_sessions.models import Participant, Session
from coopforma.training_sessions.tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def test_create_slot_enrol_trainee_calendar(web, org, member, trainer, manager_user):
    training = TrainingFactory(organisation=org, member_structure=member, title="Animer une réunion coopérative")
    training.trainers.add(trainer)
    place = PlaceFactory(organisation=org, name="Salle du Marché")
    client_company = ClientFactory(organisation=org, member_structure=member, name="Boulangerie Coop")
    browser = web(manager_user)
    base = f"/o/{org.slug}/sessions/"

    page = browser.get(f"{base}new/?training={training.pk}")
    assert page.status_code == 200
    assert "Animer une réunion coopérative" in page.content.decode()
    response = browser.post(
        f"{base}new/",
        {
            "training": training.pk,
            "title": "",
            "status": "draft",
            "min_capacity": 1,
            "max_capacity": 8,
            "place": place.pk,
            "first_date": "",
            "first_period": "",
            "days": 1,
        },
    )
    assert response.status_code == 302, response.content.decode()
    session = Session.objects.get(training=training)
    assert session.title == "Animer une réunion coopérative"
    assert list(session.trainers.all()) == [trainer]
    detail = f"{base}{session.pk}/"
    assert response["Location"] == detail

    response = browser.post(
        f"{base}{session.pk}/slots/new/",
        {
            "slot-date": "2026-03-02",
            "slot-starts_at": "09:00",
            "slot-ends_at": "12:30",
            "slot-place": place.pk,
            "slot-trainers": [trainer.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()
    session.refresh_from_db()
    assert session.total_minutes == 210
    assert str(session.start_date) == "2026-03-02"

    response = browser.post(
        f"{base}{session.pk}/enrolments/new/",
        {"client": client_company.pk, "price_cents": "1 400,00", "status": "confirmed"},
    )
    assert response.status_code == 302, response.content.decode()
    enrolment = session.enrolments.get()
    assert enrolment.price_cents == 140000

    page = browser.get(f"{base}{session.pk}/participants/new/?enrolment={enrolment.pk}")
    assert page.status_code == 200
    response = browser.post(
        f"{base}{session.pk}/participants/new/",
        {
            "enrolment": enrolment.pk,
            "trainee": "",
            "first_name": "Sacha",
            "last_name": "Martin",
            "email": "sacha@example.org",
            "bpf_trainee_type": "a",
            "status": "registered",
        },
    )
    assert response.status_code == 302, response.content.decode()
    participant = Participant.objects.get(session=session)
    assert participant.trainee.full_name == "Sacha Martin"

    page = browser.get(detail).content.decode()
    assert "Sacha Martin" in page and "Boulangerie Coop" in page and "Salle du Marché" in page
    calendar = browser.get(f"{base}calendar/?month=2026-03").content.decode()
    assert "Animer une réunion coopérative" in calendar
    assert f'href="{detail}"' in calendar


def test_htmx_slot_add_returns_section(web, org, member, trainer, admin_user):
    from coopforma.training_sessions.tests.factories import SessionFactory

    session = SessionFactory(training__organisation=org, training__member_structure=member, title="Atelier htmx")
    browser = web(admin_user)
    url = f"/o/{org.slug}/sessions/{session.pk}/slots/add-day/"
    response = browser.post(url, {"day-date": "2026-03-03", "day-period": "both"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="slots-section"')
    assert 'id="session-summary"' in html and 'hx-swap-oob="true"' in html
    assert "7\xa0h" in html
    assert "<html" not in html
    calendar = browser.get(f"/o/{org.slug}/sessions/calendar/?month=2026-03", headers={"HX-Request": "true"})
    assert calendar.content.decode().lstrip().startswith('<div id="calendar-region"')
