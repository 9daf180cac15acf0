# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest

from coopforma.documents.models import Document
from coopforma.documents.tests.factories import deliver
from coopforma.documents.tests.test_generation import pdf_text, world  # noqa: F401


def test_generate_list_finalise_download(world, api, admin_user, admin_actor, org):  # noqa: F811
    deliver(world.session, admin_actor)  # a certificate is final only once the training is delivered
    client = api(admin_user, org)
    response = client.post(
        "/api/v1/documents",
        {"kind": "certificate", "subject_id": world.participant.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "certificate" and body["status"] == "draft" and body["session_id"] == world.session.pk
    listing = client.get(f"/api/v1/documents?session={world.session.pk}").json()["items"]
    assert [d["id"] for d in listing] == [body["id"]]
    final = client.post(f"/api/v1/documents/{body['id']}/finalise").json()
    assert final["status"] == "final" and len(final["sha256"]) == 64
    assert client.post(f"/api/v1/documents/{body['id']}/finalise").status_code == 422
    pdf = client.get(f"/api/v1/documents/{body['id']}/file")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.streaming and "Sacha Dupont" in pdf_text(pdf.getvalue())  # streamed from the storage


def test_generate_missing_data_is_422(world, api, admin_user, org):  # noqa: F811
    org.nda = ""
    org.save()
    response = api(admin_user, org).post(
        "/api/v1/documents", {"kind": "convention", "subject_id": world.enrolment.pk}, content_type="application/json"
    )
    assert response.status_code == 422
    missing = response.json()["missing"]
    assert {
        "label": "Le numéro de déclaration d'activité (NDA) de Coop Formation Test",
        "url": "/o/coop-test/settings/",
    } in missing
    assert not Document.objects.exists()


def test_unknown_kind_is_422(world, api, admin_user, org):  # noqa: F811
    response = api(admin_user, org).post(
        "/api/v1/documents", {"kind": "nope", "subject_id": 1}, content_type="application/json"
    )
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin", 200),
        ("quality", 200),
        ("manager", 200),
        ("trainer", 200),
        ("other_trainer", 404),
        ("stranger", 404),
        ("anonymous", 401),
    ],
)
def test_permission_matrix(world, api, who, expected, request, org, other_org):  # noqa: F811
    from django.test import Client

    from conftest import make_actor
    from coopforma.documents.services import document_generate

    document = document_generate(
        actor=make_actor(request.getfixturevalue("admin_user"), org), kind="rules", subject=world.session
    )
    if who == "anonymous":
        client = Client()
    elif who == "stranger":
        client = api(request.getfixturevalue("stranger"), other_org)
    elif who == "other_trainer":
        client = api(request.getfixturevalue("other_trainer").user, org)
    else:
        client = api(request.getfixturevalue(f"{who}_user" if who != "admin" else "admin_user"), org)
    assert client.get(f"/api/v1/documents?session={world.session.pk}").status_code == expected
    assert client.get(f"/api/v1/documents/{document.pk}").status_code == expected
    assert client.get(f"/api/v1/documents/{document.pk}/file").status_code == expected
    created = client.post(
        "/api/v1/documents",
        {"kind": "attendance_sheet", "subject_id": world.session.pk},
        content_type="application/json",
    )
    assert created.status_code == (201 if expected == 200 else expected)
    assert client.post(f"/api/v1/documents/{document.pk}/finalise").status_code == expected
