# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads for sessions, slots, enrolments, participants, places and the calendar; every one scoped to the actor.

Who sees which session (people/scope.py): admin and quality manager all of the organisation's sessions; a
member-structure manager the sessions of their structure and those taught by one of its trainers; a trainer
the sessions they teach (`session.trainers`). Seeing a session is also the right to edit it.
"""

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from coopforma.accounts.actor import Actor
from coopforma.accounts.roles import Role
from coopforma.catalogue.models import Training, TrainingStatus
from coopforma.catalogue.selectors import training_queryset
from coopforma.core.models import ActivityLog
from coopforma.people.models import DELIVERING_STATES, ClientKind, MemberStructure, Trainer
from coopforma.people.scope import actor_scope
from coopforma.training_sessions.models import (
    Enrolment,
    EnrolmentStatus,
    FundingLine,
    Participant,
    ParticipantStatus,
    Place,
    Session,
    SessionStatus,
    Slot,
)

SessionTrainer = Session.trainers.through
TrainingTrainer = Training.trainers.through


# --- Scoping -------------------------------------------------------------------------------------------------


def session_queryset_for(actor: Actor) -> QuerySet[Session]:
    """The sessions the actor may see (and edit), without annotations."""
    qs = Session.objects.filter(organisation=actor.organisation)
    scope = actor_scope(actor)
    if scope.all:
        return qs
    if actor.role == Role.MEMBER_MANAGER:
        ids = scope.member_structure_ids
        taught_by_member = SessionTrainer.objects.filter(
            session_id=OuterRef("pk"), trainer__member_structure_id__in=ids
        )
        return qs.filter(Q(member_structure_id__in=ids) | Exists(taught_by_member))
    if scope.trainer_id is not None:
        return qs.filter(Exists(SessionTrainer.objects.filter(session_id=OuterRef("pk"), trainer_id=scope.trainer_id)))
    return qs.none()


def training_queryset_for(actor: Actor, *, include_archived: bool = False) -> QuerySet[Training]:
    """Trainings a session may be created from: those the catalogue shows the actor."""
    qs = training_queryset(actor=actor)
    return qs if include_archived else qs.exclude(status=TrainingStatus.ARCHIVED)


def deliverable_trainers(actor: Actor) -> QuerySet[Trainer]:
    """Trainers of the organisation who may deliver (validated or active in the parcours formateur)."""
    return Trainer.objects.filter(
        organisation=actor.organisation,
        onboarding_state__in=DELIVERING_STATES,
    ).select_related("member_structure")


def member_structures_for(actor: Actor) -> QuerySet[MemberStructure]:
    qs = MemberStructure.objects.filter(organisation=actor.organisation)
    scope = actor_scope(actor)
    return qs if scope.all else qs.filter(pk__in=scope.member_structure_ids)


def place_queryset_for(actor: Actor) -> QuerySet[Place]:
    return Place.objects.filter(organisation=actor.organisation)


def place_can_edit(actor: Actor) -> bool:
    return actor.has("places.manage")


def place_get(*, actor: Actor, place_id: int) -> Place:
    place = place_queryset_for(actor).filter(pk=place_id).first()
    if place is None:
        raise Http404
    return place


def place_list(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[Place]:
    qs = place_queryset_for(actor).annotate(
        n_sessions=Coalesce(
            Subquery(
                Session.objects.filter(place_id=OuterRef("pk"))
                .order_by()
                .values("place_id")
                .annotate(c=Count("pk"))
                .values("c"),
                output_field=IntegerField(),
            ),
            0,
        )
    )
    q = (filters or {}).get("q")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(city__icontains=q))
    return qs


# --- Sessions: counts computed in SQL (constant queries per page) --------------------------------------------


def _count(qs: QuerySet, fk: str) -> Coalesce:
    return Coalesce(
        Subquery(
            qs.filter(**{fk: OuterRef("pk")}).order_by().values(fk).annotate(c=Count("pk")).values("c"),
            output_field=IntegerField(),
        ),
        0,
    )


def _sum(qs: QuerySet, fk: str, column: str) -> Coalesce:
    return Coalesce(
        Subquery(
            qs.filter(**{fk: OuterRef("pk")}).order_by().values(fk).annotate(s=Sum(column)).values("s"),
            output_field=IntegerField(),
        ),
        0,
    )


def with_counts(qs: QuerySet[Session]) -> QuerySet[Session]:
    """Annotate trainees (participants + entrusted), clients by kind, revenue and the audience badge.

    audience: "subcontracted" (only other OFs as clients: we are their subcontractor), "mixed" (other OFs and
    direct clients), "intra" (one company or public body), "inter" (several clients, or individuals).
    """
    active_enrolments = Enrolment.objects.exclude(status=EnrolmentStatus.CANCELLED)
    active_participants = Participant.objects.exclude(status=ParticipantStatus.CANCELLED)
    return qs.annotate(
        n_participants=_count(active_participants, "session_id"),
        n_entrusted=_sum(active_enrolments, "session_id", "entrusted_trainees"),
        n_clients=_count(active_enrolments, "session_id"),
        n_training_orgs=_count(active_enrolments.filter(client__kind=ClientKind.TRAINING_ORG), "session_id"),
        n_companies=_count(
            active_enrolments.filter(client__kind__in=[ClientKind.COMPANY, ClientKind.PUBLIC_BODY]), "session_id"
        ),
        revenue_cents=_sum(active_enrolments, "session_id", "price_cents"),
        n_slots=_count(Slot.objects.all(), "session_id"),
    ).annotate(
        n_trainees=F("n_participants") + F("n_entrusted"),
        audience=Case(
            When(Q(n_training_orgs__gt=0) & Q(n_clients=F("n_training_orgs")), then=Value("subcontracted")),
            When(n_training_orgs__gt=0, then=Value("mixed")),
            When(Q(n_clients=1) & Q(n_companies=1), then=Value("intra")),
            When(n_clients__gt=0, then=Value("inter")),
            default=Value(""),
            output_field=CharField(),
        ),
    )


SESSION_FILTERS = ("q", "status", "year", "member_structure", "trainer", "upcoming", "audience")


# Sessions whose last day is past but that nobody marked done (or cancelled).
TO_CLOSE_STATUSES = (SessionStatus.CONFIRMED, SessionStatus.RUNNING)


def session_list(*, actor: Actor, filters: dict[str, Any] | None = None) -> QuerySet[Session]:
    """Visible sessions with their counts; filters: q, status, year, member_structure, trainer, upcoming, to_close,
    audience."""
    filters = filters or {}
    qs = session_queryset_for(actor)
    if q := (filters.get("q") or "").strip():
        qs = qs.filter(Q(title__icontains=q) | Q(training__title__icontains=q))
    if status := filters.get("status"):
        qs = qs.filter(status=status)
    if year := filters.get("year"):
        qs = qs.filter(start_date__year__lte=int(year), end_date__year__gte=int(year))
    if member_structure := filters.get("member_structure"):
        qs = qs.filter(member_structure_id=getattr(member_structure, "pk", member_structure))
    if trainer := filters.get("trainer"):
        trainer_id = getattr(trainer, "pk", trainer)
        qs = qs.filter(Exists(SessionTrainer.objects.filter(session_id=OuterRef("pk"), trainer_id=trainer_id)))
    qs = (
        with_counts(qs)
        .select_related("member_structure", "place")
        .prefetch_related(Prefetch("trainers", queryset=Trainer.objects.order_by("last_name", "first_name")))
    )
    if audience := filters.get("audience"):
        qs = qs.filter(audience=audience)
    if filters.get("to_close"):
        qs = qs.filter(status__in=TO_CLOSE_STATUSES, end_date__lt=timezone.localdate())
    if filters.get("upcoming"):
        today = timezone.localdate()
        return (
            qs.filter(end_date__gte=today)
            .exclude(status=SessionStatus.CANCELLED)
            .order_by(F("start_date").asc(nulls_last=True), "id")
        )
    return qs.order_by(F("start_date").desc(nulls_first=True), "-id")


def session_get(*, actor: Actor, session_id: int) -> Session:
    """One visible session with its counts; 404 when missing or not visible."""
    session = (
        with_counts(session_queryset_for(actor))
        .select_related("training", "member_structure", "place")
        .filter(pk=session_id)
        .first()
    )
    if session is None:
        raise Http404
    return session


def session_can_edit(actor: Actor, session: Session) -> bool:
    """Seeing a session is the right to edit it (admin/quality all; managers and trainers their own)."""
    return session_queryset_for(actor).filter(pk=session.pk).exists()


def slot_get(*, actor: Actor, session_id: int, slot_id: int) -> Slot:
    slot = (
        Slot.objects.filter(pk=slot_id, session_id=session_id, session__in=session_queryset_for(actor))
        .select_related("session", "place")
        .first()
    )
    if slot is None:
        raise Http404
    return slot


def enrolment_get(*, actor: Actor, enrolment_id: int, session_id: int | None = None) -> Enrolment:
    qs = Enrolment.objects.filter(pk=enrolment_id, session__in=session_queryset_for(actor))
    if session_id is not None:
        qs = qs.filter(session_id=session_id)
    enrolment = qs.select_related("session", "client", "contact").first()
    if enrolment is None:
        raise Http404
    return enrolment


def enrolment_list(*, actor: Actor, session_id: int) -> list[Enrolment]:
    session = session_get(actor=actor, session_id=session_id)
    return list(
        session.enrolments.select_related("client", "contact").prefetch_related(
            Prefetch("funding_lines", queryset=FundingLine.objects.order_by("id"))
        )
    )


def funding_line_get(*, actor: Actor, funding_line_id: int, session_id: int | None = None) -> FundingLine:
    qs = FundingLine.objects.filter(pk=funding_line_id, enrolment__session__in=session_queryset_for(actor))
    if session_id is not None:
        qs = qs.filter(enrolment__session_id=session_id)
    line = qs.select_related("enrolment__session", "enrolment__client").first()
    if line is None:
        raise Http404
    return line


def participant_get(*, actor: Actor, participant_id: int, session_id: int | None = None) -> Participant:
    qs = Participant.objects.filter(pk=participant_id, session__in=session_queryset_for(actor))
    if session_id is not None:
        qs = qs.filter(session_id=session_id)
    participant = qs.select_related("session", "trainee", "enrolment__client").first()
    if participant is None:
        raise Http404
    return participant


def participant_list(*, actor: Actor, session_id: int) -> list[Participant]:
    session = session_get(actor=actor, session_id=session_id)
    return list(session.participants.select_related("trainee", "enrolment__client"))


def slot_list(*, actor: Actor, session_id: int) -> list[Slot]:
    session = session_get(actor=actor, session_id=session_id)
    return list(_slots_of(session))


def _slots_of(session: Session) -> QuerySet[Slot]:
    return (
        session.slots.select_related("place")
        .prefetch_related(Prefetch("trainers", queryset=Trainer.objects.order_by("last_name", "first_name")))
        .order_by("starts_at")
    )


def session_occupancy(session: Session) -> int:
    """Places taken: non-cancelled participants plus the trainees entrusted by other OFs."""
    participants = session.participants.exclude(status=ParticipantStatus.CANCELLED).count()
    entrusted = (
        session.enrolments.exclude(status=EnrolmentStatus.CANCELLED).aggregate(n=Sum("entrusted_trainees"))["n"] or 0
    )
    return participants + entrusted


# --- The detail page ----------------------------------------------------------------------------------------


@dataclass
class EnrolmentRow:
    enrolment: Enrolment
    funding_lines: list[FundingLine]
    participants: list[Participant]
    funded_cents: int
    remaining_cents: int


@dataclass
class SessionDetail:
    session: Session
    slots: list[Slot]
    trainers: list[Trainer]
    enrolments: list[EnrolmentRow]
    participants: list[Participant]
    history: list[ActivityLog]
    planned_minutes: int
    trainee_minutes: int
    revenue_cents: int
    funded_cents: int
    programme: dict[str, Any] = field(default_factory=dict)

    @property
    def remaining_cents(self) -> int:
        return self.revenue_cents - self.funded_cents

    @property
    def active_enrolments(self) -> list[EnrolmentRow]:
        return [row for row in self.enrolments if row.enrolment.status != EnrolmentStatus.CANCELLED]

    @property
    def direct_enrolments(self) -> list[EnrolmentRow]:
        """Enrolments that may receive participants: not cancelled, and not another OF's recording its trainees as
        counts (named trainees of another OF are welcome: BPF cadre G, with their émargement)."""
        return [
            row
            for row in self.active_enrolments
            if row.enrolment.client.kind != ClientKind.TRAINING_ORG or not row.enrolment.entrusted_trainees
        ]


def session_history(session: Session, *, slots: list, enrolments: list, participants: list, lines: list) -> list:
    """The session's timeline: its own events and those of its slots, enrolments, funding lines, participants."""
    types = ContentType.objects.get_for_models(Session, Slot, Enrolment, FundingLine, Participant)
    condition = Q(content_type=types[Session], object_id=session.pk)
    for model, objects in ((Slot, slots), (Enrolment, enrolments), (FundingLine, lines), (Participant, participants)):
        if objects:
            condition |= Q(content_type=types[model], object_id__in=[o.pk for o in objects])
    return list(ActivityLog.objects.filter(condition).order_by("-created_at", "-id")[:100])


