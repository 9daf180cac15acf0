# SPDX-License-Identifier: AGPL-3.0-or-later
"""A client that is an OF: its identity pre-filled from the public list of OFs (htmx lookup by SIRET or NDA)."""

import pytest
from django.urls import reverse

from coopforma.registry.tests.factories import CAE, import_sample

pytestmark = pytest.mark.django_db


def _url(org):  # type: ignore[no-untyped-def]
    return reverse("people:client_registry_lookup", kwargs={"org": org.slug})


def test_found_by_siret_or_nda_with_the_fields_to_copy(web, admin_user, org):
    import_sample()
    client = web(admin_user)
    page = client.get(_url(org), {"siret": "999 000 011 00018", "nda": ""}, headers={"HX-Request": "true"})
    html = page.content.decode()
    assert page.status_code == 200 and CAE["name"] in html
    assert f'<data value="{CAE["nda"]}" data-field="id_nda">' in html
    assert '<data value="training_org" data-field="id_kind">' in html
    assert '<data value="75020" data-field="id_postal_code">' in html
    assert "Qualiopi : actions de formation" in html and "importée le" in html
    html = client.get(_url(org), {"nda": "93139000113"}).content.decode()
    assert "DUPONT MARIE FORMATION" in html and "Pas de certification Qualiopi" in html
    html = client.get(_url(org), {"siret": "12345678901234"}).content.decode()
    assert "Aucun organisme de formation de la liste publique" in html
    assert "Saisissez le SIRET ou le NDA" in client.get(_url(org)).content.decode()


def test_the_client_form_offers_the_lookup(web, trainer_user, org):
    html = web(trainer_user).get(reverse("people:client_create", kwargs={"org": org.slug})).content.decode()
    assert "Chercher dans la liste publique" in html and _url(org) in html
    assert "registry-fill.js" in html


def test_login_required_and_scoped_to_the_organisation(client, web, stranger, org, other_org):
    import_sample()
    response = client.get(_url(org), {"siret": CAE["siret"]})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # Another organisation's admin with our slug: 404 (not a member); in their own organisation: allowed.
    assert web(stranger).get(_url(org), {"siret": CAE["siret"]}).status_code == 404
    assert web(stranger).get(_url(other_org), {"siret": CAE["siret"]}).status_code == 200
