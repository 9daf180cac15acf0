# SPDX-License-Identifier: AGPL-3.0-or-later
from coopforma.catalogue.models import Training
from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.core.models import ActivityLog

BASE = "/api/v1/trainings"

PAYLOAD = {
    "title": "Coopérer sur un territoire",
    "objectives": ["Identifier les acteurs d'un territoire", "Animer une réunion participative"],
    "audience": "Élu·es",
    "prerequisites": "Aucun",
    "duration_minutes": 630,
    "content": "Cartographie puis animation",
    "methods": "Études de cas",
    "evaluation_methods": "Quiz",
    "accessibility": "Locaux accessibles",
    "price_inter_cents": 125050,
    "nsf_code": "341",
    "formacode": "15043",
    "bpf_objective": "d",
}


def test_list_is_paginated_scoped_and_filtered(api, trainer_user, trainer, org, member, other_member, other_org):
    TrainingFactory(organisation=org, member_structure=member, title="Animer en CAE", nsf_code="333")
    TrainingFactory(organisation=org, member_structure=other_member, title="De la Scop")
    TrainingFactory(organisation=other_org, title="Ailleurs")
    client = api(trainer_user, org)
    response = client.get(BASE)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["title"] == "Animer en CAE"
    assert item["nsf_label"] == "Enseignement, formation"
    assert item["member_structure_name"] == "CAE Test"
    assert item["objectives"] == ["Identifier les acteurs d'un territoire", "Animer une réunion participative"]
    assert client.get(BASE, {"q": "introuvable"}).json()["count"] == 0
    assert client.get(BASE, {"status": "archived"}).json()["count"] == 0
    assert client.get(BASE, {"limit": 1, "offset": 1}).json()["items"] == []


def test_create_returns_201_and_the_training(api, admin_user, org, member, trainer):
    response = api(admin_user, org).post(
        BASE,
        {**PAYLOAD, "member_structure_id": member.pk, "trainer_ids": [trainer.pk]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    training = Training.objects.get(pk=body["id"])
    assert body["status"] == "draft"
    assert body["duration_minutes"] == 630
    assert body["price_inter_cents"] == 125050
    assert body["price_intra_cents"] is None
    assert body["trainer_ids"] == [trainer.pk]
    assert body["missing_fields"] == []
    assert training.organisation == org
    assert ActivityLog.objects.filter(object_id=training.pk, action="catalogue.training.created").exists()


def test_create_422_with_field_errors(api, admin_user, org, member):
    client = api(admin_user, org)
    response = client.post(
        BASE,
        {**PAYLOAD, "member_structure_id": member.pk, "certification_kind": "rncp", "objectives": ["Court"]},
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = {tuple(e["loc"]): e["message"] for e in response.json()["errors"]}
    assert "RNCP35219" in errors[("body", "certification_code")]
    assert "niveau RNCP" in errors[("body", "rncp_level")]
    assert "trop court" in errors[("body", "objectives")]
    # ninja's own schema validation is a 422 too.
    response = client.post(BASE, {"title": "T", "duration_minutes": "beaucoup"}, content_type="application/json")
    assert response.status_code == 422
    assert not Training.objects.exists()


def test_detail_and_404_for_another_organisation(api, admin_user, org, member, other_org):
    training = TrainingFactory(organisation=org, member_structure=member)
    foreign = TrainingFactory(organisation=other_org)
    client = api(admin_user, org)
    response = client.get(f"{BASE}/{training.pk}")
    assert response.status_code == 200
    assert response.json()["id"] == training.pk
    assert response.json()["status"] == "validated"
    assert client.get(f"{BASE}/{foreign.pk}").status_code == 404


def test_patch_changes_only_what_is_sent(api, manager_user, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="draft", title="Avant")
    client = api(manager_user, org)
    response = client.patch(f"{BASE}/{training.pk}", {"title": "Après"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["title"] == "Après"
    training.refresh_from_db()
    assert training.content == "Jour 1 : diagnostic. Jour 2 : animation."
    response = client.patch(f"{BASE}/{training.pk}", {"formacode": "12"}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "formacode"]


def test_submit_and_validate(api, manager_user, quality_user, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="draft")
    response = api(manager_user, org).post(f"{BASE}/{training.pk}/submit")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    assert api(manager_user, org).post(f"{BASE}/{training.pk}/validate").status_code == 403
    response = api(quality_user, org).post(f"{BASE}/{training.pk}/validate")
    assert response.status_code == 200
    assert response.json()["status"] == "validated"
    assert response.json()["validated_at"]


def test_submit_incomplete_is_422_listing_the_missing_items(api, manager_user, org, member):
    training = TrainingFactory(organisation=org, member_structure=member, status="draft", content="", methods="")
    response = api(manager_user, org).post(f"{BASE}/{training.pk}/submit")
    assert response.status_code == 422
    message = (
        "Programme incomplet, impossible de soumettre le programme : il manque Contenu, "
        "Méthodes pédagogiques et moyens."
    )
    assert response.json() == {
        "detail": message,
        "code": "invalid",
        "errors": [{"loc": ["body"], "field": "", "message": message, "code": "invalid"}],
    }


def test_a_cqp_registered_at_the_rncp_without_a_level_can_be_entered(api, admin_user, org, member):
    """BPF F-3 a « dont CQP sans niveau »: level 0, distinct from a level not entered (still refused)."""
    client = api(admin_user, org)
    payload = {**PAYLOAD, "member_structure_id": member.pk, "certification_kind": "rncp", "bpf_objective": "a"}
    response = client.post(
        BASE, {**payload, "certification_code": "RNCP12345", "rncp_level": 0}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["rncp_level"] == 0 and response.json()["bpf_objective"] == "a"
    training = Training.objects.get(pk=response.json()["id"])
    assert training.get_rncp_level_display() == "CQP sans niveau"
    refused = client.post(
        BASE,
        {**payload, "title": "Sans niveau saisi", "certification_code": "RNCP12346"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "CQP sans niveau" in str(refused.json())
