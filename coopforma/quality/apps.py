# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "coopforma.quality"
    label = "quality"
    verbose_name = _("Qualité (Qualiopi)")
