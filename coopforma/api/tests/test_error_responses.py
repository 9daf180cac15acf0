# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every operation declares its error answers (400, 401, 403, 404, 422) in the OpenAPI with one envelope
(`ErrorOut`: detail, code, errors), and each error the API gives is that envelope and matches the declared schema
(checked by Schemathesis against the served /api/v1/openapi.json)."""

import pytest

from coopforma.accounts.models import ApiToken
from coopforma.api.api import api as coopforma_api
from coopforma.api.tests.support import CHECKS, RECORD_ID, SCHEMA

pytestmark = pytest.mark.django_db


def test_every_operation_declares_its_errors():
    spec = coopforma_api.get_openapi_schema()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            declared = {str(status) for status in operation["responses"]}
            expected = {"401", "403", "404", "422"} | ({"400"} if "requestBody" in operation else set())
            assert expected <= declared, f"{method.upper()} {path}: {sorted(declared)}"
            for status in expected:
                schema = operation["responses"][int(status)]["content"]["application/json"]["schema"]
                if (method, path, status) == ("post", "/api/v1/documents", "422"):  # ErrorOut + `missing`
                    assert schema == {"$ref": "#/components/schemas/MissingErrorOut"}
                    missing = spec["components"]["schemas"]["MissingErrorOut"]["properties"]
                    assert set(spec["components"]["schemas"]["ErrorOut"]["properties"]) < set(missing)
                else:
                    assert schema == {"$ref": "#/components/schemas/ErrorOut"}, f"{method} {path} {status}"
    assert spec["components"]["schemas"]["ErrorOut"]["required"] == ["detail", "code", "errors"]


def bearer(user, org) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The Authorization header of a new token of `user` in `org`."""
    key = ApiToken.new_key()
    ApiToken.objects.create(user=user, organisation=org, name="t", prefix=key[:10], key_hash=ApiToken.hash_key(key))
    return {"Authorization": f"Bearer {key}"}


@pytest.mark.parametrize(
    ("who", "method", "path", "case", "status"),
    [
        ("nobody", "GET", "/api/v1/me", {}, 401),
        ("nobody", "POST", "/api/v1/places", {"body": {"name": "Salle"}}, 401),
        ("trainer", "GET", "/api/v1/bpf/{year}", {"path_parameters": {"year": 2025}}, 403),
        (
            "trainer",
            "POST",
            "/api/v1/trainers/{trainer_id}/decision",
            {"path_parameters": {"trainer_id": RECORD_ID}, "body": {"decision": "suspend", "reason": "x"}},
            403,
        ),
        ("admin", "GET", "/api/v1/sessions/{session_id}", {"path_parameters": {"session_id": 1}}, 404),
        ("admin", "GET", "/api/v1/bpf/{year}", {"path_parameters": {"year": 1999}}, 404),
        ("admin", "PATCH", "/api/v1/sessions/{session_id}", {"body": {"notes": "x", "status": "nonsense"}}, 422),
        ("admin", "POST", "/api/v1/places", {"body": {"capacity": -1}}, 422),
        ("admin", "GET", "/api/v1/places", {"query": {"offset": 2**63}}, 422),
        ("admin", "POST", "/api/v1/documents", {"body": {"kind": "convention", "subject_id": RECORD_ID}}, 422),
    ],
)
def test_error_bodies_match_their_schema(
    who, method, path, case, status, records, admin_user, trainer_user, trainer, org, through_wsgi
):
    headers = {"nobody": {}, "admin": bearer(admin_user, org), "trainer": bearer(trainer_user, org)}[who]
    parameters = {"path_parameters": {}, **case}
    if "{session_id}" in path:
        parameters["path_parameters"] = parameters["path_parameters"] or {"session_id": RECORD_ID}
    test_case = SCHEMA[path][method].Case(**parameters)
    response = test_case.call(headers=headers)
    assert response.status_code == status, response.content
    test_case.validate_response(response, checks=CHECKS)
    body = response.json()
    assert {"detail", "code", "errors"} <= set(body) and isinstance(body["detail"], str) and body["detail"]
    assert bool(body["errors"]) == (status == 422)
    for item in body["errors"]:
        assert set(item) == {"loc", "field", "message", "code"}


def test_an_unreadable_body_is_400_with_an_error_body(api, admin_user, org):
    response = api(admin_user, org).post("/api/v1/places", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Corps de la requête illisible : ce n'est pas du JSON valide.",
        "code": "bad_request",
        "errors": [],
    }


def test_a_refused_field_is_named_the_same_by_ninja_and_by_a_service(api, admin_user, org, records):
    """A type error (ninja: loc ["body", "payload", …]) and a rule (a service: loc ["body", …]) give the same
    `field`; the sentence is the refusal's message when there is one, else a pointer to `errors`."""
    client = api(admin_user, org)
    typed = client.post("/api/v1/places", {"name": "Salle", "capacity": -1}, content_type="application/json")
    assert typed.status_code == 422
    [item] = typed.json()["errors"]
    assert item["loc"] == ["body", "payload", "capacity"] and item["field"] == "capacity"
    assert typed.json()["detail"] == item["message"] and typed.json()["code"] == "invalid"
    several = client.post("/api/v1/places", {"capacity": "x"}, content_type="application/json")
    assert {e["field"] for e in several.json()["errors"]} == {"name", "capacity"}
    assert several.json()["detail"] == "Valeurs refusées : voir la liste « errors »."


@pytest.mark.parametrize(
    ("who", "url", "status", "code", "detail"),
    [
        ("trainer", "/api/v1/bpf/2025", 403, "forbidden", "Votre rôle ne permet pas cette action."),
        ("admin", "/api/v1/sessions/1", 404, "not_found", "Introuvable"),
        ("nobody", "/api/v1/me", 401, "unauthorized", "Jeton absent"),
    ],
)
def test_403_404_and_401_are_the_same_envelope_in_french(
    who, url, status, code, detail, api, admin_user, trainer_user, org, trainer, client
):
    http = {"admin": api(admin_user, org), "trainer": api(trainer_user, org), "nobody": client}[who]
    response = http.get(url)
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code and body["detail"].startswith(detail) and body["errors"] == []


def test_pydantics_usual_refusals_are_said_in_french_and_in_english_on_request(api, admin_user, org):
    client = api(admin_user, org)
    missing = client.get("/api/v1/documents")
    assert missing.status_code == 422
    assert missing.json()["errors"][0] | {"loc": None} == {
        "loc": None,
        "field": "session",
        "message": "Champ obligatoire.",
        "code": "missing",
    }
    assert missing.json()["detail"] == "Champ obligatoire."
    not_a_number = client.get("/api/v1/documents?session=douze")
    assert not_a_number.json()["errors"][0]["message"] == "Un nombre entier est attendu."
    english = client.get("/api/v1/documents", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["errors"][0]["message"] == "Field required."
