# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the trainees' competency records and of their verifiable credentials (docs/credentials.md).

Who reads a record: the organisation's staff, for the trainees they may see (`people.selectors.trainee_get`:
404 for another organisation's trainee or one outside their scope), only from the sessions they may see; the
trainee on the portal, for the trainee records their link designates (`competency_record_for_visitor`). The
verification of a presented credential is public (anyone holding one may check it).
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.core.links import absolute_url
from coopforma.people.models import Trainee
from coopforma.people.selectors import trainee_get, trainee_participations
from coopforma.referentiel import credentials
from coopforma.referentiel.models import (
    LEVELS,
    CredentialKey,
    CredentialStatusList,
    FormerCredentialKey,
    IssuedCredential,
)
from coopforma.referentiel.records import RecordEntry, record_entries


@dataclass
class CompetencyRecord:
    """A trainee's record: the entries (competency × session), and the credentials already issued for them."""

    trainee: Trainee
    organisation: Organisation
    entries: list[RecordEntry]
    issued: dict[tuple[int, int], IssuedCredential] = field(default_factory=dict)  # (session, competency) →

    def credential_of(self, entry: RecordEntry) -> IssuedCredential | None:
        return self.issued.get((entry.session_id, entry.competency_id))

    @property
    def rows(self) -> list[tuple[RecordEntry, IssuedCredential | None]]:
        return [(entry, self.credential_of(entry)) for entry in self.entries]


def _record(trainee: Trainee, entries: list[RecordEntry]) -> CompetencyRecord:
    issued = {
        (c.session_id, c.competency_id): c for c in IssuedCredential.objects.filter(trainee=trainee).order_by("pk")
    }
    return CompetencyRecord(trainee=trainee, organisation=trainee.organisation, entries=entries, issued=issued)


def competency_record(*, actor: Actor, trainee_id: int) -> CompetencyRecord:
    """The record of one of the actor's trainees (Http404: another organisation's, or not in the actor's scope),
    from the sessions the actor may see."""
    trainee = trainee_get(actor=actor, trainee_id=trainee_id)
    sessions = [p.session_id for p in trainee_participations(actor=actor, trainee=trainee)]
    entries = record_entries(organisation_id=actor.organisation_id, trainee_ids=[trainee.pk], session_ids=sessions)
    return _record(trainee, entries)


def competency_record_for_visitor(
    *, organisation_id: int, trainee_ids: tuple[int, ...], trainee_id: int
) -> CompetencyRecord:
    """The record of a trainee the portal visitor is (their link designates `trainee_ids`); Http404 otherwise."""
    if trainee_id not in trainee_ids:
        raise Http404
    trainee = (
        Trainee.objects.select_related("organisation").filter(pk=trainee_id, organisation_id=organisation_id).first()
    )
    if trainee is None:
        raise Http404
    return _record(trainee, record_entries(organisation_id=organisation_id, trainee_ids=[trainee.pk]))


def records_for_visitor(*, organisation_id: int, trainee_ids: tuple[int, ...]) -> list[CompetencyRecord]:
    """Every record of the visitor's trainees that has at least one entry (for the portal's page)."""
    records = [
        competency_record_for_visitor(organisation_id=organisation_id, trainee_ids=trainee_ids, trainee_id=pk)
        for pk in trainee_ids
    ]
    return [r for r in records if r.entries]


def record_entry_get(*, record: CompetencyRecord, session_id: int, competency_id: int) -> RecordEntry:
    for entry in record.entries:
        if entry.session_id == session_id and entry.competency_id == competency_id:
            return entry
    raise Http404


def credential_of_actor(*, actor: Actor, credential_id: int) -> IssuedCredential:
    """An issued credential of the actor's organisation, of a trainee the actor may see (Http404 otherwise)."""
    credential = IssuedCredential.objects.for_actor(actor).filter(pk=credential_id).first()
    if credential is None or credential.trainee_id is None:  # the trainee was erased: nothing left to act on
        raise Http404
    trainee_get(actor=actor, trainee_id=credential.trainee_id)
    return credential


