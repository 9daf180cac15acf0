# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferentielConfig(AppConfig):
    name = "coopforma.referentiel"
    label = "referentiel"
    verbose_name = _("Référentiel métiers et compétences")

    def ready(self) -> None:
        from coopforma.referentiel.documents import register_kind, register_providers

        register_kind()
        register_providers()
