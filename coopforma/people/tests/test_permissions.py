# SPDX-License-Identifier: AGPL-3.0-or-later
"""The permission matrix of the people app: every URL and API route, for every role.

Roles, in this order: admin, quality, manager (of `member`), trainer (of `member`), stranger (the admin of
another organisation, with our slug on the web, with a token of their own organisation for the API), foreign (web
only: the same admin in their own organisation, see tests/permissions.py), anonymous.
Web: 302 = done (or, for anonymous, sent to the login page); 403 = visible but not allowed; 404 = not visible.
API: 401 for anonymous; the stranger's token acts in their own organisation (so our objects are 404, and
what they create goes to their organisation).
"""

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client as HttpClient
from django.urls import reverse

from coopforma.catalogue.tests.factories import TrainingFactory
from coopforma.people.tests.conftest import PDF
from coopforma.people.tests.factories import TrainerFactory
from coopforma.training_sessions.tests.factories import EnrolmentFactory, SessionFactory
from tests.permissions import foreign_client

ROLES = ["admin", "quality", "manager", "trainer", "stranger", "foreign", "anonymous"]
API_ROLES = [role for role in ROLES if role != "foreign"]  # the API's stranger is already foreign
VALID_SIRET = "73282932000074"


@pytest.fixture
def world(
    org,
    member,
    other_member,
    trainer,
    other_trainer,
    member_client,
    member_contact,
    member_trainee,
    other_client,
    other_trainee,
    admin_user,
    quality_user,
    manager_user,
    trainer_user,
    stranger,
):  # type: ignore[no-untyped-def]
    trainer.cv.save("cv.pdf", ContentFile(PDF), save=True)
    candidate = TrainerFactory(
        organisation=org, member_structure=member, onboarding_state="applied", email="candidate@example.org"
    )
    return SimpleNamespace(
        org=org,
        member=member,
        other_member=other_member,
        trainer=trainer,
        other_trainer=other_trainer,
        candidate=candidate,
        client=member_client,
        contact=member_contact,
        trainee=member_trainee,
        other_client=other_client,
        other_trainee=other_trainee,
        users={
            "admin": admin_user,
            "quality": quality_user,
            "manager": manager_user,
            "trainer": trainer_user,
            "stranger": stranger,
        },
    )


def _url(name: str, **kwargs: Any) -> str:
    return reverse(f"people:{name}", kwargs={"org": "coop-test", **kwargs})


def _trainer_data(w: SimpleNamespace) -> dict[str, Any]:
    return {
        "member_structure": w.member.pk,
        "first_name": "Théo",
        "last_name": "Formateur",
        "email": w.trainer.email,
        "status": "entrepreneur",
        "phone": "0600000000",
        "specialities": "Facilitation",
        "qualifications": "DU",
    }


