# SPDX-License-Identifier: AGPL-3.0-or-later
"""The trainer's space (issue #14 §7): their sessions upcoming and past with their documents, and the secret
iCalendar addresses (RFC 5545) of a trainer's slots and of a place's slots."""

import datetime as dt
import re

import icalendar
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.documents.models import Document, DocumentStatus
from coopforma.training_sessions.models import CalendarFeed
from coopforma.training_sessions.tests.factories import PARIS, PlaceFactory, SessionFactory, SlotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, member, other_member, trainer, other_trainer):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    hall = PlaceFactory(
        organisation=org, name="Salle du Marché", street="2 place du Marché", postal_code="35000", city="Rennes"
    )
    attic = PlaceFactory(organisation=org, name="Grenier", city="Brest")

    def session(title, who, start, place=None, **extra):  # type: ignore[no-untyped-def]
        training = TrainingFactory(organisation=org, member_structure=who.member_structure)
        made = SessionFactory(training=training, title=title, start_date=start, end_date=start, place=place, **extra)
        made.trainers.add(who)
        return made

    coming = session("Coopérer demain", trainer, today + dt.timedelta(days=10), hall)
    gone = session("Coopérer hier", trainer, today - dt.timedelta(days=30), hall)
    theirs = session("Gouverner", other_trainer, today + dt.timedelta(days=12), attic)
    cancelled = session("Annulée", trainer, today + dt.timedelta(days=20), hall, status="cancelled")
    at = dt.datetime.combine(today + dt.timedelta(days=10), dt.time(9, 0), tzinfo=PARIS)
    slots = {
        "coming": SlotFactory(session=coming, starts_at=at, ends_at=at + dt.timedelta(hours=3, minutes=30)),
        "gone": SlotFactory(
            session=gone, starts_at=at - dt.timedelta(days=40), ends_at=at - dt.timedelta(days=40, hours=-3)
        ),
        "theirs": SlotFactory(
            session=theirs, starts_at=at + dt.timedelta(days=2), ends_at=at + dt.timedelta(days=2, hours=3)
        ),
        "theirs_at_hall": SlotFactory(
            session=theirs, place=hall, starts_at=at + dt.timedelta(days=3), ends_at=at + dt.timedelta(days=3, hours=3)
        ),
        "cancelled": SlotFactory(
            session=cancelled, starts_at=at + dt.timedelta(days=10), ends_at=at + dt.timedelta(days=10, hours=3)
        ),
    }
    document = Document(
        organisation=org,
        kind="convocation",
        title="Convocation Coopérer demain",
        subject_type=ContentType.objects.get_for_model(coming),
        subject_id=coming.pk,
        session_id_ref=coming.pk,
        template_body="= Test",
        status=DocumentStatus.FINAL,
        sha256="0" * 64,
    )
    document.file.save("c.pdf", ContentFile(b"%PDF-1.4"), save=False)
    document.save()
    return {"hall": hall, "attic": attic, "coming": coming, "gone": gone, "theirs": theirs, "slots": slots}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://of.example"


def _feed_path(page: str) -> str:
    return re.findall(r'value="https://of\.example(/cal/[\w-]+\.ics)"', page)[0]


def _events(client: Client, path: str) -> list[icalendar.Event]:
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar.get("PRODID")
    return list(calendar.walk("VEVENT"))


def test_trainer_space_lists_their_sessions_and_documents(web, org, trainer_user, world):  # type: ignore[no-untyped-def]
    page = web(trainer_user).get(reverse("sessions:trainer_space", kwargs={"org": org.slug})).content.decode()
    upcoming, past = page.split("Sessions passées")
    assert "Coopérer demain" in upcoming and "Coopérer hier" in past
    assert "Convocation Coopérer demain" in upcoming and "Gouverner" not in page and "Annulée" not in page


