# SPDX-License-Identifier: AGPL-3.0-or-later
"""A groupement's calendar as a subscribable feed: a secret address per person (only its SHA-256 kept), shown
once, renewed (the old one 404) or revoked; it stops when its person may no longer read the groupement."""

import re

import icalendar
import pytest
from django.urls import reverse

from coopforma.accounts.models import Membership
from coopforma.tenders import consortium_services as svc
from coopforma.tenders import services
from coopforma.tenders.models import ConsortiumCalendarFeed
from coopforma.tenders.tests.factories import notice, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(db):  # type: ignore[no-untyped-def]
    scene = scenario()
    scene.notice = notice(object="Formation à la coopération territoriale")
    for org, user in [(scene.coop, scene.coop_user), (scene.other_coop, scene.other_coop_user)]:
        services.interest_create(actor=scene.actor(user), notice=scene.notice, organisation_id=org.pk)
    scene.consortium = svc.consortium_create(
        actor=scene.actor(scene.moderator),
        notice=scene.notice,
        form="joint",
        mandataire_id=scene.coop.pk,
        member_ids=[scene.other_coop.pk],
    )
    return scene


def feed_page(s, slug="reseau-coop"):  # type: ignore[no-untyped-def]
    return reverse("tenders:consortium_calendar_feed", kwargs={"network": slug, "consortium_id": s.consortium.pk})


def new_address(client, s):  # type: ignore[no-untyped-def]
    response = client.post(feed_page(s), {"action": "renew"})
    assert response.status_code == 200
    return re.search(r'value="(http[^"]+\.ics)"', response.content.decode()).group(1)


def test_a_secret_address_shown_once_hashed_renewed_and_revoked(s, web, client):  # type: ignore[no-untyped-def]
    member = web(s.coop_user)
    address = new_address(member, s)
    token = address.rsplit("/", 1)[1].removesuffix(".ics")
    feed = ConsortiumCalendarFeed.objects.get()
    assert feed.token_hash == ConsortiumCalendarFeed.hash_token(token) and token not in feed.token_hash
    path = address.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)  # not logged in: the token is the key
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT") is not None
    feed.refresh_from_db()
    assert feed.last_read_at is not None
    # Another network's slug with our token: 404.
    assert client.get("/" + path.replace("reseau-coop", "autre-reseau")).status_code == 404
    # Renewed: the old address 404, the new one works.
    second = new_address(member, s)
    assert client.get("/" + path).status_code == 404
    assert client.get("/" + second.split("://", 1)[1].split("/", 1)[1]).status_code == 200
    assert ConsortiumCalendarFeed.objects.count() == 1
    member.post(feed_page(s), {"action": "revoke"})
    assert client.get("/" + second.split("://", 1)[1].split("/", 1)[1]).status_code == 404
    assert not ConsortiumCalendarFeed.objects.exists()


def test_the_address_stops_when_its_person_may_no_longer_read_the_groupement(s, web, client):  # type: ignore[no-untyped-def]
    address = new_address(web(s.other_coop_user), s)
    path = "/" + address.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200
    Membership.objects.filter(user=s.other_coop_user).delete()  # no longer works in a member organisation
    assert client.get(path).status_code == 404


def test_only_those_who_read_the_groupement_get_an_address(s, web):  # type: ignore[no-untyped-def]
    assert web(s.outsider).post(feed_page(s, "autre-reseau"), {"action": "renew"}).status_code == 404
    assert web(s.outsider).post(feed_page(s), {"action": "renew"}).status_code == 403
    third_org_user = s.outsider  # no role here
    assert web(third_org_user).get(feed_page(s)).status_code in (403, 405)
    assert not ConsortiumCalendarFeed.objects.exists()
    assert web(s.moderator).post(feed_page(s), {"action": "renew"}).status_code == 200
    assert ConsortiumCalendarFeed.objects.filter(user=s.moderator).count() == 1
