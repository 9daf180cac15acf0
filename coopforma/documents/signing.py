# SPDX-License-Identifier: AGPL-3.0-or-later
"""Simple electronic signatures (eIDAS art. 3 §10, « signature électronique simple »), diffusion, scans.

A final document is sent for signature: one `Signature` per signer, each with a one-time link (only its
SHA-256 is stored) e-mailed through the outbox. The signer opens the link, receives a 6-digit code by
e-mail, types it with their name and signs; the hash of the file they signed is recorded and must equal
the document's. When every signature is in, a signed copy is built: the original pages plus a last page
listing each signature (who, when, IP, user agent, hash) and the verification address. The original file
and its SHA-256 never change.
"""

import hashlib
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PdfReader, PdfWriter

from coopforma.accounts.actor import Actor
from coopforma.accounts.magic_links import magic_link_create
from coopforma.accounts.selectors import organisation_signatories, organisation_signatory
from coopforma.core.links import absolute_url
from coopforma.core.log import log_action
from coopforma.core.mail import MailAttachment, register_resender, send_mail_logged
from coopforma.core.mail_texts import mail_text_render
from coopforma.core.models import OutboundEmail
from coopforma.documents import mails
from coopforma.documents.models import (
    Delivery,
    DeliveryVia,
    Document,
    DocumentStatus,
    SignatoryRole,
    Signature,
    SignatureStatus,
)
from coopforma.documents.registry import KindHooks, get_kind
from coopforma.documents.rendering import compile_pdf, typst_escape
from coopforma.documents.services import document_check_final

LINK_VALIDITY = timedelta(days=14)
CODE_VALIDITY = timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
MAX_CODES_PER_LINK = 5
MAX_DRAWN_SIGNATURE_CHARS = 60_000
MAX_SCAN_BYTES = 10 * 1024 * 1024
CODE_SALT = "coopforma.documents.signature_code"
STAFF_FLAG = "org.view_all"  # admin and quality manager send documents for signature and diffuse them

ROLE_LABELS = dict(SignatoryRole.choices)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _code_hash(signature: Signature, code: str) -> str:
    """Keyed by SECRET_KEY: a plain hash of a 6-digit code is reversed by trying the million codes."""
    return salted_hmac(CODE_SALT, f"{signature.token_hash}:{code}", algorithm="sha256").hexdigest()


def site_url(path: str) -> str:
    return absolute_url(path)


def verification_url(document: Document) -> str:
    return site_url(reverse("public:verify_code", kwargs={"code": document.verification_code}))


def file_sha256(field: Any) -> str:
    """The SHA-256 of a stored file, read again from storage."""
    digest = hashlib.sha256()
    with field.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _staff_document(*, actor: Actor, document_id: int, for_update: bool = False) -> Document:
    actor.require(STAFF_FLAG)
    queryset = Document.objects.filter(organisation_id=actor.organisation_id, pk=document_id)
    if for_update:
        queryset = queryset.select_for_update()
    document = queryset.first()
    if document is None:
        raise Http404
    return document


# --- Who signs -------------------------------------------------------------------------------------------


@dataclass
class Signer:
    role: str
    name: str
    email: str


def _name_of(data: dict[str, Any]) -> str:
    for key in ("full_name", "name", "contact_name", "signatory_name"):
        if data.get(key):
            return str(data[key])
    return f"{data.get('first_name', '')} {data.get('last_name', '')}".strip()


