# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reminders by e-mail (through the outbox) of what is due in the Qualiopi system: non-conformities to lift,
improvement actions, complaints awaiting an answer, audits coming up or to plan.

Run daily by the scheduler: `coopforma quality remind --due` (or the task `quality.tasks.remind_due`).
An item is recalled at most once every REPEAT_DAYS; an organisation gets at most one digest a day.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from coopforma.accounts.models import Membership, Organisation
from coopforma.accounts.roles import Role
from coopforma.core.links import absolute_url
from coopforma.core.mail import send_mail_logged
from coopforma.core.models import OutboundEmail
from coopforma.quality.models import Audit, Complaint, ImprovementAction, NonConformity

PURPOSE = "quality_reminder"
REPEAT_DAYS = 7
NC_NOTICE_DAYS = 30
ACTION_NOTICE_DAYS = 7
AUDIT_NOTICE_DAYS = 30


@dataclass
class Digest:
    organisation: Organisation
    lines: list[str] = field(default_factory=list)
    stamp: list[object] = field(default_factory=list)


def _stale(today: dt.date) -> Q:
    return Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lte=today - dt.timedelta(days=REPEAT_DAYS))


def digest_for(org: Organisation, today: dt.date) -> Digest:
    from coopforma.quality.selectors import audit_calendar

    digest = Digest(org)
    ncs = NonConformity.objects.filter(
        _stale(today), organisation=org, closed_on__isnull=True, due_on__lte=today + dt.timedelta(days=NC_NOTICE_DAYS)
    ).order_by("due_on")
    for nc in ncs:
        digest.lines.append(
            _("Non-conformité %(sev)s sur l'indicateur %(n)s à lever avant le %(d)s.")
            % {"sev": nc.get_severity_display().lower(), "n": nc.indicator, "d": f"{nc.due_on:%d/%m/%Y}"}
        )
        digest.stamp.append(nc)
    actions = ImprovementAction.objects.filter(
        _stale(today), organisation=org, done_on__isnull=True, due_on__lte=today + dt.timedelta(days=ACTION_NOTICE_DAYS)
    ).order_by("due_on")
    for action in actions:
        digest.lines.append(
            _("Action d'amélioration « %(a)s » : échéance le %(d)s.") % {"a": action, "d": f"{action.due_on:%d/%m/%Y}"}
        )
        digest.stamp.append(action)
    complaints = Complaint.objects.filter(
        _stale(today),
        Q(acknowledged_on__isnull=True, acknowledge_due__lte=today)
        | Q(answered_on__isnull=True, answer_due__lte=today),
        organisation=org,
        closed_on__isnull=True,
    ).order_by("received_on")
    for complaint in complaints:
        digest.lines.append(
            _("%(c)s : réponse attendue le %(d)s.") % {"c": complaint, "d": f"{complaint.answer_due:%d/%m/%Y}"}
        )
        digest.stamp.append(complaint)
    audits = list(Audit.objects.filter(organisation=org))
    for audit in audits:
        soon = audit.done_on is None and today <= audit.planned_on <= today + dt.timedelta(days=AUDIT_NOTICE_DAYS)
        stale = audit.last_reminded_on is None or audit.last_reminded_on <= today - dt.timedelta(days=REPEAT_DAYS)
        if soon and stale:
            digest.lines.append(_("%(a)s dans moins de %(n)s jours.") % {"a": audit, "n": AUDIT_NOTICE_DAYS})
            digest.stamp.append(audit)
    recent = OutboundEmail.objects.filter(
        organisation=org, purpose=PURPOSE, created_at__date__gt=today - dt.timedelta(days=REPEAT_DAYS)
    ).exists()
    if not recent:
        for step in audit_calendar(org, audits):
            if step.state == "to_plan":
                digest.lines.append(
                    _("%(a)s à planifier : fenêtre du %(s)s au %(e)s.")
                    % {"a": step.label, "s": f"{step.window_start:%d/%m/%Y}", "e": f"{step.window_end:%d/%m/%Y}"}
                )
            elif step.state == "late":
                digest.lines.append(_("%(a)s : la fenêtre est dépassée sans audit enregistré.") % {"a": step.label})
    return digest


def send_due(*, today: dt.date, organisation_slug: str | None = None) -> int:
    """Send each organisation's digest to its administrators and quality managers; returns e-mails queued."""
    orgs = Organisation.objects.all()
    if organisation_slug:
        orgs = orgs.filter(slug=organisation_slug)
    sent = 0
    for org in orgs:
        if OutboundEmail.objects.filter(organisation=org, purpose=PURPOSE, created_at__date=today).exists():
            continue
        digest = digest_for(org, today)
        if not digest.lines:
            continue
        recipients = sorted(
            set(
                Membership.objects.filter(
                    organisation=org, is_active=True, role__in=[Role.ADMIN, Role.QUALITY], user__is_active=True
                ).values_list("user__email", flat=True)
            )
        )
        url = absolute_url(reverse("quality:dashboard", kwargs={"org": org.slug}))
        body = "\n".join(
            [_("Bonjour,"), "", _("Échéances du système qualité de %(org)s :") % {"org": org.name}, ""]
            + [f"- {line}" for line in digest.lines]
            + ["", _("Tableau de bord qualité : %(url)s") % {"url": url}]
        )
        with transaction.atomic():
            for email in recipients:
                send_mail_logged(
                    organisation=org,
                    to=email,
                    subject=_("Qualité : %(n)s échéance(s) à suivre") % {"n": len(digest.lines)},
                    body=body,
                    purpose=PURPOSE,
                )
                sent += 1
            for obj in digest.stamp:
                type(obj).objects.filter(pk=obj.pk).update(last_reminded_on=today)  # type: ignore[attr-defined]
    return sent
