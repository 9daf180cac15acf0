# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of requests: the public forms' training and session (no login), and the back office's « Demandes »
scoped like the trainings they are about (people.scope): admin and quality see every request, a member manager
those about their structure's trainings, a trainer none (no `enquiries.view`)."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Membership
from coopforma.accounts.roles import Role
from coopforma.catalogue.models import Training, TrainingStatus
from coopforma.core.log import history_for
from coopforma.core.models import ActivityLog
from coopforma.enquiries.models import Enquiry, EnquiryStatus
from coopforma.people.models import MemberStructure
from coopforma.people.scope import actor_scope
from coopforma.training_sessions.models import Session, SessionStatus
from coopforma.training_sessions.selectors import session_occupancy, session_queryset_for

# Sessions one may still ask to join: not cancelled, not already running or done.
OPEN_STATUSES = (SessionStatus.DRAFT, SessionStatus.CONFIRMED)


# --- The public forms -------------------------------------------------------------------------------------------


def _published(organisation_slug: str) -> QuerySet[Training]:
    return Training.objects.select_related("organisation").filter(
        organisation__slug=organisation_slug, is_public=True, status=TrainingStatus.VALIDATED
    )


def public_training_get(*, organisation_slug: str, training_id: int) -> Training:
    """A published training of the organisation (public and validated); 404 otherwise, whatever the id."""
    training = _published(organisation_slug).filter(pk=training_id).first()
    if training is None:
        raise Http404
    return training


def public_session_get(*, organisation_slug: str, session_id: int) -> Session:
    """An upcoming session shown in the public agenda, of a published training of the organisation; 404 for a
    past, cancelled, private session, or another organisation's."""
    session = (
        Session.objects.select_related("training__organisation", "place")
        .filter(
            pk=session_id,
            organisation__slug=organisation_slug,
            is_public=True,
            status__in=OPEN_STATUSES,
            start_date__gte=timezone.localdate(),
            training__in=_published(organisation_slug),
        )
        .first()
    )
    if session is None:
        raise Http404
    return session


def places_left(session: Session) -> int:
    """Free places of the session (0 when full): the same count the enrolment services check."""
    return max(session.max_capacity - session_occupancy(session), 0)


def session_is_full(session: Session) -> bool:
    return places_left(session) == 0


# --- The back office --------------------------------------------------------------------------------------------


def enquiry_queryset(*, actor: Actor) -> QuerySet[Enquiry]:
    """The requests the actor may see: all for `org.view_all`, their structures' trainings for a member manager,
    none for anyone else (a trainer)."""
    qs = Enquiry.objects.filter(organisation=actor.organisation)
    if not actor.has("enquiries.view"):
        return qs.none()
    scope = actor_scope(actor)
    if scope.all:
        return qs
    if actor.role == Role.MEMBER_MANAGER:
        return qs.filter(training__member_structure_id__in=scope.member_structure_ids)
    return qs.none()


def enquiry_list(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[Enquiry]:
    """filters: status, kind, q (name, e-mail, company, training title)."""
    actor.require("enquiries.view")
    filters = filters or {}
    qs = enquiry_queryset(actor=actor).select_related("training", "session")
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("q"):
        text = str(filters["q"]).strip()
        qs = qs.filter(
            Q(last_name__icontains=text)
            | Q(first_name__icontains=text)
            | Q(email__icontains=text)
            | Q(company_name__icontains=text)
            | Q(training__title__icontains=text)
        )
    return qs.order_by("-created_at", "-id")


def enquiry_counts(*, actor: Actor) -> dict[str, int]:
    """The number of visible requests per status (every status present, zero included), one query."""
    rows = enquiry_queryset(actor=actor).values("status").annotate(n=Count("pk")).order_by()
    counts = dict.fromkeys(EnquiryStatus.values, 0)
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def new_enquiry_count(*, actor: Actor) -> int:
    return enquiry_queryset(actor=actor).filter(status=EnquiryStatus.NEW).count()


def enquiry_get(*, actor: Actor, enquiry_id: int) -> Enquiry:
    """One visible request; 404 for « missing or not yours »."""
    actor.require("enquiries.view")
    enquiry = (
        enquiry_queryset(actor=actor)
        .select_related(
            "training", "session", "session__place", "converted_client", "converted_enrolment", "converted_quote"
        )
        .filter(pk=enquiry_id)
        .first()
    )
    if enquiry is None:
        raise Http404
    return enquiry


@dataclass(frozen=True)
class Note:
    at: Any
    by: str
    text: str


@dataclass
class EnquiryPage:
    enquiry: Enquiry
    history: list[ActivityLog]
    notes: list[Note]
    session_places_left: int | None
    sessions: list[Session]  # sessions of the training the request may become an enrolment in


def conversion_sessions(*, actor: Actor, enquiry: Enquiry) -> QuerySet[Session]:
    """The training's sessions the actor may enrol the requester in: visible, not cancelled nor done."""
    return (
        session_queryset_for(actor)
        .filter(training_id=enquiry.training_id)
        .exclude(status__in=(SessionStatus.CANCELLED, SessionStatus.DONE))
        .order_by("start_date", "pk")
    )


def enquiry_page(*, actor: Actor, enquiry_id: int) -> EnquiryPage:
    enquiry = enquiry_get(actor=actor, enquiry_id=enquiry_id)
    history = list(history_for(enquiry))
    notes = [
        Note(entry.created_at, entry.actor_label, str(entry.data["note"]))
        for entry in history
        if isinstance(entry.data, dict) and entry.data.get("note")
    ]
    return EnquiryPage(
        enquiry=enquiry,
        history=history,
        notes=notes,
        session_places_left=places_left(enquiry.session) if enquiry.session else None,
        sessions=list(conversion_sessions(actor=actor, enquiry=enquiry)),
    )


def notification_recipients(*, enquiry: Enquiry) -> list[str]:
    """Who is told of a new request: the organisation's active administrators and the active managers of the
    member structure whose training it is (their addresses, once each, sorted)."""
    admins = Membership.objects.filter(
        organisation_id=enquiry.organisation_id, role=Role.ADMIN, is_active=True
    ).values_list("user__email", flat=True)
    structure = MemberStructure.objects.filter(pk=enquiry.training.member_structure_id).first()
    managers: list[str] = []
    if structure is not None:
        active = Membership.objects.filter(
            organisation_id=enquiry.organisation_id, role=Role.MEMBER_MANAGER, is_active=True
        ).values("user_id")
        managers = list(structure.managers.filter(pk__in=active).values_list("email", flat=True))
    return sorted({e for e in [*admins, *managers] if e})
