# SPDX-License-Identifier: AGPL-3.0-or-later
"""`{% training_seo training as seo %}`: the <head> of a public training page for search engines (public.seo), and
`{% widget_snippet org structure %}`: the code a site pastes to show the catalogue (public.widget)."""

from typing import Any

from django import template

from coopforma.public import seo, widget

register = template.Library()


@register.simple_tag
def training_seo(training: Any) -> seo.PageMeta:
    return seo.training_meta(training)


@register.inclusion_tag("public/widget_snippet.html", takes_context=True)
def widget_snippet(context: template.Context, organisation: Any, structure: Any = None) -> dict[str, Any]:
    request = context.get("request")
    snippet = widget.snippet_context(organisation, structure, request.GET if request is not None else {})
    snippet["page_path"] = request.path if request is not None else ""
    return snippet
