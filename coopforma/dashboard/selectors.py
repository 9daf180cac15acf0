# SPDX-License-Identifier: AGPL-3.0-or-later
"""The dashboard: per role, what to do next. A fixed number of queries whatever the size of the OF."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopforma.accounts.actor import Actor
from coopforma.billing.models import Invoice, InvoiceKind, InvoiceStatus, Reminder
from coopforma.billing.selectors import with_amounts
from coopforma.catalogue.models import ActionCategory, TrainingStatus
from coopforma.catalogue.selectors import training_list, uncertified_categories_sold
from coopforma.core.money import format_cents
from coopforma.dashboard.alerts import Task, alerts_for
from coopforma.dashboard.models import DigestOptOut
from coopforma.evaluations.selectors import skills_to_assess
from coopforma.people.models import OnboardingState
from coopforma.people.scope import actor_scope
from coopforma.people.selectors import trainer_queryset
from coopforma.quality.indicators import MINORS_MAKING_A_MAJOR
from coopforma.quality.models import Complaint, ImprovementAction, NonConformity, Severity
from coopforma.training_sessions.models import ParticipantStatus, SessionStatus, Slot
from coopforma.training_sessions.selectors import TO_CLOSE_STATUSES, session_queryset_for

LIST_LIMIT = 8
UPCOMING_DAYS = 30


@dataclass
class Dashboard:
    stats: dict[str, int]
    tasks: list[Task]
    upcoming_sessions: list
    next_slots: list
    pending_trainers: list
    submitted_trainings: list
    my_drafts: list
    organisation_gaps: list[str]


def _organisation_gaps(actor: Actor) -> list[str]:
    """Data the regulated documents and the BPF will need (regulations.md §2.2 A, §3.1)."""
    org = actor.organisation
    needed = {
        _("numéro de déclaration d'activité (NDA)"): org.nda,
        _("SIRET"): org.siret,
        _("code NAF"): org.naf_code,
        _("adresse"): org.street and org.city,
        _("dirigeant·e"): org.head_name,
        _("référent·e handicap"): org.disability_referent_name,
    }
    return [label for label, value in needed.items() if not value]


def dashboard_for(*, actor: Actor) -> Dashboard:
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=UPCOMING_DAYS)
    sessions = session_queryset_for(actor)
    scope = actor_scope(actor)
    live = ~Q(status=SessionStatus.CANCELLED)

    counts = sessions.aggregate(
        upcoming=Count("pk", filter=live & Q(start_date__gte=today, start_date__lte=horizon)),
        running=Count("pk", filter=Q(status=SessionStatus.RUNNING)),
        drafts=Count("pk", filter=Q(status=SessionStatus.DRAFT)),
        to_close=Count("pk", filter=Q(status__in=TO_CLOSE_STATUSES, end_date__lt=today)),
    )
    upcoming = list(
        sessions.filter(live, start_date__gte=today, start_date__lte=horizon)
        .select_related("member_structure")
        .annotate(
            trainee_count=Count(
                "participants", filter=~Q(participants__status=ParticipantStatus.CANCELLED), distinct=True
            )
        )
        .order_by("start_date", "pk")[:LIST_LIMIT]
    )
    under_filled = [s for s in upcoming if s.trainee_count < s.min_capacity]

    next_slots: list = []
    if scope.trainer_id is not None:
        next_slots = list(
            Slot.objects.filter(
                organisation=actor.organisation,
                trainers=scope.trainer_id,
                starts_at__gte=timezone.now(),
                session__in=sessions.filter(live),
            )
            .select_related("session", "place")
            .order_by("starts_at")[:LIST_LIMIT]
        )

    pending_trainers: list = []
    if actor.has("trainers.validate") or actor.has("trainers.propose"):
        pending_trainers = list(
            trainer_queryset(actor=actor)
            .filter(onboarding_state=OnboardingState.APPLIED)
            .select_related("member_structure")
            .order_by("applied_at", "pk")[:LIST_LIMIT]
        )
    submitted: list = []
    if actor.has("catalogue.validate"):
        submitted = list(
            training_list(actor=actor, filters={"status": TrainingStatus.SUBMITTED})
            .select_related("member_structure")
            .order_by("pk")[:LIST_LIMIT]
        )
    my_drafts = list(
        training_list(actor=actor, filters={"status": TrainingStatus.DRAFT, "mine": True}).order_by("-pk")[:LIST_LIMIT]
    )

    tasks: list[Task] = alerts_for(actor=actor, sessions=sessions)
    if counts["to_close"]:
        tasks.append(
            Task(
                _("%(n)s session(s) passée(s) à clôturer") % {"n": counts["to_close"]},
                "sessions:list",
                query="?to_close=on",
                level="err",
            )
        )
    for s in under_filled:
        tasks.append(
            Task(
                _("« %(title)s » commence le %(date)s avec %(n)s stagiaire(s) pour un minimum de %(min)s")
                % {
                    "title": s.title,
                    "date": s.start_date.strftime("%d/%m/%Y") if s.start_date else "—",
                    "n": s.trainee_count,
                    "min": s.min_capacity,
                },
                "sessions:detail",
                {"pk": s.pk},
            )
        )
    if counts["drafts"]:
        tasks.append(
            Task(
                _("%(n)s session(s) en brouillon à confirmer") % {"n": counts["drafts"]},
                "sessions:list",
                query="?status=draft",
                level="info",
            )
        )
    for t in pending_trainers:
        tasks.append(
            Task(
                _("Candidature de %(name)s (%(member)s) à examiner en comité")
                % {"name": t.full_name, "member": t.member_structure or t.get_employer_display()},
                "people:trainer_detail",
                {"pk": t.pk},
            )
        )
    for training in submitted:
        tasks.append(
            Task(
                _("Programme « %(title)s » soumis à validation") % {"title": training.title},
                "catalogue:detail",
                {"pk": training.pk},
            )
        )
    tasks += _qualiopi_scope_tasks(actor, today)
    tasks += _billing_tasks(actor, today) + _quality_tasks(actor, today) + _evaluation_tasks(actor)
    gaps = _organisation_gaps(actor) if actor.is_admin else []
    if gaps:
        tasks.append(
            Task(
                _("Compléter la fiche de l'organisme : %(fields)s") % {"fields": ", ".join(gaps)},
                "org:settings",
                level="err",
            )
        )

    stats = {
        "upcoming": counts["upcoming"],
        "running": counts["running"],
        "drafts": counts["drafts"],
        "to_close": counts["to_close"],
    }
    return Dashboard(
        stats=stats,
        tasks=tasks,
        upcoming_sessions=upcoming,
        next_slots=next_slots,
        pending_trainers=pending_trainers,
        submitted_trainings=submitted,
        my_drafts=my_drafts,
        organisation_gaps=gaps,
    )


def _qualiopi_scope_tasks(actor: Actor, today: dt.date) -> list[Task]:
    """Validated trainings of a category the Qualiopi certificate does not cover today (R6316-1: certification
    per category; L6316-1: no public or mutualised funding without it), for who validates or runs quality."""
    if not (actor.has("catalogue.validate") or actor.has("quality.manage")):
        return []
    tasks = []
    for category, n in uncertified_categories_sold(actor=actor, day=today):
        label = str(ActionCategory(category).label).lower() if category in ActionCategory.values else category
        tasks.append(
            Task(
                ngettext(
                    "%(n)s formation validée relève des « %(c)s », hors du périmètre de votre certificat Qualiopi "
                    "en cours de validité : ni financement public ou mutualisé (L6316-1) ni marque Qualiopi",
                    "%(n)s formations validées relèvent des « %(c)s », hors du périmètre de votre certificat "
                    "Qualiopi en cours de validité : ni financement public ou mutualisé (L6316-1) ni marque Qualiopi",
                    n,
                )
                % {"n": n, "c": label},
                "catalogue:list",
                query="?status=validated",
                level="err",
            )
        )
    return tasks


def _billing_tasks(actor: Actor, today: dt.date) -> list[Task]:
    """Issued invoices past their due date with something still to pay, and the reminders sent this month (two
    queries)."""
    if not actor.has("billing.manage"):
        return []
    late = (
        with_amounts(
            Invoice.objects.filter(
                organisation=actor.organisation,
                kind=InvoiceKind.INVOICE,
                status=InvoiceStatus.ISSUED,
                due_on__lt=today,
            )
        )
        .filter(balance_cents__gt=0)
        .aggregate(n=Count("pk"), total=Sum("balance_cents"))
    )
    month_start = timezone.make_aware(dt.datetime.combine(today.replace(day=1), dt.time.min))
    reminded = Reminder.objects.filter(organisation=actor.organisation, sent_at__gte=month_start).count()
    tasks = []
    if late["n"]:
        tasks.append(
            Task(
                _("%(n)s facture(s) échue(s) à encaisser : %(total)s")
                % {"n": late["n"], "total": format_cents(late["total"])},
                "billing:list",
                query="?overdue=on",
                level="err",
                count=late["n"],
            )
        )
    if late["n"] or reminded:
        tasks.append(
            Task(
                _("%(n)s relance(s) de factures échues envoyée(s) ce mois-ci") % {"n": reminded},
                "billing:reminders",
                level="info",
            )
        )
    return tasks


def _quality_tasks(actor: Actor, today: dt.date) -> list[Task]:
    """Late answers to complaints, late improvement actions, non-conformities due within a month."""
    if not actor.has("quality.manage"):
        return []
    org = actor.organisation
    complaints = Complaint.objects.filter(
        organisation=org, closed_on__isnull=True, answered_on__isnull=True, answer_due__lt=today
    ).count()
    actions = ImprovementAction.objects.filter(organisation=org, done_on__isnull=True, due_on__lt=today).count()
    ncs = NonConformity.objects.filter(
        organisation=org, closed_on__isnull=True, due_on__lte=today + dt.timedelta(days=30)
    ).count()
    tasks = []
    minors = NonConformity.objects.filter(organisation=org, closed_on__isnull=True, severity=Severity.MINOR).count()
    if minors >= MINORS_MAKING_A_MAJOR:
        tasks.append(
            Task(
                _(
                    "%(n)s non-conformités mineures non levées : elles valent une non-conformité majeure à la "
                    "décision du certificateur (arrêté du 31 mai 2023)"
                )
                % {"n": minors},
                "quality:dashboard",
                level="err",
            )
        )
    if complaints:
        tasks.append(
            Task(
                _("%(n)s réclamation(s) sans réponse après l'échéance") % {"n": complaints},
                "quality:complaints",
                level="err",
            )
        )
    if ncs:
        tasks.append(
            Task(
                _("%(n)s non-conformité(s) à lever dans le mois") % {"n": ncs},
                "quality:audits",
                level="err",
            )
        )
    if actions:
        tasks.append(Task(_("%(n)s action(s) d'amélioration en retard") % {"n": actions}, "quality:improvements"))
    return tasks


def _evaluation_tasks(actor: Actor) -> list[Task]:
    """For trainers: the acquired-skills assessments of their sessions still to fill in."""
    if actor.sees_all or not actor.has("evaluations.view"):
        return []
    waiting = len(skills_to_assess(actor=actor))
    if not waiting:
        return []
    return [
        Task(
            _("%(n)s évaluation(s) des acquis à renseigner") % {"n": waiting},
            "evaluations:assess_list",
        )
    ]


def digest_subscribed(*, actor: Actor) -> bool:
    """Whether the person receives the Monday e-mail of their alerts in this organisation (yes unless opted out)."""
    return not DigestOptOut.objects.filter(organisation=actor.organisation, user=actor.user).exists()
