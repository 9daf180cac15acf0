# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingSessionsConfig(AppConfig):
    name = "coopforma.training_sessions"
    label = "training_sessions"
    verbose_name = _("Sessions")

    def ready(self) -> None:
        from coopforma.training_sessions.documents import register_kinds

        register_kinds()
