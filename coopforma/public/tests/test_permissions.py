# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public pages need no login and answer the same whoever asks; a staff login grants nothing more."""

import pytest
from django.urls import reverse

from coopforma.public.tests.helpers import final_document
from tests.permissions import ROLES, web_client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "kwargs", "method", "expected"),
    [
        ("verify", {}, "get", 200),
        ("verify_code", {"code": "INCONNU000"}, "get", 404),
        ("sign", {"token": "inconnu"}, "get", 404),
        ("sign_pdf", {"token": "inconnu"}, "get", 404),
        ("sign_code", {"token": "inconnu"}, "post", 404),
        ("portal", {}, "get", 200),
        ("portal_open", {"token": "inconnu"}, "get", 410),
        ("portal_home", {}, "get", 302),
        ("portal_document", {"pk": 1}, "get", 404),
        ("portal_sign", {"pk": 1}, "post", 404),
        ("portal_leave", {}, "post", 302),
    ],
)
def test_public_urls(role, name, kwargs, method, expected, request, web, db):  # type: ignore[no-untyped-def]
    response = getattr(web_client(request, web, role), method)(reverse(f"public:{name}", kwargs=kwargs))
    assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_staff_login_does_not_open_a_document_in_the_portal(role, request, web, org):  # type: ignore[no-untyped-def]
    document = final_document(org, status="diffused")
    client = web_client(request, web, role)
    assert client.get(reverse("public:portal_document", kwargs={"pk": document.pk})).status_code == 404
    assert client.get(reverse("public:verify_code", kwargs={"code": document.verification_code})).status_code == 200
