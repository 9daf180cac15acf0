# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "coopforma.catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue")
