# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "coopforma.reporting"
    label = "reporting"
    verbose_name = _("Bilan pédagogique et financier")
