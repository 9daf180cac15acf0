# SPDX-License-Identifier: AGPL-3.0-or-later
from django.views.generic import TemplateView

from coopforma.accounts.mixins import OrgViewMixin


class DashboardView(OrgViewMixin, TemplateView):
    template_name = "dashboard/home.html"
