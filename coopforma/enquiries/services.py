# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of requests: a visitor's request recorded (with its notifications), its status changed by staff, and
its conversion, in one step, into a client, an enrolment on a session or a quote.

A conversion reuses the services of the app that owns the record (people.client_create, training_sessions'
enrolment_create and participant_add, billing.quote_create_for_enrolment): their permission checks and rules
apply as they are. Each conversion is idempotent: done twice, it returns what the first one created.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coopforma.accounts.actor import Actor
from coopforma.billing.models import Invoice
from coopforma.billing.services import quote_create_for_enrolment
from coopforma.catalogue.models import Training
from coopforma.core.formatting import fr_date
from coopforma.core.links import absolute_url
from coopforma.core.locking import lock_for_update
from coopforma.core.log import diff, log_action, snapshot
from coopforma.core.mail import send_mail_logged
from coopforma.core.mail_texts import mail_text_render
from coopforma.enquiries import selectors
from coopforma.enquiries.mails import ACKNOWLEDGEMENT, RECEIVED
from coopforma.enquiries.models import Enquiry, EnquiryKind, EnquiryStatus, FundingHint, RequesterKind
from coopforma.people.models import Client, ClientKind
from coopforma.people.selectors import client_queryset, trainee_queryset
from coopforma.people.services import client_create, contact_create
from coopforma.training_sessions.models import Enrolment, EnrolmentStatus, Session
from coopforma.training_sessions.services import enrolment_create, participant_add

# The version of the privacy notice (/confidentialite/<org>/) the form links to, kept with each consent: change it
# when the notice's text about requests changes (privacy.declarations, processing « enquiries »).
NOTICE_VERSION = "2026-12"

PUBLIC_FIELDS = (
    "requester_kind",
    "first_name",
    "last_name",
    "email",
    "phone",
    "company_name",
    "company_siret",
    "people_count",
    "wished_period",
    "wished_place",
    "funding_hint",
    "message",
)


# --- A visitor's request ----------------------------------------------------------------------------------------


def _session_label(session: Session | None) -> str:
    if session is None or session.start_date is None:
        return ""
    if session.end_date and session.end_date != session.start_date:
        return _("du %(start)s au %(end)s") % {"start": fr_date(session.start_date), "end": fr_date(session.end_date)}
    return _("le %(date)s") % {"date": fr_date(session.start_date)}


def _notify(enquiry: Enquiry) -> None:
    """The organisation's admins and the training's member-structure managers are told; the requester gets an
    acknowledgement. The same acknowledgement whatever the address (known or not: nothing is revealed)."""
    values = {
        "org": enquiry.organisation.name,
        "kind": enquiry.get_kind_display(),
        "training": enquiry.training.title,
        "session": _session_label(enquiry.session),
        "name": enquiry.full_name,
    }
    url = absolute_url(reverse("enquiries_office:detail", kwargs={"org": enquiry.organisation.slug, "pk": enquiry.pk}))
    subject, body = mail_text_render(
        organisation_id=enquiry.organisation_id, code=RECEIVED.code, values={**values, "url": url}
    )
    for address in selectors.notification_recipients(enquiry=enquiry):
        send_mail_logged(
            organisation=enquiry.organisation,
            to=address,
            subject=subject,
            body=body,
            purpose="enquiries.received",
            about=enquiry,
        )
    subject, body = mail_text_render(organisation_id=enquiry.organisation_id, code=ACKNOWLEDGEMENT.code, values=values)
    send_mail_logged(
        organisation=enquiry.organisation,
        to=enquiry.email,
        subject=subject,
        body=body,
        purpose="enquiries.acknowledgement",
        about=enquiry,
    )