def _quality_signer(document: Document) -> Signer:
    """The person the document names as signing for the organisation (its legal representative, or the delegate
    with the delegation's date): the signature link goes to them, never to whoever happens to be quality manager.
    A document made before the organisation set its signatories names its legal representative."""
    organisation = (document.context or {}).get("organisation") or {}
    name = organisation.get("signatory_name")
    email = organisation.get("signatory_email", "")
    if not name:
        current = organisation_signatory(document.organisation) or {}
        name, email = str(current.get("name") or ""), str(current.get("email") or "")
    if not name:
        raise ValidationError(
            {
                "signers": _(
                    "Personne n'est désigné·e pour signer au nom de l'organisme : renseignez le ou la "
                    "représentant·e légal·e (ou un·e délégataire) sur la page « Organisme »."
                )
            }
        )
    if not email:
        raise ValidationError(
            {
                "signers": _(
                    "L'e-mail de %(name)s, qui signe pour l'organisme, manque : complétez la page « Organisme », "
                    "puis générez une nouvelle version."
                )
                % {"name": name}
            }
        )
    return Signer("quality", str(name), str(email))


def _client_signers(context: dict[str, Any]) -> list[Signer]:
    client = context.get("client") or {}
    people = client.get("signatories") or client.get("contacts") or []
    signers = [Signer("client", _name_of(p), str(p.get("email") or "")) for p in people if isinstance(p, dict)]
    if not signers:
        contact = client.get("contact") if isinstance(client.get("contact"), dict) else {}
        email = client.get("contact_email") or client.get("signatory_email") or contact.get("email") or ""
        name = client.get("contact_name") or client.get("signatory_name") or _name_of(contact) or _name_of(client)
        signers = [Signer("client", name, str(email))]
    return signers


def _trainee_signers(context: dict[str, Any]) -> list[Signer]:
    trainee = context.get("trainee") or {}
    return [Signer("trainee", _name_of(trainee), str(trainee.get("email") or ""))]


def _trainer_signers(context: dict[str, Any]) -> list[Signer]:
    trainers = context.get("trainers") or ([context["trainer"]] if isinstance(context.get("trainer"), dict) else [])
    signers = [Signer("trainer", _name_of(t), str(t.get("email") or "")) for t in trainers if isinstance(t, dict)]
    return signers or [Signer("trainer", "", "")]


def document_signers(document: Document) -> list[Signer]:
    """The people who must sign, in order: the OF first (if required), then the document's signers."""
    signers: list[Signer] = []
    if document.requires_quality_signature:
        signers.append(_quality_signer(document))
    readers = {"client": _client_signers, "trainee": _trainee_signers, "trainer": _trainer_signers}
    for role in document.signers or []:
        if role == "quality":
            if not document.requires_quality_signature:
                signers.append(_quality_signer(document))
            continue
        if role not in readers:
            raise ValidationError({"signers": _("Signataire inconnu « %(role)s ».") % {"role": role}})
        for signer in readers[role](document.context or {}):
            if not signer.email:
                raise ValidationError(
                    {
                        "signers": _(
                            "L'e-mail du ou de la signataire « %(role)s » (%(name)s) manque dans le document : "
                            "complétez la fiche puis générez une nouvelle version."
                        )
                        % {"role": ROLE_LABELS.get(role, role), "name": signer.name or _("sans nom")}
                    }
                )
            signers.append(signer)
    if not signers:
        raise ValidationError({"signers": _("Ce type de document n'a aucun·e signataire.")})
    return signers


# --- Staff side: request, diffuse, scan --------------------------------------------------------------------


def _send_signature_link(signature: Signature, token: str, document: Document) -> OutboundEmail:
    url = site_url(reverse("public:sign", kwargs={"token": token}))
    subject, body = mail_text_render(
        organisation_id=document.organisation_id,
        code=mails.SIGNATURE_REQUEST.code,
        values={"name": signature.signer_name, "org": document.organisation.name, "title": document.title, "url": url},
    )
    return send_mail_logged(
        organisation=document.organisation,
        to=signature.signer_email,
        subject=subject,
        body=body,
        purpose="signature_request",
        about=document,
        secrets=[url],
    )


def document_signatory(document: Document) -> str:
    """Who the document names as signing for the organisation (« head », « delegate », or "" for older ones)."""
    return str(((document.context or {}).get("organisation") or {}).get("signatory") or "")


