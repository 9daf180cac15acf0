# SPDX-License-Identifier: AGPL-3.0-or-later
"""The embeddable widget: an organisation's (or one member structure's) trainings and next sessions on its own
website.

  /f/<org>/widget/  and  /f/<org>/structures/<structure>/widget/   the page shown in an <iframe>
  /f/<org>/widget.css?color=…&size=…                                its colours and font size (validated)
  /f/<org>/widget.js                                                the script a site includes

The site pastes a snippet (shown in the back office: the member structure's page, the organisation's settings):
a plain link to the catalogue, then `<script src=…/widget.js data-coopforma-org=… data-structure=…>`, which
replaces the link with the iframe and sizes it to its content (the page posts its height with postMessage).
Without JavaScript, or when the script cannot load, the link stays: it leads to the catalogue.

These routes set no cookie (no session, no CSRF token: the page has no form) and may be framed by any site
(X-Frame-Options left out, CSP `frame-ancestors *`) — these routes only; every other page keeps DENY.
"""

import re
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt

from coopforma.accounts.models import Organisation
from coopforma.core.links import absolute_url
from coopforma.documents.branding import brand_color
from coopforma.people.models import MemberStructure
from coopforma.public import published, seo

DEFAULT_COLOR = "#1f5f8b"
SIZE_MIN, SIZE_MAX, SIZE_DEFAULT = 12, 22, 16
LIMIT_MIN, LIMIT_MAX, LIMIT_DEFAULT = 1, 20, 5
TRAININGS_SHOWN = 30
_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


# --- parameters within safe bounds --------------------------------------------------------------------------------


def _luminance(hex_color: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast_on_white(hex_color: str) -> float:
    return 1.05 / (_luminance(hex_color) + 0.05)


def safe_color(value: str | None, default: str = DEFAULT_COLOR) -> str:
    """A #rrggbb colour readable on white (WCAG AA, 4.5:1): a valid colour too light is darkened until it is;
    anything else is the default."""
    match = _HEX.match((value or "").strip())
    if not match:
        return default
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    color = "#" + digits
    while contrast_on_white(color) < 4.5:
        color = "#" + "".join(f"{int(int(color[i : i + 2], 16) * 0.85):02x}" for i in (1, 3, 5))
    return color


def _bounded(value: str | None, low: int, high: int, default: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    return min(high, max(low, number))


def widget_options(params: QueryDict | dict[str, str], organisation: Organisation) -> dict[str, Any]:
    """color (#rrggbb, readable on white; the organisation's colour by default), size (font size in px, 12 to 22),
    limit (sessions shown, 1 to 20): out-of-bounds values are brought within them, never an error."""
    return {
        "color": safe_color(params.get("color"), default=safe_color(brand_color(organisation))),
        "size": _bounded(params.get("size"), SIZE_MIN, SIZE_MAX, SIZE_DEFAULT),
        "limit": _bounded(params.get("limit"), LIMIT_MIN, LIMIT_MAX, LIMIT_DEFAULT),
    }


def _query(options: dict[str, Any]) -> str:
    return urlencode({"color": options["color"].lstrip("#"), "size": options["size"], "limit": options["limit"]})


def _framable(response: HttpResponse) -> HttpResponse:
    """Any site may frame this response: CSP frame-ancestors * on the project's policy (enforced or report-only)."""
    for setting, attribute in (("SECURE_CSP", "_csp_config"), ("SECURE_CSP_REPORT_ONLY", "_csp_ro_config")):
        policy = getattr(settings, setting, None)
        if policy:
            setattr(response, attribute, {**policy, "frame-ancestors": ["*"]})
    return response


# --- the routes ---------------------------------------------------------------------------------------------------


@xframe_options_exempt
def widget_page(request: HttpRequest, org: str, structure: str | None = None) -> HttpResponse:
    scope = published.public_scope(organisation_slug=org, structure=structure)
    options = widget_options(request.GET, scope.organisation)
    trainings = list(published.published_trainings(scope=scope)[: TRAININGS_SHOWN + 1])
    context = {
        "scope": scope,
        "sessions": published.public_sessions(scope=scope, limit=options["limit"]),
        "trainings": trainings[:TRAININGS_SHOWN],
        "more_trainings": len(trainings) > TRAININGS_SHOWN,
        "catalogue_url": seo.catalogue_url(scope.organisation.slug),
        "css_url": reverse("public:widget_css", kwargs={"org": scope.organisation.slug}) + "?" + _query(options),
    }
    response = render(request, "public/widget.html", context)
    response["Cache-Control"] = "public, max-age=300"
    return _framable(response)


def widget_css(request: HttpRequest, org: str) -> HttpResponse:
    """The widget's colour and font size as CSS variables (the page allows no inline style)."""
    organisation = published.public_organisation(organisation_slug=org)
    options = widget_options(request.GET, organisation)
    body = f":root {{ --widget-color: {options['color']}; --widget-size: {options['size']}px; }}\n"
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def widget_js(request: HttpRequest, org: str) -> HttpResponse:
    """The script a site includes: it puts the widget's iframe in place of the link before it."""
    organisation = published.public_organisation(organisation_slug=org)
    origin = absolute_url("")
    body = render_to_string("public/widget.js", {"origin": origin, "org": organisation.slug})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the snippet shown in the back office -------------------------------------------------------------------------


def snippet_context(
    organisation: Organisation, structure: MemberStructure | None, params: QueryDict | dict[str, str]
) -> dict[str, Any]:
    """The snippets to copy (with script, and the iframe alone) and the preview's address, for the options chosen
    in the back office form (`widget_color`, `widget_size`, `widget_limit`)."""
    options = widget_options(
        {
            "color": params.get("widget_color", ""),
            "size": params.get("widget_size", ""),
            "limit": params.get("widget_limit", ""),
        },
        organisation,
    )
    structure_key = (structure.slug or str(structure.pk)) if structure is not None else ""
    if structure is not None:
        path = reverse("public:structure_widget", kwargs={"org": organisation.slug, "structure": structure_key})
    else:
        path = reverse("public:widget", kwargs={"org": organisation.slug})
    query = _query(options)
    catalogue = seo.catalogue_url(organisation.slug)
    context = {
        "organisation": organisation,
        "structure": structure,
        "structure_key": structure_key,
        "options": options,
        "color_value": options["color"],
        "preview_url": path + "?" + query,
        "frame_url": absolute_url(path) + "?" + query,
        "script_url": absolute_url(reverse("public:widget_js", kwargs={"org": organisation.slug})),
        "catalogue_url": catalogue,
        "size_min": SIZE_MIN,
        "size_max": SIZE_MAX,
        "limit_min": LIMIT_MIN,
        "limit_max": LIMIT_MAX,
    }
    context["script_snippet"] = render_to_string("public/widget_code_script.txt", context).strip()
    context["iframe_snippet"] = render_to_string("public/widget_code_iframe.txt", context).strip()
    return context
