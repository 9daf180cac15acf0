# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the quality app, scoped by the actor: the indicators' statuses, the registers, the audit calendar.

Admin and quality manager see the whole OF; a member-structure manager sees the statuses computed on their
structure's trainings, sessions and trainers (their share of the missing evidence); the registers are the
quality manager's.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from coopforma.accounts.actor import Actor
from coopforma.accounts.models import Organisation, TenantModel, TenantQuerySet
from coopforma.core.dates import add_months
from coopforma.people.models import Trainer, TrainerStatus
from coopforma.people.scope import actor_scope
from coopforma.quality import indicator_statuses
from coopforma.quality.indicators import BY_NUMBER, MINORS_MAKING_A_MAJOR, surveillance_scope
from coopforma.quality.models import (
    Audit,
    AuditKind,
    AuditPack,
    Complaint,
    Evidence,
    ImprovementAction,
    NonConformity,
    QualitySettings,
    RegistryCheck,
    Severity,
    SubcontractorCheck,
    WatchEntry,
)


def member_ids_for(actor: Actor) -> frozenset[int] | None:
    """None: the whole OF; otherwise the member structures whose share the actor sees."""
    actor.require("quality.view")
    scope = actor_scope(actor)
    return None if scope.all else scope.member_structure_ids


def statuses_for(
    *, actor: Actor, period: indicator_statuses.Period | None = None, today: dt.date | None = None
) -> list[indicator_statuses.IndicatorStatus]:
    return indicator_statuses.compute(actor.organisation, member_ids=member_ids_for(actor), period=period, today=today)


def indicator_status_get(
    *, actor: Actor, number: int, period: indicator_statuses.Period | None = None
) -> indicator_statuses.IndicatorStatus:
    if number not in BY_NUMBER:
        raise Http404
    return next(s for s in statuses_for(actor=actor, period=period) if s.number == number)


def settings_get(*, actor: Actor) -> QualitySettings:
    actor.require("quality.manage")
    return QualitySettings.objects.for_actor(actor).first() or QualitySettings(organisation=actor.organisation)


_T = TypeVar("_T", bound=TenantModel)


def _get(actor: Actor, qs: TenantQuerySet[_T], pk: int, flag: str = "quality.manage") -> _T:
    actor.require(flag)
    obj = qs.for_actor(actor).filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def evidence_get(*, actor: Actor, evidence_id: int) -> Evidence:
    item = _get(actor, Evidence.objects.all(), evidence_id, "quality.view")
    ids = member_ids_for(actor)
    if ids is not None and item.member_structure_id is not None and item.member_structure_id not in ids:
        raise Http404
    return item


def complaint_list(*, actor: Actor) -> QuerySet[Complaint]:
    actor.require("quality.manage")
    return Complaint.objects.for_actor(actor).select_related("session", "participant__trainee")


def complaint_get(*, actor: Actor, complaint_id: int) -> Complaint:
    return _get(actor, Complaint.objects.all(), complaint_id)


def improvement_list(*, actor: Actor) -> QuerySet[ImprovementAction]:
    actor.require("quality.manage")
    return ImprovementAction.objects.for_actor(actor).select_related("owner", "complaint")


def improvement_get(*, actor: Actor, improvement_id: int) -> ImprovementAction:
    return _get(actor, ImprovementAction.objects.all(), improvement_id)


def watch_list(*, actor: Actor) -> QuerySet[WatchEntry]:
    actor.require("quality.manage")
    return WatchEntry.objects.for_actor(actor)


def watch_get(*, actor: Actor, entry_id: int) -> WatchEntry:
    return _get(actor, WatchEntry.objects.all(), entry_id)


def check_list(*, actor: Actor) -> QuerySet[SubcontractorCheck]:
    actor.require("quality.manage")
    return SubcontractorCheck.objects.for_actor(actor).select_related("trainer")


def registry_check_list(*, actor: Actor) -> QuerySet[RegistryCheck]:
    """The organisation's lookups in the public list of OFs, latest first."""
    actor.require("quality.manage")
    return RegistryCheck.objects.for_actor(actor).select_related("trainer")


def subcontractors_with_registry_check(*, actor: Actor) -> list[tuple[Trainer, RegistryCheck | None]]:
    """Each subcontractor with its latest lookup in the public list of OFs (two queries whatever their number)."""
    latest = RegistryCheck.objects.filter(trainer=OuterRef("pk")).order_by("-checked_at", "-id").values("pk")[:1]
    trainers = list(subcontractors(actor=actor).annotate(latest_check=Subquery(latest)).order_by("last_name", "pk"))
    checks = RegistryCheck.objects.for_actor(actor).in_bulk([t.latest_check for t in trainers if t.latest_check])
    return [(t, checks.get(t.latest_check)) for t in trainers]


def subcontractors(*, actor: Actor) -> QuerySet[Trainer]:
    actor.require("quality.manage")
    return Trainer.objects.for_actor(actor).filter(status=TrainerStatus.SUBCONTRACTOR)


