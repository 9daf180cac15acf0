# SPDX-License-Identifier: AGPL-3.0-or-later
"""French formatting of printed values, shared by every document (conventions, invoices, attendance sheets):
dates "02/03/2026", times "09 h 00", hours "7 h 30", money "1 400,00 €".

The spaces are plain spaces (not the no-break spaces of `core.money.format_cents` and `core.hours.format_minutes`):
these strings go into typst documents and PDF text, where a plain space is what the reader copies and searches."""

import datetime as dt

from django.utils import timezone

from coopforma.core.hours import format_minutes
from coopforma.core.money import format_cents

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def fr_date(value: dt.date | dt.datetime | None) -> str:
    """02/03/2026; a datetime is shown as its local (Europe/Paris) date; None: ''."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


def fr_time(value: dt.datetime) -> str:
    """The local wall-clock time: '09 h 00'."""
    local = timezone.localtime(value)
    return f"{local:%H} h {local:%M}"


def fr_hours(minutes: int | None) -> str:
    """450 -> '7 h 30'; None: '0 h'."""
    return format_minutes(minutes or 0).replace("\u00a0", " ")


def fr_money(cents: int | None) -> str:
    """140000 -> '1 400,00 €'; None: '0,00 €'."""
    return format_cents(cents or 0).replace("\u202f", " ").replace("\u00a0", " ")
