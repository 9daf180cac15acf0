# SPDX-License-Identifier: AGPL-3.0-or-later
"""The dossier: its JSON keys (docs/recognition.md documents them; `schema_version` changes with them), « à
compléter » where data is missing, and its PDF through the documents engine's kind."""

import json

import pytest
from django.test import Client

from coopforma.documents.registry import get_kind
from coopforma.documents.rendering import check_template
from coopforma.recognition.documents import KIND, dossier_pdf
from coopforma.recognition.dossier import SCHEMA_VERSION, TO_COMPLETE, project_dossier
from coopforma.recognition.tests.factories import create_project, setup_network

pytestmark = pytest.mark.django_db

TOP_KEYS = {
    "schema_version",
    "generated_at",
    "project",
    "referentiel",
    "context",
    "evidence",
    "activities",
    "competencies",
    "evaluation",
    "blocks",
    "access_conditions",
    "training_paths",
    "exchanges",
}


@pytest.fixture
def project():
    people = setup_network()
    return create_project(people, context="", access_conditions="Après une expérience de deux ans.")


def test_the_json_dossier_has_the_documented_keys(project):
    dossier = project_dossier(project)
    assert set(dossier) == TOP_KEYS and dossier["schema_version"] == SCHEMA_VERSION
    assert set(dossier["project"]) == {
        "title", "register", "register_label", "level", "level_label", "state", "state_label", "code",
        "registered_on", "carrier", "network",
    }  # fmt: skip
    assert set(dossier["evidence"]) == {"gathered_at", "map", "tenders"}
    assert dossier["evidence"]["map"]["source"] and dossier["evidence"]["map"]["date"]
    assert dossier["evidence"]["tenders"]["available"] is True and dossier["evidence"]["tenders"]["notices"] == 0
    assert set(dossier["blocks"][0]) == {"code", "title", "activities", "competencies", "trainings", "exchanges"}
    assert set(dossier["evaluation"][0]) == {
        "block", "competency", "competency_label", "situations", "criteria", "modalities",
    }  # fmt: skip
    assert dossier["referentiel"]["version"] == "0.1" and dossier["referentiel"]["job"]["code"] == "M1"
    assert dossier["context"] == TO_COMPLETE and dossier["evaluation"][0]["situations"] == TO_COMPLETE
    assert dossier["access_conditions"] == "Après une expérience de deux ans."
    json.dumps(dossier)  # plain data only


def test_the_json_download(project):
    client = Client()
    member = project.network.people.get(role="member").user
    client.force_login(member)
    response = client.get(f"/reseaux/{project.network.slug}/referentiel/projets/{project.pk}/dossier.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response.json()["project"]["title"] == project.title


def test_the_kind_is_registered_and_its_template_checks():
    kind = get_kind(KIND)
    assert kind.label == "Dossier de projet de certification"
    used = check_template(kind.default_template, kind.sample_context())
    assert "dossier.evaluation" in used and "dossier.training_paths" in used


def test_the_pdf_renders_with_every_section(project):
    pdf = dossier_pdf(project)
    assert pdf.startswith(b"%PDF")
    client = Client()
    client.force_login(project.network.people.get(role="member").user)
    response = client.get(f"/reseaux/{project.network.slug}/referentiel/projets/{project.pk}/dossier.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    markup = _markup(project)
    for section in (
        "Contexte et opportunité",
        "Référentiel d'activités",
        "Référentiel de compétences",
        "Référentiel d'évaluation",
        "Blocs de compétences",
        "Modalités d'accès",
        "Parcours de formation",
        "Échanges de savoir-faire qui y préparent",
    ):
        assert section in markup
    assert "à compléter" in markup


def _markup(project) -> str:
    from coopforma.documents.rendering import render_markup
    from coopforma.recognition.documents import default_template, dossier_context

    return render_markup(default_template(), dossier_context(project))
