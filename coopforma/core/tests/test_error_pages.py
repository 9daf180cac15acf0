# SPDX-License-Identifier: AGPL-3.0-or-later
"""Error pages are Coopforma's, in French (English on request), and say what to do; never Django's bare ones."""

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_french_and_branded(client):
    response = client.get("/o/nulle-part/rien/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "<h1>Page introuvable</h1>" in text and "Coopforma" in text and "Revenir à l'accueil" in text
    assert "Not Found" not in text


def test_a_missing_page_in_english_on_request(client):
    response = client.get("/o/nulle-part/rien/", HTTP_ACCEPT_LANGUAGE="en")
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_a_page_the_role_does_not_open_is_a_french_403(client, org, trainer_user):
    client.force_login(trainer_user)
    response = client.get(reverse("billing:list", kwargs={"org": org.slug}))
    assert response.status_code == 403
    text = response.content.decode()
    assert "<h1>Accès refusé</h1>" in text and "Forbidden" not in text


def test_an_expired_form_is_explained():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("accounts:login"), {"username": "a@example.org", "password": "x"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "<h1>Formulaire expiré</h1>" in text and "CSRF verification failed" not in text


def test_the_server_error_page_renders_without_a_request_in_both_languages():
    assert "<h1>Erreur du serveur</h1>" in render_to_string("500.html")
    with translation.override("en"):
        assert "<h1>Server error</h1>" in render_to_string("500.html")
