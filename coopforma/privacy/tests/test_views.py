# SPDX-License-Identifier: AGPL-3.0-or-later
"""The privacy pages through HTTP: register (page, PDF), retention form, a person's page, export, erasure,
the portal's own export, the public notice and its links."""

import io
import json
import zipfile

import pytest
from django.core import mail
from django.test import Client
from pypdf import PdfReader

from coopforma.accounts.magic_links import magic_link_create
from coopforma.core.mail import deliver
from coopforma.core.models import OutboundEmail
from coopforma.people.models import Trainee
from tests.permissions import ROLES, web_client

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").split())


def person_url(org, trainee, rest=""):  # type: ignore[no-untyped-def]
    return f"/o/{org.slug}/privacy/trainees/{trainee.pk}/{rest}"


EXPECTED = {
    # role: (page, export, erase)
    "admin": (200, 200, 200),
    "quality": (200, 200, 200),
    "manager": (403, 403, 403),
    "trainer": (403, 403, 403),
    "stranger": (404, 404, 404),
    "foreign": (404, 404, 404),
    "anonymous": (302, 302, 302),
}


@pytest.mark.parametrize("role", ROLES)
def test_person_routes_matrix(request, role, org, other_org, stranger, web, lived):  # type: ignore[no-untyped-def]
    client = web_client(request, web, role)
    page, export, erase = EXPECTED[role]
    assert client.get(person_url(org, lived)).status_code == page
    assert client.post(person_url(org, lived, "export/")).status_code == export
    response = client.post(person_url(org, lived, "erase/"), {})  # no confirmation: nothing erased
    assert response.status_code == erase
    assert Trainee.objects.get(pk=lived.pk).email == "alice@example.org"


@pytest.mark.parametrize("role", ROLES)
def test_register_matrix(request, role, org, other_org, stranger, web):  # type: ignore[no-untyped-def]
    client = web_client(request, web, role)
    expected = {"admin": 200, "quality": 200, "manager": 403, "trainer": 403, "stranger": 404, "anonymous": 302}
    # The foreign admin gets their own organisation's register (it names none of our records).
    status = client.get(f"/o/{org.slug}/privacy/").status_code
    assert status == expected.get(role, 200)
    retention = client.post(f"/o/{org.slug}/privacy/retention/", {"category": "outbox", "months": "6"}).status_code
    assert retention == {"quality": 403, "foreign": 302, "admin": 302}.get(role, expected.get(role))


def test_person_page_export_and_erase_by_http(org, web, admin_user, lived, alice):
    client = web(admin_user)
    page = client.get(person_url(org, lived)).content.decode()
    assert f'action="{person_url(org, lived, "export/")}"' in page
    assert f'action="{person_url(org, lived, "erase/")}"' in page
    assert "Émargement et heures suivies" in page and "jusqu'au 17/11/2032" in page and "Code du travail" in page
    response = client.post(person_url(org, lived, "export/"))
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("donnees.json"))
        assert "Alice Martin" in text_of(archive.read("synthese.pdf"))
    assert data["subjects"][0]["name"] == "Alice Martin"
    refused = client.post(person_url(org, lived, "erase/"), {})
    assert "Ce champ est obligatoire" in refused.content.decode()
    done = client.post(person_url(org, lived, "erase/"), {"confirm": "on"}).content.decode()
    assert "Effacement effectué" in done and "Ce qui est conservé" in done and "certificat de réalisation" in done
    assert Trainee.objects.get(pk=lived.pk).email == ""


def test_retention_form_refuses_below_the_legal_minimum(org, web, admin_user):
    response = web(admin_user).post(f"/o/{org.slug}/privacy/retention/", {"category": "invoices", "months": "12"})
    assert response.status_code == 200
    assert "L123-22" in response.content.decode() and "au moins 120 mois" in response.content.decode()


def test_register_pdf_reads_back(org, web, quality_user):
    response = web(quality_user).get(f"/o/{org.slug}/privacy/register.pdf")
    text = text_of(response.content)
    assert "Registre des activités de traitement" in text and "Gestion des actions de formation" in text
    assert "L123-22" in text and org.name in text


def portal(org, email):  # type: ignore[no-untyped-def]
    _link, token = magic_link_create(organisation=org, email=email)
    client = Client()
    client.get(f"/p/{token}/")
    return client


def test_a_trainee_exports_only_their_own_data_from_the_portal(org, lived, bruno):
    client = portal(org, "bruno@example.org")
    home = client.get("/p/espace/").content.decode()
    assert "Télécharger mes données personnelles" in home and f"/confidentialite/{org.slug}/" in home
    response = client.post("/p/espace/mes-donnees/")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        data = json.loads(archive.read("donnees.json"))
    assert [s["name"] for s in data["subjects"]] == ["Bruno Petit"]
    assert "Alice" not in json.dumps(data, ensure_ascii=False)
    assert Client().post("/p/espace/mes-donnees/").status_code == 404  # no portal session
    assert portal(org, "nobody@example.org").post("/p/espace/mes-donnees/").status_code == 404


def test_the_notice_is_public_and_linked_from_forms_portal_and_emails(org, lived, django_capture_on_commit_callbacks):
    page = Client().get(f"/confidentialite/{org.slug}/").content.decode()
    assert org.name in page and "Vos droits" in page and "CNIL" in page
    assert "Code de commerce" in page
    assert Client().get("/confidentialite/no-such-org/").status_code == 404
    mail.outbox.clear()
    deliver(OutboundEmail.objects.filter(to="alice@example.org").first().pk)
    assert f"/confidentialite/{org.slug}/" in mail.outbox[-1].body


def test_public_pages_link_the_notice(org, session, lived, alice):
    from coopforma.attendance.services import link_issue

    training = session.training
    training.is_public, training.status = True, "validated"
    training.save(update_fields=["is_public", "status"])
    page = Client().get(f"/f/{org.slug}/{training.pk}/").content.decode()
    assert f'href="/confidentialite/{org.slug}/"' in page
    phone = Client()
    phone.get(f"/e/{link_issue(participant=alice)}/")
    assert f'href="/confidentialite/{org.slug}/"' in phone.get("/e/moi/").content.decode()


def test_the_person_pages_link_their_privacy_page_for_those_who_may(
    org, web, admin_user, manager_user, trainer, lived, enrolment
):  # type: ignore[no-untyped-def]
    link = person_url(org, lived)
    assert link in web(admin_user).get(f"/o/{org.slug}/people/trainees/{lived.pk}/").content.decode()
    manager_page = web(manager_user).get(f"/o/{org.slug}/people/trainees/{lived.pk}/")
    assert link not in manager_page.content.decode()
    trainer_page = web(admin_user).get(f"/o/{org.slug}/people/trainers/{trainer.pk}/").content.decode()
    assert f"/o/{org.slug}/privacy/trainers/{trainer.pk}/" in trainer_page
