# SPDX-License-Identifier: AGPL-3.0-or-later
"""Alerts that chase what matters: what is late or about to be, each with its sentence, its count and the page
where it is fixed. Shown on every role's dashboard and sent in the weekly digest (dashboard/digest.py).

Every alert reads the sessions the actor may see (`session_queryset_for`), so a trainer is chased for their own
sessions only and a member manager for their structure's; money alerts need `billing.manage`. One query per
kind of alert whatever the number of records (grouped per session in the database, at most LIST_LIMIT rows).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coopforma.accounts.actor import Actor
from coopforma.accounts.roles import Role
from coopforma.attendance.models import SlotAttendance, SlotState
from coopforma.core.formatting import fr_date, fr_time
from coopforma.documents.models import Document, DocumentStatus
from coopforma.enquiries.selectors import new_enquiry_count
from coopforma.evaluations.models import QuestionnaireKind, Survey, SurveyStatus
from coopforma.people.scope import actor_scope
from coopforma.quality.models import Audit, AuditKind
from coopforma.quality.selectors import audit_calendar
from coopforma.training_sessions.models import (
    Enrolment,
    EnrolmentStatus,
    Participant,
    ParticipantStatus,
    Session,
    SessionStatus,
    Slot,
)

LIST_LIMIT = 8
# A convention must be signed before the training starts (Code du travail L6353-1, D6353-1): chase it a week ahead.
CONVENTION_NOTICE_DAYS = 7
# The agreement documents, one of which binds an enrolment (convention, contract with an individual, bilan).
AGREEMENT_KINDS = ("convention", "contract", "skills_assessment_convention")
# A questionnaire open for this long with fewer answers than this share of the people asked is chased.
SURVEY_GRACE_DAYS = 7
LOW_RESPONSE_PERCENT = 50
# Certificates of sessions ended within a year are chased: the most recent sessions one by one, the others summed.
CERTIFICATE_LOOKBACK_DAYS = 365
CERTIFICATE_LINES = 3
# Sessions whose slots happen: drafts and cancelled ones are not chased.
LIVE_STATUSES = (SessionStatus.CONFIRMED, SessionStatus.RUNNING, SessionStatus.DONE)


@dataclass
class Task:
    """One thing to do, with where to do it (`count`: how many things the sentence is about)."""

    label: str
    url_name: str
    url_kwargs: dict[str, object] = field(default_factory=dict)
    query: str = ""
    level: str = "warn"  # warn | err | info
    count: int = 1


def alerts_for(*, actor: Actor, sessions: QuerySet[Session], now: dt.datetime | None = None) -> list[Task]:
    """The alerts of what is late in the sessions the actor sees (`sessions`), most urgent kinds first."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    live = sessions.filter(status__in=LIVE_STATUSES)
    tasks = _unsigned_slots(actor, live, now)
    # Trainers are chased for what they do in the room (émargement, questionnaires), not for the paperwork.
    if actor.role != Role.TRAINER:
        tasks += _unsigned_agreements(actor, live, today)
        tasks += _certificates_not_sent(actor, live, today)
    if actor.has("evaluations.view"):
        tasks += _low_response_surveys(live, now)
    if actor.has("quality.manage"):
        tasks += _qualiopi_window(actor, today)
    if actor.has("enquiries.view"):
        tasks += _new_enquiries(actor)
    return tasks


def _new_enquiries(actor: Actor) -> list[Task]:
    """Requests from the public catalogue nobody has taken up yet (« Nouvelle »), among those the actor sees."""
    count = new_enquiry_count(actor=actor)
    if not count:
        return []
    return [
        Task(
            ngettext(
                "%(n)s demande nouvelle reçue du catalogue public, à traiter",
                "%(n)s demandes nouvelles reçues du catalogue public, à traiter",
                count,
            )
            % {"n": count},
            "enquiries_office:list",
            query="?status=new",
            count=count,
        )
    ]


