# SPDX-License-Identifier: AGPL-3.0-or-later
from django.views.generic import TemplateView

from coopforma.accounts.mixins import OrgViewMixin
from coopforma.accounts.roles import Role
from coopforma.dashboard.selectors import dashboard_for


class DashboardView(OrgViewMixin, TemplateView):
    template_name = "dashboard/home.html"

    def get_context_data(self, **kwargs: object) -> dict:
        context = super().get_context_data(**kwargs)
        context["dashboard"] = dashboard_for(actor=self.actor)
        context["role_label"] = Role(self.actor.role).label
        return context