def signatory_choices(*, actor: Actor, document_id: int) -> list[tuple[str, str]]:
    """The people the sender may choose to sign for the organisation: (choice, mention)."""
    document = _staff_document(actor=actor, document_id=document_id)
    return [(choice, str(data["mention"])) for choice, data in organisation_signatories(document.organisation).items()]


def _reissue_for(*, actor: Actor, document: Document, signatory: str) -> Document:
    """A new version of a final document naming `signatory`, made final: a final document never changes, and
    it must name the person who actually signs."""
    from coopforma.documents.selectors import document_subject
    from coopforma.documents.services import document_finalise, document_generate

    subject = document_subject(actor=actor, document=document)
    draft = document_generate(actor=actor, kind=document.kind, subject=subject, signatory=signatory)
    final = document_finalise(actor=actor, document_id=draft.pk)
    log_action(
        actor=actor,
        obj=final,
        action="documents.document.signatory_changed",
        data={"previous": document.pk, "signatory": signatory},
    )
    return final


def signature_request(*, actor: Actor, document_id: int, signatory: str | None = None) -> list[Signature]:
    """Create one signature per required signer of a final document and e-mail each their link.

    `signatory` (« head », « delegate ») changes who signs for the organisation: the document is issued again
    (version n+1, final) naming that person, and the signatures are requested on that version."""
    with transaction.atomic():  # a new version and its signatures, or nothing
        if signatory:
            if signatory not in organisation_signatories(actor.organisation):
                raise ValidationError(
                    {"signatory": _("Choisissez une personne renseignée comme signataire sur la page « Organisme ».")}
                )
            document = _staff_document(actor=actor, document_id=document_id)
            if document.status == DocumentStatus.FINAL and signatory != document_signatory(document):
                document_id = _reissue_for(actor=actor, document=document, signatory=signatory).pk
        return _request(actor=actor, document_id=document_id)


def _request(*, actor: Actor, document_id: int) -> list[Signature]:
    with transaction.atomic():
        document = _staff_document(actor=actor, document_id=document_id, for_update=True)
        if document.status != DocumentStatus.FINAL:
            raise ValidationError(
                {
                    "status": _("Seul un document définitif peut être envoyé en signature (état actuel : %(s)s).")
                    % {"s": document.get_status_display()}
                }
            )
        if not document.file or not document.sha256:
            raise ValidationError({"file": _("Le document définitif n'a pas de fichier PDF.")})
        document_check_final(actor=actor, document=document)
        signatures = []
        for signer in document_signers(document):
            token = secrets.token_urlsafe(32)
            signature = Signature(
                organisation_id=document.organisation_id,
                document=document,
                role=signer.role,
                signer_name=signer.name[:200],
                signer_email=signer.email,
                token_hash=_token_hash(token),
                expires_at=timezone.now() + LINK_VALIDITY,
            )
            signature.full_clean()
            signature.save()
            _send_signature_link(signature, token, document)
            signatures.append(signature)
        document.status = DocumentStatus.AWAITING_SIGNATURES
        document.save(update_fields=["status", "updated_at"])
        log_action(
            actor=actor,
            obj=document,
            action="documents.document.signature_requested",
            data={"signers": [str(s) for s in signatures]},
        )
    return signatures


def _recipients(document: Document) -> list[tuple[str, str]]:
    """(name, e-mail) of the client's contact and the trainee named in the document, without duplicates; for a
    document of the whole session (programme, règlement intérieur), each of its trainees (the kind's
    `session_recipients` hook)."""
    found: list[tuple[str, str]] = []
    people = _client_signers(document.context or {}) + _trainee_signers(document.context or {})
    pairs = [(s.name, s.email) for s in people if s.email]
    hook = _kind_hooks(document.kind).session_recipients
    if not pairs and hook is not None and document.session_id_ref:
        pairs = list(hook(document.session_id_ref))
    for name, email in pairs:
        if email and email.lower() not in {e for _name, e in found}:
            found.append((name, email.lower()))
    return found


