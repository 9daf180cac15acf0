# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "coopforma.offers"
    label = "offers"
    verbose_name = _("Carte des formations")
