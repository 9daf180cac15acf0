# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "coopforma.registry"
    label = "registry"
    verbose_name = _("Registre des organismes de formation")
