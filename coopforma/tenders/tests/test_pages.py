# SPDX-License-Identifier: AGPL-3.0-or-later
"""The tender watch's pages: list and filters, a notice (deadline, lots, CPV labels, linked notices, similar
awards), « Ça m'intéresse », watch profiles."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from coopforma.tenders.models import Interest, Nature, WatchProfile
from coopforma.tenders.tests.factories import import_fixture, notice, scenario

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 3, 16, 9, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))


def url(name, **kwargs):  # type: ignore[no-untyped-def]
    return reverse(f"tenders:{name}", kwargs={"network": "reseau-coop", **kwargs})


@pytest.fixture
def s(db):  # type: ignore[no-untyped-def]
    scene = scenario()
    import_fixture()
    return scene


def test_list_and_filters(s, web):  # type: ignore[no-untyped-def]
    client = web(s.coop_user)
    page = client.get(url("notices")).content.decode()
    assert "Cours de langues et FLE" in page and "Réservé ESS" in page
    page = client.get(url("notices"), {"reserved": "on"}).content.decode()
    assert "Accord-cadre" in page and "Cours de langues" not in page
    page = client.get(url("notices"), {"departement": "13"}).content.decode()
    assert "Cours de langues" in page and "Accord-cadre" not in page
    page = client.get(url("notices"), {"open_only": "on"}).content.decode()  # today is November 2026
    assert "Aucun avis." in page
    with time_machine.travel(MONDAY, tick=False):
        page = client.get(url("notices"), {"open_only": "on"}).content.decode()
    assert "Cours de langues" in page and "Avis d&#x27;attribution" not in page
    WatchProfile.objects.create(
        network=s.network, organisation=s.coop, name="Langues", keywords="langue", recipient=s.coop_user
    )
    page = client.get(url("notices"), {"mine": "on"}).content.decode()
    assert "Cours de langues" in page and "Accord-cadre" not in page and "« langue »" in page


def test_notice_page(s, web):  # type: ignore[no-untyped-def]
    notice(
        idweb="00-80000",
        object="Attribution : formation des agents du PETR à la coopération",
        buyer="PETR EXEMPLE (FICTIF)",
        nature=Nature.AWARD,
        cpv_codes=["80530000"],
        departements=["26"],
        winners=["SCOP EXEMPLE FORMATION (FICTIF)"],
        published_on=dt.date(2025, 6, 1),
    )
    client = web(s.coop_user)
    with time_machine.travel(MONDAY, tick=False):
        page = client.get(url("notice", idweb="00-90001")).content.decode()
    assert "17 avril 2026" in page and "encore 32 jours" in page and "reportée par un rectificatif" in page
    assert "80530000 — Services de formation professionnelle" in page
    assert "80570000 — Services de formation en développement personnel" in page
    assert "Rectificatif du" in page and "00-90003" in page
    assert "SCOP EXEMPLE FORMATION (FICTIF)" in page  # who won a similar notice (same buyer, same CPV class)
    award = client.get(url("notice", idweb="00-90004")).content.decode()
    assert "GROUPEMENT CAE EXEMPLE COOP" in award and "00-89950 (pas encore importé)" in award
    assert client.get(url("notice", idweb="00-00000")).status_code == 404


def test_interest_is_recorded_once_and_seen_by_the_network(s, web):  # type: ignore[no-untyped-def]
    client = web(s.coop_user)
    response = client.post(url("notice", idweb="00-90002"), {"organisation": s.coop.pk, "note": "Lot 1 avec Beta"})
    assert response.status_code == 302
    interest = Interest.objects.get()
    assert (interest.organisation, interest.network, interest.note) == (s.coop, s.network, "Lot 1 avec Beta")
    again = client.post(url("notice", idweb="00-90002"), {"organisation": s.coop.pk})
    assert "déjà signalé son intérêt" in again.content.decode() and Interest.objects.count() == 1
    assert "Lot 1 avec Beta" in client.get(url("interests")).content.decode()
    # the moderators see every member's interests; another member does not see ours
    assert "Lot 1 avec Beta" in web(s.moderator).get(url("interests")).content.decode()
    assert "Lot 1 avec Beta" not in web(s.other_coop_user).get(url("interests")).content.decode()
    assert "Lot 1 avec Beta" not in web(s.other_coop_user).get(url("notice", idweb="00-90002")).content.decode()
    client.post(url("interest_delete", interest_id=interest.pk))
    assert not Interest.objects.exists()


def test_watch_profile_pages(s, web):  # type: ignore[no-untyped-def]
    client = web(s.coop_user)
    assert client.get(url("profile_create")).status_code == 200
    response = client.post(
        url("profile_create"),
        {
            "owner": str(s.coop.pk),
            "name": "Coopération",
            "cpv_prefixes": "805 79632",
            "keywords": "coopération\nESS",
            "departements": "26 07",
            "reserved_first": "on",
            "min_amount_cents": "1 000,00",
            "frequency": "weekly",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    profile = WatchProfile.objects.get()
    assert (profile.organisation, profile.recipient, profile.min_amount_cents) == (s.coop, s.coop_user, 100_000)
    bad = client.post(
        url("profile", profile_id=profile.pk),
        {"owner": str(s.coop.pk), "name": "X", "cpv_prefixes": "abc", "frequency": "daily"},
    )
    assert "n&#x27;est pas un début de code CPV" in bad.content.decode()
    client.post(
        url("profile", profile_id=profile.pk), {"owner": str(s.coop.pk), "name": "Renommé", "frequency": "daily"}
    )
    profile.refresh_from_db()
    assert (profile.name, profile.frequency) == ("Renommé", "daily")
    assert "Renommé" in client.get(url("profiles")).content.decode()
    # a member cannot make a network profile; a moderator can
    refused = client.post(url("profile_create"), {"owner": "reseau", "name": "R", "frequency": "daily"})
    assert refused.status_code == 200 and WatchProfile.objects.count() == 1
    web(s.moderator).post(url("profile_create"), {"owner": "reseau", "name": "Réseau", "frequency": "weekly"})
    assert WatchProfile.objects.get(name="Réseau").organisation is None
    client.post(url("profile_delete", profile_id=profile.pk))
    assert list(WatchProfile.objects.values_list("name", flat=True)) == ["Réseau"]