def test_others_get_no_trainer_space(web, org, admin_user, manager_user, stranger):  # type: ignore[no-untyped-def]
    url = reverse("sessions:trainer_space", kwargs={"org": org.slug})
    assert web(admin_user).get(url).status_code == 403  # no trainer profile here
    assert web(manager_user).get(url).status_code == 403
    assert web(stranger).get(url).status_code == 404  # not a member of our organisation
    assert Client().get(url).status_code == 302  # to the login page


def test_the_trainer_feed_has_exactly_their_slots(web, org, trainer_user, other_trainer, world):  # type: ignore[no-untyped-def]
    url = reverse("sessions:trainer_space", kwargs={"org": org.slug})
    page = web(trainer_user).post(url, {"action": "renew"}).content.decode()
    path = _feed_path(page)
    token = path.split("/")[2].removesuffix(".ics")
    assert CalendarFeed.objects.get().token_hash == CalendarFeed.hash_token(token) != token
    events = _events(Client(), path)
    slots = world["slots"]
    assert sorted(str(e["UID"]) for e in events) == sorted(f"slot-{slots[k].pk}@of.example" for k in ("coming", "gone"))
    event = next(e for e in events if str(e["UID"]) == f"slot-{slots['coming'].pk}@of.example")
    start = event.decoded("DTSTART")
    assert start.utcoffset() == dt.timedelta(0) and start == slots["coming"].starts_at
    assert event.decoded("DTEND") == slots["coming"].ends_at
    assert str(event["SUMMARY"]) == "Coopérer demain"
    assert "Salle du Marché" in str(event["LOCATION"]) and "35000 Rennes" in str(event["LOCATION"])
    # The page never shows the address again.
    assert "/cal/" not in web(trainer_user).get(url).content.decode()

    # Another trainer's address gives theirs, nothing of ours.
    other_page = web(other_trainer.user).post(url, {"action": "renew"}).content.decode()
    theirs = _events(Client(), _feed_path(other_page))
    assert {str(e["UID"]) for e in theirs} == {f"slot-{slots[k].pk}@of.example" for k in ("theirs", "theirs_at_hall")}

    # Renewed: the old address answers 404; revoked: the new one too.
    renewed = _feed_path(web(trainer_user).post(url, {"action": "renew"}).content.decode())
    assert Client().get(path).status_code == 404 and Client().get(renewed).status_code == 200
    web(trainer_user).post(url, {"action": "revoke"})
    assert Client().get(renewed).status_code == 404
    assert Client().get("/cal/nimporte-quoi.ics").status_code == 404


def test_place_feed_for_staff(web, org, other_org, quality_user, trainer_user, manager_user, stranger, world):  # type: ignore[no-untyped-def]
    url = reverse("sessions:place_calendar", kwargs={"org": org.slug, "pk": world["hall"].pk})
    assert web(quality_user).get(url).status_code == 200
    path = _feed_path(web(quality_user).post(url, {"action": "renew"}).content.decode())
    slots = world["slots"]
    uids = {str(e["UID"]) for e in _events(Client(), path)}
    assert uids == {f"slot-{slots[k].pk}@of.example" for k in ("coming", "gone", "theirs_at_hall")}
    assert web(trainer_user).post(url, {"action": "renew"}).status_code == 403
    assert web(manager_user).get(url).status_code == 403
    assert web(stranger).get(url).status_code == 404
    foreign = reverse("sessions:place_calendar", kwargs={"org": other_org.slug, "pk": world["hall"].pk})
    assert web(stranger).post(foreign, {"action": "renew"}).status_code == 404  # their own organisation, our id
    assert CalendarFeed.objects.count() == 1


def test_trainer_space_queries_do_not_grow_with_sessions(
    web, org, member, trainer, trainer_user, world, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    client = web(trainer_user)
    url = reverse("sessions:trainer_space", kwargs={"org": org.slug})
    with django_assert_max_num_queries(40) as before:
        client.get(url)
    for n in range(5):
        made = SessionFactory(training__organisation=org, training__member_structure=member, title=f"Encore {n}")
        made.trainers.add(trainer)
    with django_assert_max_num_queries(len(before.captured_queries)):
        page = client.get(url).content.decode()
    assert "Encore 4" in page
