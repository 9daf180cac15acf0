# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "coopforma.core"
    label = "core"
    verbose_name = "Coopforma core"

    def ready(self) -> None:
        from django.core.checks import register

        from coopforma.core import checks

        register(checks.site_url_set)
        register(checks.var_dir_private, deploy=True)
