# SPDX-License-Identifier: AGPL-3.0-or-later
"""The revocation list of the verifiable credentials (W3C Bitstring Status List v1.0) and the erasure of a
trainee's credentials (docs/credentials.md, « Revocation list » and « Erasure »).

The list is read here as any verifier reads it, with an independent decoder: multibase « u » + base64url →
gunzip → the bit at the index, most significant bit first."""

import base64
import gzip
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.test import Client
from django.urls import reverse

from coopforma.privacy.services import person_erase
from coopforma.referentiel import credentials, record_services
from coopforma.referentiel.models import CredentialKey, CredentialStatusList, IssuedCredential
from coopforma.referentiel.record_selectors import competency_record, credential_verify, status_list_url
from coopforma.referentiel.record_services import credential_issue, credential_key_ensure, credential_revoke
from coopforma.referentiel.tests.competency_world import TRAINEE_EMAIL, assessed_world
from coopforma.training_sessions.models import Participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, trainer):  # type: ignore[no-untyped-def]
    return assessed_world(org, trainer)


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _claims(token: str) -> dict:
    return json.loads(_b64(token.split(".")[1]))


def _both(world, admin_actor) -> list[IssuedCredential]:  # type: ignore[no-untyped-def]
    record = competency_record(actor=admin_actor, trainee_id=world["trainee"].pk)
    assert len(record.entries) == 2
    return [credential_issue(record=record, entry=entry) for entry in record.entries]


def _fetch_list(slug: str):  # type: ignore[no-untyped-def]
    return Client().get(reverse("public:credential_status", kwargs={"org": slug}))


