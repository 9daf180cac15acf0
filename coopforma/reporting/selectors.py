# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the BPF, scoped to the actor: the OF's Cerfa (flag bpf.view), a member structure's report (flag
bpf.member_report; member managers see only their structures), and the drill-down of every line."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import DurationField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation
from coopforma.attendance.models import ParticipantAttendance
from coopforma.people.models import ClientKind, MemberStructure, Trainer
from coopforma.people.scope import actor_scope
from coopforma.reporting.bpf import (
    C2_LINES,
    C_MAIN,
    LINE_LABELS,
    PAYER_LINE,
    SCHEME_LINE,
    Bpf,
    Scope,
    compute_bpf,
    duration,
    is_external_q,
    level_key,
    subcontracted_q,
)
from coopforma.reporting.models import BpfCharges
from coopforma.training_sessions.models import PayerKind, Slot

MIN_YEAR, MAX_YEAR = 2000, 2100


def current_fiscal_year(organisation: Organisation, today: dt.date | None = None) -> int:
    """The fiscal year that contains today, named by the calendar year in which it ends."""
    today = today or timezone.localdate()
    m = organisation.fiscal_year_start_month
    return today.year if m == 1 or today.month < m else today.year + 1


def check_year(year: int) -> int:
    """A BPF exists for years 2000–2100 only (any other year is a page that does not exist: 404)."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404("no such fiscal year")
    return year


def bpf_charges_get(*, actor: Actor, year: int) -> BpfCharges | None:
    """Frame D of a fiscal year as entered (None before it is): admin only (bpf.edit)."""
    actor.require("bpf.edit")
    return BpfCharges.objects.for_actor(actor).filter(fiscal_year=check_year(year)).first()


def bpf_get(*, actor: Actor, year: int) -> Bpf:
    actor.require("bpf.view")
    return compute_bpf(actor.organisation, check_year(year))


def member_structures_for(actor: Actor) -> QuerySet[MemberStructure]:
    actor.require("bpf.member_report")
    qs = MemberStructure.objects.for_actor(actor).order_by("name")
    scope = actor_scope(actor)
    if not scope.all:
        qs = qs.filter(pk__in=scope.member_structure_ids)
    return qs


def member_structure_get(*, actor: Actor, member_id: int) -> MemberStructure:
    member = member_structures_for(actor).filter(pk=member_id).first()
    if member is None:
        raise Http404
    return member


def member_report_get(*, actor: Actor, year: int, member_id: int) -> Bpf:
    member = member_structure_get(actor=actor, member_id=member_id)
    return compute_bpf(actor.organisation, check_year(year), member_structure=member)


# --- Drill-down -----------------------------------------------------------------------------------------------


@dataclass
class Drill:
    code: str
    label: str
    kind: str  # "invoices", "participants", "trainers", "enrolments"
    queryset: QuerySet
    extra: list | None = None  # G: enrolments recorded as counts only (with their year's figures)


def _money_q(code: str) -> Q:
    def line_q(line: str) -> Q:
        kinds = [k for k, v in PAYER_LINE.items() if v == line]
        schemes = [s for s, v in SCHEME_LINE.items() if v == line]
        return Q(payer_kind__in=kinds) | Q(payer_kind=PayerKind.OPCO, scheme__in=schemes)

    if code == "C.2":
        return _or([line_q(c) for c in C2_LINES])
    if code == "C.total":
        return _or([line_q(c) for c in [*C_MAIN, *C2_LINES] if c != "C.2"])
    if code == "C.unclassified":
        return ~_or([line_q(c) for c in [*C_MAIN, *C2_LINES] if c != "C.2"])
    return line_q(code)


def _or(qs: list[Q]) -> Q:
    out = Q(pk__in=[])
    for q in qs:
        out |= q
    return out


def _participant_q(code: str, bpf: Bpf) -> Q | None:
    direct = ~Q(enrolment__client__kind=ClientKind.TRAINING_ORG)
    if code == "G":
        return Q(enrolment__client__kind=ClientKind.TRAINING_ORG)
    if code.startswith("F1."):
        line = code[3:]
        if line == "total":
            return direct & ~Q(bpf_trainee_type="")
        if line == "remote":
            return direct & Q(
                session_id__in=Scope.of(bpf.organisation, bpf.year, _member_id(bpf)).remote_slots().values("session_id")
            )
        if line in "abcde" and len(line) == 1:
            return direct & Q(bpf_trainee_type=line)
    if code == "F2":
        return direct & subcontracted_q("session__")
    if code.startswith("F3."):
        rest = code[3:]
        if rest == "total":
            return direct & ~Q(session__training__bpf_objective="")
        if rest in "abcdef" and len(rest) == 1:
            return direct & Q(session__training__bpf_objective=rest)
        if rest.startswith("a.level_") or rest == "a.cqp_no_level":
            levels = [n for n in [None, 0, 2, 3, 4, 5, 6, 7, 8] if level_key(n) == code]
            level_q = Q(session__training__rncp_level__in=[n for n in levels if n is not None])
            if None in levels:
                level_q |= Q(session__training__rncp_level__isnull=True)
            return direct & Q(session__training__bpf_objective="a") & level_q
    if code.startswith("F4."):
        rest = code[3:]
        top = [nsf for nsf, _label, _fig in bpf.f4]
        if rest == "total":
            return direct & ~Q(session__training__nsf_code="")
        if rest == "others":
            excluded = Q(pk__in=[])
            for nsf in top:
                excluded |= Q(session__training__nsf_code__startswith=nsf)
            return direct & ~Q(session__training__nsf_code="") & ~excluded
        if rest.isdigit() and len(rest) == 3:
            return direct & Q(session__training__nsf_code__startswith=rest)
    return None


def _member_id(bpf: Bpf) -> int | None:
    return bpf.member_structure.pk if bpf.member_structure else None


def line_drill(*, bpf: Bpf, code: str) -> Drill:
    """The records a line of `bpf` sums (404 for an unknown code); querysets ordered, ready to paginate."""
    scope = Scope.of(bpf.organisation, bpf.year, bpf.member_structure.pk if bpf.member_structure else None)
    label = str(LINE_LABELS.get(code, code))
    if code.startswith("C."):
        if code not in LINE_LABELS:
            raise Http404
        invoices = scope.invoices()
        if scope.member_structure_id is not None:
            invoices = invoices.filter(shares__member_structure_id=scope.member_structure_id)
        return Drill(
            code,
            label,
            "invoices",
            invoices.filter(_money_q(code)).select_related("client").order_by("issued_on", "pk"),
        )
    if code in ("E.internal", "E.external"):
        slots = scope.slots()
        unassigned = slots.filter(trainers__isnull=True)
        by_slot = (
            Slot.objects.filter(pk__in=slots, trainers=OuterRef("pk"))
            .values("trainers")
            .annotate(d=duration())
            .values("d")
        )
        by_session = (
            Slot.objects.filter(pk__in=unassigned, session__trainers=OuterRef("pk"))
            .values("session__trainers")
            .annotate(d=duration())
            .values("d")
        )
        external = is_external_q()
        trainers = (
            Trainer.objects.filter(organisation=scope.organisation)
            .filter(Q(slots__in=slots) | Q(sessions__slots__in=unassigned))
            .filter(external if code == "E.external" else ~external)
            .distinct()
            .annotate(
                slot_minutes=Subquery(by_slot, output_field=DurationField()),
                session_minutes=Subquery(by_session, output_field=DurationField()),
            )
            .select_related("member_structure")
            .order_by("last_name", "first_name", "pk")
        )
        return Drill(code, label, "trainers", trainers)
    q = _participant_q(code, bpf)
    if q is None:
        raise Http404
    attended = (
        ParticipantAttendance.objects.filter(scope.in_year("slot__"), participant=OuterRef("pk"))
        .values("participant")
        .annotate(m=Sum("attended_minutes"))
        .values("m")
    )
    planned = scope.unrecorded_slots_of("session_id").values("session").annotate(d=duration()).values("d")
    qs = (
        scope.counted_participants()
        .filter(q)
        .annotate(
            attended_minutes=Coalesce(Subquery(attended, output_field=IntegerField()), 0),
            planned_duration=Subquery(planned, output_field=DurationField()),
        )
        .select_related("trainee", "session", "session__training", "enrolment__client")
        .order_by("session__start_date", "session_id", "trainee__last_name", "pk")
    )
    extra = None
    if code == "G":
        from coopforma.reporting.bpf import entrusted_enrolments, entrusted_figures

        enrolments = entrusted_enrolments(scope)
        figures = entrusted_figures(scope, enrolments)
        extra = list(enrolments.select_related("session", "client").order_by("session__start_date", "pk")[:200])
        for enrolment in extra:
            enrolment.year_trainees, enrolment.year_minutes = figures.get(enrolment.pk, (0, 0))
    return Drill(code, label, "participants", qs, extra)


def participant_minutes(p: Any) -> int:
    """The minutes a drilled participant row counts for (attended + planned unless an abandon)."""
    planned = 0
    if p.status != "dropped_out" and p.planned_duration:
        planned = int(p.planned_duration.total_seconds()) // 60
    return int(p.attended_minutes or 0) + planned
