# SPDX-License-Identifier: AGPL-3.0-or-later
"""One API style, checked on every route of the API (walked from ninja's routers, so that a new route is
checked without being listed here):

- each route declares who may call it (`auth.permission`: a flag of accounts.roles.FLAGS, `MEMBER` or
  `PUBLIC`), and a role without the flag is refused (403) before the route runs;
- operation ids are `<noun>_<verb>`, unique; paths are plural nouns in kebab-case with `{<noun>_id}` parameters;
- every list is paginated by the one `Pagination` (`params.paged`);
- every JSON body is named `payload` (what `errors.field_error` leaves out of `field`)."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from ninja.operation import Operation

from coopforma.accounts.actor import actor_for
from coopforma.accounts.roles import FLAGS, Role
from coopforma.api.api import api as coopforma_api
from coopforma.api.auth import MEMBER, PUBLIC
from coopforma.api.errors import BODY_PARAMETER
from coopforma.api.params import PAGE_MAX, Pagination

VERBS = {
    "list", "get", "create", "update", "delete",
    "issue", "submit", "validate", "decide", "declare", "record", "credit", "open", "close", "mark", "upload",
    "generate", "finalise",
}  # fmt: skip
OPERATION_ID = re.compile(rf"^[a-z]+(_[a-z]+)*_({'|'.join(sorted(VERBS))})$")
SEGMENT = re.compile(r"^([a-z0-9]+(-[a-z0-9]+)*(\.(pdf|xml|geojson))?|\{([a-z]+_)*id\}|\{year\}|\{number\})$")


def operations() -> list[tuple[str, str, Operation]]:
    """(method, path, operation) of every route of the API, from ninja's routers."""
    found = []
    for router in coopforma_api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    found.append((method, "/" + path.lstrip("/"), operation))
    return found


OPERATIONS = operations()
IDS = [f"{method} {path}" for method, path, _ in OPERATIONS]


def test_the_walk_sees_every_operation_of_the_openapi_document():
    spec = coopforma_api.get_openapi_schema()
    documented = {(m.upper(), p.removeprefix("/api/v1")) for p, ops in spec["paths"].items() for m in ops}
    assert {(method, path) for method, path, _ in OPERATIONS} == documented
    assert len(OPERATIONS) > 80


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_every_route_declares_its_permission(method, path, operation):
    flag = getattr(operation.view_func, "permission", None)
    assert flag in FLAGS or flag in (MEMBER, PUBLIC), f"{method} {path}: no @permission(...)"
    assert (flag == PUBLIC) == (not operation.auth_callbacks), f"{method} {path}: PUBLIC means auth=None"


FLAGGED = [
    (method, path, operation, role)
    for method, path, operation in OPERATIONS
    if getattr(operation.view_func, "permission", None) in FLAGS
    for role in Role.values
    if role not in FLAGS[operation.view_func.permission]
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "operation", "role"), FLAGGED, ids=[f"{m} {p} as {r}" for m, p, _, r in FLAGGED]
)
def test_a_role_without_the_flag_is_refused_before_the_route_runs(method, path, operation, role, org, admin_user):
    """The declared flag is the one checked: a token of a role that lacks it is refused (403) whatever the ids
    and the body (the route's own code, which would need them, never runs)."""
    request = getattr(RequestFactory(), method.lower())("/api/v1" + path)
    request.auth = actor_for(admin_user, org, role)
    with pytest.raises(PermissionDenied):
        operation.view_func(request)


def test_the_openapi_document_says_who_may_call_each_operation():
    spec = coopforma_api.get_openapi_schema()
    operations = [operation for ops in spec["paths"].values() for operation in ops.values()]
    assert all(operation.get("x-permission") for operation in operations)
    issue = spec["paths"]["/api/v1/billing/pieces/{piece_id}/issue"]["post"]
    assert issue["x-permission"] == "billing.manage" and "`billing.manage`" in issue["description"]


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_operation_ids_are_noun_verb_and_paths_one_scheme(method, path, operation):
    operation_id = coopforma_api.get_openapi_operation_id(operation)
    assert OPERATION_ID.match(operation_id), f"{method} {path}: {operation_id}"
    segments = path.strip("/").split("/")
    assert all(SEGMENT.match(segment) for segment in segments), f"{method} {path}"


def test_operation_ids_are_unique():
    ids = [coopforma_api.get_openapi_operation_id(operation) for _, _, operation in OPERATIONS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(("method", "path", "operation"), OPERATIONS, ids=IDS)
def test_every_list_is_paginated_and_every_body_is_payload(method, path, operation):
    model = operation.response_models.get(200)
    returns_list = model is not None and getattr(model, "model_fields", {}).get("response") is not None
    if returns_list:
        annotation = str(model.model_fields["response"].annotation)
        if annotation.startswith("list["):
            pytest.fail(f"{method} {path} answers a bare list: paginate it with @paged")
    if getattr(operation.view_func, "_ninja_is_paginated", False):
        assert getattr(operation.view_func, "paged", False), f"{method} {path}: use params.paged"
    for param in operation.signature.params:
        if type(param.source).__name__ == "Body":
            assert param.name == BODY_PARAMETER, f"{method} {path}: body named {param.name}"


def test_one_pagination_with_a_maximum():
    paginator = Pagination()
    assert paginator.max_limit == PAGE_MAX == 200
    spec = coopforma_api.get_openapi_schema()
    paged = [
        (path, operation)
        for path, ops in spec["paths"].items()
        for method, operation in ops.items()
        if "Paged" in str(operation["responses"].get(200, {}).get("content", {}))
    ]
    assert len(paged) >= 14 and "/api/v1/documents" in {path for path, _ in paged}
    for path, operation in paged:
        limit = next(p for p in operation["parameters"] if p["name"] == "limit")
        assert limit["schema"]["maximum"] == 1000 and limit["schema"]["default"] == 100, path


@pytest.mark.django_db
def test_a_page_holds_at_most_200_items_and_count_tells_them_all(api, admin_user, org):
    from coopforma.training_sessions.models import Place

    Place.objects.bulk_create([Place(organisation=org, name=f"Salle {i:03}") for i in range(PAGE_MAX + 1)])
    client = api(admin_user, org)
    page = client.get("/api/v1/places", {"limit": 1000}).json()
    assert page["count"] == PAGE_MAX + 1 and len(page["items"]) == PAGE_MAX
    rest = client.get("/api/v1/places", {"limit": 1000, "offset": PAGE_MAX}).json()
    assert [p["name"] for p in rest["items"]] == [f"Salle {PAGE_MAX:03}"]
    assert len(client.get("/api/v1/places").json()["items"]) == 100  # the default limit


READS_BY_ID = [
    (method, path) for method, path, _ in OPERATIONS if method == "GET" and re.search(r"\{([a-z]+_)*id\}", path)
]


@pytest.mark.django_db
def test_another_organisations_admin_reads_none_of_our_records_by_id(api, records, stranger, other_org, org):
    """Every read of a record by id, with our records' id and a token of the other organisation's admin: 404,
    never one of our records."""
    from coopforma.api.tests.support import RECORD_ID

    client = api(stranger, other_org)
    answers = {}
    for _method, path in READS_BY_ID:
        url = "/api/v1" + re.sub(r"\{([a-z]+_)*id\}", str(RECORD_ID), path).replace("{year}", "2025")
        answers[path] = client.get(url).status_code
    assert len(answers) >= 20
    assert {path: status for path, status in answers.items() if status != 404} == {}