# (id, method, url(w), data(w), expected per role: admin, quality, manager, trainer, stranger, foreign, anonymous)
WEB = [
    ("member_list", "get", lambda w: _url("member_list"), None, (200, 200, 200, 200, 404, 200, 302)),
    ("member_create", "get", lambda w: _url("member_create"), None, (200, 403, 403, 403, 404, 200, 302)),
    (
        "member_create_post",
        "post",
        lambda w: _url("member_create"),
        lambda w: {"name": "Nouvelle", "kind": "cae", "contribution_rate": "10"},
        (302, 403, 403, 403, 404, 302, 302),
    ),
    (
        "member_detail",
        "get",
        lambda w: _url("member_detail", pk=w.member.pk),
        None,
        (200, 200, 200, 200, 404, 404, 302),
    ),
    (
        "member_detail_other",
        "get",
        lambda w: _url("member_detail", pk=w.other_member.pk),
        None,
        (200, 200, 404, 404, 404, 404, 302),
    ),
    (
        "member_update",
        "get",
        lambda w: _url("member_update", pk=w.member.pk),
        None,
        (200, 403, 403, 403, 404, 404, 302),
    ),
    (
        "member_update_post",
        "post",
        lambda w: _url("member_update", pk=w.member.pk),
        lambda w: {"name": "CAE Test", "kind": "cae", "contribution_rate": "11", "is_active": "on"},
        (302, 403, 403, 403, 404, 404, 302),
    ),
    (
        "member_manager_add",
        "post",
        lambda w: _url("member_manager_add", pk=w.member.pk),
        lambda w: {"user": w.users["quality"].pk},
        (302, 403, 403, 403, 404, 404, 302),
    ),
    (
        "member_manager_remove",
        "post",
        lambda w: _url("member_manager_remove", pk=w.member.pk, user_id=w.users["manager"].pk),
        None,
        (302, 403, 403, 403, 404, 404, 302),
    ),
    ("trainer_list", "get", lambda w: _url("trainer_list"), None, (200, 200, 200, 200, 404, 200, 302)),
    ("trainer_create", "get", lambda w: _url("trainer_create"), None, (200, 200, 200, 403, 404, 200, 302)),
    (
        "trainer_create_post",
        "post",
        lambda w: _url("trainer_create"),
        lambda w: {**_trainer_data(w), "email": "new@example.org"},
        (302, 302, 302, 403, 404, 200, 302),
    ),
    (
        "trainer_detail",
        "get",
        lambda w: _url("trainer_detail", pk=w.trainer.pk),
        None,
        (200, 200, 200, 200, 404, 404, 302),
    ),
    (
        "trainer_detail_other",
        "get",
        lambda w: _url("trainer_detail", pk=w.other_trainer.pk),
        None,
        (200, 200, 404, 404, 404, 404, 302),
    ),
    (
        "trainer_update",
        "get",
        lambda w: _url("trainer_update", pk=w.trainer.pk),
        None,
        (200, 200, 200, 200, 404, 404, 302),
    ),
    (
        "trainer_update_post",
        "post",
        lambda w: _url("trainer_update", pk=w.trainer.pk),
        _trainer_data,
        (302, 302, 302, 302, 404, 404, 302),
    ),
    (
        "trainer_update_other",
        "get",
        lambda w: _url("trainer_update", pk=w.other_trainer.pk),
        None,
        (200, 200, 404, 404, 404, 404, 302),
    ),
    (
        "trainer_decision",
        "post",
        lambda w: _url("trainer_decision", pk=w.trainer.pk),
        lambda w: {"decision": "suspend", "reason": "Assurance manquante"},
        (302, 302, 403, 403, 404, 404, 302),
    ),
    (
        "trainer_decision_get",
        "get",
        lambda w: _url("trainer_decision", pk=w.trainer.pk),
        None,
        (405, 405, 403, 403, 404, 405, 302),  # foreign: no GET on this route, whatever the id
    ),
    (
        "trainer_invite",
        "post",
        lambda w: _url("trainer_invite", pk=w.candidate.pk),
        None,
        (302, 302, 403, 403, 404, 404, 302),
    ),
    ("trainer_cv", "get", lambda w: _url("trainer_cv", pk=w.trainer.pk), None, (200, 200, 200, 200, 404, 404, 302)),
    (
        "trainer_cv_other",
        "get",
        lambda w: _url("trainer_cv", pk=w.other_trainer.pk),
        None,
        (404, 404, 404, 404, 404, 404, 302),
    ),  # no CV: 404 for everyone
    ("client_list", "get", lambda w: _url("client_list"), None, (200, 200, 200, 200, 404, 200, 302)),
    ("client_create", "get", lambda w: _url("client_create"), None, (200, 200, 200, 200, 404, 200, 302)),
    (
        "client_registry_lookup",
        "get",
        lambda w: _url("client_registry_lookup") + "?siret=99900001100018",
        None,
        (200, 200, 200, 200, 404, 200, 302),  # public data: every role that may create a client; login required
    ),
    (
        "client_create_post",
        "post",
        lambda w: _url("client_create"),
        lambda w: {"kind": "company", "name": "Nouveau", "siret": VALID_SIRET, "member_structure": w.member.pk},
        (302, 302, 302, 302, 404, 200, 302),
    ),
    (
        "client_detail",
        "get",
        lambda w: _url("client_detail", pk=w.client.pk),
        None,
        (200, 200, 200, 200, 404, 404, 302),
    ),
    (
        "client_detail_other",
        "get",
        lambda w: _url("client_detail", pk=w.other_client.pk),
        None,
        (200, 200, 404, 404, 404, 404, 302),
    ),
    (
        "client_update",
        "get",
        lambda w: _url("client_update", pk=w.client.pk),
        None,
        (200, 200, 200, 200, 404, 404, 302),
    ),
    (
        "client_update_post",
        "post",
        lambda w: _url("client_update", pk=w.client.pk),
        lambda w: {"kind": "company", "name": "Renommé", "siret": VALID_SIRET, "member_structure": w.member.pk},
        (302, 302, 302, 302, 404, 404, 302),
    ),
    (
        "client_update_other",
        "get",
        lambda w: _url("client_update", pk=w.other_client.pk),
        None,
        (200, 200, 404, 404, 404, 404, 302),
    ),
    (
        "contact_create",
        "get",
        lambda w: _url("contact_create", pk=w.client.pk),
        None,
        (200, 200, 200, 200, 404, 404, 302),
    ),
    (
        "contact_create_post",
        "post",
        lambda w: _url("contact_create", pk=w.client.pk),
        lambda w: {"first_name": "Lou", "last_name": "B"},
        (302, 302, 302, 302, 404, 404, 302),
    ),
    (
        "contact_create_other",
        "get",
        lambda w: _url("contact_create", pk=w.other_client.pk),
        None,
        (200, 200, 404, 404, 404, 404, 302),
    ),
    (
        "contact_update",
        "get",
        lambda w: _url("contact_update", pk=w.client.pk, contact_id=w.contact.pk),
        None,
        (200, 200, 200, 200, 404, 404, 302),
    ),
    (
        "contact_update_post",
        "post",
        lambda w: _url("contact_update", pk=w.client.pk, contact_id=w.contact.pk),
        lambda w: {"first_name": "Claire", "last_name": "Dupont", "job_title": "DRH"},
        (302, 302, 302, 302, 404, 404, 302),
    ),
    (
        "contact_update_wrong_client",
        "get",
        lambda w: _url("contact_update", pk=w.other_client.pk, contact_id=w.contact.pk),
        None,
        (404, 404, 404, 404, 404, 404, 302),
    ),
    (
        "contact_delete",
        "post",
        lambda w: _url("contact_delete", pk=w.client.pk, contact_id=w.contact.pk),
        None,
        (302, 302, 302, 302, 404, 404, 302),
    ),
    ("trainee_list", "get", lambda w: _url("trainee_list"), None, (200, 200, 200, 200, 404, 200, 302)),
    ("trainee_create", "get", lambda w: _url("trainee_create"), None, (200, 200, 200, 200, 404, 200, 302)),
    (
        "trainee_create_post",
        "post",
        lambda w: _url("trainee_create"),
        lambda w: {"first_name": "Ana", "last_name": "Lima", "client": w.client.pk},
        (302, 302, 302, 302, 404, 200, 302),
    ),
    (
        "trainee_detail",
        "get",
        lambda w: _url("trainee_detail", pk=w.trainee.pk),
        None,
        (200, 200, 200, 200, 404, 404, 302),
    ),
    (
        "trainee_detail_other",
        "get",
        lambda w: _url("trainee_detail", pk=w.other_trainee.pk),
        None,
        (200, 200, 404, 404, 404, 404, 302),
    ),
    (
        "trainee_update",
        "get",
        lambda w: _url("trainee_update", pk=w.trainee.pk),
        None,
        (200, 200, 200, 200, 404, 404, 302),
    ),
    (
        "trainee_update_post",
        "post",
        lambda w: _url("trainee_update", pk=w.trainee.pk),
        lambda w: {"first_name": "Sacha", "last_name": "Martin", "client": w.client.pk},
        (302, 302, 302, 302, 404, 404, 302),
    ),
    (
        "trainee_update_other",
        "get",
        lambda w: _url("trainee_update", pk=w.other_trainee.pk),
        None,
        (200, 200, 404, 404, 404, 404, 302),
    ),
]