def _kind_hooks(code: str) -> KindHooks:
    try:
        return get_kind(code).hooks
    except LookupError:  # a kind no longer registered: a plain document
        return KindHooks()


# What may be attached: issued (final, signed or already diffused), not replaced.
ATTACHABLE_STATUSES = (DocumentStatus.FINAL, DocumentStatus.SIGNED, DocumentStatus.DIFFUSED)


def _attachments(document: Document) -> list[Document]:
    """The issued documents of the session this kind of document says it carries (the convocation: programme
    and règlement intérieur), the latest of each kind; ValidationError naming those not issued yet."""
    wanted = _kind_hooks(document.kind).attachments
    found, lacking = [], []
    for code in wanted:
        attached = (
            Document.objects.filter(
                organisation_id=document.organisation_id,
                kind=code,
                session_id_ref=document.session_id_ref,
                status__in=ATTACHABLE_STATUSES,
            )
            .order_by("-finalised_at", "-id")
            .first()
        )
        if attached is None:
            lacking.append(str(get_kind(code).label))
        else:
            found.append(attached)
    if lacking:
        raise ValidationError(
            {
                "attachments": _(
                    "Ce document annonce des pièces jointes qui ne sont pas encore émises : %(kinds)s. Rendez-les "
                    "définitives pour cette session, puis diffusez (Code du travail L6353-8 ; Qualiopi, "
                    "indicateur 9)."
                )
                % {"kinds": ", ".join(lacking)}
            }
        )
    return found


def _mail_attachment(document: Document) -> MailAttachment:
    """The final PDF of an attached document, as the outbox attaches it when sending (checked against its hash)."""
    return MailAttachment(
        storage_name=document.file.name,
        file_name=f"{slugify(document.title)[:80] or document.kind}-{document.verification_code}.pdf",
        mime_type="application/pdf",
        sha256=document.sha256,
    )


def document_diffuse(*, actor: Actor, document_id: int) -> Document:
    """Send the document to its client and trainee with a link to their portal; status → diffused."""
    with transaction.atomic():
        document = _staff_document(actor=actor, document_id=document_id, for_update=True)
        if document.status not in {DocumentStatus.FINAL, DocumentStatus.SIGNED}:
            raise ValidationError(
                {
                    "status": _("Seul un document définitif ou signé peut être diffusé (état actuel : %(s)s).")
                    % {"s": document.get_status_display()}
                }
            )
        recipients = _recipients(document)
        if not recipients:
            raise ValidationError(
                {"recipients": _("Aucun e-mail de client ou de stagiaire dans le document : rien à diffuser.")}
            )
        attachments = _attachments(document)
        joined = "".join(
            _("\nJoint à ce message et dans le même espace : « %(title)s » (code de vérification %(code)s).")
            % {"title": a.title, "code": a.verification_code}
            for a in attachments
        )
        files = [_mail_attachment(a) for a in attachments]
        hooks = _kind_hooks(document.kind)
        if hooks.extra_files is not None and document.session_id_ref:
            for title, extra in hooks.extra_files(document.session_id_ref):
                joined += _("\nJoint à ce message : « %(title)s ».") % {"title": title}
                files.append(extra)
        for name, email in recipients:
            _link, token = magic_link_create(organisation=document.organisation, email=email)
            url = site_url(reverse("public:portal_open", kwargs={"token": token}))
            subject, body = mail_text_render(
                organisation_id=document.organisation_id,
                code=mails.DOCUMENT_DIFFUSED.code,
                values={
                    "name": name,
                    "org": document.organisation.name,
                    "title": document.title,
                    "url": url,
                    "code": document.verification_code,
                },
            )
            send_mail_logged(
                organisation=document.organisation,
                to=email,
                subject=subject,
                body=body + joined,
                purpose="document_diffused",
                about=document,
                secrets=[url],
                attachments=files,
            )
            Delivery.objects.create(
                organisation_id=document.organisation_id,
                document=document,
                name=name[:200],
                email=email,
                via=DeliveryVia.DIFFUSION,
            )
            for attached in attachments:
                Delivery.objects.create(
                    organisation_id=document.organisation_id,
                    document=attached,
                    name=name[:200],
                    email=email,
                    via=DeliveryVia.ATTACHMENT,
                    with_document=document,
                )
        before = document.status
        document.status = DocumentStatus.DIFFUSED
        document.diffused_at = timezone.now()
        document.save(update_fields=["status", "diffused_at", "updated_at"])
        log_action(
            actor=actor,
            obj=document,
            action="documents.document.diffused",
            data={
                "changes": {"status": [before, document.status]},
                "recipients": [email for _name, email in recipients],
                "attachments": [a.pk for a in attachments],
            },
        )
    return document


