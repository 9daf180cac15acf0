# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of what an organisation publishes, for search engines, feeds and the widget (no login, no actor).

« Published » is the public catalogue's rule (public.selectors.public_training_get): a training `is_public` and
validated. A public session is an upcoming session of a published training, ticked « visible dans l'agenda public »
and neither cancelled nor done. Every query starts from the organisation of the URL's slug, and a member structure
is looked up inside it (another organisation's structure answers 404, whatever its id or slug).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Prefetch, QuerySet
from django.http import Http404

from coopforma.accounts.models import Organisation
from coopforma.catalogue.models import Training, TrainingStatus
from coopforma.people.models import MemberStructure
from coopforma.public import catalogue_selectors
from coopforma.training_sessions.models import Session, Slot
from coopforma.training_sessions.selectors import with_counts

FEED_LIMIT = 200  # sessions in one feed or widget: a year of a busy catalogue


@dataclass(frozen=True)
class Scope:
    """An organisation's public catalogue, or one member structure's part of it."""

    organisation: Organisation
    structure: MemberStructure | None = None

    @property
    def name(self) -> str:
        if self.structure is not None:
            return f"{self.structure.name} — {self.organisation.name}"
        return self.organisation.name


def public_organisation(*, organisation_slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=organisation_slug).first()
    if organisation is None:
        raise Http404
    return organisation


def public_scope(*, organisation_slug: str, structure: str | None = None) -> Scope:
    """The organisation of the slug and, when `structure` is given, its member structure with that public slug or
    pk (an inactive structure, or one of another organisation, is 404)."""
    organisation = public_organisation(organisation_slug=organisation_slug)
    if structure is None:
        return Scope(organisation)
    members = MemberStructure.objects.filter(organisation=organisation, is_active=True)
    member = members.filter(slug=structure).first() if structure else None
    if member is None and structure.isdigit():
        member = members.filter(pk=int(structure)).first()
    if member is None:
        raise Http404
    return Scope(organisation, member)


def published_trainings(*, scope: Scope) -> QuerySet[Training]:
    qs = catalogue_selectors.published_trainings(scope.organisation)
    if scope.structure is not None:
        qs = qs.filter(member_structure=scope.structure)
    return qs.select_related("organisation", "member_structure").order_by("title", "pk")


def public_sessions(*, scope: Scope, training: Training | None = None, limit: int = FEED_LIMIT) -> list[Session]:
    """Upcoming public sessions of published trainings, soonest first, with their slots, place and counts
    (`places_left` set on each); a constant number of queries."""
    qs = catalogue_selectors.upcoming_sessions(scope.organisation).filter(
        training__in=catalogue_selectors.published_trainings(scope.organisation).values("pk")
    )
    if scope.structure is not None:
        qs = qs.filter(member_structure=scope.structure)
    if training is not None:
        qs = qs.filter(training=training)
    sessions = list(
        with_counts(qs)
        .select_related("training", "place", "member_structure", "organisation")
        .prefetch_related(Prefetch("slots", queryset=Slot.objects.select_related("place").order_by("starts_at")))
        .order_by("start_date", "pk")[:limit]
    )
    for session in sessions:
        session.places_left = max(0, session.max_capacity - session.n_trainees)  # type: ignore[attr-defined]
    return sessions


def sessions_last_modified(*, scope: Scope) -> dt.datetime | None:
    """The latest change among the scope's published trainings and public sessions (for Last-Modified)."""
    trainings = published_trainings(scope=scope).aggregate(m=Max("updated_at"))["m"]
    sessions_qs = Session.objects.filter(organisation=scope.organisation, is_public=True)
    if scope.structure is not None:
        sessions_qs = sessions_qs.filter(member_structure=scope.structure)
    sessions = sessions_qs.aggregate(m=Max("updated_at"))["m"]
    slots = Slot.objects.filter(session__in=sessions_qs).aggregate(m=Max("updated_at"))["m"]
    stamps = [s for s in (trainings, sessions, slots) if s is not None]
    return max(stamps) if stamps else None


def public_organisations() -> QuerySet[Organisation]:
    """Organisations with at least one published training (the sitemap's catalogues)."""
    published = Training.objects.filter(is_public=True, status=TrainingStatus.VALIDATED)
    return Organisation.objects.filter(pk__in=published.values("organisation_id")).order_by("slug")


def sitemap_trainings() -> QuerySet[Training]:
    """Every published training of every organisation (the sitemap's training pages)."""
    return (
        Training.objects.filter(is_public=True, status=TrainingStatus.VALIDATED)
        .select_related("organisation")
        .only("pk", "updated_at", "organisation__slug")
        .order_by("organisation__slug", "pk")
    )
