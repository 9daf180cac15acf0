# SPDX-License-Identifier: AGPL-3.0-or-later
"""The competency records on the trainee portal (« Télécharger (PDF) », « Partager ») and the verification of a
credential on /v/ (pasted or uploaded; signed, altered, another organisation's, revoked, malformed: no 500)."""

import base64
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopforma.accounts.magic_links import magic_link_create
from coopforma.people.tests.factories import TraineeFactory
from coopforma.referentiel import credentials
from coopforma.referentiel.models import IssuedCredential
from coopforma.referentiel.record_selectors import competency_record, credential_verify
from coopforma.referentiel.record_services import credential_issue, credential_key_ensure, credential_revoke
from coopforma.referentiel.tests.competency_world import TRAINEE_EMAIL, assessed_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(org, trainer):  # type: ignore[no-untyped-def]
    return assessed_world(org, trainer)


def _portal(org, email: str = TRAINEE_EMAIL) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    _link, token = magic_link_create(organisation=org, email=email)
    client.get(reverse("public:portal_open", kwargs={"token": token}))
    return client


def _verify(client: Client, text: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("public:verify"), {"what": "credential", "credential": text})


def test_portal_shows_the_record_and_shares_a_credential(org, world):  # type: ignore[no-untyped-def]
    portal = _portal(org)
    page = portal.get(reverse("public:portal_home")).content.decode()
    assert "Mes compétences" in page and world["first"].code in page and "Maîtrise" in page
    trainee_id = world["trainee"].pk
    pdf = portal.post(reverse("public:portal_record_pdf", kwargs={"trainee_id": trainee_id}))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    shared = portal.post(
        reverse(
            "public:portal_credential",
            kwargs={"trainee_id": trainee_id, "session_id": world["session"].pk, "competency_id": world["first"].pk},
        )
    )
    assert shared.status_code == 200
    issued = IssuedCredential.objects.get()
    assert issued.token in shared.content.decode()
    download = portal.get(reverse("public:portal_credential_file", kwargs={"credential_id": issued.pk}))
    assert download.status_code == 200 and download.content.decode() == issued.token
    # Anyone checks it on /v/, pasted or as a file.
    checked = _verify(Client(), issued.token).content.decode()
    assert "Signature valide" in checked and "Coop Formation Test" in checked and world["first"].code in checked
    uploaded = Client().post(
        reverse("public:verify"),
        {"what": "credential", "credential_file": SimpleUploadedFile("a.jwt", issued.token.encode())},
    )
    assert "Signature valide" in uploaded.content.decode()
    # The DID document publishes the key that verifies it.
    did = Client().get(reverse("public:did", kwargs={"org": org.slug}))
    assert did.status_code == 200
    assert did.json()["verificationMethod"][0]["publicKeyJwk"]["x"] == org.credential_key.public_key
    assert did.json()["id"] == "did:web:of.example:f:coop-test"


def test_another_trainee_cannot_read_or_share_our_record(org, world):  # type: ignore[no-untyped-def]
    TraineeFactory(organisation=org, first_name="Zoé", email="zoe@example.org")
    portal = _portal(org, "zoe@example.org")
    assert "Mes compétences" not in portal.get(reverse("public:portal_home")).content.decode()
    kwargs = {"trainee_id": world["trainee"].pk}
    assert portal.post(reverse("public:portal_record_pdf", kwargs=kwargs)).status_code == 404
    share = {**kwargs, "session_id": world["session"].pk, "competency_id": world["first"].pk}
    assert portal.post(reverse("public:portal_credential", kwargs=share)).status_code == 404
    assert Client().post(reverse("public:portal_credential", kwargs=share)).status_code == 404