def audit_list(*, actor: Actor) -> QuerySet[Audit]:
    actor.require("quality.manage")
    return Audit.objects.for_actor(actor)


def audit_get(*, actor: Actor, audit_id: int) -> Audit:
    return _get(actor, Audit.objects.all(), audit_id)


def nonconformity_list(*, actor: Actor) -> QuerySet[NonConformity]:
    actor.require("quality.manage")
    return NonConformity.objects.for_actor(actor).select_related("audit")


def nonconformity_get(*, actor: Actor, nonconformity_id: int) -> NonConformity:
    return _get(actor, NonConformity.objects.select_related("audit"), nonconformity_id)


def audit_pack_list(*, actor: Actor) -> QuerySet[AuditPack]:
    actor.require("quality.manage")
    return AuditPack.objects.for_actor(actor).select_related("requested_by")


def audit_pack_get(*, actor: Actor, pack_id: int) -> AuditPack:
    return _get(actor, AuditPack.objects.all(), pack_id)


# --- The audit calendar ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarStep:
    kind: str
    label: str
    window_start: dt.date | None
    window_end: dt.date | None
    audit: Audit | None

    @property
    def state(self) -> str:
        """done, planned, to_plan (window open or close), late, later."""
        if self.audit and self.audit.done_on:
            return "done"
        if self.audit:
            return "planned"
        today = timezone.localdate()
        if self.window_end and self.window_end < today:
            return "late"
        if self.window_start and self.window_start <= today + dt.timedelta(days=90):
            return "to_plan"
        return "later"


def audit_calendar(org: Organisation, audits: list[Audit]) -> list[CalendarStep]:
    """The certification cycle from the certificate's dates: the initial audit before the certificate,
    the surveillance audit between the 14th and the 22nd month, the renewal audit before expiry (3 years)."""
    start = org.qualiopi_valid_from
    until = org.qualiopi_valid_until or (add_months(start, 36) - dt.timedelta(days=1) if start else None)

    def find(kind: str, lo: dt.date | None, hi: dt.date | None) -> Audit | None:
        for audit in audits:
            day = audit.done_on or audit.planned_on
            if audit.kind == kind and (lo is None or day >= lo) and (hi is None or day <= hi):
                return audit
        return None

    if start is None:
        return [
            CalendarStep(
                AuditKind.INITIAL, str(AuditKind.INITIAL.label), None, None, find(AuditKind.INITIAL, None, None)
            )
        ]
    surveillance = (add_months(start, 14), add_months(start, 22))
    renewal: tuple[dt.date | None, dt.date | None] = (add_months(until, -8), until) if until else (None, None)
    return [
        CalendarStep(AuditKind.INITIAL, str(AuditKind.INITIAL.label), None, start,
                     find(AuditKind.INITIAL, add_months(start, -12), start)),
        CalendarStep(AuditKind.SURVEILLANCE, str(AuditKind.SURVEILLANCE.label), *surveillance,
                     find(AuditKind.SURVEILLANCE, start, until)),
        CalendarStep(AuditKind.RENEWAL, str(AuditKind.RENEWAL.label), *renewal,
                     find(AuditKind.RENEWAL, add_months(start, 24), until)),
    ]  # fmt: skip


@dataclass(frozen=True)
class MinorsAlert:
    """Open minor non-conformities that count as a major one at the certifier's decision."""

    total: int
    by_indicator: list[tuple[int, int]]  # (indicator, open minors), most first


def minors_alert(*, actor: Actor) -> MinorsAlert | None:
    """Five minor non-conformities not lifted when the certifier decides count as one major (arrêté du 31 mai
    2023, MINORS_MAKING_A_MAJOR): the alert, with how many each indicator has, or None below the threshold."""
    actor.require("quality.manage")
    counts = Counter(
        NonConformity.objects.for_actor(actor)
        .filter(closed_on__isnull=True, severity=Severity.MINOR)
        .values_list("indicator", flat=True)
    )
    total = sum(counts.values())
    if total < MINORS_MAKING_A_MAJOR:
        return None
    return MinorsAlert(total, sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def surveillance_scope_for(*, actor: Actor, applicable: list[int], audits: list[Audit]) -> list[int]:
    """The indicators the next surveillance audit covers at least: those with non-conformities at the last audit
    done, the major-only ones, 1, 17, 19 (3 where it applies), all of them for a former new entrant
    (indicators.surveillance_scope)."""
    done = [a for a in audits if a.done_on]
    last = max(done, key=lambda a: (a.done_on, a.pk)) if done else None
    nc = (
        list(NonConformity.objects.for_actor(actor).filter(audit=last).values_list("indicator", flat=True))
        if last
        else []
    )
    settings = QualitySettings.objects.for_actor(actor).first()
    return surveillance_scope(
        applicable, nonconformity_indicators=nc, former_new_entrant=bool(settings and settings.new_entrant)
    )
