# SPDX-License-Identifier: AGPL-3.0-or-later
"""The trainees' competency records (issue 20, point 4): what the skills assessments prove, the level rule, the
relevé as an issued PDF, the Open Badges credentials (signed, verified, revoked), and who may read a record."""

import base64
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from conftest import make_actor
from coopforma.documents.models import DocumentStatus
from coopforma.referentiel import credentials
from coopforma.referentiel.record_selectors import competency_record, competency_record_for_visitor, credential_verify
from coopforma.referentiel.record_services import competency_record_issue, credential_issue, credential_revoke
from coopforma.referentiel.records import level_reached
from coopforma.referentiel.tests.competency_world import TRAINEE_EMAIL, assessed_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.SITE_URL = "https://of.example"
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def world(org, trainer):  # type: ignore[no-untyped-def]
    return assessed_world(org, trainer)


@pytest.mark.parametrize(
    ("result", "target", "reached"),
    [
        ("Acquis", "maitrise", "maitrise"),
        ("Acquis", "", "pratique"),
        ("En cours d'acquisition", "maitrise", "pratique"),
        ("En cours d'acquisition", "", "notions"),
        ("En cours d'acquisition", "notions", ""),
        ("Non acquis", "transmission", ""),
        ("Non évalué", "pratique", ""),
    ],
)
def test_level_rule(result, target, reached):  # type: ignore[no-untyped-def]
    assert level_reached(result, target) == reached


def test_record_lists_what_the_assessment_proves(world, admin_actor, trainer):  # type: ignore[no-untyped-def]
    record = competency_record(actor=admin_actor, trainee_id=world["trainee"].pk)
    assert [(e.competency_code, e.level) for e in record.entries] == sorted(
        [(world["first"].code, "maitrise"), (world["second"].code, "notions")]
    )
    entry = record.entries[0]
    assert entry.session_title == "Coopérer — printemps"
    assert entry.training_title == "Coopérer"
    assert entry.evaluator == trainer.full_name  # answered through the link e-mailed to the session's trainer
    assert entry.organisation_name == "Coop Formation Test"
    assert entry.competency_url.startswith("https://of.example/reseaux/formations-cooperatives/referentiel/v/")
    assert f"/competences/{entry.competency_code}/" in entry.competency_url


def test_not_acquired_gives_nothing(org, trainer, admin_actor):  # type: ignore[no-untyped-def]
    world = assessed_world(org, trainer, values=(1, 2))
    assert competency_record(actor=admin_actor, trainee_id=world["trainee"].pk).entries == []


def test_another_organisation_gets_404(world, stranger, other_org):  # type: ignore[no-untyped-def]
    with pytest.raises(Http404):
        competency_record(actor=make_actor(stranger, other_org), trainee_id=world["trainee"].pk)


def test_trainee_sees_only_their_own_record(world, org):  # type: ignore[no-untyped-def]
    own = competency_record_for_visitor(
        organisation_id=org.pk, trainee_ids=(world["trainee"].pk,), trainee_id=world["trainee"].pk
    )
    assert len(own.entries) == 2
    with pytest.raises(Http404):
        competency_record_for_visitor(organisation_id=org.pk, trainee_ids=(999,), trainee_id=world["trainee"].pk)


def test_relevé_is_an_issued_pdf_with_its_hash(world, admin_actor):  # type: ignore[no-untyped-def]
    record = competency_record(actor=admin_actor, trainee_id=world["trainee"].pk)
    document = competency_record_issue(record=record, user=admin_actor.user)
    assert document.status == DocumentStatus.FINAL
    assert len(document.sha256) == 64 and document.verification_code
    assert document.file.read().startswith(b"%PDF")
    assert document.context["record"]["entries"][0]["url"] == record.entries[0].competency_url
    # The same record: the same document; nothing is issued twice.
    assert competency_record_issue(record=record, user=admin_actor.user).pk == document.pk


def _issued(world, admin_actor):  # type: ignore[no-untyped-def]
    record = competency_record(actor=admin_actor, trainee_id=world["trainee"].pk)
    return credential_issue(record=record, entry=record.entries[0], user=admin_actor.user), record


def test_sign_then_verify(world, admin_actor):  # type: ignore[no-untyped-def]
    issued, record = _issued(world, admin_actor)
    result = credential_verify(text=issued.token)
    assert result.valid, result.message
    assert result.issuer_name == "Coop Formation Test"
    assert result.competency.startswith(record.entries[0].competency_code)
    assert result.level == "Maîtrise"
    header = json.loads(base64.urlsafe_b64decode(issued.token.split(".")[0] + "=="))
    assert header["typ"] == "vc+jwt" and header["alg"] == "EdDSA"
    # The subject is the hashed e-mail with its salt; whoever knows the address can check it.
    vc = json.loads(base64.urlsafe_b64decode(issued.token.split(".")[1] + "=="))
    identity = vc["credentialSubject"]["identifier"][0]
    assert TRAINEE_EMAIL not in issued.token
    assert credentials.identity_matches(identity["identityHash"], TRAINEE_EMAIL, identity["salt"])
    # Shared again: the same credential.
    assert credential_issue(record=record, entry=record.entries[0]).pk == issued.pk