def session_detail(*, actor: Actor, session_id: int) -> SessionDetail:
    """Everything the session page shows, in a constant number of queries."""
    session = session_get(actor=actor, session_id=session_id)
    slots = list(_slots_of(session))
    trainers = list(session.trainers.select_related("member_structure").order_by("last_name", "first_name"))
    enrolments = list(
        session.enrolments.select_related("client", "contact").prefetch_related(
            Prefetch("funding_lines", queryset=FundingLine.objects.order_by("id"))
        )
    )
    participants = list(session.participants.select_related("trainee", "enrolment__client"))
    by_enrolment: dict[int, list[Participant]] = {}
    for participant in participants:
        by_enrolment.setdefault(participant.enrolment_id, []).append(participant)
    rows = []
    lines: list[FundingLine] = []
    for enrolment in enrolments:
        enrolment_lines = list(enrolment.funding_lines.all())
        lines.extend(enrolment_lines)
        funded = sum(line.amount_cents for line in enrolment_lines)
        rows.append(
            EnrolmentRow(
                enrolment=enrolment,
                funding_lines=enrolment_lines,
                participants=by_enrolment.get(enrolment.pk, []),
                funded_cents=funded,
                remaining_cents=enrolment.price_cents - funded,
            )
        )
    active = [row for row in rows if row.enrolment.status != EnrolmentStatus.CANCELLED]
    active_participants = [
        p
        for p in participants
        if p.status != ParticipantStatus.CANCELLED and p.enrolment.status != EnrolmentStatus.CANCELLED
    ]
    planned = session.total_minutes
    trainee_minutes = planned * len(active_participants) + sum(row.enrolment.entrusted_minutes for row in active)
    return SessionDetail(
        session=session,
        slots=slots,
        trainers=trainers,
        enrolments=rows,
        participants=participants,
        history=session_history(session, slots=slots, enrolments=enrolments, participants=participants, lines=lines),
        planned_minutes=planned,
        trainee_minutes=trainee_minutes,
        revenue_cents=sum(row.enrolment.price_cents for row in active),
        funded_cents=sum(row.funded_cents for row in active),
        programme=session.programme or {},
    )


