# SPDX-License-Identifier: AGPL-3.0-or-later
from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def task_url(context: template.Context, task) -> str:  # type: ignore[no-untyped-def]
    org = context["org"]
    return reverse(task.url_name, kwargs={"org": org.slug, **task.url_kwargs}) + task.query
