# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def create_cache_table(using: str = "default", **kwargs: object) -> None:
    """`migrate` also creates the table of the database cache (CACHES), when that is the cache in use."""
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "coopforma.core"
    label = "core"
    verbose_name = "Coopforma core"

    def ready(self) -> None:
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="coopforma.core.create_cache_table")
        from django.core.checks import register

        from coopforma.core import checks

        register(checks.site_url_set)
        register(checks.var_dir_private, deploy=True)
