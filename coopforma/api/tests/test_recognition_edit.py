# SPDX-License-Identifier: AGPL-3.0-or-later
"""Editing certification projects through the API (docs/recognition.md, API), with the network's permissions: the
committee and moderators write, a simple member gets 403, another network's committee 404 (our slug, or theirs with
our ids); a refused value is named by its field (the API's name) in French, and a refused request writes nothing."""

import json
from typing import Any

import pytest

from coopforma.accounts.tests.factories import MembershipFactory, OrganisationFactory
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.core.models import ActivityLog
from coopforma.exchanges.tests.factories import exchange_between, joined_member
from coopforma.recognition.models import (
    BlockEvaluation,
    BlockExchange,
    BlockTraining,
    CertificationProject,
    ProjectBlock,
)
from coopforma.recognition.tests.factories import create_project, setup_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours():
    return setup_network()


@pytest.fixture
def theirs():
    return setup_network("autre-reseau")


@pytest.fixture
def token(api):
    def _client(user):  # type: ignore[no-untyped-def]
        organisation = OrganisationFactory()
        MembershipFactory(user=user, organisation=organisation, role="trainer")
        return api(user, organisation)

    return _client


def url(people: dict[str, Any], project: CertificationProject, rest: str = "") -> str:
    return f"/api/v1/recognition/networks/{people['network'].slug}/projects/{project.pk}{rest}"


def snapshot() -> list[Any]:
    """Every row of the projects (with the blocs' links) and the log: equal snapshots, nothing written."""
    return [
        list(CertificationProject.objects.order_by("pk").values_list()),
        list(ProjectBlock.objects.order_by("pk").values_list()),
        list(ProjectBlock.competencies.through.objects.order_by("pk").values_list()),
        list(ProjectBlock.activities.through.objects.order_by("pk").values_list()),
        list(BlockEvaluation.objects.order_by("pk").values_list()),
        list(BlockTraining.objects.order_by("pk").values_list()),
        list(BlockExchange.objects.order_by("pk").values_list()),
        ActivityLog.objects.count(),
    ]


def errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def send(client: Any, method: str, path: str, body: Any = None) -> Any:
    if body is None:
        return client.generic(method, path)
    return client.generic(method, path, data=json.dumps(body), content_type="application/json")


