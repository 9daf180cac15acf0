# SPDX-License-Identifier: AGPL-3.0-or-later
"""The watch profiles' digests: each active profile's recipient gets, daily or on Mondays, the open calls for
tenders that match the profile and that its digest never sent (`DigestEntry`: once per notice and profile),
reserved ESS contracts first when the profile asks so, with the deadline, the buyer and the links. Nothing is
sent when nothing is new.

Run by the scheduler every day (core/periodic.py, job « tenders_digest »): `coopforma tenders digest --due`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from coopforma.core.links import absolute_url
from coopforma.core.mail import send_mail_logged
from coopforma.tenders.models import DigestEntry, Frequency, Nature, Notice, WatchProfile
from coopforma.tenders.training import Match, match

PURPOSE = "tenders.digest"
SEND_WEEKDAY = 0  # Monday, Europe/Paris
MAX_NOTICES = 50


def is_due(profile: WatchProfile, now: dt.datetime) -> bool:
    today = timezone.localdate(now)
    last = timezone.localdate(profile.last_digest_at) if profile.last_digest_at else None
    if profile.frequency == Frequency.DAILY:
        return last is None or last < today
    return today.weekday() == SEND_WEEKDAY and (last is None or (today - last).days >= 6)


def new_matches(profile: WatchProfile, now: dt.datetime) -> list[tuple[Notice, Match]]:
    """Open calls (not cancelled, deadline not passed) matching the profile and never sent in its digest."""
    sent = DigestEntry.objects.filter(profile=profile).values("notice_id")
    notices = (
        Notice.objects.filter(nature__in=[Nature.NOTICE, Nature.PRIOR_INFORMATION], cancelled=False)
        .filter(Q(current_deadline__isnull=True) | Q(current_deadline__gte=now))
        .exclude(pk__in=sent)
    )
    found = []
    for notice in notices.iterator(chunk_size=500):
        result = match(profile, notice)
        if result is not None:
            found.append((notice, result))
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    found.sort(key=lambda pair: (-pair[1].score, pair[0].current_deadline or far, pair[0].idweb))
    return found[:MAX_NOTICES]


def digest_body(profile: WatchProfile, matches: list[tuple[Notice, Match]]) -> tuple[str, str]:
    subject = ngettext(
        "Veille « %(name)s » : %(n)s nouvel appel d'offres",
        "Veille « %(name)s » : %(n)s nouveaux appels d'offres",
        len(matches),
    ) % {"name": profile.name, "n": len(matches)}
    lines = [_("Bonjour,"), "", _("Nouveaux avis pour votre profil de veille « %(name)s » :") % {"name": profile.name}]
    for notice, result in matches:
        page = absolute_url(reverse("tenders:notice", kwargs={"network": profile.network.slug, "idweb": notice.idweb}))
        deadline = (
            date_format(timezone.localtime(notice.current_deadline), "DATETIME_FORMAT")
            if notice.current_deadline
            else _("non précisée")
        )
        lines += ["", f"- {notice.object}", "  " + _("Acheteur : %(buyer)s") % {"buyer": notice.buyer or "—"}]
        lines.append("  " + _("Date limite de réponse : %(date)s") % {"date": deadline})
        if notice.reserved_ess:
            lines.append("  " + _("Marché réservé à l'ESS"))
        if result.reasons:
            lines.append("  " + _("Correspond à : %(why)s") % {"why": ", ".join(result.reasons)})
        lines.append(f"  {page}")
        if notice.url:
            lines.append("  " + _("Avis au BOAMP : %(url)s") % {"url": notice.url})
    profiles_url = absolute_url(reverse("tenders:profiles", kwargs={"network": profile.network.slug}))
    lines += [
        "",
        _("Vos profils de veille (pour changer ou arrêter ce récapitulatif) : %(url)s") % {"url": profiles_url},
    ]
    return subject, "\n".join(lines)


def digest_send(*, now: dt.datetime | None = None, due: bool = True) -> int:
    """Queue the digest of each active profile (those due when `due`); returns how many e-mails were queued."""
    now = now or timezone.now()
    sent = 0
    profiles = WatchProfile.objects.filter(is_active=True, recipient__is_active=True).select_related(
        "network", "organisation", "recipient"
    )
    for profile in profiles.order_by("pk"):
        if due and not is_due(profile, now):
            continue
        matches = new_matches(profile, now)
        if not matches:
            continue
        with override(profile.recipient.preferred_language or "fr"):
            subject, body = digest_body(profile, matches)
        with transaction.atomic():
            send_mail_logged(
                organisation=profile.organisation,
                to=profile.recipient.email,
                subject=subject,
                body=body,
                purpose=PURPOSE,
                about=profile,
            )
            DigestEntry.objects.bulk_create(
                [DigestEntry(profile=profile, notice=notice, sent_at=now) for notice, _match in matches],
                ignore_conflicts=True,
            )
            WatchProfile.objects.filter(pk=profile.pk).update(last_digest_at=now)
        sent += 1
    return sent
