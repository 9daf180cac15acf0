# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "coopforma.evaluations"
    label = "evaluations"
    verbose_name = _("Évaluations")

    def ready(self) -> None:
        from coopforma.evaluations.documents import register_providers

        register_providers()

        from coopforma.evaluations.mails import register_mail_texts

        register_mail_texts()
