# SPDX-License-Identifier: AGPL-3.0-or-later
"""The people API: each route's success (200/201), its errors (422 with the field, 403, 404) and its JSON."""

import pytest

from coopforma.core.models import ActivityLog
from coopforma.people.models import Client, MemberStructure, Trainee, Trainer
from coopforma.people.tests.factories import ClientFactory, MemberStructureFactory, TraineeFactory, TrainerFactory

V1 = "/api/v1"
VALID_SIRET = "73282932000074"


def post(client, path, data):  # type: ignore[no-untyped-def]
    return client.post(f"{V1}{path}", data, content_type="application/json")


def patch(client, path, data):  # type: ignore[no-untyped-def]
    return client.patch(f"{V1}{path}", data, content_type="application/json")


def fields_in_error(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {tuple(d["loc"])[-1]: d["message"] for d in response.json()["errors"]}


# --- Members -----------------------------------------------------------------------------------------------


def test_members_list_filters_and_pagination(api, admin_user, org, member, other_member):
    for n in range(3):
        MemberStructureFactory(organisation=org, name=f"Asso {n}", kind="association")
    client = api(admin_user, org)
    body = client.get(f"{V1}/members", {"limit": 2, "offset": 1}).json()
    assert body["count"] == 5
    assert [m["name"] for m in body["items"]] == ["Asso 1", "Asso 2"]
    assert client.get(f"{V1}/members", {"kind": "scop"}).json()["items"][0]["name"] == "Scop Voisine"
    assert client.get(f"{V1}/members", {"q": "cae"}).json()["count"] == 1
    assert client.get(f"{V1}/members", {"limit": 0}).status_code == 422


def test_member_detail_shape(api, manager_user, org, member):
    body = api(manager_user, org).get(f"{V1}/members/{member.pk}").json()
    assert body == {
        "id": member.pk,
        "name": "CAE Test",
        "kind": "cae",
        "siret": VALID_SIRET,
        "nda": "",
        "contribution_rate": "10.00",
        "street": "",
        "postal_code": "",
        "city": "",
        "email": "",
        "phone": "",
        "is_active": True,
        "managers": [{"id": manager_user.pk, "email": manager_user.email, "name": "Maud Gérante"}],
    }


def test_member_create_update_and_errors(api, admin_user, org):
    client = api(admin_user, org)
    response = post(client, "/members", {"name": "Coop Api", "kind": "scop", "contribution_rate": "7.5"})
    assert response.status_code == 201
    created = response.json()
    assert (created["name"], created["contribution_rate"], created["managers"]) == ("Coop Api", "7.50", [])
    bad = post(client, "/members", {"name": "Coop Api", "kind": "scop", "siret": "73282932000075"})
    assert bad.status_code == 422
    errors = fields_in_error(bad)
    assert "Luhn" in errors["siret"]
    assert "déjà" in errors["name"]
    updated = patch(client, f"/members/{created['id']}", {"city": "Lyon", "contribution_rate": 12})
    assert updated.status_code == 200
    assert (updated.json()["city"], updated.json()["contribution_rate"]) == ("Lyon", "12.00")
    assert patch(client, f"/members/{created['id']}", {"contribution_rate": 101}).status_code == 422
    assert patch(client, f"/members/{created['id']}", {"unknown": 1}).status_code == 422
    assert ActivityLog.objects.filter(action="people.member.updated").count() == 1


def test_member_routes_refuse_lesser_roles_and_other_orgs(api, trainer_user, trainer, stranger, org, other_org, member):
    as_trainer = api(trainer_user, org)
    assert post(as_trainer, "/members", {"name": "X", "kind": "cae"}).status_code == 403
    assert patch(as_trainer, f"/members/{member.pk}", {"city": "X"}).status_code == 403
    as_stranger = api(stranger, other_org)
    assert as_stranger.get(f"{V1}/members/{member.pk}").status_code == 404
    assert patch(as_stranger, f"/members/{member.pk}", {"city": "X"}).status_code == 404
    assert MemberStructure.objects.get(pk=member.pk).city == ""


# --- Trainers ----------------------------------------------------------------------------------------------


def test_trainers_list_and_detail(api, quality_user, org, trainer, other_trainer):
    client = api(quality_user, org)
    body = client.get(f"{V1}/trainers", {"member": other_trainer.member_structure_id}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["member_structure_name"] == "Scop Voisine"
    assert item["onboarding_state"] == "active"
    assert item["has_cv"] is False
    assert client.get(f"{V1}/trainers", {"state": "applied"}).json()["count"] == 0
    detail = client.get(f"{V1}/trainers/{trainer.pk}").json()
    assert (detail["first_name"], detail["user_id"]) == ("Théo", trainer.user_id)


def test_trainer_propose_and_errors(api, manager_user, org, member, other_member):
    client = api(manager_user, org)
    data = {
        "member_structure_id": member.pk,
        "first_name": "Inès",
        "last_name": "Api",
        "email": "ines@example.org",
        "status": "entrepreneur",
    }
    response = post(client, "/trainers", data)
    assert response.status_code == 201
    assert (response.json()["onboarding_state"], response.json()["applied_at"] is not None) == ("applied", True)
    bad = post(client, "/trainers", {**data, "email": "x@example.org", "status": "subcontractor", "nda": "123"})
    assert bad.status_code == 422
    assert set(fields_in_error(bad)) == {"siret", "nda"}
    assert (
        post(
            client, "/trainers", {**data, "email": "y@example.org", "member_structure_id": other_member.pk}
        ).status_code
        == 403
    )
    unknown = post(client, "/trainers", {**data, "email": "z@example.org", "member_structure_id": 999999})
    assert unknown.status_code == 422
    assert "member_structure_id" in fields_in_error(unknown)


def test_trainer_patch_by_the_trainer_themself(api, trainer_user, org, trainer, member, other_member):
    client = api(trainer_user, org)
    ok = patch(
        client,
        f"/trainers/{trainer.pk}",
        {"qualifications": "DU", "phone": "0600000000", "member_structure_id": member.pk},
    )
    assert ok.status_code == 200
    assert ok.json()["qualifications"] == "DU"
    assert patch(client, f"/trainers/{trainer.pk}", {"member_structure_id": other_member.pk}).status_code == 403
    assert patch(client, f"/trainers/{trainer.pk}", {"onboarding_state": "active"}).status_code == 422
    assert Trainer.objects.get(pk=trainer.pk).member_structure_id == member.pk


def test_trainer_decisions(api, admin_user, manager_user, org, member):
    candidate = TrainerFactory(organisation=org, member_structure=member, onboarding_state="applied")
    client = api(admin_user, org)
    missing = post(client, f"/trainers/{candidate.pk}/decision", {"decision": "validate"})
    assert missing.status_code == 422
    assert "comité" in fields_in_error(missing)["reason"]
    wrong = post(client, f"/trainers/{candidate.pk}/decision", {"decision": "reactivate"})
    assert wrong.status_code == 422
    assert "impossible" in fields_in_error(wrong)["decision"]
    assert post(client, f"/trainers/{candidate.pk}/decision", {"decision": "promote"}).status_code == 422
    ok = post(client, f"/trainers/{candidate.pk}/decision", {"decision": "validate", "reason": "Comité du 4 avril"})
    assert ok.status_code == 200
    assert (ok.json()["onboarding_state"], ok.json()["committee_decision"]) == ("validated", "Comité du 4 avril")
    assert ok.json()["decided_by_id"] == admin_user.pk
    as_manager = api(manager_user, org)
    assert post(as_manager, f"/trainers/{candidate.pk}/decision", {"decision": "activate"}).status_code == 403


# --- Clients -----------------------------------------------------------------------------------------------


def test_clients_list_detail_with_contacts(
    api, trainer_user, trainer, org, member_client, member_contact, other_client
):
    client = api(trainer_user, org)
    body = client.get(f"{V1}/clients").json()
    assert [c["name"] for c in body["items"]] == ["Boulangerie Martin"]
    assert client.get(f"{V1}/clients", {"q": "732829320"}).json()["count"] == 1
    detail = client.get(f"{V1}/clients/{member_client.pk}").json()
    assert detail["member_structure_id"] == member_client.member_structure_id
    assert [c["last_name"] for c in detail["contacts"]] == ["Dupont"]
    assert client.get(f"{V1}/clients/{other_client.pk}").status_code == 404


def test_client_create_rules(api, trainer_user, trainer, org, member, other_member):
    client = api(trainer_user, org)
    created = post(client, "/clients", {"kind": "company", "name": "Biocoop", "siret": "732 829 320 00074"})
    assert created.status_code == 201
    assert (created.json()["member_structure_id"], created.json()["siret"]) == (member.pk, VALID_SIRET)
    for data, field in [
        ({"kind": "company", "name": "Sans SIRET"}, "siret"),
        ({"kind": "training_org", "name": "OF", "siret": VALID_SIRET}, "nda"),
        ({"kind": "individual", "name": "Jeanne", "siret": VALID_SIRET}, "siret"),
    ]:
        response = post(client, "/clients", data)
        assert response.status_code == 422, data
        assert field in fields_in_error(response)
    assert (
        post(
            client, "/clients", {"kind": "individual", "name": "P", "member_structure_id": other_member.pk}
        ).status_code
        == 403
    )
    assert Client.objects.count() == 1


def test_client_patch(api, admin_user, manager_user, org, member_client):
    as_admin = api(admin_user, org)
    response = patch(as_admin, f"/clients/{member_client.pk}", {"member_structure_id": None, "city": "Vannes"})
    assert response.status_code == 200
    assert (response.json()["member_structure_id"], response.json()["city"]) == (None, "Vannes")
    bad = patch(as_admin, f"/clients/{member_client.pk}", {"kind": "training_org"})
    assert bad.status_code == 422 and "nda" in fields_in_error(bad)
    # Now a client of the OF: the manager no longer sees it.
    assert patch(api(manager_user, org), f"/clients/{member_client.pk}", {"city": "X"}).status_code == 404


# --- Trainees ----------------------------------------------------------------------------------------------


def test_trainees_routes(api, manager_user, org, member_client, member_trainee, other_client, other_trainee):
    client = api(manager_user, org)
    body = client.get(f"{V1}/trainees").json()
    assert [t["last_name"] for t in body["items"]] == ["Martin"]
    assert client.get(f"{V1}/trainees", {"client": member_client.pk, "q": "sacha"}).json()["count"] == 1
    assert client.get(f"{V1}/trainees/{member_trainee.pk}").json()["client_id"] == member_client.pk
    assert client.get(f"{V1}/trainees/{other_trainee.pk}").status_code == 404
    created = post(
        client,
        "/trainees",
        {"first_name": "Ana", "last_name": "Lima", "client_id": member_client.pk, "adaptation_needs": "Interprète LSF"},
    )
    assert created.status_code == 201
    assert created.json()["adaptation_needs"] == "Interprète LSF"
    refused = post(client, "/trainees", {"first_name": "Ana", "last_name": "Lima", "client_id": other_client.pk})
    assert refused.status_code == 422
    assert "hors de votre périmètre" in fields_in_error(refused)["client_id"]
    no_client = post(client, "/trainees", {"first_name": "Ana", "last_name": "Lima"})
    assert no_client.status_code == 422 and "client_id" in fields_in_error(no_client)
    updated = patch(client, f"/trainees/{member_trainee.pk}", {"job_title": "Boulangère"})
    assert (updated.status_code, updated.json()["job_title"]) == (200, "Boulangère")
    assert patch(client, f"/trainees/{member_trainee.pk}", {"client_id": None}).status_code == 422
    assert Trainee.objects.filter(last_name="Lima").count() == 1


@pytest.mark.parametrize("path", ["/members", "/trainers", "/clients", "/trainees"])
def test_lists_of_another_organisation_are_empty(api, stranger, other_org, member, trainer, member_trainee, path):
    body = api(stranger, other_org).get(f"{V1}{path}").json()
    assert body == {"items": [], "count": 0}


def test_foreign_objects_are_404(api, admin_user, org, other_org):
    foreign_member = MemberStructureFactory(organisation=other_org)
    foreign_trainer = TrainerFactory(organisation=other_org, member_structure=foreign_member)
    foreign_client = ClientFactory(organisation=other_org)
    foreign_trainee = TraineeFactory(organisation=other_org)
    client = api(admin_user, org)
    for path in [
        f"/members/{foreign_member.pk}",
        f"/trainers/{foreign_trainer.pk}",
        f"/clients/{foreign_client.pk}",
        f"/trainees/{foreign_trainee.pk}",
    ]:
        assert client.get(f"{V1}{path}").status_code == 404, path
        assert patch(client, path, {}).status_code == 404, path
