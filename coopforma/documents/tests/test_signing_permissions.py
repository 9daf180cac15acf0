# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every staff URL of signatures and the outbox, for every role (admin and quality only); another organisation
gets 404 on our documents, with our slug (stranger) or their own (foreign, tests/permissions.py: their own outbox)."""

from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from coopforma.public.tests.helpers import final_document
from tests.permissions import foreign_client

ROLES = ["admin", "quality", "manager", "trainer", "stranger", "foreign", "anonymous"]
# (url name, method, needs a document, expected status per role)
CASES = [
    ("outbox", "get", False, {"admin": 200, "quality": 200, "manager": 403, "trainer": 403, "foreign": 200}),
    ("signatures", "get", True, {"admin": 200, "quality": 200, "manager": 403, "trainer": 403, "foreign": 404}),
    ("scan", "get", True, {"admin": 200, "quality": 200, "manager": 403, "trainer": 403, "foreign": 404}),
    ("signature_request", "post", True, {"admin": 302, "quality": 302, "manager": 403, "trainer": 403, "foreign": 404}),
    ("diffuse", "post", True, {"admin": 302, "quality": 302, "manager": 403, "trainer": 403, "foreign": 404}),
]


@pytest.fixture(autouse=True)
def _media_and_mail(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    shim = SimpleNamespace(atomic=transaction.atomic, on_commit=lambda func, robust=False: func())
    monkeypatch.setattr("coopforma.core.mail.transaction", shim)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method", "needs_document", "expected"), CASES)
def test_staff_urls(role, name, method, needs_document, expected, request, org, web):  # type: ignore[no-untyped-def]
    user = {
        "admin": "admin_user",
        "quality": "quality_user",
        "manager": "manager_user",
        "trainer": "trainer_user",
        "stranger": "stranger",
    }.get(role)
    if role == "quality" or name in {"signature_request"}:
        request.getfixturevalue("quality_user")  # the OF's signer
    kwargs = {"org": org.slug}
    if needs_document:
        kwargs["pk"] = final_document(org).pk
    client = foreign_client(request) if role == "foreign" else web(request.getfixturevalue(user)) if user else Client()
    response = getattr(client, method)(reverse(f"documents:{name}", kwargs=kwargs))
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/" in response["Location"]
    elif role == "stranger":
        assert response.status_code == 404
    else:
        assert response.status_code == expected[role]


def test_a_document_of_another_organisation_is_404(org, other_org, admin_user, web):
    document = final_document(other_org)
    response = web(admin_user).get(reverse("documents:signatures", kwargs={"org": org.slug, "pk": document.pk}))
    assert response.status_code == 404
