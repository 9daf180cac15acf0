# SPDX-License-Identifier: AGPL-3.0-or-later
"""The members' weekly digest of the exchanges (issue 18, point 6): to each joined member who keeps `digest` on,

- the new suggestions involving their listings since their last digest (proposed, not yet decided by the
  facilitators: the matching part creates them);
- the new open listings of other members that share a référentiel competency with one of their open listings or
  sit in their département;
- their steps of the next 14 days (exchanges they take part in, not cancelled);
- the debriefs they still have to write (an exchange of theirs with a past step and no debrief of theirs).

Nothing to say: no e-mail (and `digest_sent_at` stays, so that the next digest covers the whole period). Sent
through the network's outbox (core.mail.send_mail_logged with `network=`, purpose « exchanges.digest »), in the
person's language. The lists are computed (template `exchanges/digest_email.txt`); what surrounds them is the
network's text of the e-mail (exchanges/mails.py DIGEST: the default, or the one its moderators and facilitators
wrote), where the lists go in `{{ nouvelles }}`.

Run by the scheduler: `coopforma exchanges digest --due` (members whose last digest is 7 days old or more, or who
never had one); `--now` sends to every joined member at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from coopforma.core.links import absolute_url
from coopforma.core.mail import send_mail_logged
from coopforma.core.mail_texts import mail_text_render
from coopforma.exchanges.mails import DIGEST
from coopforma.exchanges.models import (
    ExchangeState,
    Listing,
    ListingKind,
    ListingState,
    Member,
    Participant,
    Step,
    Suggestion,
    SuggestionState,
)

PURPOSE = "exchanges.digest"  # = mails.DIGEST.code
EVERY = dt.timedelta(days=7)
AHEAD = dt.timedelta(days=14)
MAX_ITEMS = 20  # per section


def link(network_slug: str, name: str, **ids: int) -> str:
    """The absolute URL of an exchanges page; the exchanges' home (then the public page) when it does not exist
    on this installation (the parts of the app arrive one by one)."""
    for candidate, kwargs in ((name, ids), ("home", {}), ("public", {})):
        try:
            return absolute_url(reverse(f"exchanges:{candidate}", kwargs={"network": network_slug, **kwargs}))
        except NoReverseMatch:
            continue
    return ""


@dataclass
class Item:
    title: str
    detail: str
    url: str


@dataclass
class Digest:
    member: Member
    suggestions: list[Item] = field(default_factory=list)
    listings: list[Item] = field(default_factory=list)
    steps: list[Item] = field(default_factory=list)
    debriefs: list[Item] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.suggestions) + len(self.listings) + len(self.steps) + len(self.debriefs)


def since_for(member: Member) -> dt.datetime:
    return member.digest_sent_at or member.joined_at or member.created_at


def _suggestions(member: Member, since: dt.datetime) -> list[Item]:
    slug = member.network.slug
    rows = (
        Suggestion.objects.filter(network=member.network, state=SuggestionState.PROPOSED, created_at__gt=since)
        .filter(Q(offer__member=member) | Q(request__member=member))
        .select_related("offer__member", "request__member")
        .order_by("-score", "pk")[:MAX_ITEMS]
    )
    items = []
    for suggestion in rows:
        mine = suggestion.offer if suggestion.offer.member_id == member.pk else suggestion.request
        theirs = suggestion.request if mine == suggestion.offer else suggestion.offer
        reasons = ", ".join(str(reason.get("label", "")) for reason in suggestion.reasons or [] if reason.get("label"))
        detail = _("« %(mine)s » et « %(theirs)s » de %(who)s") % {
            "mine": mine.title,
            "theirs": theirs.title,
            "who": theirs.member.display_name,
        }
        if reasons:
            detail += f" ({reasons})"
        items.append(Item(mine.title, detail, link(slug, "listing", listing_id=mine.pk)))
    return items


def _listings(member: Member, since: dt.datetime) -> list[Item]:
    mine = Listing.objects.filter(member=member, state=ListingState.OPEN)
    competencies = mine.values("competencies")
    close = Q(competencies__in=competencies)
    if member.department:
        close |= Q(department=member.department)
    ids = (
        Listing.objects.filter(
            network=member.network, state=ListingState.OPEN, created_at__gt=since, member__joined_at__isnull=False
        )
        .exclude(member__user=member.user)
        .filter(close)
        .values("pk")
    )
    rows = Listing.objects.filter(pk__in=ids).select_related("member").order_by("-created_at", "-pk")[:MAX_ITEMS]
    return [
        Item(
            listing.title,
            (_("Offre de %(who)s") if listing.kind == ListingKind.OFFER else _("Demande de %(who)s"))
            % {"who": listing.member.display_name}
            + (f", {listing.city}" if listing.city else ""),
            link(member.network.slug, "listing", listing_id=listing.pk),
        )
        for listing in rows
    ]


def _steps(member: Member, now: dt.datetime) -> list[Item]:
    rows = (
        Step.objects.filter(exchange__participants__member=member, starts_at__gte=now, starts_at__lt=now + AHEAD)
        .exclude(exchange__state=ExchangeState.CANCELLED)
        .select_related("exchange")
        .distinct()
        .order_by("starts_at", "pk")[:MAX_ITEMS]
    )
    items = []
    for step in rows:
        start = timezone.localtime(step.starts_at)
        when = _("le %(date)s à %(time)s") % {"date": start.strftime("%d/%m/%Y"), "time": start.strftime("%H:%M")}
        where = _("à distance") if step.is_remote else step.place
        detail = f"{step.exchange.title} — {when}" + (f", {where}" if where else "")
        items.append(Item(step.title, detail, link(member.network.slug, "exchange", exchange_id=step.exchange_id)))
    return items


def _debriefs(member: Member, now: dt.datetime) -> list[Item]:
    rows = (
        Participant.objects.filter(member=member, debrief__isnull=True, exchange__steps__ends_at__lt=now)
        .exclude(exchange__state=ExchangeState.CANCELLED)
        .select_related("exchange")
        .distinct()
        .order_by("exchange__starts_on", "pk")[:MAX_ITEMS]
    )
    return [
        Item(
            participant.exchange.title,
            participant.get_role_display(),
            link(member.network.slug, "debrief", exchange_id=participant.exchange_id),
        )
        for participant in rows
    ]


def digest_for(member: Member, now: dt.datetime) -> Digest:
    since = since_for(member)
    return Digest(
        member=member,
        suggestions=_suggestions(member, since),
        listings=_listings(member, since),
        steps=_steps(member, now),
        debriefs=_debriefs(member, now),
    )


def recipients(*, now: dt.datetime, due: bool) -> Any:
    """The joined members who keep the digest on (and whose account is active); with `due`, those whose last
    digest is EVERY old or more, or who never had one."""
    members = Member.objects.filter(joined_at__isnull=False, digest=True, user__is_active=True).select_related(
        "network", "user"
    )
    if due:
        members = members.filter(Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lte=now - EVERY))
    return members.order_by("pk")


def render(digest: Digest) -> tuple[str, str]:
    """(subject, body): the network's text of the digest around the computed lists."""
    member = digest.member
    items = render_to_string("exchanges/digest_email.txt", {"digest": digest}).strip("\n")
    values = {
        "name": member.display_name,
        "network": member.network.name,
        "news": ngettext("%(n)d nouvelle", "%(n)d nouvelles", digest.count) % {"n": digest.count},
        "items": items,
        "link": link(member.network.slug, "member_edit", member_id=member.pk),
    }
    subject, body = mail_text_render(network_id=member.network_id, code=DIGEST.code, values=values)
    return " ".join(subject.split()), body


def digest_send(*, now: dt.datetime | None = None, due: bool = True) -> int:
    """Queue each member's digest when it has something to say; returns how many e-mails were queued."""
    now = now or timezone.now()
    sent = 0
    for member in recipients(now=now, due=due):
        to = member.user.email or member.email
        if not to:
            continue
        with override(getattr(member.user, "preferred_language", "") or "fr"):
            digest = digest_for(member, now)
            if not digest.count:
                continue
            subject, body = render(digest)
        with transaction.atomic():
            send_mail_logged(
                organisation=None,
                network=member.network,
                to=to,
                subject=subject,
                body=body,
                purpose=PURPOSE,
                about=member,
            )
            Member.objects.filter(pk=member.pk).update(digest_sent_at=now)
        sent += 1
    return sent


def command_digest(options: dict[str, Any]) -> str:
    """`coopforma exchanges digest --due|--now`."""
    sent = digest_send(due=not options.get("now"))
    return _("Récapitulatifs des échanges envoyés : %(n)d.") % {"n": sent}