def document_scan_upload(*, actor: Actor, document_id: int, upload: Any) -> Document:
    """Attach the scanned signed copy (PDF only, 10 MB at most); the original file is untouched."""
    if upload is None:
        raise ValidationError({"scan": _("Choisissez le fichier PDF numérisé.")})
    if upload.size > MAX_SCAN_BYTES:
        raise ValidationError({"scan": _("Le fichier dépasse 10 Mo.")})
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-" or not upload.name.lower().endswith(".pdf"):
        raise ValidationError({"scan": _("Seul un fichier PDF est accepté.")})
    with transaction.atomic():
        document = _staff_document(actor=actor, document_id=document_id, for_update=True)
        if document.status in {DocumentStatus.DRAFT, DocumentStatus.REPLACED}:
            raise ValidationError({"scan": _("Un brouillon ou un document remplacé ne reçoit pas de copie signée.")})
        data = upload.read()
        document.scan.save(f"scan-{document.verification_code}.pdf", ContentFile(data), save=False)
        document.save(update_fields=["scan", "updated_at"])
        log_action(
            actor=actor,
            obj=document,
            action="documents.document.scan_uploaded",
            data={"scan_sha256": sha256_hex(data), "size": len(data)},
        )
    return document


def signature_list(*, actor: Actor, document_id: int) -> tuple[Document, list[Signature]]:
    document = _staff_document(actor=actor, document_id=document_id)
    return document, list(document.signatures.all())


# --- Signer side (public pages) -----------------------------------------------------------------------------


