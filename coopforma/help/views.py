# SPDX-License-Identifier: AGPL-3.0-or-later
"""The guide's pages: public (/aide/…) and inside an organisation (/o/<org>/aide/…), the same content."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import TemplateView

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.help import guide


def _context(slug: str, page_url: guide.PageUrl) -> dict[str, object]:
    page = guide.render(slug, page_url)
    menu = [(page_url(s), title, s == slug) for s, title in guide.titles()]
    return {"page": page, "menu": menu}


def public_page(request: HttpRequest, page: str) -> HttpResponse:
    return render(request, "help/page.html", _context(page, lambda slug: reverse(f"help:{slug}")))


class OrgGuideView(OrgViewMixin, TemplateView):
    template_name = "help/page.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        slug = self.actor.organisation.slug
        context.update(_context(str(kwargs["page"]), lambda page: reverse(f"help_org:{page}", kwargs={"org": slug})))
        return context