# --- Calendar -----------------------------------------------------------------------------------------------


@dataclass
class CalendarDay:
    date: dt.date
    in_month: bool
    is_today: bool
    slots: list[Slot]


@dataclass
class CalendarMonth:
    year: int
    month: int
    weeks: list[list[CalendarDay]]

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def previous(self) -> dt.date:
        return (self.first - dt.timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> dt.date:
        return (self.first + dt.timedelta(days=32)).replace(day=1)

    @property
    def slot_count(self) -> int:
        return sum(len(day.slots) for week in self.weeks for day in week if day.in_month)


def calendar_month(*, actor: Actor, year: int, month: int, filters: dict[str, Any] | None = None) -> CalendarMonth:
    """The month as Monday-first weeks, each day with the visible slots of non-cancelled sessions (2 queries)."""
    filters = filters or {}
    weeks_dates = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first_day, last_day = weeks_dates[0][0], weeks_dates[-1][-1]
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first_day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    slots = (
        Slot.objects.filter(
            session__in=session_queryset_for(actor),
            starts_at__gte=start,
            starts_at__lt=end,
            organisation=actor.organisation,
        )
        .exclude(session__status=SessionStatus.CANCELLED)
        .select_related("session", "place")
        .prefetch_related(Prefetch("trainers", queryset=Trainer.objects.order_by("last_name", "first_name")))
        .order_by("starts_at", "session__title")
    )
    if trainer := filters.get("trainer"):
        trainer_id = getattr(trainer, "pk", trainer)
        # Slot trainers are always trainers of their session (the services keep it so).
        slots = slots.filter(
            Exists(SessionTrainer.objects.filter(session_id=OuterRef("session_id"), trainer_id=trainer_id))
        )
    if member_structure := filters.get("member_structure"):
        slots = slots.filter(session__member_structure_id=getattr(member_structure, "pk", member_structure))
    by_day: dict[dt.date, list[Slot]] = {}
    for slot in slots:
        by_day.setdefault(timezone.localtime(slot.starts_at, tz).date(), []).append(slot)
    today = timezone.localdate()
    weeks = [
        [CalendarDay(date=d, in_month=d.month == month, is_today=d == today, slots=by_day.get(d, [])) for d in week]
        for week in weeks_dates
    ]
    return CalendarMonth(year=year, month=month, weeks=weeks)
