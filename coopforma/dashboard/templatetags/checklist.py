# SPDX-License-Identifier: AGPL-3.0-or-later
"""`{% first_run_checklist as checklist %}`, used by dashboard/_checklist.html (kept apart from the dashboard's
own context so that the checklist stays one include line in home.html)."""

from django import template

from coopforma.dashboard.checklist import Checklist, dismissed_key, first_run_checklist

register = template.Library()


@register.simple_tag(takes_context=True)
def first_run_checklist_for(context: template.Context) -> Checklist | None:
    actor = context.get("actor")
    request = context.get("request")
    if actor is None or (request is not None and request.session.get(dismissed_key(actor))):
        return None
    return first_run_checklist(actor=actor)
