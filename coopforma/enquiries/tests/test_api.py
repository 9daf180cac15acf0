# SPDX-License-Identifier: AGPL-3.0-or-later
"""GET /api/v1/enquiries and /api/v1/enquiries/{id}: scoped like the back office."""

import pytest

from coopforma.enquiries.tests.factories import EnquiryFactory
from tests.permissions import API_ROLES, api_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def ours(training, session):  # type: ignore[no-untyped-def]
    return EnquiryFactory(training=training, session=session, kind="enrolment", last_name="Notre-Structure")


@pytest.fixture
def theirs(other_training):  # type: ignore[no-untyped-def]
    return EnquiryFactory(training=other_training, last_name="Autre-Structure", status="closed")


def test_list_and_detail_shape(api, admin_user, org, ours, theirs):
    client = api(admin_user, org)
    listed = client.get("/api/v1/enquiries").json()
    assert listed["count"] == 2
    assert {row["last_name"] for row in listed["items"]} == {"Notre-Structure", "Autre-Structure"}
    closed = client.get("/api/v1/enquiries?status=closed").json()
    assert [row["id"] for row in closed["items"]] == [theirs.pk]
    detail = client.get(f"/api/v1/enquiries/{ours.pk}").json()
    assert detail["kind"] == "enrolment" and detail["status"] == "new"
    assert detail["training_title"] == "Animer une coopérative" and detail["session_id"] == ours.session_id
    assert detail["consent_at"] and detail["notice_version"] == "2026-12" and detail["converted_client_id"] is None


# Per role: the list count, our structure's request, the other structure's request.
EXPECTED = {
    "admin": (200, 200, 200),
    "quality": (200, 200, 200),
    "manager": (200, 200, 404),
    "trainer": (403, 403, 403),
    "stranger": (200, 404, 404),
    "anonymous": (401, 401, 401),
}


@pytest.mark.parametrize("role", API_ROLES)
def test_who_reads_which_requests(request, api, role, org, other_org, ours, theirs, trainer):
    client = api_client(request, api, role, org, other_org)
    got = (
        client.get("/api/v1/enquiries").status_code,
        client.get(f"/api/v1/enquiries/{ours.pk}").status_code,
        client.get(f"/api/v1/enquiries/{theirs.pk}").status_code,
    )
    assert got == EXPECTED[role]
    if role in ("manager", "stranger"):
        names = {row["last_name"] for row in client.get("/api/v1/enquiries").json()["items"]}
        assert names == ({"Notre-Structure"} if role == "manager" else set())
