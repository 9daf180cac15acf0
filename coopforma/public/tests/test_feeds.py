# SPDX-License-Identifier: AGPL-3.0-or-later
"""iCalendar and Atom feeds of upcoming public sessions, per organisation and per member structure."""

import datetime as dt
import xml.etree.ElementTree as ET
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date
from icalendar import Calendar

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.factories import MemberStructureFactory
from coopforma.public import feeds
from coopforma.public.tests.publishing import public_session, published_training

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _summaries(response) -> list[str]:  # type: ignore[no-untyped-def]
    calendar = Calendar.from_ical(response.content)
    return [str(e["summary"]) for e in calendar.walk("VEVENT")]


def _atom_titles(response) -> list[str]:  # type: ignore[no-untyped-def]
    root = ET.fromstring(response.content)  # noqa: S314 (our own response)
    return [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]


@pytest.fixture
def catalogue(org, member, other_member):  # type: ignore[no-untyped-def]
    member.slug, other_member.slug = "cae-test", "scop-voisine"
    member.save()
    other_member.save()
    ours = public_session(published_training(org, member, title="Compta coopérative"), days_ahead=5)
    theirs = public_session(published_training(org, other_member, title="Gouvernance partagée"), days_ahead=8)
    public_session(published_training(org, member, title="Session cachée"), days_ahead=6, is_public=False)
    public_session(published_training(org, member, title="Session annulée"), days_ahead=6, status="cancelled")
    public_session(published_training(org, member, title="Session passée"), days_ahead=-3)
    unpublished = TrainingFactory(
        organisation=org, member_structure=member, status="draft", is_public=True, title="Brouillon non publié"
    )
    public_session(unpublished, days_ahead=7)
    return ours, theirs


def test_the_ics_feed_holds_the_upcoming_public_sessions_only(org, catalogue):
    response = Client().get(f"/f/{org.slug}/sessions.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    summaries = _summaries(response)
    assert summaries.count("Compta coopérative") == 2  # one event per slot
    assert summaries.count("Gouvernance partagée") == 2
    assert not {"Session cachée", "Session annulée", "Session passée", "Brouillon non publié"} & set(summaries)
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert "https://of.example/f/coop-test/" in str(event["description"])
    assert "Set-Cookie" not in response


def test_the_atom_feed_lists_the_same_sessions(org, catalogue):
    response = Client().get(f"/f/{org.slug}/sessions.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    titles = _atom_titles(response)
    assert [t.split(" — ")[0] for t in titles] == ["Compta coopérative", "Gouvernance partagée"]


@pytest.mark.parametrize("kind", ["ics", "atom"])
def test_a_structure_feed_holds_its_sessions_by_slug_or_pk(org, member, catalogue, kind):
    for key in ("cae-test", str(member.pk)):
        response = Client().get(f"/f/{org.slug}/structures/{key}/sessions.{kind}")
        assert response.status_code == 200
        text = response.content.decode()
        assert "Compta coopérative" in text
        assert "Gouvernance partagée" not in text


@pytest.mark.parametrize("kind", ["ics", "atom"])
def test_another_organisations_structure_is_404(org, other_org, member, catalogue, kind):
    foreign = MemberStructureFactory(organisation=other_org, name="Ailleurs", slug="ailleurs")
    client = Client()
    assert client.get(f"/f/{org.slug}/structures/ailleurs/sessions.{kind}").status_code == 404
    assert client.get(f"/f/{org.slug}/structures/{foreign.pk}/sessions.{kind}").status_code == 404
    assert client.get(f"/f/{other_org.slug}/structures/cae-test/sessions.{kind}").status_code == 404
    assert client.get(f"/f/{other_org.slug}/structures/{member.pk}/sessions.{kind}").status_code == 404
    assert client.get(f"/f/inconnu/sessions.{kind}").status_code == 404


@pytest.mark.parametrize("kind", ["ics", "atom"])
def test_conditional_get_and_cache_headers(org, catalogue, kind):
    client = Client()
    first = client.get(f"/f/{org.slug}/sessions.{kind}")
    assert first["ETag"] and first["Last-Modified"]
    assert first["Last-Modified"] == http_date(feeds.last_modified(None, org.slug).timestamp())
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]
    assert client.get(f"/f/{org.slug}/sessions.{kind}", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    since = client.get(f"/f/{org.slug}/sessions.{kind}", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    ours, _theirs = catalogue
    ours.max_capacity = 3  # places left change: a new ETag
    ours.save()
    assert client.get(f"/f/{org.slug}/sessions.{kind}", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


@pytest.mark.parametrize("kind", ["ics", "atom"])
def test_last_modified_is_todays_midnight_when_nothing_changed_since(org, catalogue, kind):
    from coopforma.catalogue.models import Training
    from coopforma.training_sessions.models import Session, Slot

    week_ago = timezone.now() - dt.timedelta(days=7)
    for model in (Training, Session, Slot):
        model.objects.filter(organisation=org).update(updated_at=week_ago)
    midnight = dt.datetime.combine(timezone.localdate(), dt.time(), tzinfo=ZoneInfo("Europe/Paris"))
    response = Client().get(f"/f/{org.slug}/sessions.{kind}")
    assert response["Last-Modified"] == http_date(midnight.timestamp())
    again = Client().get(f"/f/{org.slug}/sessions.{kind}", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304
