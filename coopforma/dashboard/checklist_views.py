# SPDX-License-Identifier: AGPL-3.0-or-later
"""« Masquer » on the first-run checklist: hidden for this login session (it comes back at the next login while
something is still to do, so it is not forgotten)."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.dashboard.checklist import dismissed_key


class ChecklistDismissView(OrgViewMixin, View):
    required_flag = "org.manage"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        request.session[dismissed_key(self.actor)] = True
        return HttpResponseRedirect(reverse("dashboard:home", kwargs={"org": self.actor.organisation.slug}))