def test_the_committee_edits_fields_blocs_evaluations_and_trainings(ours, token):
    project = create_project(ours)
    client = token(ours["committee"])
    response = send(
        client,
        "PATCH",
        url(ours, project),
        {"title": "Coordinateur·rice de coopération", "level": 5, "context": "Un besoin dans 40 départements"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Coordinateur·rice de coopération" and body["level"] == 5
    project.refresh_from_db()
    assert project.context == "Un besoin dans 40 départements"
    assert project.carrier_organisation_id == ours["organisation"].pk  # not sent: kept
    assert ActivityLog.objects.filter(action="recognition.project.updated", object_id=project.pk).exists()

    # A new bloc, then changed; the evaluations follow its competencies.
    response = send(
        client,
        "POST",
        url(ours, project, "/blocks"),
        {"title": "Faciliter un collectif", "activity_codes": ["M1-A3"], "competency_codes": ["M1-C2", "M1-C4"]},
    )
    assert response.status_code == 201, response.content
    block = next(b for b in response.json()["blocks"] if b["title"] == "Faciliter un collectif")
    assert block["competencies"] == ["M1-C2", "M1-C4"] and block["activities"] == ["M1-A3"]
    assert [e["competency"] for e in block["evaluations"]] == ["M1-C2", "M1-C4"]
    response = send(client, "PATCH", url(ours, project, f"/blocks/{block['id']}"), {"competency_codes": ["M1-C2"]})
    assert response.status_code == 200, response.content
    changed = next(b for b in response.json()["blocks"] if b["id"] == block["id"])
    assert changed["title"] == "Faciliter un collectif" and changed["activities"] == ["M1-A3"]
    assert [e["competency"] for e in changed["evaluations"]] == ["M1-C2"]

    evaluation_id = changed["evaluations"][0]["id"]
    response = send(
        client, "PATCH", url(ours, project, f"/evaluations/{evaluation_id}"), {"criteria": "Décision prise"}
    )
    assert response.status_code == 200, response.content
    response = send(
        client, "PATCH", url(ours, project, f"/evaluations/{evaluation_id}"), {"modalities": "Jury de deux pairs"}
    )
    assert response.status_code == 200, response.content
    evaluation = BlockEvaluation.objects.get(pk=evaluation_id)
    assert evaluation.modalities == "Jury de deux pairs" and evaluation.criteria == "Décision prise"  # not sent: kept

    # Trainings of the member organisations: attached, listed, detached.
    training = ours["training"]
    response = send(
        client, "POST", url(ours, project, f"/blocks/{block['id']}/trainings"), {"training_id": training.pk}
    )
    assert response.status_code == 201, response.content
    assert next(b for b in response.json()["blocks"] if b["id"] == block["id"])["trainings"] == [training.pk]
    outsider = TrainingFactory()  # an organisation outside the network
    before = snapshot()
    response = send(
        client, "POST", url(ours, project, f"/blocks/{block['id']}/trainings"), {"training_id": outsider.pk}
    )
    assert "membre du réseau" in errors(response)["training_id"]
    assert snapshot() == before
    response = send(client, "DELETE", url(ours, project, f"/blocks/{block['id']}/trainings/{training.pk}"))
    assert response.status_code == 204
    assert not BlockTraining.objects.filter(block_id=block["id"]).exists()
    assert (
        send(client, "DELETE", url(ours, project, f"/blocks/{block['id']}/trainings/{training.pk}")).status_code == 404
    )

    response = send(client, "DELETE", url(ours, project, f"/blocks/{block['id']}"))
    assert response.status_code == 204
    assert not ProjectBlock.objects.filter(pk=block["id"]).exists()


def test_refused_values_are_named_by_their_field_in_french_and_nothing_is_written(ours, token):
    project = create_project(ours)
    client = token(ours["committee"])
    before = snapshot()
    found = errors(send(client, "PATCH", url(ours, project), {"target_register": "xx", "level": 12, "title": " "}))
    assert set(found) == {"target_register", "level", "title"}
    assert "RNCP" in found["target_register"] and "3 à 8" in found["level"]
    found = errors(send(client, "PATCH", url(ours, project), {"target_register": "rs"}))  # level 6 kept: not for RS
    assert set(found) == {"level"} and "Répertoire spécifique" in found["level"]
    found = errors(send(client, "PATCH", url(ours, project), {"carrier_organisation_id": OrganisationFactory().pk}))
    assert found == {"carrier_organisation_id": "Cette organisation n'est pas membre du réseau."}
    block_id = project.blocks.first().pk
    found = errors(send(client, "PATCH", url(ours, project, f"/blocks/{block_id}"), {"competency_codes": ["M9-C1"]}))
    assert set(found) == {"competency_codes"} and "M9-C1" in found["competency_codes"]
    found = errors(send(client, "POST", url(ours, project, "/blocks"), {"title": "Vide", "competency_codes": []}))
    assert found == {"competency_codes": "Un bloc regroupe au moins une compétence."}
    # A decision before the filing.
    found = errors(send(client, "POST", url(ours, project, "/decision"), {"registered": True, "code": "RNCP12345"}))
    assert set(found) == {"state"}
    assert snapshot() == before


def test_filing_then_the_certification_code_once_registered(ours, token):
    project = create_project(ours)
    client = token(ours["committee"])
    response = send(client, "POST", url(ours, project, "/submit"))
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"
    before = snapshot()
    found = errors(send(client, "PATCH", url(ours, project), {"title": "Autre"}))  # filed: no longer changes
    assert set(found) == {"state"} and "préparation" in found["state"]
    found = errors(send(client, "POST", url(ours, project, "/decision"), {"registered": True, "code": "RS1234"}))
    assert set(found) == {"code"}
    found = errors(send(client, "POST", url(ours, project, "/decision"), {"registered": False, "note": " "}))
    assert set(found) == {"note"}
    assert snapshot() == before
    response = send(
        client,
        "POST",
        url(ours, project, "/decision"),
        {"registered": True, "code": "rncp 41234", "registered_on": "2026-11-30"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "registered" and body["code"] == "RNCP41234" and body["registered_on"] == "2026-11-30"


WRITES = [
    ("PATCH", "", {"title": "Changé"}),
    ("POST", "/blocks", {"title": "Bloc", "competency_codes": ["M1-C1"]}),
    ("PATCH", "/blocks/{block}", {"title": "Changé"}),
    ("DELETE", "/blocks/{block}", None),
    ("PATCH", "/evaluations/{evaluation}", {"modalities": "Changé"}),
    ("POST", "/blocks/{block}/trainings", {"training_id": "{training}"}),
    ("DELETE", "/blocks/{block}/trainings/{attached}", None),
    ("POST", "/submit", None),
    ("POST", "/decision", {"registered": False, "note": "Refusé"}),
    ("POST", "/blocks/{block}/exchanges", {"exchange_id": "{exchange}"}),
    ("DELETE", "/blocks/{block}/exchanges/{adopted}", None),
    ("POST", "/reopen", None),
    ("POST", "/evidence", None),
]


def _exchange(people: dict[str, Any], title: str = "Codéveloppement") -> Any:
    return exchange_between(joined_member(people["network"]), joined_member(people["network"]), title=title)


def _write(people: dict[str, Any], project: CertificationProject, rest: str, body: Any) -> tuple[str, Any]:
    block = project.blocks.first()
    attached = TrainingFactory(organisation=people["organisation"])
    BlockTraining.objects.get_or_create(block=block, training=attached)
    adopted = _exchange(people, "Adopté")
    BlockExchange.objects.create(block=block, exchange=adopted)
    names = {
        "block": block.pk,
        "evaluation": block.evaluations.first().pk,
        "training": people["training"].pk,
        "attached": attached.pk,
        "exchange": _exchange(people).pk,
        "adopted": adopted.pk,
    }
    path = rest.format(**names)
    if isinstance(body, dict):
        body = {k: (int(v.format(**names)) if v in ("{training}", "{exchange}") else v) for k, v in body.items()}
    return path, body


@pytest.mark.parametrize(("method", "rest", "body"), WRITES)
def test_a_simple_member_gets_403_and_nothing_is_written(ours, token, method, rest, body):
    project = create_project(ours)
    path, body = _write(ours, project, rest, body)
    before = snapshot()
    response = send(token(ours["member"]), method, url(ours, project, path), body)
    assert response.status_code == 403, response.content
    assert snapshot() == before


@pytest.mark.parametrize("role", ["committee", "moderator"])
@pytest.mark.parametrize(("method", "rest", "body"), WRITES)
def test_another_networks_committee_gets_404_with_our_ids(ours, theirs, token, role, method, rest, body):
    project = create_project(ours)
    create_project(theirs)  # they have projects of their own
    path, body = _write(ours, project, rest, body)
    client = token(theirs[role])
    before = snapshot()
    # Our slug (they are not in our network), then their own slug with our ids.
    assert send(client, method, url(ours, project, path), body).status_code == 404
    assert send(client, method, url(theirs, project, path), body).status_code == 404
    assert snapshot() == before


def test_the_committee_adopts_and_removes_an_exchange_of_the_network(ours, theirs, token):
    project = create_project(ours)
    block_id = project.blocks.first().pk
    client = token(ours["committee"])
    exchange = _exchange(ours)
    response = send(client, "POST", url(ours, project, f"/blocks/{block_id}/exchanges"), {"exchange_id": exchange.pk})
    assert response.status_code == 201, response.content
    assert next(b for b in response.json()["blocks"] if b["id"] == block_id)["exchanges"] == [exchange.pk]
    dossier = send(client, "GET", url(ours, project, "/dossier")).json()
    assert [r["title"] for r in dossier["exchanges"]["records"]] == ["Codéveloppement"]
    assert "non évaluées" in dossier["exchanges"]["note"]

    before = snapshot()
    found = errors(
        send(client, "POST", url(ours, project, f"/blocks/{block_id}/exchanges"), {"exchange_id": exchange.pk})
    )
    assert found == {"exchange_id": "Cet échange prépare déjà ce bloc."}
    elsewhere = _exchange(theirs, "Ailleurs")  # another network's exchange
    found = errors(
        send(client, "POST", url(ours, project, f"/blocks/{block_id}/exchanges"), {"exchange_id": elsewhere.pk})
    )
    assert "réseau" in found["exchange_id"]
    assert snapshot() == before

    response = send(client, "DELETE", url(ours, project, f"/blocks/{block_id}/exchanges/{exchange.pk}"))
    assert response.status_code == 204
    assert not BlockExchange.objects.exists()
    assert send(client, "DELETE", url(ours, project, f"/blocks/{block_id}/exchanges/{exchange.pk}")).status_code == 404


def test_a_refused_project_is_reopened_and_its_evidence_recalculated(ours, token):
    project = create_project(ours)
    client = token(ours["committee"])
    before = snapshot()
    found = errors(send(client, "POST", url(ours, project, "/reopen")))  # in preparation: nothing to reopen
    assert found == {"state": "Seul un projet refusé se rouvre."}
    assert snapshot() == before
    assert send(client, "POST", url(ours, project, "/submit")).status_code == 200
    refused = send(client, "POST", url(ours, project, "/decision"), {"registered": False, "note": "Besoin"})
    assert refused.status_code == 200 and refused.json()["state"] == "refused"
    response = send(client, "POST", url(ours, project, "/reopen"))
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "draft"
    assert ActivityLog.objects.filter(action="recognition.project.reopened", object_id=project.pk).exists()

    CertificationProject.objects.filter(pk=project.pk).update(evidence={})
    response = send(client, "POST", url(ours, project, "/evidence"))
    assert response.status_code == 200, response.content
    evidence = response.json()["evidence"]
    assert evidence["gathered_at"] and evidence["map"]["source"]
    project.refresh_from_db()
    assert project.evidence["gathered_at"] == evidence["gathered_at"]
    assert ActivityLog.objects.filter(action="recognition.project.evidence_refreshed", object_id=project.pk).exists()
