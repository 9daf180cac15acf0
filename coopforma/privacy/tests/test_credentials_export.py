# SPDX-License-Identifier: AGPL-3.0-or-later
"""A trainee's archive holds their competency record and their verifiable credentials (id, date, status, the
signed credential as a file of the archive, where to verify it); after the erasure the credentials are revoked and
their signed content gone, from the database and from the archive (docs/privacy.md, docs/credentials.md)."""

import io
import json
import zipfile

import pytest

from coopforma.privacy import services
from coopforma.privacy.tests.test_services import text_of
from coopforma.referentiel.models import IssuedCredential
from coopforma.referentiel.record_selectors import competency_record
from coopforma.referentiel.record_services import credential_issue, credential_revoke
from coopforma.referentiel.tests.competency_world import TRAINEE_EMAIL, assessed_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, trainer):  # type: ignore[no-untyped-def]
    return assessed_world(org, trainer)


def _issue_both(world, admin_actor) -> list[IssuedCredential]:  # type: ignore[no-untyped-def]
    record = competency_record(actor=admin_actor, trainee_id=world["trainee"].pk)
    return [credential_issue(record=record, entry=entry) for entry in record.entries]


def _open(content: bytes) -> tuple[dict, dict[str, bytes], str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files["donnees.json"]), files, text_of(files["synthese.pdf"])


def _sections(data: dict) -> dict[str, dict]:
    return {s["key"]: s for s in data["subjects"][0]["sections"]}


def test_the_archive_holds_the_record_and_each_credential_with_its_status_and_signed_file(org, world, admin_actor):  # type: ignore[no-untyped-def]
    first, second = _issue_both(world, admin_actor)
    credential_revoke(actor=admin_actor, credential_id=second.pk, reason="Erreur de saisie")
    data, files, pdf = _open(services.privacy_export(actor=admin_actor, person=world["trainee"]).content)
    sections = _sections(data)

    record = sections["competency_record"]
    assert len(record["records"]) == 2
    assert {r["session"] for r in record["records"]} == {world["session"].title}
    assert all(r["level"] and r["assessed_on"] and r["competency"] for r in record["records"])

    credentials = sections["credentials"]
    assert credentials["model"] == "referentiel.IssuedCredential"
    assert credentials["retention"] and credentials["purpose"] and credentials["notes"]
    by_id = {r["id"]: r for r in credentials["records"]}
    assert set(by_id) == {f"urn:uuid:{first.uid}", f"urn:uuid:{second.uid}"}
    active, revoked = by_id[f"urn:uuid:{first.uid}"], by_id[f"urn:uuid:{second.uid}"]
    assert active["status"] == "en vigueur" and not active["revoked_at"]
    assert revoked["status"] == "révoquée" and revoked["revocation_reason"] == "Erreur de saisie"
    assert active["issued_at"].startswith(str(first.created_at.year))
    assert active["token"] == first.token
    assert active["verification"].endswith("/v/")
    assert active["status_list"].endswith(f"/f/{org.slug}/attestations/statut.jwt")
    # The signed credential itself, one file each, as issued.
    assert files[active["file"]].decode() == first.token
    assert files[revoked["file"]].decode() == second.token
    assert "Attestations numériques de compétences" in pdf and "Relevé de compétences" in pdf


def test_the_portal_archive_holds_them_too(org, world, admin_actor):  # type: ignore[no-untyped-def]
    first, _second = _issue_both(world, admin_actor)
    archive = services.privacy_portal_export(organisation_id=org.pk, email=TRAINEE_EMAIL)
    assert archive is not None
    data, files, _pdf = _open(archive.content)
    assert f"attestations/{first.uid}.jwt" in files
    assert len(_sections(data)["credentials"]["records"]) == 2


def test_after_the_erasure_they_are_revoked_and_no_signed_content_is_left(org, world, admin_actor):  # type: ignore[no-untyped-def]
    first, second = _issue_both(world, admin_actor)
    report = services.person_erase(actor=admin_actor, person=world["trainee"])
    assert "attestations numériques révoquées et effacées" in report.done
    assert set(IssuedCredential.objects.values_list("token", flat=True)) == {""}
    data, files, _pdf = _open(services.privacy_export(actor=admin_actor, person=world["trainee"]).content)
    records = _sections(data)["credentials"]["records"]
    assert {r["status"] for r in records} == {"révoquée"}
    assert {r["revocation_reason"] for r in records} == {"Effacement des données personnelles"}
    assert {r["token"] for r in records} == {""} and {r["file"] for r in records} == {""}
    assert not [name for name in files if name.startswith("attestations/")]
    assert first.token not in json.dumps(data) and second.token not in json.dumps(data)
