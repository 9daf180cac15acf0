# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest
from django.test import Client
from django.utils import timezone

from coopforma.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


def test_openapi_is_served():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "Coopforma API"
    assert "/api/v1/me" in spec["paths"]


def test_me_tells_the_token_s_organisation_and_role(api, trainer_user, trainer, org):
    body = api(trainer_user, org).get("/api/v1/me").json()
    assert body["organisation"]["slug"] == org.slug
    assert body["role"] == "trainer"
    assert "org.manage" not in body["flags"] and "sessions.create" in body["flags"]


def test_api_without_or_with_a_bad_token_is_401(org):
    path = "/api/v1/me"
    assert Client().get(path).status_code == 401
    assert Client(headers={"Authorization": "Bearer cf_wrong"}).get(path).status_code == 401


def test_revoked_token_is_refused(admin_user, org):
    key = ApiToken.new_key()
    ApiToken.objects.create(
        user=admin_user,
        organisation=org,
        name="t",
        prefix=key[:10],
        key_hash=ApiToken.hash_key(key),
        revoked_at=timezone.now(),
    )
    path = "/api/v1/me"
    assert Client(headers={"Authorization": f"Bearer {key}"}).get(path).status_code == 401


def test_token_of_a_removed_member_is_refused(admin_user, org):
    key = ApiToken.new_key()
    ApiToken.objects.create(
        user=admin_user, organisation=org, name="t", prefix=key[:10], key_hash=ApiToken.hash_key(key)
    )
    admin_user.memberships.update(is_active=False, state="removed")
    path = "/api/v1/me"
    assert Client(headers={"Authorization": f"Bearer {key}"}).get(path).status_code == 401
