# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every BPF page and API route with every role: the OF's BPF for admin and quality (frame D: admin only);
the member report also for the member manager, for their own structure only (another structure: 404);
another organisation: 404, with our slug (stranger) or their own (foreign, tests/permissions.py: their own BPF,
404 on our member structures); anonymous: login (web) or 401 (API)."""

import pytest
from django.test import Client

from tests.permissions import API_ROLES, ROLES, USERS, web_client

pytestmark = pytest.mark.django_db


def expect(admin, quality, manager, trainer, foreign=200):  # type: ignore[no-untyped-def]
    """`foreign`: 200 (their own BPF) unless the route names one of our member structures (404)."""
    return {"admin": admin, "quality": quality, "manager": manager, "trainer": trainer, "stranger": 404,
            "foreign": foreign}  # fmt: skip


WEB = [
    ("bpf/?year=2025", expect(200, 200, 403, 403)),
    ("bpf/2025/bpf.json", expect(200, 200, 403, 403)),
    ("bpf/2025/bpf.csv", expect(200, 200, 403, 403)),
    ("bpf/2025/charges/", expect(200, 403, 403, 403)),
    ("bpf/2025/lines/F1.total/", expect(200, 200, 403, 403)),
    ("bpf/2025/lines/C.1/", expect(200, 200, 403, 403)),
    ("bpf/2025/lines/E.internal/", expect(200, 200, 403, 403)),
    ("bpf/members/", expect(200, 200, 200, 403)),
    ("bpf/2025/members/{member}/", expect(200, 200, 200, 403, foreign=404)),
    ("bpf/2025/members/{member}/report.json", expect(200, 200, 200, 403, foreign=404)),
    ("bpf/2025/members/{member}/lines/F1.total/", expect(200, 200, 200, 403, foreign=404)),
    ("bpf/2025/members/{other}/", expect(200, 200, 404, 403, foreign=404)),
    ("bpf/2025/members/{other}/lines/G/", expect(200, 200, 404, 403, foreign=404)),
]


@pytest.mark.parametrize("path,expected", WEB)
@pytest.mark.parametrize("role", ROLES)
def test_web(path, expected, role, request, web, org, member, other_member, trainer):  # type: ignore[no-untyped-def]
    url = f"/o/{org.slug}/" + path.format(member=member.pk, other=other_member.pk)
    response = web_client(request, web, role).get(url)
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == expected[role], (role, url)


def test_frame_d_post_needs_bpf_edit(org, quality_user, web):
    response = web(quality_user).post(f"/o/{org.slug}/bpf/2025/charges/", {"total_charges_cents": "10"})
    assert response.status_code == 403


API = [
    ("/api/v1/bpf/2025", expect(200, 200, 403, 403)),
    ("/api/v1/bpf/2025/members/{member}", expect(200, 200, 200, 403)),
    ("/api/v1/bpf/2025/members/{other}", expect(200, 200, 404, 403)),
]


@pytest.mark.parametrize("path,expected", API)
@pytest.mark.parametrize("role", [role for role in API_ROLES if role in USERS])
def test_api(path, expected, role, request, api, org, other_org, member, other_member, trainer):  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(USERS[role])
    client = api(user, other_org if role == "stranger" else org)
    url = path.format(member=member.pk, other=other_member.pk)
    status = client.get(url).status_code
    if role == "stranger":
        # The stranger's own organisation has its own BPF; `org`'s member structures are not theirs.
        assert status == (200 if "members" not in url else 404)
    else:
        assert status == expected[role], (role, url)
    assert Client().get(url).status_code == 401
