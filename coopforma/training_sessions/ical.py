# SPDX-License-Identifier: AGPL-3.0-or-later
"""Slots as an iCalendar file (RFC 5545), written with the `icalendar` package.

One VEVENT per slot: UID `slot-<id>@<host>` (stable: a calendar app updates the event when the slot moves),
DTSTART/DTEND in UTC, SUMMARY the session's title, LOCATION the place's name and address (or « À distance »
and the connection link), DESCRIPTION the session's reference and the trainers.
"""

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlparse

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from coopforma.training_sessions.models import Slot


def _host() -> str:
    return urlparse(getattr(settings, "SITE_URL", "") or "").hostname or "coopforma.invalid"


def _location(slot: Slot) -> str:
    place = slot.place or slot.session.place
    if place is not None:
        return ", ".join(part for part in (place.name, place.address) if part)
    link = slot.remote_url or slot.session.remote_url
    return f"À distance — {link}" if link else "À distance"


def calendar_bytes(*, name: str, slots: Iterable[Slot], trainers: dict[int, list[str]] | None = None) -> bytes:
    """The VCALENDAR of `slots` (X-WR-CALNAME `name`); `trainers`: slot id → names for the description."""
    calendar = Calendar()
    calendar.add("prodid", "-//Coopforma//Créneaux de formation//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Paris")
    host = _host()
    stamp = timezone.now().astimezone(dt.UTC).replace(microsecond=0)
    for slot in slots:
        event = Event()
        event.add("uid", f"slot-{slot.pk}@{host}")
        event.add("dtstamp", stamp)
        event.add("last-modified", slot.updated_at.astimezone(dt.UTC).replace(microsecond=0))
        event.add("dtstart", slot.starts_at.astimezone(dt.UTC))
        event.add("dtend", slot.ends_at.astimezone(dt.UTC))
        event.add("summary", slot.session.title)
        event.add("location", _location(slot))
        lines = [f"Session S-{slot.session_id:05d}"]
        names = (trainers or {}).get(slot.pk)
        if names:
            lines.append("Formateur·rices : " + ", ".join(names))
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return calendar.to_ical()
