# SPDX-License-Identifier: AGPL-3.0-or-later
"""Feeds of upcoming public sessions, per organisation and per member structure: iCalendar (RFC 5545, with the
`icalendar` package like training_sessions.ical) and Atom (RFC 4287, Django's syndication framework).

  /f/<org>/sessions.ics    /f/<org>/structures/<structure>/sessions.ics
  /f/<org>/sessions.atom   /f/<org>/structures/<structure>/sessions.atom

What is public is what the training page shows: title, dates, place (name and address), places left, the link to
the training's page; never a connection link, a trainer's or a trainee's name. Conditional GET: an ETag and
Last-Modified from the latest change of the scope's trainings, sessions and slots and today's date (the list
changes at midnight, when a session starts), so a calendar app polling every few minutes mostly gets 304.
"""

import datetime as dt
import hashlib
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import condition
from icalendar import Calendar, Event

from coopforma.core.hours import format_minutes
from coopforma.public import published, seo
from coopforma.training_sessions.models import Session

CACHE_SECONDS = 900
PARIS = ZoneInfo("Europe/Paris")


def _host() -> str:
    return urlparse(getattr(settings, "SITE_URL", "") or "").hostname or "coopforma.invalid"


def _scope(org: str, structure: str | None = None) -> published.Scope:
    return published.public_scope(organisation_slug=org, structure=structure)


def last_modified(request: HttpRequest, org: str, structure: str | None = None) -> dt.datetime:
    """The feed's Last-Modified: its data's latest change, or today's Paris midnight when later."""
    stamp = published.sessions_last_modified(scope=_scope(org, structure))
    midnight = dt.datetime.combine(timezone.localdate(), dt.time(), tzinfo=PARIS)
    return max(stamp, midnight) if stamp is not None else midnight


def etag(request: HttpRequest, org: str, structure: str | None = None) -> str:
    scope = _scope(org, structure)
    ids = [f"{s.pk}:{s.places_left}" for s in published.public_sessions(scope=scope)]  # type: ignore[attr-defined]
    key = f"{request.path}|{timezone.localdate()}|{last_modified(request, org, structure).isoformat()}|{','.join(ids)}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _cached(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response["Access-Control-Allow-Origin"] = "*"  # public data: a site may read it from its own pages' scripts
    return response


def place_text(session: Session) -> str:
    place = session.place or next((s.place for s in session.slots.all() if s.place is not None), None)
    if place is None:
        return _("À distance")
    return ", ".join(p for p in (place.name, place.address) if p)


def session_dates(session: Session) -> str:
    if session.start_date is None:
        return ""
    start = date_format(session.start_date, "j F Y")
    if session.end_date and session.end_date != session.start_date:
        return _("du %(start)s au %(end)s") % {"start": start, "end": date_format(session.end_date, "j F Y")}
    return _("le %(start)s") % {"start": start}


def places_text(session: Session) -> str:
    left = session.places_left  # type: ignore[attr-defined]
    if left <= 0:
        return _("Complet (liste d'attente)")
    return _("%(n)s place(s) disponible(s)") % {"n": left}


def session_summary(session: Session) -> str:
    parts = [session_dates(session), place_text(session), places_text(session)]
    if session.total_minutes:
        parts.append(_("Durée : %(d)s") % {"d": format_minutes(session.total_minutes)})
    return " · ".join(p for p in parts if p)


# --- iCalendar --------------------------------------------------------------------------------------------------


