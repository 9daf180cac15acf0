# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every catalogue URL and API route, with every role (conftest's scoping world).

The training under test belongs to `member` (managed by `manager`, the structure of `trainer`) and is NOT
taught by `trainer`: the trainer sees it but may not change it. `other_trainer` belongs to `other_member`
and does not see it. The `*_taught` rows use a training of `other_member` that `trainer` teaches. The
administrator of another organisation gets 404 with our slug (stranger) or their own (foreign:
tests/permissions.py): their own catalogue where no training of ours is named, where our structure is refused.
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from coopforma.catalogue.tests.factories import TrainingFactory
from tests.permissions import foreign_client

ROLES = ["admin", "quality", "manager", "trainer", "other_trainer", "stranger", "foreign", "anonymous"]
API_ROLES = [role for role in ROLES if role != "foreign"]  # the API's stranger is already foreign


@pytest.fixture
def users(admin_user, quality_user, manager_user, trainer_user, trainer, other_trainer, stranger):
    return {
        "admin": admin_user,
        "quality": quality_user,
        "manager": manager_user,
        "trainer": trainer_user,
        "other_trainer": other_trainer.user,
        "stranger": stranger,
        "foreign": stranger,
        "anonymous": None,
    }


def make_training(kind: str, org, member, other_member, trainer):  # type: ignore[no-untyped-def]
    """kind: '<status>' in member, or '<status>_taught' in other_member taught by trainer."""
    status, _, taught = kind.partition("_")
    training = TrainingFactory(
        organisation=org, member_structure=other_member if taught else member, status=status, title="Sous test"
    )
    if taught:
        training.trainers.add(trainer)
    return training


def edit_data(member) -> dict:  # type: ignore[no-untyped-def]
    return {
        "title": "Titre changé",
        "member_structure_id": member.pk,
        "modality": "on_site",
        "certification_kind": "none",
        "objectives": "Identifier les acteurs d'un territoire",
        "duration_minutes": "14",
        "nsf_code": "333",
        "bpf_objective": "d",
    }


# (name, method, training kind or None, data, expected status per role in ROLES order)
WEB_CASES = [
    ("list", "get", None, None, [200, 200, 200, 200, 200, 404, 200, 302]),
    ("create", "get", None, None, [200, 200, 200, 200, 200, 404, 200, 302]),
    ("create", "post", None, "edit", [302, 302, 302, 302, 302, 404, 200, 302]),  # foreign: our structure
    ("detail", "get", "validated", None, [200, 200, 200, 200, 404, 404, 404, 302]),
    ("detail", "get", "validated_taught", None, [200, 200, 404, 200, 200, 404, 404, 302]),
    ("edit", "get", "validated", None, [200, 200, 200, 403, 404, 404, 404, 302]),
    ("edit", "get", "validated_taught", None, [200, 200, 404, 200, 403, 404, 404, 302]),
    ("edit", "post", "draft", "edit", [302, 302, 302, 403, 404, 404, 404, 302]),
    ("edit", "post", "draft_taught", "edit", [302, 302, 404, 302, 403, 404, 404, 302]),
    ("submit", "post", "draft", None, [302, 302, 302, 403, 404, 404, 404, 302]),
    ("submit", "post", "draft_taught", None, [302, 302, 404, 302, 403, 404, 404, 302]),
    ("validate", "post", "submitted", None, [302, 302, 403, 403, 403, 404, 404, 302]),
    ("return", "get", "submitted", None, [200, 200, 403, 403, 403, 404, 404, 302]),
    ("return", "post", "submitted", {"comment": "À revoir"}, [302, 302, 403, 403, 403, 404, 404, 302]),
    ("archive", "post", "validated", {"archived": "1"}, [302, 302, 302, 403, 404, 404, 404, 302]),
    ("archive", "post", "archived", {"archived": "0"}, [302, 302, 302, 403, 404, 404, 404, 302]),
    ("duplicate", "post", "validated", None, [302, 302, 302, 302, 404, 404, 404, 302]),
    # The exports cover every published training: org.view_all roles only (nothing published here: 409 to download).
    ("export_edof", "get", None, None, [200, 200, 403, 403, 403, 404, 200, 302]),
    ("export_edof_file", "get", None, None, [409, 409, 403, 403, 403, 404, 409, 302]),
    ("export_lheo", "get", None, None, [200, 200, 403, 403, 403, 404, 200, 302]),
    ("export_lheo_file", "get", None, None, [409, 409, 403, 403, 403, 404, 409, 302]),
]