def _web_client(request: pytest.FixtureRequest, role: str, world: SimpleNamespace, web: Any) -> HttpClient:
    if role == "foreign":
        return foreign_client(request)
    return HttpClient() if role == "anonymous" else web(world.users[role])


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
@pytest.mark.parametrize("row", WEB, ids=[row[0] for row in WEB])
def test_web_permissions(request, world, web, row, role_index, role):  # type: ignore[no-untyped-def]
    _name, method, url_of, data_of, expected = row
    client = _web_client(request, role, world, web)
    path = url_of(world)
    response = client.get(path) if method == "get" else client.post(path, data_of(world) if data_of else {})
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)  # the CV: reading it to the end closes the file
    assert response.status_code == expected[role_index], (path, role, response.status_code)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    elif response.status_code == 302 and method == "post":
        assert "/accounts/login/" not in response["Location"]


def test_a_client_seen_through_a_session_is_readable_not_editable(world, web):  # type: ignore[no-untyped-def]
    """The trainer teaches a session of another structure where `other_client` is enrolled."""
    session = SessionFactory(training=TrainingFactory(organisation=world.org, member_structure=world.other_member))
    session.trainers.add(world.trainer)
    EnrolmentFactory(session=session, client=world.other_client)
    client = web(world.users["trainer"])
    assert client.get(_url("client_detail", pk=world.other_client.pk)).status_code == 200
    assert client.get(_url("client_update", pk=world.other_client.pk)).status_code == 403
    assert client.get(_url("contact_create", pk=world.other_client.pk)).status_code == 403
    assert (
        client.post(_url("client_update", pk=world.other_client.pk), {"kind": "company", "name": "X"}).status_code
        == 403
    )


