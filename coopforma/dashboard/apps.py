# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "coopforma.dashboard"
    label = "dashboard"
    verbose_name = _("Tableau de bord")
