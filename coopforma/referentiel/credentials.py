# SPDX-License-Identifier: AGPL-3.0-or-later
"""Open Badges 3.0 credentials of the competency records, signed as VC-JOSE JWTs (docs/credentials.md).

- One `OpenBadgeCredential` (W3C Verifiable Credentials Data Model 2.0) per competency evidenced in a session:
  an OB 3.0 `AchievementSubject` holds one achievement, and a trainee shares one competency without the rest.
- Secured as « vc+jwt » (W3C VC-JOSE-COSE): the JWT's claims are the credential itself, signed EdDSA (Ed25519).
- The issuer is the organisation, identified by `did:web:<host>:f:<slug>`, whose DID document (the public key,
  a JWK) is served at `https://<host>/f/<slug>/did.json` (did:web's rule: the path's `:` become `/`). `/f/<org>/`
  holds the organisation's public pages; `/o/<org>/` is the back office (login).
- The subject is identified by a salted SHA-256 of the trainee's e-mail (OB 3.0 `IdentityObject`): the
  credential does not show the address; whoever knows it can check it.

Pure functions (no database): building, signing and parsing. The selectors and services read the keys.
"""

import base64
import datetime as dt
import gzip
import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.utils.translation import gettext as _

from coopforma.core.crypto import seal_text, unseal_text
from coopforma.core.links import site_base

SEAL_PURPOSE = "credentials.signing_key"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
KEY_FRAGMENT = "key-1"
MAX_INPUT = 100_000  # characters: a credential is a few kilobytes
STATUS_MIN_BYTES = 16 * 1024  # Bitstring Status List v1.0: at least 131 072 entries (group privacy)
STATUS_PURPOSE = "revocation"
ERASURE_REASON = "Effacement des données personnelles"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    if not text or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- Keys ---------------------------------------------------------------------------------------------------


def keypair_new() -> tuple[str, str]:
    """A new Ed25519 key pair: (public key base64url, private key sealed for SEAL_PURPOSE)."""
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return b64url(raw_public), seal_text(b64url(raw_private), purpose=SEAL_PURPOSE)


def private_key(sealed: str) -> Ed25519PrivateKey:
    raw = unseal_text(sealed, purpose=SEAL_PURPOSE)
    if not raw:
        raise ValueError("the signing key cannot be unsealed (SECRET_KEY changed?)")
    return Ed25519PrivateKey.from_private_bytes(b64url_decode(raw))


def public_jwk(public_key: str) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": public_key}


# --- Identifiers ----------------------------------------------------------------------------------------------


def site_host() -> str:
    """The installation's host for did:web (a port is written %3A, as did:web says)."""
    return quote(urlsplit(site_base()).netloc, safe="")


def did_for(slug: str) -> str:
    return f"did:web:{site_host()}:f:{slug}"


def slug_of_did(did: str) -> str | None:
    """The organisation's slug of one of this installation's issuer DIDs, None for any other DID."""
    prefix = f"did:web:{site_host()}:f:"
    if not did.startswith(prefix):
        return None
    slug = did[len(prefix) :]
    return slug if slug and ":" not in slug else None


def did_document(
    slug: str, public_key: str, fragment: str = KEY_FRAGMENT, former: list[tuple[str, str]] | tuple = ()
) -> dict[str, Any]:
    """The DID document: the current key first, then the `former` ones (fragment, public key) replaced by a
    rotation, still listed so that the credentials they signed keep verifying."""
    did = did_for(slug)
    keys = [(fragment, public_key), *former]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": [
            {"id": f"{did}#{name}", "type": "JsonWebKey", "controller": did, "publicKeyJwk": public_jwk(key)}
            for name, key in keys
        ],
        "assertionMethod": [f"{did}#{name}" for name, _key in keys],
    }


def key_fragment_next(fragments: list[str]) -> str:
    """The fragment of a new key after these: key-<n+1>."""
    numbers = [int(f[4:]) for f in fragments if f.startswith("key-") and f[4:].isdigit()]
    return f"key-{max(numbers, default=0) + 1}"


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityObject: "sha256$" + hex SHA-256 of the address (trimmed, lower case) followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


def identity_matches(identity: str, email: str, salt: str) -> bool:
    return secrets.compare_digest(identity, identity_hash(email, salt))


# --- Building and signing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    slug: str
    name: str
    siret: str
    url: str


def level_description(url: str, levels: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "id": f"{url}#niveau",
        "type": ["ResultDescription"],
        "name": "Niveau de maîtrise",
        "resultType": "RubricCriterionLevel",
        "rubricCriterionLevel": [
            {"id": f"{url}#niveau-{code}", "type": ["RubricCriterionLevel"], "name": label} for code, label in levels
        ],
    }


