# SPDX-License-Identifier: AGPL-3.0-or-later
"""/api/v1/registry/organisations…: the register of training organisations looked up by SIRET, SIREN, NDA and
name, with any token (public data); a number that fails its check → 422 naming the parameter, an unknown one →
404."""

import pytest

from coopforma.registry.tests.factories import CAE, import_sample

pytestmark = pytest.mark.django_db

API = "/api/v1/registry/organisations"


@pytest.fixture(autouse=True)
def _register():  # type: ignore[no-untyped-def]
    import_sample()


def test_by_siret_nda_and_siren_with_any_role(api, org, admin_user, trainer_user):  # type: ignore[no-untyped-def]
    for user in (admin_user, trainer_user):  # the register is public data: any token reads it
        client = api(user, org)
        one = client.get(f"{API}/by-siret", {"siret": "999 000 011 00018"})
        assert one.status_code == 200, one.content
        body = one.json()
        assert (body["nda"], body["siren"], body["name"]) == (CAE["nda"], CAE["siren"], CAE["name"])
        assert body["qualiopi_training"] is True and body["present"] is True
        assert body["specialities"][0] == {
            "code": "315",
            "label": "Ressources humaines, gestion du personnel, gestion de l'emploi",
        }
        assert client.get(f"{API}/by-nda", {"nda": "11 75 90001 75"}).json()["siret"] == CAE["siret"]
        page = client.get(f"{API}/by-siren", {"siren": CAE["siren"]}).json()
        assert page["count"] == 1 and page["items"][0]["nda"] == CAE["nda"]


@pytest.mark.parametrize(
    ("route", "parameter", "value", "says"),
    [
        ("by-siret", "siret", "99900001100019", "Luhn"),
        ("by-siret", "siret", "12345", "14 chiffres"),
        ("by-siren", "siren", "999000012", "Luhn"),
        ("by-siren", "siren", "99900001", "9 chiffres"),
        ("by-nda", "nda", "1175900017", "11 chiffres"),
        ("by-nda", "nda", "1175900017A", "11 chiffres"),
    ],
)
def test_an_invalid_number_is_422_naming_the_parameter(api, org, admin_user, route, parameter, value, says):  # type: ignore[no-untyped-def]
    response = api(admin_user, org).get(f"{API}/{route}", {parameter: value})
    assert response.status_code == 422, response.content
    [error] = response.json()["errors"]
    assert error["loc"] == ["query", parameter] and error["field"] == parameter
    assert says in error["message"]


def test_a_missing_parameter_is_422_too(api, org, admin_user):  # type: ignore[no-untyped-def]
    client = api(admin_user, org)
    for route, parameter in (("by-siret", "siret"), ("by-siren", "siren"), ("by-nda", "nda")):
        response = client.get(f"{API}/{route}")
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == parameter
    assert client.get(API).json()["errors"][0]["field"] == "q"


def test_a_valid_number_the_register_does_not_hold_is_404(api, org, admin_user):  # type: ignore[no-untyped-def]
    client = api(admin_user, org)
    assert client.get(f"{API}/by-siret", {"siret": "73282932000074"}).status_code == 404
    assert client.get(f"{API}/by-siren", {"siren": "732829320"}).status_code == 404
    assert client.get(f"{API}/by-nda", {"nda": "11759999999"}).status_code == 404


def test_by_name_paginated(api, org, admin_user):  # type: ignore[no-untyped-def]
    client = api(admin_user, org)
    found = client.get(API, {"q": "forma scic"}).json()
    assert [o["name"] for o in found["items"]] == ["SCIC FORMATIONS DU TERRITOIRE (FICTIF)"]
    every = client.get(API, {"q": "fictif"}).json()
    assert every["count"] == 8
    first, rest = (
        client.get(API, {"q": "fictif", "limit": 3}).json(),
        client.get(API, {"q": "fictif", "limit": 100, "offset": 3}).json(),
    )
    names = [o["name"] for o in first["items"]] + [o["name"] for o in rest["items"]]
    assert names == [o["name"] for o in every["items"]] and first["count"] == 8
    assert client.get(API, {"q": "zzz coop"}).json() == {"items": [], "count": 0}


def test_no_token_no_lookup(client):  # type: ignore[no-untyped-def]
    assert client.get(f"{API}/by-siret", {"siret": CAE["siret"]}).status_code == 401


def test_the_routes_are_in_the_openapi_document(api, org, admin_user):  # type: ignore[no-untyped-def]
    spec = api(admin_user, org).get("/api/v1/openapi.json").json()
    for path in (API, f"{API}/by-siret", f"{API}/by-siren", f"{API}/by-nda"):
        assert spec["paths"][path]["get"]["x-permission"] == "member", path