# --- API -----------------------------------------------------------------------------------------------------

V1 = "/api/v1"

API = [
    ("members_list", "get", lambda w: "/members", None, (200, 200, 200, 200, 200, 401)),
    ("member_get", "get", lambda w: f"/members/{w.member.pk}", None, (200, 200, 200, 200, 404, 401)),
    ("member_get_other", "get", lambda w: f"/members/{w.other_member.pk}", None, (200, 200, 404, 404, 404, 401)),
    (
        "member_post",
        "post",
        lambda w: "/members",
        lambda w: {"name": "Api Coop", "kind": "scop"},
        (201, 403, 403, 403, 201, 401),
    ),
    (
        "member_patch",
        "patch",
        lambda w: f"/members/{w.member.pk}",
        lambda w: {"city": "Lyon"},
        (200, 403, 403, 403, 404, 401),
    ),
    ("trainers_list", "get", lambda w: "/trainers", None, (200, 200, 200, 200, 200, 401)),
    ("trainer_get", "get", lambda w: f"/trainers/{w.trainer.pk}", None, (200, 200, 200, 200, 404, 401)),
    ("trainer_get_other", "get", lambda w: f"/trainers/{w.other_trainer.pk}", None, (200, 200, 404, 404, 404, 401)),
    (
        "trainer_post",
        "post",
        lambda w: "/trainers",
        lambda w: {
            "member_structure_id": w.member.pk,
            "first_name": "A",
            "last_name": "B",
            "email": "ab@example.org",
            "status": "employee",
        },
        (201, 201, 201, 403, 422, 401),
    ),  # the stranger's organisation has no such structure
    (
        "trainer_patch",
        "patch",
        lambda w: f"/trainers/{w.trainer.pk}",
        lambda w: {"phone": "0611111111"},
        (200, 200, 200, 200, 404, 401),
    ),
    (
        "trainer_patch_other",
        "patch",
        lambda w: f"/trainers/{w.other_trainer.pk}",
        lambda w: {"phone": "0611111111"},
        (200, 200, 404, 404, 404, 401),
    ),
    (
        "trainer_decision",
        "post",
        lambda w: f"/trainers/{w.trainer.pk}/decision",
        lambda w: {"decision": "suspend", "reason": "Assurance manquante"},
        (200, 200, 403, 403, 404, 401),
    ),
    ("clients_list", "get", lambda w: "/clients", None, (200, 200, 200, 200, 200, 401)),
    ("client_get", "get", lambda w: f"/clients/{w.client.pk}", None, (200, 200, 200, 200, 404, 401)),
    ("client_get_other", "get", lambda w: f"/clients/{w.other_client.pk}", None, (200, 200, 404, 404, 404, 401)),
    (
        "client_post",
        "post",
        lambda w: "/clients",
        lambda w: {"kind": "company", "name": "Api", "siret": VALID_SIRET},
        (201, 201, 201, 201, 201, 401),
    ),
    (
        "client_patch",
        "patch",
        lambda w: f"/clients/{w.client.pk}",
        lambda w: {"city": "Vannes"},
        (200, 200, 200, 200, 404, 401),
    ),
    (
        "client_patch_other",
        "patch",
        lambda w: f"/clients/{w.other_client.pk}",
        lambda w: {"city": "Vannes"},
        (200, 200, 404, 404, 404, 401),
    ),
    ("trainees_list", "get", lambda w: "/trainees", None, (200, 200, 200, 200, 200, 401)),
    ("trainee_get", "get", lambda w: f"/trainees/{w.trainee.pk}", None, (200, 200, 200, 200, 404, 401)),
    ("trainee_get_other", "get", lambda w: f"/trainees/{w.other_trainee.pk}", None, (200, 200, 404, 404, 404, 401)),
    (
        "trainee_post",
        "post",
        lambda w: "/trainees",
        lambda w: {"first_name": "Ana", "last_name": "Lima", "client_id": w.client.pk},
        (201, 201, 201, 201, 422, 401),
    ),  # the stranger does not see that client
    (
        "trainee_patch",
        "patch",
        lambda w: f"/trainees/{w.trainee.pk}",
        lambda w: {"job_title": "Boulangère"},
        (200, 200, 200, 200, 404, 401),
    ),
    (
        "trainee_patch_other",
        "patch",
        lambda w: f"/trainees/{w.other_trainee.pk}",
        lambda w: {"job_title": "X"},
        (200, 200, 404, 404, 404, 401),
    ),
]


