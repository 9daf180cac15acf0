# SPDX-License-Identifier: AGPL-3.0-or-later
"""The lists, the detail page and the calendar run a constant number of queries, however many rows."""

import datetime as dt

import pytest

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import ClientFactory
from coopforma.training_sessions.tests.conftest import paris
from coopforma.training_sessions.tests.factories import (
    EnrolmentFactory,
    FundingLineFactory,
    ParticipantFactory,
    PlaceFactory,
    SessionFactory,
    SlotFactory,
)

pytestmark = pytest.mark.django_db


def add_sessions(org, member, trainer, place, n: int, start: int) -> None:  # type: ignore[no-untyped-def]
    training = TrainingFactory(organisation=org, member_structure=member)
    for i in range(start, start + n):
        session = SessionFactory(
            training=training, title=f"Session {i}", start_date=dt.date(2026, 3, 1), end_date=dt.date(2026, 3, 2)
        )
        session.trainers.add(trainer)
        slot = SlotFactory(
            session=session,
            place=place,
            starts_at=paris(2026, 3, 1 + i % 28, 9),
            ends_at=paris(2026, 3, 1 + i % 28, 12),
        )
        slot.trainers.add(trainer)
        enrolment = EnrolmentFactory(session=session, client=ClientFactory(organisation=org, member_structure=member))
        FundingLineFactory(enrolment=enrolment, amount_cents=1000)
        ParticipantFactory(enrolment=enrolment)


@pytest.mark.parametrize("who", ["admin_user", "manager_user", "trainer_user"])
def test_session_list_queries_are_constant(request, web, org, member, trainer, django_assert_max_num_queries, who):
    place = PlaceFactory(organisation=org)
    browser = web(request.getfixturevalue(who))
    add_sessions(org, member, trainer, place, 3, 0)
    with django_assert_max_num_queries(10):
        page = browser.get(f"/o/{org.slug}/sessions/?status=confirmed")
    assert page.content.decode().count("Session ") >= 3
    add_sessions(org, member, trainer, place, 30, 3)
    with django_assert_max_num_queries(10):
        page = browser.get(f"/o/{org.slug}/sessions/?status=confirmed")
    assert "Session 32" in page.content.decode()


def test_detail_queries_are_constant(web, admin_user, org, session, trainer, place, django_assert_max_num_queries):
    browser = web(admin_user)

    def grow(n: int) -> None:
        for _ in range(n):
            client = ClientFactory(organisation=org)
            enrolment = EnrolmentFactory(session=session, client=client)
            FundingLineFactory(enrolment=enrolment, amount_cents=1000)
            ParticipantFactory(enrolment=enrolment)
        for day in range(n // 3):
            slot = SlotFactory(
                session=session, place=place, starts_at=paris(2026, 4, 1 + day, 9), ends_at=paris(2026, 4, 1 + day, 12)
            )
            slot.trainers.add(trainer)

    grow(3)
    browser.get(f"/o/{org.slug}/sessions/{session.pk}/")  # warm the content-type cache
    with django_assert_max_num_queries(16):
        browser.get(f"/o/{org.slug}/sessions/{session.pk}/")
    grow(27)
    assert session.participants.count() == 30
    with django_assert_max_num_queries(16):
        page = browser.get(f"/o/{org.slug}/sessions/{session.pk}/")
    assert page.content.decode().count("Stagiaire") >= 30


def test_calendar_queries_are_constant(web, trainer_user, org, member, trainer, django_assert_max_num_queries):
    place = PlaceFactory(organisation=org)
    browser = web(trainer_user)
    add_sessions(org, member, trainer, place, 3, 0)
    with django_assert_max_num_queries(9):
        browser.get(f"/o/{org.slug}/sessions/calendar/?month=2026-03")
    add_sessions(org, member, trainer, place, 30, 3)
    with django_assert_max_num_queries(9):
        page = browser.get(f"/o/{org.slug}/sessions/calendar/?month=2026-03")
    assert page.content.decode().count("09:00–12:00") == 33


def test_api_list_queries_are_constant(api, admin_user, org, member, trainer, django_assert_max_num_queries):
    place = PlaceFactory(organisation=org)
    client = api(admin_user, org)
    add_sessions(org, member, trainer, place, 3, 0)
    with django_assert_max_num_queries(7):
        client.get("/api/v1/sessions")
    add_sessions(org, member, trainer, place, 30, 3)
    with django_assert_max_num_queries(7):
        body = client.get("/api/v1/sessions").json()
    assert body["count"] == 33


def test_place_list_queries_are_constant(web, admin_user, org, django_assert_max_num_queries):
    browser = web(admin_user)
    for _ in range(3):
        PlaceFactory(organisation=org)
    with django_assert_max_num_queries(6):
        browser.get(f"/o/{org.slug}/sessions/places/")
    for _ in range(30):
        PlaceFactory(organisation=org)
    with django_assert_max_num_queries(6):
        browser.get(f"/o/{org.slug}/sessions/places/")