def _clean_public(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(PUBLIC_FIELDS)
    if unknown:
        raise ValueError(f"enquiry_submit: unknown fields {sorted(unknown)}")
    cleaned = {key: (value.strip() if isinstance(value, str) else value) for key, value in data.items()}
    if "email" in cleaned:
        cleaned["email"] = str(cleaned["email"]).lower()
    errors: dict[str, str] = {}
    if cleaned.get("requester_kind", RequesterKind.INDIVIDUAL) not in RequesterKind.values:
        errors["requester_kind"] = _("Indiquez si vous demandez pour vous-même ou pour une structure.")
    if cleaned.get("funding_hint", "") not in FundingHint.values:
        errors["funding_hint"] = _("Choisissez un financement dans la liste.")
    if cleaned.get("requester_kind") == RequesterKind.COMPANY and not cleaned.get("company_name"):
        errors["company_name"] = _("Indiquez le nom de l'entreprise ou de l'organisme.")
    count = cleaned.get("people_count", 1)
    if not isinstance(count, int) or not 1 <= count <= 500:
        errors["people_count"] = _("Indiquez un nombre de personnes entre 1 et 500.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def enquiry_submit(
    *,
    organisation_slug: str,
    data: dict[str, Any],
    consent: bool,
    training_id: int | None = None,
    session_id: int | None = None,
) -> Enquiry:
    """Record a visitor's request (no login): on a public upcoming session (« inscription », or « liste
    d'attente » when it is full) or on a published training (« devis ou session intra »); 404 for anything else.
    Consent to the privacy notice is required (RGPD art. 6-1-a and 7); only what the request needs is asked
    (Code du travail L6353-9)."""
    session: Session | None = None
    if session_id is not None:
        session = selectors.public_session_get(organisation_slug=organisation_slug, session_id=session_id)
        # Locked while its places are counted, so two requests for the last place see each other.
        Session.objects.select_for_update().filter(pk=session.pk).first()
        training: Training = session.training
        kind = EnquiryKind.WAITING_LIST if selectors.session_is_full(session) else EnquiryKind.ENROLMENT
    elif training_id is not None:
        training = selectors.public_training_get(organisation_slug=organisation_slug, training_id=training_id)
        kind = EnquiryKind.QUOTE
    else:
        raise ValueError("enquiry_submit: a session or a training")
    if not consent:
        raise ValidationError(
            {"consent": _("Cochez la case pour accepter que vos données servent à traiter votre demande.")}
        )
    cleaned = _clean_public(data)
    enquiry = Enquiry(
        organisation=training.organisation,
        kind=kind,
        training=training,
        session=session,
        consent_at=timezone.now(),
        notice_version=NOTICE_VERSION,
        **cleaned,
    )
    enquiry.full_clean()
    enquiry.save()
    log_action(
        actor=None,
        obj=enquiry,
        action="public.request.received",
        data={"training": training, "session": session, "kind": kind},
    )
    _notify(enquiry)
    return enquiry


# --- Staff: status --------------------------------------------------------------------------------------------


def _locked(actor: Actor, enquiry_id: int) -> Enquiry:
    actor.require("enquiries.manage")
    return lock_for_update(selectors.enquiry_queryset(actor=actor).select_related("training"), enquiry_id)


@transaction.atomic
def enquiry_set_status(*, actor: Actor, enquiry_id: int, status: str, note: str = "") -> Enquiry:
    """« Nouvelle », « En cours » or « Close sans suite », with an optional note kept in the request's history.
    « Convertie » comes from a conversion only."""
    enquiry = _locked(actor, enquiry_id)
    if status not in EnquiryStatus.values:
        raise ValidationError({"status": _("État inconnu : « %(v)s ».") % {"v": status}})
    if status == EnquiryStatus.CONVERTED:
        raise ValidationError(
            {"status": _("Une demande devient « Convertie » en la convertissant (client, inscription ou devis).")}
        )
    note = (note or "").strip()
    if status == enquiry.status and not note:
        raise ValidationError({"status": _("La demande est déjà dans cet état : changez l'état ou écrivez une note.")})
    before = snapshot(enquiry, ["status"])
    enquiry.status = status
    enquiry.save(update_fields=["status", "updated_at"])
    log_action(
        actor=actor,
        obj=enquiry,
        action="enquiries.enquiry.status_changed",
        data={"changes": diff(before, snapshot(enquiry, ["status"])), "note": note},
    )
    return enquiry


# --- Staff: conversions ---------------------------------------------------------------------------------------


def _mark_converted(actor: Actor, enquiry: Enquiry, fields: list[str], what: Any) -> None:
    before = snapshot(enquiry, ["status", *fields])
    enquiry.status = EnquiryStatus.CONVERTED
    enquiry.save(update_fields=["status", *fields, "updated_at"])
    log_action(
        actor=actor,
        obj=enquiry,
        action="enquiries.enquiry.converted",
        data={"changes": diff(before, snapshot(enquiry, ["status", *fields])), "into": what},
    )


def _existing_client(actor: Actor, enquiry: Enquiry) -> Client | None:
    """The client this requester already is, among those the actor sees: the same SIRET for a structure, the same
    e-mail for a person paying personally."""
    visible = client_queryset(actor=actor)
    if enquiry.requester_kind == RequesterKind.COMPANY:
        siret = enquiry.company_siret.replace(" ", "")
        if siret:
            return visible.filter(siret=siret).order_by("pk").first()
        return visible.filter(name__iexact=enquiry.company_name).exclude(kind=ClientKind.INDIVIDUAL).first()
    return visible.filter(kind=ClientKind.INDIVIDUAL, email__iexact=enquiry.email).order_by("pk").first()


def _ensure_client(actor: Actor, enquiry: Enquiry) -> Client:
    if enquiry.converted_client_id is not None:
        client = client_queryset(actor=actor).filter(pk=enquiry.converted_client_id).first()
        if client is not None:
            return client
    client = _existing_client(actor, enquiry)
    if client is None:
        if enquiry.requester_kind == RequesterKind.COMPANY:
            client = client_create(
                actor=actor,
                kind=ClientKind.COMPANY,
                name=enquiry.company_name,
                siret=enquiry.company_siret.replace(" ", ""),
                member_structure_id=enquiry.training.member_structure_id,
            )
        else:
            client = client_create(
                actor=actor,
                kind=ClientKind.INDIVIDUAL,
                name=enquiry.full_name,
                email=enquiry.email,
                phone=enquiry.phone,
                member_structure_id=enquiry.training.member_structure_id,
            )
    if (
        enquiry.requester_kind == RequesterKind.COMPANY
        and not client.contacts.filter(email__iexact=enquiry.email).exists()
    ):
        contact_create(
            actor=actor,
            client_id=client.pk,
            first_name=enquiry.first_name,
            last_name=enquiry.last_name,
            email=enquiry.email,
            phone=enquiry.phone,
        )
    if enquiry.converted_client_id != client.pk:
        enquiry.converted_client = client
        _mark_converted(actor, enquiry, ["converted_client"], client)
    return client


@transaction.atomic
def enquiry_convert_client(*, actor: Actor, enquiry_id: int) -> Client:
    """The requester as a client (a company with its contact, or a person paying personally): the client they
    already are when the actor sees one with the same SIRET or e-mail, otherwise a new one (people.client_create),
    followed by the training's member structure."""
    enquiry = _locked(actor, enquiry_id)
    return _ensure_client(actor, enquiry)


def _target_session(actor: Actor, enquiry: Enquiry, session_id: int | None) -> Session:
    sessions = selectors.conversion_sessions(actor=actor, enquiry=enquiry)
    wanted = session_id or enquiry.session_id
    if not wanted:
        raise ValidationError(
            {
                "session": _(
                    "Choisissez la session où inscrire le demandeur (pour une session intra, créez-la d'abord "
                    "depuis la formation)."
                )
            }
        )
    session = sessions.filter(pk=wanted).first()
    if session is None:
        raise ValidationError({"session": _("Cette session n'est pas ouverte aux inscriptions ou n'est pas visible.")})
    return session


def _ensure_enrolment(actor: Actor, enquiry: Enquiry, session_id: int | None, confirm_full: bool) -> Enrolment:
    if enquiry.converted_enrolment_id is not None:
        done = Enrolment.objects.filter(pk=enquiry.converted_enrolment_id, organisation=actor.organisation).exclude(
            status=EnrolmentStatus.CANCELLED
        )
        found = done.first()
        if found is not None:
            return found
    session = _target_session(actor, enquiry, session_id)
    left = selectors.places_left(session)
    needed = 1 if enquiry.requester_kind == RequesterKind.INDIVIDUAL else enquiry.people_count
    if left < needed and not confirm_full:
        if left == 0:
            message = _("La session « %(session)s » est complète.") % {"session": session}
        else:
            message = _("La session « %(session)s » n'a plus que %(left)s place(s) pour %(needed)s personne(s).") % {
                "session": session,
                "left": left,
                "needed": needed,
            }
        raise ValidationError(
            {
                "confirm_full": message
                + " "
                + _(
                    "Cochez « Inscrire quand même » pour enregistrer une pré-inscription sans place réservée "
                    "(liste d'attente)."
                )
            }
        )
    client = _ensure_client(actor, enquiry)
    existing = (
        Enrolment.objects.filter(session=session, client=client).exclude(status=EnrolmentStatus.CANCELLED).first()
    )
    if existing is not None:
        enrolment = existing
    else:
        training = enquiry.training
        # An intra request at the group price when the training has one; otherwise the inter price per person.
        if enquiry.kind == EnquiryKind.QUOTE and training.price_intra_cents:
            price = training.price_intra_cents
        else:
            price = (training.price_inter_cents or 0) * (
                enquiry.people_count if enquiry.requester_kind == RequesterKind.COMPANY else 1
            )
        contact = client.contacts.filter(email__iexact=enquiry.email).first()
        enrolment = enrolment_create(
            actor=actor,
            session_id=session.pk,
            client_id=client.pk,
            price_cents=price or 0,
            contact_id=contact.pk if contact else None,
            status=EnrolmentStatus.PROVISIONAL,
            notes=_("Demande en ligne du %(date)s.") % {"date": fr_date(timezone.localdate(enquiry.created_at))},
        )
    if enquiry.requester_kind == RequesterKind.INDIVIDUAL and left >= 1:
        trainee = trainee_queryset(actor=actor).filter(email__iexact=enquiry.email).order_by("pk").first()
        if trainee is None or not enrolment.participants.filter(trainee=trainee).exists():
            participant_add(
                actor=actor,
                session_id=session.pk,
                enrolment_id=enrolment.pk,
                trainee_id=trainee.pk if trainee else None,
                new_trainee=None
                if trainee
                else {"first_name": enquiry.first_name, "last_name": enquiry.last_name, "email": enquiry.email},
            )
    enquiry.converted_enrolment = enrolment
    _mark_converted(actor, enquiry, ["converted_enrolment"], enrolment)
    return enrolment


@transaction.atomic
def enquiry_convert_enrolment(
    *, actor: Actor, enquiry_id: int, session_id: int | None = None, confirm_full: bool = False
) -> Enrolment:
    """A pre-enrolment (« Pré-inscription ») of the requester's client on the request's session (or another
    session of the training the actor sees), with the requester as participant when they come on their own.
    A full session is refused unless `confirm_full`: then the enrolment is recorded without a place (the
    participant waits)."""
    enquiry = _locked(actor, enquiry_id)
    return _ensure_enrolment(actor, enquiry, session_id, confirm_full)


@transaction.atomic
def enquiry_convert_quote(
    *, actor: Actor, enquiry_id: int, session_id: int | None = None, confirm_full: bool = False
) -> Invoice:
    """A draft quote for the request (billing.quote_create_for_enrolment), through its enrolment (created as
    `enquiry_convert_enrolment` does when missing): quotes are drafted from an enrolment's price."""
    actor.require("billing.manage")
    enquiry = _locked(actor, enquiry_id)
    if enquiry.converted_quote_id is not None:
        quote = Invoice.objects.filter(pk=enquiry.converted_quote_id, organisation=actor.organisation).first()
        if quote is not None:
            return quote
    enrolment = _ensure_enrolment(actor, enquiry, session_id, confirm_full)
    quote = quote_create_for_enrolment(actor=actor, enrolment_id=enrolment.pk)
    enquiry.converted_quote = quote
    _mark_converted(actor, enquiry, ["converted_quote"], quote)
    return quote
