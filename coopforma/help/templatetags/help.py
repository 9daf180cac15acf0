# SPDX-License-Identifier: AGPL-3.0-or-later
"""`{% help_link %}`: the « ? Aide » link of the current page (base.html), from the mapping in `help.links`."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from coopforma.help.links import help_target

register = template.Library()


def help_url(request: object, actor: object) -> str:
    """The URL of the guide section for `request`'s page, or "" when the page has none."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    role = getattr(actor, "role", None)
    target = help_target(match.view_name, role)
    if target is None:
        return ""
    page, anchor = target
    try:
        if actor is not None:
            url = reverse(f"help_org:{page}", kwargs={"org": actor.organisation.slug})  # type: ignore[attr-defined]
        else:
            url = reverse(f"help:{page}")
    except NoReverseMatch:
        return ""
    return f"{url}#{anchor}" if anchor else url


@register.simple_tag(takes_context=True)
def help_link(context: template.Context) -> SafeString | str:
    url = help_url(context.get("request"), context.get("actor"))
    if not url:
        return ""
    return format_html(
        '<p class="help-link"><a href="{}"><span aria-hidden="true">?</span> {}'
        '<span class="visually-hidden"> {}</span></a></p>',
        url,
        _("Aide"),
        _("sur cette page"),
    )


@register.simple_tag(takes_context=True)
def help_home_url(context: template.Context) -> str:
    """The guide's first page: inside the organisation when there is one, the public one otherwise."""
    actor = context.get("actor")
    if actor is not None:
        return reverse("help_org:index", kwargs={"org": actor.organisation.slug})
    return reverse("help:index")