def did_document_get(*, organisation_slug: str) -> dict[str, Any]:
    """The organisation's DID document (its public signing key); 404 before it has issued any credential."""
    key = CredentialKey.objects.select_related("organisation").filter(organisation__slug=organisation_slug).first()
    if key is None:
        raise Http404
    former = FormerCredentialKey.objects.filter(organisation_id=key.organisation_id).order_by("-retired_at", "-pk")
    return credentials.did_document(
        key.organisation.slug, key.public_key, key.fragment, [(k.fragment, k.public_key) for k in former]
    )


def public_key_named(key: CredentialKey, fragment: str | None) -> str | None:
    """The public key the presented credential names: the current one (or no key named), else a former one of
    the same organisation (None: no such key)."""
    if fragment is None or fragment == key.fragment:
        return key.public_key
    former = FormerCredentialKey.objects.filter(organisation_id=key.organisation_id, fragment=fragment).first()
    return former.public_key if former is not None else None


def status_list_url(slug: str) -> str:
    """The stable public URL of the organisation's revocation list (its credentials' `statusListCredential`)."""
    return absolute_url(reverse("public:credential_status", kwargs={"org": slug}))


def status_list_get(*, organisation_slug: str) -> str:
    """The organisation's `BitstringStatusListCredential`, signed as its credentials are (vc+jwt); 404 before its
    first credential with a status. Ed25519 signs deterministically: the same bits give the same JWT."""
    status_list = (
        CredentialStatusList.objects.select_related("organisation").filter(organisation__slug=organisation_slug).first()
    )
    key = CredentialKey.objects.filter(organisation__slug=organisation_slug).first()
    if status_list is None or key is None:
        raise Http404
    slug = status_list.organisation.slug
    vc = credentials.status_list_build(
        slug=slug, list_url=status_list_url(slug), bits=bytes(status_list.bits), valid_from=status_list.updated_at
    )
    return credentials.jwt_sign(vc, slug=slug, sealed_key=key.private_key_sealed, fragment=key.fragment)


def _listed_revoked(organisation_id: int, slug: str, vc: dict[str, Any]) -> tuple[bool, dt.datetime | None]:
    """Whether the credential's bit is set in the organisation's published list, read as any verifier reads it
    (encodedList decoded, bit at the index), and when the list last changed."""
    index = credentials.status_index_of(vc, status_list_url(slug))
    if index is None:
        return False, None
    status_list = CredentialStatusList.objects.filter(organisation_id=organisation_id).first()
    if status_list is None:
        return False, None
    bits = credentials.decoded_list(credentials.encoded_list(bytes(status_list.bits)))
    return credentials.bit_at(bits, index), status_list.updated_at


def issuer_url(organisation: Organisation) -> str:
    return organisation.website or absolute_url(reverse("public:catalogue", kwargs={"org": organisation.slug}))


# --- Verification --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What the verification page says about a presented credential."""

    valid: bool
    message: str
    issuer_name: str = ""
    issuer_siret: str = ""
    issuer_url: str = ""
    identity: str = ""
    competency: str = ""
    competency_url: str = ""
    level: str = ""
    framework: str = ""
    evidence: str = ""
    valid_from: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    revocation_reason: str = ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _first(value: Any) -> dict[str, Any]:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return value if isinstance(value, dict) else {}