def calendar_bytes(*, scope: published.Scope, sessions: list[Session]) -> bytes:
    """One VEVENT per slot (a session without slots yet: one all-day event over its dates); UIDs stable so that a
    calendar app updates an event when its slot moves."""
    calendar = Calendar()
    calendar.add("prodid", "-//Coopforma//Sessions publiques//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Sessions à venir — %(name)s") % {"name": scope.name})
    calendar.add("x-wr-timezone", "Europe/Paris")
    calendar.add("refresh-interval", dt.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    host = _host()
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for session in sessions:
        url = seo.training_url(session.training)
        description = "\n".join([session_summary(session), url])
        slots = list(session.slots.all())
        if not slots and session.start_date is None:
            continue
        for slot in slots or [None]:
            event = Event()
            event.add("dtstamp", stamp)
            event.add("summary", session.title)
            event.add("location", place_text(session) if slot is None or slot.place is None else slot.place.name)
            event.add("description", description)
            event.add("url", url)
            event.add("status", "CONFIRMED" if session.status != "draft" else "TENTATIVE")
            if slot is None:
                event.add("uid", f"public-session-{session.pk}@{host}")
                event.add("last-modified", session.updated_at.astimezone(dt.UTC).replace(microsecond=0))
                event.add("dtstart", session.start_date)
                event.add("dtend", (session.end_date or session.start_date) + dt.timedelta(days=1))  # type: ignore[operator]
            else:
                if slot.place is not None:
                    event["location"] = ", ".join(p for p in (slot.place.name, slot.place.address) if p)
                event.add("uid", f"public-slot-{slot.pk}@{host}")
                event.add("last-modified", slot.updated_at.astimezone(dt.UTC).replace(microsecond=0))
                event.add("dtstart", slot.starts_at.astimezone(dt.UTC))
                event.add("dtend", slot.ends_at.astimezone(dt.UTC))
            calendar.add_component(event)
    return calendar.to_ical()


@condition(etag_func=etag, last_modified_func=last_modified)
def sessions_ics(request: HttpRequest, org: str, structure: str | None = None) -> HttpResponse:
    scope = _scope(org, structure)
    body = calendar_bytes(scope=scope, sessions=published.public_sessions(scope=scope))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="sessions.ics"'
    return _cached(response)


# --- Atom -------------------------------------------------------------------------------------------------------


class SessionsFeed(Feed):
    """Upcoming public sessions as an Atom feed (one entry per session, linking to the training's page)."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, org: str, structure: str | None = None) -> published.Scope:  # type: ignore[override]
        return _scope(org, structure)

    def title(self, scope: published.Scope) -> str:
        return _("Sessions à venir — %(name)s") % {"name": scope.name}

    def subtitle(self, scope: published.Scope) -> str:
        return _("Les prochaines sessions publiques du catalogue de formation de %(name)s.") % {"name": scope.name}

    def link(self, scope: published.Scope) -> str:
        return seo.catalogue_url(scope.organisation.slug)

    def feed_guid(self, scope: published.Scope) -> str:
        return self.link(scope) + ("" if scope.structure is None else f"#structure-{scope.structure.pk}")

    def author_name(self, scope: published.Scope) -> str:
        return scope.organisation.name

    def items(self, scope: published.Scope) -> list[Session]:
        return published.public_sessions(scope=scope)

    def item_title(self, item: Session) -> str:
        return f"{item.title} — {session_dates(item)}".strip(" —")

    def item_description(self, item: Session) -> str:
        return session_summary(item)

    def item_link(self, item: Session) -> str:
        return seo.training_url(item.training) + f"#session-{item.pk}"

    def item_guid(self, item: Session) -> str:
        return f"tag:{_host()},2026:session-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Session) -> dt.datetime:
        return item.created_at

    def item_updateddate(self, item: Session) -> dt.datetime:
        return item.updated_at

    def item_categories(self, item: Session) -> list[str]:
        return [item.member_structure.name]


_feed = SessionsFeed()


@condition(etag_func=etag, last_modified_func=last_modified)
def sessions_atom(request: HttpRequest, org: str, structure: str | None = None) -> Any:
    response = _feed(request, org=org, structure=structure)
    # The framework's Last-Modified is the latest entry's date; ours (set by `condition`) also counts today's
    # midnight, so that a client's If-Modified-Since compares with the value it was given.
    del response["Last-Modified"]
    return _cached(response)
