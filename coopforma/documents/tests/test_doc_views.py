# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest
from django.urls import reverse

from coopforma.documents.models import Document, DocumentStatus
from coopforma.documents.tests.factories import deliver
from coopforma.documents.tests.test_generation import pdf_text, world  # noqa: F401


def _url(name, **kwargs):
    return reverse(f"documents:{name}", kwargs={"org": "coop-test", **kwargs})


def test_session_page_lists_kinds_subjects_and_missing_data(world, web, admin_user):  # noqa: F811
    world.participant.trainee.email = ""
    world.participant.trainee.save()
    response = web(admin_user).get(_url("session", session_id=world.session.pk))
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "Convention de formation",
        "Certificat de réalisation",
        "Scop Exemple",
        "Sacha Dupont",
        "Données manquantes",
    ]:
        assert text in page, text
    assert f"/o/coop-test/people/trainees/{world.participant.trainee_id}/edit/" in page


def test_session_detail_links_to_documents(world, web, admin_user):  # noqa: F811
    page = web(admin_user).get(reverse("sessions:detail", kwargs={"org": "coop-test", "pk": world.session.pk}))
    assert _url("session", session_id=world.session.pk) in page.content.decode()


def test_generate_finalise_download(world, web, admin_user, admin_actor):  # noqa: F811
    deliver(world.session, admin_actor)  # a certificate is final only once the training is delivered
    client = web(admin_user)
    response = client.post(_url("generate", kind="certificate", subject_id=world.participant.pk))
    assert response.status_code == 302
    document = Document.objects.get(kind="certificate")
    assert client.post(_url("finalise", pk=document.pk)).status_code == 302
    document.refresh_from_db()
    assert document.status == DocumentStatus.FINAL
    response = client.get(_url("file", pk=document.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Sacha Dupont" in pdf_text(b"".join(response.streaming_content))  # streamed
    page = client.get(_url("session", session_id=world.session.pk)).content.decode()
    assert "Définitif" in page and document.verification_code in page


def test_generate_with_missing_data_shows_links(world, web, admin_user):  # noqa: F811
    world.org.nda = ""
    world.org.save()
    response = web(admin_user).post(_url("generate", kind="convention", subject_id=world.enrolment.pk))
    assert response.status_code == 200
    assert "numéro de déclaration d&#x27;activité" in response.content.decode()
    assert 'href="/o/coop-test/settings/"' in response.content.decode()
    assert not Document.objects.exists()


def test_bulk_returns_one_pdf(world, web, admin_user):  # noqa: F811
    response = web(admin_user).post(_url("bulk", session_id=world.session.pk, kind="certificate"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Sacha Dupont" in text and "Alex Martin" in text
    assert Document.objects.filter(kind="certificate").count() == 2


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", 200),
        ("quality", 200),
        ("manager", 200),
        ("trainer", 200),
        ("other_trainer", 404),
        ("stranger", 404),
        ("anonymous", 302),
    ],
)
def test_permission_matrix(world, web, who, expected, request):  # noqa: F811
    from django.test import Client

    users = {
        "admin": "admin_user",
        "quality": "quality_user",
        "manager": "manager_user",
        "trainer": "trainer_user",
        "stranger": "stranger",
    }
    if who == "anonymous":
        client = Client()
    elif who == "other_trainer":
        client = web(request.getfixturevalue("other_trainer").user)
    else:
        client = web(request.getfixturevalue(users[who]))
    from conftest import make_actor
    from coopforma.documents.services import document_generate

    document = document_generate(
        actor=make_actor(request.getfixturevalue("admin_user"), world.org), kind="rules", subject=world.session
    )
    assert client.get(_url("session", session_id=world.session.pk)).status_code == expected
    assert client.get(_url("file", pk=document.pk)).status_code == expected
    generate = client.post(_url("generate", kind="attendance_sheet", subject_id=world.session.pk))
    assert generate.status_code == (302 if expected == 200 else expected)
    finalise = client.post(_url("finalise", pk=document.pk))
    assert finalise.status_code == (302 if expected == 200 else expected)