def _instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def credential_build(
    *,
    uid: str,
    issuer: Issuer,
    email: str,
    salt: str,
    entry: Any,
    levels: list[tuple[str, str]],
    valid_from: dt.datetime,
    status: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The OpenBadgeCredential of one record entry (referentiel.records.RecordEntry); `status`: its
    `BitstringStatusListEntry` (`status_entry`), None to build one without (as before the status list)."""
    url = entry.competency_url
    profile: dict[str, Any] = {"id": did_for(issuer.slug), "type": ["Profile"], "name": issuer.name, "url": issuer.url}
    if issuer.siret:
        profile["otherIdentifier"] = [
            {"type": "IdentifierEntry", "identifier": issuer.siret, "identifierType": "identifier"}
        ]
    period = entry.start_date.isoformat() if entry.start_date else ""
    if entry.end_date and entry.end_date != entry.start_date:
        period += f"/{entry.end_date.isoformat()}"
    framework = f"{entry.referentiel_title}, version {entry.version_number}"
    vc: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{uid}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": profile,
        "validFrom": _instant(valid_from),
        "name": f"{entry.competency_code} {entry.competency_label}",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(email, salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": {
                "id": url,
                "type": ["Achievement"],
                "achievementType": "Competency",
                "name": entry.competency_label,
                "description": entry.competency_description or entry.competency_label,
                "humanCode": entry.competency_code,
                "criteria": {
                    "narrative": (
                        f"Objectif « {entry.objective} » de la formation « {entry.training_title} », évalué par "
                        f"le ou la formateur·rice à l'issue de la session (évaluation des acquis par objectif)."
                    )
                },
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": entry.competency_label,
                        "targetUrl": url,
                        "targetCode": entry.competency_code,
                        "targetFramework": framework,
                    }
                ],
                "resultDescription": [level_description(url, levels)],
            },
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": f"{url}#niveau",
                    "achievedLevel": f"{url}#niveau-{entry.level}",
                }
            ],
        },
        "evidence": [
            {
                "type": ["Evidence"],
                "name": entry.session_title,
                "description": (
                    f"Session « {entry.session_title} » ({period}), évaluation du {entry.assessed_on.isoformat()} "
                    f"par {entry.evaluator or 'le ou la formateur·rice'} : niveau « {entry.level_label} »."
                ),
            }
        ],
    }
    if status is not None:
        vc["credentialStatus"] = status
    return vc


# --- Revocation list (W3C Bitstring Status List v1.0) -----------------------------------------------------------


def bits_with(bits: bytes, indexes: list[int] | tuple[int, ...] = ()) -> bytes:
    """The bitstring at least STATUS_MIN_BYTES long (grown by whole 16 KB blocks to hold every index), with the
    bits at `indexes` set; bit 0 is the most significant bit of the first byte, as the spec says."""
    needed = max([len(bits), STATUS_MIN_BYTES, *[i // 8 + 1 for i in indexes]])
    size = -(-needed // STATUS_MIN_BYTES) * STATUS_MIN_BYTES
    out = bytearray(bits) + bytearray(size - len(bits))
    for index in indexes:
        out[index // 8] |= 0x80 >> (index % 8)
    return bytes(out)


def bit_at(bits: bytes, index: int) -> bool:
    """The bit at `index` (most significant bit first); False beyond the end."""
    return 0 <= index < len(bits) * 8 and bool(bits[index // 8] & (0x80 >> (index % 8)))


def encoded_list(bits: bytes) -> str:
    """`encodedList`: multibase (prefix « u ») base64url without padding of the GZIP-compressed bitstring
    (mtime 0: the same bits always give the same text, so the signed list only changes when a bit does)."""
    return "u" + b64url(gzip.compress(bits_with(bits), mtime=0))


def decoded_list(encoded: str) -> bytes:
    """The bitstring of an `encodedList` (ValueError when it is not one)."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix u)")
    try:
        return gzip.decompress(b64url_decode(encoded[1:]))
    except (OSError, EOFError) as error:
        raise ValueError("encodedList is not GZIP") from error


def status_entry(list_url: str, index: int) -> dict[str, Any]:
    """The credential's `credentialStatus`: its bit in the organisation's revocation list."""
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": STATUS_PURPOSE,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_index_of(vc: dict[str, Any], list_url: str) -> int | None:
    """The index of a credential's revocation entry in the list at `list_url` (None: no such entry)."""
    status = vc.get("credentialStatus")
    for item in status if isinstance(status, list) else [status]:
        if not isinstance(item, dict) or item.get("statusListCredential") != list_url:
            continue
        if item.get("type") != "BitstringStatusListEntry" or item.get("statusPurpose") != STATUS_PURPOSE:
            continue
        index = item.get("statusListIndex")
        if isinstance(index, str) and index.isdigit() and index.isascii() and len(index) < 10:
            return int(index)
    return None