@pytest.mark.parametrize(("role_index", "role"), list(enumerate(ROLES)))
@pytest.mark.parametrize(
    ("name", "method", "kind", "data", "expected"), WEB_CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in WEB_CASES]
)
def test_web_matrix(
    request, web, users, org, member, other_member, trainer, role_index, role, name, method, kind, data, expected
):  # type: ignore[no-untyped-def]
    kwargs = {"org": org.slug}
    training = None
    if kind:
        training = make_training(kind, org, member, other_member, trainer)
        kwargs["pk"] = training.pk
    url = reverse(f"catalogue:{name}", kwargs=kwargs)
    user = users[role]
    http = foreign_client(request) if role == "foreign" else web(user) if user else Client()
    payload = edit_data(member) if data == "edit" else (data or {})
    if data == "edit" and kind and kind.endswith("_taught"):
        payload["trainer_ids"] = [trainer.pk]  # checked in the form, as the page shows it
    response = getattr(http, method)(url, payload) if method == "post" else http.get(url)
    assert response.status_code == expected[role_index], response.content[:500]
    if response.status_code == 302:
        location = response["Location"]
        if user is None:
            assert location.startswith(resolve_url(settings.LOGIN_URL))
        else:
            assert location.startswith(f"/o/{org.slug}/catalogue/"), location
            assert "Le formulaire contient des erreurs" not in response.content.decode()
    if training is not None and response.status_code in {403, 404}:
        training.refresh_from_db()
        assert training.title == "Sous test"


# (method, path with {pk}, training kind or None, json body, expected status per role in API_ROLES order)
API_CASES = [
    ("get", "/trainings", "validated", None, [200, 200, 200, 200, 200, 200, 401]),
    ("post", "/trainings", None, "create", [201, 201, 201, 201, 422, 422, 401]),
    ("get", "/trainings/{pk}", "validated", None, [200, 200, 200, 200, 404, 404, 401]),
    ("patch", "/trainings/{pk}", "draft", {"title": "Titre changé"}, [200, 200, 200, 403, 404, 404, 401]),
    ("patch", "/trainings/{pk}", "draft_taught", {"title": "Titre changé"}, [200, 200, 404, 200, 403, 404, 401]),
    ("post", "/trainings/{pk}/submit", "draft", None, [200, 200, 200, 403, 404, 404, 401]),
    ("post", "/trainings/{pk}/validate", "submitted", None, [200, 200, 403, 403, 403, 404, 401]),
]


@pytest.mark.parametrize(("role_index", "role"), list(enumerate(API_ROLES)))
@pytest.mark.parametrize(
    ("method", "path", "kind", "body", "expected"), API_CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in API_CASES]
)
def test_api_matrix(
    client,
    api,
    users,
    org,
    other_org,
    member,
    other_member,
    trainer,
    role_index,
    role,
    method,
    path,
    kind,
    body,
    expected,
):  # type: ignore[no-untyped-def]
    training = make_training(kind, org, member, other_member, trainer) if kind else None
    url = "/api/v1" + path.format(pk=training.pk if training else "")
    user = users[role]
    http = client if user is None else api(user, other_org if role == "stranger" else org)
    if body == "create":
        body = {"title": "Nouvelle", "member_structure_id": member.pk}
    if method == "get":
        response = http.get(url)
    else:
        response = getattr(http, method)(url, body or {}, content_type="application/json")
    assert response.status_code == expected[role_index], response.content[:500]
    if method == "get" and path == "/trainings" and response.status_code == 200:
        titles = [item["title"] for item in response.json()["items"]]
        assert ("Sous test" in titles) is (role in {"admin", "quality", "manager", "trainer"}), titles
    if training is not None and response.status_code in {401, 403, 404}:
        training.refresh_from_db()
        assert training.title == "Sous test"
