# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the no-login pages: verification by code or by hash, and what a portal visitor may see.

The portal visitor (`PortalVisitor`) is one e-mail address in one organisation, and the trainee records it
designates: every query below filters on them, so a visitor never sees another person's documents. A magic
link (/p/<token>/) designates the address and the trainees with that address; a personal émargement link
(/e/<token>/) designates its one trainee and their address.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from coopforma.accounts.models import MagicLink, Organisation
from coopforma.attendance.selectors import TraineeSlot, trainee_slots_of
from coopforma.core.models import OutboundEmail
from coopforma.documents.models import Delivery, Document, DocumentStatus, Signature, SignatureStatus
from coopforma.evaluations.models import Invitation, SurveyStatus
from coopforma.evaluations.services import token_for
from coopforma.people.models import Contact, Trainee
from coopforma.training_sessions.models import Enrolment, Participant, Slot


@dataclass(frozen=True)
class PortalVisitor:
    """Who the portal shows: an e-mail address in one organisation, and the trainees they are there."""

    organisation: Organisation
    email: str
    trainee_ids: tuple[int, ...]

    @property
    def organisation_id(self) -> int:
        return self.organisation.pk


def visitor_of_magic_link(link: MagicLink) -> PortalVisitor:
    ids = Trainee.objects.filter(organisation_id=link.organisation_id, email__iexact=link.email).values_list(
        "pk", flat=True
    )
    return PortalVisitor(organisation=link.organisation, email=link.email, trainee_ids=tuple(ids))


def visitor_of_participant(participant: Participant) -> PortalVisitor:
    """The trainee of a personal émargement link: that trainee only (not others sharing their address)."""
    return PortalVisitor(
        organisation=participant.organisation,
        email=participant.trainee.email.strip().lower(),
        trainee_ids=(participant.trainee_id,),
    )


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


def portal_documents(*, link: PortalVisitor) -> QuerySet[Document]:
    """Documents addressed to the link's e-mail: to sign (or signed) by them, or diffused to them."""
    email = link.email
    if not email:  # documents reach a person by their address: without one, none is theirs
        return Document.objects.none()
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


def portal_document_get(*, link: PortalVisitor, document_id: int) -> Document:
    document = portal_documents(link=link).filter(pk=document_id).first()
    if document is None:
        raise Http404
    return document


def portal_signature_get(*, link: PortalVisitor, signature_id: int) -> Signature:
    if not link.email:
        raise Http404
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


def portal_participations(*, link: PortalVisitor) -> list[Participant]:
    """The sessions the visitor takes part in as a trainee."""
    return list(
        Participant.objects.filter(organisation_id=link.organisation_id, trainee_id__in=link.trainee_ids)
        .select_related("session", "session__place", "trainee")
        .order_by("-session__start_date", "-id")[:100]
    )


@dataclass
class PortalSession:
    """One of the visitor's sessions on the portal: its slots (to sign) and the questionnaires to answer."""

    participant: Participant
    slots: list[TraineeSlot]
    questionnaires: list[tuple[str, str]]  # (title, the personal link's path)


def portal_sessions(*, link: PortalVisitor, participations: list[Participant]) -> list[PortalSession]:
    """Each participation with its slots and open questionnaires (a constant number of queries)."""
    slots = trainee_slots_of(participations)
    invitations = (
        Invitation.objects.filter(
            organisation_id=link.organisation_id,
            participant__in=participations,
            survey__status=SurveyStatus.OPEN,
            answered_at__isnull=True,
        )
        .exclude(nonce="")
        .exclude(survey__closes_at__lte=timezone.now())
        .select_related("survey__questionnaire")
        .order_by("survey__send_on", "pk")
    )
    asked: dict[int, list[tuple[str, str]]] = {}
    for invitation in invitations:
        path = reverse(
            "evaluations_public:answer", kwargs={"survey_id": invitation.survey_id, "token": token_for(invitation)}
        )
        title = invitation.survey.snapshot.get("title") or invitation.survey.questionnaire.title
        asked.setdefault(invitation.participant_id or 0, []).append((title, path))
    return [PortalSession(p, slots.get(p.pk, []), asked.get(p.pk, [])) for p in participations]


def portal_slot_participant(*, link: PortalVisitor, slot_id: int) -> tuple[Slot, Participant]:
    """The visitor's participation in the session of `slot_id`; 404 for a slot of someone else's session."""
    slot = Slot.objects.select_related("session").filter(pk=slot_id, organisation_id=link.organisation_id).first()
    participant = (
        Participant.objects.select_related("trainee", "session")
        .filter(organisation_id=link.organisation_id, trainee_id__in=link.trainee_ids, session_id=slot.session_id)
        .first()
        if slot is not None
        else None
    )
    if slot is None or participant is None:
        raise Http404
    return slot, participant


def portal_enrolments(*, link: PortalVisitor) -> list[Enrolment]:
    """The enrolments of the clients the visitor is a contact of."""
    if not link.email:
        return []
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
