# SPDX-License-Identifier: AGPL-3.0-or-later
"""The groupements' calendar: reminder e-mails and the iCalendar file.

A milestone of a groupement still forming or submitted is reminded once, `remind_days` days before its date (or
later that day range when the job missed a day), to the network's moderators and to the network's people who work
in one of the member organisations. Run by the scheduler every day (core/periodic.py, job « tenders_reminders »):
`coopforma tenders reminders`. The messages go through the outbox (core.mail.send_mail_logged).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override
from icalendar import Calendar, Event

from coopforma.accounts.models import User
from coopforma.core.links import absolute_url
from coopforma.core.mail import send_mail_logged
from coopforma.networks.models import NetworkPerson, NetworkRole
from coopforma.tenders.models import Consortium, ConsortiumMilestone, ConsortiumState

PURPOSE = "tenders.consortium_reminder"
OPEN_STATES = (ConsortiumState.FORMING, ConsortiumState.SUBMITTED)
MAX_REMIND_DAYS = 60


def due_milestones(today: dt.date) -> list[ConsortiumMilestone]:
    """Milestones not yet reminded whose reminder day has come and whose date has not passed."""
    candidates = ConsortiumMilestone.objects.filter(
        reminded_at__isnull=True,
        consortium__state__in=OPEN_STATES,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=MAX_REMIND_DAYS),
    ).select_related("consortium", "consortium__notice", "consortium__network")
    return [m for m in candidates.order_by("due_on", "pk") if m.due_on - dt.timedelta(days=m.remind_days) <= today]


def recipients(consortium: Consortium) -> list[User]:
    """The network's moderators and its people working (active membership) in a member organisation."""
    org_ids = list(consortium.members.values_list("organisation_id", flat=True))
    people = NetworkPerson.objects.filter(network_id=consortium.network_id, user__is_active=True).select_related("user")
    found: dict[int, User] = {}
    for person in people.order_by("user_id"):
        if (
            person.role == NetworkRole.MODERATOR
            or person.user.memberships.filter(organisation_id__in=org_ids, is_active=True).exists()
        ):
            found[person.user_id] = person.user
    return list(found.values())


def reminder_body(milestone: ConsortiumMilestone, today: dt.date) -> tuple[str, str]:
    consortium = milestone.consortium
    days = (milestone.due_on - today).days
    what = milestone.get_kind_display() + (f" ({milestone.label})" if milestone.label else "")
    subject = ngettext(
        "Groupement : %(what)s dans %(n)s jour",
        "Groupement : %(what)s dans %(n)s jours",
        days,
    ) % {"what": what, "n": days}
    page = absolute_url(
        reverse("tenders:consortium", kwargs={"network": consortium.network.slug, "consortium_id": consortium.pk})
    )
    lines = [
        _("Bonjour,"),
        "",
        _("Rappel pour le groupement qui répond à l'avis « %(object)s » (%(buyer)s) :")
        % {"object": consortium.notice.object, "buyer": consortium.notice.buyer or "—"},
        f"- {what} : {date_format(milestone.due_on, 'DATE_FORMAT')}",
        "",
        page,
    ]
    return subject, "\n".join(lines)


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders due today; returns how many e-mails were queued. Each milestone is reminded once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for milestone in due_milestones(today):
        with transaction.atomic():
            for user in recipients(milestone.consortium):
                with override(user.preferred_language or "fr"):
                    subject, body = reminder_body(milestone, today)
                send_mail_logged(
                    organisation=None, to=user.email, subject=subject, body=body, purpose=PURPOSE, about=milestone
                )
                sent += 1
            ConsortiumMilestone.objects.filter(pk=milestone.pk).update(reminded_at=now)
    return sent


# --- iCalendar ----------------------------------------------------------------------------------------------------


def _host() -> str:
    return urlparse(getattr(settings, "SITE_URL", "") or "").hostname or "coopforma.invalid"


def calendar_bytes(consortium: Consortium) -> bytes:
    """The groupement's dates as all-day events (RFC 5545): the notice's deadline in force (a timed event) and
    every milestone (UID `consortium-milestone-<id>@<host>`, stable)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Coopforma//Groupements//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Groupement — %(idweb)s") % {"idweb": consortium.notice.idweb})
    calendar.add("x-wr-timezone", "Europe/Paris")
    host = _host()
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    notice = consortium.notice
    if notice.current_deadline is not None:
        event = Event()
        event.add("uid", f"consortium-{consortium.pk}-deadline@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", notice.current_deadline.astimezone(dt.UTC))
        event.add("dtend", notice.current_deadline.astimezone(dt.UTC))
        event.add("summary", _("Date limite de réponse — %(object)s") % {"object": notice.object[:120]})
        calendar.add_component(event)
    for milestone in consortium.milestones.all():
        event = Event()
        event.add("uid", f"consortium-milestone-{milestone.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", milestone.due_on)
        event.add("dtend", milestone.due_on + dt.timedelta(days=1))
        summary = milestone.get_kind_display() + (f" ({milestone.label})" if milestone.label else "")
        event.add("summary", f"{summary} — {notice.idweb}")
        calendar.add_component(event)
    return calendar.to_ical()