def _api_client(role: str, world: SimpleNamespace, api: Any) -> HttpClient:
    if role == "anonymous":
        return HttpClient()
    if role == "stranger":
        return api(world.users["stranger"], world.users["stranger"].memberships.get().organisation)
    return api(world.users[role], world.org)


@pytest.mark.parametrize("role_index,role", list(enumerate(API_ROLES)))
@pytest.mark.parametrize("row", API, ids=[row[0] for row in API])
def test_api_permissions(world, api, row, role_index, role):  # type: ignore[no-untyped-def]
    _name, method, path_of, data_of, expected = row
    client = _api_client(role, world, api)
    path = f"{V1}{path_of(world)}"
    if method == "get":
        response = client.get(path)
    else:
        response = getattr(client, method)(path, data_of(world), content_type="application/json")
    assert response.status_code == expected[role_index], (path, role, response.content[:300])


def test_every_people_url_is_in_the_matrix():
    """A new URL must get its row in WEB (its name appears in at least one row's id)."""
    from coopforma.people.urls import urlpatterns

    covered = {row[0] for row in WEB}
    for pattern in urlpatterns:
        assert any(row_id == pattern.name or row_id.startswith(f"{pattern.name}_") for row_id in covered), pattern.name


def test_every_people_api_route_is_in_the_matrix():
    from coopforma.api.people import router

    routes = {
        (method.lower(), path)
        for path, view in router.path_operations.items()
        for op in view.operations
        for method in op.methods
    }
    templates = {
        (
            method,
            path_of(
                SimpleNamespace(
                    member=_Pk(),
                    other_member=_Pk(),
                    trainer=_Pk(),
                    other_trainer=_Pk(),
                    client=_Pk(),
                    other_client=_Pk(),
                    trainee=_Pk(),
                    other_trainee=_Pk(),
                )
            ),
        )
        for _id, method, path_of, _data, _expected in API
    }
    normalised = {
        (
            m,
            p.replace("{member_id}", "{id}")
            .replace("{trainer_id}", "{id}")
            .replace("{client_id}", "{id}")
            .replace("{trainee_id}", "{id}"),
        )
        for m, p in routes
    }
    assert normalised <= templates, normalised - templates


class _Pk:
    pk = "{id}"