def test_staff_page_and_other_organisation(org, world, web, admin_user, stranger, other_org):  # type: ignore[no-untyped-def]
    url = reverse("records:record", kwargs={"org": org.slug, "trainee_id": world["trainee"].pk})
    page = web(admin_user).get(url)
    assert page.status_code == 200 and world["first"].code in page.content.decode()
    # Another organisation's admin with its own slug and our trainee's id: 404.
    theirs = reverse("records:record", kwargs={"org": other_org.slug, "trainee_id": world["trainee"].pk})
    assert web(stranger).get(theirs).status_code == 404
    pdf = reverse("records:record_pdf", kwargs={"org": other_org.slug, "trainee_id": world["trainee"].pk})
    assert web(stranger).post(pdf).status_code == 404


def _issued(world, admin_actor):  # type: ignore[no-untyped-def]
    record = competency_record(actor=admin_actor, trainee_id=world["trainee"].pk)
    return credential_issue(record=record, entry=record.entries[0])


def test_altered_other_key_and_revoked_on_the_page(org, world, admin_actor, other_org):  # type: ignore[no-untyped-def]
    issued = _issued(world, admin_actor)
    header, payload, signature = issued.token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(payload + "=="))
    raw[raw.index(b"Coop Formation Test")] ^= 0x01  # one byte of the issuer's name
    altered = f"{header}.{credentials.b64url(bytes(raw))}.{signature}"
    assert "signature n&#x27;est pas valide" in _verify(Client(), altered).content.decode()
    other_key = credential_key_ensure(organisation_id=other_org.pk)
    vc = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged = credentials.jwt_sign(vc, slug=org.slug, sealed_key=other_key.private_key_sealed)
    assert "Attestation non valide" in _verify(Client(), forged).content.decode()
    credential_revoke(actor=admin_actor, credential_id=issued.pk, reason="Évaluation saisie par erreur")
    page = _verify(Client(), issued.token).content.decode()
    assert "révoquée le" in page and "Évaluation saisie par erreur" in page


def test_enveloped_json_and_unsigned_json(world, admin_actor):  # type: ignore[no-untyped-def]
    issued = _issued(world, admin_actor)
    enveloped = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": f"data:application/vc+jwt,{issued.token}",
    }
    assert credential_verify(text=json.dumps(enveloped)).valid
    vc = json.loads(base64.urlsafe_b64decode(issued.token.split(".")[1] + "=="))
    assert "pas signée" in credential_verify(text=json.dumps(vc)).message


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Collez une attestation"),
        ("bonjour", "trois parties"),
        ("a.b.c", "illisible"),
        ("{pas du json", "comme du JSON"),
        ("[1, 2]", "pas une attestation"),
    ],
)
def test_malformed_input_gets_a_french_message(text, says):  # type: ignore[no-untyped-def]
    result = credential_verify(text=text)
    assert not result.valid and says in result.message


def test_empty_form_says_what_is_missing(db):  # type: ignore[no-untyped-def]
    response = _verify(Client(), "")
    assert response.status_code == 200 and "Collez une attestation numérique" in response.content.decode()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.one_of(
        st.text(max_size=300), st.from_regex(r"\A[A-Za-z0-9_\-]{0,40}\.[A-Za-z0-9_\-]{0,40}\.[A-Za-z0-9_\-]{0,40}\Z")
    )
)
def test_any_input_gets_an_answer_never_an_error(db, text):  # type: ignore[no-untyped-def]
    result = credential_verify(text=text)
    assert not result.valid and result.message


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(claims=st.dictionaries(st.sampled_from(["id", "issuer", "credentialSubject", "validFrom", "evidence"]), JSON))
def test_any_claims_signed_by_us_never_raise(world, admin_actor, claims):  # type: ignore[no-untyped-def]
    """Whatever a signed credential holds (our key, any shape of claims), the page reads it without an error."""
    key = credential_key_ensure(organisation_id=world["trainee"].organisation_id)
    claims = {**claims, "issuer": {"id": credentials.did_for("coop-test"), "name": claims.get("issuer")}}
    token = credentials.jwt_sign(claims, slug="coop-test", sealed_key=key.private_key_sealed)
    result = credential_verify(text=token)
    assert result.valid and result.message
