# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every template editor URL with every role: admin and quality edit, others 403, another OF 404 with our slug
(stranger); with their own (foreign, tests/permissions.py) the editor is theirs and nothing of ours changes."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from coopforma.documents.models import DocumentTemplate
from coopforma.documents.template_services import template_save
from coopforma.documents.tests.test_template_support import DEFAULT_BODY, make_kind, registered
from tests.permissions import foreign_client

ROLES = ["admin", "quality", "manager", "trainer", "stranger", "foreign", "anonymous"]


@pytest.fixture
def kind():  # type: ignore[no-untyped-def]
    with registered(make_kind()) as kinds:
        yield kinds[0]


@pytest.fixture
def users(admin_user, quality_user, manager_user, trainer_user, stranger):  # type: ignore[no-untyped-def]
    return {
        "admin": admin_user,
        "quality": quality_user,
        "manager": manager_user,
        "trainer": trainer_user,
        "stranger": stranger,
        "foreign": stranger,
        "anonymous": None,
    }


SAVE = {"body": DEFAULT_BODY + "Modifié.\n", "name": "Changé", "signers": ["trainee"]}
SIMPLE = {
    "title": "Attestation",
    "name": "Changé",
    "sections-TOTAL_FORMS": "1",
    "sections-INITIAL_FORMS": "0",
    "sections-0-heading": "Objet",
    "sections-0-text": "Pour {{ trainee.full_name }}.",
    "sections-0-ORDER": "1",
}

# (url name, method, data, expected status per role in ROLES order)
WEB_CASES = [
    ("template_list", "get", None, [200, 200, 403, 403, 404, 200, 302]),
    ("template_edit", "get", None, [200, 200, 403, 403, 404, 200, 302]),
    ("template_edit", "post", SAVE, [302, 302, 403, 403, 404, 302, 302]),
    ("template_preview", "post", {"body": DEFAULT_BODY}, [200, 200, 403, 403, 404, 200, 302]),
    ("template_reset", "post", None, [302, 302, 403, 403, 404, 302, 302]),
    ("template_history", "get", None, [200, 200, 403, 403, 404, 200, 302]),
    ("template_structured", "get", None, [200, 200, 403, 403, 404, 200, 302]),
    ("template_structured", "post", SIMPLE, [302, 302, 403, 403, 404, 302, 302]),
    ("template_structured_preview", "post", SIMPLE, [200, 200, 403, 403, 404, 200, 302]),
]
# Where a save goes back to.
REDIRECTS = {"template_structured": "template_structured"}


@pytest.mark.parametrize(("role_index", "role"), list(enumerate(ROLES)))
@pytest.mark.parametrize(("name", "method", "data", "expected"), WEB_CASES, ids=[f"{c[0]}-{c[1]}" for c in WEB_CASES])
def test_web_matrix(
    request, web, users, org, other_org, admin_actor, kind, role_index, role, name, method, data, expected
):  # type: ignore[no-untyped-def]
    existing = template_save(
        actor=admin_actor, kind=kind, name="Existant", body=DEFAULT_BODY, requires_quality_signature=False, signers=[]
    )
    kwargs = {"org": org.slug} if name == "template_list" else {"org": org.slug, "kind": kind.code}
    url = reverse(f"documents:{name}", kwargs=kwargs)
    user = users[role]
    http = foreign_client(request) if role == "foreign" else web(user) if user else Client()
    response = http.post(url, data or {}) if method == "post" else http.get(url)
    assert response.status_code == expected[role_index], response.content[:500]
    if response.status_code == 302:
        location = response["Location"]
        if user is None:
            assert location.startswith(resolve_url(settings.LOGIN_URL))
        else:
            slug = other_org.slug if role == "foreign" else org.slug
            back = REDIRECTS.get(name, "template_edit")
            assert location == reverse(f"documents:{back}", kwargs={"org": slug, "kind": kind.code})
    if response.status_code != 302 or user is None or role == "foreign":  # nothing of ours changed
        existing.refresh_from_db()
        assert existing.is_active and existing.name == "Existant"
        assert DocumentTemplate.objects.filter(organisation=org).count() == 1


def test_another_organisation_sees_only_its_own_templates(web, stranger, other_org, admin_actor, kind):
    template_save(
        actor=admin_actor,
        kind=kind,
        name="Secret de l'OF",
        body="Secret\n",
        requires_quality_signature=False,
        signers=[],
    )
    client = web(stranger)
    page = client.get(reverse("documents:template_list", kwargs={"org": other_org.slug})).content.decode()
    assert kind.label in page and "Secret de l&#x27;OF" not in page and "modèle par défaut" in page
    history = client.get(reverse("documents:template_history", kwargs={"org": other_org.slug, "kind": kind.code}))
    assert "Secret" not in history.content.decode()
