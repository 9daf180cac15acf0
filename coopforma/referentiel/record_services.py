# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of the competency records: the relevé issued as a PDF, the verifiable credentials issued and revoked,
the organisation's signing key (docs/credentials.md).

The callers pass a record read through a scoped selector (`record_selectors.competency_record` for the staff,
`competency_record_for_visitor` for the trainee on the portal): these services only issue what the record shows.
`user` is the staff member acting, None for the trainee on the portal (logged as the system acting for them).
"""

import datetime as dt
import hashlib
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.core.log import log_action
from coopforma.documents.branding import with_branding
from coopforma.documents.models import Document, DocumentStatus
from coopforma.documents.services import active_template, render_pdf
from coopforma.referentiel import credentials
from coopforma.referentiel.documents import KIND, default_template, record_context
from coopforma.referentiel.models import (
    LEVELS,
    CredentialKey,
    CredentialStatusList,
    FormerCredentialKey,
    IssuedCredential,
)
from coopforma.referentiel.record_selectors import (
    CompetencyRecord,
    credential_of_actor,
    issuer_url,
    status_list_url,
)
from coopforma.referentiel.records import RecordEntry

REVOKE_FLAG = "evaluations.manage"


def credential_key_ensure(*, organisation_id: int) -> CredentialKey:
    """The organisation's signing key, created at its first credential (the private key sealed at once)."""
    key = CredentialKey.objects.filter(organisation_id=organisation_id).first()
    if key is not None:
        return key
    public, sealed = credentials.keypair_new()
    try:
        with transaction.atomic():
            return CredentialKey.objects.create(
                organisation_id=organisation_id, public_key=public, private_key_sealed=sealed
            )
    except IntegrityError:  # created meanwhile by another request: use that one
        return CredentialKey.objects.get(organisation_id=organisation_id)


def _status_list_locked(organisation_id: int) -> CredentialStatusList:
    """The organisation's revocation list, locked until the end of the caller's transaction (created at once)."""
    CredentialStatusList.objects.get_or_create(organisation_id=organisation_id)
    return CredentialStatusList.objects.select_for_update().get(organisation_id=organisation_id)


def _status_index_allocate(organisation_id: int) -> int:
    """A new index in the organisation's list: the list is locked, `next_index` only grows (never given twice)."""
    status_list = _status_list_locked(organisation_id)
    index = status_list.next_index
    status_list.next_index = index + 1
    status_list.save(update_fields=["next_index", "updated_at"])
    return index


def _status_bits_set(organisation_id: int, indexes: list[int]) -> None:
    """Set the revocation bits of these indexes in the organisation's published list."""
    if not indexes:
        return
    status_list = _status_list_locked(organisation_id)
    status_list.bits = credentials.bits_with(bytes(status_list.bits), indexes)
    status_list.save(update_fields=["bits", "updated_at"])


@transaction.atomic
def credential_key_rotate(*, organisation_id: int) -> CredentialKey:
    """A new signing key for the organisation (key-2, key-3…): the current key's public half is kept as a
    `FormerCredentialKey` (still in the DID document: what it signed keeps verifying), its private half is dropped.
    New credentials and the revocation list are signed with the new key from then on. Run by the operator
    (`coopforma credentials rotate-key --org SLUG`), e.g. after a suspected leak or a change of SECRET_KEY."""
    key = CredentialKey.objects.select_for_update().filter(organisation_id=organisation_id).first()
    if key is None:
        return credential_key_ensure(organisation_id=organisation_id)
    now = timezone.now()
    former = FormerCredentialKey.objects.filter(organisation_id=organisation_id)
    fragments = [*former.values_list("fragment", flat=True), key.fragment]
    FormerCredentialKey.objects.create(
        organisation_id=organisation_id, fragment=key.fragment, public_key=key.public_key, retired_at=now
    )
    key.public_key, key.private_key_sealed = credentials.keypair_new()
    key.fragment = credentials.key_fragment_next(fragments)
    key.save(update_fields=["public_key", "private_key_sealed", "fragment", "updated_at"])
    log_action(actor=None, obj=key, action="referentiel.credential.key_rotate", data={"fragment": key.fragment})
    return key


@transaction.atomic
def credential_issue(*, record: CompetencyRecord, entry: RecordEntry, user: Any = None) -> IssuedCredential:
    """The credential of one entry of the record: the one already issued (the same credential every time it is
    shared), else a new one signed by the organisation. Refused without the trainee's e-mail (the subject's
    identity is its salted hash)."""
    trainee = record.trainee
    if entry not in record.entries:
        raise ValidationError({"credential": _("Cette compétence ne figure pas au relevé.")})
    existing = IssuedCredential.objects.filter(
        trainee=trainee, session_id=entry.session_id, competency_id=entry.competency_id
    ).first()
    if existing is not None:
        if not existing.token:
            raise ValidationError({"credential": _("Cette attestation numérique a été révoquée et effacée.")})
        return existing
    if not trainee.email:
        raise ValidationError(
            {
                "credential": _(
                    "%(name)s n'a pas d'adresse e-mail : l'attestation numérique désigne son titulaire par son "
                    "adresse (chiffrée). Renseignez-la sur la fiche du ou de la stagiaire."
                )
                % {"name": trainee.full_name}
            }
        )
    organisation = record.organisation
    key = credential_key_ensure(organisation_id=organisation.pk)
    index = _status_index_allocate(organisation.pk)
    issued = IssuedCredential(
        organisation=organisation,
        trainee=trainee,
        session_id=entry.session_id,
        competency_id=entry.competency_id,
        level=entry.level,
        status_index=index,
    )
    issuer = credentials.Issuer(
        slug=organisation.slug, name=organisation.name, siret=organisation.siret, url=issuer_url(organisation)
    )
    vc = credentials.credential_build(
        uid=str(issued.uid),
        issuer=issuer,
        email=trainee.email,
        salt=hashlib.sha256(issued.uid.bytes).hexdigest()[:16],
        entry=entry,
        levels=[(code, str(label)) for code, label in LEVELS],
        valid_from=timezone.now(),
        status=credentials.status_entry(status_list_url(organisation.slug), index),
    )
    issued.token = credentials.jwt_sign(
        vc, slug=organisation.slug, sealed_key=key.private_key_sealed, fragment=key.fragment
    )
    issued.save()
    log_action(
        actor=user,
        obj=issued,
        action="referentiel.credential.issue",
        data={"trainee": trainee.pk, "competency": entry.competency_code, "session": entry.session_id},
    )
    return issued