def status_list_build(*, slug: str, list_url: str, bits: bytes, valid_from: dt.datetime) -> dict[str, Any]:
    """The organisation's `BitstringStatusListCredential` (revocation), to be signed like its credentials."""
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did_for(slug),
        "validFrom": _instant(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encoded_list(bits),
        },
    }


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def jwt_sign(credential: dict[str, Any], *, slug: str, sealed_key: str, fragment: str = KEY_FRAGMENT) -> str:
    """The credential as a VC-JOSE compact JWS: header {alg EdDSA, typ vc+jwt, cty vc, kid}, payload the VC."""
    header = {"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": f"{did_for(slug)}#{fragment}"}
    signing_input = f"{b64url(_json(header))}.{b64url(_json(credential))}"
    signature = private_key(sealed_key).sign(signing_input.encode())
    return f"{signing_input}.{b64url(signature)}"


# --- Parsing and checking a presented credential ---------------------------------------------------------------


class CredentialProblem(Exception):
    """What is wrong with a presented credential, in French for the verification page."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Presented:
    header: dict[str, Any]
    credential: dict[str, Any]
    signing_input: bytes
    signature: bytes
    issuer_did: str


def _token_of(text: str) -> str:
    """The compact JWT of a pasted or uploaded text: the JWT itself, or a JSON `EnvelopedVerifiableCredential`."""
    if not text.startswith(("{", "[")):
        return text
    try:
        document = json.loads(text)
    except ValueError:
        raise CredentialProblem(_("Ce texte commence comme du JSON mais n'en est pas : vérifiez la copie.")) from None
    if not isinstance(document, dict):
        raise CredentialProblem(_("Ce JSON n'est pas une attestation numérique."))
    kinds = document.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    identifier = document.get("id")
    if "EnvelopedVerifiableCredential" in kinds and isinstance(identifier, str):
        prefix = "data:application/vc+jwt,"
        if identifier.startswith(prefix):
            return unquote(identifier[len(prefix) :])
    if "proof" in document:
        raise CredentialProblem(
            _(
                "Cette attestation porte une preuve intégrée (Data Integrity) : cette page vérifie les attestations "
                "signées en JWT (« vc+jwt ») que Coopforma émet. Collez le JWT fourni avec l'attestation."
            )
        )
    if "VerifiableCredential" in kinds:
        raise CredentialProblem(
            _(
                "Cette attestation n'est pas signée : sans signature, rien ne prouve qui l'a émise. Collez le JWT "
                "fourni avec l'attestation."
            )
        )
    raise CredentialProblem(
        _("Ce JSON n'est pas une attestation numérique (ni JWT ni « EnvelopedVerifiableCredential »).")
    )


def credential_parse(text: str) -> Presented:
    """A presented credential decoded (not yet checked): CredentialProblem with a French message otherwise."""
    text = (text or "").strip()
    if not text:
        raise CredentialProblem(_("Collez une attestation numérique (JWT ou JSON) ou choisissez son fichier."))
    if len(text) > MAX_INPUT:
        raise CredentialProblem(
            _("Ce texte est trop long pour une attestation numérique (100 000 caractères au plus).")
        )
    token = "".join(_token_of(text).split())
    parts = token.split(".")
    if len(parts) != 3:
        raise CredentialProblem(
            _(
                "Ce n'est pas un JWT : une attestation signée a trois parties séparées par des points "
                "(en-tête, contenu, signature)."
            )
        )
    try:
        header = json.loads(b64url_decode(parts[0]))
        credential = json.loads(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except ValueError:
        raise CredentialProblem(
            _(
                "Ce JWT est illisible (une partie n'est pas du base64url ou du JSON) : vérifiez qu'il a été copié en "
                "entier."
            )
        ) from None
    if not isinstance(header, dict) or not isinstance(credential, dict):
        raise CredentialProblem(_("Ce JWT ne contient pas une attestation numérique."))
    if header.get("alg") != "EdDSA":
        raise CredentialProblem(
            _("Cette attestation n'est pas signée en EdDSA (Ed25519) : elle ne vient pas de Coopforma.")
        )
    issuer = credential.get("issuer")
    issuer_did = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_did, str) or not issuer_did:
        raise CredentialProblem(_("Cette attestation ne dit pas qui l'a émise (champ « issuer » absent)."))
    kid = header.get("kid")
    if isinstance(kid, str) and kid and not kid.startswith(issuer_did + "#"):
        raise CredentialProblem(_("La clé annoncée dans l'en-tête n'appartient pas à l'émetteur de l'attestation."))
    return Presented(header, credential, f"{parts[0]}.{parts[1]}".encode(), signature, issuer_did)


def kid_fragment(presented: Presented) -> str | None:
    """The fragment of the key named in the header (`<did>#key-2` → `key-2`), None when no key is named."""
    kid = presented.header.get("kid")
    return kid.split("#", 1)[1] if isinstance(kid, str) and "#" in kid else None


def signature_valid(presented: Presented, public_key: str) -> bool:
    try:
        key = Ed25519PublicKey.from_public_bytes(b64url_decode(public_key))
        key.verify(presented.signature, presented.signing_input)
    except (InvalidSignature, ValueError):
        return False
    return True