def _bit(token: str, index: int) -> bool:
    """Independent decoder: the JWT's claims → encodedList → strip « u » → base64url → gunzip → bit, MSB first."""
    encoded = _claims(token)["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    bits = gzip.decompress(_b64(encoded[1:]))
    assert len(bits) >= 16 * 1024  # the spec's minimum (131 072 entries)
    return bool((bits[index // 8] >> (7 - index % 8)) & 1)


def test_each_credential_points_to_its_own_bit_of_a_signed_public_list(org, world, admin_actor):  # type: ignore[no-untyped-def]
    first, second = _both(world, admin_actor)
    assert {first.status_index, second.status_index} == {0, 1}
    list_url = status_list_url(org.slug)
    assert list_url.endswith(f"/f/{org.slug}/attestations/statut.jwt")
    status = _claims(first.token)["credentialStatus"]
    assert status == {
        "id": f"{list_url}#{first.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(first.status_index),
        "statusListCredential": list_url,
    }
    response = _fetch_list(org.slug)
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+jwt"
    assert response["Access-Control-Allow-Origin"] == "*"
    token = response.content.decode()
    listed = _claims(token)
    assert listed["id"] == list_url and listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["issuer"] == credentials.did_for(org.slug)
    assert listed["credentialSubject"]["type"] == "BitstringStatusList"
    assert listed["credentialSubject"]["statusPurpose"] == "revocation"
    assert json.loads(_b64(token.split(".")[0]))["typ"] == "vc+jwt"
    # Signed with the organisation's key, as its credentials are.
    assert credentials.signature_valid(credentials.credential_parse(token), org.credential_key.public_key)
    assert not _bit(token, first.status_index) and not _bit(token, second.status_index)
    assert credential_verify(text=first.token).valid


def test_revoking_sets_the_bit_and_the_page_and_the_list_agree(org, world, admin_actor):  # type: ignore[no-untyped-def]
    first, second = _both(world, admin_actor)
    credential_revoke(actor=admin_actor, credential_id=second.pk, reason="Évaluation saisie par erreur")
    token = _fetch_list(org.slug).content.decode()
    assert _bit(token, second.status_index) and not _bit(token, first.status_index)
    assert not credential_verify(text=second.token).valid and credential_verify(text=first.token).valid
    # A verifier that only reads the list (the table's row gone) still finds it revoked.
    IssuedCredential.objects.filter(pk=second.pk).delete()
    result = credential_verify(text=second.token)
    assert not result.valid and result.revoked_at is not None and not result.identity


def test_indexes_are_never_given_twice(org, world, admin_actor):  # type: ignore[no-untyped-def]
    _first, second = _both(world, admin_actor)
    IssuedCredential.objects.filter(pk=second.pk).delete()
    third = credential_issue(
        record=competency_record(actor=admin_actor, trainee_id=world["trainee"].pk),
        entry=competency_record(actor=admin_actor, trainee_id=world["trainee"].pk).entries[1],
    )
    assert third.status_index == 2 and CredentialStatusList.objects.get(organisation=org).next_index == 3


def test_another_organisations_list_never_carries_our_bits(org, world, admin_actor, other_org):  # type: ignore[no-untyped-def]
    first, _second = _both(world, admin_actor)
    credential_key_ensure(organisation_id=other_org.pk)
    assert record_services._status_index_allocate(other_org.pk) == 0  # their own numbering
    credential_revoke(actor=admin_actor, credential_id=first.pk, reason="Erreur")
    theirs = _fetch_list(other_org.slug).content.decode()
    assert _claims(theirs)["issuer"] == credentials.did_for(other_org.slug)
    assert not _bit(theirs, first.status_index)
    assert _bit(_fetch_list(org.slug).content.decode(), first.status_index)


def test_no_list_before_the_first_credential(org, other_org):  # type: ignore[no-untyped-def]
    assert _fetch_list(org.slug).status_code == 404
    assert _fetch_list("inconnu").status_code == 404


def test_a_credential_issued_before_the_list_still_verifies_and_revokes_by_the_table(org, world, admin_actor):  # type: ignore[no-untyped-def]
    first, _second = _both(world, admin_actor)
    vc = _claims(first.token)
    del vc["credentialStatus"]
    old = credentials.jwt_sign(vc, slug=org.slug, sealed_key=org.credential_key.private_key_sealed)
    IssuedCredential.objects.filter(pk=first.pk).update(token=old, status_index=None)
    assert credential_verify(text=old).valid
    credential_revoke(actor=admin_actor, credential_id=first.pk, reason="Erreur de session")
    result = credential_verify(text=old)
    assert not result.valid and result.revocation_reason == "Erreur de session"
    assert not _bit(_fetch_list(org.slug).content.decode(), 0)


def test_erasure_revokes_removes_the_tokens_and_the_page_shows_nothing_personal(org, world, admin_actor):  # type: ignore[no-untyped-def]
    first, second = _both(world, admin_actor)
    tokens = [first.token, second.token]
    report = person_erase(actor=admin_actor, person=world["trainee"])
    assert "attestations numériques révoquées et effacées" in report.done
    for credential in IssuedCredential.objects.all():
        assert credential.token == "" and credential.revoked_at is not None
        assert credential.revocation_reason == "Effacement des données personnelles"
    listed = _fetch_list(org.slug).content.decode()
    assert all(_bit(listed, c.status_index) for c in (first, second))
    page = Client().post(reverse("public:verify"), {"what": "credential", "credential": tokens[0]}).content.decode()
    assert "révoquée le" in page and "Effacement des données personnelles" in page
    identity = _claims(tokens[0])["credentialSubject"]["identifier"][0]["identityHash"]
    for personal in (identity, "Paul", "Martin", TRAINEE_EMAIL, "Théo", world["session"].title):
        assert personal not in page
    # Sharing it again is refused in French, never the emptied token.
    record = competency_record(actor=admin_actor, trainee_id=world["trainee"].pk)
    if record.entries:
        with pytest.raises(Exception, match="révoquée et effacée"):
            credential_issue(record=record, entry=record.entries[0])


def test_key_rotation_keeps_what_the_former_key_signed_verifiable(org, world, admin_actor):  # type: ignore[no-untyped-def]
    record = competency_record(actor=admin_actor, trainee_id=world["trainee"].pk)
    before = credential_issue(record=record, entry=record.entries[0])
    old_public = org.credential_key.public_key
    out = StringIO()
    call_command("credentials", "rotate-key", "--org", org.slug, stdout=out)
    assert "key-2" in out.getvalue()
    key = CredentialKey.objects.get(organisation=org)
    assert key.fragment == "key-2" and key.public_key != old_public
    did = Client().get(reverse("public:did", kwargs={"org": org.slug})).json()
    listed = {m["id"].split("#")[1]: m["publicKeyJwk"]["x"] for m in did["verificationMethod"]}
    assert listed == {"key-2": key.public_key, "key-1": old_public}
    assert did["assertionMethod"] == [f"{did['id']}#key-2", f"{did['id']}#key-1"]
    # What the former key signed still verifies; the new credentials and the list are signed with the new key.
    assert credential_verify(text=before.token).valid
    after = credential_issue(record=record, entry=record.entries[1])
    assert json.loads(_b64(after.token.split(".")[0]))["kid"].endswith("#key-2")
    assert credential_verify(text=after.token).valid
    status_list = _fetch_list(org.slug).content.decode()
    assert json.loads(_b64(status_list.split(".")[0]))["kid"].endswith("#key-2")
    assert credentials.signature_valid(credentials.credential_parse(status_list), key.public_key)
    # The new key signing under the former key's name, or an unknown key's name: not valid.
    vc = _claims(after.token)
    renamed = credentials.jwt_sign(vc, slug=org.slug, sealed_key=key.private_key_sealed, fragment="key-1")
    assert not credential_verify(text=renamed).valid
    unknown = credentials.jwt_sign(vc, slug=org.slug, sealed_key=key.private_key_sealed, fragment="key-9")
    assert not credential_verify(text=unknown).valid
    with pytest.raises(CommandError, match="inconnu"):
        call_command("credentials", "rotate-key", "--org", "inconnu")


def test_the_revocation_outlives_the_trainees_record(org, world, admin_actor):  # type: ignore[no-untyped-def]
    """When the erased trainee's record is later deleted (the purge), the credential's row stays (SET_NULL), with
    its revocation and no personal data, and nobody can act on it any more."""
    first, _second = _both(world, admin_actor)
    token = first.token
    person_erase(actor=admin_actor, person=world["trainee"])
    Participant.objects.filter(trainee=world["trainee"]).delete()
    world["trainee"].delete()
    row = IssuedCredential.objects.get(pk=first.pk)
    assert row.trainee_id is None and row.token == "" and row.revoked_at is not None
    result = credential_verify(text=token)
    assert not result.valid and result.revocation_reason == "Effacement des données personnelles"
    assert not result.identity and not result.evidence
    with pytest.raises(Http404):
        credential_revoke(actor=admin_actor, credential_id=first.pk, reason="Encore")
