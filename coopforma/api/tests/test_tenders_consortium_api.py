# SPDX-License-Identifier: AGPL-3.0-or-later
"""/api/v1/tenders/…/consortiums: forming a groupement from a notice, changing it while forming, submitting it and
recording its outcome, through the pages' services and rules: the network's moderators only (a member of the
groupement: 403), another organisation's admin with its own token on our ids: 404, refused values: 422 naming the
field and nothing written; nobody reads another member's prices unless in the same groupement."""

from typing import Any

import pytest

from coopforma.accounts.models import Membership
from coopforma.accounts.tests.factories import OrganisationFactory
from coopforma.tenders import services
from coopforma.tenders.models import (
    Consortium,
    ConsortiumMember,
    ConsortiumMilestone,
    ConsortiumShare,
    ConsortiumState,
    NoticeLot,
)
from coopforma.tenders.tests.factories import member_of, notice, scenario

pytestmark = pytest.mark.django_db

API = "/api/v1/tenders"
JSON = "application/json"


@pytest.fixture
def s(db):  # type: ignore[no-untyped-def]
    scene = scenario()
    scene.notice = notice(object="Formation à la coopération territoriale")
    scene.lot1 = NoticeLot.objects.create(notice=scene.notice, number="1", title="Coopération territoriale")
    scene.lot2 = NoticeLot.objects.create(notice=scene.notice, number="2", title="Animation de réseaux")
    scene.third = OrganisationFactory(name="Coop Gamma")
    scene.third_user = member_of(scene.network, scene.third)
    for org, user in [
        (scene.coop, scene.coop_user),
        (scene.other_coop, scene.other_coop_user),
        (scene.third, scene.third_user),
    ]:
        services.interest_create(actor=scene.actor(user), notice=scene.notice, organisation_id=org.pk)
    # The moderator's token acts in an organisation that is not a member of the network (a federation).
    scene.federation = OrganisationFactory(name="Fédération")
    Membership.objects.create(user=scene.moderator, organisation=scene.federation, role="admin")
    return scene


