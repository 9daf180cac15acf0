# SPDX-License-Identifier: AGPL-3.0-or-later
"""Fuzzing of the API with Schemathesis: for every operation of /api/v1/openapi.json, requests generated from
the schema (valid and invalid ones, and the boundary values of each parameter), sent with an admin's token of
an organisation holding one record of each kind (every `{…_id}` names a real record half of the time), must
get no 5xx and an answer that conforms to the schema (a documented status code, its content type, its body
schema); a refused write (4xx) must leave every row as it was.

Bounded and reproducible: a fixed number of examples per operation, derandomized (same cases every run)."""

from typing import Any

import hypothesis
import pytest

from coopforma.accounts.models import ApiToken
from coopforma.api.tests.support import CHECKS, RECORD_ID, SCHEMA, database_digest

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 15


@pytest.fixture
def token(records, admin_user, org) -> str:  # type: ignore[no-untyped-def]
    key = ApiToken.new_key()
    ApiToken.objects.create(
        user=admin_user, organisation=org, name="fuzz", prefix=key[:10], key_hash=ApiToken.hash_key(key)
    )
    return key


def _real_ids(case: Any) -> None:
    """Half of the generated ids (the even ones) become the id of the organisation's records."""
    for name, value in (case.path_parameters or {}).items():
        if name.endswith("_id") and isinstance(value, int) and value % 2 == 0:
            case.path_parameters[name] = RECORD_ID


@SCHEMA.parametrize()
@hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
)
def test_api_answers_as_documented(case, token, through_wsgi):  # type: ignore[no-untyped-def]
    _real_ids(case)
    before = database_digest()
    response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
    if case.method.upper() != "GET" and 400 <= response.status_code < 500:
        assert database_digest() == before, f"{case.method} {case.formatted_path} refused, but changed rows"