class SignatureLinkError(Exception):
    """An unknown (404), expired, spent or cancelled (410) signing link."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def signature_for_token(token: str) -> Signature:
    """The pending signature of a link, or SignatureLinkError saying why it cannot be used."""
    signature = (
        Signature.objects.select_related("document", "document__organisation")
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )
    if signature is None:
        raise SignatureLinkError(404, _("Ce lien de signature n'existe pas. Vérifiez l'adresse reçue par e-mail."))
    if signature.status == SignatureStatus.SIGNED:
        raise SignatureLinkError(410, _("Ce lien a déjà servi : le document a été signé."))
    if signature.status == SignatureStatus.REVOKED or signature.document.status != DocumentStatus.AWAITING_SIGNATURES:
        raise SignatureLinkError(410, _("Cette demande de signature a été annulée ou n'est plus d'actualité."))
    if signature.expires_at <= timezone.now():
        raise SignatureLinkError(
            410, _("Ce lien de signature a expiré. Demandez un nouveau lien à l'organisme de formation.")
        )
    return signature


def signature_open(*, signature: Signature) -> None:
    if signature.opened_at is None:
        signature.opened_at = timezone.now()
        signature.save(update_fields=["opened_at", "updated_at"])


def signature_send_code(*, signature: Signature) -> None:
    """E-mail a 6-digit code (valid 10 minutes, 5 tries); a link may ask for MAX_CODES_PER_LINK codes."""
    sent = OutboundEmail.objects.filter(
        ref_type=ContentType.objects.get_for_model(Signature), ref_id=signature.pk, purpose="signature_code"
    ).count()
    if sent >= MAX_CODES_PER_LINK:
        raise ValidationError(
            {"code": _("Trop de codes demandés pour ce lien. Demandez un nouveau lien à l'organisme de formation.")}
        )
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        signature.code_hash = _code_hash(signature, code)
        signature.code_sent_at = timezone.now()
        signature.code_attempts = 0
        signature.save(update_fields=["code_hash", "code_sent_at", "code_attempts", "updated_at"])
        subject, body = mail_text_render(
            organisation_id=signature.document.organisation_id,
            code=mails.SIGNATURE_CODE.code,
            values={"name": signature.signer_name, "title": signature.document.title, "code": code},
        )
        send_mail_logged(
            organisation=signature.document.organisation,
            to=signature.signer_email,
            subject=subject,  # never the code: subjects show in notifications and lists (refused on save)
            body=body,
            purpose="signature_code",
            about=signature,
            secrets=[code],
        )


def _normalised_words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return sorted(w for w in re.split(r"[^a-z0-9]+", text) if w)


def names_match(expected: str, typed: str) -> bool:
    """Same words, whatever the order, case, accents, hyphens or spaces (« Dupont  marie » = « Marie Dupont »)."""
    words = _normalised_words(typed)
    return bool(words) and words == _normalised_words(expected)


_SVG_PATH = re.compile(r"^[MLCQZmlcqz0-9 ,.\-]*$")
_PNG_DATA_URL = re.compile(r"^data:image/png;base64,[A-Za-z0-9+/=]+$")


def _check_drawn(drawn: str) -> str:
    drawn = (drawn or "").strip()
    if not drawn:
        return ""
    if len(drawn) > MAX_DRAWN_SIGNATURE_CHARS:
        raise ValidationError(
            {"drawn_signature": _("La signature dessinée est trop grande : effacez-la et recommencez.")}
        )
    if not (_SVG_PATH.match(drawn) or _PNG_DATA_URL.match(drawn)):
        raise ValidationError({"drawn_signature": _("La signature dessinée n'est pas lisible.")})
    return drawn


EXPRESS_REQUEST_ARTICLE = "L221-25 du Code de la consommation"
EXPRESS_REQUEST = gettext_lazy(
    "Je demande expressément que la formation commence avant la fin de mon délai de rétractation. Si je me "
    "rétracte ensuite, je ne dois que le montant de la formation fournie jusqu'à ma rétractation (article L221-25 "
    "du Code de la consommation)."
)


def express_request_needed(signature: Signature) -> bool:
    """A consumer signing a contract whose training starts within the withdrawal period must expressly ask for it
    to start (L221-25 Code de la consommation): a statement they tick, recorded with their signature."""
    document = signature.document
    enrolment = (document.context or {}).get("enrolment") or {}
    return (
        document.kind == "contract" and signature.role != "quality" and bool(enrolment.get("starts_within_withdrawal"))
    )


def signature_sign(
    *,
    signature: Signature,
    code: str,
    typed_name: str,
    drawn_signature: str = "",
    express_request: bool = False,
    ip: str | None,
    user_agent: str,
) -> Signature:
    """Sign with the e-mailed code and the typed name; the hash of the stored file must be the document's. A consumer
    whose training starts within the withdrawal period also ticks the express request (L221-25), recorded here."""
    drawn = _check_drawn(drawn_signature)
    error: dict[str, str] | None = None
    completed = False
    with transaction.atomic():
        signature = Signature.objects.select_for_update().select_related("document").get(pk=signature.pk)
        document = signature.document
        now = timezone.now()
        if signature.status != SignatureStatus.PENDING or signature.expires_at <= now:
            raise ValidationError({"code": _("Ce lien de signature n'est plus valable.")})
        code = (code or "").strip().replace(" ", "")
        if not signature.code_hash or signature.code_sent_at is None:
            error = {"code": _("Demandez d'abord un code : il vous sera envoyé par e-mail.")}
        elif signature.code_attempts >= MAX_CODE_ATTEMPTS:
            error = {"code": _("Trop d'essais avec ce code : demandez un nouveau code.")}
        elif signature.code_sent_at + CODE_VALIDITY <= now:
            error = {"code": _("Ce code a expiré (10 minutes) : demandez un nouveau code.")}
        elif not secrets.compare_digest(_code_hash(signature, code), signature.code_hash):
            signature.code_attempts += 1
            signature.save(update_fields=["code_attempts", "updated_at"])
            left = MAX_CODE_ATTEMPTS - signature.code_attempts
            error = {
                "code": _("Code incorrect : il vous reste %(n)s essai(s).") % {"n": left}
                if left
                else _("Code incorrect. Trop d'essais avec ce code : demandez un nouveau code.")
            }
        elif not names_match(signature.signer_name, typed_name):
            error = {
                "typed_name": _("Le nom saisi ne correspond pas au nom du ou de la signataire (« %(name)s »).")
                % {"name": signature.signer_name}
            }
        elif express_request_needed(signature) and not express_request:
            error = {
                "express_request": _(
                    "La formation commence avant la fin de votre délai de rétractation : pour signer ce contrat, "
                    "cochez la demande expresse (article L221-25 du Code de la consommation). Sans elle, la "
                    "formation ne peut pas commencer avant la fin du délai : contactez l'organisme pour une autre "
                    "date."
                )
            }
        if error is None:
            current = file_sha256(document.file) if document.file else ""
            if not document.sha256 or current != document.sha256:
                raise ValidationError(
                    {"document": _("Le fichier du document ne correspond plus à son empreinte : signature refusée.")}
                )
            signature.status = SignatureStatus.SIGNED
            signature.signed_at = now
            signature.typed_name = typed_name.strip()[:200]
            signature.drawn_signature = drawn
            signature.ip_address = ip or None
            signature.user_agent = (user_agent or "")[:400]
            signature.document_sha256 = current
            if express_request_needed(signature):
                signature.statements = [
                    {"article": EXPRESS_REQUEST_ARTICLE, "text": str(EXPRESS_REQUEST), "at": now.isoformat()}
                ]
            signature.code_hash = ""
            signature.save()
            log_action(
                actor=None,
                obj=document,
                action="documents.signature.signed",
                data={"signer": signature.signer_name, "role": signature.role, "sha256": current, "ip": ip},
            )
            remaining = document.signatures.exclude(pk=signature.pk).filter(status=SignatureStatus.PENDING).exists()
            if not remaining:
                document = Document.objects.select_for_update().get(pk=document.pk)
                _complete(document)
                completed = True
    if error is not None:
        raise ValidationError(error)
    signature.completed_document = completed  # type: ignore[attr-defined]
    return signature


# --- The signed copy ----------------------------------------------------------------------------------------


_ATTESTATION = gettext_lazy(
    "Chaque signataire a ouvert un lien personnel reçu par e-mail, saisi un code à usage unique reçu par "
    "e-mail et son nom (signature électronique simple, règlement eIDAS). Chaque signature porte sur "
    "l'empreinte ci-dessus."
)


def _last_page_markup(document: Document, signatures: list[Signature]) -> str:
    e = typst_escape
    rows = []
    for s in signatures:
        signed_at = timezone.localtime(s.signed_at).strftime("%d/%m/%Y %H:%M:%S %Z") if s.signed_at else ""
        rows.append(
            f"[{e(s.signer_name)} \\ #text(size: 8pt)[{e(ROLE_LABELS.get(s.role, s.role))}]], "
            f"[{e(signed_at)}], [{e(s.ip_address or '')}], [#text(size: 7pt)[{e(s.user_agent[:160])}]]"
        )
    table = ",\n  ".join(rows)
    return f"""#set page(paper: "a4", margin: 2cm)
