# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads for sessions, slots, enrolments, participants, places and the calendar; every one scoped to the actor.

Who sees which session (people/scope.py): admin and quality manager all of the organisation's sessions; a
member-structure manager the sessions of their structure and those taught by one of its trainers; a trainer
the sessions they teach (`session.trainers`). Seeing a session is also the right to edit it.
"""

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
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
from coopforma.documents.models import Document, DocumentStatus
from coopforma.people.models import DELIVERING_STATES, ClientKind, MemberStructure, Trainer
from coopforma.people.scope import actor_scope
from coopforma.training_sessions.models import (
    CalendarFeed,
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

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

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


class SessionCounts(TypedDict):
    """What `with_counts` annotates."""

    n_participants: int
    n_entrusted: int
    n_clients: int
    n_training_orgs: int
    n_companies: int
    revenue_cents: int
    n_slots: int
    n_trainees: int
    audience: str


def with_counts(qs: QuerySet[Session]) -> "QuerySet[WithAnnotations[Session, SessionCounts]]":
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
    counted = (
        with_counts(qs)
        .select_related("member_structure", "place")
        .prefetch_related(Prefetch("trainers", queryset=Trainer.objects.order_by("last_name", "first_name")))
    )
    if audience := filters.get("audience"):
        counted = counted.filter(audience=audience)
    if filters.get("to_close"):
        counted = counted.filter(status__in=TO_CLOSE_STATUSES, end_date__lt=timezone.localdate())
    if filters.get("upcoming"):
        today = timezone.localdate()
        return (
            counted.filter(end_date__gte=today)
            .exclude(status=SessionStatus.CANCELLED)
            .order_by(F("start_date").asc(nulls_last=True), "id")
        )
    return counted.order_by(F("start_date").desc(nulls_first=True), "-id")


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


# --- Contracts with individuals paying personally (Code du travail L6353-3 to L6353-7) -------------------------

WITHDRAWAL_DAYS = 10  # L6353-5 Code du travail, from the signature
DISTANCE_WITHDRAWAL_DAYS = 14  # L221-18 Code de la consommation: distance or off-premises contract (the longer wins)
ADVANCE_PERCENT = 30  # L6353-6: at most 30 % of the price once the withdrawal period is over
BALANCE_SPACING = dt.timedelta(days=30)  # the balance follows the training, never on the advance's day


@dataclass(frozen=True)
class ContractSignature:
    signed_on: dt.date
    at_distance: bool

    @property
    def withdrawal_days(self) -> int:
        return DISTANCE_WITHDRAWAL_DAYS if self.at_distance else WITHDRAWAL_DAYS

    @property
    def withdrawal_ends_on(self) -> dt.date:
        """The last day of the withdrawal period: nothing is payable until the day after."""
        return self.signed_on + dt.timedelta(days=self.withdrawal_days)


def contract_signature(enrolment: Enrolment) -> ContractSignature | None:
    """When the trainee signed the contract: by e-mailed link (a distance contract: the client's signature of the
    latest signed contract document), else the paper signature recorded on the enrolment."""
    from coopforma.documents.models import Document, DocumentStatus, SignatureStatus

    document = (
        Document.objects.filter(
            organisation_id=enrolment.organisation_id,
            kind="contract",
            subject_type=ContentType.objects.get_for_model(Enrolment),
            subject_id=enrolment.pk,
            status__in=[DocumentStatus.SIGNED, DocumentStatus.DIFFUSED],
        )
        .order_by("-version", "-pk")
        .first()
    )
    if document is not None:
        signed_at = (
            document.signatures.filter(role="client", status=SignatureStatus.SIGNED, signed_at__isnull=False)
            .order_by("-signed_at")
            .values_list("signed_at", flat=True)
            .first()
        )
        if signed_at is not None:
            return ContractSignature(timezone.localtime(signed_at).date(), at_distance=True)
    if enrolment.contract_signed_on:
        return ContractSignature(enrolment.contract_signed_on, at_distance=enrolment.contract_at_distance)
    return None


@dataclass(frozen=True)
class Instalment:
    """One payment of an individual's schedule: due on `due_on` (None: the day after the withdrawal period, whose
    date is known once the contract is signed)."""

    label: str
    due_on: dt.date | None
    amount_cents: int


def individual_share_cents(enrolment: Enrolment) -> int:
    """What the trainee pays personally: the price minus the lines paid by someone else."""
    others = sum(line.amount_cents for line in enrolment.funding_lines.all() if line.payer_kind != "individual")
    return max(enrolment.price_cents - others, 0)


def individual_payment_schedule(enrolment: Enrolment) -> list[Instalment]:
    """L6353-6: nothing before the withdrawal period ends; then at most 30 % of the price; the rest as the training
    proceeds — one instalment at the end of each calendar month of training, in proportion to its planned minutes
    (largest remainder, so the instalments add up exactly to the price). A balance instalment falls 30 days after
    the advance at the earliest."""
    total = individual_share_cents(enrolment)
    signature = contract_signature(enrolment)
    first_day = signature.withdrawal_ends_on + dt.timedelta(days=1) if signature else None
    advance = total * ADVANCE_PERCENT // 100
    schedule = [
        Instalment("Acompte à l'expiration du délai de rétractation (30 % au plus, art. L6353-6)", first_day, advance)
    ]
    months: dict[tuple[int, int], list[int]] = {}
    for slot in enrolment.session.slots.order_by("starts_at"):
        local = timezone.localtime(slot.ends_at).date()
        entry = months.setdefault((local.year, local.month), [0, 0])
        entry[0] += slot.minutes
        entry[1] = local.toordinal()
    rest = total - advance
    if not months:
        end = enrolment.session.end_date
        months = {(0, 0): [1, end.toordinal() if end else 0]}
    weights = {key: value[0] for key, value in months.items()}
    whole = sum(weights.values()) or 1
    parts = {key: rest * weight // whole for key, weight in weights.items()}
    leftover = rest - sum(parts.values())
    by_remainder = sorted(weights, key=lambda key: (-(rest * weights[key] % whole), key))
    for key in by_remainder[:leftover]:
        parts[key] += 1
    for key in sorted(months):
        ordinal = months[key][1]
        due = dt.date.fromordinal(ordinal) if ordinal else None
        if due and first_day and due < first_day + BALANCE_SPACING:
            # Training delivered before the withdrawal period ended (L221-25): at its end only the 30 % advance is
            # due; the balance keeps its pace, a month later at the earliest.
            due = first_day + BALANCE_SPACING
        label = f"Solde (formation suivie en {MONTHS_FR[key[1] - 1]} {key[0]})" if key != (0, 0) else "Solde"
        schedule.append(Instalment(label, due, parts[key]))
    return [i for i in schedule if i.amount_cents > 0]


MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"]  # fmt: skip


def individual_amount_due_by(enrolment: Enrolment, day: dt.date) -> int:
    """The most that may have been invoiced to the trainee by `day` (0 before the contract's withdrawal period is
    over, or without a signed contract)."""
    if contract_signature(enrolment) is None:
        return 0
    return sum(i.amount_cents for i in individual_payment_schedule(enrolment) if i.due_on and i.due_on <= day)


# --- A free e-mail to a session's people ----------------------------------------------------------------------


@dataclass
class MailRecipient:
    name: str
    email: str  # "" when the person has no address


# The groups a free e-mail may be written to, in the order the page shows them.
MAIL_GROUPS = ("trainees", "contacts", "trainers")


def session_mail_audience(*, actor: Actor, session_id: int) -> dict[str, list[MailRecipient]]:
    """Who a free e-mail from the session may reach, per group: its trainees (not cancelled), the contact of each
    client enrolled (the client's own address when the enrolment names no contact) and its trainers. 404 when
    the session is not visible to the actor (seeing a session is the right to write to its people)."""
    session = session_queryset_for(actor).filter(pk=session_id).first()
    if session is None:
        raise Http404
    participants = (
        Participant.objects.filter(session=session)
        .exclude(status=ParticipantStatus.CANCELLED)
        .select_related("trainee")
        .order_by("trainee__last_name", "trainee__first_name")
    )
    enrolments = (
        Enrolment.objects.filter(session=session)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("client", "contact")
        .order_by("client__name")
    )
    contacts = []
    for enrolment in enrolments:
        if enrolment.contact is not None and enrolment.contact.email:
            who = f"{enrolment.contact} ({enrolment.client.name})"
            contacts.append(MailRecipient(who, enrolment.contact.email))
        else:
            contacts.append(MailRecipient(enrolment.client.name, enrolment.client.email))
    trainers = session.trainers.order_by("last_name", "first_name")
    return {
        "trainees": [MailRecipient(p.trainee.full_name, p.trainee.email) for p in participants],
        "contacts": contacts,
        "trainers": [MailRecipient(t.full_name, t.email) for t in trainers],
    }


# --- The trainer's space and the iCalendar feeds -----------------------------------------------------------


def trainer_of_actor(actor: Actor) -> Trainer | None:
    """The actor's own trainer profile in this organisation (a user may train in several OFs)."""
    return Trainer.objects.filter(organisation=actor.organisation, user=actor.user).first()


def _taught_slots(trainer: Trainer) -> QuerySet[Slot]:
    """The trainer's slots: the slots naming them, and those naming nobody of the sessions they teach (the
    session's trainers then teach it, as the attendance pages say). Cancelled sessions are left out."""
    return (
        Slot.objects.filter(organisation_id=trainer.organisation_id)
        .filter(Q(trainers=trainer) | Q(trainers__isnull=True, session__trainers=trainer))
        .exclude(session__status=SessionStatus.CANCELLED)
        .distinct()
    )


def _place_slots(place: Place) -> QuerySet[Slot]:
    """The place's slots: those held there, and those naming no place of sessions held there."""
    return (
        Slot.objects.filter(organisation_id=place.organisation_id)
        .filter(Q(place=place) | Q(place__isnull=True, session__place=place))
        .exclude(session__status=SessionStatus.CANCELLED)
    )


@dataclass
class TrainerSession:
    session: Session
    documents: list[Document]


@dataclass
class TrainerSpace:
    trainer: Trainer
    upcoming: list[TrainerSession]
    past: list[TrainerSession]
    feed: CalendarFeed | None


def trainer_space(*, actor: Actor) -> TrainerSpace:
    """The actor's sessions as a trainer (upcoming and past), their issued documents and the calendar address;
    PermissionDenied without a trainer profile here. A constant number of queries."""
    trainer = trainer_of_actor(actor)
    if trainer is None:
        raise PermissionDenied("sessions.trainer_space")
    sessions = list(
        Session.objects.filter(organisation=actor.organisation, trainers=trainer)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("place")
        .order_by("start_date", "pk")
        .distinct()[:300]
    )
    documents: dict[int, list[Document]] = {}
    issued = Document.objects.filter(
        organisation=actor.organisation,
        session_id_ref__in=[s.pk for s in sessions],
        status__in=[
            DocumentStatus.FINAL,
            DocumentStatus.AWAITING_SIGNATURES,
            DocumentStatus.SIGNED,
            DocumentStatus.DIFFUSED,
        ],
    ).order_by("kind", "title", "pk")
    for document in issued:
        documents.setdefault(int(document.session_id_ref or 0), []).append(document)
    today = timezone.localdate()
    upcoming: list[TrainerSession] = []
    past: list[TrainerSession] = []
    for session in sessions:
        last_day = session.end_date or session.start_date
        item = TrainerSession(session, documents.get(session.pk, []))
        (past if last_day is not None and last_day < today else upcoming).append(item)
    return TrainerSpace(
        trainer=trainer, upcoming=upcoming, past=past[::-1], feed=CalendarFeed.objects.filter(trainer=trainer).first()
    )


def place_feed(*, actor: Actor, place_id: int) -> tuple[Place, CalendarFeed | None]:
    """A place and its calendar address (staff: `org.view_all`)."""
    actor.require("org.view_all")
    place = place_get(actor=actor, place_id=place_id)
    return place, CalendarFeed.objects.filter(place=place).first()


def calendar_feed_slots(*, token: str) -> tuple[CalendarFeed, list[Slot]]:
    """The slots of the address `token` names (no login: the token is the key); 404 for an unknown, renewed or
    revoked one. Slots from a year back on."""
    feed = (
        CalendarFeed.objects.select_related("organisation", "trainer", "place")
        .filter(token_hash=CalendarFeed.hash_token(token))
        .first()
    )
    if feed is None:
        raise Http404
    if feed.trainer is not None:
        slots = _taught_slots(feed.trainer)
    elif feed.place is not None:
        slots = _place_slots(feed.place)
    else:  # the constraint forbids it
        raise Http404
    since = timezone.now() - dt.timedelta(days=366)
    return feed, list(
        slots.filter(starts_at__gte=since).select_related("place", "session__place").order_by("starts_at", "pk")[:2000]
    )
