# SPDX-License-Identifier: AGPL-3.0-or-later
"""Out-of-range input is refused by the API with a 422 naming where it is, never a 500: NUL characters and lone
surrogates in texts, integers beyond 64 bits, offsets and limits beyond their bounds, years out of range."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopforma.api.tests.support import RECORD_ID, database_digest
from coopforma.training_sessions.models import Place

pytestmark = pytest.mark.django_db

API = "/api/v1"
BAD_CHARACTERS = st.sampled_from(["\x00", "\ud800", "\udfff", "\udbff"])
FUNCTION_FIXTURES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def locs(response) -> list[list]:  # type: ignore[no-untyped-def]
    assert response.status_code == 422, response.content
    return [error["loc"] for error in response.json()["errors"]]


def send(client, method: str, url: str, body: dict):  # type: ignore[no-untyped-def]
    """The body as JSON, lone surrogates written as \\ud800 escapes (what any JSON encoder does)."""
    return client.generic(method, url, data=json.dumps(body), content_type="application/json")


@FUNCTION_FIXTURES
@given(before=st.text(max_size=5), bad=BAD_CHARACTERS, after=st.text(max_size=5))
def test_a_nul_or_a_lone_surrogate_in_a_name_is_refused(api, admin_user, org, before, bad, after):
    client = api(admin_user, org)
    count = Place.objects.count()
    response = send(client, "POST", f"{API}/places", {"name": before + bad + after, "city": "Rennes"})
    assert locs(response) == [["body", "name"]]
    assert "Caractère interdit" in response.json()["errors"][0]["message"]
    assert Place.objects.count() == count


def test_bad_characters_are_found_wherever_they_are(api, admin_user, org, records):
    client = api(admin_user, org)
    before = database_digest()
    body = {"programme": {"audience": "ok", "content": "a\x00b"}, "notes": "ok", "title": "\ud83d"}
    assert sorted(locs(send(client, "PATCH", f"{API}/sessions/{RECORD_ID}", body))) == [
        ["body", "programme", "content"],
        ["body", "title"],
    ]
    lines = {"funding_lines": [{"payer_kind": "company", "amount_cents": 1, "payer_name": "\x00"}]}
    assert locs(send(client, "PATCH", f"{API}/enrolments/{RECORD_ID}", lines)) == [
        ["body", "funding_lines", 0, "payer_name"]
    ]
    assert locs(send(client, "PATCH", f"{API}/sessions/{RECORD_ID}", {"programme": {"\x00": "x"}})) == [
        ["body", "programme", "\\x00"]
    ]
    assert locs(client.get(f"{API}/places", {"q": "salle\x00"})) == [["query", "q"]]
    assert database_digest() == before


def test_a_pair_of_surrogates_is_a_character_not_an_error(api, admin_user, org):
    """An emoji is sent in JSON as two escaped surrogates: together they are one valid character."""
    response = api(admin_user, org).post(
        f"{API}/places", '{"name": "Salle \\ud83c\\udf33"}', content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "Salle 🌳"


@pytest.mark.parametrize(
    ("query", "loc"),
    [
        ({"offset": 2**63}, ["query", "offset"]),
        ({"offset": 10**9 + 1}, ["query", "offset"]),
        ({"offset": -1}, ["query", "offset"]),
        ({"limit": 2**64}, ["query", "limit"]),
        ({"limit": 0}, ["query", "limit"]),
    ],
)
@pytest.mark.parametrize("url", ["/sessions", "/places", "/clients", "/trainings", "/billing/pieces"])
def test_pagination_out_of_range_is_422(api, admin_user, org, url, query, loc):
    assert loc in locs(api(admin_user, org).get(API + url, query))


def test_pagination_at_its_bounds_answers(api, admin_user, org, records):
    client = api(admin_user, org)
    assert client.get(f"{API}/sessions", {"offset": 10**9, "limit": 1000}).json() == {"items": [], "count": 1}
    assert len(client.get(f"{API}/clients", {"limit": 1000}).json()["items"]) == 1  # people's lists: 200 at most


@pytest.mark.parametrize("year", [0, -1, 1999, 2101, 99999, 2**63, 10**30])
@pytest.mark.parametrize("url", ["/sessions", "/billing/pieces", "/evaluations/results"])
def test_a_year_out_of_range_is_422(api, admin_user, org, url, year):
    response = api(admin_user, org).get(API + url, {"year": year})
    assert ["query", "year"] in locs(response)


@pytest.mark.parametrize("year", ["0", "99999", "1899", "2201", str(2**63), str(10**30)])
def test_a_bpf_year_out_of_range_is_404(api, admin_user, org, records, year):
    client = api(admin_user, org)
    assert client.get(f"{API}/bpf/{year}").status_code in (404, 422)
    assert client.get(f"{API}/bpf/{year}/members/{RECORD_ID}").status_code in (404, 422)


@FUNCTION_FIXTURES
@given(number=st.one_of(st.integers(min_value=2**63), st.integers(max_value=-(2**63) - 1)))
def test_an_integer_beyond_64_bits_is_422_anywhere(api, admin_user, org, records, number):
    client = api(admin_user, org)
    response = send(client, "POST", f"{API}/places", {"name": "Salle", "capacity": number})
    assert [loc[-1] for loc in locs(response)] == ["capacity"]
    assert ["query", "client"] in locs(client.get(f"{API}/trainees", {"client": number}))
    if number > 0:  # a negative number is no id: the path does not match any route (404)
        assert ["path", "session_id"] in locs(client.get(f"{API}/sessions/{number}"))


def test_deleting_a_slot_with_an_emargement_is_refused_with_a_message(api, admin_user, org, records):
    slot = records["slot"]
    before = database_digest()
    response = api(admin_user, org).delete(f"{API}/sessions/{RECORD_ID}/slots/{slot.pk}")
    assert response.status_code == 422
    assert "a un émargement" in response.json()["errors"][0]["message"]
    assert database_digest() == before


def test_removing_an_invoiced_funding_line_is_refused_with_a_message(api, admin_user, org, records):
    before = database_digest()
    response = send(api(admin_user, org), "PATCH", f"{API}/enrolments/{RECORD_ID}", {"funding_lines": []})
    assert locs(response) == [["body", "funding_lines"]]
    assert "est facturée" in response.json()["errors"][0]["message"]
    assert database_digest() == before
