# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TendersConfig(AppConfig):
    name = "coopforma.tenders"
    label = "tenders"
    verbose_name = _("Appels d'offres")
