# SPDX-License-Identifier: AGPL-3.0-or-later
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.accounts.roles import Role
from coopforma.dashboard.selectors import dashboard_for, digest_subscribed
from coopforma.dashboard.services import digest_subscription_set


class DashboardView(OrgViewMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["dashboard"] = dashboard_for(actor=self.actor)
        context["role_label"] = Role(self.actor.role).label
        context["digest_subscribed"] = digest_subscribed(actor=self.actor)
        return context


class DigestSubscriptionView(OrgViewMixin, View):
    """Receive or stop the Monday e-mail of one's alerts (POST `subscribed` = « 1 » or « 0 »)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        subscribed = request.POST.get("subscribed") == "1"
        digest_subscription_set(actor=self.actor, subscribed=subscribed)
        if subscribed:
            messages.success(request, _("Vous recevrez chaque lundi le récapitulatif de vos alertes."))
        else:
            messages.success(request, _("Vous ne recevrez plus le récapitulatif du lundi."))
        return HttpResponseRedirect(reverse("dashboard:home", kwargs={"org": self.actor.organisation.slug}))
