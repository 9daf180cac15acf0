# SPDX-License-Identifier: AGPL-3.0-or-later
"""The référentiel's and the certification projects' writes through the API, with the network's permissions: the
token acts for its user, whose role in the network decides (whatever the token's organisation). Another network's
committee member: 404; a simple member deciding or creating a project: 403; no token: 401."""

import pytest

from coopforma.accounts.tests.factories import MembershipFactory, OrganisationFactory
from coopforma.recognition.tests.factories import create_project, setup_network
from coopforma.referentiel.models import Proposal, ProposalState

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours():
    return setup_network()


@pytest.fixture
def theirs():
    return setup_network("autre-reseau")


@pytest.fixture
def token(api):
    """A client with a token of `user` in an organisation of theirs (any: the network's role decides)."""

    def _client(user):  # type: ignore[no-untyped-def]
        organisation = OrganisationFactory()
        MembershipFactory(user=user, organisation=organisation, role="trainer")
        return api(user, organisation)

    return _client


def base(people) -> str:
    return f"/api/v1/referentiel/networks/{people['network'].slug}"


def test_a_member_proposes_and_comments_the_committee_decides(ours, token):
    member = token(ours["member"])
    response = member.post(
        base(ours) + "/proposals",
        {
            "kind": "reword",
            "target_code": "M1-C2",
            "label": "Faciliter l'intelligence collective",
            "reason": "Plus clair",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    proposal_id = response.json()["id"]
    assert response.json()["state"] == "open" and response.json()["author"]
    response = member.post(
        base(ours) + f"/proposals/{proposal_id}/comments", {"text": "D'accord"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["text"] == "D'accord"
    listed = member.get(base(ours) + "/proposals").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == proposal_id

    # A simple member does not decide (403), nothing changes.
    decision = {"accept": True, "reason": ""}
    response = member.post(base(ours) + f"/proposals/{proposal_id}/decision", decision, content_type="application/json")
    assert response.status_code == 403
    assert Proposal.objects.get(pk=proposal_id).state == ProposalState.OPEN

    response = token(ours["committee"]).post(
        base(ours) + f"/proposals/{proposal_id}/decision", decision, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted" and response.json()["version"] == "0.2"


def test_bad_input_is_refused_with_french_errors_and_nothing_written(ours, token):
    member = token(ours["member"])
    response = member.post(
        base(ours) + "/proposals", {"kind": "retire_item", "target_code": "M99", "reason": " "},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"target_code", "reason"}
    assert not Proposal.objects.exists()
    proposal = Proposal.objects.create(
        referentiel=ours["network"].referentiel, kind="retire_item", target_code="M1", reason="x"
    )
    response = token(ours["committee"]).post(
        base(ours) + f"/proposals/{proposal.pk}/decision", {"accept": False}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "reason"


@pytest.mark.parametrize("role", ["committee", "moderator"])
def test_another_networks_committee_gets_404(ours, theirs, token, role):
    proposal = Proposal.objects.create(
        referentiel=ours["network"].referentiel, kind="retire_item", target_code="M1", reason="x"
    )
    project = create_project(ours)
    client = token(theirs[role])
    decision = {"accept": True, "reason": ""}
    # Our network's slug: they are not in it.
    assert (
        client.post(
            base(ours) + f"/proposals/{proposal.pk}/decision", decision, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(base(ours) + "/proposals").status_code == 404
    # Their own slug with our ids.
    assert (
        client.post(
            base(theirs) + f"/proposals/{proposal.pk}/decision", decision, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            base(theirs) + f"/proposals/{proposal.pk}/comments", {"text": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    projects = f"/api/v1/recognition/networks/{theirs['network'].slug}/projects"
    assert client.get(f"{projects}/{project.pk}").status_code == 404
    assert client.get(f"{projects}/{project.pk}/dossier").status_code == 404
    assert Proposal.objects.get(pk=proposal.pk).state == ProposalState.OPEN


def test_anonymous_writes_get_401(ours):
    from django.test import Client

    client = Client()
    assert client.post(base(ours) + "/proposals", {}, content_type="application/json").status_code == 401
    assert client.post(base(ours) + "/proposals/1/decision", {}, content_type="application/json").status_code == 401
    projects = f"/api/v1/recognition/networks/{ours['network'].slug}/projects"
    assert client.post(projects, {}, content_type="application/json").status_code == 401
    assert client.get(projects).status_code == 401


def test_certification_projects_through_the_api(ours, token):
    projects = f"/api/v1/recognition/networks/{ours['network'].slug}/projects"
    body = {
        "version": "0.1",
        "job_code": "M1",
        "title": "Animateur·rice de coopération",
        "target_register": "rncp",
        "level": 6,
    }
    member = token(ours["member"])
    assert member.post(projects, body, content_type="application/json").status_code == 403
    committee = token(ours["committee"])
    response = committee.post(projects, {**body, "version": "9.9"}, content_type="application/json")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "version"
    response = committee.post(projects, body, content_type="application/json")
    assert response.status_code == 201, response.content
    project = response.json()
    assert project["version"] == "0.1" and project["job"] == "M1" and project["blocks"][0]["code"] == "BC01"
    assert member.get(projects).json()["count"] == 1
    assert member.get(f"{projects}/{project['id']}").json()["title"] == body["title"]
    dossier = member.get(f"{projects}/{project['id']}/dossier").json()
    assert dossier["schema_version"] == "1.1" and dossier["blocks"][0]["code"] == "BC01"