@transaction.atomic
def credential_revoke(*, actor: Actor, credential_id: int, reason: str) -> IssuedCredential:
    """Revoke a credential of the organisation: the verification page then says « révoquée le … »."""
    if not actor.has(REVOKE_FLAG):
        raise PermissionDenied(REVOKE_FLAG)
    credential = credential_of_actor(actor=actor, credential_id=credential_id)
    credential = IssuedCredential.objects.select_for_update().get(pk=credential.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Indiquez le motif de la révocation (il est affiché à qui la vérifie).")})
    if credential.revoked_at is not None:
        raise ValidationError({"reason": _("Cette attestation numérique est déjà révoquée.")})
    credential.revoked_at = timezone.now()
    credential.revocation_reason = reason[:300]
    credential.save(update_fields=["revoked_at", "revocation_reason", "updated_at"])
    if credential.status_index is not None:
        _status_bits_set(credential.organisation_id, [credential.status_index])
    log_action(actor=actor, obj=credential, action="referentiel.credential.revoke", data={"reason": reason[:300]})
    return credential


def credentials_erase(*, trainee: Any, now: dt.datetime) -> int:
    """At a trainee's erasure (privacy app, RGPD art. 17): every credential issued to them is revoked (reason
    « Effacement des données personnelles », bit set in the published list) and its stored token removed; the
    verification page then says « révoquée » and shows nothing of the person. Returns how many were issued.
    Runs in the erasure's transaction."""
    issued = list(IssuedCredential.objects.select_for_update().filter(trainee=trainee).order_by("pk"))
    for credential in issued:
        if credential.revoked_at is None:
            credential.revoked_at = now
            credential.revocation_reason = credentials.ERASURE_REASON
        credential.token = ""
        credential.save(update_fields=["revoked_at", "revocation_reason", "token", "updated_at"])
    by_organisation: dict[int, list[int]] = {}
    for credential in issued:
        if credential.status_index is not None:
            by_organisation.setdefault(credential.organisation_id, []).append(credential.status_index)
    for organisation_id, indexes in by_organisation.items():
        _status_bits_set(organisation_id, indexes)
    return len(issued)


def competency_record_issue(*, record: CompetencyRecord, user: Any = None) -> Document:
    """The relevé de compétences as an issued (final) document: its SHA-256 stored, its verification code and QR
    code printed. The latest one is given again while the record has not changed; otherwise a new version."""
    if not record.entries:
        raise ValidationError({"record": _("Aucune compétence n'est attestée : il n'y a pas de relevé à émettre.")})
    trainee = record.trainee
    organisation = record.organisation
    template = active_template(organisation.pk, KIND)
    body = template.body if template else default_template()
    context = with_branding(record_context(trainee, record.entries), organisation)
    subject_type = ContentType.objects.get_for_model(type(trainee))
    with transaction.atomic():
        latest = (
            Document.objects.select_for_update()
            .filter(organisation=organisation, kind=KIND, subject_type=subject_type, subject_id=trainee.pk)
            .exclude(status=DocumentStatus.REPLACED)
            .order_by("-version", "-pk")
            .first()
        )
        if latest is not None and latest.context.get("record") == context["record"] and latest.template_body == body:
            return latest
        document = Document(
            organisation=organisation,
            kind=KIND,
            title=f"Relevé de compétences — {trainee.full_name}"[:300],
            subject_type=subject_type,
            subject_id=trainee.pk,
            template=template,
            template_body=body,
            context=context,
            version=(latest.version + 1) if latest else 1,
            previous=latest,
            created_by=user,
            finalised_by=user,
        )
        pdf = render_pdf(body, context, code=document.verification_code, draft=False)
        document.file.save(f"releve-{document.verification_code}.pdf", ContentFile(pdf), save=False)
        document.sha256 = hashlib.sha256(pdf).hexdigest()
        document.status = DocumentStatus.FINAL
        document.finalised_at = timezone.now()
        if latest is not None:
            Document.objects.filter(pk=latest.pk).update(status=DocumentStatus.REPLACED, updated_at=timezone.now())
        document.save()
        log_action(
            actor=user,
            obj=document,
            action="referentiel.record.issue",
            data={"trainee": trainee.pk, "entries": len(record.entries), "sha256": document.sha256},
        )
    return document
