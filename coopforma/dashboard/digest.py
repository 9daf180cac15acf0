# SPDX-License-Identifier: AGPL-3.0-or-later
"""The weekly digest: each staff member gets, on Monday morning, the alerts of their own dashboard by e-mail
(through the outbox), with the link to each page where it is fixed. Nothing is sent to whoever has nothing
to do, nor to whoever opted out (from their dashboard).

Run by the scheduler every day (core/periodic.py, job « digest »): `coopforma dashboard digest --due` sends on
Mondays only, and never twice to the same person within a week.
"""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from coopforma.accounts.actor import Actor, actor_for
from coopforma.accounts.models import Membership, Organisation
from coopforma.core.links import absolute_url
from coopforma.core.mail import send_mail_logged
from coopforma.core.models import OutboundEmail
from coopforma.dashboard.alerts import Task
from coopforma.dashboard.models import DigestOptOut
from coopforma.dashboard.selectors import dashboard_for

PURPOSE = "dashboard_digest"
SEND_WEEKDAY = 0  # Monday, Europe/Paris
REPEAT_DAYS = 6


def task_absolute_url(task: Task, org: Organisation) -> str:
    return absolute_url(reverse(task.url_name, kwargs={"org": org.slug, **task.url_kwargs}) + task.query)


def digest_tasks(actor: Actor) -> list[Task]:
    """What the person's dashboard chases (the « info » lines stay on the dashboard)."""
    return [task for task in dashboard_for(actor=actor).tasks if task.level in ("err", "warn")]


def digest_body(actor: Actor, tasks: list[Task]) -> tuple[str, str]:
    org = actor.organisation
    subject = ngettext(
        "%(org)s : %(n)s point à suivre cette semaine",
        "%(org)s : %(n)s points à suivre cette semaine",
        len(tasks),
    ) % {"org": org.name, "n": len(tasks)}
    home = absolute_url(reverse("dashboard:home", kwargs={"org": org.slug}))
    lines = [_("Bonjour %(name)s,") % {"name": actor.user.get_short_name()}, ""]
    lines.append(_("Voici ce qui demande votre attention chez %(org)s :") % {"org": org.name})
    for task in tasks:
        lines += ["", f"- {task.label}", f"  {task_absolute_url(task, org)}"]
    lines += [
        "",
        _("Votre tableau de bord : %(url)s") % {"url": home},
        _("Pour ne plus recevoir ce récapitulatif du lundi, utilisez le bouton en bas de votre tableau de bord."),
    ]
    return subject, "\n".join(lines)


def digest_send(*, now: dt.datetime | None = None, due: bool = True, organisation_slug: str | None = None) -> int:
    """Queue each staff member's digest (on Mondays when `due`); returns how many e-mails were queued."""
    now = now or timezone.now()
    if due and timezone.localdate(now).weekday() != SEND_WEEKDAY:
        return 0
    memberships = (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("organisation_id", "pk")
    )
    if organisation_slug:
        memberships = memberships.filter(organisation__slug=organisation_slug)
    opted_out = set(DigestOptOut.objects.values_list("organisation_id", "user_id"))
    recent = set(
        OutboundEmail.objects.filter(purpose=PURPOSE, created_at__gt=now - dt.timedelta(days=REPEAT_DAYS)).values_list(
            "organisation_id", "to"
        )
    )
    sent = 0
    for membership in memberships:
        user, org = membership.user, membership.organisation
        if (org.pk, user.pk) in opted_out or (org.pk, user.email) in recent:
            continue
        actor = actor_for(user, org, membership.role)
        with override(user.preferred_language or "fr"):
            tasks = digest_tasks(actor)
            if not tasks:
                continue
            subject, body = digest_body(actor, tasks)
        with transaction.atomic():
            send_mail_logged(organisation=org, to=user.email, subject=subject, body=body, purpose=PURPOSE)
        sent += 1
    return sent