def _unsigned_slots(actor: Actor, sessions: QuerySet[Session], now: dt.datetime) -> list[Task]:
    """Slots that ended without their émargement closed (R6313-3: the attendance proves the training happened)."""
    closed = SlotAttendance.objects.filter(slot=OuterRef("pk"), state=SlotState.CLOSED)
    past = Slot.objects.filter(organisation=actor.organisation, session__in=sessions, ends_at__lt=now).exclude(
        Exists(closed)
    )
    # The slot's page is run by the quality side and the slot's trainers; a member manager follows the session's
    # émargement grid instead (attendance.selectors.slot_can_run).
    runs_slots = actor.sees_all or actor.role == Role.TRAINER
    trainer_id = actor_scope(actor).trainer_id
    if not actor.sees_all and trainer_id is not None:
        past = past.filter(Q(trainers=trainer_id) | Q(trainers__isnull=True))
    first = past.filter(session_id=OuterRef("session_id")).order_by("starts_at", "pk")
    rows = (
        past.values("session_id", "session__title")
        .annotate(n=Count("pk"), first_at=Min("starts_at"), first_id=Subquery(first.values("pk")[:1]))
        .order_by("first_at", "session_id")[:LIST_LIMIT]
    )
    return [
        Task(
            ngettext(
                "« %(title)s » : %(n)s créneau passé sans émargement clos (le %(date)s à %(time)s)",
                "« %(title)s » : %(n)s créneaux passés sans émargement clos (le premier le %(date)s à %(time)s)",
                row["n"],
            )
            % {
                "title": row["session__title"],
                "n": row["n"],
                "date": fr_date(row["first_at"]),
                "time": fr_time(row["first_at"]),
            },
            "attendance:slot" if runs_slots else "attendance:session",
            {"slot_id": row["first_id"]} if runs_slots else {"session_id": row["session_id"]},
            level="err",
            count=row["n"],
        )
        for row in rows
    ]


def _unsigned_agreements(actor: Actor, sessions: QuerySet[Session], today: dt.date) -> list[Task]:
    """Enrolments of a session starting within a week (or running) whose convention or contract is not signed
    (electronically, by a scanned signed copy, or on paper for a contract)."""
    signed = Document.objects.filter(
        Q(status=DocumentStatus.SIGNED) | ~Q(signed_sha256="") | ~Q(scan=""),
        organisation=actor.organisation,
        kind__in=AGREEMENT_KINDS,
        subject_type=ContentType.objects.get_for_model(Enrolment),
        subject_id=OuterRef("pk"),
    ).exclude(status=DocumentStatus.REPLACED)
    soon = sessions.filter(
        Q(end_date__gte=today) | Q(end_date__isnull=True),
        status__in=(SessionStatus.CONFIRMED, SessionStatus.RUNNING),
        start_date__lte=today + dt.timedelta(days=CONVENTION_NOTICE_DAYS),
    )
    rows = (
        Enrolment.objects.filter(organisation=actor.organisation, session__in=soon, contract_signed_on__isnull=True)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .exclude(Exists(signed))
        .values("session_id", "session__title", "session__start_date")
        .annotate(n=Count("pk"))
        .order_by("session__start_date", "session_id")[:LIST_LIMIT]
    )
    return [
        Task(
            ngettext(
                "« %(title)s » commence le %(date)s : %(n)s convention ou contrat non signé",
                "« %(title)s » commence le %(date)s : %(n)s conventions ou contrats non signés",
                row["n"],
            )
            % {"title": row["session__title"], "date": fr_date(row["session__start_date"]), "n": row["n"]},
            "documents:session",
            {"session_id": row["session_id"]},
            level="err" if row["session__start_date"] <= today else "warn",
            count=row["n"],
        )
        for row in rows
    ]


