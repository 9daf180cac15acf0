# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the no-login pages: verification by code or by hash, and what a portal visitor may see.

The portal visitor is identified only by the e-mail address of their magic link, in one organisation:
every query below filters on both, so a visitor never sees another person's documents.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from coopforma.accounts.models import MagicLink, Organisation
from coopforma.catalogue.models import Training, TrainingStatus
from coopforma.core.models import OutboundEmail
from coopforma.documents.models import Delivery, Document, DocumentStatus, Signature, SignatureStatus
from coopforma.people.models import Contact, Trainee
from coopforma.training_sessions.models import Enrolment, Participant

VISIBLE_STATUSES = [DocumentStatus.AWAITING_SIGNATURES, DocumentStatus.SIGNED, DocumentStatus.DIFFUSED]
_PUBLIC_STATUSES = [*VISIBLE_STATUSES, DocumentStatus.FINAL, DocumentStatus.REPLACED]


def _signed_signatures() -> Prefetch:
    return Prefetch(
        "signatures",
        queryset=Signature.objects.filter(status=SignatureStatus.SIGNED).only(
            "id", "document_id", "signer_name", "role", "signed_at", "status"
        ),
        to_attr="signed_signatures",
    )


def public_training_get(*, organisation_slug: str, training_id: int) -> Training:
    """A training of the organisation's public catalogue (published and validated); 404 otherwise, and for a
    training of another organisation whatever its id."""
    training = (
        Training.objects.select_related("organisation")
        .filter(organisation__slug=organisation_slug, pk=training_id, is_public=True, status=TrainingStatus.VALIDATED)
        .first()
    )
    if training is None:
        raise Http404
    return training


def verification_get(*, code: str) -> Document:
    """The issued document with this verification code (any organisation), or 404."""
    document = (
        Document.objects.select_related("organisation")
        .prefetch_related(_signed_signatures())
        .filter(verification_code=code.strip().upper(), status__in=_PUBLIC_STATUSES)
        .first()
    )
    if document is None:
        raise Http404
    return document


def verification_by_hash(*, sha256: str) -> Document | None:
    """The issued document whose original or signed copy has this SHA-256 (one indexed query)."""
    return (
        Document.objects.select_related("organisation")
        .prefetch_related(_signed_signatures())
        .filter(Q(sha256=sha256) | Q(signed_sha256=sha256), status__in=_PUBLIC_STATUSES)
        .exclude(sha256="")
        .first()
    )


def portal_organisations(*, email: str) -> list[Organisation]:
    """The organisations where `email` is a client contact's or a trainee's address."""
    email = email.strip()
    ids = set(Contact.objects.filter(email__iexact=email).values_list("organisation_id", flat=True))
    ids |= set(Trainee.objects.filter(email__iexact=email).values_list("organisation_id", flat=True))
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def portal_documents(*, link: MagicLink) -> QuerySet[Document]:
    """Documents addressed to the link's e-mail: to sign (or signed) by them, or diffused to them."""
    email = link.email
    signed_by = Signature.objects.filter(organisation_id=link.organisation_id, signer_email__iexact=email).exclude(
        status=SignatureStatus.REVOKED
    )
    diffused_to = OutboundEmail.objects.filter(
        organisation_id=link.organisation_id,
        purpose="document_diffused",
        to__iexact=email,
        ref_type=ContentType.objects.get_for_model(Document),
    )
    # Delivered to them: diffused on its own, or attached to their convocation (programme, règlement intérieur).
    delivered = Delivery.objects.filter(organisation_id=link.organisation_id, email__iexact=email)
    return (
        Document.objects.filter(
            organisation_id=link.organisation_id, status__in=[*VISIBLE_STATUSES, DocumentStatus.FINAL]
        )
        .filter(
            Q(pk__in=signed_by.values("document_id"), status__in=VISIBLE_STATUSES)
            | Q(pk__in=diffused_to.values("ref_id"), status=DocumentStatus.DIFFUSED)
            | Q(pk__in=delivered.values("document_id"))
        )
        .prefetch_related(
            Prefetch(
                "signatures",
                queryset=Signature.objects.filter(signer_email__iexact=email, status=SignatureStatus.PENDING),
                to_attr="my_pending",
            )
        )
        .order_by("-created_at", "-id")
    )


def portal_document_get(*, link: MagicLink, document_id: int) -> Document:
    document = portal_documents(link=link).filter(pk=document_id).first()
    if document is None:
        raise Http404
    return document


def portal_signature_get(*, link: MagicLink, signature_id: int) -> Signature:
    signature = (
        Signature.objects.select_related("document")
        .filter(
            pk=signature_id,
            organisation_id=link.organisation_id,
            signer_email__iexact=link.email,
            status=SignatureStatus.PENDING,
            document__status=DocumentStatus.AWAITING_SIGNATURES,
        )
        .first()
    )
    if signature is None:
        raise Http404
    return signature


def portal_participations(*, link: MagicLink) -> list[Participant]:
    """The sessions the visitor takes part in as a trainee."""
    return list(
        Participant.objects.filter(organisation_id=link.organisation_id, trainee__email__iexact=link.email)
        .select_related("session", "session__place")
        .order_by("-session__start_date", "-id")[:100]
    )


def portal_enrolments(*, link: MagicLink) -> list[Enrolment]:
    """The enrolments of the clients the visitor is a contact of."""
    clients = Contact.objects.filter(organisation_id=link.organisation_id, email__iexact=link.email).values("client_id")
    return list(
        Enrolment.objects.filter(organisation_id=link.organisation_id)
        .filter(Q(client_id__in=clients) | Q(contact__email__iexact=link.email))
        .select_related("session", "client")
        .order_by("-session__start_date", "-id")[:100]
    )


def public_organisation_get(*, organisation_slug: str) -> Organisation:
    """An organisation by its slug, for its public logo and colour (404 when unknown)."""
    organisation = Organisation.objects.filter(slug=organisation_slug).only("slug", "logo", "brand_color").first()
    if organisation is None:
        raise Http404
    return organisation
