# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "coopforma.privacy"
    label = "privacy"
    verbose_name = _("Données personnelles (RGPD)")
