# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecognitionConfig(AppConfig):
    name = "coopforma.recognition"
    label = "recognition"
    verbose_name = _("Projets de certification")

    def ready(self) -> None:
        from coopforma.recognition.documents import register_kinds

        register_kinds()