def _facts(vc: dict[str, Any]) -> dict[str, Any]:
    """The readable facts of a credential whose signature was checked (defensive: any shape)."""
    raw_issuer = vc.get("issuer")
    issuer: dict[str, Any] = raw_issuer if isinstance(raw_issuer, dict) else {}
    subject = _first(vc.get("credentialSubject"))
    achievement = _first(subject.get("achievement"))
    alignment = _first(achievement.get("alignment"))
    identity = _first(subject.get("identifier"))
    achieved = _text(_first(subject.get("result")).get("achievedLevel"))
    level_names = {f"#niveau-{code}": str(label) for code, label in LEVELS}
    level = next((name for suffix, name in level_names.items() if achieved.endswith(suffix)), "")
    try:
        valid_from = dt.datetime.fromisoformat(_text(vc.get("validFrom")).replace("Z", "+00:00"))
    except ValueError:
        valid_from = None
    siret = _text(_first(issuer.get("otherIdentifier")).get("identifier"))
    return {
        "issuer_name": _text(issuer.get("name")),
        "issuer_siret": siret,
        "issuer_url": _text(issuer.get("url")),
        "identity": _text(identity.get("identityHash")),
        "competency": " ".join(filter(None, [_text(achievement.get("humanCode")), _text(achievement.get("name"))])),
        "competency_url": _text(achievement.get("id")),
        "level": level,
        "framework": _text(alignment.get("targetFramework")),
        "evidence": _text(_first(vc.get("evidence")).get("description")),
        "valid_from": valid_from if valid_from and valid_from.tzinfo else None,
    }


def credential_verify(*, text: str) -> Verification:
    """Check a pasted or uploaded credential (JWT or JSON): never raises on bad input, says why in French."""
    try:
        presented = credentials.credential_parse(text)
    except credentials.CredentialProblem as problem:
        return Verification(valid=False, message=problem.message)
    slug = credentials.slug_of_did(presented.issuer_did)
    key = CredentialKey.objects.select_related("organisation").filter(organisation__slug=slug).first() if slug else None
    if key is None:
        return Verification(
            valid=False,
            message=_(
                "L'émetteur de cette attestation n'est pas un organisme de cette installation : elle ne peut être "
                "vérifiée ici."
            ),
        )
    public_key = public_key_named(key, credentials.kid_fragment(presented))
    if public_key is None or not credentials.signature_valid(presented, public_key):
        return Verification(
            valid=False,
            message=_(
                "La signature n'est pas valide : l'attestation a été modifiée, ou elle n'a pas été signée par "
                "l'organisme qu'elle désigne (%(name)s)."
            )
            % {"name": key.organisation.name},
        )
    facts = _facts(presented.credential)
    try:
        uid: uuid.UUID | None = uuid.UUID(_text(presented.credential.get("id")).removeprefix("urn:uuid:"))
    except ValueError:  # signed by the organisation but not one of its issued credentials' identifiers
        uid = None
    issued = IssuedCredential.objects.filter(organisation_id=key.organisation_id, uid=uid).first() if uid else None
    listed, list_changed = _listed_revoked(key.organisation_id, key.organisation.slug, presented.credential)
    if (issued is not None and issued.revoked_at is not None) or listed:
        # Revoked at the holder's erasure (or only known from the list): nothing about the person is shown.
        erased = issued is None or not issued.token or issued.revocation_reason == credentials.ERASURE_REASON
        return Verification(
            valid=False,
            message=_("Signature valide, mais l'organisme a révoqué cette attestation."),
            revoked_at=issued.revoked_at if issued is not None and issued.revoked_at else list_changed,
            revocation_reason=issued.revocation_reason if issued is not None else "",
            **({} if erased else facts),
        )
    return Verification(valid=True, message=_("Signature valide : attestation émise par cet organisme."), **facts)


def credential_for_visitor(
    *, organisation_id: int, trainee_ids: tuple[int, ...], credential_id: int
) -> IssuedCredential:
    """A credential of one of the portal visitor's trainees (Http404 otherwise)."""
    credential = (
        IssuedCredential.objects.filter(pk=credential_id, organisation_id=organisation_id, trainee_id__in=trainee_ids)
        .exclude(token="")  # erased with the trainee's data
        .first()
    )
    if credential is None:
        raise Http404
    return credential
