# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every API write is all or nothing: a refused request (4xx) leaves the database exactly as it was.

For every write operation of the OpenAPI document, bodies built from its schema: plausible values for every
field, then each field in turn given a value a rule may refuse (an unknown state, a negative number, an id
that names nothing, an empty text…) while the others stay valid and would be saved. Whatever the answer, a
4xx must leave the same rows behind (compared row by row over every table)."""

import json
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from ninja import Status

from coopforma.api.api import api as coopforma_api
from coopforma.api.guards import guarded
from coopforma.api.tests.support import RECORD_ID, database_digest
from coopforma.training_sessions.models import Place, Session

pytestmark = pytest.mark.django_db

API = "/api/v1"
SPEC = coopforma_api.get_openapi_schema()
WRITES = sorted(
    (method.upper(), path)
    for path, operations in SPEC["paths"].items()
    for method in operations
    if method in ("post", "put", "patch", "delete")
)
MISSING_ID = 999_999_999

# Values the routes accept, by field name, then by (path, field name) where routes differ.
VALID: dict[str, Any] = {
    "remote_url": "https://visio.example.org/salle",
    "siret": "73282932000074",
    "nda": "11755555575",
    "postal_code": "35000",
    "phone": "02 99 00 00 00",
    "contribution_rate": 10,
    "payer_kind": "company",
    "scheme": "",
    "bpf_trainee_type": "a",
    "modality": "on_site",
    "certification_kind": "none",
    "certification_code": "",
    "rncp_level": None,
    "nsf_code": "315",
    "formacode": "",
    "bpf_objective": "d",
    "method": "transfer",
    "decision": "suspend",
    "mark": "late",
    "opco": "",
    "trainee_id": None,  # POST …/trainees: a new trainee from first_name, last_name, email
    "entrusted_trainees": 0,  # only for clients that are training organisations
    "entrusted_minutes": 0,
    "is_public": False,  # only a validated training is published
}
VALID_ON: dict[tuple[str, str], Any] = {
    ("/api/v1/clients", "kind"): "company",
    ("/api/v1/clients/{client_id}", "kind"): "company",
    ("/api/v1/members", "kind"): "scop",
    ("/api/v1/members/{member_id}", "kind"): "scop",
    ("/api/v1/billing/enrolments/{enrolment_id}/drafts", "kind"): "invoice",
    ("/api/v1/documents", "kind"): "convention",
    ("/api/v1/sessions", "status"): "draft",
    ("/api/v1/sessions/{session_id}", "status"): "running",
    ("/api/v1/sessions/{session_id}/enrolments", "status"): "confirmed",
    ("/api/v1/enrolments/{enrolment_id}", "status"): "confirmed",
    ("/api/v1/sessions/{session_id}/trainees", "status"): "registered",
    ("/api/v1/participants/{participant_id}", "status"): "attending",
    ("/api/v1/trainers", "status"): "entrepreneur",
    ("/api/v1/trainers/{trainer_id}", "status"): "entrepreneur",
    ("/api/v1/slots/{slot_id}/attendance", "status"): "present",
    ("/api/v1/sessions/{session_id}/slots", "starts_at"): "2026-03-11T09:00:00+01:00",
    ("/api/v1/sessions/{session_id}/slots", "ends_at"): "2026-03-11T12:00:00+01:00",
    ("/api/v1/sessions/{session_id}/slots/{slot_id}", "starts_at"): "2026-03-10T09:30:00+01:00",
    ("/api/v1/sessions/{session_id}/slots/{slot_id}", "ends_at"): "2026-03-10T12:30:00+01:00",
}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SPEC["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    if "anyOf" in schema:  # `X | None`: the X
        schema = next((s for s in schema["anyOf"] if s.get("type") != "null"), schema["anyOf"][0])
        return _resolve(schema)
    return schema


def plausible(name: str, schema: dict[str, Any], path: str = "") -> Any:
    """A value the route would accept for this field."""
    if (path, name) in VALID_ON:
        return VALID_ON[path, name]
    if name in VALID:
        return VALID[name]
    schema = _resolve(schema)
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "integer":
        if name.endswith("_id") or name == "id":
            return RECORD_ID
        return max(schema.get("minimum", 1), 1) * (100 if name.endswith("_cents") else 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    if kind == "array":
        return [plausible(name.removesuffix("s"), schema.get("items", {}))]
    if kind == "object":
        return {key: plausible(key, sub) for key, sub in schema.get("properties", {}).items()}
    if fmt == "date":
        return "2026-03-11"
    if fmt == "date-time":
        return "2026-03-11T09:00:00+01:00"
    if "email" in name or fmt == "email":
        return "nouvelle@example.org"
    return "Texte modifié"


def refusable(name: str, schema: dict[str, Any]) -> list[Any]:
    """Values of the right type that a business rule may refuse."""
    schema = _resolve(schema)
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "integer":
        return [MISSING_ID, -1] if name.endswith("_id") else [-1, 10**9]
    if kind == "number":
        return [-1]
    if kind == "boolean":
        return [False]
    if kind == "array":
        return [[], [MISSING_ID] if _resolve(schema.get("items", {})).get("type") == "integer" else [{}]]
    if kind == "object":
        return [{"inconnu": "x"}]
    if fmt == "date":
        return ["1900-01-01"]
    if fmt == "date-time":
        return ["2026-03-11T08:00:00+01:00"]
    return ["nonsense", ""]


def bodies(method: str, path: str) -> list[dict[str, Any] | None]:
    operation = SPEC["paths"][path][method.lower()]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:  # twice: the second call usually finds the state changed by the first, and is refused
        return [None, None]
    properties = _resolve(content["schema"]).get("properties", {})
    base = {name: plausible(name, schema, path) for name, schema in properties.items()}
    found: list[dict[str, Any] | None] = [base]
    for name, schema in properties.items():
        found.extend({**base, name: value} for value in refusable(name, schema))
    return found


@pytest.mark.parametrize(("method", "path"), WRITES, ids=[f"{m} {p}" for m, p in WRITES])
def test_a_refused_write_keeps_nothing(method, path, records, api, admin_user, org):
    client: Client = api(admin_user, org)
    client.get(f"{API}/me")  # the token's first use is recorded once; not part of what is compared
    url = re.sub(r"\{[a-z_]+\}", str(RECORD_ID), path)
    refused = 0
    before = database_digest()
    for body in bodies(method, path):
        if body is None:
            response = client.generic(method, url)
        else:
            response = client.generic(method, url, data=json.dumps(body), content_type="application/json")
        assert response.status_code < 500, (body, response.content)
        after = database_digest()
        if response.status_code >= 400:
            refused += 1
            assert after == before, f"{method} {path} answered {response.status_code} but changed rows: {body}"
        before = after
    assert refused or method == "DELETE", "no body was refused: the test proves nothing for this route"


def test_a_refused_session_patch_saves_nothing(api, admin_user, org, records):
    """The notes are valid, the status is not: 422, and the notes are not saved either."""
    session = records["session"]
    before = Session.objects.get(pk=session.pk)
    response = api(admin_user, org).patch(
        f"{API}/sessions/{session.pk}", {"notes": "x", "status": "nonsense"}, content_type="application/json"
    )
    assert response.status_code == 422, response.content
    after = Session.objects.get(pk=session.pk)
    assert (after.notes, after.updated_at) == (before.notes, before.updated_at)


@pytest.mark.parametrize("refusal", ["raised", "answered"])
def test_a_write_refused_after_a_save_keeps_nothing(org, refusal):
    """The guard of every operation, whether the route raises its refusal or answers it (ninja's Status)."""

    @guarded
    def route(request):  # type: ignore[no-untyped-def]
        Place.objects.create(organisation=org, name="Salle enregistrée avant le refus")
        if refusal == "raised":
            raise ValidationError({"name": "refusé"})
        return Status(422, {"detail": []})

    request = RequestFactory().post("/api/v1/places", {}, content_type="application/json")
    if refusal == "raised":
        with pytest.raises(ValidationError):
            route(request)
    else:
        assert route(request).status_code == 422
    assert not Place.objects.exists()
