# SPDX-License-Identifier: AGPL-3.0-or-later
from django import template

from coopforma.core import log_actions
from coopforma.core.hours import format_minutes
from coopforma.core.identifiers import format_siret
from coopforma.core.models import ActivityLog
from coopforma.core.money import format_cents

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    return format_cents(cents)


@register.filter
def hours(minutes: int | None) -> str:
    return format_minutes(minutes)


@register.filter
def siret(value: str) -> str:
    return format_siret(value)


@register.simple_tag(takes_context=True)
def querystring_with(context: template.Context, **kwargs: object) -> str:
    """The current query string with some parameters replaced (for pagination and filters)."""
    params = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def log_sentence(entry: ActivityLog) -> str:
    """« Formation créée par Camille Dupont »: an activity-log entry as a French reader reads it."""
    return log_actions.sentence(entry)


@register.filter
def log_changes(entry: ActivityLog) -> list[tuple[str, str, str]]:
    """(field, old, new) of an entry's recorded changes, with French field names and values."""
    return log_actions.changes(entry)
