# SPDX-License-Identifier: AGPL-3.0-or-later
"""/api/v1/tenders/watch-profiles: the watch profiles of a member organisation (its people) and of a network (its
moderators), through the pages' services: another organisation's admin with its own token on our ids → 404, a
lesser role → 403, a bad CPV prefix, département or amount → 422 naming the field and nothing written."""

import pytest

from coopforma.accounts.models import Membership
from coopforma.accounts.tests.factories import OrganisationFactory
from coopforma.tenders import services
from coopforma.tenders.models import WatchProfile
from coopforma.tenders.tests.factories import scenario

pytestmark = pytest.mark.django_db

API = "/api/v1/tenders/watch-profiles"
JSON = "application/json"


@pytest.fixture
def s(db):  # type: ignore[no-untyped-def]
    scene = scenario()
    # The moderator works in an organisation that is not a member of the network (a federation): its token.
    scene.federation = OrganisationFactory(name="Fédération")
    Membership.objects.create(user=scene.moderator, organisation=scene.federation, role="admin")
    scene.profile = services.watch_profile_create(
        actor=scene.actor(scene.coop_user), organisation_id=scene.coop.pk, name="Veille Alpha", cpv_prefixes="805"
    )
    scene.network_profile = services.watch_profile_create(
        actor=scene.actor(scene.moderator), organisation_id=None, name="Veille du réseau", departements="26 07"
    )
    return scene


def test_a_member_keeps_its_organisations_profiles(s, api):  # type: ignore[no-untyped-def]
    client = api(s.coop_user, s.coop)
    created = client.post(
        API,
        {
            "network_id": s.network.pk,
            "name": "Formations ESS",
            "cpv_prefixes": "805 79632",
            "keywords": "coopération\nESS",
            "departements": "26 2A 974",
            "min_amount_cents": 1_000_000,
            "frequency": "daily",
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["organisation_id"], body["network"], body["frequency"]) == (s.coop.pk, "reseau-coop", "daily")
    profile = WatchProfile.objects.get(pk=body["id"])
    assert profile.recipient == s.coop_user and profile.departements == "26 2A 974"
    listed = client.get(API).json()
    assert sorted(p["name"] for p in listed["items"]) == ["Formations ESS", "Veille Alpha"]  # not the network's
    assert client.get(API, {"network_id": s.outsider_network.pk}).json()["count"] == 0
    changed = client.patch(
        f"{API}/{profile.pk}", {"keywords": "coopératives", "max_amount_cents": 5_000_000}, content_type=JSON
    )
    assert changed.status_code == 200, changed.content
    profile.refresh_from_db()
    assert (profile.keywords, profile.max_amount_cents, profile.cpv_prefixes) == (
        "coopératives",
        5_000_000,
        "805 79632",
    )
    assert client.get(f"{API}/{profile.pk}").json()["keywords"] == "coopératives"
    assert client.delete(f"{API}/{profile.pk}").status_code == 204
    assert not WatchProfile.objects.filter(pk=profile.pk).exists()


def test_the_moderator_keeps_the_networks_own_and_reads_every_profile(s, api):  # type: ignore[no-untyped-def]
    client = api(s.moderator, s.federation)
    created = client.post(API, {"network_id": s.network.pk, "for_network": True, "name": "Réseau 2"}, content_type=JSON)
    assert created.status_code == 201 and created.json()["organisation_id"] is None
    names = sorted(p["name"] for p in client.get(API).json()["items"])
    assert names == ["Réseau 2", "Veille Alpha", "Veille du réseau"]
    changed = client.patch(f"{API}/{s.network_profile.pk}", {"name": "Veille Drôme-Ardèche"}, content_type=JSON)
    assert changed.status_code == 200 and changed.json()["departements"] == "26 07"


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"cpv_prefixes": "805 80A"}, "cpv_prefixes", "n'est pas un début de code CPV"),
        ({"cpv_prefixes": "8"}, "cpv_prefixes", "n'est pas un début de code CPV"),
        ({"departements": "26 Drôme"}, "departements", "n'est pas un numéro de département"),
        ({"min_amount_cents": 500, "max_amount_cents": 100}, "max_amount_cents", "inférieur au montant minimum"),
        ({"min_amount_cents": -1}, "min_amount_cents", ""),
        ({"frequency": "monthly"}, "frequency", "Fréquence inconnue"),
        ({"name": "  "}, "name", "Donnez un nom"),
    ],
)
def test_bad_values_are_422_naming_the_field_and_nothing_is_written(s, api, body, field, says):  # type: ignore[no-untyped-def]
    client = api(s.coop_user, s.coop)
    before = list(WatchProfile.objects.order_by("pk").values())
    created = client.post(API, {"network_id": s.network.pk, "name": "Nouveau", **body}, content_type=JSON)
    changed = client.patch(f"{API}/{s.profile.pk}", {"name": "Changé", **body}, content_type=JSON)
    for response in (created, changed):
        assert response.status_code == 422, response.content
        assert [e["field"] for e in response.json()["errors"]] == [field]
        assert says in response.json()["errors"][0]["message"]
    assert list(WatchProfile.objects.order_by("pk").values()) == before


def test_another_organisations_admin_with_its_own_token_gets_404_on_our_ids(s, api):  # type: ignore[no-untyped-def]
    before = list(WatchProfile.objects.order_by("pk").values())
    # another network's moderator (admin of its own organisation), and another member organisation's admin
    for user, org in ((s.outsider, s.outsider_org), (s.other_coop_user, s.other_coop)):
        client = api(user, org)
        for profile in (s.profile, s.network_profile):
            assert client.get(f"{API}/{profile.pk}").status_code == 404
            assert client.patch(f"{API}/{profile.pk}", {"name": "x"}, content_type=JSON).status_code == 404
            assert client.delete(f"{API}/{profile.pk}").status_code == 404
        assert "Veille" not in client.get(API).content.decode()
    # nor create one in our network when it has no role there
    refused = api(s.outsider, s.outsider_org).post(API, {"network_id": s.network.pk, "name": "x"}, content_type=JSON)
    assert refused.status_code == 404
    assert list(WatchProfile.objects.order_by("pk").values()) == before


def test_a_lesser_role_gets_403(s, api):  # type: ignore[no-untyped-def]
    before = list(WatchProfile.objects.order_by("pk").values())
    member = api(s.coop_user, s.coop)
    # a member (not a moderator): not the network's own profile
    refused = member.post(API, {"network_id": s.network.pk, "for_network": True, "name": "x"}, content_type=JSON)
    assert refused.status_code == 403
    # the moderator reads a member's profile but does not act for that organisation
    moderator = api(s.moderator, s.federation)
    assert moderator.get(f"{API}/{s.profile.pk}").status_code == 200
    assert moderator.patch(f"{API}/{s.profile.pk}", {"name": "x"}, content_type=JSON).status_code == 403
    assert moderator.delete(f"{API}/{s.profile.pk}").status_code == 403
    # and the moderator's own organisation is not a member organisation of the network
    assert moderator.post(API, {"network_id": s.network.pk, "name": "x"}, content_type=JSON).status_code == 403
    assert list(WatchProfile.objects.order_by("pk").values()) == before