#set text(size: 10pt, lang: "fr")
= {e(_("Certificat de signatures électroniques"))}

{e(_("Document"))} : *{e(document.title)}* \\
{e(_("Organisme de formation"))} : {e(document.organisation.name)} \\
{e(_("Code de vérification"))} : *{e(document.verification_code)}* \\
{e(_("Empreinte SHA-256 du document signé (original)"))} : \\
#text(size: 8pt)[{e(document.sha256)}]

#table(
  columns: (auto, auto, auto, 1fr),
  [*{e(_("Signataire"))}*], [*{e(_("Signé le"))}*], [*{e(_("Adresse IP"))}*], [*{e(_("Navigateur"))}*],
  {table}
)

{e(_ATTESTATION)}

{e(_("Vérifier ce document"))} : {e(verification_url(document))}
"""


def signed_copy_build(document: Document) -> bytes:
    """The original pages followed by the signatures page."""
    signatures = list(document.signatures.filter(status=SignatureStatus.SIGNED).order_by("signed_at", "id"))
    last_page = compile_pdf(_last_page_markup(document, signatures))
    writer = PdfWriter()
    with document.file.open("rb") as handle:
        writer.append(PdfReader(io.BytesIO(handle.read())))
    writer.append(PdfReader(io.BytesIO(last_page)))
    writer.add_metadata({"/Title": document.title, "/Subject": f"{document.verification_code} {document.sha256}"})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _complete(document: Document) -> None:
    data = signed_copy_build(document)
    document.signed_file.save(f"{document.verification_code}-signe.pdf", ContentFile(data), save=False)
    document.signed_sha256 = sha256_hex(data)
    document.status = DocumentStatus.SIGNED
    document.save(update_fields=["signed_file", "signed_sha256", "status", "updated_at"])
    log_action(
        actor=None,
        obj=document,
        action="documents.document.signed",
        data={
            "changes": {"status": [DocumentStatus.AWAITING_SIGNATURES, DocumentStatus.SIGNED]},
            "signed_sha256": document.signed_sha256,
        },
    )


def signature_new_link(*, signature: Signature) -> str:
    """A fresh one-time token for a pending signature (from the portal); the e-mailed link stops working."""
    with transaction.atomic():
        signature = Signature.objects.select_for_update().get(pk=signature.pk)
        if signature.status != SignatureStatus.PENDING:
            raise ValidationError({"signature": _("Cette signature n'est plus en attente.")})
        token = secrets.token_urlsafe(32)
        signature.token_hash = _token_hash(token)
        signature.expires_at = max(signature.expires_at, timezone.now() + timedelta(days=1))
        signature.save(update_fields=["token_hash", "expires_at", "updated_at"])
    return token


@register_resender("signature_request")
def signature_link_resend(*, actor: Actor, email: OutboundEmail) -> OutboundEmail:
    """« Renvoyer » a signing link from the outbox: a fresh link for the signer's pending signature, e-mailed anew
    (the previous link stops working). Refused when nobody waits to sign any more."""
    signature = None
    if email.ref_type_id == ContentType.objects.get_for_model(Document).pk and email.ref_id:
        signature = (
            Signature.objects.filter(
                organisation_id=actor.organisation_id,
                document_id=email.ref_id,
                signer_email__iexact=email.to,
                status=SignatureStatus.PENDING,
            )
            .select_related("document__organisation")
            .order_by("id")
            .first()
        )
    if signature is None:
        raise ValidationError(
            _("Plus aucune signature n'attend cette personne sur ce document : il n'y a pas de lien à renvoyer.")
        )
    token = signature_new_link(signature=signature)
    new = _send_signature_link(signature, token, signature.document)
    log_action(
        actor=actor,
        obj=signature.document,
        action="documents.signature.link_resent",
        data={"signer": signature.signer_name},
    )
    return new
