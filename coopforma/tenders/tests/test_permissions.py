# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who sees what in the tender watch: the network's people only (403 otherwise, login when anonymous); a member
its own organisations' interests and profiles, the moderators all of the network's; another network's
moderator with its own slug and our ids: 404."""

import pytest
from django.urls import reverse

from coopforma.accounts.tests.factories import UserFactory
from coopforma.networks.models import NetworkPerson, NetworkRole
from coopforma.tenders import services
from coopforma.tenders.models import Interest, Notice, WatchProfile
from coopforma.tenders.tests.factories import import_fixture, member_of, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(db):  # type: ignore[no-untyped-def]
    scene = scenario()
    import_fixture()
    notice = Notice.objects.get(idweb="00-90002")
    scene.interest = services.interest_create(
        actor=scene.actor(scene.coop_user), notice=notice, organisation_id=scene.coop.pk, note="Secret Alpha"
    )
    scene.profile = services.watch_profile_create(
        actor=scene.actor(scene.coop_user), organisation_id=scene.coop.pk, name="Veille Alpha"
    )
    return scene


def pages(slug, s):  # type: ignore[no-untyped-def]
    kw = {"network": slug}
    return [
        reverse("tenders:notices", kwargs=kw),
        reverse("tenders:notice", kwargs={**kw, "idweb": "00-90002"}),
        reverse("tenders:interests", kwargs=kw),
        reverse("tenders:profiles", kwargs=kw),
        reverse("tenders:profile_create", kwargs=kw),
        reverse("tenders:profile", kwargs={**kw, "profile_id": s.profile.pk}),
    ]


def test_anonymous_is_sent_to_login(s, client):  # type: ignore[no-untyped-def]
    for page in pages("reseau-coop", s):
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], page


@pytest.mark.parametrize("who", ["no_role", "outsider"])
def test_people_outside_the_network_get_403(s, web, who):  # type: ignore[no-untyped-def]
    user = UserFactory() if who == "no_role" else s.outsider
    client = web(user)
    for page in pages("reseau-coop", s):
        assert client.get(page).status_code == 403, page
    post = client.post(
        reverse("tenders:notice", kwargs={"network": "reseau-coop", "idweb": "00-90002"}),
        {"organisation": s.outsider_org.pk},
    )
    assert post.status_code == 403 and Interest.objects.count() == 1
    deleted = client.post(
        reverse("tenders:interest_delete", kwargs={"network": "reseau-coop", "interest_id": s.interest.pk})
    )
    assert deleted.status_code == 403 and Interest.objects.count() == 1


def test_another_networks_moderator_with_its_own_slug_gets_404_on_our_ids(s, web):  # type: ignore[no-untyped-def]
    client = web(s.outsider)
    kw = {"network": "autre-reseau"}
    assert client.get(reverse("tenders:interests", kwargs=kw)).status_code == 200
    assert "Secret Alpha" not in client.get(reverse("tenders:interests", kwargs=kw)).content.decode()
    notice_page = client.get(reverse("tenders:notice", kwargs={**kw, "idweb": "00-90002"})).content.decode()
    assert "Secret Alpha" not in notice_page  # public notice, but our interest stays ours
    for name, kwargs in [
        ("interest_delete", {"interest_id": s.interest.pk}),
        ("profile", {"profile_id": s.profile.pk}),
        ("profile_delete", {"profile_id": s.profile.pk}),
    ]:
        target = reverse(f"tenders:{name}", kwargs={**kw, **kwargs})
        assert client.post(target, {"name": "x", "owner": "reseau", "frequency": "daily"}).status_code == 404
    assert client.get(reverse("tenders:profile", kwargs={**kw, "profile_id": s.profile.pk})).status_code == 404
    assert Interest.objects.filter(pk=s.interest.pk).exists()
    assert WatchProfile.objects.get(pk=s.profile.pk).name == "Veille Alpha"
    # nor can it say « Ça m'intéresse » for one of our members
    with pytest.raises(Exception, match="n'agissez pas"):
        services.interest_create(
            actor=s.actor(s.outsider, s.outsider_network),
            notice=s.interest.notice,
            organisation_id=s.coop.pk,
        )


def test_a_lesser_role_sees_only_its_own_organisations(s, web):  # type: ignore[no-untyped-def]
    committee = member_of(s.network, s.other_coop, NetworkRole.COMMITTEE)
    for user in (s.other_coop_user, committee):
        client = web(user)
        assert (
            "Secret Alpha"
            not in client.get(reverse("tenders:interests", kwargs={"network": "reseau-coop"})).content.decode()
        )
        kw = {"network": "reseau-coop"}
        assert (
            client.post(reverse("tenders:interest_delete", kwargs={**kw, "interest_id": s.interest.pk})).status_code
            == 404
        )
        assert client.get(reverse("tenders:profile", kwargs={**kw, "profile_id": s.profile.pk})).status_code == 404
        # and cannot act for our organisation
        client.post(reverse("tenders:notice", kwargs={**kw, "idweb": "00-90001"}), {"organisation": s.coop.pk})
        assert not Interest.objects.filter(notice__idweb="00-90001").exists()
    assert Interest.objects.filter(pk=s.interest.pk).exists()
    # the moderator sees it, and a user with a role but in no member organisation sees the notices only
    assert (
        "Secret Alpha"
        in web(s.moderator).get(reverse("tenders:interests", kwargs={"network": "reseau-coop"})).content.decode()
    )
    lone = UserFactory()
    NetworkPerson.objects.create(network=s.network, user=lone, role=NetworkRole.MEMBER)
    page = web(lone).get(reverse("tenders:notice", kwargs={"network": "reseau-coop", "idweb": "00-90002"}))
    assert page.status_code == 200 and "Ça m&#x27;intéresse" not in page.content.decode()
