# SPDX-License-Identifier: AGPL-3.0-or-later
"""No page answers 500 to out-of-range input: every page of an organisation, with ids of real records, years
that do not exist (0, 99999, 10^30) in the URL, and a query string holding NUL characters, huge page numbers and
impossible years and months; forms given a NUL character or a badly encoded character in a name."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from coopforma.api.tests.support import RECORD_ID, records  # noqa: F401 (a fixture)
from coopforma.training_sessions.models import FundingLine, Place, Slot

pytestmark = pytest.mark.django_db

HOSTILE_QUERY = {
    "q": "salle\x00",
    "search": "\x00",
    "page": "9" * 30,
    "year": "99999",
    "month": "99999-99",
    "status": "\x00",
    "kind": "\x00",
    "member": str(2**64),
    "session": "-1",
    # the ids some pages take to fill a form in advance: a digit that is no number, a number beyond 64 bits
    "training": "²",
    "client": "²",
    "enrolment": "²",
    "complaint": "²",
    "member_structure": str(10**30),
}


def _walk(patterns, prefix=""):  # type: ignore[no-untyped-def]
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


ROUTES = sorted({r for r in _walk(get_resolver().url_patterns) if r.startswith("o/<slug:org>/")})
YEARS = ["0", "99999", str(10**30)]


def urls(route: str, slug: str) -> list[str]:
    url = route.replace("<slug:org>", slug)
    url = re.sub(r"<int:(?!year)[a-z_]+>", str(RECORD_ID), url)
    url = re.sub(r"<(?:str|slug|path):[a-z_]+>", "x", url)
    if "<int:year>" not in url:
        return ["/" + url]
    return ["/" + url.replace("<int:year>", year) for year in YEARS]


def test_the_walk_finds_the_pages():
    assert len(ROUTES) > 50 and any("<int:year>" in r for r in ROUTES)


@pytest.mark.parametrize("route", ROUTES)
def test_no_page_answers_500_to_hostile_input(route, records, admin_user, org, web):  # noqa: F811
    client = web(admin_user)
    for url in urls(route, org.slug):
        response = client.get(url, HOSTILE_QUERY)
        assert response.status_code < 500, f"GET {url} -> {response.status_code}"


def test_a_nul_character_in_a_form_name_is_refused(admin_user, org, web):
    response = web(admin_user).post(f"/o/{org.slug}/sessions/places/new/", {"name": "Salle\x00", "city": "Rennes"})
    assert response.status_code == 200
    assert "caractère nul" in response.content.decode().lower() or "null" in response.content.decode().lower()
    assert not Place.objects.exists()


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "multipart/form-data; boundary=B"])
def test_a_badly_encoded_name_in_a_form_is_never_stored_as_such(admin_user, org, web, content_type):
    """A lone surrogate cannot be written in UTF-8: the bytes that would stand for it are invalid, and Django
    reads them as U+FFFD; nothing stored holds a character that the database or a PDF could not encode."""
    surrogate = b"\xed\xa0\x80"  # "\ud800" as if it were encodable
    if content_type.startswith("multipart"):
        body = b'--B\r\nContent-Disposition: form-data; name="name"\r\n\r\nSalle ' + surrogate + b"\r\n--B--\r\n"
    else:
        body = b"name=Salle+%ED%A0%80&city=Rennes"
    response = web(admin_user).generic("POST", f"/o/{org.slug}/sessions/places/new/", body, content_type=content_type)
    assert response.status_code < 500
    for name in Place.objects.values_list("name", flat=True):
        name.encode("utf-8")  # would raise on a lone surrogate


def test_deleting_a_slot_with_an_emargement_is_refused_with_a_message(records, admin_user, org, web):  # noqa: F811
    response = web(admin_user).post(f"/o/{org.slug}/sessions/{RECORD_ID}/slots/{RECORD_ID}/delete/", follow=True)
    assert response.status_code == 200
    assert "a un émargement (ouvert, signé ou saisi) : il ne peut plus être supprimé" in response.content.decode()
    assert Slot.objects.filter(pk=RECORD_ID).exists()


def test_deleting_an_invoiced_funding_line_is_refused_with_a_message(records, admin_user, org, web):  # noqa: F811
    url = f"/o/{org.slug}/sessions/{RECORD_ID}/funding/{RECORD_ID}/delete/"
    response = web(admin_user).post(url, follow=True)
    assert response.status_code == 200
    assert "est facturée : elle ne peut plus être supprimée" in response.content.decode()
    assert FundingLine.objects.filter(pk=RECORD_ID).exists()