def _certificates_not_sent(actor: Actor, sessions: QuerySet[Session], today: dt.date) -> list[Task]:
    """Trainees of an ended session whose certificat de réalisation was never sent (R6332-26: it goes to the
    funder and the trainee after the training)."""
    sent = Document.objects.filter(
        organisation=actor.organisation,
        kind="certificate",
        subject_type=ContentType.objects.get_for_model(Participant),
        subject_id=OuterRef("pk"),
        diffused_at__isnull=False,
    )
    missing = (
        Participant.objects.filter(
            organisation=actor.organisation,
            session__in=sessions.filter(
                end_date__lt=today, end_date__gte=today - dt.timedelta(days=CERTIFICATE_LOOKBACK_DAYS)
            ),
        )
        .exclude(status=ParticipantStatus.CANCELLED)
        .exclude(Exists(sent))
    )
    # Every session concerned in one query (at most a year of sessions): the latest one by one, the others summed.
    rows = list(
        missing.values("session_id", "session__title", "session__end_date")
        .annotate(n=Count("pk"))
        .order_by("-session__end_date", "-session_id")
    )
    tasks = [
        Task(
            ngettext(
                "« %(title)s » terminée le %(date)s : %(n)s certificat de réalisation non envoyé",
                "« %(title)s » terminée le %(date)s : %(n)s certificats de réalisation non envoyés",
                row["n"],
            )
            % {"title": row["session__title"], "date": fr_date(row["session__end_date"]), "n": row["n"]},
            "documents:session",
            {"session_id": row["session_id"]},
            count=row["n"],
        )
        for row in rows[:CERTIFICATE_LINES]
    ]
    older = rows[CERTIFICATE_LINES:]
    if older:
        n = sum(row["n"] for row in older)
        tasks.append(
            Task(
                ngettext(
                    "Et %(s)s autre session terminée depuis moins d'un an : %(n)s certificat(s) de réalisation "
                    "non envoyé(s)",
                    "Et %(s)s autres sessions terminées depuis moins d'un an : %(n)s certificat(s) de réalisation "
                    "non envoyé(s)",
                    len(older),
                )
                % {"s": len(older), "n": n},
                "sessions:list",
                query="?status=done",
                count=n,
            )
        )
    return tasks


def _low_response_surveys(sessions: QuerySet[Session], now: dt.datetime) -> list[Task]:
    """Open questionnaires, sent a while ago, that fewer than half of the people asked answered (Qualiopi
    indicator 30: the appraisals are collected; a low rate is chased while it can still be raised)."""
    surveys = (
        Survey.objects.filter(
            session__in=sessions,
            status=SurveyStatus.OPEN,
            opened_at__lte=now - dt.timedelta(days=SURVEY_GRACE_DAYS),
        )
        .exclude(questionnaire__kind=QuestionnaireKind.SKILLS)  # filled in by the trainer, chased apart
        .annotate(
            asked=Count("invitations", filter=Q(invitations__sent_at__isnull=False)),
            answered=Count("invitations", filter=Q(invitations__answered_at__isnull=False)),
        )
        .filter(asked__gt=0, answered__lt=F("asked") * LOW_RESPONSE_PERCENT / 100.0)
        .select_related("session", "questionnaire")
        .order_by("opened_at", "pk")[:LIST_LIMIT]
    )
    tasks = []
    for survey in surveys:
        asked, answered = survey.asked, survey.answered  # type: ignore[attr-defined]
        tasks.append(
            Task(
                _("« %(q)s » de « %(title)s » : %(rate)s %% de réponses (%(a)s sur %(n)s), à relancer")
                % {
                    "q": survey.questionnaire.title,
                    "title": survey.session.title,
                    "rate": answered * 100 // asked,
                    "a": answered,
                    "n": asked,
                },
                "evaluations:survey",
                {"survey_id": survey.pk},
                count=asked - answered,
            )
        )
    return tasks


def _qualiopi_window(actor: Actor, today: dt.date) -> list[Task]:
    """The certification cycle's audit windows that are open with no audit planned, or past (Qualiopi
    surveillance between the 14th and 22nd month, renewal before the certificate expires)."""
    org = actor.organisation
    if org.qualiopi_valid_from is None:
        return []
    tasks = []
    for step in audit_calendar(org, list(Audit.objects.filter(organisation=org))):
        if step.kind not in (AuditKind.SURVEILLANCE, AuditKind.RENEWAL):  # the initial audit is behind us
            continue
        if step.state == "late":
            tasks.append(
                Task(
                    _("%(audit)s Qualiopi : la fenêtre s'est close le %(end)s sans audit enregistré")
                    % {"audit": step.label, "end": fr_date(step.window_end)},
                    "quality:audits",
                    level="err",
                )
            )
        elif step.state == "to_plan" and step.window_start and step.window_start <= today:
            tasks.append(
                Task(
                    _("%(audit)s Qualiopi à planifier : fenêtre ouverte depuis le %(start)s, jusqu'au %(end)s")
                    % {"audit": step.label, "start": fr_date(step.window_start), "end": fr_date(step.window_end)},
                    "quality:audits",
                    level="err",
                )
            )
    return tasks
