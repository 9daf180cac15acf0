# SPDX-License-Identifier: AGPL-3.0-or-later
"""The four lists (pages and API) run a constant number of queries: 3 rows or 33, the same bound."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopforma.people.tests.factories import ClientFactory, MemberStructureFactory, TraineeFactory, TrainerFactory


def _make_members(org, member, n):  # type: ignore[no-untyped-def]
    for _ in range(n):
        structure = MemberStructureFactory(organisation=org)
        structure.managers.add(*member.managers.all())
        TrainerFactory(organisation=org, member_structure=structure)


def _make_trainers(org, member, n):  # type: ignore[no-untyped-def]
    for _ in range(n):
        TrainerFactory(organisation=org, member_structure=member)


def _make_clients(org, member, n):  # type: ignore[no-untyped-def]
    for _ in range(n):
        ClientFactory(organisation=org, member_structure=member)


def _make_trainees(org, member, n):  # type: ignore[no-untyped-def]
    for _ in range(n):
        TraineeFactory(organisation=org, client=ClientFactory(organisation=org, member_structure=member))


LISTS = [
    ("member_list", "/api/v1/members", _make_members),
    ("trainer_list", "/api/v1/trainers", _make_trainers),
    ("client_list", "/api/v1/clients", _make_clients),
    ("trainee_list", "/api/v1/trainees", _make_trainees),
]


def _rows(response) -> int:  # type: ignore[no-untyped-def]
    return len(response.context["page_obj"].object_list)


@pytest.mark.parametrize("user_fixture", ["admin_user", "manager_user"])
@pytest.mark.parametrize("name,api_path,make", LISTS, ids=[row[0] for row in LISTS])
def test_list_pages_run_a_constant_number_of_queries(
    request, web, org, member, django_assert_max_num_queries, user_fixture, name, api_path, make
):
    client = web(request.getfixturevalue(user_fixture))
    path = reverse(f"people:{name}", kwargs={"org": org.slug})
    make(org, member, 3)
    with CaptureQueriesContext(connection) as few:
        response = client.get(path)
    assert _rows(response) >= 3
    make(org, member, 30)
    with django_assert_max_num_queries(len(few)):
        response = client.get(path)
    assert _rows(response) >= 33
    with django_assert_max_num_queries(len(few)):
        filtered = client.get(path, {"q": "e"})
    assert filtered.status_code == 200


@pytest.mark.parametrize("user_fixture", ["admin_user", "manager_user"])
@pytest.mark.parametrize("name,api_path,make", LISTS, ids=[row[0] for row in LISTS])
def test_api_lists_run_a_constant_number_of_queries(
    request, api, org, member, django_assert_max_num_queries, user_fixture, name, api_path, make
):
    client = api(request.getfixturevalue(user_fixture), org)
    make(org, member, 3)
    with CaptureQueriesContext(connection) as few:
        body = client.get(api_path).json()
    assert body["count"] >= 3
    make(org, member, 30)
    with django_assert_max_num_queries(len(few)):
        body = client.get(api_path).json()
    assert body["count"] >= 33
    assert len(body["items"]) >= 33
