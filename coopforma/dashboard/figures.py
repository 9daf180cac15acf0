# SPDX-License-Identifier: AGPL-3.0-or-later
"""The numbers a manager looks at, for a period and optionally one member structure (docs/tableau-de-bord.md).

What is counted, so that every figure can be checked by hand:
- invoiced: the HT totals of the invoices issued in the period, minus the credit notes issued in it; per member
  structure, the shares frozen on issue (`MemberShare.basis_cents`, credit notes subtracted);
- paid: the payments received in the period (TTC, as the bank sees them);
- margin of a session: what was invoiced for it (HT, issued, credit notes subtracted, whatever the date) minus
  what is due to the member structures on those pieces (`MemberShare.due_cents`): the OF's own part. The app
  records no other cost per session (no trainer pay, no subcontracting price), so none is subtracted;
- fill rate: active trainees over maximum capacity, for the sessions starting in the period;
- hours delivered: the minutes attended by trainees (émargement) in the slots of the period;
- trainers' hours: each slot of the period, once per trainer of the slot (or of the session, when the slot names
  none);
- satisfaction: the share of positive answers to the « satisfaction » questions of the hot questionnaires of the
  sessions of the period (evaluations.selectors).
A fixed number of queries whatever the size of the period. Money in integer cents, minutes in integers.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from coopforma.accounts.actor import Actor
from coopforma.attendance.models import ParticipantAttendance
from coopforma.billing.models import Invoice, InvoiceKind, InvoiceStatus, MemberShare, Payment
from coopforma.evaluations.models import Measure, QuestionnaireKind
from coopforma.evaluations.selectors import figures_by_session, merge, percent
from coopforma.people.models import MemberStructure, Trainer
from coopforma.people.scope import actor_scope
from coopforma.training_sessions.models import ParticipantStatus, Session, SessionStatus, Slot
from coopforma.training_sessions.selectors import session_queryset_for

COUNTED_STATUSES = (SessionStatus.CONFIRMED, SessionStatus.RUNNING, SessionStatus.DONE)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included

    def aware_bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """From Paris midnight of the first day to Paris midnight after the last."""
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )


@dataclass
class SessionRow:
    session: Session
    trainees: int
    capacity: int
    attended_minutes: int
    invoiced_cents: int
    due_to_members_cents: int
    satisfaction: Decimal | None

    @property
    def margin_cents(self) -> int:
        return self.invoiced_cents - self.due_to_members_cents

    @property
    def fill_rate(self) -> Decimal | None:
        return percent(self.trainees, self.capacity)


@dataclass
class MemberRow:
    name: str
    invoiced_cents: int
    contribution_cents: int
    due_cents: int


@dataclass
class Figures:
    period: Period
    invoiced_cents: int
    paid_cents: int
    per_member: list[MemberRow]
    sessions: list[SessionRow]
    attended_minutes: int
    trainer_minutes: list[tuple[str, int]] = field(default_factory=list)  # (trainer, minutes), most first
    satisfaction: Decimal | None = None
    satisfaction_sample: int = 0

    @property
    def trainees(self) -> int:
        return sum(r.trainees for r in self.sessions)

    @property
    def capacity(self) -> int:
        return sum(r.capacity for r in self.sessions)

    @property
    def fill_rate(self) -> Decimal | None:
        return percent(self.trainees, self.capacity)

    @property
    def trainers_total_minutes(self) -> int:
        return sum(m for _n, m in self.trainer_minutes)

    @property
    def margin_cents(self) -> int:
        return sum(r.margin_cents for r in self.sessions)


def member_choices(*, actor: Actor) -> QuerySet[MemberStructure]:
    qs = MemberStructure.objects.filter(organisation=actor.organisation).order_by("name")
    scope = actor_scope(actor)
    return qs if scope.all else qs.filter(pk__in=scope.member_structure_ids or [])


def _signed(kind_field: str, amount_field: str) -> Sum:
    """Invoices count plus, credit notes minus."""
    return Sum(amount_field, filter=Q(**{kind_field: InvoiceKind.INVOICE}), default=0) - Sum(
        amount_field, filter=Q(**{kind_field: InvoiceKind.CREDIT_NOTE}), default=0
    )


def figures_get(*, actor: Actor, period: Period, member_id: int | None = None) -> Figures:
    """The figures of `period` for what the actor sees (money: `billing.view`; a member manager: their
    structures), restricted to the member structure `member_id` if given (one of `member_choices`)."""
    actor.require("billing.view")
    members = member_choices(actor=actor)
    member_ids: list[int] | None = None
    if member_id is not None:
        member_ids = list(members.filter(pk=member_id).values_list("pk", flat=True))
    elif not actor_scope(actor).all:
        member_ids = list(members.values_list("pk", flat=True))

    org = actor.organisation
    pieces = Invoice.objects.filter(
        organisation=org,
        status=InvoiceStatus.ISSUED,
        kind__in=(InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE),
    )
    in_period = pieces.filter(issued_on__gte=period.start, issued_on__lte=period.end)
    shares = MemberShare.objects.filter(
        organisation=org,
        invoice__status=InvoiceStatus.ISSUED,
        invoice__kind__in=(InvoiceKind.INVOICE, InvoiceKind.CREDIT_NOTE),
    )
    if member_ids is not None:
        shares = shares.filter(member_structure_id__in=member_ids)
    period_shares = shares.filter(invoice__issued_on__gte=period.start, invoice__issued_on__lte=period.end)
    per_member = [
        MemberRow(
            name=row["member_structure__name"],
            invoiced_cents=row["basis"] or 0,
            contribution_cents=row["contribution"] or 0,
            due_cents=row["due"] or 0,
        )
        for row in period_shares.values("member_structure_id", "member_structure__name")
        .annotate(
            basis=_signed("invoice__kind", "basis_cents"),
            contribution=_signed("invoice__kind", "contribution_cents"),
            due=_signed("invoice__kind", "due_cents"),
        )
        .order_by("member_structure__name")
    ]
    payments = Payment.objects.filter(organisation=org, paid_on__gte=period.start, paid_on__lte=period.end)
    if member_ids is None:
        invoiced = in_period.aggregate(total=_signed("kind", "total_ht_cents"))["total"] or 0
    else:
        invoiced = sum(r.invoiced_cents for r in per_member)
        payments = payments.filter(invoice__session__member_structure_id__in=member_ids)
    paid = payments.aggregate(total=Sum("amount_cents"))["total"] or 0

    sessions_qs = session_queryset_for(actor).filter(status__in=COUNTED_STATUSES)
    if member_ids is not None:
        sessions_qs = sessions_qs.filter(member_structure_id__in=member_ids)
    started = list(
        sessions_qs.filter(start_date__gte=period.start, start_date__lte=period.end)
        .select_related("member_structure")
        .annotate(
            trainees=Count("participants", filter=~Q(participants__status=ParticipantStatus.CANCELLED), distinct=True)
        )
        .order_by("start_date", "pk")
    )
    ids = [s.pk for s in started]
    attended = dict(
        ParticipantAttendance.objects.filter(slot__session_id__in=ids)
        .values("slot__session_id")
        .annotate(m=Sum("attended_minutes"))
        .values_list("slot__session_id", "m")
    )
    invoiced_by_session = dict(
        pieces.filter(session_id__in=ids)
        .values("session_id")
        .annotate(t=_signed("kind", "total_ht_cents"))
        .values_list("session_id", "t")
    )
    due_by_session = dict(
        shares.filter(invoice__session_id__in=ids)
        .values("invoice__session_id")
        .annotate(t=_signed("invoice__kind", "due_cents"))
        .values_list("invoice__session_id", "t")
    )
    evaluations = figures_by_session(ids)
    key = (QuestionnaireKind.HOT.value, Measure.SATISFACTION.value)
    rows = [
        SessionRow(
            session=s,
            trainees=s.trainees,  # type: ignore[attr-defined]
            capacity=s.max_capacity,
            attended_minutes=attended.get(s.pk) or 0,
            invoiced_cents=invoiced_by_session.get(s.pk) or 0,
            due_to_members_cents=due_by_session.get(s.pk) or 0,
            satisfaction=evaluations[s.pk].rate(*key) if s.pk in evaluations else None,
        )
        for s in started
    ]
    merged = merge(evaluations[i] for i in ids if i in evaluations)

    low, high = period.aware_bounds()
    slots = Slot.objects.filter(session__in=sessions_qs, starts_at__gte=low, starts_at__lt=high)
    attended_minutes = (
        ParticipantAttendance.objects.filter(slot__in=slots).aggregate(m=Sum("attended_minutes"))["m"] or 0
    )
    slot_rows = list(slots.values_list("pk", "session_id", "starts_at", "ends_at"))
    named: dict[int, set[int]] = defaultdict(set)
    for slot_id, trainer_id in Slot.trainers.through.objects.filter(slot__in=slots).values_list(
        "slot_id", "trainer_id"
    ):
        named[slot_id].add(trainer_id)
    by_session: dict[int, set[int]] = defaultdict(set)
    for session_id, trainer_id in Session.trainers.through.objects.filter(
        session_id__in={row[1] for row in slot_rows}
    ).values_list("session_id", "trainer_id"):
        by_session[session_id].add(trainer_id)
    per_trainer: dict[int, int] = defaultdict(int)
    for slot_id, session_id, starts_at, ends_at in slot_rows:
        minutes = int((ends_at - starts_at).total_seconds() // 60)  # exact minutes, in UTC
        for trainer_id in named.get(slot_id) or by_session.get(session_id, set()):
            per_trainer[trainer_id] += minutes
    names = {t.pk: t.full_name for t in Trainer.objects.filter(pk__in=per_trainer)}
    trainer_minutes = sorted(((names[t], m) for t, m in per_trainer.items()), key=lambda item: (-item[1], item[0]))

    return Figures(
        period=period,
        invoiced_cents=invoiced,
        paid_cents=paid,
        per_member=per_member,
        sessions=rows,
        attended_minutes=attended_minutes,
        trainer_minutes=trainer_minutes,
        satisfaction=merged.rate(*key),
        satisfaction_sample=merged.sample(*key),
    )
