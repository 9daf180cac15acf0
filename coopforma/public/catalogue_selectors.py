# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of an organisation's public catalogue (/f/<org>/) and of its training pages (/f/<org>/<id>/).

Nobody is logged in: every read starts from the organisation of the URL's slug and keeps to what it publishes.
A training is published when it is validated and marked public (`published_trainings`); a session is shown when
it is marked for the public agenda, starts today or later and is neither cancelled nor done (`upcoming_sessions`),
of a published training.
The list reads a fixed number of queries whatever the number of trainings (the page's trainings, their upcoming
sessions with places taken in one more query, the filters' choices).
"""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coopforma.accounts.models import Organisation
from coopforma.catalogue.models import CertificationKind, Training, TrainingStatus
from coopforma.catalogue.nsf import NSF_LABELS
from coopforma.catalogue.search import normalise
from coopforma.catalogue.selectors import published_training_list
from coopforma.people.models import MemberStructure
from coopforma.training_sessions.models import (
    Enrolment,
    EnrolmentStatus,
    Participant,
    ParticipantStatus,
    Session,
    SessionStatus,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class TakenPlaces(TypedDict):
    n_trainees: int


# How many upcoming sessions a training shows in the list (its page shows them all, up to UPCOMING_ON_PAGE).
UPCOMING_IN_LIST = 3
UPCOMING_ON_PAGE = 50
CATALOGUE_FILTERS = (
    "q", "nsf", "modality", "certifying", "member_structure", "city", "date_from", "date_to", "upcoming",
)  # fmt: skip


def public_catalogue_organisation(*, organisation_slug: str) -> Organisation:
    """The organisation of a public catalogue (404 when unknown)."""
    organisation = Organisation.objects.filter(slug=organisation_slug).first()
    if organisation is None:
        raise Http404
    return organisation


def published_trainings(organisation: Organisation) -> QuerySet[Training]:
    """The organisation's published trainings: validated and marked public (the catalogue's one rule)."""
    return published_training_list(organisation=organisation)


def upcoming_sessions(organisation: Organisation, today: dt.date | None = None) -> QuerySet[Session]:
    """The sessions of the public agenda still to come (from today), neither cancelled nor done."""
    today = today or timezone.localdate()
    return Session.objects.filter(organisation=organisation, is_public=True, start_date__gte=today).exclude(
        status__in=[SessionStatus.CANCELLED, SessionStatus.DONE]
    )


@dataclass(frozen=True)
class PublicSession:
    """One upcoming session as the public sees it."""

    pk: int
    start_date: dt.date | None
    end_date: dt.date | None
    city: str
    remote: bool
    places_left: int
    max_capacity: int

    @property
    def full(self) -> bool:
        return self.places_left <= 0

    @property
    def dates(self) -> str:
        """« du 3 mars 2027 au 4 mars 2027 », « le 3 mars 2027 » (French month names in French)."""
        if self.start_date is None:
            return ""
        start = date_format(self.start_date, "j F Y")
        if self.end_date and self.end_date != self.start_date:
            return _("du %(start)s au %(end)s") % {"start": start, "end": date_format(self.end_date, "j F Y")}
        return _("le %(day)s") % {"day": start}

    @property
    def where(self) -> str:
        if self.city:
            return self.city
        return str(_("À distance")) if self.remote else str(_("Lieu à préciser"))


def _public_session(session: "WithAnnotations[Session, TakenPlaces]") -> PublicSession:
    place = session.place
    return PublicSession(
        pk=session.pk,
        start_date=session.start_date,
        end_date=session.end_date,
        city=(place.city if place is not None else "") or "",
        remote=place is None and bool(session.remote_url),
        places_left=max(session.max_capacity - session.n_trainees, 0),
        max_capacity=session.max_capacity,
    )


def _sessions_queryset(organisation: Organisation, today: dt.date) -> QuerySet:
    """Upcoming sessions with `n_trainees`, the places taken as training_sessions counts them (non-cancelled
    participants plus the trainees entrusted by other OFs; `with_counts` annotates more than the public needs)."""
    participants = Participant.objects.exclude(status=ParticipantStatus.CANCELLED).filter(session_id=OuterRef("pk"))
    entrusted = Enrolment.objects.exclude(status=EnrolmentStatus.CANCELLED).filter(session_id=OuterRef("pk"))
    return (
        upcoming_sessions(organisation, today)
        .select_related("place")
        .only(
            "pk",
            "training_id",
            "start_date",
            "end_date",
            "max_capacity",
            "remote_url",
            "place__id",
            "place__city",
        )
        .annotate(
            n_trainees=Coalesce(
                Subquery(participants.order_by().values("session_id").annotate(c=Count("pk")).values("c")), 0
            )
            + Coalesce(
                Subquery(entrusted.order_by().values("session_id").annotate(s=Sum("entrusted_trainees")).values("s")),
                0,
            )
        )
        .order_by("start_date", "pk")
    )


def _filtered(organisation: Organisation, filters: dict[str, Any], today: dt.date) -> QuerySet[Training]:
    qs = published_trainings(organisation)
    for word in normalise(filters.get("q") or "").split()[:10]:
        qs = qs.filter(search_text__contains=word)  # both sides are lowercased without accents
    if filters.get("nsf"):
        qs = qs.filter(nsf_code=filters["nsf"])
    if filters.get("modality"):
        qs = qs.filter(modality=filters["modality"])
    if filters.get("certifying") == "yes":
        qs = qs.exclude(certification_kind=CertificationKind.NONE)
    elif filters.get("certifying") == "no":
        qs = qs.filter(certification_kind=CertificationKind.NONE)
    if filters.get("member_structure"):
        qs = qs.filter(member_structure_id=filters["member_structure"])
    date_from, date_to, city = filters.get("date_from"), filters.get("date_to"), filters.get("city")
    if filters.get("upcoming") or date_from or date_to or city:
        sessions = upcoming_sessions(organisation, today).filter(training_id=OuterRef("pk"))
        if date_from:
            sessions = sessions.filter(start_date__gte=date_from)
        if date_to:
            sessions = sessions.filter(start_date__lte=date_to)
        if city:
            sessions = sessions.filter(place__city__iexact=city)
        qs = qs.filter(Exists(sessions))
    return qs


def public_catalogue(*, organisation: Organisation, filters: dict[str, Any]) -> QuerySet[Training]:
    """The published trainings matching `filters` (see CATALOGUE_FILTERS), in title order, each with its member
    structure and `upcoming` (its next public sessions, as `PublicSession`s, after `attach_upcoming`).

    q: words all found in the training's search text (accents and case ignored); nsf: NSF code; modality;
    certifying: "yes" / "no"; member_structure: id; city: a city of an upcoming session; date_from / date_to:
    an upcoming session starting in that range; upcoming: only trainings with an upcoming session.
    """
    today = timezone.localdate()
    return (
        _filtered(organisation, filters, today)
        .select_related("member_structure")
        .only(
            "pk",
            "title",
            "summary",
            "duration_minutes",
            "modality",
            "certification_kind",
            "certification_code",
            "nsf_code",
            "price_inter_cents",
            "price_intra_cents",
            "price_on_quote",
            "organisation_id",
            "member_structure__id",
            "member_structure__name",
        )
        .order_by("title", "pk")
    )


def attach_upcoming(trainings: list[Training], *, organisation: Organisation) -> None:
    """Set `training.upcoming` (its first UPCOMING_IN_LIST public sessions) on a page of trainings: one query."""
    by_training: dict[int, list[PublicSession]] = {t.pk: [] for t in trainings}
    if by_training:
        sessions = _sessions_queryset(organisation, timezone.localdate()).filter(training_id__in=list(by_training))
        for session in sessions:
            shown = by_training[session.training_id]
            if len(shown) < UPCOMING_IN_LIST:
                shown.append(_public_session(session))
    for training in trainings:
        training.upcoming = by_training[training.pk]  # type: ignore[attr-defined]
        training.nsf_label = NSF_LABELS.get(training.nsf_code, "")  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CatalogueChoices:
    """What the filters offer: only values some published training (or upcoming session) has."""

    nsf: list[tuple[str, str]]
    member_structures: list[tuple[int, str]]
    cities: list[str]


def public_catalogue_choices(*, organisation: Organisation) -> CatalogueChoices:
    """Three queries: the themes, member structures and cities of what the organisation publishes."""
    published = published_trainings(organisation)
    # order_by(): without it the models' default ordering joins the DISTINCT and every row comes back.
    codes = sorted({c for c in published.order_by().values_list("nsf_code", flat=True).distinct() if c})
    structures = (
        MemberStructure.objects.filter(organisation=organisation, pk__in=published.values("member_structure_id"))
        .order_by("name")
        .values_list("pk", "name")
    )
    cities = (
        upcoming_sessions(organisation)
        .filter(training__in=published)
        .exclude(place__city="")
        .exclude(place__isnull=True)
        .order_by()
        .values_list("place__city", flat=True)
        .distinct()
    )
    return CatalogueChoices(
        nsf=[(code, f"{code} — {NSF_LABELS[code]}" if code in NSF_LABELS else code) for code in codes],
        member_structures=list(structures),
        cities=sorted({str(c).strip() for c in cities if c}, key=normalise),
    )


def public_training_get(*, organisation_slug: str, training_id: int) -> Training:
    """A training of the organisation's public catalogue (published and validated); 404 otherwise, and for a
    training of another organisation whatever its id."""
    training = (
        Training.objects.select_related("organisation", "member_structure")
        .filter(organisation__slug=organisation_slug, pk=training_id, is_public=True, status=TrainingStatus.VALIDATED)
        .first()
    )
    if training is None:
        raise Http404
    return training


def public_training_sessions(*, training: Training) -> list[PublicSession]:
    """The training's upcoming public sessions with the places left (one query)."""
    sessions = _sessions_queryset(training.organisation, timezone.localdate()).filter(training=training)
    return [_public_session(s) for s in sessions[:UPCOMING_ON_PAGE]]