def test_one_byte_changed_is_invalid(world, admin_actor):  # type: ignore[no-untyped-def]
    issued, _record = _issued(world, admin_actor)
    header, payload, signature = issued.token.split(".")
    vc = json.loads(base64.urlsafe_b64decode(payload + "=="))
    vc["credentialSubject"]["result"][0]["achievedLevel"] = vc["credentialSubject"]["result"][0][
        "achievedLevel"
    ].replace("maitrise", "transmission")
    forged = f"{header}.{credentials.b64url(json.dumps(vc).encode())}.{signature}"
    result = credential_verify(text=forged)
    assert not result.valid and "signature n'est pas valide" in result.message
    flipped = issued.token[:-3] + ("A" if issued.token[-3] != "A" else "B") + issued.token[-2:]
    assert not credential_verify(text=flipped).valid


def test_another_organisations_key_is_invalid(world, admin_actor, other_org):  # type: ignore[no-untyped-def]
    from coopforma.referentiel.record_services import credential_key_ensure

    issued, _record = _issued(world, admin_actor)
    other_key = credential_key_ensure(organisation_id=other_org.pk)
    vc = json.loads(base64.urlsafe_b64decode(issued.token.split(".")[1] + "=="))
    forged = credentials.jwt_sign(vc, slug="coop-test", sealed_key=other_key.private_key_sealed)
    assert not credential_verify(text=forged).valid


def test_revoked_is_said(world, admin_actor, trainer_actor):  # type: ignore[no-untyped-def]
    issued, _record = _issued(world, admin_actor)
    with pytest.raises(PermissionDenied):
        credential_revoke(actor=trainer_actor, credential_id=issued.pk, reason="Erreur de saisie")
    with pytest.raises(ValidationError):
        credential_revoke(actor=admin_actor, credential_id=issued.pk, reason=" ")
    credential_revoke(actor=admin_actor, credential_id=issued.pk, reason="Erreur de saisie")
    result = credential_verify(text=issued.token)
    assert not result.valid and result.revoked_at is not None and result.revocation_reason == "Erreur de saisie"


def test_another_organisation_cannot_revoke(world, admin_actor, stranger, other_org):  # type: ignore[no-untyped-def]
    issued, _record = _issued(world, admin_actor)
    with pytest.raises(Http404):
        credential_revoke(actor=make_actor(stranger, other_org), credential_id=issued.pk, reason="x")


def test_no_email_no_credential(world, admin_actor):  # type: ignore[no-untyped-def]
    world["trainee"].email = ""
    world["trainee"].save()
    record = competency_record(actor=admin_actor, trainee_id=world["trainee"].pk)
    with pytest.raises(ValidationError, match="adresse e-mail"):
        credential_issue(record=record, entry=record.entries[0])


def test_staff_pages_download_revoke_and_lesser_role(world, web, admin_user, trainer_user, org):  # type: ignore[no-untyped-def]
    from django.urls import reverse

    from coopforma.referentiel.models import IssuedCredential

    trainee = world["trainee"]
    ids = {"org": org.slug, "trainee_id": trainee.pk}
    detail = web(admin_user).get(reverse("people:trainee_detail", kwargs={"org": org.slug, "pk": trainee.pk}))
    assert reverse("records:record", kwargs=ids) in detail.content.decode()
    credential_url = reverse(
        "records:credential", kwargs={**ids, "session_id": world["session"].pk, "competency_id": world["first"].pk}
    )
    # The trainer of the session reads the record and downloads a credential, but may not revoke it.
    assert web(trainer_user).get(reverse("records:record", kwargs=ids)).status_code == 200
    download = web(trainer_user).post(credential_url)
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vc+jwt")
    issued = IssuedCredential.objects.get()
    assert download.content.decode() == issued.token
    revoke = reverse("records:revoke", kwargs={"org": org.slug, "credential_id": issued.pk})
    assert web(trainer_user).post(revoke, {"reason": "Erreur"}).status_code == 403
    assert IssuedCredential.objects.get().revoked_at is None
    page = web(admin_user).post(revoke, {"reason": ""}, follow=True).content.decode()
    assert "Indiquez le motif" in page and IssuedCredential.objects.get().revoked_at is None
    web(admin_user).post(revoke, {"reason": "Erreur de saisie"})
    assert IssuedCredential.objects.get().revoked_at is not None
    record_page = web(admin_user).get(reverse("records:record", kwargs=ids)).content.decode()
    assert "Révoquée le" in record_page
    pdf = web(admin_user).post(reverse("records:record_pdf", kwargs=ids))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