def rows() -> list[Any]:
    """Everything a refused request must leave as it was."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (Consortium, ConsortiumMember, ConsortiumShare, ConsortiumMilestone)
    ]


def create_body(s: Any, **changes: Any) -> dict[str, Any]:
    body = {
        "network_id": s.network.pk,
        "form": "joint_several",
        "mandataire_id": s.coop.pk,
        "member_ids": [s.coop.pk, s.other_coop.pk],
        "period_start": "2026-09-01",
        "period_end": "2026-12-31",
        "shares": [
            {"organisation_id": s.coop.pk, "lot": "1", "per_mille": 600},
            {"organisation_id": s.other_coop.pk, "lot": "1", "per_mille": 400},
            {"organisation_id": s.other_coop.pk, "lot": "2", "per_mille": 1000},
        ],
    }
    return body | changes


def formed(s: Any, api: Any) -> dict[str, Any]:
    response = api(s.moderator, s.federation).post(
        f"{API}/notices/{s.notice.idweb}/consortiums", create_body(s), content_type=JSON
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_the_moderator_forms_changes_submits_and_records_the_outcome(s, api):  # type: ignore[no-untyped-def]
    body = formed(s, api)
    assert (body["form"], body["state"], body["mandataire_id"]) == ("joint_several", "forming", s.coop.pk)
    assert sorted(body["members"]) == ["Coop Alpha", "Coop Beta"]
    assert {(x["organisation_id"], x["lot"], x["per_mille"]) for x in body["shares"]} == {
        (s.coop.pk, "1", 600),
        (s.other_coop.pk, "1", 400),
        (s.other_coop.pk, "2", 1000),
    }
    moderator = api(s.moderator, s.federation)
    url = f"{API}/consortiums/{body['id']}"
    # Gamma joins and takes lot 2, Beta leaves; Gamma becomes the mandataire and Alpha stays: one step.
    changed = moderator.patch(
        url,
        {
            "form": "subcontracting",
            "mandataire_id": s.third.pk,
            "member_ids": [s.coop.pk, s.third.pk],
            "shares": [
                {"organisation_id": s.coop.pk, "lot": "1", "per_mille": 1000},
                {"organisation_id": s.third.pk, "lot": "2", "per_mille": 1000},
            ],
            "period_end": None,
        },
        content_type=JSON,
    )
    assert changed.status_code == 200, changed.content
    after = changed.json()
    assert (after["form"], after["mandataire_id"], after["period_start"], after["period_end"]) == (
        "subcontracting",
        s.third.pk,
        "2026-09-01",
        None,
    )
    assert sorted(after["members"]) == ["Coop Alpha", "Coop Gamma"]
    assert {(x["organisation_id"], x["lot"]) for x in after["shares"]} == {(s.coop.pk, "1"), (s.third.pk, "2")}
    submitted = moderator.post(f"{url}/submit")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    # no change once submitted
    late = moderator.patch(url, {"form": "joint"}, content_type=JSON)
    assert late.status_code == 422 and "n'est plus en constitution" in late.json()["detail"]
    won = moderator.post(
        f"{url}/outcome", {"outcome": "won", "price_cents": 1_250_000, "feedback": "Bonne note"}, content_type=JSON
    )
    assert won.status_code == 200, won.content
    assert (won.json()["state"], won.json()["price_cents"], won.json()["feedback"]) == ("won", 1_250_000, "Bonne note")
    consortium = Consortium.objects.get(pk=body["id"])
    assert consortium.state == ConsortiumState.WON and consortium.decided_at is not None


def test_a_notice_without_lots_is_shared_as_a_whole(s, api):  # type: ignore[no-untyped-def]
    whole = notice(object="Formation sans lots")
    for org, user in [(s.coop, s.coop_user), (s.other_coop, s.other_coop_user)]:
        services.interest_create(actor=s.actor(user), notice=whole, organisation_id=org.pk)
    shares = [
        {"organisation_id": s.coop.pk, "lot": None, "per_mille": 500},
        {"organisation_id": s.other_coop.pk, "per_mille": 500},
    ]
    response = api(s.moderator, s.federation).post(
        f"{API}/notices/{whole.idweb}/consortiums",
        create_body(s, form="joint", shares=shares, period_start=None, period_end=None),
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    assert {x["lot"] for x in response.json()["shares"]} == {None}


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"form": "cotraitance"}, "form", "Forme inconnue"),
        ({"mandataire_id": 999_999}, "mandataire_id", "mandataire"),
        ({"member_ids": [999_999]}, "member_ids", "intéressées"),
        ({"period_end": "2026-08-01"}, "period_end", "précède"),
        (
            {"shares": [{"organisation_id": 1, "lot": "1", "per_mille": 1000}]},
            "shares",
            "n'est pas celui du groupement",
        ),
        ({"shares": [{"organisation_id": 1, "lot": "9", "per_mille": 1000}]}, "shares.0.lot", "pas un lot de l'avis"),
        ({"shares": [{"organisation_id": 1, "lot": "1", "per_mille": 1001}]}, "shares.0.per_mille", ""),
    ],
)
def test_refused_creations_name_the_field_and_write_nothing(s, api, changes, field, says):  # type: ignore[no-untyped-def]
    if changes.get("shares") and changes["shares"][0]["organisation_id"] == 1:
        changes["shares"][0]["organisation_id"] = s.outsider_org.pk
    before = rows()
    response = api(s.moderator, s.federation).post(
        f"{API}/notices/{s.notice.idweb}/consortiums", create_body(s, **changes), content_type=JSON
    )
    assert response.status_code == 422, response.content
    named = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert field in named and says in named[field], named  # (a stranger as mandataire is not a member either)
    assert rows() == before


def test_shares_that_do_not_add_up_write_nothing(s, api):  # type: ignore[no-untyped-def]
    before = rows()
    shares = [
        {"organisation_id": s.coop.pk, "lot": "1", "per_mille": 600},
        {"organisation_id": s.other_coop.pk, "lot": "1", "per_mille": 300},
    ]
    moderator = api(s.moderator, s.federation)
    response = moderator.post(
        f"{API}/notices/{s.notice.idweb}/consortiums", create_body(s, shares=shares), content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "shares" and "900 ‰" in response.json()["detail"]
    assert rows() == before
    # the same on a change: the member added with them is not kept either
    body = formed(s, api)
    before = rows()
    changed = moderator.patch(
        f"{API}/consortiums/{body['id']}",
        {"member_ids": [s.coop.pk, s.other_coop.pk, s.third.pk], "shares": shares, "form": "joint"},
        content_type=JSON,
    )
    assert changed.status_code == 422 and changed.json()["errors"][0]["field"] == "shares"
    assert rows() == before
    # a member leaving while it still holds shares, the mandataire leaving without another named
    for patch, field in (
        ({"member_ids": [s.coop.pk, s.third.pk]}, "shares"),
        ({"member_ids": [s.other_coop.pk, s.third.pk]}, "mandataire_id"),
    ):
        refused = moderator.patch(f"{API}/consortiums/{body['id']}", patch, content_type=JSON)
        assert refused.status_code == 422 and field in [e["field"] for e in refused.json()["errors"]], refused.content
        assert rows() == before


def test_a_member_of_the_groupement_gets_403(s, api):  # type: ignore[no-untyped-def]
    body = formed(s, api)
    before = rows()
    member = api(s.coop_user, s.coop)
    url = f"{API}/consortiums/{body['id']}"
    assert member.get(url).status_code == 200  # it reads it
    assert member.patch(url, {"form": "joint"}, content_type=JSON).status_code == 403
    assert member.post(f"{url}/submit").status_code == 403
    assert member.post(f"{url}/outcome", {"outcome": "withdrawn"}, content_type=JSON).status_code == 403
    created = member.post(f"{API}/notices/{s.notice.idweb}/consortiums", create_body(s), content_type=JSON)
    assert created.status_code == 403
    assert rows() == before


def test_another_organisations_admin_with_its_own_token_gets_404(s, api):  # type: ignore[no-untyped-def]
    body = formed(s, api)
    before = rows()
    url = f"{API}/consortiums/{body['id']}"
    # another network's moderator, and a member organisation of our network that is not in the groupement
    for client in (api(s.outsider, s.outsider_org), api(s.third_user, s.third)):
        assert client.get(url).status_code == 404
        assert client.patch(url, {"form": "joint"}, content_type=JSON).status_code == 404
        assert client.post(f"{url}/submit").status_code == 404
        assert client.post(f"{url}/outcome", {"outcome": "withdrawn"}, content_type=JSON).status_code == 404
    # nor form one in our network
    foreign = api(s.outsider, s.outsider_org).post(
        f"{API}/notices/{s.notice.idweb}/consortiums", create_body(s), content_type=JSON
    )
    assert foreign.status_code == 404
    assert rows() == before


def test_nobody_reads_another_members_prices_unless_in_the_same_groupement(s, api):  # type: ignore[no-untyped-def]
    body = formed(s, api)
    moderator = api(s.moderator, s.federation)
    url = f"{API}/consortiums/{body['id']}"
    assert moderator.post(f"{url}/submit").status_code == 200
    lost = moderator.post(f"{url}/outcome", {"outcome": "lost", "price_cents": 987_654}, content_type=JSON)
    assert lost.status_code == 200 and lost.json()["price_cents"] == 987_654
    for user, org in ((s.coop_user, s.coop), (s.other_coop_user, s.other_coop)):  # the groupement's members
        client = api(user, org)
        assert client.get(url).json()["price_cents"] == 987_654
        assert [c["price_cents"] for c in client.get(f"{API}/consortiums").json()["items"]] == [987_654]
    for user, org in ((s.third_user, s.third), (s.outsider, s.outsider_org)):  # not in it
        client = api(user, org)
        assert client.get(url).status_code == 404
        listing = client.get(f"{API}/consortiums")
        assert listing.json()["count"] == 0 and b"987654" not in listing.content


def test_an_outcome_is_recorded_from_its_state_only(s, api):  # type: ignore[no-untyped-def]
    body = formed(s, api)
    before = rows()
    moderator = api(s.moderator, s.federation)
    url = f"{API}/consortiums/{body['id']}"
    early = moderator.post(f"{url}/outcome", {"outcome": "won", "price_cents": 100}, content_type=JSON)
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "outcome"
    for refused in (
        {"outcome": "submitted"},
        {"outcome": "won", "price_cents": -1},
        {"outcome": "lost", "feedback": "x" * 5001},
    ):
        response = moderator.post(f"{url}/outcome", refused, content_type=JSON)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] in refused, response.content
    assert rows() == before


def test_the_routes_are_in_the_openapi_document(s, api):  # type: ignore[no-untyped-def]
    spec = api(s.coop_user, s.coop).get("/api/v1/openapi.json").json()
    assert spec["paths"]["/api/v1/tenders/notices/{notice_id}/consortiums"]["post"]["operationId"] == (
        "tender_consortium_create"
    )
    assert set(spec["paths"]["/api/v1/tenders/consortiums/{consortium_id}"]) == {"get", "patch"}
    assert "post" in spec["paths"]["/api/v1/tenders/consortiums/{consortium_id}/outcome"]
    assert "post" in spec["paths"]["/api/v1/tenders/consortiums/{consortium_id}/submit"]
    assert set(spec["paths"]["/api/v1/tenders/watch-profiles/{profile_id}"]) == {"get", "patch", "delete"}
